"""Behaviour of the stochastic training path that the mutation run found untested.

Each test asserts what a user of the estimators (or of the trainer's public
results) can observe, so it holds whatever the loop looks like inside.
"""

import re
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn._training.together import fit_together
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


@pytest.fixture
def regression():
    X, y = make_regression(n_samples=80, n_features=4, random_state=0)
    return X, y


FIRST_EPOCH_DIVERGED = (
    "Solver produced non-finite parameter weights. The input data may contain "
    "large values and need to be preprocessed. Training diverged in its first "
    "epoch: the loss is not finite, so no usable weights exist. Scale the "
    "features (e.g. StandardScaler) or lower learning_rate_init."
)


def _diverged_after(n_epochs):
    return re.escape(
        f"Training diverged after {n_epochs} epoch{'' if n_epochs == 1 else 's'} "
        "(the loss became non-finite); the weights of the last finite epoch were "
        "restored. Scale the features (e.g. StandardScaler) or lower "
        "learning_rate_init."
    )


def test_divergence_keeps_the_last_finite_epoch_and_says_when(regression):
    X, y = regression
    kw = dict(solver="sgd", learning_rate_init=30.0, random_state=0, tol=0)
    reg = NumpyMLPRegressor(**kw)
    with pytest.warns(ConvergenceWarning, match="^" + _diverged_after(4) + "$"):
        reg.fit(X, y)
    assert reg.n_iter_ == 4 and len(reg.loss_curve_) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        four_epochs = NumpyMLPRegressor(**{**kw, "max_iter": 4}).fit(X, y)
    assert reg.loss_curve_ == four_epochs.loss_curve_
    for a, b in zip(
        reg.coefs_ + reg.intercepts_, four_epochs.coefs_ + four_epochs.intercepts_
    ):
        np.testing.assert_array_equal(a, b)
    one = NumpyMLPRegressor(**kw, batch_size=20)
    with pytest.warns(ConvergenceWarning, match="^" + _diverged_after(1) + "$"):
        one.fit(X, y)
    assert one.n_iter_ == 1


def test_divergence_in_the_first_epoch_is_an_error_that_says_what_to_do(regression):
    X, y = regression
    reg = NumpyMLPRegressor(solver="sgd", learning_rate_init=10.0, random_state=0)
    with pytest.raises(ValueError, match="^" + re.escape(FIRST_EPOCH_DIVERGED) + "$"):
        reg.fit(X * 1e200, y)


class _CountedRegressor(NumpyMLPRegressor):
    """Counts its ``fit`` calls: a stacked fit never calls ``fit``, but a stack
    that fails falls back to fitting each model on its own."""

    fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def _assert_equal_fits(together, alone):
    for (a, error_a), b in zip(together, alone):
        assert error_a is None
        assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
        assert a.loss_curve_ == b.loss_curve_
        if b.validation_scores_ is None:
            assert a.validation_scores_ is None
        else:  # NaN where a diverged epoch was validated: equal NaNs
            np.testing.assert_array_equal(a.validation_scores_, b.validation_scores_)
        for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
            np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_stack_trains_on_after_one_model_diverged(regression, early_stopping):
    """The other models of the stack keep their epoch, the diverged ones their
    last finite epoch (rate 30) or the one before, when the last one's outputs
    overflow (rate 3), each as its own fit would; and the stack does not fall
    back to fitting them one by one."""
    X, y = regression
    folds = [slice(0, 60), slice(20, 80)]
    estimators, datasets = [], []
    for rows in folds:
        for rate in (1e-3, 30.0, 3.0, 1e-2):
            estimators.append(
                _CountedRegressor(
                    solver="sgd",
                    learning_rate_init=rate,
                    hidden_layer_sizes=(5,),
                    max_iter=8,
                    early_stopping=early_stopping,
                    n_iter_no_change=3,
                    random_state=0,
                )
            )
            datasets.append((X[rows], y[rows], None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _CountedRegressor.fits = 0
        together = fit_together(estimators, datasets)
        assert _CountedRegressor.fits == 0
        alone = [clone(e).fit(Xd, yd) for e, (Xd, yd, _) in zip(estimators, datasets)]
    assert all(fit.n_iter_ < 8 for fit in alone[1::4] + alone[2::4])  # diverged
    _assert_equal_fits(together, alone)
