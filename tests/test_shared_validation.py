"""Validation shared by the fits of one stack plan (``_training/shared_validation``)."""

import numpy as np
import pandas as pd
from sklearn.datasets import load_iris

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn._training.shared_validation import sharing_validation, validate_input
from sknumpynn._training.together import fit_together


def _frame():
    X, y = load_iris(return_X_y=True)
    X = pd.DataFrame((X - X.mean(0)) / X.std(0), columns=list("abcd"))
    return X, np.array(["setosa", "versicolor", "virginica"])[y]


def test_fits_sharing_validation_equal_their_own_fits():
    """Several candidates on one X, y: each fitted as by its own ``fit``, with
    attributes of its own (not the first fit's objects)."""
    X, y = _frame()
    estimators = [
        NumpyMLPClassifier(hidden_layer_sizes=(5,), alpha=a, max_iter=5, random_state=0)
        for a in (1e-4, 1e-1, 1.0)
    ]
    results = fit_together(estimators, [(X, y, None)] * 3)
    fitted = [est for est, error in results]
    assert all(error is None for _, error in results)
    for est, fit in zip(estimators, fitted):
        own = est.fit(X, y)
        np.testing.assert_array_equal(fit.classes_, own.classes_)
        np.testing.assert_array_equal(fit.feature_names_in_, own.feature_names_in_)
        assert fit.n_features_in_ == 4
        np.testing.assert_allclose(fit.loss_curve_, own.loss_curve_, rtol=1e-9)
        np.testing.assert_array_equal(fit.predict(X), own.predict(X))
    first, second = fitted[0], fitted[1]
    assert first.classes_ is not second.classes_
    assert first._label_binarizer is not second._label_binarizer
    assert first.feature_names_in_ is not second.feature_names_in_


def test_shared_validation_keys_on_the_data_and_the_class():
    """Other rows, other targets or another class validate anew."""
    X, y = _frame()
    with sharing_validation():
        first = NumpyMLPClassifier()
        X1, Y1 = validate_input(first, X, y, False, True, np.float64)
        other = NumpyMLPClassifier()
        X2, Y2 = validate_input(other, X.iloc[:100], y[:100], False, True, np.float64)
        assert Y1.shape == (150, 3) and Y2.shape == (100, 1)
        np.testing.assert_array_equal(other.classes_, ["setosa", "versicolor"])
        reg = NumpyMLPRegressor()
        target = np.arange(150.0)
        X3, Y3 = validate_input(reg, X, target, False, True, np.float64)
        assert Y3.shape == (150, 1) and not hasattr(reg, "classes_")
        again = NumpyMLPClassifier()
        X4, Y4 = validate_input(again, X, y, False, True, np.float64)
        assert X4 is X1 and Y4 is Y1  # the same validated arrays
        np.testing.assert_array_equal(again.classes_, first.classes_)


def test_validation_errors_are_not_shared():
    """A fit whose data fail validation fails on its own, every time."""
    X, y = _frame()
    bad = X.copy()
    bad.iloc[0, 0] = np.nan
    estimators = [NumpyMLPClassifier(max_iter=2, random_state=0)] * 2
    results = fit_together(estimators, [(bad, y, None)] * 2)
    for fitted, error in results:
        assert fitted is None and isinstance(error, ValueError)
        assert "NaN" in str(error)


def test_no_sharing_outside_the_context():
    X, y = _frame()
    a, b = NumpyMLPClassifier(), NumpyMLPClassifier()
    Xa, Ya = validate_input(a, X, y, False, True, np.float64)
    Xb, Yb = validate_input(b, X, y, False, True, np.float64)
    assert Ya is not Yb
