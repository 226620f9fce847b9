"""GridSearchCV and RandomizedSearchCV that train all their fits together.

Both subclass scikit-learn's classes and change one thing: before
scikit-learn's search loop runs, every candidate x split whose estimator is
ours (alone, at the end of a ``Pipeline``, or inside a
``TransformedTargetRegressor``) is trained in one
:func:`~sknumpynn._training.together.fit_together` call (:mod:`._stacking`).
scikit-learn's loop then runs unchanged, in-process, and each fit of ours in it
takes its recorded result from the ledger. Everything the loop computes
(``cv_results_``, scoring, refit, ``error_score``, routing) is scikit-learn's
own code.
"""

import warnings
from contextlib import ExitStack as _ExitStack
from contextlib import nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from inspect import signature

from sklearn import model_selection as _sk
from sklearn.base import is_classifier
from sklearn.model_selection import check_cv
from sklearn.utils import indexable
from sklearn.utils.validation import _check_method_params

from sknumpynn.model_selection._docs import drop_in_doc
from sknumpynn.model_selection._served import ServedSlots
from sknumpynn.model_selection._stacking import (
    FixedSplits,
    prefit,
    sequential_scoring,
    stackable,
)

_FIT_CALL = ContextVar("sknumpynn_search_fit_call", default=None)
_FIT_TIME_SHARES = ContextVar("sknumpynn_search_fit_time_shares", default=None)

_FIT_DOC = """Run fit with all sets of parameters.

        As scikit-learn's search ``fit``, except that the fits of
        our estimators (every candidate x split) are trained beforehand, all
        in one ``fit_together`` call over ``n_jobs`` workers (or the active
        joblib backend, e.g. Dask), and scikit-learn's loop then runs
        in-process and takes their results. Each such fit's ``fit_time`` in
        ``cv_results_`` includes an equal share of the pre-fit's wall time
        (the pipeline-prefix captures and the ``fit_together`` call).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors.

        y : array-like of shape (n_samples, n_output) or (n_samples,), \
default=None
            Target relative to X; None for unsupervised learning.

        **params : dict of str -> object
            Parameters passed to the ``fit`` method of the estimator, the
            scorer, and the CV splitter, as in scikit-learn.

        Returns
        -------
        self : object
            Instance of fitted estimator.
        """


@dataclass
class _FitCall:
    X: object
    y: object
    params: dict
    backend: tuple


class _StackedSearchMixin:
    """The pre-fit around scikit-learn's ``BaseSearchCV.fit``."""

    def fit(self, X, y=None, **params):
        if not stackable(self.estimator) or getattr(self, "_skl_callbacks", None):
            return super().fit(X, y, **params)
        with sequential_scoring() as backend:
            token = _FIT_CALL.set(_FitCall(X, y, params, backend))
            try:
                return super().fit(X, y, **params)
            finally:
                _FIT_CALL.reset(token)

    fit.__doc__ = _FIT_DOC

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        call = _FIT_CALL.get()

        def evaluate(candidate_params, cv=None, more_results=None, **kwargs):
            candidates = list(candidate_params)  # a sampler is drawn once
            if call is None:
                return evaluate_candidates(candidates, cv, more_results, **kwargs)
            # A halving search passes each iteration's cv (subsampling ones
            # draw new rows per split call): split it once here, replay it.
            splits, planned = self._prefit(candidates, call, cv)
            splits = cv if splits is None else splits
            if planned is None:
                ledger = nullcontext()
            else:  # the ledger for the slots ServedSlots hands back
                ledger = _ExitStack()
                ledger.enter_context(planned.ledger.active())
                served = ServedSlots(planned, candidates, splits.splits)
                ledger.enter_context(served.active())
            shares = None if planned is None else planned.fit_time_shares
            token = _FIT_TIME_SHARES.set(shares)
            try:
                with ledger:
                    results = evaluate_candidates(
                        candidates, splits, more_results, **kwargs
                    )
            finally:
                _FIT_TIME_SHARES.reset(token)
            if planned is not None and self.verbose > 0:
                print(
                    f"[sknumpynn] scikit-learn's loop took {planned.n_served()} of "
                    f"{len(planned.slot_keys)} fits from the pre-fit"
                )
            return results

        run = super()._run_search
        if "callback_ctx" in signature(run).parameters:
            return run(evaluate, callback_ctx=callback_ctx)
        return run(evaluate)

    def _prefit(self, candidates, call, cv=None):
        """``(cv for scikit-learn's loop, Prefit or None)``, as ``fit`` splits.

        ``cv`` is the one ``_run_search`` passed (None: the search's own).
        """
        try:
            X, y = indexable(call.X, call.y)
            params = _check_method_params(X, params=call.params)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # fit has warned already
                routed = self._get_routed_params_for_fit(params)
            if cv is None:  # set by newer fit()s
                cv = getattr(self, "_checked_cv_orig", None)
            if cv is None:
                cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
            splits = list(cv.split(X, y, **routed.splitter.split))
        except Exception:  # noqa: BLE001 - scikit-learn's loop reports it
            return None, None
        if not splits or not candidates:  # e.g. a one-shot iterator as cv
            return None, None
        try:
            planned = prefit(
                self.estimator,
                candidates,
                X,
                y,
                splits,
                routed.estimator.fit,
                n_jobs=self.n_jobs,
                verbose=self.verbose,
                backend=call.backend,
            )
        except Exception as error:  # noqa: BLE001 - never worse than scikit-learn
            if self.verbose > 0:
                print(f"[sknumpynn] pre-fit skipped ({error!r})")
            planned = None
        return FixedSplits(cv, splits), planned

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        shares = _FIT_TIME_SHARES.get()
        if shares is not None:
            shares = shares()
            for result, share in zip(out[len(out) - len(shares) :], shares):
                result["fit_time"] += share
            _FIT_TIME_SHARES.set(None)
        return super()._format_results(candidate_params, n_splits, out, more_results)


_SECTIONS = {"Parameters"}


class GridSearchCV(_StackedSearchMixin, _sk.GridSearchCV):
    __doc__ = drop_in_doc(
        """Exhaustive search over parameter values, our fits trained together.

    A drop-in for :class:`sklearn.model_selection.GridSearchCV`: the same
    parameters, defaults, fitted attributes and results. When the estimator
    is a sknumpynn MLP, a ``Pipeline`` ending in one, or a
    ``TransformedTargetRegressor`` around such a pipeline, all candidate x
    split fits are trained ahead in one ``fit_together`` call (pipeline
    prefixes fitted once per split and distinct prefix setting); other
    estimators, and fits that cannot be shared (user callbacks), run as in
    scikit-learn. ``verbose > 0`` prints how the fits were grouped. The
    parameters (below, scikit-learn's text) and the fitted attributes
    (``cv_results_``, ``best_estimator_``, ``best_params_``, ...) are
    scikit-learn's.
    """,
        _sk.GridSearchCV,
        _SECTIONS,
        """    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.model_selection import GridSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(),
    ...                      NumpyMLPClassifier(max_iter=50, random_state=0))
    >>> grid = {"numpymlpclassifier__alpha": [1e-4, 1e-1]}
    >>> search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    >>> sorted(search.best_params_)
    ['numpymlpclassifier__alpha']
    >>> search.cv_results_["mean_test_score"].shape
    (2,)
""",
    )


class RandomizedSearchCV(_StackedSearchMixin, _sk.RandomizedSearchCV):
    __doc__ = drop_in_doc(
        """Randomized search over parameters, our fits trained together.

    A drop-in for :class:`sklearn.model_selection.RandomizedSearchCV`: the
    candidates are sampled once, exactly as scikit-learn samples them, and
    trained as :class:`GridSearchCV` trains its grid. The parameters (below,
    scikit-learn's text) and the fitted attributes are scikit-learn's.
    """,
        _sk.RandomizedSearchCV,
        _SECTIONS,
        """    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_iris
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.model_selection import RandomizedSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = RandomizedSearchCV(
    ...     NumpyMLPClassifier(max_iter=50, random_state=0),
    ...     {"alpha": loguniform(1e-5, 1e-1)}, n_iter=3, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> len(search.cv_results_["params"])
    3
""",
    )
