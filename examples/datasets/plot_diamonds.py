"""
Diamonds: categorical features and a larger regression
======================================================

53,940 diamonds, price from carat, cut, colour, clarity and dimensions:
:class:`~sknumpynn.NumpyMLPRegressor` behind a
:class:`~sklearn.compose.ColumnTransformer` (one-hot encoding for the three
ordered categories, standardisation for the numbers), with a standardised
target. With 10,000 rows or more, ``dtype='auto'`` trains in float32.

Run ``python examples/datasets/plot_diamonds.py --quick`` for a few-second run.
"""

import sys

import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.model_selection import GridSearchCV, KFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sknumpynn import NumpyMLPRegressor
from sknumpynn.datasets import load_diamonds

quick = "--quick" in sys.argv
diamonds = load_diamonds()
X, y = diamonds.data, diamonds.target  # cut, color, clarity are strings
print(X.shape, diamonds.feature_names)
if quick:
    X, y = X[:3000], y[:3000]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)

# %%
# The model
# ---------
model = TransformedTargetRegressor(
    Pipeline(
        [
            (
                "preprocess",
                ColumnTransformer(
                    [
                        ("categorical", OneHotEncoder(), [1, 2, 3]),
                        ("numeric", StandardScaler(), [0, 4, 5, 6, 7, 8]),
                    ]
                ),
            ),
            ("mlp", NumpyMLPRegressor(max_iter=20 if quick else 40, random_state=0)),
        ]
    ),
    transformer=StandardScaler(),
)

# %%
# Grid search on the training part
# --------------------------------
# Three folds are plenty with 43,000 training rows; the final score comes from
# the 20 % hold-out the search never saw.
grid = GridSearchCV(
    model,
    {"regressor__mlp__alpha": [1e-4, 1e-2]},
    cv=KFold(3, shuffle=True, random_state=0),
)
grid.fit(X_train, y_train)
print(f"best parameters: {grid.best_params_}, R² {grid.best_score_:.4f}")
mlp = grid.best_estimator_.regressor_[-1]
print(f"trained in {mlp.coefs_[0].dtype} for {mlp.n_iter_} epochs")
print(f"hold-out R²: {grid.score(X_test, y_test):.4f}")

# %%
# Predicted against actual prices on the hold-out, on log scales:
predicted = grid.predict(X_test)
fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(y_test, np.clip(predicted, 100, None), s=2, alpha=0.3)
ax.plot([300, 20000], [300, 20000], color="black", linewidth=1)
ax.set(xscale="log", yscale="log", xlabel="price ($)", ylabel="predicted ($)")
ax.set_title("Diamonds: hold-out predictions")
fig.tight_layout()
plt.show()
