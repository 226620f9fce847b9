"""Behaviour of the stochastic training path that the mutation run found untested.

Each test asserts what a user of the estimators (or of the trainer's public
results) can observe, so it holds whatever the loop looks like inside.
"""

import numpy as np
import pytest
from sklearn.datasets import load_iris

from sknumpynn import NumpyMLPClassifier
from sknumpynn.callbacks import Callback


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


class _InterruptAt(Callback):
    """Raises ``KeyboardInterrupt`` (as Ctrl-C would) at the end of an epoch."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, estimator, logs):
        if logs["epoch"] == self.epoch:
            raise KeyboardInterrupt


def test_interrupt_names_the_epoch_it_keeps(iris):
    X, y = iris
    reference = NumpyMLPClassifier(max_iter=3, random_state=0, tol=0).fit(X, y)
    clf = NumpyMLPClassifier(
        max_iter=10, random_state=0, tol=0, callbacks=[_InterruptAt(3)]
    )
    with pytest.warns(UserWarning, match=r"last completed epoch \(3\)\.$"):
        clf.fit(X, y)
    assert clf.n_iter_ == 3
    expected = reference.coefs_ + reference.intercepts_
    for a, b in zip(clf.coefs_ + clf.intercepts_, expected):
        np.testing.assert_array_equal(a, b)
