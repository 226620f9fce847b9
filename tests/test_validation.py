"""Bad input gets an early ValueError that names the argument and the problem."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor

ESTIMATORS = [NumpyMLPClassifier, NumpyMLPRegressor]


@pytest.fixture
def data():
    X, y = load_iris(return_X_y=True)
    return X, y


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_is_rejected(Estimator, data, bad):
    X, y = data
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        Estimator(max_iter=2).fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_non_finite_y_is_rejected(Estimator, data):
    X, y = data
    y = y.astype(float)
    y[0] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        Estimator(max_iter=2).fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_wrong_number_of_features_at_predict(Estimator, data):
    X, y = data
    est = Estimator(max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4"):
        est.predict(X[:, :3])


def test_non_numeric_y_for_regressor(data):
    X, _ = data
    y = np.array(["a", "b", "c"] * 50, dtype=object)
    with pytest.raises(ValueError, match="(numeric|could not convert string)"):
        NumpyMLPRegressor(max_iter=2).fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_empty_arrays(Estimator):
    with pytest.raises(ValueError, match="0 sample"):
        Estimator().fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match="0 feature"):
        Estimator().fit(np.empty((5, 0)), np.arange(5))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predict_before_fit(Estimator, data):
    with pytest.raises(NotFittedError):
        Estimator().predict(data[0])


def test_partial_fit_unseen_classes(data):
    X, y = data
    clf = NumpyMLPClassifier().partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="has classes not in `self.classes_`"):
        clf.partial_fit(X[:3], [0, 1, 5])
    with pytest.raises(ValueError, match="classes=.* is not the same as on last call"):
        clf.partial_fit(X, y, classes=[0, 1])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_layer_sizes": 0}, "hidden_layer_sizes"),
        ({"hidden_layer_sizes": (10, 0)}, "hidden_layer_sizes must contain positive"),
        ({"hidden_layer_sizes": (10, "a")}, "hidden_layer_sizes must contain positive"),
        ({"activation": "softmax"}, "'activation' parameter"),
        ({"solver": "bfgs"}, "'solver' parameter"),
        ({"learning_rate": "linear"}, "'learning_rate' parameter"),
        ({"activation": ["swish"]}, "Unknown activation 'swish'"),
        ({"activation": ["relu", "tanh"]}, "one per hidden layer"),
        ({"l1": -0.1}, "'l1' parameter"),
        ({"rho": 1.0}, "'rho' parameter"),
        ({"weight_decay": -1.0}, "'weight_decay' parameter"),
        ({"monitor": "loss"}, "'monitor' parameter"),
        ({"callbacks": "ProgressBar"}, "'callbacks' parameter"),
        ({"alpha": -1.0}, "'alpha' parameter"),
        ({"learning_rate_init": 0.0}, "'learning_rate_init' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"max_iter": 0}, "'max_iter' parameter"),
        ({"momentum": 1.5}, "'momentum' parameter"),
        ({"beta_1": 1.0}, "'beta_1' parameter"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
        ({"n_iter_no_change": 0}, "'n_iter_no_change' parameter"),
    ],
)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_invalid_parameters_are_named(Estimator, data, params, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        Estimator(**params).fit(X, y)


def test_invalid_regressor_loss(data):
    with pytest.raises(ValueError, match="'loss' parameter"):
        NumpyMLPRegressor(loss="hinge").fit(*data)


def test_poisson_needs_non_negative_targets(data):
    X, y = data
    with pytest.raises(ValueError, match="loss='poisson' requires non-negative y"):
        NumpyMLPRegressor(loss="poisson").fit(X, y - 1.0)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_bad_sample_weights(Estimator, data):
    X, y = data
    with pytest.raises(ValueError, match="at least one non-zero (weight|number)"):
        Estimator().fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        Estimator().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(3,\)"):
        Estimator().fit(X, y, sample_weight=np.ones(3))
    sw = np.ones(len(y))
    sw[4] = np.nan
    with pytest.raises(ValueError, match="contains NaN"):
        Estimator().fit(X, y, sample_weight=sw)


def test_validation_set_too_small():
    X = np.random.RandomState(0).normal(size=(8, 2))
    with pytest.raises(ValueError, match="validation set is too small"):
        NumpyMLPRegressor(early_stopping=True, validation_fraction=0.1).fit(X, X[:, 0])


def test_string_X_is_rejected(data):
    _, y = data
    X = np.array([["a", "b"]] * len(y), dtype=object)
    with pytest.raises(ValueError, match="could not convert string to float"):
        NumpyMLPClassifier().fit(X, y)
