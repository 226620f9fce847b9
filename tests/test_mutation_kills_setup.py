"""Setting up a stochastic fit: what the training path's mutation run left untested.

Covers ``fit``'s validation data (``X_val``, ``y_val``, ``sample_weight_val``:
their error messages, sparse formats and dtypes), ``scoring=`` on validation
rows (a single fit and a stack of fits), and a stack's epoch schedule when a
model diverges in its first epoch. Each test asserts what a user can observe:
errors, fitted curves and weights.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning

from sknumpynn import NumpyMLPRegressor
from sknumpynn._training.together import fit_together

X, y = make_regression(n_samples=40, n_features=3, noise=1.0, random_state=0)
X = (X - X.mean(0)) / X.std(0)
y = (y - y.mean()) / y.std()
X_val, y_val = X[:12] + 0.1, y[:12]


def _regressor(cls=NumpyMLPRegressor, **params):
    defaults = dict(
        hidden_layer_sizes=(4,),
        max_iter=3,
        tol=0,
        early_stopping=True,
        random_state=0,
    )
    return cls(**{**defaults, **params})


class _CountedRegressor(NumpyMLPRegressor):
    """Counts its ``fit`` calls: a stacked fit never calls ``fit``, but a stack
    that fails falls back to fitting each model on its own."""

    fits = 0

    def fit(self, X, y, sample_weight=None, **validation):
        type(self).fits += 1
        return super().fit(X, y, sample_weight=sample_weight, **validation)


def _fit(estimator, X_fit, y_fit, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X_fit, y_fit, **fit_params)


def test_lbfgs_refuses_validation_data_with_the_whole_message():
    message = (
        "X_val and y_val are passed to fit, but solver='lbfgs' does no early "
        "stopping. Use a stochastic solver (e.g. 'adam') with "
        "early_stopping=True, or do not pass X_val and y_val."
    )
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        _regressor(solver="lbfgs").fit(X, y, X_val=X_val, y_val=y_val)


@pytest.mark.parametrize(
    "argument, bad, message",
    [
        ("X_val", np.full((12, 3), "a"), "could not convert string to float"),
        ("y_val", np.full(12, "a"), "could not convert string to float"),
        ("sample_weight_val", np.zeros(12), "Sample weights must contain"),
    ],
)
def test_bad_validation_data_names_its_argument(argument, bad, message):
    data = {"X_val": X_val, "y_val": y_val, argument: bad}
    with pytest.raises(ValueError, match=f"^Invalid {argument}: {message}"):
        _regressor().fit(X, y, **data)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_validation_rows_score_as_dense_ones(fmt):
    dense = _fit(_regressor(), X, y, X_val=X_val, y_val=y_val)
    sparse = _fit(
        _regressor(), X, y, X_val=sp.csr_matrix(X_val).asformat(fmt), y_val=y_val
    )
    np.testing.assert_allclose(
        sparse.validation_loss_curve_, dense.validation_loss_curve_, rtol=1e-12
    )
    np.testing.assert_allclose(
        sparse.validation_scores_, dense.validation_scores_, rtol=1e-12
    )


@pytest.mark.parametrize("given", ["X_val", "y_val"])
def test_float64_validation_data_is_scored_in_the_training_dtype(given):
    """A float32 fit casts its validation rows to float32: passing them in
    float64 or float32 gives the same curves, bit for bit."""
    data32 = {"X_val": X_val.astype(np.float32), "y_val": y_val.astype(np.float32)}
    data64 = {**data32, given: {"X_val": X_val, "y_val": y_val}[given]}
    X32 = X.astype(np.float32)
    as32 = _fit(_regressor(dtype="float32"), X32, y, **data32)
    as64 = _fit(_regressor(dtype="float32"), X32, y, **data64)
    assert as64.validation_loss_curve_ == as32.validation_loss_curve_
    assert as64.validation_scores_ == as32.validation_scores_


def _mean_squared_error(estimator, X_score, y_score):
    """A hand-written scorer: it relies on ``y_score`` being 1-D as ``y`` is."""
    return -float(np.mean((estimator.predict(X_score) - y_score) ** 2))


def test_scorer_gets_the_validation_targets_as_y_was_given():
    reg = _fit(
        _regressor(max_iter=1, scoring=_mean_squared_error),
        X,
        y,
        X_val=X_val,
        y_val=y_val,
    )
    assert reg.validation_scores_[0] == pytest.approx(
        _mean_squared_error(reg, X_val, y_val)
    )


def test_stacked_fits_score_their_own_weights_with_scoring():
    """Fits stacked in one network each score their own weights, as their own
    fit does (a scorer that sees the model's continuous predictions)."""
    estimators = [
        _regressor(
            _CountedRegressor,
            alpha=alpha,
            learning_rate_init=rate,
            scoring="neg_mean_squared_error",
        )
        for alpha, rate in [(1e-4, 1e-3), (1.0, 1e-2), (1e-2, 3e-2)]
    ]
    datasets = [
        (X, y, None, {"X_val": X_val, "y_val": y_val, "sample_weight_val": None})
    ] * 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _CountedRegressor.fits = 0
        together = fit_together(estimators, datasets)
        assert _CountedRegressor.fits == 0
        alone = [clone(e).fit(X, y, X_val=X_val, y_val=y_val) for e in estimators]
    assert len({tuple(a.validation_scores_) for a in alone}) == 3
    for (a, error), b in zip(together, alone):
        assert error is None
        assert a.validation_scores_ == b.validation_scores_
        assert a.validation_loss_curve_ == b.validation_loss_curve_


def test_overflowing_validation_outputs_raise_no_runtime_warning_of_ours():
    """Validation rows whose outputs overflow (exp of a huge value: inf - inf
    in the Poisson loss, 0 * inf under a zero weight) get no finite score,
    and sknumpynn raises no NumPy warning about them."""
    reg = _regressor(loss="poisson", hidden_layer_sizes=(8,), max_iter=2)
    sw_val = np.ones(len(y_val))
    sw_val[0] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scikit-learn's, numpy's
        warnings.filterwarnings("error", category=RuntimeWarning, module="sknumpynn")
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(
            X,
            np.exp(y),
            X_val=X_val * 1e3,
            y_val=np.exp(y_val),
            sample_weight_val=sw_val,
        )
    assert not np.isfinite(reg.validation_scores_).any()


def test_a_stack_with_a_plateau_schedule_survives_a_first_epoch_divergence():
    """A stacked model diverging in its first epoch has no monitored value for
    the plateau rule yet; it fails as its own fit does, the others train on."""
    estimators = [
        _regressor(
            _CountedRegressor,
            solver="sgd",
            learning_rate="plateau",
            learning_rate_init=rate,
            early_stopping=False,
        )
        for rate in (1e-3, 10.0)
    ]
    datasets = [(X, y, None), (X * 1e200, y, None)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _CountedRegressor.fits = 0
        together = fit_together(estimators, datasets)
        assert _CountedRegressor.fits == 0
        fitted = clone(estimators[0]).fit(X, y)
        with pytest.raises(ValueError) as diverged:
            clone(estimators[1]).fit(X * 1e200, y)
    (a, error_a), (b, error_b) = together
    assert error_a is None and a.loss_curve_ == fitted.loss_curve_
    assert b is None and str(error_b) == str(diverged.value)
