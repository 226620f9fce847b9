"""
Grid search with all fits trained together
==========================================

:mod:`sknumpynn.model_selection` has drop-ins for scikit-learn's
``GridSearchCV``, ``RandomizedSearchCV``, ``cross_validate`` and
``cross_val_score``. Change the import line and nothing else: when the
estimator is a sknumpynn MLP (alone, at the end of a ``Pipeline``, or inside a
``TransformedTargetRegressor``), every candidate x fold fit is trained ahead in
one ``fit_together`` call, and scikit-learn's own search code then computes
``cv_results_``, the ranking and the refit exactly as it always does.

This example runs both searches on the heart-disease data and checks that
they agree. Run ``python examples/plot_stacked_search.py`` (``--quick`` for a
few-second run); it takes well under a minute.
"""

# %%
# The data and the pipeline
# -------------------------
# One-hot encoded categorical codes and standardised measurements, then our
# MLP. The pipeline's preprocessing is fitted once per fold and per distinct
# setting of its own parameters, not once per candidate.
import sys
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn import model_selection as sklearn_search
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from sknumpynn import NumpyMLPClassifier
from sknumpynn import model_selection as sknumpynn_search
from sknumpynn.compare.tasks import heart_preprocessing
from sknumpynn.datasets import load_heart

quick = "--quick" in sys.argv
warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_heart(return_X_y=True)
model = Pipeline(
    [
        ("preprocess", heart_preprocessing()),
        ("mlp", NumpyMLPClassifier(hidden_layer_sizes=(16,), random_state=0)),
    ]
)
grid = {
    "mlp__alpha": [0.01, 0.3, 3.0] if quick else [0.01, 0.1, 0.3, 1.0, 3.0, 10.0],
    "mlp__learning_rate_init": [1e-3, 1e-2],
}
if quick:
    model.set_params(mlp__max_iter=30)
cv = StratifiedKFold(3 if quick else 5, shuffle=True, random_state=0)

# %%
# The same search, two imports
# ----------------------------
# ``verbose=1`` prints how the fits were grouped.
seconds = {}
searches = {}
for name, module in [("scikit-learn", sklearn_search), ("sknumpynn", sknumpynn_search)]:
    start = time.perf_counter()
    searches[name] = module.GridSearchCV(
        model, grid, cv=cv, verbose=int(name == "sknumpynn")
    ).fit(X, y)
    seconds[name] = time.perf_counter() - start
    print(f"{name} GridSearchCV: {seconds[name]:.2f} s")

# %%
# Same results
# ------------
# Scores, ranks and the best parameters agree; only the timings differ (the
# fit times of ours include each fit's share of the ``fit_together`` call).
ours, theirs = searches["sknumpynn"], searches["scikit-learn"]
np.testing.assert_allclose(
    ours.cv_results_["mean_test_score"],
    theirs.cv_results_["mean_test_score"],
    atol=1e-6,
)
np.testing.assert_array_equal(
    ours.cv_results_["rank_test_score"], theirs.cv_results_["rank_test_score"]
)
assert ours.best_params_ == theirs.best_params_
print("best parameters:", ours.best_params_, f"accuracy {ours.best_score_:.3f}")

# %%
# The grid's scores
# -----------------
# Mean cross-validated accuracy against ``alpha``, one line per learning rate.
results = ours.cv_results_
fig, ax = plt.subplots(figsize=(6, 4))
for rate in grid["mlp__learning_rate_init"]:
    rows = np.flatnonzero(results["param_mlp__learning_rate_init"] == rate)
    ax.errorbar(
        [results["param_mlp__alpha"][i] for i in rows],
        results["mean_test_score"][rows],
        yerr=results["std_test_score"][rows],
        marker="o",
        capsize=3,
        label=f"learning_rate_init={rate}",
    )
ax.set_xscale("log")
ax.set_xlabel("alpha")
ax.set_ylabel("mean CV accuracy")
ax.set_title("Heart disease, sknumpynn GridSearchCV")
ax.legend()
fig.tight_layout()

# %%
# cross_val_score, too
# --------------------
# The folds of one model, trained together.
scores = sknumpynn_search.cross_val_score(
    ours.best_estimator_, X, y, cv=cv, scoring="accuracy"
)
print(
    f"cross_val_score of the best pipeline: {scores.mean():.3f} +- {scores.std():.3f}"
)
plt.show()
