"""Print the correctness figures behind the test suite's assertions.

Run ``python benchmarks/correctness_report.py`` (about 30 s; ``--quick``
for a smoke run of a few seconds): the largest central-difference gradient
error over every loss x activation x alpha x weighting combination, the
largest difference from scikit-learn's outputs given identical weights (for
the activations scikit-learn has), and how far our float64 training from the
same seed is from scikit-learn's on the parity cases of ``tests/test_parity.py``
(every output x solver/schedule x early stopping).
"""

import argparse
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
    OUTPUTS,
    SKLEARN_ACTIVATIONS,
    SKLEARN_HAS_POISSON,
    SOLVERS,
    copy_weights,
    fit_both,
    fit_parity_case,
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


def relative_difference(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300), initial=0.0))


def available_outputs():
    return [o for o in OUTPUTS if o != "poisson" or SKLEARN_HAS_POISSON]


def output_difference(output, activation):
    """Max |ours - sklearn| of the outputs, given scikit-learn's weights."""
    kind, data, extra = OUTPUTS[output]
    X, y = data()
    ours, theirs = pair(kind, activation=activation, max_iter=3, **extra)
    fit_both(ours, theirs, X, y)
    copy_weights(ours, theirs)
    method = "predict_proba" if kind == "classifier" else "predict"
    return float(np.abs(getattr(ours, method)(X) - getattr(theirs, method)(X)).max())


def training_differences(output, solvers):
    """Per output: epochs equal?, and the largest relative differences."""
    same_epochs, curve, weights = True, 0.0, 0.0
    for solver, early_stopping in itertools.product(solvers, (False, True)):
        ours, theirs, _, scale = fit_parity_case(output, solver, early_stopping)
        same_epochs &= ours.n_iter_ == theirs.n_iter_
        curve = max(
            curve,
            relative_difference(ours.loss_curve_, scale * np.array(theirs.loss_curve_)),
        )
        for a, b in zip(
            ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_
        ):
            weights = max(weights, relative_difference(a, b))
    return same_epochs, curve, weights


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few-second smoke run")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    activations = list(HIDDEN_ACTIVATIONS)[: 2 if args.quick else None]
    errors = [
        gradient_error(*combo)
        for combo in itertools.product(LOSSES, activations, (0.0, 0.3), (False, True))
    ]
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    print(
        f"gradient checks: {len(errors)} combinations (loss x activation x alpha x "
        f"weighting), max relative error {max(errors):.2e}, "
        f"median {np.median(errors):.2e}"
    )
    outputs = available_outputs()
    sklearn_activations = SKLEARN_ACTIVATIONS[:1] if args.quick else SKLEARN_ACTIVATIONS
    worst = max(
        output_difference(output, activation)
        for output, activation in itertools.product(outputs, sklearn_activations)
    )
    print(
        f"identical weights, {len(outputs)} outputs x {len(sklearn_activations)} "
        f"activations scikit-learn has: max |ours - sklearn| output {worst:.2e}"
    )
    solvers = ["adam", "sgd_constant"] if args.quick else sorted(SOLVERS)
    print(
        f"float64 training from the same seed, {len(solvers)} solver settings x "
        "early stopping on/off per output:"
    )
    print(f"  {'output':<22} {'n_iter_ equal':<14} {'loss_curve_':>12} {'weights':>10}")
    for output in outputs:
        same, curve, weights = training_differences(output, solvers)
        print(f"  {output:<22} {str(same):<14} {curve:12.1e} {weights:10.1e}")
    print("  (largest relative differences; for identity_multioutput scikit-learn's")
    print("  loss times the 3 outputs, see NumpyMLPRegressor's Notes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
