"""Hidden-layer features: ``transform``, ``transform_layer``,
``get_feature_names_out`` (issue 21, item 5; scikit-learn #8291)."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import norm
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)


def by_hand(estimator, X, layer):
    """The hidden activations, written out: H_l = f_l(H_{l-1} W_l + b_l)."""
    functions = {
        "relu": lambda z: np.maximum(z, 0),
        "tanh": np.tanh,
        "gelu": lambda z: z * norm.cdf(z),
    }
    names = estimator.activation
    names = [names] * (len(estimator.coefs_) - 1) if isinstance(names, str) else names
    H = X
    for W, b, name in zip(estimator.coefs_, estimator.intercepts_, names[: layer + 1]):
        H = functions[name](H @ W + b)
    return H


@pytest.mark.parametrize("layer", [0, 1, -1, -2])
def test_transform_is_the_hidden_layers_activation(layer):
    clf = NumpyMLPClassifier(
        hidden_layer_sizes=(7, 5),
        activation=["tanh", "gelu"],
        max_iter=30,
        random_state=0,
        transform_layer=layer,
    ).fit(X, y)
    H = clf.transform(X)
    np.testing.assert_allclose(H, by_hand(clf, X, layer % 2), rtol=1e-12)
    assert H.shape == (150, (7, 5)[layer])
    names = clf.get_feature_names_out()
    assert list(names) == [f"numpymlpclassifier{i}" for i in range(H.shape[1])]


def test_default_is_the_last_hidden_layer_and_predictions_are_unchanged():
    clf = NumpyMLPClassifier(hidden_layer_sizes=(6, 4), max_iter=30, random_state=0)
    clf.fit(X, y)
    before = clf.predict_proba(X)
    np.testing.assert_allclose(clf.transform(X), by_hand(clf, X, 1), rtol=1e-12)
    # The last hidden layer's features and the output weights give the logits.
    logits = clf.transform(X) @ clf.coefs_[-1] + clf.intercepts_[-1]
    np.testing.assert_allclose(
        np.exp(logits) / np.exp(logits).sum(1, keepdims=True), before, rtol=1e-10
    )
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_a_fitted_mlp_feeds_another_model_in_a_pipeline():
    pipe = make_pipeline(
        NumpyMLPClassifier(hidden_layer_sizes=(8,), max_iter=100, random_state=0),
        LogisticRegression(),
    ).fit(X, y)
    mlp, logistic = pipe[0], pipe[-1]
    assert logistic.n_features_in_ == 8
    np.testing.assert_array_equal(pipe.predict(X), logistic.predict(mlp.transform(X)))
    assert pipe.score(X, y) > 0.9
    assert len(pipe[:-1].get_feature_names_out()) == 8


def test_regressor_sparse_and_float32_and_pandas_output():
    Xr, yr = make_regression(n_samples=80, n_features=5, random_state=0)
    reg = NumpyMLPRegressor(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    reg.fit(Xr.astype(np.float32), yr)
    H = reg.transform(Xr.astype(np.float32))
    assert H.dtype == np.float32 and H.shape == (80, 6)
    np.testing.assert_allclose(reg.transform(sp.csr_matrix(Xr)), H, rtol=1e-5)
    pytest.importorskip("pandas")
    frame = reg.set_output(transform="pandas").transform(Xr)
    assert list(frame.columns) == [f"numpymlpregressor{i}" for i in range(6)]


def test_bad_layer_and_unfitted_fail_clearly():
    with pytest.raises(NotFittedError):
        NumpyMLPClassifier().transform(X)
    clf = NumpyMLPClassifier(hidden_layer_sizes=(4, 3), max_iter=5, transform_layer=2)
    clf.fit(X, y)
    with pytest.raises(
        ValueError, match=r"transform_layer=2 is out of range.*\[-2, 1\]"
    ):
        clf.transform(X)
    with pytest.raises(ValueError, match="transform_layer=2 is out of range"):
        clf.get_feature_names_out()


@parametrize_with_checks(
    [NumpyMLPRegressor(hidden_layer_sizes=(6, 5), transform_layer=0, activation="elu")]
)
def test_sklearn_checks_with_a_transform_layer(estimator, check):
    check(estimator)
