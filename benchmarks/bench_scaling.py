"""Scale-out measurements: larger-than-memory training, 10M-row predict, Dask workers.

Run ``python benchmarks/bench_scaling.py`` (about 10 minutes and 6 GB of free
disk under ``--workdir``, default the system temp folder; the data files are
deleted at the end unless ``--keep``). Three parts, each printed and written
to ``benchmarks/results_scaling.json``:

1. ``memmap``: 1,750,000 x 784 float32 synthetic rows (5.49 GB) in a
   ``numpy.memmap`` file, labels from a fixed random linear teacher; one pass
   of ``partial_fit`` over 50,000-row chunks, each chunk mapped, trained on and
   unmapped in turn. Peak RSS of the training process, accuracy on the last
   chunk (held out).
2. ``predict``: ``predict_proba`` on 10,000,000 x 16 float32 rows in memory
   with a (256,)-hidden network; peak RSS against the input + output size and
   against the 10 GB the hidden activations of all rows would take.
3. ``dask``: the same ``GridSearchCV`` (4 candidates x 3 folds on 10,000 MNIST
   images, or synthetic data without ``SKNUMPYNN_DATA``) run sequentially and
   under ``joblib.parallel_backend("dask")`` on ``LocalCluster`` s of 1 and 2
   single-threaded worker processes, plus 2 workers with the BLAS cap lifted
   (2 BLAS threads per task: oversubscribed on 2 cores).

Each measured phase of parts 1 and 2 runs in its own child process, so a
peak RSS belongs to that phase alone. ``--quick`` runs every part on tiny
sizes (20,000 memmap rows, 100,000 predict rows, 1,000 grid-search rows, one
Dask cluster) as a smoke test of a few seconds, and writes no results.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

N_ROWS, N_FEATURES, N_CLASSES, CHUNK = 1_750_000, 784, 10, 50_000
PREDICT_ROWS, GRID_ROWS, GRID_MAX_ITER = 10_000_000, 10_000, 20
QUICK = False


def use_quick_sizes():
    """Shrink every part to a smoke test (``--quick``)."""
    global N_ROWS, CHUNK, PREDICT_ROWS, GRID_ROWS, GRID_MAX_ITER, QUICK
    N_ROWS, CHUNK, PREDICT_ROWS, GRID_ROWS, GRID_MAX_ITER = (
        20_000,
        5_000,
        100_000,
        1_000,
        2,
    )
    QUICK = True


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def teacher():
    return (
        np.random.RandomState(42)
        .normal(size=(N_FEATURES, N_CLASSES))
        .astype(np.float32)
    )


def make_memmap(workdir):
    """Write the synthetic rows and their labels chunk by chunk."""
    X_path, y_path = workdir / "X.f32", workdir / "y.u8"
    rng = np.random.default_rng(0)
    W = teacher()
    start = time.perf_counter()
    y = np.lib.format.open_memmap(y_path, mode="w+", dtype=np.uint8, shape=(N_ROWS,))
    with open(X_path, "wb") as file:
        for begin in range(0, N_ROWS, CHUNK):
            rows = min(CHUNK, N_ROWS - begin)
            chunk = rng.standard_normal((rows, N_FEATURES), dtype=np.float32)
            y[begin : begin + rows] = np.argmax(chunk @ W, axis=1)
            chunk.tofile(file)
    y.flush()
    return {
        "bytes": X_path.stat().st_size,
        "seconds": time.perf_counter() - start,
        "peak_rss_mib": peak_rss_mib(),
    }


def train_memmap(workdir):
    """One pass of partial_fit over the memmap, a fresh mapping per chunk."""
    from sknumpynn import NumpyMLPClassifier

    X_path, y_path = workdir / "X.f32", workdir / "y.u8"
    y = np.load(y_path, mmap_mode="r")
    clf = NumpyMLPClassifier(hidden_layer_sizes=(128,), random_state=0)
    classes = np.arange(N_CLASSES)
    row_bytes = N_FEATURES * 4
    last = N_ROWS - CHUNK  # the last chunk is held out
    start = time.perf_counter()
    for begin in range(0, last, CHUNK):
        X_chunk = np.memmap(
            X_path, np.float32, "r", offset=begin * row_bytes, shape=(CHUNK, N_FEATURES)
        )
        clf.partial_fit(X_chunk, y[begin : begin + CHUNK], classes=classes)
        del X_chunk  # unmap: its pages leave this process's RSS
    seconds = time.perf_counter() - start
    X_test = np.memmap(
        X_path, np.float32, "r", offset=last * row_bytes, shape=(CHUNK, N_FEATURES)
    )
    accuracy = clf.score(X_test, y[last:])
    return {
        "chunks": last // CHUNK,
        "train_seconds": seconds,
        "held_out_accuracy": float(accuracy),
        "peak_rss_mib": peak_rss_mib(),
    }


def predict_10m(_workdir):
    """predict_proba on 10M in-memory rows: memory beyond input and output."""
    from sknumpynn import NumpyMLPClassifier

    rng = np.random.default_rng(0)
    X_small = rng.standard_normal((20_000, 16), dtype=np.float32)
    y_small = (X_small[:, 0] + X_small[:, 1] > 0).astype(int) + (X_small[:, 2] > 1)
    clf = NumpyMLPClassifier((256,), max_iter=5, random_state=0).fit(X_small, y_small)
    X = rng.standard_normal((PREDICT_ROWS, 16), dtype=np.float32)
    before = peak_rss_mib()
    start = time.perf_counter()
    P = clf.predict_proba(X)
    seconds = time.perf_counter() - start
    return {
        "rows": X.shape[0],
        "input_mib": X.nbytes / 2**20,
        "output_mib": P.nbytes / 2**20,
        "all_hidden_activations_mib": X.shape[0] * 256 * 4 / 2**20,
        "peak_rss_before_predict_mib": before,
        "peak_rss_mib": peak_rss_mib(),
        "predict_seconds": seconds,
    }


PHASES = {"make": make_memmap, "train": train_memmap, "predict": predict_10m}


def run_phase(name, workdir):
    """Run one phase in a child process; return its JSON report."""
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--workdir", str(workdir)]
        + (["--quick"] if QUICK else []),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def grid_search_data():
    from sklearn.datasets import make_classification

    try:
        from sknumpynn.datasets import fetch_mnist

        X, y = fetch_mnist(subset="train", return_X_y=True, download_if_missing=False)
        X, y = X[:GRID_ROWS], y[:GRID_ROWS]
        return np.asarray(X, np.float32) / np.float32(255), y, "mnist"
    except (OSError, ValueError):
        X, y = make_classification(GRID_ROWS, 784, n_informative=50, random_state=0)
        return X.astype(np.float32), y, "synthetic"


def _warm_up():
    import sklearn.model_selection  # noqa: F401

    import sknumpynn  # noqa: F401


def dask_grid_search():
    import dask
    import joblib
    from distributed import Client, LocalCluster
    from sklearn.model_selection import GridSearchCV

    from sknumpynn import NumpyMLPClassifier

    X, y, source = grid_search_data()
    grid = {"alpha": [1e-4, 1e-2], "learning_rate_init": [1e-3, 3e-3]}

    def search():
        return GridSearchCV(
            NumpyMLPClassifier((128,), max_iter=GRID_MAX_ITER, random_state=0),
            grid,
            cv=3,
        )

    timings, score_differences = {}, {}
    start = time.perf_counter()
    reference = search().fit(X, y)
    timings["sequential (no Dask)"] = time.perf_counter() - start
    variants = [
        ("1 worker", 1, {}),
        ("2 workers", 2, {}),
        # Lift both caps: Dask's OMP/OPENBLAS_NUM_THREADS=1 for new workers,
        # and ours; each task then runs 2 BLAS threads on 2 cores.
        (
            "2 workers, BLAS not capped (2 threads/task)",
            2,
            {"SKNUMPYNN_WORKER_BLAS_THREADS": "2"},
        ),
    ]
    for label, n_workers, env in variants[1:2] if QUICK else variants:
        config = {"distributed.nanny.pre-spawn-environ": env} if env else {}
        with dask.config.set(config):
            cluster = LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                env=env or None,
            )
        with cluster, Client(cluster) as client:
            client.run(_warm_up)  # imports happen before the clock starts
            start = time.perf_counter()
            with joblib.parallel_backend("dask"):
                result = search().fit(X, y)
            timings[label] = time.perf_counter() - start
        # float32 matrix products round differently with 1 or 2 BLAS threads,
        # so scores may differ in the last digits from the sequential run.
        score_differences[label] = float(
            np.abs(
                result.cv_results_["mean_test_score"]
                - reference.cv_results_["mean_test_score"]
            ).max()
        )
    return {
        "data": source,
        "fits": 4 * 3 + 1,
        "seconds": timings,
        "max_abs_score_difference_vs_sequential": score_differences,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=sorted(PHASES))
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    parser.add_argument("--keep", action="store_true", help="keep the data files")
    parser.add_argument("--skip", nargs="*", default=[], help="memmap predict dask")
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.quick:
        use_quick_sizes()
    if args.phase:  # child process
        print(json.dumps(PHASES[args.phase](Path(args.workdir))))
        return
    import sklearn

    import sknumpynn

    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "sknumpynn": sknumpynn.__version__,
    }
    workdir = Path(tempfile.mkdtemp(prefix="sknumpynn-scaling-", dir=args.workdir))
    try:
        if "memmap" not in args.skip:
            report["memmap_make"] = run_phase("make", workdir)
            print("memmap written:", report["memmap_make"], flush=True)
            report["memmap_train"] = run_phase("train", workdir)
            print("memmap training:", report["memmap_train"], flush=True)
    finally:
        if not args.keep:
            for path in workdir.iterdir():
                path.unlink()
            workdir.rmdir()
    if "predict" not in args.skip:
        report["predict_10m"] = run_phase("predict", workdir.parent)
        print("10M-row predict_proba:", report["predict_10m"], flush=True)
    if "dask" not in args.skip:
        report["dask_grid_search"] = dask_grid_search()
        print("grid search:", report["dask_grid_search"], flush=True)
    if QUICK:
        return
    path = Path(__file__).with_name("results_scaling.json")
    if args.skip and path.exists():  # keep the parts not re-run
        report = {**json.loads(path.read_text()), **report}
    path.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
