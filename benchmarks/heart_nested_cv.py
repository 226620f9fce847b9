"""Unbiased check of heart vs logistic regression: nested cross-validation.

Run ``python benchmarks/heart_nested_cv.py`` (about 2 minutes). The outer folds
are the compare command's 30 heart folds; inside each, ``GridSearchCV`` picks
dropout x alpha for NumpyMLPClassifier on shuffled stratified 5-fold CV, so the
outer score is not biased by choosing hyperparameters on the folds it reports.
``--features`` searches issue 5's levers instead: activation {relu, tanh} x
alpha {1, 3, 10} x l1 {0, 0.3} x hidden {(16,), (100,)} (about 4 minutes).
``--quick``: 3 outer folds, 2 candidates, 2 inner folds; a smoke run.
"""

import argparse
import time
import warnings

from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score

from sknumpynn import NumpyMLPClassifier
from sknumpynn.compare.tasks import TASKS


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", action="store_true", help="issue 5's levers")
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    task = TASKS["heart"]
    X, y = task.load(False)
    outer = task.splits(quick=args.quick)
    params = {"mlp__dropout": [0.0, 0.3, 0.5], "mlp__alpha": [0.3, 1.0, 3.0]}
    if args.features:
        params = {
            "mlp__activation": ["relu", "tanh"],
            "mlp__alpha": [1.0, 3.0, 10.0],
            "mlp__l1": [0.0, 0.3],
            "mlp__hidden_layer_sizes": [(16,), (100,)],
        }
    if args.quick:  # the first value of one parameter, the first two of another
        first, second, *_ = sorted(params)
        params = {first: params[first][:1], second: params[second][:2]}
    grid = GridSearchCV(
        task.build(
            NumpyMLPClassifier(random_state=0, max_iter=20 if args.quick else 200)
        ),
        params,
        cv=StratifiedKFold(2 if args.quick else 5, shuffle=True, random_state=0),
    )
    start = time.perf_counter()
    nested = cross_val_score(grid, X, y, cv=outer)
    baseline = cross_val_score(task.baseline(), X, y, cv=outer)
    print(f"nested-CV MLP {sorted(params)}: {nested.mean():.4f} ± {nested.std():.4f}")
    print(
        f"LogisticRegression, same folds:  {baseline.mean():.4f} ± {baseline.std():.4f}"
    )
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
