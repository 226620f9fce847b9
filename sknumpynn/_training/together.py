"""Fit many of our estimators, each on its own data, as stacked networks.

:func:`fit_together` is the one entry point the search module
(:mod:`sknumpynn.model_selection`) uses to train every candidate x fold. Its
contract is exactness: each returned estimator equals what
``clone(estimator).fit(X, y, sample_weight=sample_weight)`` gives, and one
failing fit never takes the others down.

How: every fit is prepared exactly as its own ``fit`` would prepare it (data
validation, initial weights, validation split, all drawn from its own random
state), giving one :class:`~sknumpynn._training.settings.ModelRun` each. Runs
whose network shape, solver and batch schedule agree form a stack, trained by
one :class:`~sknumpynn._training.loop.Trainer` (the same loop as a single fit)
as one network with a leading model axis; within a stack, runs with the same
rows in the same order (the candidates of one fold with one random state) share
every mini-batch gather and first-layer product. Everything else (``lbfgs``,
callbacks, verbose output, sparse input, ``random_state=None``, estimators
that are not ours) is fitted one by one, and so are fits whose network is so
large that a stack would cost more than one-by-one fits
(:mod:`~sknumpynn._training.stack_plan`: a threshold on the flops of a step,
measured with ``benchmarks/bench_stack.py``). With ``n_jobs=1`` the stacks
train on as many threads as BLAS may use
(:func:`~sknumpynn._training.stack_plan.lanes`), BLAS on one thread each.
An estimator that wraps one of ours (the tabular estimators: their
preprocessing, then an engine estimator of ours) is preprocessed here and
its engine's fit stacked like the others.
"""

import hashlib

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone

from sknumpynn._training.ledger import data_fingerprint
from sknumpynn._training.loop import Trainer
from sknumpynn._training.setup import STOCHASTIC_SOLVERS
from sknumpynn._training.shared_validation import sharing_validation
from sknumpynn._training.stack_plan import (
    STACK_MAX_FLOPS,
    lanes,
    plan_stacks,
)
from sknumpynn._training.wrapped import _rewrap, _unwrap, _wraps_engine
from sknumpynn._utils.parallel import (
    limited_blas_threads,
    one_blas_thread,
    stack_threads,
)


def fit_one(estimator, data):
    """Fit a clone of ``estimator`` on ``data = (X, y, sample_weight)``, or
    ``(X, y, sample_weight, validation)`` (the ``X_val``, ``y_val``,
    ``sample_weight_val`` keyword arguments of ``fit``).

    Returns
    -------
    fitted : estimator or None
    error : Exception or None
        The exception the fit raised, if any (then ``fitted`` is None).
    """
    X, y, sample_weight, *validation = data
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    fitted = clone(estimator)
    try:
        fitted.fit(X, y, **kwargs, **(validation[0] if validation else {}))
    except Exception as error:  # noqa: BLE001 - reported per model, as error_score
        return None, error
    return fitted, None


def _stackable(estimator):
    """Whether a fit can run inside a stack (else it is fitted on its own)."""
    from sknumpynn._base import BaseNumpyMLP

    return (
        isinstance(estimator, BaseNumpyMLP)
        and estimator.solver in STOCHASTIC_SOLVERS
        and not estimator.callbacks
        and not estimator.verbose
        # None draws from NumPy's global generator, shared by every such fit:
        # only one-by-one fits in their order reproduce scikit-learn's draws.
        and estimator.random_state is not None
    )


class _Prepared:
    """One fit prepared as its own ``fit`` prepares it, ready to stack."""

    def __init__(self, estimator, data):
        X, y, sample_weight, *validation = self.data = data
        self.source = estimator
        self.estimator = est = clone(estimator)
        est._validate_params()
        self.prepared = est._prepare_fit(
            X, y, sample_weight, False, validation[0] if validation else None
        )
        network, X, Y, sample_weight, rng, _, given = self.prepared
        self.run = est._model_run(network, X, Y, sample_weight, rng, False, given)

    def __reduce__(self):
        # Sent to a joblib worker (loky, Dask): prepare again there, since
        # pickling would cut the weights' views of the flat parameter vector.
        return (_reprepared, (self.source, self.data, getattr(self, "index", None)))

    def stack_key(self):
        """Runs with equal keys can share one stacked network."""
        run, optimizer = self.run, self.run.optimizer
        network = run.network
        return (
            type(self.estimator),
            network.layer_units,
            network.activations,
            network.output_activation,
            network.dtype,
            type(optimizer),
            getattr(optimizer, "lr_schedule", None),
            getattr(optimizer, "nesterov", None),
            run.n_train,
            run.validation is not None,
            run.settings.stack_key(),
        )

    def rows_key(self):
        """Runs with equal keys (and equal ``X``) share their batches.

        Computed once (planning compares every fit with every group)."""
        key = self.__dict__.get("_rows_key")
        if key is None:
            key = self._rows_key = self._compute_rows_key()
        return key

    def _compute_rows_key(self):
        run = self.run
        state = run.rng.get_state()
        digest = hashlib.blake2b(state[1].tobytes() + repr(state[2:]).encode())
        given = run.validation if run.train_index is None else None
        for array in (run.Y, run.sample_weight, run.train_index):
            if array is not None:
                digest.update(np.ascontiguousarray(array).tobytes())
        if given is not None:  # X_val given to fit: it must be shared too
            for array in (given.X, given.Y, given.sample_weight):
                digest.update(data_fingerprint(array))
        return (run.X.shape, run.X.dtype, digest.hexdigest())


def _reprepared(estimator, data, index):
    item = _Prepared(estimator, data)
    item.index = index
    return item


def train_stack(groups, stack_rule=None):
    """Train one stack: row groups of prepared fits, as one network.

    Parameters
    ----------
    groups : list of list of _Prepared
    stack_rule : object, default=None
        The stack's own decision, passed to the
        :class:`~sknumpynn._training.loop.Trainer` (a deep ensemble's early
        stopping). With a rule, a failing stack raises instead of falling
        back to one-by-one fits, which would not follow the rule.

    Returns
    -------
    list of tuple
        ``(fitted, error)`` per fit, groups flattened in order.
    """
    items = [item for group in groups for item in group]
    runs = [item.run for item in items]
    members, start = [], 0
    for group in groups:
        members.append(list(range(start, start + len(group))))
        start += len(group)
    try:
        with limited_blas_threads():
            hooks = [item.prepared.hooks for item in items]
            Trainer(runs, members, hooks, stack_rule=stack_rule).run()
    except Exception:  # noqa: BLE001 - never let one stack take its models down
        if stack_rule is not None:
            raise
        return [fit_one(item.estimator, item.data) for item in items]
    results = []
    for item in items:
        if item.run.error is not None:
            results.append((None, item.run.error))
            continue
        estimator, network = item.estimator, item.run.network
        # Views again: a worker process unpickles them as separate arrays.
        estimator._adopt_network(network)
        estimator._optimizer = item.run.optimizer
        try:
            results.append((item.estimator._finish_fit(item.prepared), None))
        except Exception as error:  # noqa: BLE001
            results.append((None, error))
    return results


def fit_together(estimators, datasets, *, n_jobs=None, verbose=0):
    """Fit each estimator on its own ``(X, y, sample_weight)``.

    Parameters
    ----------
    estimators : list of estimator
        Unfitted estimators (not modified; clones are fitted).
    datasets : list of tuple
        ``(X, y, sample_weight)`` per estimator; ``sample_weight`` may be None.
    n_jobs : int, default=None
        Joblib workers; the tasks are the stacks (and the lone fits).
    verbose : int, default=0
        When positive, print how the fits were grouped.

    Returns
    -------
    results : list of tuple
        ``(fitted_estimator, None)`` or ``(None, exception)`` per estimator,
        in the order given.
    """
    from joblib import Parallel, delayed, effective_n_jobs

    if len(estimators) != len(datasets):
        raise ValueError("fit_together needs one dataset per estimator.")
    results = [None] * len(estimators)
    reasons = {}
    stacks, alone = plan_fits(estimators, datasets, results, reasons)
    by_lane = [stacks]
    if effective_n_jobs(n_jobs) == 1:
        by_lane = lanes(stacks, stack_threads())
        stacks = [groups for lane in by_lane for groups in lane]
    if verbose > 0:
        _describe(stacks, alone, len(estimators), reasons["costly"], len(by_lane))
    if len(by_lane) > 1:
        outputs = _train_lanes(by_lane)
        outputs += [fit_one(estimators[i], datasets[i]) for i in alone]
    else:
        tasks = [delayed(train_stack)(groups) for groups in stacks]
        tasks += [delayed(fit_one)(estimators[i], datasets[i]) for i in alone]
        outputs = Parallel(n_jobs=n_jobs)(tasks)
    for groups, output in zip(stacks, outputs):
        items = [item for group in groups for item in group]
        for item, result in zip(items, output):
            results[item.index] = _rewrap(item, result)
    for index, result in zip(alone, outputs[len(stacks) :]):
        results[index] = result
    return results


def plan_fits(estimators, datasets, results, reasons=None):
    """Prepare every stackable fit and group them into stacks.

    Parameters
    ----------
    estimators, datasets : list
    results : list
        Receives ``(None, error)`` for a fit whose preparation failed.
    reasons : dict, default=None
        If given, receives ``"costly"``: the indices of the fits left out of
        a stack because a stack of their shape costs more than one-by-one
        fits (:func:`~sknumpynn._training.stack_plan.stack_pays`).

    Returns
    -------
    stacks : list of list of list
        Per stack, its row groups of prepared fits.
    alone : list of int
        Indices of the fits made one by one.
    """
    prepared, alone = [], []
    with sharing_validation():  # each fold's X and y validated once
        for index, (estimator, data) in enumerate(zip(estimators, datasets)):
            wrapper = None
            try:
                if _wraps_engine(estimator) and len(data) == 3:
                    wrapper, estimator, data = _unwrap(estimator, data)
                if not _stackable(estimator) or sp.issparse(data[0]):
                    alone.append(index)
                    continue
                item = _Prepared(estimator, data)
            except Exception as error:  # noqa: BLE001 - this model's own error
                results[index] = (None, error)
                continue
            item.index, item.wrapper = index, wrapper
            prepared.append(item)
    stacks, costly = plan_stacks(prepared)
    costly = sorted(item.index for item in costly)
    if reasons is not None:
        reasons["costly"] = costly
    return stacks, sorted(alone + costly)


def _train_lanes(by_lane):
    """Train each lane's stacks on a thread of its own (BLAS on one thread
    each); the outputs of every stack, lanes flattened in order."""
    from sklearn.utils.parallel import Parallel, delayed  # passes the config on

    def train_lane(lane):
        return [train_stack(groups) for groups in lane]

    with one_blas_thread():
        outputs = Parallel(n_jobs=len(by_lane), backend="threading")(
            delayed(train_lane)(lane) for lane in by_lane
        )
    return [output for lane in outputs for output in lane]


def _describe(stacks, alone, n_fits, costly=(), n_lanes=1):
    sizes = [sum(len(group) for group in groups) for groups in stacks]
    n_groups = sum(len(groups) for groups in stacks)
    threads = f" on {n_lanes} threads" if n_lanes > 1 else ""
    print(
        f"Stacked {sum(sizes)} of {n_fits} fits into {len(stacks)} stacked "
        f"network(s) of {sizes} models{threads} ({n_groups} groups sharing "
        "their batches); "
        f"{len(alone) - len(costly)} fitted one by one (lbfgs, callbacks, verbose, "
        "sparse input, random_state=None or not a sknumpynn estimator)."
    )
    if costly:
        print(
            f"{len(costly)} fits fitted one by one instead of stacked: at their "
            f"network shape a stack costs more than one-by-one fits (more than "
            f"{STACK_MAX_FLOPS:.3g} flops per model-step, STACK_MAX_FLOPS)."
        )
