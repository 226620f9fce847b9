"""Planning a stacked fit: which fits share a stack, how big a stack is, and
how stacks are spread over threads.

:func:`plan_stacks` groups prepared fits (``together._Prepared``) whose
settings stack into stacks of at most :func:`_stack_capacity` models, each a
list of row groups (fits that share their rows and batch order: one gather
and one first-layer product per step); fits whose shape a stack would slow
down are left to one-by-one fits (:func:`stack_pays`). :func:`lanes` then
deals the stacks out to the threads of one process
(:func:`~sknumpynn._utils.parallel.stack_threads`), splitting a stack where
one lane would otherwise wait for the other. The thresholds are measured
(``benchmarks/bench_stack.py``, ``benchmarks/bench_search.py``).
"""

import os

import numpy as np
from sklearn import get_config


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


def plan_stacks(prepared):
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


#: A model-step's fixed cost (Python, dispatch, the per-pass overheads) in
#: flop-equivalents, when weighing fits to share stacks out to threads: about
#: 25 us at the ~40 Gflop/s of a stack's batched products on this machine.
LANE_FIXED_FLOPS = 1e6

#: Flops per step a lane needs before a thread of its own pays. A stack's
#: step holds the GIL for its Python and dispatch (~0.3 ms) and releases it
#: in NumPy's loops and BLAS; two lanes of little arithmetic each wait for
#: the other's Python. Measured (``fit_together`` of K fits on 300 x 27, 100
#: epochs, wall time of 2 lanes over 1, median of 3 interleaved): hidden 16,
#: K = 8 0.48x, 24 0.61-0.70x, 48 0.94-1.07x; hidden 100, K = 8 0.87x, 12
#: 1.03-1.14x (0.93x in a second run), 24 1.15-1.24x, 48 1.10-1.17x. So a
#: lane must hold about 9 fits of hidden 100 on 27 inputs: 3e7 flops per
#: step (:func:`step_flops`, without :data:`LANE_FIXED_FLOPS`).
MIN_LANE_FLOPS = 3e7


def lanes(stacks, n_threads):
    """Deal ``stacks`` out to at most ``n_threads`` lanes of about equal work.

    A fit weighs :func:`step_flops` plus :data:`LANE_FIXED_FLOPS` (its epochs
    are not known before training). Lanes are filled in order up to an equal
    share of the total; a stack that would overflow its lane is split there,
    between or within its row groups (a split row group gathers its batch
    once per part). Each lane's stacks train one after the other on one
    thread (:func:`sknumpynn._training.together.fit_together`).

    Returns
    -------
    list of list
        Per lane, its stacks (lists of row groups); one lane when a lane
        would hold less than :data:`MIN_LANE_FLOPS` per step, and fewer lanes
        than threads where the fits hold less than that per thread.
    """
    items = [item for stack in stacks for group in stack for item in group]
    flops = {item: step_flops(item) for item in items}
    n_lanes = min(n_threads, int(sum(flops.values()) // MIN_LANE_FLOPS))
    if n_lanes <= 1:
        return [stacks]
    work = {item: value + LANE_FIXED_FLOPS for item, value in flops.items()}
    share = sum(work.values()) / n_lanes
    result, lane, room = [], [], share
    for stack in stacks:
        piece = []
        for group in stack:
            part = []
            for item in group:
                if room <= 0 and len(result) < n_lanes - 1:  # this lane is full
                    piece += [part] if part else []
                    lane += [piece] if piece else []
                    result.append(lane)
                    lane, piece, part, room = [], [], [], share
                part.append(item)
                room -= work[item]
            piece += [part] if part else []
        lane += [piece] if piece else []
    result.append(lane)
    return [_rejoined(lane) for lane in result]


def _rejoined(lane):
    """A lane's stacks, with a split stack's piece joined to the next stack
    of the lane where both stack and fit in one stack's capacity (a stack cut
    at capacity, then cut again at a lane boundary, leaves a small piece),
    and the two parts of a row group cut there joined again."""
    joined = [lane[0]]
    for stack in lane[1:]:
        last, first = joined[-1][0][0], stack[0][0]
        size = sum(map(len, joined[-1])) + sum(map(len, stack))
        if last.stack_key() != first.stack_key() or size > _stack_capacity(first):
            joined.append(stack)
            continue
        tail, head = joined[-1][-1], stack[0]
        if tail[0].rows_key() == head[0].rows_key() and _same_rows(tail[0], head[0]):
            joined[-1] = joined[-1][:-1] + [tail + head] + stack[1:]  # one row group
        else:
            joined[-1] = joined[-1] + stack
    return joined
