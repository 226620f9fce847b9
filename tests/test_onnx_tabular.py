"""ONNX export of the tabular MLPs: onnxruntime's outputs equal predict, predict_proba.

Float64 input must agree within 1e-9 (measured: 1e-15). Float32 input gives
float32 outputs (skl2onnx's rule) computed in float64, as ``predict`` computes
(the encoder casts the input to float64 exactly), and rounded once: within one
float32 ulp, ``2**-23`` relative to the largest value (measured: half an ulp,
3e-8 for probabilities).
"""

import numpy as np
import onnxruntime as ort
import pytest
from skl2onnx import convert_sklearn, to_onnx
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder, StandardScaler

import sknumpynn.onnx  # noqa: F401  (registers the converters)
from sknumpynn import TabularMLPClassifier, TabularMLPRegressor

#: Agreement required of onnxruntime, per input dtype (see the module docstring).
TOL = {np.float64: 1e-9, np.float32: 2.0**-23}

#: Small and quick: the graph, not the fit, is under test.
FAST = dict(hidden_layer_sizes=(8, 6), max_iter=3, random_state=0)

#: The numeric-coded categorical columns of :func:`table`.
CATEGORICAL = [3, 4]

#: Model settings: the default stage, no stage, stage without the scale.
STAGES = {
    "pbld+scaling": {},
    "no-embedding": {"numerical_embedding": None},
    "no-scaling": {"scaling_layer": False},
}


def table(n=120, seed=0):
    """Numeric, with missing values, a constant column and two numeric-coded
    categorical columns (5 levels with missing values; 2 levels)."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 6))
    X[rng.rand(n) < 0.2, 1] = np.nan  # imputed, plus a missing indicator
    X[:, 2] = 5.0  # constant: dropped
    X[:, 3] = rng.randint(0, 5, n)
    X[rng.rand(n) < 0.1, 3] = np.nan
    X[:, 4] = rng.choice([-1.5, 3.0], n)
    return X, rng


def new_rows(X):
    """Test rows: unseen and missing levels, NaN where training had none."""
    X = X.copy()
    X[0, 3], X[1, 4], X[2, 3] = 17.0, 8.0, np.nan  # unseen, unseen, missing
    X[3, 4], X[4, 0], X[5, 2] = np.nan, np.nan, np.nan  # missing everywhere
    X[6, 0], X[7, 5] = 1e6, -1e6  # far out: smooth clip
    return X


def session(model, X, **options):
    """An onnxruntime session of ``model`` exported with a sample of ``X``."""
    onx = to_onnx(model, X[:1], options=options or None)
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


def run(sess, X):
    return sess.run(None, {sess.get_inputs()[0].name: X})


def assert_close(actual, desired, tol):
    """Within ``tol``, relative to the values' scale (absolute below 1)."""
    desired = np.asarray(desired)
    scale = max(1.0, float(np.abs(desired).max()))
    np.testing.assert_allclose(actual, desired, rtol=0, atol=tol * scale)


def assert_classifier_matches(clf, X):
    """Labels equal, probabilities and logits within the input dtype's TOL."""
    labels, proba = run(session(clf, X, zipmap=False), X)
    np.testing.assert_array_equal(labels, clf.predict(X))
    assert_close(proba, clf.predict_proba(X), TOL[X.dtype.type])
    _, raw = run(session(clf, X, zipmap=False, raw_scores=True), X)
    logits = clf.mlp_._forward(clf._encode(X), output_activation="identity")
    if logits.shape[1] == 1:
        logits = np.hstack([-logits, logits])
    assert_close(raw, logits, TOL[X.dtype.type])
    assert proba.dtype == X.dtype and raw.dtype == X.dtype


def labels_of(kind, rng, n):
    ints = rng.randint(0, 3, n)
    return {
        "binary-int": ints % 2 * 5 - 1,
        "binary-str": np.array(["no", "yes"])[ints % 2],
        "multiclass-int": ints * 7,
        "multiclass-str": np.array(["a", "bb", "c"])[ints],
    }[kind]


@pytest.mark.parametrize("model_dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "kind", ["binary-int", "binary-str", "multiclass-int", "multiclass-str"]
)
def test_classifier(kind, model_dtype):
    X, rng = table()
    clf = TabularMLPClassifier(
        categorical_features=CATEGORICAL, dtype=model_dtype, **FAST
    ).fit(X, labels_of(kind, rng, len(X)))
    for dtype in (np.float64, np.float32):
        assert_classifier_matches(clf, new_rows(X).astype(dtype))


@pytest.mark.parametrize("stage", STAGES)
def test_classifier_stages(stage):
    X, rng = table()
    clf = TabularMLPClassifier(
        categorical_features=CATEGORICAL, **FAST, **STAGES[stage]
    )
    clf.fit(X, labels_of("multiclass-int", rng, len(X)))
    assert (clf.mlp_._stage is None) == (stage == "no-embedding")
    assert_classifier_matches(clf, new_rows(X))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("stage", STAGES)
def test_regressor(stage, dtype):
    X, rng = table()
    y = 3 * np.nan_to_num(X[:, 0]) + X[:, 4] + rng.normal(size=len(X)) + 10
    reg = TabularMLPRegressor(categorical_features=CATEGORICAL, **FAST, **STAGES[stage])
    reg.fit(X, y)
    Xt = new_rows(X).astype(dtype)
    (pred,) = run(session(reg, Xt), Xt)
    assert pred.shape == (len(Xt), 1) and pred.dtype == dtype
    assert_close(pred.ravel(), reg.predict(Xt), TOL[dtype])


def test_regressor_clips_to_the_training_range():
    X, rng = table()
    reg = TabularMLPRegressor(**FAST).fit(X, rng.normal(size=len(X)))
    middle = np.median(reg.predict(X))
    reg.y_range_ = (middle - 0.01, middle + 0.01)  # most rows clipped
    (pred,) = run(session(reg, X), X)
    assert np.isin(pred.ravel(), reg.y_range_).mean() > 0.5
    assert_close(pred.ravel(), reg.predict(X), TOL[np.float64])


def test_infrequent_levels_and_edge_columns():
    """max_categories groups levels (unseen ones join the infrequent input, as
    in the encoder); an all-NaN column keeps only its indicator; a one-level
    categorical column is one input."""
    X, rng = table()
    X[:, 2] = np.nan
    X[:, 5] = 2.0
    clf = TabularMLPClassifier(
        categorical_features=[3, 4, 5], max_categories=3, **FAST
    ).fit(X, rng.randint(0, 2, len(X)))
    assert clf._encoder.categories_[3].infrequent
    assert_classifier_matches(clf, new_rows(X))


def test_every_column_constant():
    X = np.tile([[1.0, 2.0]], (20, 1))
    X[::3, 1] = np.nan  # only the indicator is informative
    clf = TabularMLPClassifier(**FAST).fit(X, np.arange(20) % 2)
    assert_classifier_matches(clf, X)
    clf.fit(np.ones((20, 2)), np.arange(20) % 2)  # nothing: one zero input
    assert_classifier_matches(clf, np.array([[1.0, np.nan], [3.0, 4.0]]))


def test_classifier_options():
    X, rng = table()
    y = np.array(["cat", "dog", "eel"])[rng.randint(0, 3, len(X))]
    clf = TabularMLPClassifier(**FAST).fit(X, y)
    X32 = new_rows(X).astype(np.float32)
    proba = clf.predict_proba(X32)
    labels, dicts = run(session(clf, X32), X32)  # zipmap=True, the default
    np.testing.assert_array_equal(labels, clf.predict(X32))
    got = np.array([[row[c] for c in clf.classes_] for row in dicts])
    assert_close(got, proba, TOL[np.float32])
    sess = session(clf, X32, zipmap="columns")
    outputs = dict(zip([o.name for o in sess.get_outputs()], run(sess, X32)))
    assert_close(outputs["sdog"], proba[:, 1], TOL[np.float32])
    _, _, classes = run(session(clf, X32, zipmap=False, output_class_labels=True), X32)
    np.testing.assert_array_equal(classes, clf.classes_)
    indices, _ = run(session(clf, X32, zipmap=False, nocl=True), X32)
    np.testing.assert_array_equal(clf.classes_[indices], clf.predict(X32))


def test_inside_pipeline_with_convert_sklearn():
    X, rng = table()
    y = rng.randint(0, 3, len(X))
    pipe = make_pipeline(StandardScaler(), TabularMLPClassifier(**FAST)).fit(X, y)
    onx = convert_sklearn(
        pipe,
        initial_types=[("input", DoubleTensorType([None, X.shape[1]]))],
        options={id(pipe[-1]): {"zipmap": False}},
    )
    sess = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    Xt = new_rows(X)
    labels, proba = run(sess, Xt)
    np.testing.assert_array_equal(labels, pipe.predict(Xt))
    assert_close(proba, pipe.predict_proba(Xt), TOL[np.float64])
    reg = make_pipeline(StandardScaler(), TabularMLPRegressor(**FAST)).fit(X, y)
    onx = convert_sklearn(reg, initial_types=[("input", FloatTensorType([None, 6]))])
    sess = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (pred,) = run(sess, Xt.astype(np.float32))
    # StandardScaler's graph computes in float32 here, ours in float64.
    assert_close(pred.ravel(), reg.predict(Xt.astype(np.float32)), 1e-5)


def test_string_categories_through_an_ordinal_encoder():
    """The documented route for string categories: numbers before the model
    (unknown levels -> NaN -> all zeros, as the encoder treats them)."""
    pd = pytest.importorskip("pandas")
    X, rng = table()
    frame = pd.DataFrame(
        {"colour": rng.choice(["red", "green", "blue"], len(X)).astype(object)}
    ).join(pd.DataFrame(X[:, :3], columns=["a", "b", "c"]))
    encode = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)
    pipe = make_pipeline(
        ColumnTransformer([("cat", encode, ["colour"])], remainder="passthrough"),
        TabularMLPClassifier(categorical_features=[0], **FAST),
    ).fit(frame, rng.randint(0, 2, len(X)))
    onx = to_onnx(pipe, frame[:1], options={id(pipe[-1]): {"zipmap": False}})
    sess = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    frame.loc[0, "colour"] = "purple"
    feeds = {c: frame[c].to_numpy().reshape(-1, 1) for c in frame.columns}
    labels, proba = sess.run(None, feeds)
    np.testing.assert_array_equal(labels, pipe.predict(frame))
    assert_close(proba, pipe.predict_proba(frame), TOL[np.float64])


def test_unsupported_inputs_raise_clear_errors():
    pd = pytest.importorskip("pandas")
    X, rng = table()
    y = rng.randint(0, 2, len(X))
    clf = TabularMLPClassifier(**FAST).fit(X, y)
    with pytest.raises(NotImplementedError, match="zipmap=True is not supported"):
        to_onnx(clf, X[:1])  # float64 input: ZipMap takes float32 only
    frame = pd.DataFrame({"size": X[:, 0], "colour": np.where(y, "red", "blue")})
    clf = TabularMLPClassifier(**FAST).fit(frame, y)
    with pytest.raises(NotImplementedError, match="got 2 inputs.*to_numpy"):
        to_onnx(clf, frame[:1], options={"zipmap": False})
    with pytest.raises(NotImplementedError, match="does not support string input"):
        to_onnx(clf, frame.to_numpy()[:1], options={"zipmap": False})
    with pytest.raises(NotImplementedError, match="column 'colour' has levels"):
        convert_sklearn(
            clf,
            initial_types=[("X", DoubleTensorType([None, 2]))],
            options={"zipmap": False},
        )
    reg = TabularMLPRegressor(**FAST).fit(frame, X[:, 0])
    with pytest.raises(NotImplementedError, match="numeric categorical columns only"):
        convert_sklearn(reg, initial_types=[("X", FloatTensorType([None, 2]))])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ensembles_export_as_one_averaging_graph(dtype):
    """n_ensemble > 1: one graph, the encoding shared, the members averaged."""
    X, rng = table()
    y = labels_of("multiclass-str", rng, X.shape[0])
    params = dict(FAST, categorical_features=CATEGORICAL, n_ensemble=3)
    clf = TabularMLPClassifier(**params).fit(X, y)
    assert len(clf.mlp_.estimators_) == 3
    Xt = new_rows(X).astype(dtype)
    labels, proba = run(session(clf, Xt, zipmap=False), Xt)
    np.testing.assert_array_equal(labels, clf.predict(Xt))
    assert_close(proba, clf.predict_proba(Xt), TOL[dtype])
    with pytest.raises(NotImplementedError, match="has no raw_scores"):
        session(clf, Xt, zipmap=False, raw_scores=True)
    reg = TabularMLPRegressor(**params).fit(X, X[:, 0] * 3 + rng.normal(size=120))
    (pred,) = run(session(reg, Xt), Xt)
    assert_close(pred.ravel(), reg.predict(Xt), TOL[dtype])
