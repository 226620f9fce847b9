"""sknumpynn.model_selection against scikit-learn's searches around our estimator.

Each test runs scikit-learn's ``GridSearchCV`` (or ``cross_validate``, ...)
and ours on the same estimator, data and splits, and compares everything they
compute: ``cv_results_`` (keys, dtypes, scores, ranks), the ``best_*``
attributes and each model's ``n_iter_`` (through a scorer that reads it).
The pre-fit must also have served the fits (``verbose`` says how many).
Helpers: ``tests/search_helpers.py``; inputs, bad input and the Hypothesis
test: ``tests/test_model_selection_inputs.py``.
"""

import time

import numpy as np
import pytest
import sklearn
from search_helpers import (
    SCORING,
    assert_all_served,
    assert_same_results,
    boston,
    both,
    fitted_mlp,
    heart,
    heart_pipeline,
    n_iter_scorer,
    scaled_mlp,
)
from sklearn import model_selection as skms
from sklearn.datasets import load_iris
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn import model_selection as ms
from sknumpynn.callbacks import Callback
from sknumpynn.compare.tasks import TASKS
from sknumpynn.model_selection import _stacking

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("error:Scoring failed:UserWarning"),
]


def test_heart_grid_equals_scikit_learn(capsys):
    X, y = heart()
    grid = {"mlp__alpha": [0.1, 3.0], "mlp__learning_rate_init": [1e-3, 1e-2]}
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    ours, theirs = both(
        "GridSearchCV",
        heart_pipeline(),
        grid,
        X,
        y,
        cv=cv,
        scoring=SCORING,
        refit="score",
    )
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 16)
    # Refit on the whole data: an ordinary fit, scikit-learn's own.
    np.testing.assert_array_equal(
        ours.best_estimator_[-1].coefs_[0], theirs.best_estimator_[-1].coefs_[0]
    )


def test_boston_target_transformed_grid_equals_scikit_learn(capsys):
    X, y = boston()
    mlp = NumpyMLPRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    grid = {"regressor__mlp__alpha": [0.1, 1.0], "regressor__mlp__batch_size": [64]}
    scoring = {"r2": "r2", "n_iter": n_iter_scorer}
    ours, theirs = both(
        "GridSearchCV",
        TASKS["boston"].build(mlp),
        grid,
        X,
        y,
        cv=KFold(3, shuffle=True, random_state=0),
        scoring=scoring,
        refit="r2",
    )
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 6)


def test_multiclass_multimetric_train_scores_and_refit_callable(capsys):
    X, y = load_iris(return_X_y=True)

    def lowest_n_iter(results):
        return int(np.argmin(results["mean_test_n_iter"]))

    grid = {"mlp__alpha": [1e-4, 1.0], "mlp__hidden_layer_sizes": [(4,), (8, 4)]}
    scoring = {**SCORING, "f1": "f1_macro"}
    ours, theirs = both(
        "GridSearchCV",
        scaled_mlp(max_iter=40),
        grid,
        X,
        y,
        cv=3,
        scoring=scoring,
        refit=lowest_n_iter,
        return_train_score=True,
    )
    assert_same_results(ours, theirs)
    assert "mean_train_f1" in ours.cv_results_
    assert_all_served(capsys, 12)


def test_refit_false_and_prefix_parameters(capsys):
    """Steps before ours searched too: one prefix capture per setting and split."""
    X, y = load_iris(return_X_y=True)
    grid = {"scale__with_mean": [True, False], "mlp__alpha": [1e-4, 1e-2]}
    ours, theirs = both("GridSearchCV", scaled_mlp(), grid, X, y, cv=3, refit=False)
    assert_same_results(ours, theirs)
    out = assert_all_served(capsys, 12)
    assert "(6 prefix captures" in out


def test_error_score_nan_and_raise():
    """A failing candidate is nan with FitFailedWarning; the others unaffected."""
    X, y = load_iris(return_X_y=True)
    # dropout: one rate per hidden layer; two rates for one layer fail in fit.
    grid = {"mlp__dropout": [0.0, [0.1, 0.2]], "mlp__alpha": [1e-4, 1e-2]}
    with pytest.warns(FitFailedWarning) as ours_warnings:
        ours = ms.GridSearchCV(scaled_mlp(), grid, cv=3).fit(X, y)
    with pytest.warns(FitFailedWarning) as their_warnings:
        theirs = skms.GridSearchCV(scaled_mlp(), grid, cv=3).fit(X, y)
    assert_same_results(ours, theirs)
    assert np.isnan(ours.cv_results_["mean_test_score"]).sum() == 2
    assert [
        str(w.message) for w in ours_warnings if w.category is FitFailedWarning
    ] == [str(w.message) for w in their_warnings if w.category is FitFailedWarning]
    with pytest.raises(ValueError, match="dropout must be a float or one value"):
        ms.GridSearchCV(scaled_mlp(), grid, cv=3, error_score="raise").fit(X, y)


def test_groups_with_group_kfold(capsys):
    X, y = heart()
    groups = np.arange(len(y)) % 7
    grid = {"mlp__alpha": [0.1, 3.0]}
    ours, theirs = both(
        "GridSearchCV",
        heart_pipeline(),
        grid,
        X,
        y,
        fit_params={"groups": groups},
        cv=GroupKFold(3),
    )
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 6)


def test_sample_weight_without_routing(capsys):
    X, y = load_iris(return_X_y=True)
    weights = np.random.default_rng(0).integers(0, 4, len(y)).astype(float)
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    ours, theirs = both(
        "GridSearchCV",
        scaled_mlp(),
        grid,
        X,
        y,
        fit_params={"mlp__sample_weight": weights},
        cv=3,
    )
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 6)


def test_sample_weight_with_metadata_routing(capsys):
    X, y = load_iris(return_X_y=True)
    weights = np.random.default_rng(0).integers(0, 4, len(y)).astype(float)
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    with sklearn.config_context(enable_metadata_routing=True):
        scoring = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        pipe = scaled_mlp()
        pipe.named_steps["mlp"].set_fit_request(sample_weight=True)
        pipe.named_steps["scale"].set_fit_request(sample_weight=False)
        ours, theirs = both(
            "GridSearchCV",
            pipe,
            grid,
            X,
            y,
            fit_params={"sample_weight": weights},
            cv=3,
            scoring=scoring,
        )
        unweighted = skms.GridSearchCV(pipe, grid, cv=3, scoring=scoring).fit(X, y)
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 6)
    assert not np.array_equal(
        unweighted.cv_results_["mean_test_score"], ours.cv_results_["mean_test_score"]
    )


def test_randomized_search_with_a_random_state_instance(capsys):
    X, y = load_iris(return_X_y=True)
    distributions = {"mlp__alpha": np.logspace(-5, 0, 50), "mlp__tol": [1e-4, 1e-3]}
    generators = [np.random.RandomState(0), np.random.RandomState(0)]
    theirs = skms.RandomizedSearchCV(
        scaled_mlp(), distributions, n_iter=4, cv=3, random_state=generators[0]
    ).fit(X, y)
    ours = ms.RandomizedSearchCV(
        scaled_mlp(),
        distributions,
        n_iter=4,
        cv=3,
        random_state=generators[1],
        verbose=1,
    ).fit(X, y)
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 12)
    # Sampled once, as scikit-learn samples: both generators advanced alike.
    np.testing.assert_array_equal(
        generators[0].get_state()[1], generators[1].get_state()[1]
    )


def test_shuffling_splitter_with_a_random_state_instance(capsys):
    """The splits are drawn once and replayed to scikit-learn's loop."""
    X, y = load_iris(return_X_y=True)
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    cvs = [KFold(3, shuffle=True, random_state=np.random.RandomState(1)) for _ in "ab"]
    theirs = skms.GridSearchCV(scaled_mlp(), grid, cv=cvs[0]).fit(X, y)
    ours = ms.GridSearchCV(scaled_mlp(), grid, cv=cvs[1], verbose=1).fit(X, y)
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 6)


def test_constructor_and_params_are_scikit_learn_s():
    for name in ("GridSearchCV", "RandomizedSearchCV"):
        ours, theirs = getattr(ms, name), getattr(skms, name)
        assert issubclass(ours, theirs)
        assert ours.__init__ is theirs.__init__
    assert str(ms.cross_validate.__signature__) == str(
        __import__("inspect").signature(skms.cross_validate)
    )


def test_cross_validate_and_cross_val_score_equal_scikit_learn(capsys):
    X, y = boston()
    mlp = NumpyMLPRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    model = TASKS["boston"].build(mlp)
    cv = KFold(4, shuffle=True, random_state=0)
    options = dict(cv=cv, return_train_score=True, return_estimator=True)
    theirs = skms.cross_validate(model, X, y, **options)
    ours = ms.cross_validate(model, X, y, verbose=1, **options)
    assert "cross_validate took 4 of 4 fits" in capsys.readouterr().out
    assert sorted(ours) == sorted(theirs)
    for key in ("test_score", "train_score"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=0, atol=1e-6)
    assert [fitted_mlp(e).n_iter_ for e in ours["estimator"]] == [
        fitted_mlp(e).n_iter_ for e in theirs["estimator"]
    ]
    assert ours["fit_time"].shape == theirs["fit_time"].shape == (4,)
    np.testing.assert_allclose(
        ms.cross_val_score(model, X, y, cv=cv, scoring="neg_mean_absolute_error"),
        skms.cross_val_score(model, X, y, cv=cv, scoring="neg_mean_absolute_error"),
        rtol=0,
        atol=1e-6,
    )


def test_fit_time_includes_the_share_of_the_pre_fit(monkeypatch):
    X, y = load_iris(return_X_y=True)
    pause = 0.6

    def slow_fit_together(*args, **kwargs):
        time.sleep(pause)
        return fit_together(*args, **kwargs)

    fit_together = _stacking.fit_together
    monkeypatch.setattr(_stacking, "fit_together", slow_fit_together)
    search = ms.GridSearchCV(scaled_mlp(max_iter=2), {"mlp__alpha": [1e-4, 1e-2]}, cv=3)
    search.fit(X, y)
    # Six fits share the pause: each fit_time includes at least pause / 6.
    assert (search.cv_results_["mean_fit_time"] >= pause / 6).all()
    assert ms.cross_validate(scaled_mlp(max_iter=2), X, y, cv=3)["fit_time"].min() >= (
        pause / 3
    )


@pytest.mark.parametrize(
    "params, reason",
    [
        ({"callbacks": [Callback()]}, "callbacks are set"),
        ({"solver": "lbfgs", "max_iter": 15}, None),
        ({"warm_start": True}, None),
    ],
)
def test_fallbacks_give_identical_results(capsys, params, reason):
    X, y = load_iris(return_X_y=True)
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    ours, theirs = both(
        "GridSearchCV",
        scaled_mlp(**params),
        grid,
        X,
        y,
        cv=3,
        scoring=SCORING,
        refit="score",
    )
    assert_same_results(ours, theirs)
    out = capsys.readouterr().out
    if reason is None:
        assert "took 6 of 6 fits" in out
    else:
        assert f"6 fits left to scikit-learn's loop: {reason}" in out
        assert "took 0 of 6 fits" in out


def test_estimators_not_ours_are_scikit_learn_s(capsys):
    X, y = load_iris(return_X_y=True)
    model = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression())])
    ours, theirs = both("GridSearchCV", model, {"lr__C": [0.1, 1.0]}, X, y, cv=3)
    assert_same_results(ours, theirs)
    assert "[sknumpynn]" not in capsys.readouterr().out
    # A grid that swaps our final step for another estimator: those fits
    # are scikit-learn's, ours are pre-fitted.
    grid = {
        "mlp": [NumpyMLPClassifier(max_iter=5, random_state=0), LogisticRegression()]
    }
    ours, theirs = both("GridSearchCV", scaled_mlp(), grid, X, y, cv=3)
    assert_same_results(ours, theirs)
    out = capsys.readouterr().out
    assert "3 fits left to scikit-learn's loop: the final step is not" in out
    assert "took 3 of 6 fits" in out


def test_parallel_n_jobs_equals_sequential(capsys):
    X, y = heart()
    grid = {"mlp__alpha": [0.1, 3.0]}
    sequential = ms.GridSearchCV(heart_pipeline(), grid, cv=3).fit(X, y)
    parallel = ms.GridSearchCV(heart_pipeline(), grid, cv=3, n_jobs=2, verbose=1)
    assert_same_results(parallel.fit(X, y), sequential, atol=0)
    assert_all_served(capsys, 6)
