"""
Boston housing: regression with a standardised target
=====================================================

:class:`~sknumpynn.NumpyMLPRegressor` on the Boston housing data (506 rows),
inside a :class:`~sklearn.compose.TransformedTargetRegressor` so the network
learns a standardised target, scored by ``cross_val_score``, tuned by
``GridSearchCV`` and checked with out-of-fold predictions.

The ``black`` column is dropped (``drop_black=True``): the dataset's ``DESCR``
explains why scikit-learn removed this dataset. Run
``python examples/datasets/plot_boston.py --quick`` for a few-second run.
"""

import sys

import matplotlib.pyplot as plt
from sklearn.compose import TransformedTargetRegressor
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_val_predict,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPRegressor
from sknumpynn.datasets import load_boston

quick = "--quick" in sys.argv
X, y = load_boston(return_X_y=True, drop_black=True)
print(X.shape)

# %%
# The model
# ---------
# An MLP learns best when both the inputs and the target are standardised.
model = TransformedTargetRegressor(
    make_pipeline(
        StandardScaler(),
        NumpyMLPRegressor(max_iter=30 if quick else 200, random_state=0),
    ),
    transformer=StandardScaler(),
)
# The rows are ordered by town: shuffle the folds.
cv = KFold(3 if quick else 10, shuffle=True, random_state=0)
scores = cross_val_score(model, X, y, cv=cv)
print(f"cross-validated R²: {scores.mean():.3f} ± {scores.std():.3f}")

# %%
# Grid search
# -----------
grid = GridSearchCV(
    model,
    {
        "regressor__numpymlpregressor__hidden_layer_sizes": [(32,), (100,)],
        "regressor__numpymlpregressor__alpha": [1e-2, 1.0],
    },
    cv=cv,
)
grid.fit(X, y)
print(f"best parameters: {grid.best_params_}, R² {grid.best_score_:.3f}")

# %%
# Out-of-fold predictions
# -----------------------
# Each house's price predicted by the model that did not see it.
predicted = cross_val_predict(grid.best_estimator_, X, y, cv=cv)
fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(y, predicted, s=10, alpha=0.6)
ax.plot([y.min(), y.max()], [y.min(), y.max()], color="black", linewidth=1)
ax.set_xlabel("median value (k$)")
ax.set_ylabel("predicted (k$)")
ax.set_title("Boston: out-of-fold predictions")
fig.tight_layout()
plt.show()
