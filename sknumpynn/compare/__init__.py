"""The main job: sknumpynn's MLPs against scikit-learn's, dataset by dataset.

``python -m sknumpynn.compare`` (or ``sknumpynn-compare``) evaluates the same
pipeline around :class:`~sknumpynn.NumpyMLPClassifier` /
:class:`~sknumpynn.NumpyMLPRegressor` and around scikit-learn's MLPs, with the
same hyperparameters, seeds and splits: ``cross_val_score`` on heart and
Boston (plus a small ``GridSearchCV``), a fixed hold-out on diamonds and the
canonical test set on MNIST. Our cross-validation and grid searches run
through :mod:`sknumpynn.model_selection` (every fold and candidate trained as
stacked networks), scikit-learn's through its own, and both wall times are
reported. Beside the two drop-ins, on the same folds and seeds, it scores the
estimators that go beyond scikit-learn's MLP (:mod:`sknumpynn.compare.models`):
a deep ensemble of eight of our MLPs and ``TabularMLP`` at its defaults
(``--models`` picks which). It writes ``results.md``, ``results.json`` and
``results.png`` to ``--out``.
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn import model_selection as sklearn_selection
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning

from sknumpynn import model_selection as sknumpynn_selection
from sknumpynn.compare.models import MODELS, build, mlp
from sknumpynn.compare.report import environment, plot, to_markdown, wall_seconds
from sknumpynn.compare.stats import paired_difference
from sknumpynn.compare.tasks import QUICK_GRID, TASKS

__all__ = ["main", "run"]

#: Whose cross_validate and GridSearchCV each library's models run through.
SEARCH = {"sknumpynn": sknumpynn_selection, "scikit-learn": sklearn_selection}

#: The models beyond the two drop-ins, which ``--models`` chooses from.
EXTRA_MODELS = MODELS[2:]


class Progress:
    """One line per step on stderr, with the elapsed time."""

    def __init__(self, n_steps, stream=None):
        self.n_steps, self.done = n_steps, 0
        self.stream = sys.stderr if stream is None else stream
        self.start = time.perf_counter()

    def step(self, message):
        self.done += 1
        elapsed = time.perf_counter() - self.start
        print(
            f"[{self.done}/{self.n_steps} {elapsed:6.1f}s] {message}", file=self.stream
        )
        self.stream.flush()


#: Seeds of the hold-out evaluations (diamonds, MNIST): one split, several
#: initialisations, so their scores get an error bar too.
HOLDOUT_SEEDS = (0, 1, 2)


def _evaluate(task, model, data, quick, library="scikit-learn"):
    """Score and fit time of one pipeline under the task's evaluation scheme.

    Cross-validation for ``(X, y)`` data; for a fixed ``(X_train, y_train,
    X_test, y_test)`` split, one fit per seed in :data:`HOLDOUT_SEEDS`
    (the first only if quick), changing nothing but ``random_state``.
    Every score is kept (``scores``), in fold or seed order, for the paired
    comparison of models evaluated on the same folds. ``library`` names whose
    ``cross_validate`` runs (ours stacks the folds), and ``cv_seconds`` is its
    wall time.
    """
    cv_seconds = None
    if len(data) == 2:
        X, y = data
        start = time.perf_counter()
        result = SEARCH[library].cross_validate(
            model, X, y, cv=task.splits(quick), return_estimator=True
        )
        cv_seconds = time.perf_counter() - start
        scores, fit_times = result["test_score"], result["fit_time"]
        first_fit = result["estimator"][0]
    else:
        X_train, y_train, X_test, y_test = data
        scores, fit_times, first_fit = [], [], None
        for seed in HOLDOUT_SEEDS[:1] if quick else HOLDOUT_SEEDS:
            model = clone(model).set_params(**_random_state_params(model, seed))
            start = time.perf_counter()
            model.fit(X_train, y_train)
            fit_times.append(time.perf_counter() - start)
            scores.append(model.score(X_test, y_test))
            if first_fit is None:
                first_fit = model
        scores, fit_times = np.array(scores), np.array(fit_times)
    curve = getattr(_final_estimator(first_fit), "loss_curve_", None)
    return {
        "mean": float(scores.mean()),
        "std": float(scores.std()),
        "n_scores": int(scores.size),
        "scores": [float(v) for v in scores],
        "fit_seconds": float(fit_times.mean()),
        "cv_seconds": cv_seconds,
        "loss_curve": None if curve is None else [float(v) for v in curve],
    }


def _final_estimator(model):
    """The estimator at the end of a (target-transformed) pipeline."""
    if isinstance(model, TransformedTargetRegressor):
        model = model.regressor_
    return model.steps[-1][1] if hasattr(model, "steps") else model


def _random_state_params(model, seed):
    """``random_state`` of every step of a (nested) pipeline, set to ``seed``."""
    return {
        name: seed
        for name in model.get_params()
        if name == "random_state" or name.endswith("__random_state")
    }


def _paired(task, entry, data, quick):
    """Ours minus scikit-learn's and minus the baseline, fold by fold.

    Only for cross-validated tasks: their folds are shared, so the paired
    differences and Nadeau and Bengio's corrected standard error apply.
    """
    X, y = data
    ratio = float(
        np.mean([len(te) / len(tr) for tr, te in task.splits(quick).split(X, y)])
    )
    ours = entry["sknumpynn"]["scores"]
    others = {"scikit-learn": entry["scikit-learn"]}
    if "baseline" in entry:
        others[entry["baseline"]["name"]] = entry["baseline"]
    others.update({m: entry[m] for m in EXTRA_MODELS if m in entry})
    return {
        other: paired_difference(ours, result["scores"], ratio)
        for other, result in others.items()
    }


def _grid_search(task, estimator, data, quick, library):
    X, y = data
    model = task.build(estimator)
    # A TransformedTargetRegressor holds the pipeline as its ``regressor``.
    prefix = "regressor__" if isinstance(model, TransformedTargetRegressor) else ""
    grid = QUICK_GRID if quick else task.grid
    search = SEARCH[library].GridSearchCV(
        model, {prefix + k: v for k, v in grid.items()}, cv=task.grid_splits(quick)
    )
    start = time.perf_counter()
    search.fit(X, y)
    best = {
        k.removeprefix(prefix).removeprefix("mlp__"): list(v)
        if isinstance(v, tuple)
        else v
        for k, v in search.best_params_.items()
    }
    return {
        "best_score": float(search.best_score_),
        "best_params": best,
        "seconds": time.perf_counter() - start,
    }


def run(datasets, quick=False, data_home=None, progress=None, models=EXTRA_MODELS):
    """Run the comparison and return its results as a dict.

    Parameters
    ----------
    datasets : list of str
        Names among ``'heart'``, ``'boston'``, ``'diamonds'``, ``'mnist'``.
    quick : bool, default=False
        Small subsets and few epochs (a smoke test, not a measurement).
    data_home : str or path-like, default=None
        Folder holding ``mnist/`` (else ``$SKNUMPYNN_DATA`` or OpenML).
    progress : object with a ``step(message)`` method, default=None
        Told about each finished step.
    models : sequence of str, default=('DeepEnsemble', 'TabularMLP')
        The models scored beside the two drop-ins
        (:mod:`sknumpynn.compare.models`).

    Returns
    -------
    results : dict
        Per dataset: both libraries' scores (mean, std, every score, fit
        seconds, loss curve), those of the other ``models`` with their cost
        relative to ours (``'cost'``, see
        :func:`~sknumpynn.compare.report.wall_seconds`), the baseline, for
        cross-validated datasets the paired differences of ours against the
        others on the same folds (``'paired'``), the grid searches and the speed-up; or
        ``{'skipped': reason}`` when the data could not be loaded.

    Examples
    --------
    >>> from sknumpynn.compare import run
    >>> results = run(["boston"], quick=True, models=["DeepEnsemble"])
    >>> sorted(results["boston"])  # doctest: +NORMALIZE_WHITESPACE
    ['DeepEnsemble', 'cost', 'evaluation', 'grid', 'metric', 'paired', 'params',
     'scikit-learn', 'search_speedup', 'sknumpynn', 'speedup']
    >>> sorted(results["boston"]["paired"])
    ['DeepEnsemble', 'scikit-learn']
    >>> sorted(results["boston"]["paired"]["scikit-learn"])
    ['losses', 'mean', 'p_value', 'se', 't', 'ties', 'wins']
    >>> results["boston"]["metric"]
    'R²'
    """
    unknown = sorted(set(models) - set(EXTRA_MODELS))
    if unknown:
        raise ValueError(f"models must be among {EXTRA_MODELS}, got {unknown}")
    results = {}
    for name in datasets:
        task = TASKS[name]
        try:
            data = task.load(quick, data_home)
        except (OSError, ValueError) as exc:
            results[name] = {"skipped": f"{type(exc).__name__}: {exc}"}
            if progress:
                progress.step(f"{name}: skipped ({exc})")
            continue
        results[name] = _compare_task(task, data, quick, progress, models)
    return results


def _compare_task(task, data, quick, progress, models=EXTRA_MODELS):
    """Every measurement of one dataset: the models, baseline, grids."""
    entry = {"metric": task.metric, "evaluation": task.evaluation}
    entry["params"] = task.params
    for model in ("sknumpynn", "scikit-learn", *models):
        library = "scikit-learn" if model == "scikit-learn" else "sknumpynn"
        pipeline = build(task, model, quick)
        entry[model] = score = _evaluate(task, pipeline, data, quick, library)
        _tell(
            progress,
            f"{task.name}: {model:<12} {task.metric} {score['mean']:.4f} "
            f"± {score['std']:.4f}, fit {score['fit_seconds']:.2f}s",
        )
    if task.baseline is not None:
        entry["baseline"] = _evaluate(task, task.baseline(), data, quick)
        entry["baseline"]["name"] = type(task.baseline()[-1]).__name__
        _tell(progress, f"{task.name}: baseline {entry['baseline']['mean']:.4f}")
    if len(data) == 2:
        entry["paired"] = _paired(task, entry, data, quick)
    if task.grid is not None:
        entry["grid"] = _grid_searches(task, data, quick, progress)
    entry["speedup"] = (
        entry["scikit-learn"]["fit_seconds"] / entry["sknumpynn"]["fit_seconds"]
    )
    if models:
        ours = wall_seconds(entry["sknumpynn"])
        entry["cost"] = {m: wall_seconds(entry[m]) / ours for m in models}
    if entry["sknumpynn"]["cv_seconds"]:
        entry["search_speedup"] = {
            "cross_validate": entry["scikit-learn"]["cv_seconds"]
            / entry["sknumpynn"]["cv_seconds"]
        }
        if "grid" in entry:
            grid = entry["grid"]
            entry["search_speedup"]["GridSearchCV"] = (
                grid["scikit-learn"]["seconds"] / grid["sknumpynn"]["seconds"]
            )
    return entry


def _grid_searches(task, data, quick, progress):
    """The task's grid search around each library's MLP."""
    grids = {}
    for library in ("sknumpynn", "scikit-learn"):
        estimator = mlp(task, library, quick)
        grids[library] = best = _grid_search(
            task, clone(estimator), data, quick, library
        )
        _tell(
            progress,
            f"{task.name}: {library:<12} grid best {best['best_score']:.4f} "
            f"{best['best_params']} in {best['seconds']:.1f}s",
        )
    return grids


def _tell(progress, message):
    if progress:
        progress.step(message)


def main(argv=None):
    """Command-line entry point of ``sknumpynn-compare``.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments (``sys.argv[1:]`` when None): ``--datasets``,
        ``--models``, ``--quick``, ``--out``, ``--data-home``.

    Returns
    -------
    int
        The exit status, 0 on success.

    Examples
    --------
    >>> import contextlib, io, os, tempfile
    >>> from sknumpynn.compare import main
    >>> out = tempfile.mkdtemp()
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     status = main(["--datasets", "boston", "--quick", "--out", out])
    >>> status, sorted(os.listdir(out))
    (0, ['results.json', 'results.md', 'results.png'])
    """
    parser = argparse.ArgumentParser(
        prog="sknumpynn-compare", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        choices=sorted(TASKS),
        default=list(TASKS),
        help="datasets to run (default: all; MNIST is skipped if not available)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small subsets, few epochs"
    )
    parser.add_argument(
        "--models",
        nargs="*",
        choices=EXTRA_MODELS,
        default=list(EXTRA_MODELS),
        help="models scored beside the two drop-ins (default: all; none: --models)",
    )
    parser.add_argument("--out", default="compare-results", help="output folder")
    parser.add_argument("--data-home", default=None, help="folder holding mnist/")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    n_steps = sum(
        2
        + len(args.models)
        + (TASKS[n].baseline is not None)
        + 2 * (TASKS[n].grid is not None)
        for n in args.datasets
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        results = run(
            args.datasets, args.quick, args.data_home, Progress(n_steps), args.models
        )
    env = environment()
    markdown = to_markdown(results, env, args.quick)
    (out / "results.md").write_text(markdown, encoding="utf-8")
    (out / "results.json").write_text(
        json.dumps(
            {"environment": env, "quick": args.quick, "results": results}, indent=2
        )
    )
    try:
        plot(results, out / "results.png")
    except ImportError:
        print("matplotlib is not installed: no figure (pip install 'sknumpynn[plot]')")
    print(markdown)
    print(f"Written to {out.resolve()}")
    return 0
