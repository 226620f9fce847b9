"""Exact parity with scikit-learn's MLPClassifier and MLPRegressor.

In float64 from the same ``random_state`` our estimators draw the same initial
weights, take the same mini-batches and make the same updates as
scikit-learn's, so every fitted attribute agrees to rounding (rtol 1e-10; the
two implementations order a few floating-point sums differently, so bitwise
equality is not expected). Data are tiny and epochs few: this file runs in
seconds.
"""

import copy
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_iris,
    make_multilabel_classification,
    make_regression,
)
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.callbacks import Callback

RTOL = 1e-10
SKLEARN_HAS_POISSON = "loss" in MLPRegressor().get_params()  # added in 1.7
NO_POISSON = f"scikit-learn {sklearn.__version__} has no loss='poisson' (added in 1.7)"
SKLEARN_ACTIVATIONS = ["identity", "logistic", "tanh", "relu"]


def scaled(X):
    return StandardScaler().fit_transform(X)


def softmax_data():
    X, y = load_iris(return_X_y=True)
    rows = np.r_[0:20, 50:70, 100:120]
    return scaled(X)[rows], y[rows]


def binary_data():
    X, y = load_breast_cancer(return_X_y=True)
    return scaled(X[:60, :6]), y[:60]


def multilabel_data():
    return make_multilabel_classification(
        n_samples=60, n_features=5, n_classes=3, random_state=0
    )


def identity_data():
    X, y = load_diabetes(return_X_y=True)
    return scaled(X[:60]), (y[:60] - y.mean()) / y.std()


def multioutput_data():
    X, y = make_regression(n_samples=60, n_features=5, n_targets=3, random_state=0)
    return X, y / y.std()


def poisson_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    return X, rng.poisson(np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1])).astype(float)


#: output -> (estimator kind, data, extra parameters)
OUTPUTS = {
    "softmax": ("classifier", softmax_data, {}),
    "logistic_binary": ("classifier", binary_data, {}),
    "logistic_multilabel": ("classifier", multilabel_data, {}),
    "identity": ("regressor", identity_data, {}),
    "identity_multioutput": ("regressor", multioutput_data, {}),
    "poisson": ("regressor", poisson_data, {"loss": "poisson"}),
}

#: solver settings scikit-learn also has
SOLVERS = {
    "adam": dict(solver="adam", learning_rate_init=0.01),
    "sgd_constant": dict(solver="sgd", learning_rate="constant"),
    "sgd_constant_no_nesterov": dict(
        solver="sgd", learning_rate="constant", nesterovs_momentum=False
    ),
    "sgd_invscaling": dict(solver="sgd", learning_rate="invscaling", power_t=0.3),
    "sgd_invscaling_no_nesterov": dict(
        solver="sgd", learning_rate="invscaling", nesterovs_momentum=False
    ),
    # A coarser tol, so that the adaptive rate is divided within max_iter.
    "sgd_adaptive": dict(
        solver="sgd", learning_rate="adaptive", learning_rate_init=0.01, tol=0.05
    ),
    "sgd_adaptive_no_nesterov": dict(
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=0.01,
        nesterovs_momentum=False,
        tol=0.05,
    ),
}

#: Small enough to be fast, large enough that every stopping rule fires: a
#: few batches per epoch, and a ``tol`` that stalls within ``max_iter``.
COMMON = dict(
    hidden_layer_sizes=(6, 4),
    batch_size=16,
    max_iter=25,
    tol=1e-2,
    n_iter_no_change=2,
    alpha=1e-3,
    random_state=0,
)


def pair(kind, **params):
    """Our estimator and scikit-learn's with the same parameters."""
    if params.get("loss") == "poisson" and not SKLEARN_HAS_POISSON:
        pytest.skip(NO_POISSON)
    ours = (NumpyMLPClassifier if kind == "classifier" else NumpyMLPRegressor)(**params)
    theirs = (MLPClassifier if kind == "classifier" else MLPRegressor)(**params)
    return ours, theirs


def fit_both(ours, theirs, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning, on both sides
        return ours.fit(X, y), theirs.fit(X, y)


def assert_same_weights(ours, theirs, rtol=RTOL):
    assert len(ours.coefs_) == len(theirs.coefs_)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        assert a.dtype == b.dtype == np.float64
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-14)


def assert_same_predictions(ours, theirs, X, rtol=RTOL):
    if hasattr(theirs, "predict_proba"):
        np.testing.assert_allclose(
            ours.predict_proba(X), theirs.predict_proba(X), rtol=rtol, atol=1e-14
        )
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    else:
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=rtol)


def assert_same_fit(ours, theirs, X, loss_scale=1.0):
    """Every fitted attribute scikit-learn has, compared.

    ``loss_scale`` multiplies scikit-learn's reported losses (see
    ``test_stochastic_training_equals_sklearn``).
    """
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    np.testing.assert_allclose(
        ours.loss_curve_, loss_scale * np.asarray(theirs.loss_curve_), rtol=RTOL
    )
    assert ours.loss_ == pytest.approx(loss_scale * theirs.loss_, rel=RTOL)
    if theirs.best_loss_ is None:
        assert ours.best_loss_ is None
    else:
        assert ours.best_loss_ == pytest.approx(loss_scale * theirs.best_loss_, RTOL)
    if theirs.validation_scores_ is None:
        assert ours.validation_scores_ is None
        assert ours.best_validation_score_ is None
    else:
        np.testing.assert_allclose(
            ours.validation_scores_, theirs.validation_scores_, rtol=RTOL
        )
        assert ours.best_validation_score_ == pytest.approx(
            theirs.best_validation_score_, rel=RTOL
        )
    assert_same_weights(ours, theirs)
    assert_same_predictions(ours, theirs, X)


def fit_parity_case(output, solver, early_stopping):
    """Fit ours and scikit-learn's on one case; return them, X and the loss scale.

    The loss scale multiplies scikit-learn's reported losses to give ours.
    """
    kind, data, extra = OUTPUTS[output]
    X, y = data()
    params = {**COMMON, **SOLVERS[solver], **extra, "early_stopping": early_stopping}
    loss_scale = 1.0
    if output == "identity_multioutput":
        # Documented difference (NumpyMLPRegressor's Notes): with k outputs we
        # report the summed per-output loss, the one whose gradient both
        # implementations follow; scikit-learn reports the mean. With alpha=0
        # ours is exactly k times theirs, so our tol is k times theirs too: the
        # stopping rule on the training loss then stops both at the same epoch.
        params["alpha"] = 0.0
        loss_scale = y.shape[1]
    ours, theirs = pair(kind, **params)
    if loss_scale != 1.0 and not early_stopping:
        ours.set_params(tol=loss_scale * params["tol"])
    fit_both(ours, theirs, X, y)
    return ours, theirs, X, loss_scale


@pytest.mark.parametrize("early_stopping", [False, True], ids=["plain", "early"])
@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_stochastic_training_equals_sklearn(output, solver, early_stopping):
    ours, theirs, X, loss_scale = fit_parity_case(output, solver, early_stopping)
    assert_same_fit(ours, theirs, X, loss_scale)
    if ours.learning_rate == "adaptive":  # the schedule did act
        rates = [entry["learning_rate"] for entry in ours.history_]
        assert min(rates) < ours.learning_rate_init


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_lbfgs_training_equals_sklearn(kind):
    X, y = softmax_data() if kind == "classifier" else identity_data()
    params = dict(COMMON, solver="lbfgs", max_iter=15, tol=1e-6)
    del params["batch_size"], params["n_iter_no_change"]
    ours, theirs = fit_both(*pair(kind, **params), X, y)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=RTOL)
    assert_same_weights(ours, theirs, rtol=1e-8)  # 15 L-BFGS steps amplify rounding
    assert_same_predictions(ours, theirs, X, rtol=1e-8)


class _InitialWeights(Callback):
    """Records the weights training starts from."""

    def on_train_begin(self, estimator):
        self.coefs = copy.deepcopy(list(estimator.coefs_))
        self.intercepts = copy.deepcopy(list(estimator.intercepts_))


def sklearn_initial_weights(activation, layer_units, seed):
    """scikit-learn's own initialisation, called directly: no training step."""
    mlp = MLPRegressor(activation=activation, solver="sgd")
    mlp._random_state = np.random.RandomState(seed)
    mlp._initialize(np.zeros((1, layer_units[-1])), layer_units, np.float64)
    return mlp.coefs_, mlp.intercepts_


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("activation", SKLEARN_ACTIVATIONS)
def test_initial_weights_equal_sklearn(activation, kind, solver):
    X, y = softmax_data()
    record = _InitialWeights()
    Estimator = NumpyMLPClassifier if kind == "classifier" else NumpyMLPRegressor
    est = Estimator(
        hidden_layer_sizes=(7, 5),
        activation=activation,
        solver=solver,
        max_iter=1,
        random_state=3,
        callbacks=[record],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    n_out = 3 if kind == "classifier" else 1
    coefs, intercepts = sklearn_initial_weights(activation, [4, 7, 5, n_out], 3)
    for a, b in zip(record.coefs + record.intercepts, coefs + intercepts):
        np.testing.assert_array_equal(a, b)


def copy_weights(ours, theirs):
    ours.coefs_ = [c.copy() for c in theirs.coefs_]
    ours.intercepts_ = [b.copy() for b in theirs.intercepts_]


@pytest.mark.parametrize("output", sorted(OUTPUTS))
@pytest.mark.parametrize("activation", SKLEARN_ACTIVATIONS)
def test_outputs_equal_sklearn_given_identical_weights(output, activation):
    kind, data, extra = OUTPUTS[output]
    X, y = data()
    ours, theirs = pair(kind, activation=activation, max_iter=3, **extra)
    fit_both(ours, theirs, X, y)
    copy_weights(ours, theirs)
    assert_same_predictions(ours, theirs, X, rtol=1e-12)


def test_partial_fit_equals_sklearn():
    X, y = softmax_data()
    params = dict(COMMON, solver="sgd", learning_rate="invscaling")
    ours, theirs = pair("classifier", **params)
    for _ in range(3):
        ours.partial_fit(X, y, classes=[0, 1, 2])
        theirs.partial_fit(X, y, classes=[0, 1, 2])
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=RTOL)
    assert ours.t_ == theirs.t_
    assert_same_weights(ours, theirs)
