"""The compare command's report: environment header, Markdown tables, figure."""

import os
import platform

import numpy as np
import sklearn

import sknumpynn
from sknumpynn.compare.models import ENSEMBLE_SIZE, MODELS, QUICK_ENSEMBLE_SIZE


def environment():
    """Machine and library versions, for the report's header."""
    return {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "sknumpynn": sknumpynn.__version__,
    }


def to_markdown(results, env, quick):
    """The results table and the grid-search table as Markdown."""
    lines = [
        "# sknumpynn vs scikit-learn MLP" + (" (quick run)" if quick else ""),
        "",
        ", ".join(f"{k} {v}" for k, v in env.items()),
        "",
        "| dataset | evaluation | metric | sknumpynn | scikit-learn | baseline "
        "| fit s (sknumpynn) | fit s (scikit-learn) | speed-up |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, entry in results.items():
        if "skipped" in entry:
            lines.append(f"| {name} | skipped: {entry['skipped']} | | | | | | | |")
            continue
        ours, theirs = entry["sknumpynn"], entry["scikit-learn"]
        base = entry.get("baseline")
        base_text = (
            f"{base['name']} {base['mean']:.4f} ± {base['std']:.4f}" if base else ""
        )
        lines.append(
            f"| {name} | {entry['evaluation']} | {entry['metric']} "
            f"| {ours['mean']:.4f} ± {ours['std']:.4f} "
            f"| {theirs['mean']:.4f} ± {theirs['std']:.4f} | {base_text} "
            f"| {ours['fit_seconds']:.3f} | {theirs['fit_seconds']:.3f} "
            f"| {entry['speedup']:.2f}x |"
        )
    paired = {n: e["paired"] for n, e in results.items() if "paired" in e}
    if paired:
        lines += _table(
            "Paired differences on the same folds (sknumpynn minus the other; "
            "standard error and p-value from Nadeau and Bengio's corrected "
            "resampled t-test, which accounts for the folds' overlapping "
            "training sets):",
            ["dataset", "sknumpynn minus", "mean difference", "corrected SE"]
            + ["p-value", "folds won / tied / lost"],
            [
                f"| {name} | {other} | {d['mean']:+.4f} | {d['se']:.4f} "
                f"| {d['p_value']:.2f} | {d['wins']} / {d['ties']} / {d['losses']} |"
                for name, differences in paired.items()
                for other, d in differences.items()
            ],
        )
    grids = {n: e["grid"] for n, e in results.items() if "grid" in e}
    if grids:
        lines += _table(
            "GridSearchCV over hidden_layer_sizes x alpha x learning_rate_init:",
            ["dataset", "estimator", "best CV score", "best parameters", "seconds"],
            [
                f"| {name} | {library} | {best['best_score']:.4f} "
                f"| {best['best_params']} | {best['seconds']:.1f} |"
                for name, grid in grids.items()
                for library, best in grid.items()
            ],
        )
    lines += _search_table(results)
    lines += _extra_models_table(results, quick)
    lines += [
        "",
        "Hyperparameters (both estimators; random_state=0, hold-out tasks 0, 1, 2):",
        "",
    ]
    for name, entry in results.items():
        if "params" in entry:
            lines.append(f"- {name}: {entry['params'] or 'scikit-learn defaults'}")
    return "\n".join(lines) + "\n"


def _search_table(results):
    """Whole-search wall times: scikit-learn's search over ours."""
    searches = {
        name: entry["search_speedup"]
        for name, entry in results.items()
        if "search_speedup" in entry
    }
    if not searches:
        return []
    return _table(
        "Wall time of the whole search, scikit-learn's over ours "
        "(ours: sknumpynn.model_selection, every fold and candidate stacked):",
        ["dataset", "cross_validate", "GridSearchCV"],
        [
            f"| {name} | {s['cross_validate']:.2f}x "
            f"| {s.get('GridSearchCV', float('nan')):.2f}x |"
            for name, s in searches.items()
        ],
    )


def wall_seconds(score):
    """What one evaluation cost: the whole ``cross_validate`` (stacked fits
    share their time) or, for a hold-out, the mean fit."""
    return score["cv_seconds"] or score["fit_seconds"]


def _extra_models_table(results, quick):
    """Score and fit time of the models beyond the drop-ins, beside ours."""
    extra = [m for m in MODELS[2:] if any(m in e for e in results.values())]
    if not extra:
        return []
    rows = []
    for name, entry in results.items():
        if "skipped" in entry:
            continue
        cells = [
            f"{entry[m]['mean']:.4f} ± {entry[m]['std']:.4f} "
            f"({wall_seconds(entry[m]):.3g} s"
            + (f", {entry['cost'][m]:.1f}x)" if m != "sknumpynn" else ")")
            if m in entry
            else ""
            for m in ("sknumpynn", *extra)
        ]
        rows.append(f"| {name} | {entry['metric']} | " + " | ".join(cells) + " |")
    size = QUICK_ENSEMBLE_SIZE if quick else ENSEMBLE_SIZE
    return _table(
        "Beyond scikit-learn's MLP, on the same folds and seeds: score (seconds "
        "of the whole cross_validate, or of one fit on a hold-out; and relative "
        f"to ours). DeepEnsemble: {size} of our MLPs with the same "
        "hyperparameters, averaged; TabularMLP: its defaults on the raw table"
        + (" (quick run: 16 units, 3 epochs)" if quick else "")
        + ":",
        ["dataset", "metric", "sknumpynn", *extra],
        rows,
    )


def _table(title, columns, rows):
    """Lines of a Markdown table under a one-line title."""
    header = "| " + " | ".join(columns) + " |"
    return ["", title, "", header, "|" + "---|" * len(columns), *rows]


def plot(results, path):
    """Scores and fit times side by side, one bar per model and dataset; below them,
    each dataset's training-loss curves (first fold or seed) drawn with
    :class:`~sknumpynn.plotting.LossCurveDisplay`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sknumpynn.plotting import LossCurveDisplay

    names = [n for n, e in results.items() if "skipped" not in e]
    x = np.arange(len(names))
    fig = plt.figure(figsize=(11, 8))
    grid = fig.add_gridspec(2, 2 * max(1, len(names)))
    half = max(1, len(names))
    ax_score = fig.add_subplot(grid[0, :half])
    ax_time = fig.add_subplot(grid[0, half:])
    for column, name in enumerate(names):
        ax = fig.add_subplot(grid[1, 2 * column : 2 * column + 2])
        # scikit-learn's curve wide underneath, ours dashed on top: where the
        # two learn identically the dashes run inside the wide line.
        for library, style in (
            ("scikit-learn", {"color": "tab:orange", "linewidth": 4, "alpha": 0.6}),
            ("sknumpynn", {"color": "tab:blue", "linestyle": "--"}),
        ):
            curve = results[name][library].get("loss_curve")
            if curve:
                LossCurveDisplay(loss=curve).plot(ax=ax, name=library, **style)
        ax.set_title(f"{name}: training loss", fontsize="medium")
        ax.set_yscale("log")
        if ax.get_legend() is not None:
            ax.legend(fontsize="x-small")
    models = [m for m in MODELS if all(m in results[n] for n in names)]
    width = 0.8 / len(models)
    for i, model in enumerate(models):
        offset = (i - (len(models) - 1) / 2) * width
        means = [results[n][model]["mean"] for n in names]
        stds = [results[n][model]["std"] for n in names]
        times = [results[n][model]["fit_seconds"] for n in names]
        ax_score.bar(x + offset, means, width, yerr=stds, label=model, capsize=3)
        ax_time.bar(x + offset, times, width, label=model)
    labels = [f"{n}\n({results[n]['metric']})" for n in names]
    for ax, title in (
        (ax_score, "score (mean ± std)"),
        (ax_time, "fit time per fit [s]"),
    ):
        ax.set_xticks(x, labels)
        ax.set_title(title)
    # One legend for both bar charts, above them: inside, it hid bars.
    handles, labels = ax_score.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(models), frameon=False)
    lowest = min(results[n][m]["mean"] for n in names for m in models)
    ax_score.set_ylim(min(0.5, lowest), 1.0)
    ax_time.set_yscale("log")
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    fig.savefig(path, dpi=120)
    plt.close(fig)
