"""The tables and the figure of ``bench_quality.py``: per-dataset error
ratios with paired standard errors, the geometric means over datasets, the
ensembles' table (``--tabular-ensembles``) and the bar chart."""

import numpy as np

MODELS = ["TabularMLP", "sklearn MLP", "NumpyMLP", "HGB", "linear"]
ENSEMBLE = "TabularMLP x"  # + K: TabularMLP with n_ensemble=K


def ratio_row(result, reference, model="TabularMLP"):
    """``model`` / reference mean error, and the paired SE of the ratio."""
    ours = np.array(result["models"][model]["error"])
    theirs = np.array(result["models"][reference]["error"])
    diff = ours - theirs
    se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.nan
    base = max(theirs.mean(), 1e-12)
    return ours.mean() / base, se / base, diff.mean() / base


def report(results):
    """The markdown table and the geometric-mean summary."""
    lines = [
        "| dataset | rows, folds | "
        + " | ".join(MODELS)
        + " | Tab/sklearn MLP | Tab/HGB |",
        "|---|---|" + "---|" * (len(MODELS) + 2),
    ]
    logs = {"sklearn MLP": [], "HGB": []}
    worse = []
    for name, result in results.items():
        cells = []
        for model in MODELS:
            m = result["models"][model]
            cells.append(
                f"{np.mean(m['error']):.4f} ({np.median(m['fit_seconds']):.1f} s)"
            )
        ratios = []
        for reference in logs:
            ratio, se, _ = ratio_row(result, reference)
            logs[reference].append(np.log(max(ratio, 1e-12)))
            ratios.append(f"{ratio:.2f} ± {se:.2f}")
            if reference == "sklearn MLP" and ratio - 1 > se:
                worse.append(name)
        lines.append(
            f"| {name} | {result['n_rows']}, {result['n_folds']} | "
            + " | ".join(cells + ratios)
            + " |"
        )
    summary = {ref: float(np.exp(np.mean(v))) for ref, v in logs.items()}
    lines.append("")
    lines.append(
        "Geometric mean of TabularMLP error / scikit-learn MLP error: "
        f"{summary['sklearn MLP']:.3f} (target <= 0.85); / HistGradientBoosting "
        f"error: {summary['HGB']:.3f} (target <= 1.0). Worse than scikit-learn's "
        f"MLP beyond one paired SE: {', '.join(worse) or 'none'}."
    )
    return "\n".join(lines), summary


def _ensembles(results):
    """The ``TabularMLP xK`` models found in ``results``, by K."""
    names = {m for r in results.values() for m in r["models"] if m.startswith(ENSEMBLE)}
    return sorted(names, key=lambda m: int(m.removeprefix(ENSEMBLE)))


def _median_seconds(fits, clock):
    """Median ``clock`` ("cpu" or "wall") seconds of a model's fits."""
    times = fits.get("fit_cpu_seconds") if clock == "cpu" else None
    return float(np.median(times or fits["fit_seconds"]))


def _ensemble_cells(result, names, logs):
    """One dataset's cells of the ensemble table; appends its log ratios."""
    fits = result["models"]

    def cell(model):
        error = np.mean(fits[model]["error"])
        return f"{error:.4f} ({_median_seconds(fits[model], 'cpu'):.1f} s)"

    cells = [cell("sklearn MLP"), cell("TabularMLP")]
    for m in names:
        cells.append(cell(m))
        for key, reference in (("x1", "TabularMLP"), ("sklearn", "sklearn MLP")):
            ratio, se, _ = ratio_row(result, reference, m)
            logs[m][key].append(np.log(max(ratio, 1e-12)))
            cells.append(f"{ratio:.2f} ± {se:.2f}")
        for clock in ("cpu", "wall"):
            base = max(_median_seconds(fits["TabularMLP"], clock), 1e-12)
            logs[m][clock].append(np.log(_median_seconds(fits[m], clock) / base))
        cells.append(f"{np.exp(logs[m]['cpu'][-1]):.1f}x")
    return cells


def ensemble_report(results):
    """The table of TabularMLP xK against TabularMLP (K=1) and scikit-learn's
    MLP, on the datasets that have every K, and the geometric means over
    them: ``{model: {"x1", "sklearn", "cpu", "wall": ratio}}``."""
    names = _ensembles(results)
    header = ["dataset", "rows, folds", "sklearn MLP", "TabularMLP"]
    for m in names:
        k = m.rsplit(" ", 1)[1]
        header += [m, f"{k}/x1", f"{k}/sklearn MLP", f"{k} CPU/x1"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    logs = {m: {"x1": [], "sklearn": [], "cpu": [], "wall": []} for m in names}
    for name, result in results.items():
        if all(m in result["models"] for m in names):
            cells = _ensemble_cells(result, names, logs)
            lines.append(
                f"| {name} | {result['n_rows']}, {result['n_folds']} | "
                + " | ".join(cells)
                + " |"
            )
    summary = {
        m: {k: float(np.exp(np.mean(v))) for k, v in d.items()} for m, d in logs.items()
    }
    lines.append("")
    n_tables = len(lines) - 3
    for m, g in summary.items():
        lines.append(
            f"{m}, geometric means over {n_tables} tables: error / "
            f"TabularMLP's {g['x1']:.3f}, / "
            f"scikit-learn MLP's {g['sklearn']:.3f}; median fit CPU time "
            f"{g['cpu']:.2f}x TabularMLP's (wall {g['wall']:.2f}x)."
        )
    return "\n".join(lines), summary


def print_reports(results):
    """The main table, and the ensemble table when there are ensembles."""
    print(report(results)[0])
    if _ensembles(results):
        print()
        print(ensemble_report(results)[0])


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results)
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(names)), 4))
    width = 0.8 / len(MODELS)
    for k, model in enumerate(MODELS):
        rel = [
            np.mean(results[n]["models"][model]["error"])
            / max(np.mean(results[n]["models"]["sklearn MLP"]["error"]), 1e-12)
            for n in names
        ]
        ax.bar(np.arange(len(names)) + (k - 2) * width, rel, width, label=model)
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_xticks(np.arange(len(names)), names, rotation=20)
    ax.set_ylabel("error / scikit-learn MLP's error")
    ax.set_title(
        "Held-out error at defaults, relative to scikit-learn's MLP (lower is better)"
    )
    ax.legend(fontsize=8, ncol=len(MODELS))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
