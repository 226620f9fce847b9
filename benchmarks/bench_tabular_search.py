"""Searches over TabularMLP: our stacked GridSearchCV against scikit-learn's.

Run ``python benchmarks/bench_tabular_search.py`` (``--quick``: a smoke run of
seconds that writes nothing). Grid: ``TabularMLPClassifier`` /
``TabularMLPRegressor`` at their defaults (``random_state=0``) over
``learning_rate_init`` 0.001, 0.002, 0.004 x ``weight_decay`` 0, 0.02 (six
candidates), shuffled 5-fold, on scikit-learn's bundled breast_cancer and
diabetes. Contenders: scikit-learn's ``GridSearchCV`` (each candidate x fold
fitted one by one) and ours (every fit's preprocessing, then the engine
networks stacked by ``fit_together``), ``n_jobs=1``. Each repeat runs both,
interleaved; the table gives medians of wall and CPU time (this process's:
a loaded machine disturbs it much less) and checks that both searches give the
same ``mean_test_score``. Results go to
``benchmarks/results_tabular_search.json``.
"""

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn import model_selection as sk_search
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.model_selection import KFold, StratifiedKFold

from sknumpynn import TabularMLPClassifier, TabularMLPRegressor
from sknumpynn import model_selection as our_search

OUT = Path(__file__).with_name("results_tabular_search.json")
GRID = {"learning_rate_init": [0.001, 0.002, 0.004], "weight_decay": [0.0, 0.02]}
DATASETS = {
    "breast_cancer": (load_breast_cancer, TabularMLPClassifier, StratifiedKFold),
    "diabetes": (load_diabetes, TabularMLPRegressor, KFold),
}


def contenders(name, quick):
    """``{contender: () -> fitted search}`` for one dataset."""
    loader, Estimator, Splitter = DATASETS[name]
    X, y = loader(return_X_y=True)
    params = {"random_state": 0}
    grid = dict(GRID)
    if quick:
        X, y, params["max_iter"] = X[:150], y[:150], 3
        grid["learning_rate_init"] = grid["learning_rate_init"][:1]
    cv = Splitter(3 if quick else 5, shuffle=True, random_state=0)

    def search(module):
        return lambda: module.GridSearchCV(Estimator(**params), grid, cv=cv).fit(X, y)

    return {
        "scikit-learn GridSearchCV": search(sk_search),
        "sknumpynn GridSearchCV": search(our_search),
    }


def run_dataset(name, repeats, quick):
    runs = contenders(name, quick)
    wall = {contender: [] for contender in runs}
    cpu = {contender: [] for contender in runs}
    scores = {}
    for _ in range(repeats):
        for contender, run in runs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            search = run()
            wall[contender].append(time.perf_counter() - start)
            cpu[contender].append(time.process_time() - start_cpu)
            scores[contender] = search.cv_results_["mean_test_score"]
    same = np.allclose(*scores.values(), rtol=1e-9)
    return {
        "n_fits": int(search.n_splits_ * len(search.cv_results_["params"])),
        "wall": {c: statistics.median(v) for c, v in wall.items()},
        "cpu": {c: statistics.median(v) for c, v in cpu.items()},
        "wall_all": wall,
        "cpu_all": cpu,
        "same_scores": bool(same),
    }


def report(name, result):
    theirs, ours = "scikit-learn GridSearchCV", "sknumpynn GridSearchCV"
    print(
        f"\n{name}: {result['n_fits']} fits, same mean_test_score: "
        f"{result['same_scores']}"
    )
    for clock in ("wall", "cpu"):
        t, o = result[clock][theirs], result[clock][ours]
        print(
            f"  {clock:4s}  scikit-learn {t:7.2f} s   ours {o:7.2f} s   "
            f"speed-up {t / o:4.2f}x"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run; no output")
    parser.add_argument(
        "--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS)
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    results = {
        "machine": platform.processor() or platform.machine(),
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
    }
    for name in args.datasets:
        results[name] = run_dataset(name, 1 if args.quick else args.repeats, args.quick)
        report(name, results[name])
        if not results[name]["same_scores"]:
            raise SystemExit(f"{name}: the two searches' scores differ")
    if not args.quick:
        args.out.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
