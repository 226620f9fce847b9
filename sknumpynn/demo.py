"""A two-minute demo: our MLPs next to scikit-learn's on bundled datasets.

Run ``python -m sknumpynn.demo``. Each estimator sits in the same
``Pipeline(StandardScaler, MLP)`` with the same hyperparameters and seed, and
is scored by the same 5-fold ``cross_val_score``.
"""

import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor

PROBLEMS = [
    ("breast_cancer", load_breast_cancer, "classifier", {"max_iter": 300}),
    ("digits", load_digits, "classifier", {"max_iter": 300}),
    ("diabetes", load_diabetes, "regressor", {"solver": "lbfgs", "alpha": 10.0}),
]


def evaluate(estimator, X, y, cv):
    """Mean and std of the CV score, and the mean fit time in seconds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = cross_validate(make_pipeline(StandardScaler(), estimator), X, y, cv=cv)
    return result["test_score"].mean(), result["test_score"].std(), result["fit_time"]


def main():
    """Print one row per dataset and estimator."""
    header = (
        f"{'dataset':<14} {'estimator':<20} {'score (mean ± std)':>20} {'fit s':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, load, kind, params in PROBLEMS:
        X, y = load(return_X_y=True)
        if kind == "classifier":
            cv = StratifiedKFold(5, shuffle=True, random_state=0)
            pair = (NumpyMLPClassifier, MLPClassifier)
        else:
            cv = KFold(5, shuffle=True, random_state=0)
            y = (y - y.mean()) / y.std()
            pair = (NumpyMLPRegressor, MLPRegressor)
        for Estimator in pair:
            start = time.perf_counter()
            mean, std, _ = evaluate(Estimator(random_state=0, **params), X, y, cv)
            seconds = time.perf_counter() - start
            score = f"{mean:.4f} ± {std:.4f}"
            print(f"{name:<14} {Estimator.__name__:<20} {score:>20} {seconds:>7.2f}")
    print("\nScores: accuracy for classifiers, R² for the regressor (5-fold CV).")
    return 0


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    raise SystemExit(main())
