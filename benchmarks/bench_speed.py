"""Per-epoch training speed, GEMM floor and predict throughput against scikit-learn.

Run ``python benchmarks/bench_speed.py`` (``--repeats 5`` by default; ``--quick``
for a smoke run of a few seconds: one repeat, 2,000 rows, a (32,) network).
Uses real MNIST when ``$SKNUMPYNN_DATA/mnist`` exists, else random data of the
same shape. Every ratio comes from one run, with the
contenders interleaved and the median of the repeats taken.

Per-epoch time is ``(fit(max_iter=3) - fit(max_iter=1)) / 2``: two epochs'
cost with the fixed costs (validation, initialisation) cancelled out. The GEMM
floor is the time of one epoch's matrix products alone (forward: one per
layer; backward: weight gradient per layer, input gradient for all but the
first), in float32, with preallocated outputs.
"""

import argparse
import os
import platform
import sys
import time
import tracemalloc
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor

BATCH = 200


def mnist_like(n_rows):
    """Real MNIST training images scaled to [0, 1] if available, else random."""
    root = os.environ.get("SKNUMPYNN_DATA")
    if root and os.path.isdir(os.path.join(root, "mnist")):
        from sknumpynn.datasets import fetch_mnist

        X, y = fetch_mnist(root, subset="train", return_X_y=True)
        X, y = X[:n_rows] / 255.0, y[:n_rows]
        return X, y, "MNIST"
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(n_rows, 784)) * (rng.uniform(size=(n_rows, 784)) < 0.2)
    return X, rng.randint(10, size=n_rows), "random MNIST-shaped"


def diamonds_like(n_rows):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n_rows, 26))
    return X, X[:, 0] - 0.5 * X[:, 1] ** 2 + rng.normal(size=n_rows) * 0.1


def fit_seconds(make, X, y, epochs):
    est = make(epochs)
    start = time.perf_counter()
    est.fit(X, y)
    return time.perf_counter() - start


def per_epoch(make, X, y):
    return (fit_seconds(make, X, y, 3) - fit_seconds(make, X, y, 1)) / 2


def sklearn_factory(Estimator, hidden):
    def make(epochs):
        return Estimator(
            hidden_layer_sizes=hidden,
            max_iter=epochs,
            batch_size=BATCH,
            tol=0,
            n_iter_no_change=10**6,
            random_state=0,
        )

    return make


def torch_available():
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def torch_epoch_seconds(hidden, fused, quick):
    """Run the PyTorch contender in a child process, return its s/epoch.

    PyTorch's OpenMP threads spin after each call and would steal the cores
    from NumPy's OpenBLAS threads (and vice versa) if both ran in one process.
    """
    import json
    import subprocess

    here = os.path.dirname(os.path.abspath(__file__))
    code = (
        f"import json, sys; sys.path.insert(0, {here!r}); import bench_speed as b; "
        f"print(json.dumps(b.torch_per_epoch({hidden!r}, {fused!r}, {quick!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def torch_per_epoch(hidden, fused, quick):
    """Seconds per epoch of the same MLP in PyTorch, Adam, batch 200."""
    import torch

    torch.set_num_threads(os.cpu_count())
    X, y, _ = mnist_like(2_000 if quick else 60_000)
    X = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    target = torch.from_numpy(y.astype(np.int64))

    def fit(epochs):
        torch.manual_seed(0)
        units = [X.shape[1], *hidden]
        layers = []
        for a, b in zip(units[:-1], units[1:]):
            layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
        model = torch.nn.Sequential(*layers, torch.nn.Linear(units[-1], 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=fused or None)
        loss_fn = torch.nn.CrossEntropyLoss()
        start = time.perf_counter()
        for _ in range(epochs):
            order = torch.randperm(X.shape[0])
            for first in range(0, X.shape[0], BATCH):
                idx = order[first : first + BATCH]
                opt.zero_grad(set_to_none=True)
                loss_fn(model(X[idx]), target[idx]).backward()
                opt.step()
        return time.perf_counter() - start

    return (fit(3) - fit(1)) / 2


def gemm_floor(n_rows, units, repeats):
    """Seconds of one epoch's float32 matrix products at these shapes."""
    rng = np.random.RandomState(0)
    W = [
        rng.normal(size=(a, b)).astype(np.float32)
        for a, b in zip(units[:-1], units[1:])
    ]
    A = [rng.normal(size=(BATCH, u)).astype(np.float32) for u in units]
    G = [np.empty_like(w) for w in W]
    D = [np.empty((BATCH, u), np.float32) for u in units]

    def one_batch():
        for layer, w in enumerate(W):
            np.matmul(A[layer], w, out=A[layer + 1])
        for layer in range(len(W) - 1, -1, -1):
            np.matmul(A[layer].T, A[layer + 1], out=G[layer])
            if layer > 0:
                np.matmul(A[layer + 1], W[layer].T, out=D[layer])

    n_batches = n_rows // BATCH
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n_batches):
            one_batch()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def bench_training(name, contenders, X, y, repeats):
    """Median per-epoch seconds of every contender, interleaved."""
    times = {key: [] for key in contenders}
    for _ in range(repeats):
        for key, (make, X_in) in contenders.items():
            times[key].append(per_epoch(make, X_in, y))
    return {key: float(np.median(v)) for key, v in times.items()}


def predict_bench(n_rows, repeats):
    """Throughput (rows/s) and peak extra memory of predict_proba on n_rows x 784."""
    X, y, _ = mnist_like(20_000)
    X = X.astype(np.float32)
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = NumpyMLPClassifier(max_iter=1, random_state=0).fit(X, y)
        theirs = MLPClassifier(max_iter=1, random_state=0).fit(X, y)
    big = np.resize(X, (n_rows, 784))
    for name, est in (("sknumpynn", ours), ("scikit-learn", theirs)):
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            est.predict_proba(big)
            seconds.append(time.perf_counter() - start)
        tracemalloc.start()
        est.predict_proba(big)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results[name] = (n_rows / float(np.median(seconds)), peak)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--nets", nargs="+", default=None)
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else args.repeats
    n_rows = 2_000 if args.quick else 60_000
    if args.nets is None:
        args.nets = ["32"] if args.quick else ["100", "512,256"]
    warnings.simplefilter("ignore", ConvergenceWarning)
    from threadpoolctl import threadpool_info

    blas = [
        (i["internal_api"], i.get("version"), i["num_threads"], i.get("architecture"))
        for i in threadpool_info()
    ]
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, {os.cpu_count()} cores, BLAS {blas}"
    )
    X, y, source = mnist_like(n_rows)
    print(
        f"data: {source}, {X.shape[0]} x {X.shape[1]}, batch {BATCH}, adam, "
        f"median of {repeats} repeats, seconds per epoch\n"
    )
    rows = []
    for net in args.nets:
        hidden = tuple(int(u) for u in net.split(","))
        contenders = {
            "sknumpynn f64": (sklearn_factory(NumpyMLPClassifier, hidden), X),
            "sklearn f64": (sklearn_factory(MLPClassifier, hidden), X),
            "sknumpynn f32": (
                sklearn_factory(NumpyMLPClassifier, hidden),
                X.astype(np.float32),
            ),
            "sklearn f32": (
                sklearn_factory(MLPClassifier, hidden),
                X.astype(np.float32),
            ),
        }
        times = bench_training(net, contenders, X, y, repeats)
        if torch_available():
            for key, fused in (("torch", False), ("torch fused", True)):
                times[key] = float(
                    np.median(
                        [
                            torch_epoch_seconds(hidden, fused, args.quick)
                            for _ in range(repeats)
                        ]
                    )
                )
        floor = gemm_floor(X.shape[0], [784, *hidden, 10], repeats)
        rows.append((f"classifier {hidden}", times, floor))
    Xr, yr = diamonds_like(2_000 if args.quick else 53_940)
    contenders = {
        "sknumpynn f64": (sklearn_factory(NumpyMLPRegressor, (100,)), Xr),
        "sklearn f64": (sklearn_factory(MLPRegressor, (100,)), Xr),
        "sknumpynn f32": (
            sklearn_factory(NumpyMLPRegressor, (100,)),
            Xr.astype(np.float32),
        ),
        "sklearn f32": (sklearn_factory(MLPRegressor, (100,)), Xr.astype(np.float32)),
    }
    times = bench_training("regressor", contenders, Xr, yr, repeats)
    rows.append(
        (
            "regressor (100,) 53940x26",
            times,
            gemm_floor(Xr.shape[0], [26, 100, 1], repeats),
        )
    )

    for label, times, floor in rows:
        print(f"## {label}")
        for key, seconds in times.items():
            print(f"  {key:<14} {seconds:8.4f} s/epoch")
        ours64, ours32 = times["sknumpynn f64"], times["sknumpynn f32"]
        print(f"  GEMM floor     {floor:8.4f} s/epoch (float32)")
        for precision, ours in (("64", ours64), ("32", ours32)):
            ratio = times[f"sklearn f{precision}"] / ours
            print(f"  speed-up vs sklearn, float{precision} input: {ratio:.2f}x")
        if "torch fused" in times:
            print(
                f"  speed-up vs torch fused Adam: {times['torch fused'] / ours32:.2f}x"
                f" (plain Adam: {times['torch'] / ours32:.2f}x)"
            )
        print(
            f"  sknumpynn epoch / GEMM floor: f32 {ours32 / floor:.2f}, "
            f"f64 {ours64 / floor:.2f}\n"
        )
    pred_rows = 20_000 if args.quick else 1_000_000
    pred = predict_bench(pred_rows, repeats)
    print(f"## predict_proba on {pred_rows:,} x 784 float32 rows, hidden (100,)")
    for name, (rate, peak) in pred.items():
        mib = peak / 2**20
        print(f"  {name:<13} {rate:12,.0f} rows/s, peak extra memory {mib:8.1f} MiB")
    print(
        f"  throughput ratio: {pred['sknumpynn'][0] / pred['scikit-learn'][0]:.2f}x; "
        f"working_memory = {sklearn.get_config()['working_memory']} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
