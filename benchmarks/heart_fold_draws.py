"""How much of heart's MLP-vs-LogisticRegression gap is the choice of folds?

Run ``SKNUMPYNN_DATA=../shared/datasets python benchmarks/heart_fold_draws.py``
(about 2 minutes; writes ``benchmarks/results_heart_fold_draws.json``).

The compare command scores heart on one draw of repeated stratified 10-fold CV
(3 repeats, ``random_state=0``). This script changes nothing but that draw:
the same pipelines (the compare's heart MLP settings and its
LogisticRegression baseline) on 20 independent draws (``random_state`` 0-19),
then on 10 and 20 repeats of ``random_state=0`` (whose first 3 repeats are the
compare's 30 folds). Each line gives the paired difference MLP minus
LogisticRegression with Nadeau and Bengio's corrected standard error.
``--quick``: 2 draws of one repeat and no longer runs, nothing written; a smoke
run of a few seconds.
"""

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score

from sknumpynn import NumpyMLPClassifier
from sknumpynn.compare.report import environment
from sknumpynn.compare.stats import paired_difference
from sknumpynn.compare.tasks import TASKS

OUT = Path(__file__).with_name("results_heart_fold_draws.json")


def score_pair(mlp, baseline, X, y, n_repeats, random_state):
    """Both models' accuracies on one draw of folds, and their paired test."""
    cv = RepeatedStratifiedKFold(
        n_splits=10, n_repeats=n_repeats, random_state=random_state
    )
    a = cross_val_score(mlp, X, y, cv=cv, n_jobs=2)
    b = cross_val_score(baseline, X, y, cv=cv, n_jobs=2)
    return {
        "n_repeats": n_repeats,
        "random_state": random_state,
        "mlp": float(a.mean()),
        "logistic_regression": float(b.mean()),
        "difference": paired_difference(a, b, 1 / 9),
    }


def show(row):
    d = row["difference"]
    print(
        f"repeats {row['n_repeats']:2d}, random_state {row['random_state']:2d}: "
        f"MLP {row['mlp']:.4f}  LR {row['logistic_regression']:.4f}  "
        f"difference {d['mean']:+.4f} ± {d['se']:.4f} (p = {d['p_value']:.2f})",
        flush=True,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    quick = parser.parse_args(argv).quick
    warnings.simplefilter("ignore")
    task = TASKS["heart"]
    X, y = task.load(False)
    mlp = task.build(NumpyMLPClassifier(random_state=0, **task.params))
    baseline = task.baseline()
    start = time.perf_counter()
    draws = []
    for seed in range(2 if quick else 20):
        draws.append(score_pair(mlp, baseline, X, y, 1 if quick else 3, seed))
        show(draws[-1])
    longer = [
        score_pair(mlp, baseline, X, y, n, 0) for n in (() if quick else (10, 20))
    ]
    for row in longer:
        show(row)
    # The paired mean: folds whose two scores agree to rounding count as ties.
    gaps = np.array([row["difference"]["mean"] for row in draws])
    summary = {
        "draws_with_mlp_at_least_lr": int((gaps >= 0).sum()),
        "n_draws": len(draws),
        "mean_gap": float(gaps.mean()),
        "std_gap_between_draws": float(gaps.std(ddof=1)),
        "draws_with_p_below_0.05": int(
            sum(row["difference"]["p_value"] < 0.05 for row in draws)
        ),
    }
    print(
        f"MLP >= LR on {summary['draws_with_mlp_at_least_lr']} of {len(draws)} draws; "
        f"gap {summary['mean_gap']:+.4f} on average, "
        f"{summary['std_gap_between_draws']:.4f} std between draws; "
        f"{summary['draws_with_p_below_0.05']} draws with p < 0.05 "
        f"({time.perf_counter() - start:.0f} s)"
    )
    if quick:
        return
    OUT.write_text(
        json.dumps(
            {
                "environment": environment(),
                "params": task.params,
                "summary": summary,
                "draws": draws,
                "longer": longer,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
