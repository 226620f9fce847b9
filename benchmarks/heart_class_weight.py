"""Heart disease with and without ``class_weight='balanced'``, same folds.

Run ``python benchmarks/heart_class_weight.py`` (about a minute). The pipeline
and folds are the compare command's (one-hot + standardise, alpha=3, repeated
stratified 10-fold, 3 repeats); the only difference is ``class_weight``. The
heart data is only mildly imbalanced (138 of 303 rows in class 0), so a second
run keeps a fixed random quarter of the class-0 rows (34 of 199 rows, 1:4.9),
the situation ``class_weight`` is for. Look at the per-class recalls and
balanced accuracy, not only accuracy. ``--quick``: 3-fold CV once, a smoke
run of a few seconds.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.metrics import make_scorer, recall_score
from sklearn.model_selection import cross_validate

from sknumpynn import NumpyMLPClassifier
from sknumpynn.compare.tasks import TASKS

SCORING = {
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced_accuracy",
    "recall_class_0": make_scorer(recall_score, pos_label=0),
    "recall_class_1": make_scorer(recall_score, pos_label=1),
}


def compare(task, X, y, quick=False):
    counts = dict(zip(*(a.tolist() for a in np.unique(y, return_counts=True))))
    print(f"\nclass counts: {counts}")
    folds = task.splits(quick=quick)
    print(f"{'class_weight':<14}" + "".join(f"{k:>20}" for k in SCORING) + "  seconds")
    for class_weight in (None, "balanced"):
        model = task.build(
            NumpyMLPClassifier(**task.params, class_weight=class_weight, random_state=0)
        )
        start = time.perf_counter()
        scores = cross_validate(model, X, y, cv=folds, scoring=SCORING)
        seconds = time.perf_counter() - start
        cells = "".join(
            f"{scores['test_' + k].mean():>13.4f} ± {scores['test_' + k].std():.3f}"
            for k in SCORING
        )
        print(f"{class_weight!s:<14}{cells}  {seconds:7.1f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3-fold smoke run")
    quick = parser.parse_args(argv).quick
    warnings.simplefilter("ignore")
    task = TASKS["heart"]
    X, y = task.load(False)
    compare(task, X, y, quick)
    rng = np.random.RandomState(0)
    class_0 = np.flatnonzero(y == 0)
    keep = np.sort(
        np.r_[rng.choice(class_0, len(class_0) // 4, replace=False), np.flatnonzero(y)]
    )
    compare(task, X[keep], y[keep], quick)


if __name__ == "__main__":
    main()
