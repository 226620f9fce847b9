"""HalvingGridSearchCV and HalvingRandomSearchCV against scikit-learn's.

As ``tests/test_model_selection.py`` does for the grid search: scikit-learn's
experimental halving search and ours run on the same estimator, data and
splits, and everything they compute must agree (``cv_results_`` with its
``iter`` and ``n_resources`` columns, ranks, ``best_params_``,
``n_resources_``, ``n_candidates_``, ...), while every iteration's fits are
served by that iteration's pre-fit. Both resources are covered: subsampled
rows (``resource='n_samples'``) and a parameter (``max_iter``).
"""

import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import loguniform
from search_helpers import (
    SERVED,
    assert_same_results,
    boston,
    both,
    heart,
    heart_pipeline,
    n_iter_scorer,
    scaled_mlp,
)
from sklearn import model_selection as skms
from sklearn.datasets import load_iris
from sklearn.exceptions import FitFailedWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401 - theirs
from sklearn.model_selection import KFold, StratifiedKFold

from sknumpynn import NumpyMLPRegressor
from sknumpynn import model_selection as ms
from sknumpynn.compare.tasks import TASKS

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("error:Scoring failed:UserWarning"),
]

HALVING_ATTRIBUTES = (
    "n_resources_",
    "n_candidates_",
    "n_iterations_",
    "n_possible_iterations_",
    "n_required_iterations_",
    "n_remaining_candidates_",
    "min_resources_",
    "max_resources_",
)


def assert_same_halving(ours, theirs):
    assert_same_results(ours, theirs)
    for attr in HALVING_ATTRIBUTES:
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert ours.n_iterations_ > 1  # the tests really halve


def assert_iterations_served(capsys, ours):
    """One pre-fit per iteration, each serving all of that iteration's fits."""
    out = capsys.readouterr().out
    expected = [(str(n * ours.n_splits_),) * 2 for n in ours.n_candidates_]
    assert SERVED.findall(out) == expected, out
    return out


def test_halving_grid_over_rows_equals_scikit_learn(capsys):
    X, y = heart()
    grid = {
        "mlp__alpha": [1e-3, 0.1, 1.0, 3.0],
        "mlp__learning_rate_init": [1e-3, 1e-2],
    }
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    ours, theirs = both(
        "HalvingGridSearchCV",
        heart_pipeline(),
        grid,
        X,
        y,
        cv=cv,
        factor=2,
        random_state=0,
    )
    assert_same_halving(ours, theirs)
    assert ours.n_resources_[0] < ours.n_resources_[-1] <= len(y)
    assert_iterations_served(capsys, ours)
    np.testing.assert_array_equal(
        ours.best_estimator_[-1].coefs_[0], theirs.best_estimator_[-1].coefs_[0]
    )


def test_halving_random_over_max_iter_equals_scikit_learn(capsys):
    """The resource is a parameter: each iteration trains its survivors longer."""
    X, y = boston()
    mlp = NumpyMLPRegressor(hidden_layer_sizes=(8,), random_state=0, tol=0.0)
    distributions = {
        "regressor__mlp__alpha": loguniform(1e-4, 3.0),
        "regressor__mlp__learning_rate_init": [1e-3, 1e-2],
    }
    ours, theirs = both(
        "HalvingRandomSearchCV",
        TASKS["boston"].build(mlp),
        distributions,
        X,
        y,
        cv=KFold(3, shuffle=True, random_state=0),
        resource="regressor__mlp__max_iter",
        min_resources=4,
        max_resources=36,
        n_candidates=9,
        factor=3,
        random_state=0,
    )
    assert_same_halving(ours, theirs)
    assert ours.n_resources_ == [4, 12, 36]
    assert set(ours.cv_results_["param_regressor__mlp__max_iter"]) == {4, 12, 36}
    assert_iterations_served(capsys, ours)


def test_subsampling_drawn_once_per_iteration_with_random_state_none(capsys):
    """random_state=None subsamples from NumPy's global generator: the pre-fit
    splits each iteration's cv once and scikit-learn's loop gets those rows."""
    X, y = load_iris(return_X_y=True)
    grid = {"mlp__alpha": [1e-4, 1e-2, 1e-1, 1.0]}
    searches = {}
    for name, module in (("theirs", skms), ("ours", ms)):
        np.random.seed(7)  # noqa: NPY002 - the generator the search draws from
        search = module.HalvingGridSearchCV(
            scaled_mlp(), grid, cv=3, factor=2, scoring=n_iter_scorer, verbose=1
        )
        searches[name] = search.fit(X, y)
        searches[name + "_state"] = np.random.get_state()[1].copy()  # noqa: NPY002
    assert_same_halving(searches["ours"], searches["theirs"])
    # The global generator advanced exactly as in scikit-learn's search.
    np.testing.assert_array_equal(searches["ours_state"], searches["theirs_state"])
    assert_iterations_served(capsys, searches["ours"])


@pytest.mark.filterwarnings("ignore:One or more of the t:UserWarning")
def test_aggressive_elimination_sample_weight_and_error_score(capsys):
    """A failing candidate scores nan and is halved away; weights are split
    with the subsampled rows; aggressive elimination repeats the first size."""
    X, y = load_iris(return_X_y=True)
    weights = np.random.default_rng(0).integers(1, 4, len(y)).astype(float)
    grid = {"mlp__dropout": [0.0, [0.1, 0.2]], "mlp__alpha": [1e-4, 1e-2, 1e-1, 1.0]}
    options = dict(cv=3, factor=2, random_state=0, max_resources=90)
    options.update(aggressive_elimination=True, min_resources=45)
    fit_params = {"mlp__sample_weight": weights}
    with pytest.warns(FitFailedWarning):
        theirs = skms.HalvingGridSearchCV(scaled_mlp(max_iter=80), grid, **options)
        theirs.fit(X, y, **fit_params)
    with pytest.warns(FitFailedWarning):
        ours = ms.HalvingGridSearchCV(
            scaled_mlp(max_iter=80), grid, verbose=1, **options
        )
        ours.fit(X, y, **fit_params)
    assert_same_halving(ours, theirs)
    assert ours.n_resources_[:2] == [45, 45]  # aggressive: eliminate first
    assert len(set(ours.cv_results_["mean_test_score"][8:])) > 1  # not all tied
    assert np.isnan(ours.cv_results_["mean_test_score"]).sum() == 4
    out = capsys.readouterr().out
    first = SERVED.findall(out)[0]  # the failing fits are scikit-learn's again
    assert first == ("12", "24"), out
    with pytest.raises(ValueError, match="dropout must be a float or one value"):
        ms.HalvingGridSearchCV(scaled_mlp(), grid, error_score="raise", **options).fit(
            X, y
        )


def test_constructors_are_scikit_learn_s():
    for name in ("HalvingGridSearchCV", "HalvingRandomSearchCV"):
        ours, theirs = getattr(ms, name), getattr(skms, name)
        assert issubclass(ours, theirs)
        assert ours.__init__ is theirs.__init__
        assert name in ms.__all__ and name in dir(ms)
    with pytest.raises(AttributeError, match="no attribute 'HalvingSearchCV'"):
        ms.HalvingSearchCV  # noqa: B018


def test_asking_for_a_halving_search_enables_scikit_learn_s():
    """``import sknumpynn.model_selection`` enables nothing; naming a halving
    search enables scikit-learn's too (ours subclass it), no dance needed."""
    code = (
        "import sklearn.model_selection as skms, sknumpynn.model_selection as ms\n"
        "assert 'HalvingGridSearchCV' not in vars(skms)\n"
        "from sknumpynn.model_selection import HalvingGridSearchCV\n"
        "assert issubclass(HalvingGridSearchCV, skms.HalvingGridSearchCV)\n"
        "from sklearn.model_selection import HalvingRandomSearchCV\n"
        "assert issubclass(ms.HalvingRandomSearchCV, HalvingRandomSearchCV)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_non_stackable_estimator_is_scikit_learn_s(capsys):
    from sklearn.tree import DecisionTreeClassifier

    X, y = load_iris(return_X_y=True)
    grid = {"max_depth": [1, 2, 3, 4]}
    ours, theirs = both(
        "HalvingGridSearchCV",
        DecisionTreeClassifier(random_state=0),
        grid,
        X,
        y,
        cv=3,
        factor=2,
        random_state=0,
    )
    assert_same_halving(ours, theirs)
    assert "[sknumpynn]" not in capsys.readouterr().out
