"""Deep ensembles (issue 23): what an 8-member ensemble costs and what it gains.

Run ``python benchmarks/bench_ensemble.py`` (``--quick`` for a smoke run of a
few seconds that writes nothing; CI runs it). Two parts:

- **cost** (``--part cost``): on the training arrays of a dataset (its
  pipeline's preprocessing already applied), the wall time of one member
  fit, of :class:`~sknumpynn.ensemble.DeepEnsembleClassifier` /
  ``Regressor`` with 8 members (each member's own batch order, and
  ``share_batches=True``), and of scikit-learn's ``Bagging*`` and
  ``Voting*`` over 8 of our estimators (``n_jobs=1``). Each repeat runs every
  contender once, interleaved; the table gives medians. Peak memory comes
  from one extra, untimed run per contender under :mod:`tracemalloc`
  (NumPy reports its buffers to it).
- **quality** (``--part quality``): the compare's member
  (``sknumpynn.compare.tasks``: same pipelines, hyperparameters, seeds and
  splits; repeated 10-fold CV, 3 repeats, on heart and Boston, and the same
  CV on scikit-learn's breast_cancer, wine, digits (StandardScaler) and
  diabetes (StandardScaler, standardised target); the fixed hold-out and 3
  seeds on diamonds and MNIST) against the 8-ensemble of it, with accuracy or
  R², log-loss and Brier score, and Nadeau and Bengio's corrected paired
  test on the CV datasets; the ensemble with each member's own batch order
  and with ``share_batches=True``. ``--cv-repeats`` lowers the repeats (say so when
  you report such numbers).

The member is the compare's, without early stopping, so the ensemble's
early stopping is off ('auto') and each member is its own fit; with
``--member-early-stopping`` the member (and the single model) gets
``early_stopping=True``, so the ensemble holds out one split and stops all
members together on the score of their mean. Results go to
``benchmarks/results_ensemble.json`` (merged per dataset and part).
"""

import argparse
import json
import os
import statistics
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.ensemble import (
    BaggingClassifier,
    BaggingRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.compare import HOLDOUT_SEEDS, _random_state_params
from sknumpynn.compare.stats import paired_difference
from sknumpynn.compare.tasks import TASKS, Task, standardized_target
from sknumpynn.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor

K = 8
OUT = Path(__file__).with_name("results_ensemble.json")
ENSEMBLE = {"classifier": DeepEnsembleClassifier, "regressor": DeepEnsembleRegressor}
MEMBER = {"classifier": NumpyMLPClassifier, "regressor": NumpyMLPRegressor}


def _scaled(estimator):
    return Pipeline([("scale", StandardScaler()), ("mlp", estimator)])


def _scaled_target(estimator):
    return standardized_target(_scaled(estimator))


def _bundled(loader):
    return lambda quick, data_home=None: loader(return_X_y=True)


CV = "repeated {}10-fold CV (3 repeats)"
BUNDLED = {
    name: Task(name, kind, metric, {}, build, _bundled(loader), CV.format(strat))
    for name, kind, metric, build, loader, strat in (
        ("breast_cancer", "classifier", "accuracy", _scaled, load_breast_cancer,
         "stratified "),
        ("wine", "classifier", "accuracy", _scaled, load_wine, "stratified "),
        ("digits", "classifier", "accuracy", _scaled, load_digits, "stratified "),
        ("diabetes", "regressor", "R²", _scaled_target, load_diabetes, ""),
    )
}  # fmt: skip
ALL_TASKS = {**TASKS, **BUNDLED}
SMALL = ("heart", "boston", "breast_cancer", "wine", "digits", "diabetes")


#: ``--member-early-stopping``: the members (and the single model) hold out
#: 10 % and stop early; the ensemble then stops all members on its own score.
MEMBER_EARLY_STOPPING = {}


def member(task, quick):
    """The compare's estimator for ``task`` (random_state=0)."""
    params = {"random_state": 0, **task.params, **MEMBER_EARLY_STOPPING}
    if quick:
        params.update({"max_iter": 5, "hidden_layer_sizes": (8,)})
    return MEMBER[task.kind](**params)


def ensemble(task, quick, **options):
    return ENSEMBLE[task.kind](member(task, quick), n_estimators=2 if quick else K,
                               random_state=0, **options)  # fmt: skip


# -- cost ----------------------------------------------------------------------
def training_arrays(task, quick):
    """The task's training data with its pipeline's preprocessing applied."""
    data = task.load(quick, os.environ.get("SKNUMPYNN_DATA"))
    X, y = data[:2]
    model = task.build(member(task, quick))
    if hasattr(model, "regressor"):  # standardised target
        model, y = model.regressor, (y - np.mean(y)) / np.std(y)
    X = Pipeline(model.steps[:-1]).fit_transform(X, y)
    return (X.toarray() if hasattr(X, "toarray") else X), y


def contenders(task, quick):
    """Name -> unfitted model, for the cost table."""
    one = member(task, quick)
    k = 2 if quick else K
    seeds = [clone(one).set_params(random_state=s) for s in range(k)]
    if task.kind == "classifier":
        bagging = BaggingClassifier(one, n_estimators=k, random_state=0)
        voting = VotingClassifier(
            [(f"m{s}", m) for s, m in enumerate(seeds)], voting="soft"
        )
    else:
        bagging = BaggingRegressor(one, n_estimators=k, random_state=0)
        voting = VotingRegressor([(f"m{s}", m) for s, m in enumerate(seeds)])
    return {
        "one member": one,
        f"DeepEnsemble x{k}": ensemble(task, quick),
        f"DeepEnsemble x{k}, shared batches": ensemble(task, quick, share_batches=True),
        f"Bagging x{k}": bagging,
        f"Voting x{k}": voting,
    }  # fmt: skip


def cost(task, quick, repeats):
    X, y = training_arrays(task, quick)
    models = contenders(task, quick)
    times = {name: [] for name in models}
    for _ in range(repeats):  # interleaved
        for name, model in models.items():
            start = time.perf_counter()
            clone(model).fit(X, y)
            times[name].append(time.perf_counter() - start)
    result = {"shape": list(X.shape), "load": os.getloadavg()[0], "contenders": {}}
    base = statistics.median(times["one member"])
    for name, model in models.items():
        tracemalloc.start()
        clone(model).fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        median = statistics.median(times[name])
        result["contenders"][name] = {
            "seconds": median, "x_one_member": median / base,
            "peak_mib": peak / 2**20, "runs": times[name],
        }  # fmt: skip
    return result


# -- quality -------------------------------------------------------------------
def brier(estimator, X, y):
    """Minus the multiclass Brier score, sum_k (p_k - [y = k])^2 averaged."""
    proba = estimator.predict_proba(X)
    onehot = (np.asarray(y)[:, None] == estimator.classes_[None, :]).astype(float)
    return -float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))


def scoring(task):
    if task.kind == "classifier":
        return {"score": "accuracy", "log_loss": "neg_log_loss", "brier": brier}
    return {"score": "r2"}


def evaluate(task, model, data, quick, repeats):
    """Per-fold (or per-seed) scores of ``model`` under the task's scheme."""
    metrics = scoring(task)
    if len(data) == 2:
        X, y = data
        cv = task.splits(quick)
        if not quick and repeats != 3:
            cv = task._folds(10, n_repeats=repeats) if repeats > 1 else task._folds(10)
        out = cross_validate(model, X, y, cv=cv, scoring=metrics)
        scores = {m: out[f"test_{m}"].tolist() for m in metrics}
        return scores, float(np.sum(out["fit_time"])), cv
    X_train, y_train, X_test, y_test = data
    scores, seconds = {m: [] for m in metrics}, 0.0
    for seed in HOLDOUT_SEEDS[:1] if quick else HOLDOUT_SEEDS:
        fitted = clone(model).set_params(**_random_state_params(model, seed))
        start = time.perf_counter()
        fitted.fit(X_train, y_train)
        seconds += time.perf_counter() - start
        for name, metric in metrics.items():
            scorer = metric if callable(metric) else _scorer(metric)
            scores[name].append(float(scorer(fitted, X_test, y_test)))
    return scores, seconds, None


def _scorer(name):
    from sklearn.metrics import get_scorer

    return get_scorer(name)


def quality(task, quick, repeats):
    """Single member against the 8-ensemble (own and shared batch orders)."""
    data = task.load(quick, os.environ.get("SKNUMPYNN_DATA"))
    models = {
        "single": task.build(member(task, quick)),
        "ensemble": task.build(ensemble(task, quick)),
        "ensemble_shared": task.build(ensemble(task, quick, share_batches=True)),
    }
    scores, result = {}, {"evaluation": task.evaluation, "load": os.getloadavg()[0]}
    for name, model in models.items():
        scores[name], result[f"{name}_seconds"], cv = evaluate(
            task, model, data, quick, repeats
        )
    for metric in scores["single"]:
        sign = -1.0 if metric in ("log_loss", "brier") else 1.0
        result[metric] = {
            name: sign * float(np.mean(values[metric]))
            for name, values in scores.items()
        }
    if cv is not None:
        X, y = data
        ratio = float(np.mean([len(te) / len(tr) for tr, te in cv.split(X, y)]))
        single = scores["single"]["score"]
        result["paired"] = {
            name: paired_difference(scores[name]["score"], single, ratio)
            for name in ("ensemble", "ensemble_shared")
        }
        result["n_folds"] = len(scores["single"]["score"])
    return result


#: Where the quality results go: members without early stopping, or with it
#: on the validation score or loss (``--member-early-stopping --monitor``).
QUALITY_KEY = {
    None: "quality",
    "val_score": "quality_early_stopping_val_score",
    "val_loss": "quality_early_stopping_val_loss",
}


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value.item() if hasattr(value, "item") else value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run; no output")
    parser.add_argument("--datasets", nargs="+", default=list(SMALL),
                        choices=sorted(ALL_TASKS))  # fmt: skip
    parser.add_argument("--part", choices=["cost", "quality", "both"], default="both")
    parser.add_argument("--repeats", type=int, default=3, help="cost repeats")
    parser.add_argument("--cv-repeats", type=int, default=3, help="CV repeats")
    parser.add_argument("--out", type=Path, default=OUT, help="results file")
    parser.add_argument(
        "--member-early-stopping",
        action="store_true",
        help="members with early_stopping=True (the ensemble's own stopping)",
    )
    parser.add_argument(
        "--monitor",
        choices=["val_score", "val_loss"],
        default="val_score",
        help="what early stopping follows (with --member-early-stopping)",
    )
    parser.add_argument(
        "--report", action="store_true", help="print the results file as tables"
    )
    args = parser.parse_args(argv)
    out = args.out
    if args.member_early_stopping:
        MEMBER_EARLY_STOPPING.update(early_stopping=True, monitor=args.monitor)
    if args.report:
        print(report(json.loads(out.read_text())))
        return None
    datasets = ["heart"] if args.quick else args.datasets
    results = {} if args.quick or not out.exists() else json.loads(out.read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name in datasets:
            task = ALL_TASKS[name]
            entry = results.setdefault(name, {})
            if args.part in ("cost", "both"):
                entry["cost"] = cost(
                    task, args.quick, 1 if args.quick else args.repeats
                )
                print(name, "cost", json.dumps(_summary(entry["cost"])), flush=True)
            if args.part in ("quality", "both"):
                key = QUALITY_KEY[MEMBER_EARLY_STOPPING.get("monitor")]
                entry[key] = quality(task, args.quick, args.cv_repeats)
                entry[key]["cv_repeats"] = args.cv_repeats
                print(name, key, json.dumps(_jsonable(entry[key])), flush=True)
            if not args.quick:
                out.write_text(json.dumps(_jsonable(results), indent=1))
    return results


def report(results):
    """The results as the markdown tables of benchmarks/README.md."""
    lines = [
        "| dataset | rows x features | load | one member s | ensemble x8 | "
        "shared batches | Bagging x8 | Voting x8 | peak MiB (one / x8 / shared "
        "/ Bagging / Voting) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, entry in results.items():
        if "cost" not in entry:
            continue
        c = entry["cost"]["contenders"]
        row = list(c.values())
        ratios = " | ".join(
            f"{x['seconds']:.2f} s ({x['x_one_member']:.1f}x)" for x in row[1:]
        )
        peaks = " / ".join(f"{x['peak_mib']:.1f}" for x in row)
        shape = "x".join(map(str, entry["cost"]["shape"]))
        lines.append(
            f"| {name} | {shape} | {entry['cost']['load']:.0f} | "
            f"{row[0]['seconds']:.2f} | {ratios} | {peaks} |"
        )
    for key in QUALITY_KEY.values():
        lines += ["", f"{key}:", ""] + _quality_table(results, key)
    return "\n".join(lines)


def _quality_table(results, key):
    lines = [
        "| dataset | evaluation | score: one member | x8 | x8 shared | "
        "x8 - one (corrected SE, p, wins/ties/losses) | log-loss: one / x8 / "
        "shared | Brier: one / x8 / shared |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, entry in results.items():
        q = entry.get(key)
        if q is None:
            continue
        s = q["score"]
        paired = q.get("paired", {}).get("ensemble")
        test = (
            ""
            if paired is None
            else (
                f"{paired['mean']:+.4f} ({paired['se']:.4f}, "
                f"p={paired['p_value']:.2f}, "
                f"{paired['wins']}/{paired['ties']}/{paired['losses']})"
            )
        )
        extra = [
            " / ".join(
                f"{q[m][k]:.4f}" for k in ("single", "ensemble", "ensemble_shared")
            )
            if m in q
            else ""
            for m in ("log_loss", "brier")
        ]
        evaluation = q["evaluation"]
        if q.get("cv_repeats", 3) != 3 and "n_folds" in q:
            evaluation = evaluation.replace("(3 repeats)", f"({q['cv_repeats']}x)")
        folds = f", {q['n_folds']} folds" if "n_folds" in q else ""
        lines.append(
            f"| {name} | {evaluation}{folds} | {s['single']:.4f} | "
            f"{s['ensemble']:.4f} | {s['ensemble_shared']:.4f} | {test} | "
            f"{extra[0]} | {extra[1]} |"
        )
    return lines


def _summary(cost_result):
    return {
        name: [round(c[key], 3) for key in ("seconds", "x_one_member", "peak_mib")]
        for name, c in cost_result["contenders"].items()
    }


if __name__ == "__main__":
    main()
