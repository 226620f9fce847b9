"""cross_validate and cross_val_score that train all their folds together.

Same signatures as scikit-learn's (taken from the installed version); the
folds of our estimators are trained ahead in one ``fit_together`` call
(:mod:`._stacking`) and scikit-learn's own ``cross_validate`` then runs
in-process, taking each fit from the ledger.
"""

import functools
import inspect

from sklearn import model_selection as _sk
from sklearn.base import is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils import indexable
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping
from sklearn.utils.metadata_routing import _routing_enabled as routing_enabled

from sknumpynn.model_selection._docs import drop_in_doc
from sknumpynn.model_selection._stacking import (
    FixedSplits,
    prefit,
    sequential_scoring,
    stackable,
)


def _arguments(function, args, kwargs):
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _routed(estimator, cv, params, groups):
    """``(split params, fit params)`` as scikit-learn's cross_validate routes."""
    if not routing_enabled():
        return {"groups": groups}, params
    router = (
        MetadataRouter(owner="cross_validate")
        .add(
            splitter=cv,
            method_mapping=MethodMapping().add(caller="fit", callee="split"),
        )
        .add(
            estimator=estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )
    )
    routed = router.route_params(caller="fit", params=params)
    return routed.splitter.split, routed.estimator.fit


def _prefit_folds(arguments, backend):
    """``(cv for scikit-learn, Prefit or None)`` for one ``cross_validate`` call."""
    estimator = arguments["estimator"]
    try:
        X, y = indexable(arguments["X"], arguments["y"])
        cv = check_cv(arguments["cv"], y, classifier=is_classifier(estimator))
        params = arguments["params"] or {}
        split_params, fit_params = _routed(estimator, cv, params, arguments["groups"])
        splits = list(cv.split(X, y, **split_params))
    except Exception:  # noqa: BLE001 - scikit-learn reports it
        return arguments["cv"], None
    try:
        planned = prefit(
            estimator,
            [{}],
            X,
            y,
            splits,
            fit_params,
            n_jobs=arguments["n_jobs"],
            verbose=arguments["verbose"],
            backend=backend,
        )
    except Exception as error:  # noqa: BLE001 - never worse than scikit-learn
        if arguments["verbose"]:
            print(f"[sknumpynn] pre-fit skipped ({error!r})")
        planned = None
    return FixedSplits(cv, splits), planned


@functools.wraps(_sk.cross_validate, assigned=("__name__", "__qualname__"))
def cross_validate(*args, **kwargs):
    arguments = _arguments(_sk.cross_validate, args, kwargs)
    if not stackable(arguments["estimator"]):
        return _sk.cross_validate(**arguments)
    with sequential_scoring() as backend:
        arguments["cv"], planned = _prefit_folds(arguments, backend)
        if planned is None:
            return _sk.cross_validate(**arguments)
        with planned.ledger.active():
            result = _sk.cross_validate(**arguments)
    result["fit_time"] = result["fit_time"] + planned.fit_time_shares()
    if arguments["verbose"]:
        print(
            f"[sknumpynn] scikit-learn's cross_validate took {planned.n_served()} "
            f"of {len(planned.slot_keys)} fits from the pre-fit"
        )
    return result


cross_validate.__signature__ = inspect.signature(_sk.cross_validate)
cross_validate.__doc__ = drop_in_doc(
    """Evaluate metrics by cross-validation, folds fitted together.

    A drop-in for :func:`sklearn.model_selection.cross_validate`, with its
    signature and return value. When ``estimator`` is a sknumpynn MLP (alone,
    at the end of a ``Pipeline``, or inside a ``TransformedTargetRegressor``),
    the folds are trained ahead in one ``fit_together`` call over ``n_jobs``
    workers (or the active joblib backend) and scikit-learn's
    ``cross_validate`` then runs in-process, taking each fitted fold. Each
    fold's ``fit_time`` includes an equal share of the pre-fit's wall time. The
    sections below are scikit-learn's.
    """,
    _sk.cross_validate,
    {"Parameters", "Returns"},
    """    >>> from sklearn.datasets import load_iris
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.model_selection import cross_validate
    >>> model = NumpyMLPClassifier(max_iter=50, random_state=0)
    >>> result = cross_validate(model, *load_iris(return_X_y=True), cv=3)
    >>> result["test_score"].shape
    (3,)
""",
)


@functools.wraps(_sk.cross_val_score, assigned=("__name__", "__qualname__"))
def cross_val_score(*args, **kwargs):
    arguments = _arguments(_sk.cross_val_score, args, kwargs)
    # As scikit-learn's cross_val_score: one scorer, through cross_validate.
    scorer = check_scoring(arguments["estimator"], scoring=arguments["scoring"])
    arguments["scoring"] = {"score": scorer}
    return cross_validate(**arguments)["test_score"]


cross_val_score.__signature__ = inspect.signature(_sk.cross_val_score)
cross_val_score.__doc__ = drop_in_doc(
    """Evaluate a score by cross-validation, folds fit together.

    A drop-in for :func:`sklearn.model_selection.cross_val_score`, with its
    signature and return value, computed through :func:`cross_validate`. The
    sections below are scikit-learn's.
    """,
    _sk.cross_val_score,
    {"Parameters", "Returns"},
    """    >>> from sklearn.datasets import load_iris
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.model_selection import cross_val_score
    >>> X, y = load_iris(return_X_y=True)
    >>> cross_val_score(NumpyMLPClassifier(max_iter=50, random_state=0),
    ...                 X, y, cv=3).shape
    (3,)
""",
)
