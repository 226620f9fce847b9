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

from sknumpynn.compare import run
from sknumpynn.compare.report import environment, plot, to_markdown
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
# The report
# ----------
# The tables ``sknumpynn-compare`` writes to ``results.md``: scores (mean ±
# standard deviation over folds or seeds), fit times, the paired differences
# on shared folds, and the grid searches.
print(to_markdown(results, environment(), quick=True))

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
