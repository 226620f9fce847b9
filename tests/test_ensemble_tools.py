"""Deep ensembles with scikit-learn's tools, persistence, ONNX, plots and docs."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(16,), max_iter=40, learning_rate_init=0.01)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def test_pipeline_cross_val_score_and_grid_search_over_member_parameters():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(),
        DeepEnsembleClassifier(
            NumpyMLPClassifier(**SMALL), n_estimators=2, random_state=0
        ),
    )
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.8
    grid = {"deepensembleclassifier__estimator__alpha": [1e-4, 1.0]}
    search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    assert search.best_estimator_[-1].estimators_[0].alpha in (1e-4, 1.0)


def test_our_search_runs_ensembles_like_scikit_learns():
    from sknumpynn.model_selection import GridSearchCV as OurGridSearchCV

    X, y = load_iris(return_X_y=True)
    ensemble = DeepEnsembleClassifier(
        NumpyMLPClassifier(**SMALL), n_estimators=2, random_state=0
    )
    grid = {"estimator__alpha": [1e-4, 1.0]}
    ours = OurGridSearchCV(ensemble, grid, cv=3).fit(X, y)
    theirs = GridSearchCV(ensemble, grid, cv=3).fit(X, y)
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"]
    )


def test_clone_and_pickle(cancer):
    X, y = cancer
    ensemble = DeepEnsembleClassifier(
        NumpyMLPClassifier(**SMALL), n_estimators=2, random_state=0
    ).fit(X, y)
    assert not hasattr(clone(ensemble), "estimators_")
    restored = pickle.loads(pickle.dumps(ensemble))
    np.testing.assert_array_equal(restored.predict_proba(X), ensemble.predict_proba(X))


def test_skops_round_trip_with_trusted_types(cancer, tmp_path):
    pytest.importorskip("skops")
    from sknumpynn.persistence import dump, load

    X, y = cancer
    ensemble = DeepEnsembleClassifier(
        NumpyMLPClassifier(**SMALL, early_stopping=True), n_estimators=2, random_state=0
    ).fit(X, y)
    dump(ensemble, tmp_path / "ensemble.skops")
    restored = load(tmp_path / "ensemble.skops")
    np.testing.assert_array_equal(restored.predict_proba(X), ensemble.predict_proba(X))


def test_loss_curve_display_shows_the_ensembles_curves(cancer):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from sknumpynn.plotting import LossCurveDisplay

    X, y = cancer
    ensemble = DeepEnsembleClassifier(
        NumpyMLPClassifier(**SMALL, early_stopping=True), n_estimators=2, random_state=0
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(ensemble)
    assert sorted(display.lines_) == ["loss", "val_loss", "val_score"]
    np.testing.assert_allclose(
        display.lines_["val_score"].get_ydata(), ensemble.validation_scores_
    )


def test_dataframe_feature_names(cancer):
    pd = pytest.importorskip("pandas")
    X, y = cancer
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    ensemble = DeepEnsembleClassifier(NumpyMLPClassifier(**SMALL), n_estimators=2)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*feature names")
        ensemble.fit(frame, y).predict(frame)
    assert list(ensemble.feature_names_in_) == list(frame.columns)


def test_onnx_graph_averages_the_members(cancer, diabetes):
    pytest.importorskip("skl2onnx")
    ort = pytest.importorskip("onnxruntime")
    from skl2onnx import to_onnx

    import sknumpynn.onnx  # noqa: F401  (registers the converters)

    def session(model, X, options=None):
        onx = to_onnx(model, X[:1], options=options)
        return ort.InferenceSession(
            onx.SerializeToString(), providers=["CPUExecutionProvider"]
        )

    X, y = load_iris(return_X_y=True)
    clf = DeepEnsembleClassifier(
        NumpyMLPClassifier(**SMALL), n_estimators=3, random_state=0
    ).fit(X, y)
    sess = session(clf, X, {"zipmap": False})
    labels, proba = sess.run(None, {sess.get_inputs()[0].name: X})
    np.testing.assert_array_equal(labels, clf.predict(X))
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-9)
    X, y = diabetes
    reg = DeepEnsembleRegressor(
        NumpyMLPRegressor(**SMALL), n_estimators=3, random_state=0
    ).fit(X, y)
    sess = session(reg, X.astype(np.float32))
    (pred,) = sess.run(None, {sess.get_inputs()[0].name: X.astype(np.float32)})
    np.testing.assert_allclose(pred.ravel(), reg.predict(X), rtol=1e-4, atol=1e-5)


def test_readme_section_runs(capsys):
    import re
    from pathlib import Path

    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("## Deep ensembles\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
    exec(compile(block, "README.md:Deep ensembles", "exec"), {})
    n_iter, best_epoch, n_members = map(int, capsys.readouterr().out.split())
    assert n_members == 8 and 1 <= best_epoch <= n_iter


def test_gallery_example_runs_quick(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).parents[1] / "examples" / "plot_deep_ensemble.py"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, str(script), "--quick"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "ensemble's test log-loss" in result.stdout
