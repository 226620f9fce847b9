"""Diamonds: Pipeline + GridSearchCV + cross_val_score with NumpyMLPRegressor.

Run ``python examples/diamonds.py`` (add ``--quick`` for a few-second run).
"""

import sys

from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sknumpynn import NumpyMLPRegressor
from sknumpynn.datasets import load_diamonds

quick = "--quick" in sys.argv
X, y = load_diamonds(return_X_y=True)  # cut, color, clarity are strings
if quick:
    X, y = X[:3000], y[:3000]

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
            ("mlp", NumpyMLPRegressor(max_iter=20 if quick else 200, random_state=0)),
        ]
    ),
    transformer=StandardScaler(),
)
cv = KFold(3, shuffle=True, random_state=0)
scores = cross_val_score(model, X, y, cv=cv)
print(f"cross-validated R²: {scores.mean():.4f} ± {scores.std():.4f}")

grid = GridSearchCV(model, {"regressor__mlp__alpha": [1e-4, 1e-2]}, cv=cv)
grid.fit(X, y)
print(f"best parameters: {grid.best_params_}, R² {grid.best_score_:.4f}")
