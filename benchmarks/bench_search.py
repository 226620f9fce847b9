"""Wall time of grid searches: sknumpynn's GridSearchCV against scikit-learn's.

Run ``python benchmarks/bench_search.py`` (``--repeats 3`` by default;
``--quick`` for a smoke run of a few seconds). Grids:

- heart and Boston: the compare's pipelines and grid (``sknumpynn.compare.tasks``:
  hidden (32,) or (100,) x alpha 0.1, 1, 3 x learning_rate_init 1e-3, 1e-2;
  12 candidates) at shuffled 10-fold, ``max_iter=200``, ``random_state=0``;
- heart16: the search issue's own measurement, heart with StandardScaler +
  hidden (16,), 6 alpha x 2 learning_rate_init, 10-fold (small nets);
- breast_cancer: scikit-learn's bundled breast cancer data (569 x 30),
  StandardScaler + hidden (16,), alpha 1e-4, 1e-3, 1e-2, 1e-1 x
  learning_rate_init 1e-3, 1e-2 (8 candidates), stratified shuffled 10-fold;
- MNIST (needs ``$SKNUMPYNN_DATA/mnist``): the 60,000 training images,
  hidden (100,), 10 epochs, alpha 1e-4, 1e-2 x learning_rate_init 1e-3, 1e-2,
  3-fold.

Contenders: scikit-learn's ``GridSearchCV`` around scikit-learn's MLP
(``n_jobs=1`` and ``2``), around ours, and our ``GridSearchCV`` (``n_jobs=1``
and ``2``). ``--dtype float64 float32`` runs the contenders with our MLP once
per dtype (our estimator's ``dtype=``; scikit-learn's MLP trains the data's
float64 as its users run it). Each repeat runs every contender once,
interleaved; the table gives medians. For our searches, the time is broken
down into the pre-fit's prefix captures (and hashing), its ``fit_together``
call, scikit-learn's own loop (served from the pre-fit: scoring each fit
with scikit-learn's scorer, see ``model_selection/_served.py``) and the refit,
with the loop's share of the whole search. Peak
memory per contender (MNIST, or every grid with ``--memory``) comes from one
extra, untimed run under :mod:`tracemalloc`: Python-side allocations of the
main process only (NumPy reports its buffers to it; joblib workers of
``n_jobs=2`` are not seen). Results go to ``benchmarks/results_search.json``.

The environment of this project's machine sets ``OPENBLAS_CORETYPE`` and
``OPENBLAS_L2_SIZE``; the script prints which OpenBLAS kernel ran
(threadpoolctl's ``architecture``).
"""

import argparse
import copy
import functools
import json
import os
import platform
import statistics
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn import model_selection as sk_search
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

import sknumpynn
from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn import model_selection as our_search
from sknumpynn.compare.tasks import GRID, TASKS
from sknumpynn.model_selection import _stacking
from sknumpynn.model_selection._search import _StackedSearchMixin

MNIST_GRID = {"mlp__alpha": [1e-4, 1e-2], "mlp__learning_rate_init": [1e-3, 1e-2]}
ESTIMATORS = {
    "classifier": (MLPClassifier, NumpyMLPClassifier),
    "regressor": (MLPRegressor, NumpyMLPRegressor),
}


def environment():
    from threadpoolctl import threadpool_info

    blas = [
        {
            k: i.get(k)
            for k in ("internal_api", "version", "num_threads", "architecture")
        }
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "sknumpynn": sknumpynn.__version__,
        "blas": blas,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
    }


def tabular_grid(name, quick):
    """The compare's pipeline and grid for ``name`` at 10-fold (3 if quick)."""
    task = TASKS[name]
    X, y = task.load(False)
    prefix = "regressor__" if task.kind == "regressor" else ""
    grid = {prefix + k: v for k, v in GRID.items()}
    params = {"random_state": 0, **task.params}
    if quick:
        grid = {
            prefix + "mlp__alpha": [0.1, 3.0],
            prefix + "mlp__hidden_layer_sizes": [(16,)],
        }
        params["max_iter"] = 20
    cv = task._folds(3 if quick else 10)
    return task, X, y, grid, params, cv


def small_net_grid(quick):
    """The issue's own measurement: heart, StandardScaler + hidden (16,), adam,
    ``max_iter=200``, 6 alpha x 2 learning_rate_init, 10-fold: small nets,
    where each fit's time is the fixed cost of its mini-batch steps."""
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    task = copy.copy(TASKS["heart"])
    task.build = lambda est: Pipeline([("scale", StandardScaler()), ("mlp", est)])
    X, y = task.load(False)
    grid = {
        "mlp__alpha": [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 3.0],
        "mlp__learning_rate_init": [1e-3, 1e-2],
    }
    params = {"hidden_layer_sizes": (16,), "random_state": 0}
    if quick:
        grid["mlp__alpha"], params["max_iter"] = [1e-4, 1.0], 20
    return task, X, y, grid, params, task._folds(3 if quick else 10)


def breast_cancer_grid(quick):
    """StandardScaler + hidden (16,), 4 alpha x 2 learning_rate_init, 10-fold."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    task = copy.copy(TASKS["heart"])  # a binary classification task
    task.build = lambda est: Pipeline([("scale", StandardScaler()), ("mlp", est)])
    X, y = load_breast_cancer(return_X_y=True)
    grid = {
        "mlp__alpha": [1e-4, 1e-3, 1e-2, 1e-1],
        "mlp__learning_rate_init": [1e-3, 1e-2],
    }
    params = {"hidden_layer_sizes": (16,), "random_state": 0}
    if quick:
        grid["mlp__alpha"], params["max_iter"] = [1e-4], 20
    cv = StratifiedKFold(3 if quick else 10, shuffle=True, random_state=0)
    return task, X, y, grid, params, cv


def mnist_grid(quick):
    from sknumpynn.datasets import fetch_mnist

    root = os.environ.get("SKNUMPYNN_DATA")
    if not (root and os.path.isdir(os.path.join(root, "mnist"))):
        return None
    task = TASKS["mnist"]
    X, y = fetch_mnist(root, subset="train", return_X_y=True)
    params = {"hidden_layer_sizes": (100,), "max_iter": 10, "random_state": 0}
    if quick:
        X, y, params["max_iter"] = X[:1500], y[:1500], 2
    return task, X, y, MNIST_GRID, params, task._folds(3)


OURS = "sknumpynn search"


def contenders(task, grid, params, cv, dtypes=("float64",), quick=False):
    """``{name: () -> fitted search}``; our MLP's contenders once per dtype."""
    theirs, ours = ESTIMATORS[task.kind]

    def search(module, Estimator, n_jobs, **extra):
        model = task.build(Estimator(**params, **extra))
        return lambda X, y: module.GridSearchCV(model, grid, cv=cv, n_jobs=n_jobs).fit(
            X, y
        )

    runs = {
        "scikit-learn search, scikit-learn MLP, n_jobs=1": search(sk_search, theirs, 1),
        "scikit-learn search, scikit-learn MLP, n_jobs=2": search(sk_search, theirs, 2),
    }
    for dtype in dtypes:
        tag = "" if dtype == "float64" else f", {dtype}"
        runs[f"scikit-learn search, sknumpynn MLP{tag}"] = search(
            sk_search, ours, 1, dtype=dtype
        )
        runs[f"{OURS}{tag}"] = search(our_search, ours, 1, dtype=dtype)
        if not quick:  # the same code as n_jobs=1 and as scikit-learn's n_jobs=2
            runs[f"{OURS}, n_jobs=2{tag}"] = search(our_search, ours, 2, dtype=dtype)
    return runs


class StageTimer:
    """Times the pre-fit's two stages while installed: ``_plan`` (prefix
    captures and hashing) and the ``fit_together`` call, in wall time
    (``seconds``) and this process's CPU time (``cpu``, which a loaded
    machine disturbs much less)."""

    STAGES = ("_plan", "fit_together", "_run_search")
    #: Where each stage lives: the search loop is ``_run_search`` of our mixin.
    OWNERS = {"_run_search": _StackedSearchMixin}

    def __init__(self):
        self.seconds = dict.fromkeys(self.STAGES, 0.0)
        self.cpu = dict.fromkeys(self.STAGES, 0.0)
        self._originals = {n: getattr(self._owner(n), n) for n in self.STAGES}

    def _owner(self, name):
        return self.OWNERS.get(name, _stacking)

    def _timed(self, name):
        original = self._originals[name]

        @functools.wraps(original)  # keeps the signature scikit-learn inspects
        def timed(*args, **kwargs):
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.cpu[name] += time.process_time() - cpu

        return timed

    def __enter__(self):
        for name in self.STAGES:
            setattr(self._owner(name), name, self._timed(name))
        return self

    def __exit__(self, *exc):
        for name, original in self._originals.items():
            setattr(self._owner(name), name, original)


STAGES = ("prefix captures + hashing", "fit_together", "scikit-learn loop", "refit")
SHARES = ("loop share", "loop share (CPU)")


def _stages(timer, total, cpu_total, search):
    """Our search's time by stage, and the loop's share of the whole (wall,
    and main-process CPU: meaningful at ``n_jobs=1``, where no worker's time
    is missing). The loop is ``_run_search`` less the pre-fit inside it."""

    def loop(clock):
        return clock["_run_search"] - clock["_plan"] - clock["fit_together"]

    plan, together = timer.seconds["_plan"], timer.seconds["fit_together"]
    shares = (loop(timer.seconds) / total, loop(timer.cpu) / cpu_total)
    return (plan, together, loop(timer.seconds), search.refit_time_, *shares)


def run_grid(setup, repeats, memory, quick=False, dtypes=("float64",)):
    task, X, y, grid, params, cv = setup
    runs = contenders(task, grid, params, cv, dtypes, quick=quick)
    rows = np.random.RandomState(0).permutation(len(y))[:120]
    for run in () if quick else runs.values():  # untimed: imports, workers
        run(X[rows], y[rows])
    seconds = {name: [] for name in runs}
    breakdown = {name: [] for name in runs if name.startswith(OURS)}
    for _ in range(repeats):
        for name, run in runs.items():
            with StageTimer() as timer:
                start, cpu = time.perf_counter(), time.process_time()
                search = run(X, y)
                seconds[name].append(time.perf_counter() - start)
                cpu = time.process_time() - cpu
            if name in breakdown:
                breakdown[name].append(_stages(timer, seconds[name][-1], cpu, search))
    result = {
        "n_rows": int(len(y)),
        "n_fits": int(search.n_splits_ * len(search.cv_results_["params"])),
        "seconds": seconds,
        "median": {name: statistics.median(s) for name, s in seconds.items()},
        "ours_breakdown": {
            name: dict(zip((*STAGES, *SHARES), np.median(values, axis=0).tolist()))
            for name, values in breakdown.items()
        },
        "best_score": float(search.best_score_),
    }
    if memory:
        result["peak_mib"] = {name: peak_mib(run, X, y) for name, run in runs.items()}
    return result


def peak_mib(run, X, y):
    tracemalloc.start()
    try:
        run(X, y)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def report(name, result):
    ours = result["median"][OURS]
    print(f"\n{name}: {result['n_fits']} fits on {result['n_rows']} rows")
    for contender, median in result["median"].items():
        peak = result.get("peak_mib", {}).get(contender)
        memory = "" if peak is None else f"  peak {peak:8.1f} MiB"
        print(f"  {contender:52s} {median:8.2f} s  {median / ours:5.2f}x ours{memory}")
    for contender, stages in result["ours_breakdown"].items():
        shares = [100 * stages[k] for k in SHARES]
        parts = ", ".join(f"{k} {stages[k]:.2f} s" for k in STAGES)
        print(
            f"  {contender}: {parts}; loop {shares[0]:.1f} % of the search "
            f"({shares[1]:.1f} % of its CPU time)"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="seconds, not minutes")
    parser.add_argument("--memory", action="store_true", help="peak memory, all grids")
    parser.add_argument(
        "--grids",
        nargs="+",
        default=["heart16", "breast_cancer", "heart", "boston", "mnist"],
    )
    parser.add_argument(
        "--dtype",
        nargs="+",
        default=["float64"],
        choices=["float64", "float32"],
        help="our estimator's dtype= (one set of our contenders per dtype)",
    )
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else args.repeats
    warnings.simplefilter("ignore", ConvergenceWarning)
    results = {"environment": environment(), "quick": args.quick, "repeats": repeats}
    results["dtypes"] = args.dtype
    print(json.dumps(results["environment"]))
    grids = {"mnist": mnist_grid, "heart16": small_net_grid}
    grids["breast_cancer"] = breast_cancer_grid
    for name in args.grids:
        if name in grids:
            setup = grids[name](args.quick)
        else:
            setup = tabular_grid(name, args.quick)
        if setup is None:
            print(f"\n{name}: skipped (set SKNUMPYNN_DATA to the datasets folder)")
            continue
        memory = args.memory or name == "mnist"
        results[name] = run_grid(
            setup, repeats, memory, quick=args.quick, dtypes=args.dtype
        )
        report(name, results[name])
    if args.quick:  # a smoke run: nothing recorded
        return
    path = Path(__file__).with_name("results_search.json")
    path.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
