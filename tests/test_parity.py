"""Parity with scikit-learn's MLPClassifier and MLPRegressor."""

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


def scaled(X):
    return StandardScaler().fit_transform(X)


def iris():
    X, y = load_iris(return_X_y=True)
    return scaled(X), y


def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return scaled(X), y


def multilabel():
    return make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)


def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return scaled(X), (y - y.mean()) / y.std()


def multioutput():
    X, y = make_regression(n_samples=200, n_features=6, n_targets=3, random_state=0)
    return X, y / y.std()


def counts():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 5))
    return X, rng.poisson(np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1]))


CLASSIFICATION = {
    "iris": iris,
    "breast_cancer": breast_cancer,
    "multilabel": multilabel,
}
REGRESSION = {"diabetes": diabetes, "multioutput": multioutput, "poisson": counts}
SINGLE_OUTPUT_REGRESSION = ["diabetes", "poisson"]
SOLVERS = ["adam", "sgd", "lbfgs"]


SKLEARN_HAS_POISSON = "loss" in MLPRegressor().get_params()  # added in 1.7


def pair(kind, **params):
    if params.get("loss") == "poisson" and not SKLEARN_HAS_POISSON:
        pytest.skip(f"scikit-learn {sklearn.__version__} has no Poisson MLP")
    if params.get("loss") == "squared_error" and not SKLEARN_HAS_POISSON:
        params.pop("loss")
    if kind == "classifier":
        return NumpyMLPClassifier(**params), MLPClassifier(**params)
    return NumpyMLPRegressor(**params), MLPRegressor(**params)


def copy_weights(ours, theirs):
    ours.coefs_ = [c.copy() for c in theirs.coefs_]
    ours.intercepts_ = [b.copy() for b in theirs.intercepts_]


@pytest.mark.parametrize("name", sorted(CLASSIFICATION))
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_classifier_outputs_equal_sklearn_given_identical_weights(name, activation):
    X, y = CLASSIFICATION[name]()
    ours, theirs = pair("classifier", activation=activation, max_iter=5, random_state=0)
    theirs.fit(X, y)
    ours.fit(X, y)
    copy_weights(ours, theirs)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("name", sorted(REGRESSION))
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_regressor_outputs_equal_sklearn_given_identical_weights(name, activation):
    X, y = REGRESSION[name]()
    loss = "poisson" if name == "poisson" else "squared_error"
    ours, theirs = pair(
        "regressor", loss=loss, activation=activation, max_iter=5, random_state=0
    )
    theirs.fit(X, y)
    ours.fit(X, y)
    copy_weights(ours, theirs)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-6)


def test_initial_weights_equal_sklearn():
    X, y = iris()
    ours, theirs = pair("classifier", hidden_layer_sizes=(7, 5), max_iter=1)
    ours.set_params(random_state=3, learning_rate_init=1e-12)
    theirs.set_params(random_state=3, learning_rate_init=1e-12)
    ours.fit(X, y)
    theirs.fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, atol=1e-9)


def final_losses(kind, X, y, **params):
    ours, theirs = pair(kind, random_state=0, **params)
    return ours.fit(X, y).loss_, theirs.fit(X, y).loss_


def summed_squared_objective(model, X, y, alpha):
    """Half squared error summed over outputs, plus the L2 penalty."""
    data = 0.5 * np.mean(np.sum((model.predict(X) - y) ** 2, axis=1))
    penalty = 0.5 * alpha * sum(np.sum(c**2) for c in model.coefs_) / X.shape[0]
    return data + penalty


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", sorted(CLASSIFICATION))
def test_classifier_training_loss_within_5_percent(name, solver):
    X, y = CLASSIFICATION[name]()
    ours, theirs = final_losses(
        "classifier", X, y, solver=solver, max_iter=100, alpha=1e-2
    )
    assert ours == pytest.approx(theirs, rel=0.05)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", SINGLE_OUTPUT_REGRESSION)
def test_regressor_training_loss_within_5_percent(name, solver):
    X, y = REGRESSION[name]()
    loss = "poisson" if name == "poisson" else "squared_error"
    ours, theirs = final_losses(
        "regressor", X, y, solver=solver, loss=loss, max_iter=100, alpha=1e-2
    )
    assert ours == pytest.approx(theirs, rel=0.05)


@pytest.mark.parametrize("solver", SOLVERS)
def test_multioutput_regressor_objective_at_most_5_percent_above_sklearn(solver):
    """With several outputs sklearn's ``loss_`` averages the outputs while its
    gradient is that of their sum (and its L-BFGS line search mixes the two), so
    both fitted models are scored on the one objective whose gradient both
    follow."""
    X, y = multioutput()
    params = dict(solver=solver, max_iter=100, alpha=1e-2, random_state=0)
    ours = NumpyMLPRegressor(**params).fit(X, y)
    theirs = MLPRegressor(**params).fit(X, y)
    if solver == "lbfgs":  # full batch: loss_ is the final objective itself
        assert ours.loss_ == pytest.approx(summed_squared_objective(ours, X, y, 1e-2))
    ours_objective = summed_squared_objective(ours, X, y, 1e-2)
    theirs_objective = summed_squared_objective(theirs, X, y, 1e-2)
    assert ours_objective <= 1.05 * theirs_objective


def test_early_stopping_follows_sklearn():
    X, y = breast_cancer()
    ours, theirs = pair("classifier", early_stopping=True, random_state=0, max_iter=60)
    ours.fit(X, y)
    theirs.fit(X, y)
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_)
    assert ours.best_validation_score_ == theirs.best_validation_score_
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6
    )
