"""Hypothesis fuzzing of bad input: a correct fit or a clear, typed error.

Each generated case feeds malformed X, y and sample_weight to fit, partial_fit
or predict of either estimator. It must end in a fit whose predictions are
finite, or in a ValueError/TypeError whose message names an argument that really is
malformed (not merely the "Invalid X:" prefix the package adds: that prefix
must name a bad argument too) and says what is wrong with it. Never another
exception, a hang, a NaN prediction or a mutated input.
"""

import re
import warnings
from typing import NamedTuple

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor

CASES_PER_TEST = 130  # x 4 tests = 520 cases per run
ARGUMENT = re.compile(r"\b(X|y|sample_weight|classes)\b")
PREFIX = re.compile(r"^Invalid (\w+): ")
#: What a message must say about the problem, beyond naming the argument.
PROBLEM = re.compile(
    r"NaN|infinity|finite|dim|\dD\b|shape|sample|feature|string|convert|"
    r"[Cc]omplex|sparse|[Nn]egative|zero|inconsistent|label|class|diverged|"
    r"numeric|dtype|sequence|inhomogeneous|too large",
)
#: Kinds of X that are valid input (given at least one row and one column).
VALID_X = {"ok", "constant", "int", "list", "sparse"}


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
    return X, kind


def n_columns(X):
    """Columns of a 2-D X (of its first row if a list); 0 if not 2-D."""
    if isinstance(X, list):
        return len(X[0]) if X and isinstance(X[0], list) else 0
    return X.shape[1] if X.ndim == 2 else 0


class Kinds(NamedTuple):
    """How each generated argument was made (see the strategies)."""

    x: str
    y: str
    sample_weight: str
    y_value: object


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
    return y, kind


@st.composite
def weights(draw, n):
    kind = draw(
        st.sampled_from(
            ["none", "none", "ok", "negative", "zeros", "short", "nan", "huge"]
        )
    )
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    if kind == "none":
        return None, kind
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
    return w, kind


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


def malformed(Estimator, method, X, kinds):
    """The arguments a correct error may blame: every one that is malformed.

    Generous where validity is a judgement call (a one-class target, huge
    values that make training diverge), strict where it is not: a valid
    ``sample_weight`` must never be blamed, nor a valid ``X``.
    """
    x_kind, y_kind, w_kind = kinds.x, kinds.y, kinds.sample_weight
    n = n_rows(X)
    width = n_columns(X)
    bad = set()
    if x_kind not in VALID_X or n == 0 or width == 0:
        bad.add("X")
    if method == "predict":
        if width != 3:  # fitted on 3 features
            bad.add("X")
        return bad
    classifier = Estimator is NumpyMLPClassifier
    y_length = n_rows(kinds.y_value)
    wrong_length = y_length != n or y_length == 0
    if wrong_length or y_kind in ("nan", "huge") or (classifier and y_kind != "ok"):
        bad |= {"y", "classes"}
    if not classifier and y_kind == "strings":
        bad.add("y")
    if w_kind not in ("none", "ok"):
        bad.add("sample_weight")
    return bad


def check_message(message, bad):
    """The message blames a malformed argument and says what is wrong."""
    prefixed = PREFIX.match(message)
    body = message[prefixed.end() :] if prefixed else message
    named = {prefixed.group(1)} if prefixed else set(ARGUMENT.findall(body))
    if named:
        assert named & bad, f"blames {named}, but the malformed ones are {bad}"
    else:  # no argument named: only divergence on huge values may say so
        assert "diverged" in body, message
    assert PROBLEM.search(body), message


def run_case(Estimator, method, X, y, sample_weight, kinds):
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
        check_message(str(exc), malformed(Estimator, method, X, kinds))
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
        X, x_kind = data.draw(matrices())
        n = n_rows(X)
        y, y_kind = data.draw(targets(n, Estimator is NumpyMLPClassifier))
        sample_weight, w_kind = data.draw(weights(n))
        kinds = Kinds(x_kind, y_kind, w_kind, y)
        run_case(Estimator, method, X, y, sample_weight, kinds)

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
