"""
A drop-in replacement: Pipeline, cross-validation and GridSearchCV
==================================================================

Swap ``sklearn.neural_network.MLPClassifier`` for
:class:`sknumpynn.NumpyMLPClassifier` and change nothing else: the same
parameters, defaults and fitted attributes, so the estimator slots into a
:class:`~sklearn.pipeline.Pipeline`, ``cross_val_score`` and
:class:`~sklearn.model_selection.GridSearchCV`. On float64 data with the same
seed it learns the same model, to rounding error, in less time.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier
from sknumpynn.plotting import LossCurveDisplay

X, y = load_breast_cancer(return_X_y=True)
print(X.shape, X.dtype)

# %%
# One line changes
# ----------------
# The same pipeline around each estimator, with the same hyperparameters.
params = dict(hidden_layer_sizes=(64,), alpha=1e-3, max_iter=200, random_state=0)
pipelines = {
    "scikit-learn": make_pipeline(StandardScaler(), MLPClassifier(**params)),
    "sknumpynn": make_pipeline(StandardScaler(), NumpyMLPClassifier(**params)),
}

# %%
# Cross-validation
# ----------------
cv = StratifiedKFold(5, shuffle=True, random_state=0)
for name, pipe in pipelines.items():
    start = time.perf_counter()
    scores = cross_val_score(pipe, X, y, cv=cv)
    seconds = time.perf_counter() - start
    print(
        f"{name:>12}: accuracy {scores.mean():.4f} ± {scores.std():.4f} "
        f"in {seconds:.2f} s"
    )

# %%
# The same model
# --------------
# Fitted on the same data, the two learn the same weights: float64 throughout
# (``dtype='auto'`` keeps float64 below 10,000 rows), the same Glorot
# initialisation from the same seed, the same mini-batches and Adam steps.
fitted = {name: pipe.fit(X, y) for name, pipe in pipelines.items()}
theirs, ours = fitted["scikit-learn"][-1], fitted["sknumpynn"][-1]
largest = max(np.abs(a - b).max() for a, b in zip(theirs.coefs_, ours.coefs_))
print(f"epochs: {theirs.n_iter_} and {ours.n_iter_}")
print(f"largest weight difference: {largest:.2e}")
print(
    "same predictions:",
    np.array_equal(fitted["scikit-learn"].predict(X), fitted["sknumpynn"].predict(X)),
)

# %%
# Both loss curves, one drawn over the other
# (:class:`~sknumpynn.plotting.LossCurveDisplay` plots scikit-learn's MLP too):
fig, ax = plt.subplots(figsize=(7, 3.5))
LossCurveDisplay.from_estimator(
    theirs, ax=ax, name="scikit-learn", linewidth=5, alpha=0.5
)
display = LossCurveDisplay.from_estimator(
    ours, ax=ax, name="sknumpynn", linestyle="--", color="black"
)
ax.legend([ax.get_lines()[0], ax.get_lines()[1]], ["scikit-learn", "sknumpynn"])
ax.set_yscale("log")
ax.set_title("training loss on breast cancer")
fig.tight_layout()
plt.show()

# %%
# Grid search
# -----------
# Parameter names keep the pipeline's step name (``numpymlpclassifier__``
# instead of ``mlpclassifier__``); everything else is the same.
grids = {}
for name, pipe in pipelines.items():
    step = pipe.steps[-1][0]
    grid = GridSearchCV(
        pipe,
        {
            f"{step}__alpha": [1e-4, 1e-2, 1.0],
            f"{step}__hidden_layer_sizes": [(16,), (64,)],
        },
        cv=cv,
    )
    start = time.perf_counter()
    grids[name] = grid.fit(X, y)
    print(
        f"{name:>12}: {time.perf_counter() - start:.1f} s, best "
        f"{grid.best_score_:.4f} with {grid.best_params_}"
    )

table = pd.DataFrame(
    {
        "alpha": grids["sknumpynn"].cv_results_["param_numpymlpclassifier__alpha"],
        "hidden": grids["sknumpynn"].cv_results_[
            "param_numpymlpclassifier__hidden_layer_sizes"
        ],
        "scikit-learn": grids["scikit-learn"].cv_results_["mean_test_score"],
        "sknumpynn": grids["sknumpynn"].cv_results_["mean_test_score"],
    }
)
table  # noqa: B018 (the gallery renders the last expression)

# %%
# :mod:`sknumpynn.model_selection` goes one step further: the same
# ``GridSearchCV`` under the same name, which trains all candidates and folds
# of our estimators together as one stacked network: see
# :ref:`sphx_glr_auto_examples_plot_stacked_search.py`.
