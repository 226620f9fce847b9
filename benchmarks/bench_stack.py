"""Where the time of one stacked mini-batch step goes, per model, against the floor.

Run ``python benchmarks/bench_stack.py`` (``--quick``: a smoke run of a few
seconds that times one tiny case and writes nothing). For each shape
(hidden 16, 32, 100 on a 455 x 30 table, (256, 256) on 1,000 x 74; batch
200, adam, binary log-loss) and stack size K, it prints microseconds per
model-step of:

- ``step``: a whole training step of the real engine (``Trainer`` epochs,
  bookkeeping included: ``(run(3 epochs) - run(1 epoch)) / 2``), stacked;
- ``alone``: the same model fitted on its own (K = 1 with the same engine),
  so ``step / alone`` is the price (< 1) or gain of stacking;
- ``products``: the step's matrix products at the engine's shapes (``first``:
  the first layer, one broadcast product over the row groups, as
  ``nn.batch.group_product``; later layers batched), ``wide``: the same with
  the first layer as one wide product per row group instead (``X_b @ [W_1
  ... W_K]`` and ``X_b.T @ [D_1 ... D_K]``, which needs a model-minor layout);
- ``elementwise``: bias adds, activations, output delta, loss value,
  activation derivatives, bias sums, the L2 penalty and its gradient;
- ``optimizer``: Adam over the stack's flat parameters; ``gathers``: the
  batch rows of every row group;
- ``python``: ``step`` minus the four parts (interpreter work, dispatch,
  epoch bookkeeping). The parts are the step's operations timed alone at
  its shapes (hot caches), not the engine instrumented, so on a loaded
  machine this residual can come out negative;
- ``floor``: the step's flops (``6 B sum(fan_in fan_out)``) at the GEMM rate
  of one large square product: the arithmetic a step cannot go below.

Row groups: ``shared`` (K alphas of one seed, one batch order for all) and
``own`` (K seeds, K batch orders). Report the BLAS kernel (threadpoolctl's
``architecture``) and ``uptime`` beside any figure.
"""

import argparse
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sknumpynn import NumpyMLPClassifier
from sknumpynn._training.loop import Trainer
from sknumpynn._training.stack_plan import _row_groups
from sknumpynn._training.together import _Prepared
from sknumpynn.nn import Adam
from sknumpynn.nn.activations import logistic, relu, relu_derivative
from sknumpynn.nn.batch import group_product
from sknumpynn.nn.losses import Loss

BATCH = 200
#: The clock: process CPU time by default (robust on a shared machine, with
#: BLAS capped at one thread), or wall time (``--clock wall``).
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = CLOCKS["cpu"]
SHAPES = {
    "16": ((16,), 455, 30),
    "32": ((32,), 455, 30),
    "100": ((100,), 455, 30),
    "256,256": ((256, 256), 1000, 74),
    "64": ((64,), 1000, 74),
    "128": ((128,), 1000, 74),
    "256": ((256,), 1000, 74),
    "mnist100": ((100,), 1000, 784),
}


def median_seconds(fn, min_seconds=0.02, repeats=5):
    """Median over ``repeats`` of the mean time of ``fn`` over enough calls."""
    fn()
    start, calls = clock(), 0
    while clock() - start < min_seconds / repeats or calls < 2:
        fn()
        calls += 1
    samples = []
    for _ in range(repeats):
        start = clock()
        for _ in range(calls):
            fn()
        samples.append((clock() - start) / calls)
    return float(np.median(samples))


def table(n_rows, n_features, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_rows, n_features))
    return X, (X[:, 0] + 0.5 * rng.normal(size=n_rows) > 0).astype(int)


def prepared_runs(hidden, K, orders, dtype, X, y, epochs):
    """K prepared fits: K alphas of one seed (``shared``) or K seeds (``own``)."""
    items = []
    for k in range(K):
        est = NumpyMLPClassifier(
            hidden_layer_sizes=hidden,
            max_iter=epochs,
            tol=0,
            n_iter_no_change=10**6,
            dtype=dtype,
            alpha=1e-4 * (k + 1) if orders == "shared" else 1e-4,
            random_state=0 if orders == "shared" else k,
        )
        items.append(_Prepared(est, (X, y, None)))
    return items


def trainer_seconds(hidden, K, orders, dtype, X, y, epochs):
    items = prepared_runs(hidden, K, orders, dtype, X, y, epochs)
    groups, start = [], 0
    for group in _row_groups(items):
        groups.append(list(range(start, start + len(group))))
        start += len(group)
    runs = [item.run for item in items]
    # Adjacent runs share rows: _row_groups keeps the order for these inputs.
    trainer = Trainer(runs, groups if K > 1 else None)
    begin = clock()
    trainer.run()
    return clock() - begin


def step_seconds(hidden, K, orders, dtype, X, y, repeats, budget):
    """Seconds per model-step of whole epochs, fixed costs cancelled:
    ``(run(1 + E epochs) - run(1 epoch)) / E``, E for ``budget`` model-steps."""
    n_steps = -(-X.shape[0] // BATCH)
    extra = max(2, -(-budget // (K * n_steps)))
    samples = []
    for _ in range(repeats):
        many = trainer_seconds(hidden, K, orders, dtype, X, y, 1 + extra)
        one = trainer_seconds(hidden, K, orders, dtype, X, y, 1)
        samples.append((many - one) / extra / n_steps / K)
    return float(np.median(samples))


def parts(hidden, K, n_groups, dtype, n_features):
    """Seconds per step of the step's products, elementwise passes,
    optimizer and gathers, at the engine's shapes."""
    rng = np.random.RandomState(0)
    units = (n_features, *hidden, 1)
    size = K // n_groups
    X = rng.normal(size=(1000, n_features)).astype(dtype)
    rows = [rng.permutation(1000)[:BATCH] for _ in range(n_groups)]
    Xb = [X[:BATCH].copy() for _ in range(n_groups)]

    def normal(*shape):  # values of a trained net's scale: no overflow
        return (0.1 * rng.normal(size=shape)).astype(dtype)

    W = [normal(K, a, b) for a, b in zip(units, units[1:])]
    b = [normal(K, 1, u) for u in units[1:]]
    A = [np.abs(normal(K, BATCH, u)) for u in units[1:]]
    D = [normal(K, BATCH, u) for u in units[1:]]
    G = [np.empty_like(w) for w in W]
    Y = (rng.uniform(size=(K, BATCH, 1)) > 0.5).astype(dtype)
    wide_W = normal(n_features, size * units[1])
    wide_A = np.empty((BATCH, size * units[1]), dtype)
    wide_G = np.empty((n_features, size * units[1]), dtype)

    Xg, sizes = np.stack(Xb), (size,) * n_groups

    def first_layer():  # the engine's: one broadcast product per direction
        group_product(Xg, sizes, W[0], A[0])
        group_product(Xg, sizes, D[0], G[0], transpose=True)

    def later_layers():
        for layer in range(1, len(W)):
            np.matmul(A[layer - 1], W[layer], out=A[layer])
            np.matmul(A[layer - 1].transpose(0, 2, 1), D[layer], out=G[layer])
            np.matmul(D[layer], W[layer].transpose(0, 2, 1), out=D[layer - 1])

    def wide_first_layer():
        for _ in range(n_groups):
            np.matmul(Xb[0], wide_W, out=wide_A)
            np.matmul(Xb[0].T, wide_A, out=wide_G)

    loss = Loss("binary_log_loss")
    P = A[-1]

    def elementwise():
        for layer in range(len(W)):
            A[layer] += b[layer]
            if layer < len(W) - 1:
                relu(A[layer])
        logistic(P)  # the loss and its delta: one operation over the stack
        loss.value(Y, P)
        loss.output_delta(Y, P)
        for layer in range(len(W) - 1):
            relu_derivative(A[layer], D[layer])
        for layer in range(len(W)):
            np.sum(D[layer], axis=-2)
            np.multiply(W[layer], 1e-4, out=G[layer])  # alpha / S * W, added
            G[layer] += W[layer]
            np.sum(np.square(W[layer]))

    n_params = sum(a * c + c for a, c in zip(units, units[1:]))
    adam = Adam((K, n_params), np.dtype(dtype), 1e-3)
    params, grad = normal(K, n_params), normal(K, n_params)

    def gathers():
        for g in range(n_groups):
            np.take(X, rows[g], axis=0, out=Xb[g])

    timed = {
        "first": first_layer,
        "later": later_layers,
        "wide first": wide_first_layer,
        "elementwise": elementwise,
        "optimizer": lambda: adam.step(params, grad),
        "gathers": gathers,
    }
    seconds = {name: median_seconds(fn) for name, fn in timed.items()}
    seconds["products"] = seconds["first"] + seconds["later"]
    seconds["wide"] = seconds.pop("wide first") + seconds["later"]
    return seconds


def gemm_rate(dtype):
    """Flops per second of large square products (the arithmetic peak): the
    best of a few sizes and samples, since a loaded machine only slows it."""
    best = 0.0
    for n in (256, 512, 1024):
        A = np.ones((n, n), dtype)
        out = np.empty_like(A)
        for _ in range(max(3, 2**26 // n**3)):
            start = clock()
            np.matmul(A, A, out=out)
            best = max(best, 2 * n**3 / (clock() - start))
    return best


_ALONE = {}


def profile(shape, K, orders, dtype, repeats, rate, quick=False):
    hidden, n_rows, n_features = SHAPES[shape]
    X, y = table(n_rows, n_features)
    n_groups = 1 if orders == "shared" else K
    units = (n_features, *hidden, 1)
    flops = 6 * BATCH * sum(a * b for a, b in zip(units, units[1:]))
    # Model-steps timed: about 2 s of arithmetic per measurement at most.
    budget = int(np.clip(4e10 / flops, 50, 3000)) // (10 if quick else 1)
    step = step_seconds(hidden, K, orders, dtype, X, y, repeats, budget)
    key = (shape, dtype)
    if key not in _ALONE:
        _ALONE[key] = step_seconds(hidden, 1, orders, dtype, X, y, repeats, budget)
    alone = _ALONE[key]
    part = {k: v / K for k, v in parts(hidden, K, n_groups, dtype, n_features).items()}
    spent = sum(part[k] for k in ("products", "elementwise", "optimizer", "gathers"))
    return {
        "shape": shape,
        "K": K,
        "orders": orders,
        "dtype": dtype,
        "step": step,
        "alone": alone,
        **part,
        "python": step - spent,
        "floor": flops / rate,
    }


COLUMNS = ("step", "alone", "products", "first", "wide", "elementwise", "optimizer")
COLUMNS += ("gathers", "python", "floor")


def show(row):
    cells = " | ".join(f"{row[c] * 1e6:.1f}" for c in COLUMNS)
    ratio = row["step"] / row["alone"]
    head = f"{row['shape']} | {row['dtype']} | {row['orders']} | {row['K']}"
    print(f"| {head} | {cells} | {ratio:.2f} |", flush=True)


def environment():
    from threadpoolctl import threadpool_info

    blas = [
        (i["internal_api"], i.get("version"), i.get("architecture"))
        for i in threadpool_info()
    ]
    return (
        f"python {platform.python_version()}, numpy {np.__version__}, BLAS {blas}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES))
    parser.add_argument("--sizes", nargs="+", type=int, default=[1, 4, 12, 24, 48, 96])
    parser.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    parser.add_argument("--orders", nargs="+", default=["shared", "own"])
    parser.add_argument("--out", default=None, help="also write the rows as JSON")
    parser.add_argument("--clock", choices=list(CLOCKS), default="cpu")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    args = parser.parse_args(argv)
    global clock
    clock = CLOCKS[args.clock]
    from threadpoolctl import threadpool_limits

    with threadpool_limits(args.threads, user_api="blas"):
        return run(args)


def run(args):
    warnings.simplefilter("ignore", ConvergenceWarning)
    if args.quick:  # smoke run: every code path once, nothing written
        args.shapes, args.sizes, args.dtypes, args.repeats = ["16"], [2], ["float32"], 1
        args.out = None
    print(f"{environment()}, clock {args.clock}, {args.threads} BLAS thread(s)")
    print("| hidden | dtype | orders | K | " + " | ".join(COLUMNS) + " | step/alone |")
    print("|" + "---|" * (len(COLUMNS) + 5))
    rows = []
    for dtype in args.dtypes:
        rate = gemm_rate(dtype)
        for shape in args.shapes:
            for orders in args.orders:
                for K in args.sizes:
                    rows.append(
                        profile(shape, K, orders, dtype, args.repeats, rate, args.quick)
                    )
                    show(rows[-1])
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"environment": environment(), "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
