"""scikit-learn's per-fit loop, served from the pre-fit without refitting.

For every candidate x split, scikit-learn's search calls ``_fit_and_score``:
clone and ``set_params`` the estimator, split the data, fit the pipeline
(its prefix again, then our estimator, which the ledger serves), then score
it. The prefix refits and the repeated validation were 17-20 % of our search.
While a search of ours evaluates candidates, :func:`install` puts thin
wrappers in front of the ``_fit_and_score`` and ``clone`` of scikit-learn's
search module (pass-throughs outside that context; inside, the per-slot clone
is deferred until a slot needs it) and :class:`ServedSlots` answers each
served slot itself:

- the fitted estimator is assembled from the pre-fit: the prefix fitted
  once per split and prefix setting during the capture (the very objects
  scikit-learn's ``Pipeline.fit`` would produce, since they are fitted on the
  same rows with the same parameters) and our fitted final step;
- the split's ``X_train``/``X_test`` are cut once per split, and each prefix
  step's ``transform`` of them is computed once and shared by the candidates
  (each prefix step of the private assembled pipelines memoises its output
  per input object);
- the scores come from scikit-learn's own ``_score`` with the search's
  scorer, so every value in ``cv_results_`` is scikit-learn's.

A slot goes back to scikit-learn's own ``_fit_and_score`` whenever this would
not be the same computation: a fit that was not served (failed, not ours),
``verbose > 1`` (per-fit messages), ``return_estimator``. A prefix with an
unseeded ``random_state`` (each refit draws anew) or callbacks is not
pre-fitted at all (:func:`exact_prefix`, checked by the pre-fit's plan).
"""

import copy
import numbers
import sys
import time
import warnings
from contextvars import ContextVar

from sklearn.base import clone as _sk_clone
from sklearn.model_selection import _search as _sk_search
from sklearn.model_selection import _validation as _sk_validation
from sklearn.model_selection._validation import _score
from sklearn.pipeline import Pipeline
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.validation import _check_method_params, _num_samples

from sknumpynn._base import BaseNumpyMLP
from sknumpynn._training.ledger import _setting
from sknumpynn.tabular._base import BaseTabularMLP

#: The final steps a search pre-fits: our MLPs, and the tabular estimators
#: (whose engine fits ``fit_together`` stacks).
OURS = (BaseNumpyMLP, BaseTabularMLP)

_SERVED = ContextVar("sknumpynn_served_slots", default=None)


class _Deferred:
    """A clone of the search's estimator not made yet (a served slot never
    uses the one scikit-learn's loop makes for it)."""

    __slots__ = ("estimator",)

    def __init__(self, estimator):
        self.estimator = estimator


def _deferring_clone(estimator, *, safe=True):
    # scikit-learn's search module calls clone for the estimator of each
    # candidate x split inside evaluate_candidates, the context served here.
    if _SERVED.get() is not None:
        return _Deferred(estimator)
    return _sk_clone(estimator, safe=safe)


def _served_fit_and_score(estimator, X, y, **options):
    served = _SERVED.get()
    # Nothing run from here (a scorer, a fallback fit running a search of
    # its own) may see the served context: clones are deferred only in the
    # loop itself.
    token = _SERVED.set(None)
    try:
        result = None if served is None else served.result(X, y, options)
        if result is not None:
            return result
        if isinstance(estimator, _Deferred):  # as scikit-learn's loop cloned it
            estimator = _sk_clone(estimator.estimator)
        # In a joblib worker (scikit-learn's own n_jobs) nothing was installed:
        # the wrapper arrives by reference and passes through to the original.
        original = getattr(_served_fit_and_score, "original", None)
        original = original or _sk_validation._fit_and_score
        return original(estimator, X, y, **options)
    finally:
        _SERVED.reset(token)


def install():
    """Put the wrappers in front of scikit-learn's search ``_fit_and_score``
    and ``clone`` (once; they pass every call through, unless inside
    :meth:`ServedSlots.active`, that is, inside our ``evaluate_candidates``)."""
    if getattr(_sk_search._fit_and_score, "original", None) is None:
        _served_fit_and_score.original = _sk_search._fit_and_score
        _sk_search._fit_and_score = _served_fit_and_score
        _sk_search.clone = _deferring_clone


def exact_prefix(shell, path):
    """Whether a prefix fitted once equals every refit of it: no
    ``random_state=None`` and no scikit-learn callbacks before our final step."""
    if not path:
        return True  # no prefix
    for name, value in shell.get_params(deep=True).items():
        if name == path or name.startswith(path + "__"):
            continue
        # None draws from NumPy's global generator anew at every refit; an
        # int or a RandomState (deep-copied into every clone) draws alike.
        if (name == "random_state" or name.endswith("__random_state")) and (
            value is None
        ):
            return False
        if getattr(value, "_skl_callbacks", None):
            return False
    return not getattr(shell, "_skl_callbacks", None)


def _memoise_transform(step):
    """``step.transform(X)`` computed once per input object (no extra args)."""
    original, cache = step.transform, {}

    def transform(X, *args, **kwargs):
        if args or kwargs:
            return original(X, *args, **kwargs)
        hit = cache.get(id(X))
        if hit is None or hit[0] is not X:
            hit = cache[id(X)] = (X, original(X))
        return hit[1]

    vars(step)["transform"] = transform


def memoise_prefix(shell):
    """Memoise the transforms of every prefix step of a captured ``shell``."""
    if isinstance(shell, Pipeline):
        for _, step in shell.steps[:-1]:
            # (a step with only fit_transform is never asked to transform)
            if not isinstance(step, str) and hasattr(step, "transform"):
                _memoise_transform(step)
        memoise_prefix(shell.steps[-1][1])
    elif not isinstance(shell, OURS):  # a TransformedTargetRegressor
        memoise_prefix(shell.regressor_)


def assemble(shell, candidate, final):
    """The fitted ``candidate``: ``shell``'s fitted prefix, ``final`` at the end."""
    if isinstance(shell, OURS):
        return final
    fitted = copy.copy(shell)
    if isinstance(shell, Pipeline):
        name, last = shell.steps[-1]
        inner = assemble(last, candidate.steps[-1][1], final)
        fitted.steps = [*shell.steps[:-1], (name, inner)]
    else:  # a TransformedTargetRegressor: its own regressor, our fitted one
        fitted.regressor = candidate.regressor
        fitted.regressor_ = assemble(shell.regressor_, candidate.regressor, final)
    return fitted


_MODULES_BY_FILE = {}


def _rewarn(caught):
    """Warn ``caught`` again from its own location and module registry, so
    the active filters (``'default'``: once per location) treat it as they
    treat the original."""
    if caught.filename not in _MODULES_BY_FILE:
        _MODULES_BY_FILE[caught.filename] = next(
            (
                module
                for module in list(sys.modules.values())
                if getattr(module, "__file__", None) == caught.filename
            ),
            None,
        )
    module = _MODULES_BY_FILE[caught.filename]
    # A location of no module (a notebook cell, exec'd code): no module= at
    # all, since an explicit module=None makes warn_explicit show nothing.
    where = {}
    if module is not None:
        where = {
            "module": module.__name__,
            "registry": vars(module).setdefault("__warningregistry__", {}),
        }
    warnings.warn_explicit(
        caught.message, caught.category, caught.filename, caught.lineno, **where
    )


class ServedSlots:
    """Answers scikit-learn's ``_fit_and_score`` for the pre-fit's slots.

    Parameters
    ----------
    planned : Prefit
        The pre-fit of one ``evaluate_candidates`` call.
    candidates : list of dict
        Its candidates (the very dicts scikit-learn's loop passes on).
    splits : list of tuple
        Its ``(train, test)`` arrays (the very arrays it passes on).
    """

    def __init__(self, planned, candidates, splits):
        self.planned, self.candidates, self.splits = planned, candidates, splits
        self._cut = {}

    def active(self):
        """Serve the slots in this context."""
        install()
        return _setting(_SERVED, self)

    def _slot(self, options):
        if options.get("verbose", 0) > 1 or options.get("return_estimator"):
            return None
        error_score = options.get("error_score")
        if not isinstance(error_score, numbers.Number) and error_score != "raise":
            return None  # scikit-learn's own call raises its error
        (candidate, _), (split, n_splits) = (
            options.get("candidate_progress") or (None, 0),
            options.get("split_progress") or (None, 0),
        )
        if candidate is None or split is None or n_splits != len(self.splits):
            return None
        if options.get("parameters") is not self.candidates[candidate]:
            return None
        if options.get("train") is not self.splits[split][0]:
            return None
        return candidate * n_splits + split

    def _data(self, shell, X, y, split):
        if split not in self._cut:
            train, test = self.splits[split]
            self._cut[split] = (
                *_safe_split(shell, X, y, train),
                *_safe_split(shell, X, y, test, train),
            )
        return self._cut[split]

    def result(self, X, y, options):
        """scikit-learn's ``_fit_and_score`` result for a served slot, or
        None: then scikit-learn's own ``_fit_and_score`` runs."""
        slot = self._slot(options)
        served = None if slot is None else self.planned.slot_shells[slot]
        if served is None:
            return None
        shell, candidate, caught = served
        final = self.planned.ledger.take(self.planned.slot_keys[slot])
        if final is None:
            return None
        start = time.time()
        for w in caught:  # the prefix fit's warnings, as its refit would warn
            _rewarn(w)
        fitted = assemble(shell, candidate, final)
        split = slot % len(self.splits)
        X_train, y_train, X_test, y_test = self._data(shell, X, y, split)
        train, test = self.splits[split]
        score_params = options.get("score_params") or {}
        scorer, error_score = options["scorer"], options["error_score"]
        fit_time = time.time() - start
        test_scores = _score(
            fitted,
            X_test,
            y_test,
            scorer,
            _check_method_params(X, params=score_params, indices=test),
            error_score,
        )
        score_time = time.time() - start - fit_time
        result = {"fit_error": None, "test_scores": test_scores}
        if options.get("return_train_score"):
            result["train_scores"] = _score(
                fitted,
                X_train,
                y_train,
                scorer,
                _check_method_params(X, params=score_params, indices=train),
                error_score,
            )
        if options.get("return_n_test_samples"):
            result["n_test_samples"] = _num_samples(X_test)
        if options.get("return_times"):
            result["fit_time"], result["score_time"] = fit_time, score_time
        if options.get("return_parameters"):
            result["parameters"] = options["parameters"]
        return result
