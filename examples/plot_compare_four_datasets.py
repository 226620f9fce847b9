"""
The four datasets, against scikit-learn's MLP
=============================================

``sknumpynn-compare``, the package's main job, puts the same pipeline
(preprocessing + MLP) with the same hyperparameters, seeds and splits around
:class:`~sknumpynn.NumpyMLPClassifier` / :class:`~sknumpynn.NumpyMLPRegressor`
and around scikit-learn's ``MLPClassifier`` / ``MLPRegressor``, on heart
disease, Boston housing, diamonds and MNIST, and reports the scores, the fit
times and the loss curves. The same comparison is available from Python as
:func:`sknumpynn.compare.run`.

This page runs it with ``quick=True``: small subsets and few epochs, a smoke
test that draws the real figure in seconds, not a measurement. The full run
(``sknumpynn-compare --out compare-results``, a few minutes) gives the numbers
in the README and on the :doc:`benchmarks page </benchmarks>`. MNIST is
included when its files are available locally (``$SKNUMPYNN_DATA/mnist``):
this page never downloads.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from sknumpynn.compare import run
from sknumpynn.compare.report import plot
from sknumpynn.datasets import fetch_mnist

datasets = ["heart", "boston", "diamonds"]
try:
    fetch_mnist(subset="test", download_if_missing=False)
    datasets.append("mnist")
except OSError as exc:
    print(f"MNIST left out: {exc}")

# %%
# Run the comparison
# ------------------
results = run(datasets, quick=True)

# %%
# Scores and fit times
# --------------------
# Mean ± standard deviation over the folds (heart, Boston) or seeds (diamonds,
# MNIST), and the mean fit time of one fit. ``sknumpynn-compare`` writes the
# same numbers, with the paired differences on shared folds, to ``results.md``
# (:func:`~sknumpynn.compare.report.to_markdown` renders them).
rows = []
for name, entry in results.items():
    if "skipped" in entry:
        continue
    row = {"dataset": name, "metric": entry["metric"]}
    for library in ("sknumpynn", "scikit-learn"):
        scores = entry[library]
        row[library] = f"{scores['mean']:.4f} ± {scores['std']:.4f}"
        row[f"fit s ({library})"] = round(scores["fit_seconds"], 3)
    row["speed-up"] = f"{entry['speedup']:.2f}x"
    rows.append(row)
pd.DataFrame(rows).set_index("dataset")

# %%
# The grid searches (heart and Boston) pick the same parameters with the same
# best score for both libraries:
pd.DataFrame(
    [
        {
            "dataset": name,
            "library": library,
            "best CV score": round(search["best_score"], 4),
            "best parameters": search["best_params"],
            "seconds": round(search["seconds"], 2),
        }
        for name, entry in results.items()
        for library, search in entry.get("grid", {}).items()
    ]
)

# %%
# The figure
# ----------
# Scores and fit time per fit for each library (top), and each dataset's
# training-loss curves (bottom): where the two libraries learn the same model,
# the dashed curve runs inside the wide one.
path = Path(tempfile.mkdtemp()) / "results.png"
plot(results, path)
image = plt.imread(path)
fig, ax = plt.subplots(figsize=(11, 8))
ax.imshow(image)
ax.set_axis_off()
fig.tight_layout(pad=0)
plt.show()
