"""Peak memory of fitting MNIST: X is copied at most once.

Run ``python benchmarks/bench_memory.py`` (needs ``$SKNUMPYNN_DATA/mnist``;
``--quick``: a smoke run of a few seconds on 2,000 synthetic rows, no data).
Each case runs in a fresh child process, which reports its peak resident set
size (``ru_maxrss``) after loading the data and after one epoch of ``fit``.
The difference is what fitting costs on top of the data.
"""

import argparse
import json
import os
import subprocess
import sys

CHILD = r"""
import json, resource, sys, warnings
import numpy as np
from sknumpynn import NumpyMLPClassifier
from sknumpynn.datasets import fetch_mnist

dtype, solver_dtype, quick = sys.argv[1], sys.argv[2], sys.argv[3] == "quick"
if quick:
    rng = np.random.RandomState(0)
    pixels, y = rng.randint(0, 256, size=(2000, 784)), rng.randint(0, 10, 2000)
else:
    pixels, y = fetch_mnist(subset="train", return_X_y=True)
X = np.empty(pixels.shape, dtype=dtype)
for start in range(0, len(X), 5000):  # no full-size temporaries
    X[start : start + 5000] = pixels[start : start + 5000] / 255
del pixels
def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
before = peak_mib()
warnings.simplefilter("ignore")
NumpyMLPClassifier(max_iter=1, random_state=0, dtype=solver_dtype).fit(X, y)
print(json.dumps({"X_mib": X.nbytes / 2**20, "before": before, "after": peak_mib()}))
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="synthetic smoke run")
    args = parser.parse_args(argv)
    if not args.quick and not os.environ.get("SKNUMPYNN_DATA"):
        sys.exit("set SKNUMPYNN_DATA to the folder holding mnist/")
    data = "synthetic 2000" if args.quick else "MNIST 60000"
    print(f"{data} x 784, hidden (100,), adam, one epoch; peak RSS in MiB")
    print(
        f"{'X dtype':<8} {'train dtype':<12} {'X':>7} {'data loaded':>12} "
        f"{'after fit':>10} {'fit adds':>9} {'/ X':>6}"
    )
    mode = "quick" if args.quick else "full"
    for x_dtype, train_dtype in (
        ("float64", "auto"),
        ("float32", "auto"),
        ("float64", "float64"),
    ):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, x_dtype, train_dtype, mode],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        extra = r["after"] - r["before"]
        print(
            f"{x_dtype:<8} {train_dtype:<12} {r['X_mib']:7.0f} {r['before']:12.0f} "
            f"{r['after']:10.0f} {extra:9.0f} {extra / r['X_mib']:6.2f}"
        )


if __name__ == "__main__":
    main()
