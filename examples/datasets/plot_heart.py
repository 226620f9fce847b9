"""
Heart disease: preprocessing, cross-validation and a grid search
================================================================

The Cleveland heart-disease data (303 patients, 13 features) through a
:class:`~sklearn.pipeline.Pipeline`: one-hot encoding for the categorical
columns, standardisation for the numeric ones, then
:class:`~sknumpynn.NumpyMLPClassifier`. The pipeline is scored with
``cross_val_score`` and tuned with ``GridSearchCV``, exactly as one would with
scikit-learn's ``MLPClassifier``.

Run ``python examples/datasets/plot_heart.py --quick`` for a few-second run.
"""

import sys

import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sknumpynn import NumpyMLPClassifier
from sknumpynn.datasets import load_heart

quick = "--quick" in sys.argv

# %%
# The data
# --------
# The dataset ships inside the package. Read its ``DESCR``: the target is
# inverted relative to the UCI original (1 means *no* disease), and ``ca == 4``
# or ``thal == 0`` mark missing values, which one-hot encoding turns into a
# category of their own.
heart = load_heart()
X, y = heart.data, heart.target
print(X.shape, "classes:", np.bincount(y))
print(heart.feature_names)

# %%
# The pipeline
# ------------
# ``cp``, ``restecg``, ``slope``, ``ca`` and ``thal`` are categories; the rest
# are measurements. An MLP needs standardised inputs.
categorical = [2, 6, 10, 11, 12]
numeric = [i for i in range(X.shape[1]) if i not in categorical]
preprocess = ColumnTransformer(
    [
        ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
        ("numeric", StandardScaler(), numeric),
    ]
)
model = Pipeline(
    [
        ("preprocess", preprocess),
        (
            "mlp",
            NumpyMLPClassifier(
                alpha=3.0, max_iter=30 if quick else 200, random_state=0
            ),
        ),
    ]
)

# %%
# Cross-validation
# ----------------
# 303 rows are few: stratified 10-fold cross-validation, shuffled.
cv = StratifiedKFold(3 if quick else 10, shuffle=True, random_state=0)
scores = cross_val_score(model, X, y, cv=cv)
print(f"cross-validated accuracy: {scores.mean():.3f} ± {scores.std():.3f}")

# %%
# Grid search
# -----------
# Strong L2 regularisation (``alpha``) matters more than the width here.
grid = GridSearchCV(
    model,
    {"mlp__hidden_layer_sizes": [(16,), (100,)], "mlp__alpha": [0.1, 1.0, 3.0]},
    cv=cv,
)
grid.fit(X, y)
print(f"best parameters: {grid.best_params_}, accuracy {grid.best_score_:.3f}")

# %%
# Every candidate's mean accuracy over the folds, with one standard deviation:
results = grid.cv_results_
labels = [
    f"{p['mlp__hidden_layer_sizes']}\nalpha={p['mlp__alpha']}"
    for p in results["params"]
]
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.bar(labels, results["mean_test_score"], yerr=results["std_test_score"], capsize=4)
ax.set_ylim(0.6, 1.0)
ax.set_ylabel("mean CV accuracy")
ax.set_title("Heart: GridSearchCV candidates")
fig.tight_layout()
plt.show()
