"""LossCurveDisplay, in scikit-learn's Display style."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.plotting import LossCurveDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_from_estimator_plots_history(iris):
    X, y = iris
    clf = NumpyMLPClassifier(max_iter=12, early_stopping=True, random_state=0)
    display = LossCurveDisplay.from_estimator(clf.fit(X, y))
    assert set(display.lines_) == {"loss", "val_loss", "val_score"}
    np.testing.assert_array_equal(display.lines_["loss"].get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(
        display.lines_["val_loss"].get_ydata(), clf.validation_loss_curve_
    )
    np.testing.assert_array_equal(
        display.lines_["val_score"].get_xdata(), np.arange(1, clf.n_iter_ + 1)
    )
    assert display.score_ax_ is not display.ax_
    assert display.ax_.get_xlabel() == "epoch"
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels[0] == "NumpyMLPClassifier training loss"


def test_from_estimator_without_validation_and_on_a_given_axes(iris):
    import matplotlib.pyplot as plt

    X, y = iris
    reg = NumpyMLPRegressor(solver="lbfgs", max_iter=20, random_state=0).fit(X, y)
    _, ax = plt.subplots()
    display = LossCurveDisplay.from_estimator(reg, ax=ax, name="ours", color="k")
    assert display.ax_ is ax and display.score_ax_ is None
    assert set(display.lines_) == {"loss"} and len(reg.history_) == reg.n_iter_
    assert display.lines_["loss"].get_label() == "ours training loss"


def test_from_estimator_accepts_sklearn_mlps_and_pipelines(iris):
    X, y = iris
    theirs = make_pipeline(
        StandardScaler(),
        MLPClassifier(max_iter=10, early_stopping=True, random_state=0),
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(theirs)
    assert set(display.lines_) == {"loss", "val_score"}
    assert display.estimator_name == "MLPClassifier"


def test_from_estimator_errors_on_unfitted_or_curveless(iris):
    X, y = iris
    with pytest.raises(ValueError, match="no loss curve"):
        LossCurveDisplay.from_estimator(NumpyMLPClassifier())
    lbfgs = MLPClassifier(solver="lbfgs", max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="no loss curve"):
        LossCurveDisplay.from_estimator(lbfgs)
