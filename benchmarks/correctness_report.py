"""Print the correctness figures behind the test suite's assertions.

Run ``python benchmarks/correctness_report.py``: the largest central-difference
gradient error over every activation x loss x alpha x weighting combination,
the largest difference from scikit-learn's outputs given identical weights, and
the final training loss relative to scikit-learn's on the parity problems.
"""

import itertools
import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_gradients import H, make_targets, relative_error  # noqa: E402
from test_parity import (  # noqa: E402
    CLASSIFICATION,
    REGRESSION,
    SINGLE_OUTPUT_REGRESSION,
    SKLEARN_HAS_POISSON,
    copy_weights,
    pair,
)

from sknumpynn.nn import Network, Workspace  # noqa: E402
from sknumpynn.nn.activations import HIDDEN_ACTIVATIONS  # noqa: E402
from sknumpynn.nn.losses import CANONICAL_OUTPUT, LOSSES  # noqa: E402


def gradient_error(loss, activation, alpha, weighted):
    rng = np.random.RandomState(42)
    net = Network((4, 6, 5, 3), activation, CANONICAL_OUTPUT[loss]).initialize(rng)
    X, Y = rng.normal(size=(9, 4)), make_targets(loss, rng, 9, 3)
    sw = rng.uniform(0.2, 3.0, size=9) if weighted else None
    workspace = Workspace(net, 9)
    net.loss_and_gradient(X, Y, loss, alpha, workspace, sw)
    analytic, theta = workspace.grad.copy(), net.params.copy()
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        values = []
        for sign in (1, -1):
            net.params[...] = theta
            net.params[i] += sign * H
            values.append(
                net.loss_and_gradient(X, Y, loss, alpha, Workspace(net, 9), sw)
            )
        numeric[i] = (values[0] - values[1]) / (2 * H)
    net.params[...] = theta
    return relative_error(analytic, numeric)


def main():
    errors = [
        gradient_error(*combo)
        for combo in itertools.product(
            LOSSES, HIDDEN_ACTIVATIONS, (0.0, 0.3), (False, True)
        )
    ]
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    print(
        f"gradient checks: {len(errors)} combinations, max relative error "
        f"{max(errors):.2e}, median {np.median(errors):.2e}"
    )
    warnings.simplefilter("ignore", ConvergenceWarning)
    worst_output = 0.0
    for name, load in {**CLASSIFICATION, **REGRESSION}.items():
        kind = "classifier" if name in CLASSIFICATION else "regressor"
        if name == "poisson" and not SKLEARN_HAS_POISSON:
            continue
        X, y = load()
        extra = {"loss": "poisson"} if name == "poisson" else {}
        for activation in HIDDEN_ACTIVATIONS:
            ours, theirs = pair(kind, activation=activation, max_iter=5, **extra)
            theirs.set_params(random_state=0).fit(X, y)
            ours.set_params(random_state=0).fit(X, y)
            copy_weights(ours, theirs)
            method = "predict_proba" if kind == "classifier" else "predict"
            diff = np.abs(getattr(ours, method)(X) - getattr(theirs, method)(X)).max()
            worst_output = max(worst_output, diff)
    print(
        f"identical weights: max |ours - sklearn| output difference {worst_output:.2e}"
    )
    print("final training loss, ours / sklearn - 1 (max_iter=100, alpha=1e-2):")
    for name in [*CLASSIFICATION, *SINGLE_OUTPUT_REGRESSION]:
        if name == "poisson" and not SKLEARN_HAS_POISSON:
            continue
        kind = "classifier" if name in CLASSIFICATION else "regressor"
        X, y = {**CLASSIFICATION, **REGRESSION}[name]()
        extra = {"loss": "poisson"} if name == "poisson" else {}
        row = []
        for solver in ("adam", "sgd", "lbfgs"):
            ours, theirs = pair(
                kind, solver=solver, max_iter=100, alpha=1e-2, random_state=0, **extra
            )
            ratio = ours.fit(X, y).loss_ / theirs.fit(X, y).loss_ - 1
            row.append(f"{solver} {ratio:+.2e}")
        print(f"  {name:<14} " + "  ".join(row))


if __name__ == "__main__":
    main()
