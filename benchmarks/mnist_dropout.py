"""MNIST with the dropout paper's 784-800-800-10 ReLU net, with and without dropout.

Srivastava et al. (2014, table 2) report 1.60 % test error for this net
trained normally and 1.35 % with dropout. This script trains both variants
with identical settings (Adam, batch 128, cosine learning-rate schedule, L2
1e-4), differing only in ``dropout=0.5`` on both hidden layers, and reports
the test error of the final weights and the wall time. A callback records the
test error after every epoch (for the curve; it does not steer training).

Run: ``SKNUMPYNN_DATA=../shared/datasets python benchmarks/mnist_dropout.py``
(about 12 minutes on the 2-core benchmark machine); ``--epochs`` changes the
length, ``--quick`` runs 2 epochs on 1,000 images (scored on 1,000 test
images) as a smoke test of a few seconds, and writes nothing.
"""

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import sklearn

import sknumpynn
from sknumpynn import NumpyMLPClassifier
from sknumpynn.callbacks import Callback
from sknumpynn.datasets import fetch_mnist


class TestErrorRecorder(Callback):
    """Adds the test error of the current weights to each history entry."""

    def __init__(self, X_test, y_test):
        self.X_test, self.y_test = X_test, y_test

    def on_epoch_end(self, estimator, logs):
        logs["test_error"] = 1.0 - estimator.score(self.X_test, self.y_test)


def run(dropout, epochs, X_train, y_train, X_test, y_test):
    clf = NumpyMLPClassifier(
        hidden_layer_sizes=(800, 800),
        solver="adam",
        learning_rate="cosine",
        learning_rate_init=1e-3,
        alpha=1e-4,
        batch_size=128,
        max_iter=epochs,
        dropout=dropout,
        random_state=0,
        callbacks=[TestErrorRecorder(X_test, y_test)],
    )
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    error = 1.0 - clf.score(X_test, y_test)
    return {
        "dropout": dropout,
        "epochs": clf.n_iter_,
        "test_error_percent": round(100 * error, 2),
        "best_epoch_test_error_percent": round(
            100 * min(h["test_error"] for h in clf.history_), 2
        ),
        "fit_seconds": round(seconds, 1),
        "seconds_per_epoch": round(seconds / clf.n_iter_, 2),
        "curve": [
            {k: h[k] for k in ("epoch", "loss", "learning_rate", "test_error")}
            for h in clf.history_
        ],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(Path(__file__).parent))
    args = parser.parse_args()
    X_train, y_train = fetch_mnist(subset="train", return_X_y=True)
    X_test, y_test = fetch_mnist(subset="test", return_X_y=True)
    X_train = np.asarray(X_train, dtype=np.float32) / np.float32(255)
    X_test = np.asarray(X_test, dtype=np.float32) / np.float32(255)
    epochs = args.epochs
    if args.quick:
        X_train, y_train, epochs = X_train[:1000], y_train[:1000], 2
        X_test, y_test = X_test[:1000], y_test[:1000]
    results = []
    for dropout in (0.0, 0.5):
        result = run(dropout, epochs, X_train, y_train, X_test, y_test)
        results.append(result)
        print(
            f"dropout={dropout}: test error {result['test_error_percent']:.2f} % "
            f"after {result['epochs']} epochs, {result['fit_seconds']:.0f} s "
            f"({result['seconds_per_epoch']:.1f} s/epoch)",
            flush=True,
        )
    report = {
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "sknumpynn": sknumpynn.__version__,
        "quick": args.quick,
        "results": results,
    }
    if not args.quick:
        path = Path(args.out) / "results_mnist_dropout.json"
        path.write_text(json.dumps(report, indent=1) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
