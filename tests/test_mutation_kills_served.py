"""The served loop (``model_selection/_served.py``): its mutation run's survivors.

Covers the replay of a pipeline prefix's warnings (each served slot warns
them again as scikit-learn's refit of that prefix warns them: the same
message, category and location, the module name the filters match, the
module's registry for the ``'default'`` action, a location of no module);
the assembled models (several prefix steps, skipped steps, a target
transform last, a precomputed kernel); the prefix fitted and its transforms
computed once per split; which fits are served (``error_score``, scikit-learn
callbacks, an unseeded final estimator); routed score and transform metadata;
the fields and times of served slots next to scikit-learn's own. Each test
runs scikit-learn's own search and ours on the same input and compares what a
user observes: ``cv_results_``, ``best_params_``, the warnings shown, the
calls a user's step or callback receives. An ``xfail`` test records where
the replay still differs from scikit-learn's refits.
"""

import importlib.util
import sys
import time
import uuid
import warnings

import numpy as np
import pytest
import sklearn
from search_helpers import SklearnCallback, assert_all_served, assert_same_results, both
from sklearn import model_selection as skms
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_iris, make_regression
from sklearn.decomposition import PCA
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import KernelCenterer, MinMaxScaler, StandardScaler
from sklearn.utils.fixes import parse_version

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn import model_selection as ms

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SKLEARN_VERSION = parse_version(sklearn.__version__)

# A prefix step in a module of its own, new in every test (so no location or
# module of it was ever warned from before). Its fit warns twice from one
# location: by ``warnings.warn`` ("warn"), by ``warnings.warn_explicit`` at a
# location of its module without a registry ("explicit", as code that warns
# on behalf of others does), or at a location that belongs to no module
# ("orphan", as code defined in a notebook cell or by ``exec``).
WARNER_SOURCE = """
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin


def notice():
    warnings.warn("Warner noticed its input", UserWarning)


class Warner(TransformerMixin, BaseEstimator):
    def __init__(self, how="warn"):
        self.how = how

    def fit(self, X, y=None):
        for _ in range(2):
            if self.how == "warn":
                notice()
            else:
                where = __file__ if self.how == "explicit" else __name__ + "_gone.py"
                warnings.warn_explicit("Warner warned at", UserWarning, where, 7)
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float)
"""


@pytest.fixture
def warner(tmp_path):
    """The module defining ``Warner``, imported under a new name."""
    name = f"served_warner_{uuid.uuid4().hex}"
    path = tmp_path / f"{name}.py"
    path.write_text(WARNER_SOURCE)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[name]


def _model(warner, how="warn"):
    mlp = NumpyMLPClassifier((4,), max_iter=5, random_state=0)
    return Pipeline([("warn", warner.Warner(how)), ("mlp", mlp)])


def _searched(search_module, model, filters):
    """The search's results and the Warner warnings it showed, as recorded."""
    X, y = load_iris(return_X_y=True)
    grid = {"mlp__alpha": [1e-4, 1e-2, 1.0]}
    with warnings.catch_warnings(record=True) as caught:
        filters()
        search = search_module.GridSearchCV(model, grid, cv=3, refit=False)
        search.fit(X, y)
    shown = [
        (str(w.message), w.category, w.filename, w.lineno)
        for w in caught
        if "Warner" in str(w.message)
    ]
    return search, shown


def _both_searched(model, filters):
    theirs, their_warnings = _searched(skms, model, filters)
    ours, our_warnings = _searched(ms, model, filters)
    assert_same_results(ours, theirs)
    return our_warnings, their_warnings


def _always():
    warnings.simplefilter("always")


def _default():
    warnings.simplefilter("default")


def weighted_searches(model, grid, X, y, weights, **kwargs):
    """Our and scikit-learn's 3-fold ``GridSearchCV`` fitted with
    ``sample_weight=weights`` routed as the model requests it."""
    fit_params = {"sample_weight": weights}
    return both(
        "GridSearchCV", model, grid, X, y, fit_params=fit_params, cv=3, **kwargs
    )


def test_prefix_warnings_are_shown_at_the_location_of_scikit_learn_s_refits(warner):
    ours, theirs = _both_searched(_model(warner), _always)
    assert len(theirs) == 2 * 9  # two per fit of the prefix, 3 candidates x 3 splits
    assert theirs[0][2] == warner.__file__
    assert ours == theirs


def test_prefix_warnings_follow_a_filter_on_their_module_name(warner):
    """Only the Warner's module is let through: by its name, as the module
    of each refit's warning, not by its file path."""

    def only_the_warner_module():
        warnings.simplefilter("ignore")
        warnings.filterwarnings("always", module=warner.__name__)

    ours, theirs = _both_searched(_model(warner), only_the_warner_module)
    assert len(theirs) == 2 * 9
    assert ours == theirs


def test_prefix_warnings_are_shown_once_per_location_and_fit_by_default(warner):
    """Under 'default', each refit shows its first warning of a location; the
    module's registry holds back the second (scikit-learn's loop resets the
    filters for each fit)."""
    ours, theirs = _both_searched(_model(warner), _default)
    assert len(theirs) == 9
    assert ours == theirs


def test_prefix_warnings_are_entered_in_their_module_s_registry(warner):
    """Under 'default', the module's ``__warningregistry__`` (which holds
    back its next warnings from a location) records the replayed warnings'
    locations, as it records those of scikit-learn's refits."""
    entered = []
    for search_module in (skms, ms):
        vars(warner).pop("__warningregistry__", None)
        _searched(search_module, _model(warner), _default)
        entered.append(sorted(k for k in warner.__warningregistry__ if k != "version"))
    assert entered[0] == [("Warner noticed its input", UserWarning, 9)]
    assert entered[1] == entered[0]


def test_the_prefix_module_s_own_warnings_still_show_once_after_a_search(warner):
    """The replay leaves the module's warning registry a registry: its own
    warnings under 'default' show once per location, as after scikit-learn's
    search, also when its prefix fit warned without a registry."""
    for search_module in (skms, ms):
        _searched(search_module, _model(warner, "explicit"), _always)
        with warnings.catch_warnings(record=True) as caught:
            _default()
            warner.notice()
            warner.notice()
        assert len(caught) == 1, search_module


def test_a_prefix_warning_from_a_location_without_a_module_keeps_the_results(
    warner,
):
    """The replay of such a warning does not fail the search nor its slots."""
    _both_searched(_model(warner, "orphan"), _always)


def test_a_prefix_warning_from_a_location_without_a_module_is_shown(warner):
    ours, theirs = _both_searched(_model(warner, "orphan"), _always)
    assert len(theirs) == 2 * 9
    assert theirs[0][2] == warner.__name__ + "_gone.py"
    assert ours == theirs


@pytest.mark.xfail(
    strict=True,
    reason="limitation: the replay dedups with the module's registry under "
    "'default' a warning its refit gave warnings.warn_explicit without one, "
    "which scikit-learn's refit shows each time",
)
def test_a_prefix_warning_warned_without_a_registry_is_shown_each_time(warner):
    ours, theirs = _both_searched(_model(warner, "explicit"), _default)
    assert len(theirs) == 2 * 9
    assert ours == theirs


def test_two_prefix_steps_before_our_estimator_are_served(capsys):
    """The assembled model keeps every fitted prefix step and puts our fitted
    estimator last, as scikit-learn's refit of the whole pipeline does."""
    X, y = load_iris(return_X_y=True)
    mlp = NumpyMLPClassifier((4,), max_iter=10, random_state=0)
    model = Pipeline(
        [
            ("scale", StandardScaler()),
            ("pca", PCA(3, random_state=0)),
            ("squash", MinMaxScaler()),
            ("mlp", mlp),
        ]
    )
    grid = {"mlp__alpha": [1e-4, 1.0], "pca__n_components": [2, 3]}
    ours, theirs = both("GridSearchCV", model, grid, X, y, cv=3)
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 12)
    assert ours.best_params_ == theirs.best_params_


def _regularisation(estimator, X, y):
    """Scores a fitted model by the alpha its parameters say: a callable
    scorer sees the candidate's parameters on the model it is given."""
    return estimator.get_params()["target__regressor__alpha"]


def test_a_pipeline_ending_in_a_target_transform_is_served_with_its_parameters(
    capsys,
):
    X, y = make_regression(n_samples=60, n_features=4, noise=1.0, random_state=0)
    mlp = NumpyMLPRegressor(hidden_layer_sizes=(4,), max_iter=10, random_state=0)
    model = Pipeline(
        [
            ("scale", StandardScaler()),
            ("squash", MinMaxScaler()),
            ("target", TransformedTargetRegressor(mlp, transformer=StandardScaler())),
        ]
    )
    grid = {"target__regressor__alpha": [1e-4, 1.0]}
    scoring = {"r2": "r2", "alpha": _regularisation}
    ours, theirs = both(
        "GridSearchCV", model, grid, X, y, cv=3, scoring=scoring, refit="r2"
    )
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 6)
    np.testing.assert_array_equal(ours.cv_results_["mean_test_alpha"], [1e-4, 1.0])


def test_a_precomputed_kernel_prefix_scores_test_rows_against_train_rows(capsys):
    """A pairwise prefix (``KernelCenterer``) gets the test x train block of
    the kernel, as scikit-learn's split gives it."""
    X, y = load_iris(return_X_y=True)
    K = rbf_kernel(X, gamma=0.5)
    mlp = NumpyMLPClassifier((4,), max_iter=10, random_state=0)
    model = Pipeline([("center", KernelCenterer()), ("mlp", mlp)])
    grid = {"mlp__alpha": [1e-4, 1.0]}
    ours, theirs = both("GridSearchCV", model, grid, K, y, cv=3)
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 6)


class CountedScaler(StandardScaler):
    """A ``StandardScaler`` that counts its fits and transforms."""

    fits = transforms = 0

    def fit(self, X, y=None, sample_weight=None):
        CountedScaler.fits += 1
        return super().fit(X, y, sample_weight=sample_weight)

    def transform(self, X, copy=None):
        CountedScaler.transforms += 1
        return super().transform(X, copy=copy)


@pytest.mark.parametrize("error_score", ["raise", 0.0, np.nan])
def test_the_prefix_is_fitted_once_per_split_whatever_the_error_score(
    capsys, error_score
):
    """scikit-learn refits the prefix for every candidate x split; ours fits it
    once per split, for every valid ``error_score``, with the same results."""
    X, y = load_iris(return_X_y=True)
    mlp = NumpyMLPClassifier((4,), max_iter=10, random_state=0)
    model = Pipeline([("scale", CountedScaler()), ("mlp", mlp)])
    grid = {"mlp__alpha": [1e-4, 1e-2, 1.0]}
    theirs = skms.GridSearchCV(model, grid, cv=3, error_score=error_score)
    CountedScaler.fits = CountedScaler.transforms = 0
    theirs.fit(X, y)
    assert CountedScaler.fits == 9 + 1  # and the refit of the best
    # fit_transform of the train rows, transform of the test rows, per fit
    assert CountedScaler.transforms == 2 * 9 + 1
    ours = ms.GridSearchCV(model, grid, cv=3, error_score=error_score, verbose=1)
    CountedScaler.fits = CountedScaler.transforms = 0
    ours.fit(X, y)
    assert CountedScaler.fits == 3 + 1
    assert CountedScaler.transforms == 2 * 3 + 1  # per split, shared
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 9)


def test_train_scores_are_weighted_by_the_routed_score_params(capsys):
    """With metadata routing, the scorer's ``sample_weight`` of the train
    rows weighs the train scores, as in scikit-learn's loop."""
    X, y = load_iris(return_X_y=True)
    weights = np.random.default_rng(0).integers(0, 4, len(y)).astype(float)
    grid = {"mlp__alpha": [1e-4, 1.0]}
    with sklearn.config_context(enable_metadata_routing=True):
        scoring = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        mlp = NumpyMLPClassifier((4,), max_iter=10, random_state=0)
        model = Pipeline([("scale", StandardScaler()), ("mlp", mlp)])
        model.named_steps["mlp"].set_fit_request(sample_weight=False)
        model.named_steps["scale"].set_fit_request(sample_weight=False)
        ours, theirs = weighted_searches(
            model, grid, X, y, weights, scoring=scoring, return_train_score=True
        )
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 6)


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_slots_left_to_scikit_learn_before_served_ones_aggregate_alike(capsys):
    """The first candidate fails (scikit-learn's loop fits and reports it);
    the served slots after it carry the same fields as scikit-learn's own."""
    X, y = load_iris(return_X_y=True)
    # dropout: one rate per hidden layer; two rates for one layer fail in fit.
    grid = {"mlp__dropout": [[0.1, 0.2], 0.0], "mlp__max_iter": [5]}
    mlp = NumpyMLPClassifier((4,), random_state=0)
    model = Pipeline([("scale", StandardScaler()), ("mlp", mlp)])
    with pytest.warns(FitFailedWarning):
        ours, theirs = both("GridSearchCV", model, grid, X, y, cv=3)
    assert_same_results(ours, theirs)
    assert np.isnan(ours.cv_results_["mean_test_score"]).tolist() == [True, False]
    assert "loop took 3 of 6 fits from the pre-fit" in capsys.readouterr().out


def test_fit_and_score_times_of_served_slots_are_durations_within_the_search():
    X, y = load_iris(return_X_y=True)
    grid = {"mlp__alpha": [1e-4, 1.0]}
    mlp = NumpyMLPClassifier((4,), max_iter=10, random_state=0)
    model = Pipeline([("scale", StandardScaler()), ("mlp", mlp)])
    start = time.time()
    search = ms.GridSearchCV(model, grid, cv=3, refit=False).fit(X, y)
    took = time.time() - start
    for name in ("fit_time", "score_time"):
        for stat in ("mean", "std"):
            values = search.cv_results_[f"{stat}_{name}"]
            assert ((values >= 0) & (values <= took)).all(), (stat, name, values)


def test_every_transform_of_a_longer_prefix_is_computed_once_per_split(capsys):
    """Steps skipped ('passthrough', None) and two steps: each later step's
    transform of the test rows is shared by the candidates as the first one's."""
    X, y = load_iris(return_X_y=True)
    mlp = NumpyMLPClassifier((4,), max_iter=10, random_state=0)
    model = Pipeline(
        [
            ("skip", "passthrough"),
            ("scale", StandardScaler()),
            ("none", None),
            ("counted", CountedScaler()),
            ("mlp", mlp),
        ]
    )
    grid = {"mlp__alpha": [1e-4, 1e-2, 1.0]}
    CountedScaler.transforms = 0
    ours, theirs = both("GridSearchCV", model, grid, X, y, cv=3, refit=False)
    assert CountedScaler.transforms == 2 * 9 + 2 * 3  # theirs, then ours
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 9)


class SetupCounter(SklearnCallback):
    """A scikit-learn fit callback that counts the fits it is set up for."""

    def __init__(self):
        self.setups = 0

    def setup(self, estimator, context):
        self.setups += 1


@pytest.mark.skipif(
    SKLEARN_VERSION < parse_version("1.9"),
    reason="scikit-learn's callback API (set_callbacks) is new in 1.9",
)
@pytest.mark.parametrize("where", ["prefix step", "pipeline"])
def test_scikit_learn_callbacks_see_every_refit_as_in_scikit_learn_s_loop(
    capsys, where
):
    """A step before our estimator (or the pipeline) with scikit-learn
    callbacks is refitted for every candidate x split, its callbacks called
    each time: those fits are left to scikit-learn's loop."""
    X, y = load_iris(return_X_y=True)
    grid = {"mlp__alpha": [1e-4, 1.0]}
    setups = []
    for search_module in (skms, ms):
        counter = SetupCounter()
        scale = StandardScaler()
        mlp = NumpyMLPClassifier((4,), max_iter=10, random_state=0)
        model = Pipeline([("scale", scale), ("mlp", mlp)])
        (scale if where == "prefix step" else model).set_callbacks(counter)
        search = search_module.GridSearchCV(model, grid, cv=3, verbose=1)
        search.fit(X, y)
        setups.append(counter.setups)
    assert setups[1] == setups[0] >= 6
    assert "6 fits left to scikit-learn's loop" in capsys.readouterr().out


def test_an_unseeded_final_estimator_after_a_prefix_is_served(capsys):
    """``random_state=None`` of our estimator itself does not make the prefix
    inexact: only the prefix's own parameters are checked."""
    X, y = load_iris(return_X_y=True)
    mlp = NumpyMLPClassifier((4,), max_iter=10, random_state=None)
    model = Pipeline([("scale", StandardScaler()), ("mlp", mlp)])
    grid = {"mlp__alpha": [1e-4, 1.0]}
    search = ms.GridSearchCV(model, grid, cv=3, verbose=1).fit(X, y)
    assert_all_served(capsys, 6)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


class WeightedShift(TransformerMixin, BaseEstimator):
    """Shifts X by the mean of the ``sample_weight`` routed to ``transform``."""

    def fit(self, X, y=None, sample_weight=None):
        return self

    def transform(self, X, sample_weight=None):
        X = np.asarray(X, dtype=float)
        return X if sample_weight is None else X + np.mean(sample_weight)


@pytest.mark.skipif(
    SKLEARN_VERSION < parse_version("1.9"),
    reason="on scikit-learn 1.6 the search refuses sample_weight routed to"
    " Pipeline.score (UnsetMetadataPassedError)",
)
@pytest.mark.filterwarnings("ignore:This object \\(WeightedShift\\) has a `transform`")
def test_a_transform_given_routed_metadata_in_scoring_uses_it(capsys):
    """With metadata routing, the default scorer (``Pipeline.score``) routes
    the test rows' ``sample_weight`` to a prefix step's ``transform``: it is
    computed with it, as in scikit-learn's loop, not taken from the shared one."""
    X, y = load_iris(return_X_y=True)
    weights = np.random.default_rng(0).integers(1, 9, len(y)).astype(float)
    grid = {"mlp__alpha": [1e-4, 1.0]}
    with sklearn.config_context(enable_metadata_routing=True):
        mlp = NumpyMLPClassifier((4,), max_iter=10, random_state=0)
        mlp.set_fit_request(sample_weight=False).set_score_request(sample_weight=True)
        shift = WeightedShift().set_fit_request(sample_weight=True)
        shift.set_transform_request(sample_weight=True)
        model = Pipeline([("shift", shift), ("mlp", mlp)])
        ours, theirs = weighted_searches(model, grid, X, y, weights)
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 6)
