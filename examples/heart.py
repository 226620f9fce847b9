"""Heart disease: Pipeline + GridSearchCV + cross_val_score with NumpyMLPClassifier.

Run ``python examples/heart.py`` (add ``--quick`` for a few-second run).
"""

import sys

from sklearn.compose import ColumnTransformer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sknumpynn import NumpyMLPClassifier
from sknumpynn.datasets import load_heart

quick = "--quick" in sys.argv
X, y = load_heart(return_X_y=True)  # note: target 1 = *no* disease (see DESCR)
categorical = [2, 6, 10, 11, 12]  # cp, restecg, slope, ca, thal (ca=4, thal=0: missing)
numeric = [i for i in range(X.shape[1]) if i not in categorical]

model = Pipeline(
    [
        (
            "preprocess",
            ColumnTransformer(
                [
                    (
                        "categorical",
                        OneHotEncoder(handle_unknown="ignore"),
                        categorical,
                    ),
                    ("numeric", StandardScaler(), numeric),
                ]
            ),
        ),
        (
            "mlp",
            NumpyMLPClassifier(
                alpha=3.0, max_iter=30 if quick else 200, random_state=0
            ),
        ),
    ]
)
cv = StratifiedKFold(3 if quick else 10, shuffle=True, random_state=0)
scores = cross_val_score(model, X, y, cv=cv)
print(f"cross-validated accuracy: {scores.mean():.3f} ± {scores.std():.3f}")

grid = GridSearchCV(
    model,
    {"mlp__hidden_layer_sizes": [(16,), (100,)], "mlp__alpha": [0.1, 3.0]},
    cv=cv,
)
grid.fit(X, y)
print(f"best parameters: {grid.best_params_}, accuracy {grid.best_score_:.3f}")
