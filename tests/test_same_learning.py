"""Speed work must not change what is learned: pinned and reference loss curves."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier

from sknumpynn import NumpyMLPClassifier

# float32 training on digits, hidden (32,), batch 64, 8 epochs, random_state=0,
# recorded when the engine was optimised (flat Adam, fused deltas, float32).
PINNED_FLOAT32_CURVE = [
    2.247764,
    1.944623,
    1.670798,
    1.403018,
    1.157263,
    0.947014,
    0.790813,
    0.66621,
]


@pytest.fixture
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


def test_float32_loss_curve_is_pinned(digits):
    X, y = digits
    clf = NumpyMLPClassifier(
        hidden_layer_sizes=(32,), max_iter=8, random_state=0, batch_size=64
    ).fit(X.astype(np.float32), y)
    np.testing.assert_allclose(clf.loss_curve_, PINNED_FLOAT32_CURVE, rtol=1e-5)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_float64_loss_curve_equals_sklearns(digits, solver):
    X, y = digits
    params = dict(
        hidden_layer_sizes=(32,),
        max_iter=8,
        random_state=0,
        batch_size=64,
        solver=solver,
    )
    ours = NumpyMLPClassifier(**params).fit(X, y)
    theirs = MLPClassifier(**params).fit(X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
