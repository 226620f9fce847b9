"""Shared helpers of the model_selection tests: run both searches, compare."""

import re

import numpy as np
import pytest
from sklearn import model_selection as skms
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier
from sknumpynn import model_selection as ms
from sknumpynn.compare.tasks import TASKS

SERVED = re.compile(r"took (\d+) of (\d+) fits from the pre-fit")


def fitted_mlp(estimator):
    """The fitted MLP at the end of a (target-transformed) pipeline."""
    if isinstance(estimator, TransformedTargetRegressor):
        estimator = estimator.regressor_
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def n_iter_scorer(estimator, X, y):
    """Scores each fitted model by its ``n_iter_``: compared per split."""
    return fitted_mlp(estimator).n_iter_


def heart():
    return TASKS["heart"].load(False)


def boston():
    return TASKS["boston"].load(False)


def heart_pipeline(**params):
    mlp = NumpyMLPClassifier(hidden_layer_sizes=(8,), max_iter=25, random_state=0)
    return TASKS["heart"].build(mlp.set_params(**params))


def scaled_mlp(**params):
    mlp = NumpyMLPClassifier(
        hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=25, random_state=0
    )
    return Pipeline([("scale", StandardScaler()), ("mlp", mlp.set_params(**params))])


def assert_same_results(ours, theirs, atol=1e-6):
    """Same cv_results_ keys and dtypes; scores within atol; ranks, params equal."""
    assert sorted(ours.cv_results_) == sorted(theirs.cv_results_)
    for key, expected in theirs.cv_results_.items():
        got = ours.cv_results_[key]
        if key == "params":
            assert got == expected
            continue
        assert type(got) is type(expected), key
        assert got.dtype == expected.dtype, key
        if "time" in key:
            continue
        if key.startswith("param_"):
            np.testing.assert_array_equal(got.mask, expected.mask)
            assert list(got) == list(expected), key
        elif "n_iter" in key:
            assert np.isfinite(expected).all(), key  # the scorer itself worked
            np.testing.assert_array_equal(got, expected, err_msg=key)
        elif key.startswith("rank_"):
            np.testing.assert_array_equal(got, expected, err_msg=key)
        else:
            np.testing.assert_allclose(got, expected, rtol=0, atol=atol, err_msg=key)
    for attr in ("best_index_", "best_params_", "n_splits_", "multimetric_"):
        if hasattr(theirs, attr):
            assert getattr(ours, attr) == getattr(theirs, attr), attr
    if hasattr(theirs, "best_score_"):
        assert ours.best_score_ == pytest.approx(theirs.best_score_, abs=atol)
    assert hasattr(ours, "best_estimator_") == hasattr(theirs, "best_estimator_")


def assert_all_served(capsys, n_fits):
    out = capsys.readouterr().out
    assert SERVED.findall(out) == [(str(n_fits), str(n_fits))], out
    return out


def both(search, estimator, grid, X, y, fit_params=None, **options):
    """Fit scikit-learn's and our ``search`` ('GridSearchCV', ...) alike."""
    fit_params = fit_params or {}
    theirs = getattr(skms, search)(estimator, grid, **options).fit(X, y, **fit_params)
    options["verbose"] = max(1, options.get("verbose", 0))
    ours = getattr(ms, search)(estimator, grid, **options).fit(X, y, **fit_params)
    return ours, theirs


SCORING = {"score": "accuracy", "n_iter": n_iter_scorer}


class SklearnCallback:
    """scikit-learn's FitCallback protocol (>= 1.9) with every hook a no-op."""

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        pass
