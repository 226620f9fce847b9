"""The served loop (``model_selection/_served.py``) against scikit-learn's own.

Our searches answer scikit-learn's ``_fit_and_score`` for the pre-fitted
slots without refitting the pipeline prefix. These tests check that this is
invisible: the same ``cv_results_`` as scikit-learn's search, the prefix's
warnings shown as its refits would show them, scikit-learn's own
``_fit_and_score`` reached only where the served path would differ, and each
prefix transform computed once per split instead of once per candidate.
"""

import warnings

import numpy as np
import pytest
from search_helpers import (
    SCORING,
    assert_all_served,
    assert_same_results,
    boston,
    both,
    heart,
    heart_pipeline,
    scaled_mlp,
)
from sklearn import model_selection as skms
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.datasets import load_iris
from sklearn.decomposition import PCA
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn import model_selection as ms
from sknumpynn.compare.tasks import TASKS
from sknumpynn.model_selection import _served

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("error:Scoring failed:UserWarning"),
]


@pytest.fixture
def sklearn_calls(monkeypatch):
    """How many slots reached scikit-learn's own ``_fit_and_score``."""
    _served.install()
    calls = []
    original = _served._served_fit_and_score.original

    def counting(*args, **kwargs):
        calls.append(kwargs.get("candidate_progress"))
        return original(*args, **kwargs)

    monkeypatch.setattr(_served._served_fit_and_score, "original", counting)
    return calls


class Recorder(TransformerMixin, BaseEstimator):
    """Passes X through; warns when fitted; counts its transforms."""

    transforms = []

    def fit(self, X, y=None):
        warnings.warn("Recorder was fitted", UserWarning, stacklevel=2)
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def transform(self, X):
        Recorder.transforms.append(len(X))
        return np.asarray(X, dtype=float)


def test_served_slots_never_reach_scikit_learn_s_loop(capsys, sklearn_calls):
    """Column transformer prefix, multimetric scoring, train scores."""
    X, y = heart()
    grid = {"mlp__alpha": [0.1, 3.0], "mlp__learning_rate_init": [1e-3, 1e-2]}
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    options = dict(cv=cv, scoring=SCORING, refit="score", return_train_score=True)
    ours, theirs = both("GridSearchCV", heart_pipeline(), grid, X, y, **options)
    assert len(sklearn_calls) == 12  # scikit-learn's search: all its own
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 12)
    sklearn_calls.clear()
    ms.GridSearchCV(heart_pipeline(), grid, **options).fit(X, y)
    assert sklearn_calls == []


def test_target_transformed_regressor_is_served(capsys, sklearn_calls):
    X, y = boston()
    mlp = NumpyMLPRegressor(hidden_layer_sizes=(8,), max_iter=15, random_state=0)
    grid = {"regressor__mlp__alpha": [0.1, 1.0]}
    cv = KFold(3, shuffle=True, random_state=0)
    theirs = skms.GridSearchCV(TASKS["boston"].build(mlp), grid, cv=cv).fit(X, y)
    sklearn_calls.clear()
    ours = ms.GridSearchCV(TASKS["boston"].build(mlp), grid, cv=cv, verbose=1)
    assert_same_results(ours.fit(X, y), theirs)
    assert sklearn_calls == []
    assert_all_served(capsys, 6)


def test_prefix_warns_as_refits_and_transforms_once_per_split(sklearn_calls):
    X, y = load_iris(return_X_y=True)
    model = Pipeline(
        [("rec", Recorder()), ("mlp", NumpyMLPClassifier((4,), max_iter=5))]
    )
    model.set_params(mlp__random_state=0)
    grid = {"mlp__alpha": [1e-4, 1e-2, 1.0]}
    counts = {}
    for name, module in (("theirs", skms), ("ours", ms)):
        Recorder.transforms.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            search = module.GridSearchCV(model, grid, cv=3, refit=False).fit(X, y)
        fitted = [w for w in caught if "Recorder was fitted" in str(w.message)]
        counts[name] = (len(fitted), list(Recorder.transforms), search)
    assert counts["ours"][0] == counts["theirs"][0] == 9  # 3 candidates x 3 splits
    assert_same_results(counts["ours"][2], counts["theirs"][2])
    # scikit-learn: fit_transform per slot, transform of each test fold per
    # slot. Ours: one capture per split, one test transform per split.
    assert counts["theirs"][1].count(50) == 9
    assert counts["ours"][1].count(50) == 3
    assert len(sklearn_calls) == 9  # theirs only: ours reached none


def test_unseeded_prefix_is_left_to_scikit_learn(capsys, sklearn_calls):
    """A prefix drawing from NumPy's global generator: each of scikit-learn's
    refits draws anew, so neither the capture nor the serving may happen."""
    X, y = load_iris(return_X_y=True)
    model = Pipeline(
        [
            ("pca", PCA(2, svd_solver="randomized")),
            ("mlp", NumpyMLPClassifier((4,), max_iter=10, random_state=0)),
        ]
    )
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    searches = []
    for module in (skms, ms):
        np.random.seed(3)  # noqa: NPY002 - the generator PCA draws from
        searches.append(module.GridSearchCV(model, grid, cv=3, verbose=1).fit(X, y))
    assert_same_results(searches[1], searches[0])
    out = capsys.readouterr().out
    assert "6 fits left to scikit-learn's loop: a step before our estimator" in out
    assert len(sklearn_calls) == 12


def test_verbose_2_messages_come_from_scikit_learn_s_loop(capsys, sklearn_calls):
    X, y = load_iris(return_X_y=True)
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    skms.GridSearchCV(scaled_mlp(), grid, cv=3, verbose=2).fit(X, y)
    theirs = [line for line in capsys.readouterr().out.splitlines() if "[CV" in line]
    ms.GridSearchCV(scaled_mlp(), grid, cv=3, verbose=2).fit(X, y)
    ours = [line for line in capsys.readouterr().out.splitlines() if "[CV" in line]
    strip = [line.split(" total time")[0] for line in theirs]
    assert [line.split(" total time")[0] for line in ours] == strip
    assert len(ours) == 6 and len(sklearn_calls) == 12


def test_scikit_learn_s_own_parallel_search_still_works():
    """With the wrapper installed, scikit-learn's search over loky workers
    (which import the wrapper without installing it) runs as before."""
    _served.install()
    X, y = load_iris(return_X_y=True)
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    parallel = skms.GridSearchCV(scaled_mlp(max_iter=5), grid, cv=3, n_jobs=2)
    sequential = skms.GridSearchCV(scaled_mlp(max_iter=5), grid, cv=3)
    assert_same_results(parallel.fit(X, y), sequential.fit(X, y), atol=0)


class SearchingStep(TransformerMixin, BaseEstimator):
    """A prefix step whose fit runs a scikit-learn search of its own."""

    def fit(self, X, y=None):
        from sklearn.tree import DecisionTreeClassifier

        inner = skms.GridSearchCV(
            DecisionTreeClassifier(random_state=0), {"max_depth": [1, 2]}, cv=2
        )
        self.depth_ = inner.fit(X, y).best_params_["max_depth"]
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float) * self.depth_


def test_a_search_inside_a_fallback_fit_is_unaffected():
    """verbose=2 sends every slot to scikit-learn's _fit_and_score, whose
    pipeline fit runs an inner scikit-learn search: its clones are real."""
    X, y = load_iris(return_X_y=True)
    model = Pipeline(
        [("step", SearchingStep()), ("mlp", NumpyMLPClassifier((4,), max_iter=5))]
    )
    model.set_params(mlp__random_state=0)
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    theirs = skms.GridSearchCV(model, grid, cv=3, verbose=2, error_score="raise")
    ours = ms.GridSearchCV(model, grid, cv=3, verbose=2, error_score="raise")
    assert_same_results(ours.fit(X, y), theirs.fit(X, y))


def test_prefix_with_a_random_state_instance_is_served(capsys, sklearn_calls):
    """Every clone deep-copies a RandomState: each refit draws alike."""
    X, y = load_iris(return_X_y=True)
    model = Pipeline(
        [
            ("pca", PCA(2, svd_solver="randomized")),
            ("mlp", NumpyMLPClassifier((4,), max_iter=10, random_state=0)),
        ]
    )
    model.set_params(pca__random_state=np.random.RandomState(5))
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    ours, theirs = both("GridSearchCV", model, grid, X, y, cv=3)
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 6)
    assert len(sklearn_calls) == 6  # scikit-learn's search only


def test_prefix_warnings_follow_the_default_filter_as_refits_do():
    """Under the 'default' action the replayed warnings are filtered as the
    refits' own (scikit-learn's Parallel re-applies the filters per task, so
    each refit warns again): the same count either way."""
    X, y = load_iris(return_X_y=True)
    model = Pipeline(
        [("rec", Recorder()), ("mlp", NumpyMLPClassifier((4,), max_iter=5))]
    )
    model.set_params(mlp__random_state=0)
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    counts = []
    for module in (skms, ms):
        vars(__import__(__name__)).pop("__warningregistry__", None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            module.GridSearchCV(model, grid, cv=3, refit=False).fit(X, y)
        counts.append(sum("Recorder was fitted" in str(w.message) for w in caught))
    assert counts[1] == counts[0] >= 1, counts
