"""The pre-fit ledger: fits trained ahead of time, handed to the fits that ask.

A search (:mod:`sknumpynn.model_selection`) trains every candidate x fold of
our estimators in one :func:`~sknumpynn._training.together.fit_together` call,
then lets scikit-learn's own search loop run. Each ``fit`` of our estimators in
that loop first asks the active ledger (:func:`intercept`, called at the top of
``BaseNumpyMLP._fit``) whether the same fit was already done: same class, same
parameters, same ``X``, ``y`` and ``sample_weight`` *by content*. On a hit the
estimator takes the recorded fitted state; on a miss (or a recorded failure)
it fits as usual, so correctness never depends on the ledger.

The same hook serves the search's *capture* step: while :func:`capturing` is
active, our ``fit`` records its arguments instead of training, which is how
the search learns, through scikit-learn's own ``Pipeline.fit`` and metadata
routing, exactly what the final step of each pipeline receives.
"""

import hashlib
import pickle
from collections import defaultdict, deque
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import scipy.sparse as sp

_LEDGER = ContextVar("sknumpynn_fit_ledger", default=None)
_CAPTURE = ContextVar("sknumpynn_fit_capture", default=None)


class Unhashable(Exception):
    """A fit's parameters or data have no stable content fingerprint."""


def _update_with_array(digest, array):
    array = np.asarray(array)
    if array.dtype.hasobject:
        digest.update(pickle.dumps(array.tolist(), protocol=4))
        return
    order = b"F" if array.flags.f_contiguous and not array.flags.c_contiguous else b"C"
    digest.update(f"{array.dtype.str}{array.shape}".encode() + order)
    digest.update(np.ascontiguousarray(array).view(np.uint8).ravel().data)


def _update(digest, obj):
    kind = type(obj)
    digest.update(f"<{kind.__module__}.{kind.__qualname__}>".encode())
    if obj is None:
        return
    if sp.issparse(obj):
        digest.update(f"{obj.format}{obj.shape}".encode())
        parts = (obj.data, obj.indices, obj.indptr) if hasattr(obj, "indptr") else ()
        for part in parts or (obj.toarray(),):
            _update_with_array(digest, part)
    elif hasattr(obj, "columns") and hasattr(obj, "iloc"):  # a DataFrame
        digest.update(pickle.dumps([str(c) for c in obj.columns], protocol=4))
        for i in range(obj.shape[1]):
            _update(digest, obj.iloc[:, i].to_numpy())
    elif hasattr(obj, "to_numpy"):  # a Series
        digest.update(pickle.dumps(str(getattr(obj, "name", None)), protocol=4))
        _update_with_array(digest, obj.to_numpy())
    else:
        _update_with_array(digest, obj)


def data_fingerprint(obj):
    """Content hash of ``X``, ``y`` or ``sample_weight``.

    The type, dtype, shape, memory order and bytes of the values; column
    names for DataFrames; format and parts for sparse matrices.
    """
    digest = hashlib.sha256()
    try:
        _update(digest, obj)
    except Exception as error:  # noqa: BLE001 - anything odd is just not cached
        raise Unhashable(str(error)) from error
    return digest.digest()


def params_fingerprint(estimator):
    """Content hash of ``get_params(deep=False)`` (RandomState by its state)."""
    try:
        return hashlib.sha256(
            pickle.dumps(sorted(estimator.get_params(deep=False).items()), protocol=4)
        ).digest()
    except Exception as error:  # noqa: BLE001 - e.g. a lambda parameter
        raise Unhashable(str(error)) from error


def fit_key(estimator, X, y, sample_weight, validation=None, *, data_digest=None):
    """The ledger key of ``estimator.fit(X, y, sample_weight=sample_weight)``.

    ``validation`` is the dict of ``X_val``, ``y_val`` and
    ``sample_weight_val`` passed to ``fit``, if any. Raises
    :class:`Unhashable` when some part has no content fingerprint.
    ``data_digest`` lets a caller memoise the data hashes.
    """
    data_digest = data_digest or data_fingerprint
    key = (
        type(estimator),
        params_fingerprint(estimator),
        data_digest(X),
        data_digest(y),
        data_digest(sample_weight),
    )
    if validation is None:
        return key
    return key + tuple(data_digest(validation[name]) for name in sorted(validation))


def eligible(estimator):
    """Whether a fit of ``estimator`` may be served from a ledger.

    Not with user callbacks (ours or scikit-learn's), which must see the
    training happen, nor for a fitted estimator that would warm-start.
    """
    return not (
        getattr(estimator, "callbacks", None)
        or getattr(estimator, "_skl_callbacks", None)
        or (getattr(estimator, "warm_start", False) and hasattr(estimator, "coefs_"))
    )


class FitLedger:
    """Fitted estimators (or errors) of fits done ahead of time, by fit key.

    Each recorded fit serves one fit: fits with equal keys are served in the
    order recorded (so duplicate candidates with ``random_state=None`` get
    distinct models, as in scikit-learn's loop).
    """

    def __init__(self):
        self._entries = defaultdict(deque)
        self.taken = set()

    def __len__(self):
        return sum(len(queue) for queue in self._entries.values())

    def __repr__(self):
        return f"FitLedger({len(self)} fits left, {len(self.taken)} keys taken)"

    def record(self, key, fitted, error):
        """Record the outcome of one fit: a fitted estimator, or the error."""
        self._entries[key].append((fitted, error))

    def take(self, key):
        """The next fitted estimator recorded for ``key``, or None (none left,
        or that fit failed: then the caller fits and fails as it would have)."""
        queue = self._entries.get(key)
        if not queue:
            return None
        fitted, _ = queue.popleft()
        if fitted is not None:
            self.taken.add(key)
        return fitted

    def active(self):
        """Make this ledger serve our estimators' fits in this context."""
        return _setting(_LEDGER, self)


def capturing(records):
    """Our fits append ``(X, y, sample_weight)`` to ``records`` and do not train
    (``(X, y, sample_weight, validation)`` when ``fit`` was given ``X_val``)."""
    return _setting(_CAPTURE, records)


@contextmanager
def _setting(variable, value):
    """``variable`` holds ``value`` inside the ``with`` block."""
    token = variable.set(value)
    try:
        yield value
    finally:
        variable.reset(token)


def intercept(estimator, X, y, sample_weight, validation=None):
    """The hook at the top of ``_fit``: True when this fit was served here.

    Captures the arguments (see :func:`capturing`), or restores the state of
    a recorded successful fit, or returns False: the estimator fits as usual.
    A recorded failure is not re-raised from here: the fit runs and fails
    again, so scikit-learn's ``error_score`` handling sees the very exception
    and traceback a plain search would.
    """
    records = _CAPTURE.get()
    if records is not None:
        extra = () if validation is None else (validation,)
        records.append((X, y, sample_weight, *extra))
        return True
    ledger = _LEDGER.get()
    if ledger is None or not eligible(estimator):
        return False
    try:
        fitted = ledger.take(fit_key(estimator, X, y, sample_weight, validation))
    except Unhashable:
        return False
    if fitted is None:
        return False
    vars(estimator).update(vars(fitted))  # each recorded fit serves once
    return True
