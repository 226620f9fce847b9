"""Hypothesis fuzzing of bad input: a correct fit or a clear, typed error.

Each generated case feeds malformed X, y and sample_weight to fit, partial_fit
or predict of either estimator. It must end in a fit whose predictions are
finite, or in a ValueError/TypeError whose message names the argument and the
problem. Never another exception, a hang, a NaN prediction or a mutated input.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor

CASES_PER_TEST = 130  # x 4 tests = 520 cases per run
NAMES_ARGUMENT = re.compile(
    r"\b(X|y|sample_weight|classes|input|Input|array|sample|feature|class|label|"
    r"target|weight)s?\b"
)


@st.composite
def matrices(draw):
    n = draw(st.sampled_from([0, 1, 2, 3, 8, 25]))
    f = draw(st.sampled_from([0, 1, 3]))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(n, f))
    kind = draw(
        st.sampled_from(
            [
                "ok",
                "nan",
                "inf",
                "-inf",
                "huge",
                "constant",
                "strings",
                "object",
                "1d",
                "3d",
                "complex",
                "sparse",
                "sparse_nan",
                "int",
                "list",
                "ragged",
            ]
        )
    )
    if X.size and kind in ("nan", "inf", "-inf", "sparse_nan"):
        X[rng.randint(n), rng.randint(f)] = {"inf": np.inf, "-inf": -np.inf}.get(
            kind, np.nan
        )
    if kind == "huge":
        X *= 1e30
    elif kind == "constant" and X.size:
        X[:, 0] = 7.0
    elif kind == "strings":
        X = np.array([[f"v{i}" for i in range(f)]] * n, dtype=object).reshape(n, f)
    elif kind == "object":
        X = X.astype(object)
    elif kind == "1d":
        X = X.ravel()
    elif kind == "3d":
        X = X.reshape(n, f, 1)
    elif kind == "complex":
        X = X + 1j
    elif kind in ("sparse", "sparse_nan"):
        X = sp.csr_matrix(X)
    elif kind == "int":
        X = (X * 100).astype(np.int64)
    elif kind == "list":
        X = X.tolist()
    elif kind == "ragged" and n > 1 and f > 0:
        X = [list(row) for row in X]
        X[0] = X[0] + [1.0]
    return X


def n_rows(X):
    if sp.issparse(X) or isinstance(X, np.ndarray):
        return X.shape[0]
    return len(X)


@st.composite
def targets(draw, n, classification):
    length = draw(st.sampled_from([n, n, n, max(n - 1, 0), n + 2]))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    kind = draw(
        st.sampled_from(["ok", "ok", "nan", "strings", "2d", "one_class", "huge"])
    )
    y = rng.randint(0, 3, size=length).astype(float)
    if kind == "nan" and length:
        y[0] = np.nan
    elif kind == "strings":
        y = np.array(["a", "b", "c"] * length, dtype=object)[:length]
    elif kind == "2d":
        y = rng.randint(0, 2, size=(length, 2)).astype(float)
    elif kind == "one_class":
        y = np.zeros(length)
    elif kind == "huge" and not classification:
        y = y * 1e30
    return y


@st.composite
def weights(draw, n):
    kind = draw(
        st.sampled_from(
            ["none", "none", "ok", "negative", "zeros", "short", "nan", "huge"]
        )
    )
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    if kind == "none":
        return None
    w = rng.uniform(0.1, 3.0, size=n)
    if kind == "negative" and n:
        w[0] = -1.0
    elif kind == "zeros":
        w[:] = 0
    elif kind == "short":
        w = w[:-1] if n else np.ones(2)
    elif kind == "nan" and n:
        w[-1] = np.nan
    elif kind == "huge":
        w *= 1e30
    return w


def snapshot(value):
    if value is None:
        return None
    if sp.issparse(value):
        return value.copy()
    if isinstance(value, list):
        return [list(r) if isinstance(r, list) else r for r in value]
    return np.array(value, copy=True)


def same(before, after):
    if before is None:
        return after is None
    if sp.issparse(before):
        return (before != after).nnz == 0 or np.array_equal(
            before.toarray(), after.toarray(), equal_nan=True
        )
    if isinstance(before, list):
        return before == after or repr(before) == repr(after)
    try:
        return np.array_equal(before, after, equal_nan=True)
    except TypeError:
        return np.array_equal(before, after)


def run_case(Estimator, method, X, y, sample_weight):
    est = Estimator(hidden_layer_sizes=(3,), max_iter=3, random_state=0)
    copies = snapshot(X), snapshot(y), snapshot(sample_weight)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "predict":
                rng = np.random.RandomState(0)
                ok_X = rng.normal(size=(10, 3))
                ok_y = np.arange(10) % 2
                est.fit(ok_X, ok_y)
                out = est.predict(X)
            else:
                kwargs = {"sample_weight": sample_weight}
                if method == "partial_fit" and Estimator is NumpyMLPClassifier:
                    kwargs["classes"] = np.unique(
                        np.asarray(y, dtype=object).astype(str)
                    )
                    if np.asarray(y).dtype.kind == "f":
                        kwargs["classes"] = np.unique(np.asarray(y)[~np.isnan(y)])
                getattr(est, method)(X, y, **kwargs)
                out = est.predict(X)
        assert (
            np.all(np.isfinite(np.asarray(out, dtype=float)))
            if (Estimator is NumpyMLPRegressor)
            else True
        )
        if Estimator is NumpyMLPClassifier:
            assert np.isfinite(est.predict_proba(X)).all()
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert message and NAMES_ARGUMENT.search(message), message
    for before, after in zip(copies, (X, y, sample_weight)):
        assert same(before, after), "input was mutated"


def fuzz_test(Estimator, method):
    @settings(
        max_examples=CASES_PER_TEST,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def test(data):
        X = data.draw(matrices())
        n = n_rows(X)
        y = data.draw(targets(n, Estimator is NumpyMLPClassifier))
        sample_weight = data.draw(weights(n))
        run_case(Estimator, method, X, y, sample_weight)

    return test


test_fuzz_classifier_fit = fuzz_test(NumpyMLPClassifier, "fit")
test_fuzz_regressor_fit = fuzz_test(NumpyMLPRegressor, "fit")
test_fuzz_classifier_partial_fit = fuzz_test(NumpyMLPClassifier, "partial_fit")
test_fuzz_regressor_predict = fuzz_test(NumpyMLPRegressor, "predict")


@pytest.mark.parametrize("Estimator", [NumpyMLPClassifier, NumpyMLPRegressor])
def test_huge_features_diverge_cleanly(Estimator):
    """Features around 1e15: a warning and finite predictions, or a clear error."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 3)) * 1e15
    y = np.arange(50) % 2
    est = Estimator(learning_rate_init=10.0, random_state=0, max_iter=20)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
    except ValueError as exc:
        assert "diverged" in str(exc) or "non-finite" in str(exc)
    else:
        assert np.isfinite(est.predict(X).astype(float)).all()
