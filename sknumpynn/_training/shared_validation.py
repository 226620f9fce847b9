"""Input validation done once per dataset for the fits of one stack plan.

A search hands :func:`~sknumpynn._training.together.fit_together` one fit per
candidate x fold, and every candidate of a fold trains on the same ``X`` and
``y`` objects. Validating them (``validate_data``, ``type_of_target``, the
label binarizer) costs about 3 ms per fit on small tables, a fifth of a
search of small nets. While :func:`sharing_validation` is active, the first
fit of each ``(class, X, y, dtype)`` and value of the parameters the
validation reads (:data:`VALIDATION_PARAMS`: ``loss='poisson'`` refuses
negative targets) validates as usual and records the
result and the attributes validation set on it (``n_features_in_``,
``feature_names_in_``, ``classes_``, ...); the others take copies of those
attributes and the same validated arrays, which no fit writes to. Only the
drop-ins' own validation is shared: an override (TabularMLP's encoders) may
depend on other parameters.
"""

import copy
from contextlib import contextmanager
from contextvars import ContextVar

_MEMO = ContextVar("sknumpynn_shared_validation", default=None)
_SHARED_OWNERS = ("sknumpynn._labels", "sknumpynn._regressor")
#: The parameters the drop-ins' ``_validate_input`` reads: part of the key.
VALIDATION_PARAMS = ("loss", "warm_start")


@contextmanager
def sharing_validation():
    """Share the validation of equal inputs between the fits inside."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def validate_input(estimator, X, y, incremental, reset, dtype):
    """``estimator._validate_input(X, y, incremental, reset, dtype)``, done
    once per ``(class, X, y, dtype)`` and :data:`VALIDATION_PARAMS` values
    while :func:`sharing_validation` is on.

    Returns
    -------
    X, Y : validated rows and encoded targets
    """
    memo = _MEMO.get()
    owner = type(estimator)._validate_input.__module__
    if memo is None or not reset or incremental or owner not in _SHARED_OWNERS:
        return estimator._validate_input(X, y, incremental, reset, dtype)
    params = tuple(repr(getattr(estimator, name, None)) for name in VALIDATION_PARAMS)
    key = (type(estimator), id(X), id(y), repr(dtype), params)
    if key in memo:
        _, _, X_valid, Y, attributes = memo[key]
        vars(estimator).update(copy.deepcopy(attributes))
        return X_valid, Y
    before = dict(vars(estimator))
    X_valid, Y = estimator._validate_input(X, y, incremental, reset, dtype)
    attributes = {
        name: value
        for name, value in vars(estimator).items()
        if name not in before or before[name] is not value
    }
    # X and y are kept so that their ids cannot be reused while the memo lives.
    memo[key] = (X, y, X_valid, Y, copy.deepcopy(attributes))
    return X_valid, Y
