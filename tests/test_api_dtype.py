"""``dtype`` as users write it: strings, NumPy types and dtype objects (issue 21, 7)."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.utils._param_validation import InvalidParameterError

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor

X, y = make_classification(n_samples=60, n_features=5, random_state=0)


@pytest.mark.parametrize("Estimator", [NumpyMLPClassifier, NumpyMLPRegressor])
@pytest.mark.parametrize("name", ["float32", "float64"])
def test_numpy_spellings_train_like_the_string(Estimator, name):
    kwargs = dict(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    reference = Estimator(dtype=name, **kwargs).fit(X, y)
    for spelling in (getattr(np, name), np.dtype(name)):
        est = Estimator(dtype=spelling, **kwargs).fit(X, y)
        assert est.coefs_[0].dtype == np.dtype(name)
        np.testing.assert_array_equal(est.coefs_[0], reference.coefs_[0])
        assert est.loss_curve_ == reference.loss_curve_
        assert est.get_params()["dtype"] is spelling  # stored as given


@pytest.mark.parametrize("bad", [np.int32, np.dtype("int64"), "float16", np.float16])
def test_other_dtypes_are_rejected_with_sklearns_error(bad):
    with pytest.raises(InvalidParameterError, match="The 'dtype' parameter"):
        NumpyMLPClassifier(dtype=bad).fit(X, y)


def test_numpy_dtype_survives_clone_and_search():
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score

    est = NumpyMLPClassifier(hidden_layer_sizes=(4,), max_iter=5, dtype=np.float32)
    assert clone(est).dtype is np.float32
    scores = cross_val_score(est.set_params(random_state=0), X, y, cv=2)
    assert np.isfinite(scores).all()
