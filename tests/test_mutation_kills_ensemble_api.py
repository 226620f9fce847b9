"""A deep ensemble's own validation data (``fit(X, y, X_val=, y_val=,
sample_weight_val=)``): validated as scikit-learn validates ``X`` and ``y``,
each bad argument named. Written against survivors of the ``ensemble_api``
mutation group (``BaseDeepEnsemble._given_validation``)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import DataConversionWarning

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor

MEMBER = dict(hidden_layer_sizes=(4,), max_iter=3, early_stopping=True)


def classifier():
    return DeepEnsembleClassifier(
        NumpyMLPClassifier(**MEMBER), n_estimators=2, random_state=0
    )


def regressor():
    return DeepEnsembleRegressor(
        NumpyMLPRegressor(**MEMBER), n_estimators=2, random_state=0
    )


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(80, 4, random_state=0)
    return X[:60], y[:60], X[60:], y[60:]


def fit(model, X, y, **validation):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*Maximum iterations.*")
        return model.fit(X, y, **validation)


def test_bad_x_val_is_named(data):
    X, y, X_val, y_val = data
    bad = X_val.astype(object)
    bad[0, 0] = "a string"
    with pytest.raises(ValueError, match=r"^Invalid X_val: could not convert"):
        fit(classifier(), X, y, X_val=bad, y_val=y_val)


def test_bad_sample_weight_val_is_named(data):
    X, y, X_val, y_val = data
    weights = np.ones(len(y_val), dtype=object)
    weights[0] = "heavy"
    with pytest.raises(ValueError, match=r"^Invalid sample_weight_val: "):
        fit(classifier(), X, y, X_val=X_val, y_val=y_val, sample_weight_val=weights)


def test_sparse_x_val_is_accepted_and_scores_as_dense(data):
    X, y, X_val, y_val = data
    dense = fit(classifier(), X, y, X_val=X_val, y_val=y_val)
    sparse = fit(classifier(), X, y, X_val=sp.csr_matrix(X_val), y_val=y_val)
    assert sparse.validation_scores_ == pytest.approx(dense.validation_scores_)
    assert sparse.validation_loss_curve_ == pytest.approx(dense.validation_loss_curve_)


def test_x_val_keeps_the_feature_names_of_x(data):
    X, y, X_val, y_val = data
    frame = pd.DataFrame(X, columns=list("abcd"))
    model = fit(
        classifier(),
        frame,
        y,
        X_val=pd.DataFrame(X_val, columns=list("abcd")),
        y_val=y_val,
    )
    np.testing.assert_array_equal(model.feature_names_in_, list("abcd"))
    other = pd.DataFrame(X_val, columns=list("wxyz"))
    with pytest.raises(ValueError, match="feature names should match"):
        fit(classifier(), frame, y, X_val=other, y_val=y_val)


def test_a_column_y_val_warns_and_fits_as_1d(data):
    X, y, X_val, y_val = data
    flat = fit(classifier(), X, y, X_val=X_val, y_val=y_val)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = classifier().fit(X, y, X_val=X_val, y_val=y_val[:, np.newaxis])
    assert column.validation_scores_ == flat.validation_scores_


def test_two_output_y_val_stays_two_output():
    X, Y = make_regression(80, 4, n_targets=2, random_state=0)
    Y = Y / 100
    model = fit(regressor(), X[:60], Y[:60], X_val=X[60:], y_val=Y[60:])
    assert model.predict(X[60:]).shape == (20, 2)
    assert np.isfinite(model.validation_scores_).all()
    assert DeepEnsembleRegressor().__sklearn_tags__().target_tags.multi_output


@pytest.mark.parametrize("n_y", [19, 21])
def test_x_val_and_y_val_of_different_lengths_are_refused(data, n_y):
    X, y, X_val, _ = data
    y_val = np.resize(y[:n_y], n_y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        fit(classifier(), X, y, X_val=X_val, y_val=y_val)
