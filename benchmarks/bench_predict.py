"""Serving speed: predict_proba latency and throughput, ours, scikit-learn's, ONNX.

Run ``python benchmarks/bench_predict.py`` (``--quick`` for a few-second smoke
run; ``--dtype float64`` for double-precision models and input). Contenders:
``NumpyMLPClassifier.predict_proba``, scikit-learn's
``MLPClassifier.predict_proba``, and an onnxruntime ``InferenceSession`` of
each (exported with skl2onnx, ``zipmap=False``, probabilities output only).
All four share the architecture (784-100-10 ReLU, MNIST-shaped input; the
weights do not matter for speed) and run interleaved in one process: for
every batch size and repeat each contender is timed in turn, in rotating
order, and the median over repeats is reported. Latency is per call for 1,
10 and 100 rows (inputs already in memory, as in a server); throughput is
rows per second of one call on 1,000,000 rows (100,000 with ``--quick``).
``--threads N`` caps BLAS (threadpoolctl) and onnxruntime's intra-op pool at N
threads, as a server running one worker process per core would; by default
each library uses its own default (all cores).
"""

import argparse
import os
import platform
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sknumpynn import NumpyMLPClassifier

HIDDEN = (100,)


def mnist_like(n_rows, dtype):
    """Real MNIST images scaled to [0, 1] when available, else random ones."""
    root = os.environ.get("SKNUMPYNN_DATA")
    if root and os.path.isdir(os.path.join(root, "mnist")):
        from sknumpynn.datasets import fetch_mnist

        X, y = fetch_mnist(root, subset="test", return_X_y=True)
        return (X[:n_rows] / 255).astype(dtype), y[:n_rows], "MNIST test images"
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(n_rows, 784)) * (rng.uniform(size=(n_rows, 784)) < 0.2)
    return X.astype(dtype), rng.randint(10, size=n_rows), "random MNIST-shaped"


def contenders(X, y, threads=None):
    """name -> function(X) returning the class probabilities."""
    import onnxruntime as ort
    from skl2onnx import to_onnx

    import sknumpynn.onnx  # noqa: F401  (registers our converter)

    ours = NumpyMLPClassifier(HIDDEN, max_iter=2, random_state=0).fit(X, y)
    theirs = MLPClassifier(HIDDEN, max_iter=2, random_state=0).fit(X, y)
    funcs = {"sknumpynn": ours.predict_proba, "scikit-learn": theirs.predict_proba}
    for name, model in (("sknumpynn", ours), ("scikit-learn", theirs)):
        onx = to_onnx(model, X[:1], options={"zipmap": False})
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        sess = ort.InferenceSession(
            onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
        feed, proba = sess.get_inputs()[0].name, sess.get_outputs()[1].name
        funcs[f"onnxruntime ({name})"] = lambda x, sess=sess, feed=feed, proba=proba: (
            sess.run([proba], {feed: x})[0]
        )
    return funcs


def interleaved(funcs, x, repeats, number):
    """Median seconds per call of each function, contenders interleaved."""
    names = list(funcs)
    times = {name: [] for name in names}
    for name in names:  # warm up
        funcs[name](x)
    for r in range(repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            f = funcs[name]
            start = time.perf_counter()
            for _ in range(number):
                f(x)
            times[name].append((time.perf_counter() - start) / number)
    return {name: float(np.median(t)) for name, t in times.items()}


def versions():
    import onnxruntime
    import skl2onnx
    from threadpoolctl import threadpool_info

    blas = {(i["internal_api"], i.get("version")) for i in threadpool_info()}
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, skl2onnx {skl2onnx.__version__}, "
        f"onnxruntime {onnxruntime.__version__}, BLAS {sorted(blas)}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    if args.threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.threads)
    repeats = 3 if args.quick else args.repeats
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y, source = mnist_like(5_000, args.dtype)
    funcs = contenders(X, y, args.threads)
    print(versions())
    print(
        f"784-{'-'.join(map(str, HIDDEN))}-10 ReLU classifiers fitted on {source}, "
        f"{args.dtype} models and input; threads: {args.threads or 'default'}; "
        f"median of {repeats} interleaved repeats\n"
    )
    names = list(funcs)
    print("| rows | " + " | ".join(names) + " | sknumpynn speed-up |")
    print("|---" * (len(names) + 2) + "|")
    for n_rows in (1, 10, 100):
        number = (20 if args.quick else 200) // max(1, n_rows // 10)
        t = interleaved(funcs, X[:n_rows], repeats, number)
        cells = " | ".join(f"{t[name] * 1e6:,.1f} µs" for name in names)
        ratio = t["scikit-learn"] / t["sknumpynn"]
        print(f"| {n_rows} | {cells} | {ratio:.2f}x |")
    big_rows = 100_000 if args.quick else 1_000_000
    big = np.resize(X, (big_rows, X.shape[1]))
    t = interleaved(funcs, big, 1 if args.quick else 3, 1)
    cells = " | ".join(f"{big_rows / t[name]:,.0f} rows/s" for name in names)
    print(f"| {big_rows:,} | {cells} | {t['scikit-learn'] / t['sknumpynn']:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
