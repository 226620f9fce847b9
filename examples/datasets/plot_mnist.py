"""
MNIST: float32 training and what the first layer learns
=======================================================

Handwritten digits, 28x28 pixels, with
:class:`~sknumpynn.NumpyMLPClassifier`: pixels scaled to float32 so training
runs in float32, a ``GridSearchCV`` on a subset, then the chosen model on a
larger training set and the canonical test set. The last figure shows
first-layer weights as images, as in scikit-learn's "Visualization of MLP
weights on MNIST".

:func:`~sknumpynn.datasets.fetch_mnist` reads the four original IDX files from
``$SKNUMPYNN_DATA/mnist`` (or downloads MNIST from OpenML when asked to). This
page never downloads: without local files it falls back to scikit-learn's
8x8 digits and says so. The gallery uses 10,000 training images so that it
runs in seconds; ``python examples/datasets/plot_mnist.py --full`` trains on
all 60,000, ``--quick`` on 3,000.
"""

import sys

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sknumpynn import NumpyMLPClassifier
from sknumpynn.datasets import fetch_mnist

quick, full = "--quick" in sys.argv, "--full" in sys.argv


def scale_pixels(X):
    """Pixels 0..255 to float32 0..1: the network then trains in float32."""
    return np.asarray(X, dtype=np.float32) / np.float32(255)


# %%
# The data
# --------
try:
    X, y = fetch_mnist(return_X_y=True, download_if_missing=False)
    # The canonical split: the first 60,000 images train, the last 10,000 test.
    X_train, X_test, y_train, y_test = X[:60000], X[60000:], y[:60000], y[60000:]
    side = 28
except OSError as exc:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    print(f"MNIST is not available locally ({exc}); using the 8x8 digits instead.")
    X, y = load_digits(return_X_y=True)
    X = X * (255 / 16)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    side = 8
n_train = 3000 if quick else None if full else 10000
X_train, y_train = X_train[:n_train], y_train[:n_train]
if quick:
    X_test, y_test = X_test[:500], y_test[:500]
print(f"training on {len(X_train)} images, testing on {len(X_test)}")

# %%
# Grid search on 3,000 images
# ---------------------------
# A quick search over the L2 penalty, 10 epochs per fit, on a small subset.
model = make_pipeline(
    FunctionTransformer(scale_pixels),
    NumpyMLPClassifier(max_iter=5 if quick else 10, random_state=0),
)
grid = GridSearchCV(model, {"numpymlpclassifier__alpha": [1e-4, 1e-2]}, cv=3)
grid.fit(X_train[:3000], y_train[:3000])
print(f"best parameters: {grid.best_params_}, accuracy {grid.best_score_:.4f}")

# %%
# The chosen model on the whole training set
# ------------------------------------------
model.set_params(numpymlpclassifier__max_iter=5 if quick else 20, **grid.best_params_)
model.fit(X_train, y_train)
mlp = model[-1]
print(f"{mlp.n_iter_} epochs in {mlp.coefs_[0].dtype}")
print(f"test accuracy: {model.score(X_test, y_test):.4f}")

# %%
# First-layer weights
# -------------------
# Each hidden unit's 784 input weights, drawn as a 28x28 image: the strokes
# and blobs each unit responds to.
fig, axes = plt.subplots(4, 8, figsize=(8, 4.4))
weights = mlp.coefs_[0]
vmin, vmax = weights.min() * 0.5, weights.max() * 0.5
for unit, ax in enumerate(axes.ravel()):
    image = weights[:, unit].reshape(side, side)
    ax.imshow(image, cmap="RdBu_r", vmin=vmin, vmax=vmax)
    ax.set_axis_off()
fig.suptitle("32 of the 100 hidden units' input weights")
fig.tight_layout()
plt.show()
