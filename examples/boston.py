"""Boston housing: Pipeline + GridSearchCV + cross_val_score with NumpyMLPRegressor.

Run ``python examples/boston.py`` (add ``--quick`` for a few-second run). The
``black`` column is dropped: see the dataset's DESCR for why.
"""

import sys

from sklearn.compose import TransformedTargetRegressor
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPRegressor
from sknumpynn.datasets import load_boston

quick = "--quick" in sys.argv
X, y = load_boston(return_X_y=True, drop_black=True)

model = TransformedTargetRegressor(
    make_pipeline(
        StandardScaler(),
        NumpyMLPRegressor(max_iter=30 if quick else 200, random_state=0),
    ),
    transformer=StandardScaler(),  # an MLP learns best on a standardised target
)
cv = KFold(3 if quick else 10, shuffle=True, random_state=0)
scores = cross_val_score(model, X, y, cv=cv)
print(f"cross-validated R²: {scores.mean():.3f} ± {scores.std():.3f}")

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
