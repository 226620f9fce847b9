"""The pre-fit: every candidate x split of our estimators trained in one call.

:func:`prefit` decides which fits of a search can be trained ahead of time,
fits each pipeline prefix once per (split, distinct prefix parameters), hands
all final-step fits to one :func:`~sknumpynn._training.together.fit_together`
call and records the outcomes in a :class:`~sknumpynn._training.ledger.FitLedger`
that scikit-learn's own search loop then reads (see :mod:`._search`).
"""

import hashlib
import pickle
import time
import warnings
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from joblib import parallel_config
from joblib.parallel import get_active_backend
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils.metadata_routing import get_routing_for_object
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.validation import _check_method_params

from sknumpynn._training import ledger as _ledger
from sknumpynn._training.together import fit_together
from sknumpynn.model_selection import _served

NOT_OURS = "the final step is not a sknumpynn estimator"
CALLBACKS = "callbacks are set"
REJECTED = "set_params failed (scikit-learn reports it)"
NO_FINGERPRINT = "parameters or data without a content fingerprint"
PREFIX_FAILED = "the pipeline before our estimator failed to fit"
UNSEEDED_PREFIX = (
    "a step before our estimator has callbacks or random_state=None "
    "(each refit draws anew)"
)


def final_ours(estimator):
    """Our estimator at the end of ``estimator``, and its parameter-name path.

    ``estimator`` itself, the last step of a :class:`~sklearn.pipeline.Pipeline`
    or the ``regressor`` of a
    :class:`~sklearn.compose.TransformedTargetRegressor`, recursively. Returns
    ``(None, None)`` when the end is not one of our estimators.
    """
    path = []
    while not isinstance(estimator, _served.OURS):
        if isinstance(estimator, Pipeline):
            name, estimator = estimator.steps[-1]
        elif isinstance(estimator, TransformedTargetRegressor):
            name, estimator = "regressor", estimator.regressor
        else:
            return None, None
        path.append(name)
    return estimator, "__".join(path)


def stackable(estimator):
    """Whether a search around ``estimator`` should use the pre-fit."""
    return final_ours(estimator)[0] is not None


class FixedSplits:
    """Replays the splits a cross-validator gave; routes metadata as it does.

    Searching calls ``cv.split`` once for the pre-fit; scikit-learn then gets
    these same splits (a shuffling splitter with a ``RandomState`` would give
    new ones on a second call).
    """

    def __init__(self, cv, splits):
        self.cv = cv
        self.splits = splits

    def split(self, X=None, y=None, groups=None, **params):
        """Yield the recorded ``(train, test)`` index arrays."""
        yield from self.splits

    def get_n_splits(self, X=None, y=None, groups=None, **params):
        """The number of recorded splits."""
        return len(self.splits)

    def get_metadata_routing(self):
        """The original cross-validator's metadata routing."""
        return get_routing_for_object(self.cv)


@contextmanager
def sequential_scoring():
    """Run scikit-learn's loop in-process; yield the caller's joblib backend.

    Inside, every ``Parallel`` created runs sequentially, so the fits
    scikit-learn dispatches see the (in-process) ledger; the pre-fit's own
    ``fit_together`` call runs under the yielded backend (loky, Dask, ...).
    """
    backend = get_active_backend()
    with parallel_config(backend="sequential"):
        yield backend


@dataclass
class Prefit:
    """Outcome of :func:`prefit`.

    Attributes
    ----------
    ledger : FitLedger
        The recorded fits.
    slot_keys : list
        Ledger key (or None) per candidate x split, candidate-major, the
        order of scikit-learn's search loop.
    seconds : float
        Wall time of the pre-fit (prefix fits and the ``fit_together`` call).
    slot_shells : list
        Per slot, ``(shell, candidate, warnings)`` for :mod:`._served`: the
        capture's fitted clone, the candidate, what its prefix fit warned; or
        None where scikit-learn's ``_fit_and_score`` must run.
    """

    ledger: _ledger.FitLedger
    slot_keys: list
    seconds: float
    slot_shells: list

    def fit_time_shares(self):
        """Seconds to add to each slot's ``fit_time``: an equal share of the
        pre-fit's wall time for every slot served by the ledger, else 0."""
        keyed = sum(key is not None for key in self.slot_keys)
        share = self.seconds / keyed if keyed else 0.0
        return np.array(
            [share if key in self.ledger.taken else 0.0 for key in self.slot_keys]
        )

    def n_served(self):
        """How many slots scikit-learn's loop took from the ledger."""
        return sum(key in self.ledger.taken for key in self.slot_keys)


def _value_fingerprint(value):
    try:
        return hashlib.sha256(pickle.dumps(value, protocol=4)).digest()
    except Exception as error:  # noqa: BLE001 - then this candidate is not cached
        raise _ledger.Unhashable(str(error)) from error


def _prepare(estimator, params):
    """``(candidate estimator, our final step, prefix token)`` or a reason."""
    try:
        candidate = clone(estimator).set_params(**clone(params, safe=False))
    except Exception:  # noqa: BLE001 - scikit-learn's loop raises it itself
        return None, REJECTED
    final, path = final_ours(candidate)
    if final is None:
        return None, NOT_OURS
    if not _ledger.eligible(final):
        return None, CALLBACKS
    if not _served.exact_prefix(candidate, path):
        return None, UNSEEDED_PREFIX
    prefix = sorted(
        (name, value)
        for name, value in params.items()
        if path and name != path and not name.startswith(path + "__")
    )
    try:
        token = _value_fingerprint(prefix)
    except _ledger.Unhashable:
        return None, NO_FINGERPRINT
    return (candidate, final, token), None


def _capture(candidate, X, y, train, fit_params):
    """What our final step receives when ``candidate`` is fitted on ``train``.

    Runs scikit-learn's own ``fit`` (pipeline prefix, target transform,
    metadata routing) as ``_fit_and_score`` would, with our estimator's fit
    replaced by a recording. Returns ``(data, shell, warnings)`` or None:
    ``data`` is ``(X, y, sample_weight)`` (plus the
    ``X_val``/``y_val``/``sample_weight_val`` dict when routed), ``shell`` the
    fitted clone (its prefix fitted), ``warnings`` what that fit warned
    (scikit-learn's loop shows them).
    """
    shell = clone(candidate)
    X_train, y_train = _safe_split(shell, X, y, train)
    fit_params = _check_method_params(X, params=fit_params, indices=train)
    records = []
    try:
        with warnings.catch_warnings(record=True) as caught, _ledger.capturing(records):
            warnings.simplefilter("always")
            if y_train is None:
                shell.fit(X_train, **fit_params)
            else:
                shell.fit(X_train, y_train, **fit_params)
    except Exception:  # noqa: BLE001 - scikit-learn's loop reports it
        return None
    return (records[0], shell, caught) if len(records) == 1 else None


def _digester():
    """``data_fingerprint`` memoised by object (the pre-fit keeps them alive)."""
    seen = {}

    def digest(obj):
        if id(obj) not in seen:
            seen[id(obj)] = (obj, _ledger.data_fingerprint(obj))
        return seen[id(obj)][1]

    return digest


def _key(final, data, digest):
    try:
        return _ledger.fit_key(final, *data, data_digest=digest)
    except _ledger.Unhashable:
        return None


def _plan(estimator, candidates, X, y, splits, fit_params):
    """Jobs ``[(key, estimator, data)]``, slot keys, skip reasons, prefix fits."""
    groups, reasons = {}, Counter()
    for index, params in enumerate(candidates):
        prepared, reason = _prepare(estimator, params)
        if reason:
            reasons[reason] += len(splits)
        else:
            candidate, final, token = prepared
            groups.setdefault(token, []).append((index, candidate, final))
    n_slots = len(candidates) * len(splits)
    slot_keys, slot_jobs = [None] * n_slots, [None] * n_slots
    slot_shells = [None] * n_slots
    digest = _digester()
    for members in groups.values():
        for split_index, (train, _) in enumerate(splits):
            data = captured = None
            for _, candidate, _ in members:  # the first whose fit gets that far
                captured = _capture(candidate, X, y, train, fit_params)
                if captured is not None:
                    data, shell, caught = captured
                    break
            if captured is not None:
                _served.memoise_prefix(shell)
            for index, candidate, final in members:
                try:
                    key = (
                        None
                        if data is None
                        else _ledger.fit_key(final, *data, data_digest=digest)
                    )
                except _ledger.Unhashable:
                    key = None
                if key is None:
                    reasons[PREFIX_FAILED if data is None else NO_FINGERPRINT] += 1
                    continue
                slot = index * len(splits) + split_index
                slot_keys[slot], slot_jobs[slot] = key, (final, data)
                slot_shells[slot] = (shell, candidate, caught)
    # One job per fit, in scikit-learn's order (candidate-major): duplicate
    # candidates with random_state=None stay distinct fits, as in its loop.
    jobs = [(key, *job) for key, job in zip(slot_keys, slot_jobs) if key is not None]
    return jobs, (slot_keys, slot_shells), reasons, len(groups) * len(splits)


def _describe(n_candidates, n_splits, jobs, slot_keys, reasons, prefix_fits):
    n_keyed = sum(key is not None for key in slot_keys)
    lines = [
        f"[sknumpynn] {n_candidates} candidates x {n_splits} splits = "
        f"{len(slot_keys)} fits: {n_keyed} trained ahead by one fit_together call "
        f"({prefix_fits} prefix captures, one per "
        "split and distinct setting of the steps before our estimator)"
    ]
    lines += [
        f"[sknumpynn] {count} fits left to scikit-learn's loop: {reason}"
        for reason, count in reasons.items()
    ]
    return "\n".join(lines)


def prefit(estimator, candidates, X, y, splits, fit_params, **options):
    """Train every candidate x split of ``estimator`` that can be, in one call.

    Parameters
    ----------
    estimator : estimator
        The search's (unfitted) estimator.
    candidates : list of dict
        Parameter settings, in the search's order.
    X, y : array-like
        The whole data, as scikit-learn's search holds it (``indexable``).
    splits : list of tuple
        ``(train, test)`` index arrays.
    fit_params : dict
        The fit parameters routed to the estimator (whole-data length).
    **options
        ``n_jobs``, ``verbose`` and ``backend`` (a ``(backend, n_jobs)`` pair
        from :func:`sequential_scoring`) for the ``fit_together`` call.

    Returns
    -------
    Prefit
    """
    start = time.perf_counter()
    verbose = options.get("verbose", 0)
    jobs, (slot_keys, slot_shells), reasons, prefix_fits = _plan(
        estimator, candidates, X, y, splits, fit_params
    )
    if verbose:
        print(
            _describe(
                len(candidates), len(splits), jobs, slot_keys, reasons, prefix_fits
            )
        )
    ledger = _ledger.FitLedger()
    if jobs:
        backend, backend_n_jobs = options.get("backend") or get_active_backend()
        estimators = [job[1] for job in jobs]
        datasets = [job[2] for job in jobs]
        with parallel_config(backend=backend, n_jobs=backend_n_jobs):
            results = fit_together(
                estimators, datasets, n_jobs=options.get("n_jobs"), verbose=verbose
            )
        for (key, _, _), (fitted, error) in zip(jobs, results):
            ledger.record(key, fitted, error)
    return Prefit(ledger, slot_keys, time.perf_counter() - start, slot_shells)
