"""Quality at defaults: TabularMLP against four references, same folds for all.

Run ``python benchmarks/bench_quality.py`` (needs ``$SKNUMPYNN_DATA`` for
heart, Boston, diamonds, MNIST and Fashion-MNIST; scikit-learn's bundled
breast_cancer, wine, digits and diabetes need nothing). ``--quick`` is a
smoke run of seconds on two small subsamples that writes nothing.

Models, each at its defaults:

- ``TabularMLP``: :class:`sknumpynn.TabularMLPClassifier` /
  :class:`~sknumpynn.TabularMLPRegressor` on the raw table (categoricals as
  pandas categories);
- ``sklearn MLP``: scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` after
  ``StandardScaler`` (one-hot for categoricals; the regressors get a
  standardised target, as in ``sknumpynn.compare``);
- ``NumpyMLP``: our drop-in, in the same pipeline;
- ``HGB``: ``HistGradientBoosting*`` (``categorical_features='from_dtype'``);
- ``linear``: ``LogisticRegression(max_iter=1000)`` / ``RidgeCV`` in the same
  pipeline.

Error is 1 - accuracy or 1 - R^2 on each held-out fold. Per dataset, the
table reports the mean error over folds, the TabularMLP / reference error
ratio with the paired standard error of the per-fold difference, and the
median fit time; over datasets, the geometric means of the ratios.

``--tabular-ensembles 4 8`` adds the models ``TabularMLP x4`` and
``TabularMLP x8``: TabularMLP with ``n_ensemble=K``, everything else at its
defaults, on the same folds. A second table reports their error, the ratios
to TabularMLP (K=1) and to scikit-learn's MLP with the paired SE, and the
median CPU time of a fit (``time.process_time``: every thread of the
process) with its ratio to TabularMLP's.
"""

import argparse
import gzip
import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets as skdata
from sklearn.base import clone
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sknumpynn import (
    NumpyMLPClassifier,
    NumpyMLPRegressor,
    TabularMLPClassifier,
    TabularMLPRegressor,
)
from sknumpynn.compare.tasks import HEART_CATEGORICAL
from sknumpynn.datasets import fetch_mnist, load_boston, load_diamonds, load_heart

HERE = Path(__file__).parent
from _quality import ENSEMBLE, plot, print_reports  # noqa: E402 (the tables)


def _frame(X, names, categorical=()):
    frame = pd.DataFrame(X, columns=names)
    for name in categorical:
        frame[name] = frame[name].astype("category")
    for name in frame.columns:
        if name not in categorical:
            frame[name] = frame[name].astype(float)
    return frame


def _fashion_mnist():
    root = Path(os.environ["SKNUMPYNN_DATA"]) / "fashion-mnist"

    def read(name, offset):
        with gzip.open(root / name) as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)

    X = read("train-images-idx3-ubyte.gz", 16).reshape(-1, 784)
    return X, read("train-labels-idx1-ubyte.gz", 8)


def load(name):
    """``(frame, y, categorical column names)`` of one dataset."""
    if name in ("breast_cancer", "wine", "digits", "diabetes"):
        X, y = getattr(skdata, f"load_{name}")(return_X_y=True)
        return _frame(X, [f"x{j}" for j in range(X.shape[1])]), y, []
    if name == "heart":
        X, y = load_heart(return_X_y=True)
        names = [f"x{j}" for j in range(X.shape[1])]
        categorical = [names[j] for j in HEART_CATEGORICAL]
        return _frame(X, names, categorical), y, categorical
    if name == "boston":
        X, y = load_boston(return_X_y=True)
        return _frame(X, [f"x{j}" for j in range(X.shape[1])]), y, []
    if name == "diamonds":
        bunch = load_diamonds()
        categorical = ["cut", "color", "clarity"]
        return (
            _frame(bunch.data, list(bunch.feature_names), categorical),
            bunch.target,
            categorical,
        )
    X, y = (
        fetch_mnist(subset="train", return_X_y=True)
        if name == "mnist"
        else _fashion_mnist()
    )
    return (
        _frame(X / 255.0, [f"p{j}" for j in range(784)]),
        np.asarray(y).astype(int),
        [],
    )


CLASSIFICATION = {"breast_cancer", "wine", "digits", "heart", "mnist", "fashion_mnist"}


def models(classification, categorical, columns):
    """The five models, unfitted, for one dataset."""
    numeric = [c for c in columns if c not in categorical]
    encode = ColumnTransformer(
        [("numeric", StandardScaler(), numeric)]
        + (
            [("categorical", OneHotEncoder(handle_unknown="ignore"), categorical)]
            if categorical
            else []
        )
    )

    def piped(estimator):
        pipe = make_pipeline(clone(encode), estimator)
        return (
            pipe
            if classification
            else TransformedTargetRegressor(pipe, transformer=StandardScaler())
        )

    if classification:
        return {
            "TabularMLP": TabularMLPClassifier(random_state=0),
            "sklearn MLP": piped(MLPClassifier(random_state=0)),
            "NumpyMLP": piped(NumpyMLPClassifier(random_state=0)),
            "HGB": HistGradientBoostingClassifier(
                categorical_features="from_dtype", random_state=0
            ),
            "linear": make_pipeline(clone(encode), LogisticRegression(max_iter=1000)),
        }
    return {
        "TabularMLP": TabularMLPRegressor(random_state=0),
        "sklearn MLP": piped(MLPRegressor(random_state=0)),
        "NumpyMLP": piped(NumpyMLPRegressor(random_state=0)),
        "HGB": HistGradientBoostingRegressor(
            categorical_features="from_dtype", random_state=0
        ),
        "linear": make_pipeline(clone(encode), RidgeCV()),
    }


def _fit_timed(estimator, X, y):
    """Fit ``estimator``, warnings silenced: ``(wall, CPU)`` seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(X, y)
    return time.perf_counter() - wall, time.process_time() - cpu


def run_dataset(name, n_folds, max_rows, quick_params=None, ensembles=()):
    """Every model on the same folds: per model the fold errors and fit times
    (wall and CPU); ``ensembles`` adds TabularMLP with ``n_ensemble=K``."""
    X, y, categorical = load(name)
    classification = name in CLASSIFICATION
    if max_rows and len(y) > max_rows:  # a fixed random subsample, the same for all
        rows = np.random.RandomState(0).permutation(len(y))[:max_rows]
        X, y = X.iloc[rows].reset_index(drop=True), y[rows]
    splitter = (StratifiedKFold if classification else KFold)(
        n_folds, shuffle=True, random_state=0
    )
    candidates = models(classification, categorical, list(X.columns))
    for model, params in (quick_params or {}).items():
        candidates[model].set_params(**params)
    for k in ensembles:  # after the quick settings, which they share
        tabular = clone(candidates["TabularMLP"])
        candidates[f"{ENSEMBLE}{k}"] = tabular.set_params(n_ensemble=k)
    score = accuracy_score if classification else r2_score
    out = {
        m: {"error": [], "fit_seconds": [], "fit_cpu_seconds": []} for m in candidates
    }
    for train, test in splitter.split(X, y):
        for model, estimator in candidates.items():
            estimator = clone(estimator)
            wall, cpu = _fit_timed(estimator, X.iloc[train], y[train])
            pred = estimator.predict(X.iloc[test])
            out[model]["error"].append(1.0 - score(y[test], pred))
            out[model]["fit_seconds"].append(wall)
            out[model]["fit_cpu_seconds"].append(cpu)
    return {"n_rows": int(len(y)), "n_folds": n_folds, "models": out}


QUICK = {
    "TabularMLP": {"hidden_layer_sizes": (16,), "max_iter": 3},
    "sklearn MLP": {},
    "NumpyMLP": {},
    "HGB": {"max_iter": 5},
}


def _quick_params(classification):
    prefix = "pipeline__" if not classification else ""
    mlp = {
        f"{prefix}mlpclassifier__max_iter"
        if classification
        else "regressor__mlpregressor__max_iter": 3
    }
    ours = {
        f"{prefix}numpymlpclassifier__max_iter"
        if classification
        else "regressor__numpymlpregressor__max_iter": 3
    }
    return {**QUICK, "sklearn MLP": mlp, "NumpyMLP": ours}


def diamonds_cost():
    """One default TabularMLPRegressor fit on diamonds' 43,152 training rows."""
    X, y, _ = load("diamonds")
    rows = np.random.RandomState(0).permutation(len(y))
    test, train = rows[: len(y) // 5], rows[len(y) // 5 :]
    wall, cpu = time.perf_counter(), time.process_time()
    reg = TabularMLPRegressor(random_state=0).fit(X.iloc[train], y[train])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    r2 = reg.score(X.iloc[test], y[test])
    print(
        f"diamonds, {len(train)} training rows, {reg.n_iter_} epochs: {wall:.0f} s "
        f"wall, {cpu:.0f} s CPU, R² {r2:.4f}, load {os.getloadavg()[0]:.1f}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke run, writes nothing"
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=["breast_cancer", "wine", "digits", "diabetes", "heart", "boston"],
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--max-rows",
        type=int,
        default=None,
        help="subsample bigger datasets to this many rows",
    )
    parser.add_argument(
        "--out",
        default=str(HERE / "results_quality.json"),
        help="JSON, merged by dataset",
    )
    parser.add_argument("--report", nargs="+", help="only merge these JSON files")
    parser.add_argument(
        "--tabular-ensembles",
        nargs="+",
        type=int,
        default=[],
        metavar="K",
        help="also fit TabularMLP with n_ensemble=K (columns 'TabularMLP xK')",
    )
    parser.add_argument("--cost", action="store_true", help="time the diamonds fit")
    args = parser.parse_args(argv)
    if args.cost:
        diamonds_cost()
        return
    if args.report:
        results = {}
        for name in args.report:
            results.update(json.loads(Path(name).read_text()))
        print_reports(results)
        plot(results, Path(args.out).with_suffix(".png"))
        return
    if args.quick:
        results = {}
        for name in ("breast_cancer", "diabetes"):
            quick = _quick_params(name in CLASSIFICATION)
            ensembles = args.tabular_ensembles or (2,)
            results[name] = run_dataset(name, 2, 120, quick, ensembles)
        print_reports(results)
        return
    path = Path(args.out)
    results = json.loads(path.read_text()) if path.exists() else {}
    for name in args.datasets:
        start = time.perf_counter()
        results[name] = run_dataset(
            name, args.folds, args.max_rows, ensembles=args.tabular_ensembles
        )
        results[name]["load_average"] = os.getloadavg()
        results[name]["max_rows"] = args.max_rows
        print(
            f"{name}: {time.perf_counter() - start:.0f} s, "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        path.write_text(json.dumps(results, indent=1))
    print_reports(results)
    plot(results, path.with_suffix(".png"))


if __name__ == "__main__":
    main()
