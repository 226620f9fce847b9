"""MNIST: Pipeline + GridSearchCV + cross_val_score with NumpyMLPClassifier.

Run ``python examples/mnist.py`` with the IDX files in ``$SKNUMPYNN_DATA/mnist``
(or let it download MNIST from OpenML); add ``--quick`` for a few-second run.
Pixels are scaled to float32, so training runs in float32.
"""

import sys

import numpy as np
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sknumpynn import NumpyMLPClassifier
from sknumpynn.datasets import fetch_mnist


def scale_pixels(X):
    return np.asarray(X, dtype=np.float32) / np.float32(255)


quick = "--quick" in sys.argv
X_train, y_train = fetch_mnist(subset="train", return_X_y=True)
X_test, y_test = fetch_mnist(subset="test", return_X_y=True)
if quick:
    X_train, y_train, X_test, y_test = (
        X_train[:3000],
        y_train[:3000],
        X_test[:500],
        y_test[:500],
    )

model = make_pipeline(
    FunctionTransformer(scale_pixels),
    NumpyMLPClassifier(max_iter=5 if quick else 200, random_state=0),
)
scores = cross_val_score(model, X_train[:10000], y_train[:10000], cv=3)
print(f"3-fold accuracy on 10,000 training images: {scores.mean():.4f}")

grid = GridSearchCV(model, {"numpymlpclassifier__alpha": [1e-4, 1e-3]}, cv=3)
grid.fit(X_train[:10000], y_train[:10000])
print(f"best parameters: {grid.best_params_}")

model.set_params(**grid.best_params_).fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.4f}")
