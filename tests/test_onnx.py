"""ONNX export: onnxruntime's outputs equal our predict, predict_proba, logits."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from scipy.special import ndtr
from skl2onnx import convert_sklearn, to_onnx
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import sknumpynn.onnx  # noqa: F401  (registers the converters)
from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.datasets import fetch_mnist, load_boston, load_diamonds, load_heart
from sknumpynn.nn.activations import HIDDEN_ACTIVATIONS
from sknumpynn.onnx._graph import ndtr_polynomial

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

#: Agreement required of onnxruntime, per model dtype.
TOL = {np.float32: 1e-5, np.float64: 1e-9}


def session(model, X, **options):
    """An onnxruntime session of ``model`` exported with a sample of ``X``."""
    onx = to_onnx(model, X[:1], options=options or None)
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


def run(sess, X):
    return sess.run(None, {sess.get_inputs()[0].name: X})


def random_data(dtype, n=80, n_features=6, seed=0):
    rng = np.random.RandomState(seed)
    return rng.normal(size=(n, n_features)).astype(dtype), rng


def targets(kind, rng, n):
    ints = rng.randint(0, 3, n)
    return {
        "binary-int": ints % 2 * 5 - 1,
        "binary-bool": ints % 2 == 1,
        "binary-str": np.array(["no", "yes"])[ints % 2],
        "multiclass-int": ints * 7,
        "multiclass-str": np.array(["a", "bb", "c"])[ints],
        "multiclass-float": ints.astype(float),
        "multilabel": rng.randint(0, 2, (n, 3)),
    }[kind]


def assert_close(actual, desired, tol):
    """Within ``tol``, relative to the values' scale (absolute below 1)."""
    desired = np.asarray(desired)
    scale = max(1.0, float(np.abs(desired).max()))
    np.testing.assert_allclose(actual, desired, rtol=0, atol=tol * scale)


def assert_classifier_matches(clf, X, tol):
    """Labels equal; probabilities and logits within ``tol``."""
    labels, proba = run(session(clf, X, zipmap=False), X)
    np.testing.assert_array_equal(labels, clf.predict(X))
    assert_close(proba, clf.predict_proba(X), tol)
    _, raw = run(session(clf, X, zipmap=False, raw_scores=True), X)
    logits = clf._forward(X, output_activation="identity")
    if logits.shape[1] == 1:
        logits = np.hstack([-logits, logits])
    assert_close(raw, logits, tol)
    assert proba.dtype == X.dtype and raw.dtype == X.dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "kind",
    [
        "binary-int",
        "binary-bool",
        "binary-str",
        "multiclass-int",
        "multiclass-str",
        "multiclass-float",
        "multilabel",
    ],
)
def test_classifier(kind, dtype):
    X, rng = random_data(dtype)
    y = targets(kind, rng, len(X))
    clf = NumpyMLPClassifier((7, 5), max_iter=20, random_state=0).fit(X, y)
    assert clf.coefs_[0].dtype == dtype
    assert_classifier_matches(clf, X, TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "activation", [*sorted(HIDDEN_ACTIVATIONS), ["gelu", "elu", "leaky_relu"]]
)
def test_every_hidden_activation(activation, dtype):
    """Large weights push every activation into its tails (GELU's CDF too)."""
    X, rng = random_data(dtype)
    n_layers = len(activation) if isinstance(activation, list) else 2
    clf = NumpyMLPClassifier(
        (8,) * n_layers, activation=activation, max_iter=5, random_state=0
    ).fit(X, rng.randint(0, 3, len(X)))
    for W in clf.coefs_:
        W *= 4
    assert_classifier_matches(clf, X, TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss", ["squared_error", "poisson", "huber"])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_regressor(n_outputs, loss, dtype):
    X, rng = random_data(dtype)
    y = np.abs(rng.normal(size=(len(X), n_outputs))).squeeze()
    reg = NumpyMLPRegressor(
        loss, (9, 4), activation="tanh", max_iter=20, random_state=0
    ).fit(X, y)
    assert reg.out_activation_ == ("exp" if loss == "poisson" else "identity")
    (pred,) = run(session(reg, X), X)
    assert pred.shape == (len(X), n_outputs) and pred.dtype == dtype
    assert_close(pred.squeeze(), reg.predict(X), TOL[dtype])


def test_double_model_stays_double_with_float32_input():
    X, rng = random_data(np.float64)
    reg = NumpyMLPRegressor(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    reg.fit(X, rng.normal(size=len(X)))
    X32 = X.astype(np.float32)
    (pred,) = run(session(reg, X32), X32)
    assert pred.dtype == np.float32  # skl2onnx's rule for the output type
    # ... but computed in float64: exactly our prediction, rounded once.
    expected = reg.predict(X32).astype(np.float32)
    np.testing.assert_array_equal(pred.ravel(), expected)


def test_dropout_and_training_settings_leave_no_trace():
    X, rng = random_data(np.float64)
    y = rng.randint(0, 3, len(X))
    clf = NumpyMLPClassifier(
        (8, 8), dropout=[0.5, 0.2], l1=1e-3, solver="adamw", max_iter=10
    ).fit(X, y)
    onx = to_onnx(clf, X[:1], options={"zipmap": False})
    ops = {node.op_type for node in onx.graph.node}
    assert ops <= {
        "Cast",
        "MatMul",
        "Add",
        "Relu",
        "Softmax",
        "Max",
        "ArgMax",
        "Reshape",
        "ArrayFeatureExtractor",
    }, ops
    assert_classifier_matches(clf, X, TOL[np.float64])


def test_zipmap_options():
    X, rng = random_data(np.float32)
    y = np.array(["cat", "dog", "eel"])[rng.randint(0, 3, len(X))]
    clf = NumpyMLPClassifier((5,), max_iter=10, random_state=0).fit(X, y)
    proba = clf.predict_proba(X)
    labels, dicts = run(session(clf, X), X)  # zipmap=True, the default
    np.testing.assert_array_equal(labels, clf.predict(X))
    assert sorted(dicts[0]) == ["cat", "dog", "eel"]
    got = np.array([[row[c] for c in clf.classes_] for row in dicts])
    np.testing.assert_allclose(got, proba, atol=1e-5)
    sess = session(clf, X, zipmap="columns")
    outputs = dict(zip([o.name for o in sess.get_outputs()], run(sess, X)))
    np.testing.assert_allclose(outputs["sdog"], proba[:, 1], atol=1e-5)
    _, _, classes = run(session(clf, X, zipmap=False, output_class_labels=True), X)
    np.testing.assert_array_equal(classes, clf.classes_)
    indices, _ = run(session(clf, X, zipmap=False, nocl=True), X)
    np.testing.assert_array_equal(clf.classes_[indices], clf.predict(X))


def test_zipmap_with_bool_labels_and_multilabel():
    X, rng = random_data(np.float32)
    for y in (rng.randint(0, 2, len(X)) == 1, rng.randint(0, 2, (len(X), 3))):
        clf = NumpyMLPClassifier((5,), max_iter=10, random_state=0).fit(X, y)
        labels, dicts = run(session(clf, X), X)
        np.testing.assert_array_equal(labels, clf.predict(X))
        np.testing.assert_allclose(
            [list(row.values()) for row in dicts], clf.predict_proba(X), atol=1e-5
        )


def test_inside_pipeline_with_convert_sklearn():
    X, rng = random_data(np.float64)
    y = rng.randint(0, 4, len(X))
    pipe = make_pipeline(
        StandardScaler(), NumpyMLPClassifier((6,), max_iter=20, random_state=0)
    ).fit(X * 10 + 3, y)
    onx = convert_sklearn(
        pipe,
        initial_types=[("input", DoubleTensorType([None, X.shape[1]]))],
        options={id(pipe[-1]): {"zipmap": False}},
    )
    sess = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    labels, proba = run(sess, X * 10 + 3)
    np.testing.assert_array_equal(labels, pipe.predict(X * 10 + 3))
    np.testing.assert_allclose(proba, pipe.predict_proba(X * 10 + 3), atol=1e-9)
    onx32 = convert_sklearn(pipe, initial_types=[("input", FloatTensorType([None, 6]))])
    assert [o.name for o in onx32.graph.output] == [
        "output_label",
        "output_probability",
    ]


def test_unsupported_models_raise_clear_errors():
    X, rng = random_data(np.float64)
    clf = NumpyMLPClassifier((4,), max_iter=5).fit(X, rng.randint(0, 2, len(X)))
    with pytest.raises(NotImplementedError, match="zipmap=True is not supported"):
        to_onnx(clf, X[:1])  # float64 input: ZipMap takes float32 only
    with pytest.raises(NotImplementedError, match="zipmap=True is not supported"):
        convert_sklearn(clf, initial_types=[("X", DoubleTensorType([None, 6]))])


def test_ndtr_polynomial_is_scipy_ndtr():
    """The graph's normal CDF (in NumPy, same operations) against SciPy's."""
    z = np.linspace(-40, 40, 400_001)
    u = 2 / (1 + np.abs(z) / 3.0) - 1
    poly = np.zeros_like(z)
    for c in ndtr_polynomial():
        poly = poly * u + c
    lower = 0.5 * np.exp(-0.5 * z * z) * poly
    phi = np.where(z < 0, lower, 1 - lower)
    assert np.abs(phi - ndtr(z)).max() < 1e-15


def test_missing_extra_names_it():
    code = (
        "import sys; sys.modules['skl2onnx'] = None\n"
        "try:\n    import sknumpynn.onnx\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "pip install 'sknumpynn[onnx]'" in out.stdout


# -- the real datasets ----------------------------------------------------------
def test_heart():
    X, y = load_heart(return_X_y=True)
    clf = make_pipeline(
        StandardScaler(), NumpyMLPClassifier(max_iter=50, random_state=0)
    ).fit(X, y == 1)  # bool labels
    labels, proba = run(session(clf, X, zipmap=False), X)
    np.testing.assert_array_equal(labels, clf.predict(X))
    assert_close(proba, clf.predict_proba(X), 1e-9)


def test_boston():
    X, y = load_boston(return_X_y=True)
    reg = make_pipeline(
        StandardScaler(),
        NumpyMLPRegressor(solver="lbfgs", activation="gelu", max_iter=50),
    ).fit(X, y)
    (pred,) = run(session(reg, X), X)
    assert_close(pred.ravel(), reg.predict(X), 1e-9)


def test_diamonds_through_column_transformer():
    data = load_diamonds(as_frame=True)
    X, y = data.data.iloc[:3000].copy(), data.target[:3000]
    categorical = ["cut", "color", "clarity"]
    X[categorical] = X[categorical].astype(str)  # ONNX has no category dtype
    numeric = [c for c in X.columns if c not in categorical]
    reg = make_pipeline(
        ColumnTransformer(
            [("cat", OneHotEncoder(), categorical), ("num", StandardScaler(), numeric)]
        ),
        NumpyMLPRegressor(activation="elu", max_iter=10, random_state=0),
    ).fit(X, np.log(y))
    sess = ort.InferenceSession(
        to_onnx(reg, X[:1]).SerializeToString(), providers=["CPUExecutionProvider"]
    )
    feeds = {c: X[c].to_numpy().reshape(-1, 1) for c in X.columns}
    (pred,) = sess.run(None, feeds)
    assert_close(pred.ravel(), reg.predict(X), 1e-9)


def test_mnist_subset():
    root = os.environ.get("SKNUMPYNN_DATA")
    if not root or not (Path(root) / "mnist").is_dir():
        if os.environ.get("CI"):
            pytest.fail("CI must set SKNUMPYNN_DATA to the shared datasets folder")
        pytest.skip("real MNIST not available: set SKNUMPYNN_DATA")
    X, y = fetch_mnist(subset="test", return_X_y=True)
    X, y = (X[:3000] / 255).astype(np.float32), y[:3000]
    clf = NumpyMLPClassifier((64,), max_iter=5, random_state=0).fit(X, y)
    assert clf.coefs_[0].dtype == np.float32
    assert_classifier_matches(clf, X, TOL[np.float32])


# -- the documentation runs as written -------------------------------------------
ROOT = Path(__file__).parents[1]


def test_readme_deployment_block_runs(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Deployment\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md:Deployment", "exec"), {})
    assert (tmp_path / "heart_mlp.onnx").stat().st_size > 0


def test_example_runs(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "plot_onnx_export.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert "largest probability difference" in out.stdout
