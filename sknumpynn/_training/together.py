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
large that a stack would cost more than one-by-one fits (:func:`stack_pays`:
a threshold on the flops of a step, measured with
``benchmarks/bench_stack.py``). An estimator that wraps one of ours (the
tabular estimators: their preprocessing, then an engine estimator of ours)
is preprocessed here and its engine's fit stacked like the others.
"""

import hashlib
import os

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import clone

from sknumpynn._training.ledger import data_fingerprint
from sknumpynn._training.loop import Trainer
from sknumpynn._training.setup import STOCHASTIC_SOLVERS
from sknumpynn._training.shared_validation import sharing_validation
from sknumpynn._training.wrapped import _rewrap, _unwrap, _wraps_engine
from sknumpynn._utils.parallel import limited_blas_threads


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


def _same_rows(a, b):
    return a.run.X is b.run.X or np.array_equal(a.run.X, b.run.X)


def _row_groups(members):
    """Split prepared fits into groups sharing rows, order and weights."""
    groups = []
    for item in members:
        for group in groups:
            if group[0].rows_key() == item.rows_key() and _same_rows(group[0], item):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


#: Bytes of one layer's per-batch activations a stack aims to keep in cache.
#: Every step streams them several times; beyond the caches the elementwise
#: passes run at memory speed. Measured per model-step on this 2-core machine
#: (``benchmarks/bench_stack.py``, 30 inputs, batch 200, float64, shared
#: batches): hidden 100, 164 us at 4 models, 130 at 12, 137-147 at 24-48,
#: 171 at 96; hidden 16 and 32, flat from 24 to 96 models. 2 MiB keeps 13
#: models of hidden 100 (26 in float32) and 81 of hidden 16.
LAYER_CACHE_BYTES = int(os.environ.get("SKNUMPYNN_STACK_LAYER_BYTES", 2**21))

#: Flops of one model's mini-batch step (``6 x batch x weights``) beyond which
#: a stack costs more than 0.8x fitting its models one by one: the products
#: dominate both, and a single fit's run as fast as a stack's, so what a stack
#: saves (a single fit's ~100 us of fixed costs per step) no longer counts.
#: Measured with ``benchmarks/bench_stack.py`` (stacked against alone, per
#: model-step, float64, CPU time; stacks of 8 unless said): 0.6 Mflop (hidden
#: 16, 30 inputs) 0.26-0.41x at 24-96 models; 3.7 Mflop (hidden 100, 30
#: inputs) 0.62x (shared batches) and 0.74x (own) at 24 models; 5.8 Mflop
#: (hidden 64, 74 inputs) 0.72-0.74x; 11.5 Mflop (hidden 128) 0.88x (shared)
#: and 1.13x (own); 23 Mflop (hidden 256) 1.03x; 94 Mflop (hidden 100, 784
#: inputs) 0.90-1.01x; 102 Mflop (hidden (256, 256), 74 inputs) 1.01-1.04x.
#: In float32 (products about twice as fast, the same fixed costs) a step
#: counts 0.55 of its flops: hidden 128 measured 0.81x (own batches), hidden
#: 256 0.78x (shared) and 0.91x (own).
STACK_MAX_FLOPS = float(os.environ.get("SKNUMPYNN_STACK_MAX_FLOPS", 6e6))

#: A network with an input stage (the tabular estimators' PBLD embedding and
#: scaling layer, ``nn/staged.py``) has more fixed work per step (the stage,
#: the scheduled dropout), which a stack shares out: its threshold is this
#: many times :data:`STACK_MAX_FLOPS`. Measured (CPU time, 30 fits of
#: ``TabularMLPClassifier`` defaults, 6 candidates x 5 folds of breast_cancer,
#: 10 epochs): 9.2 Mflop (float32-weighted) per model-step, stacked 0.72x
#: one-by-one; at 23 Mflop (3,000 rows x 20 features, batch 160) about 1.0x.
STAGED_FLOPS_FACTOR = 2.0


def step_flops(item):
    """Flops of one model's mini-batch step, in float64 terms (0.55 of them
    for float32, see :data:`STACK_MAX_FLOPS`)."""
    network, settings = item.run.network, item.run.settings
    flops = 6 * settings.batch_size * network.n_coef_params
    return flops * (0.55 if network.dtype == np.float32 else 1.0)


def stack_pays(item):
    """Whether stacking fits like ``item`` costs less than fitting them one
    by one (:data:`STACK_MAX_FLOPS`, :data:`STAGED_FLOPS_FACTOR`)."""
    staged = item.run.network.input_stage is not None
    limit = STACK_MAX_FLOPS * (STAGED_FLOPS_FACTOR if staged else 1.0)
    return step_flops(item) <= limit


def _stack_capacity(item):
    """Models per stack: the stack's buffers fit in ``working_memory``, and
    its widest layer's batch activations fit in :data:`LAYER_CACHE_BYTES`."""
    network, settings = item.run.network, item.run.settings
    per_model = network.dtype.itemsize * (
        3 * settings.batch_size * sum(network.layer_units[1:]) + 6 * network.n_params
    )
    budget = get_config()["working_memory"] * 2**20
    widest = network.dtype.itemsize * settings.batch_size * max(network.layer_units[1:])
    return max(1, min(int(budget // per_model), LAYER_CACHE_BYTES // widest))


def _plan(prepared):
    """Stacks (lists of row groups, at most one stack's capacity each), and
    the fits whose shape a stack would slow down (fitted one by one)."""
    by_key = {}
    for item in prepared:
        by_key.setdefault(item.stack_key(), []).append(item)
    stacks, costly = [], []
    for members in by_key.values():
        if len(members) > 1 and not stack_pays(members[0]):
            costly += members
            continue
        capacity, current, size = _stack_capacity(members[0]), [], 0
        for group in _row_groups(members):
            while group:
                room = capacity - size
                current.append(group[:room])
                size += len(group[:room])
                group = group[room:]
                if size == capacity:
                    stacks.append(current)
                    current, size = [], 0
        if current:
            stacks.append(current)
    return stacks, costly


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
    from joblib import Parallel, delayed

    if len(estimators) != len(datasets):
        raise ValueError("fit_together needs one dataset per estimator.")
    results = [None] * len(estimators)
    reasons = {}
    stacks, alone = plan_fits(estimators, datasets, results, reasons)
    if verbose > 0:
        _describe(stacks, alone, len(estimators), reasons["costly"])
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
        fits (:func:`stack_pays`).

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
    stacks, costly = _plan(prepared)
    costly = sorted(item.index for item in costly)
    if reasons is not None:
        reasons["costly"] = costly
    return stacks, sorted(alone + costly)


def _describe(stacks, alone, n_fits, costly=()):
    sizes = [sum(len(group) for group in groups) for groups in stacks]
    n_groups = sum(len(groups) for groups in stacks)
    print(
        f"Stacked {sum(sizes)} of {n_fits} fits into {len(stacks)} stacked "
        f"network(s) of {sizes} models ({n_groups} groups sharing their batches); "
        f"{len(alone) - len(costly)} fitted one by one (lbfgs, callbacks, verbose, "
        "sparse input, random_state=None or not a sknumpynn estimator)."
    )
    if costly:
        print(
            f"{len(costly)} fits fitted one by one instead of stacked: at their "
            f"network shape a stack costs more than one-by-one fits (more than "
            f"{STACK_MAX_FLOPS:.3g} flops per model-step, STACK_MAX_FLOPS)."
        )
