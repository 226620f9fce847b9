"""sknumpynn.model_selection against scikit-learn's searches around our estimator.

Each test runs scikit-learn's ``GridSearchCV`` (or ``cross_validate``, ...)
and ours on the same estimator, data and splits, and compares everything they
compute: ``cv_results_`` (keys, dtypes, scores, ranks), the ``best_*``
attributes and each model's ``n_iter_`` (through a scorer that reads it).
The pre-fit must also have served the fits (``verbose`` says how many).
"""

import re
import time
import warnings

import numpy as np
import pytest
import sklearn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import model_selection as skms
from sklearn.compose import TransformedTargetRegressor
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

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

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
    assert "12 distinct models; 6 prefix captures" in out


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


# -- bad input: the same exceptions and messages as scikit-learn's search ---


def _same_error(make_search, X, y, error=Exception):
    with pytest.raises(error) as theirs:
        make_search(skms).fit(X, y)
    with pytest.raises(error) as ours:
        make_search(ms).fit(X, y)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)
    return ours.value


@pytest.mark.parametrize(
    "grid",
    [[], {"mlp__alpha": []}, {"mlp__not_a_parameter": [1]}, {"nope": [1]}],
    ids=["empty-list", "empty-values", "unknown-step-param", "unknown-param"],
)
def test_bad_grids_raise_as_scikit_learn(grid):
    X, y = load_iris(return_X_y=True)
    _same_error(lambda m: m.GridSearchCV(scaled_mlp(), grid, cv=3), X, y, ValueError)


def test_a_grid_value_ours_rejects():
    X, y = load_iris(return_X_y=True)
    grid = {"mlp__alpha": [-1.0, 1e-3]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        ours, theirs = both("GridSearchCV", scaled_mlp(), grid, X, y, cv=3)
    assert_same_results(ours, theirs)
    assert np.isnan(ours.cv_results_["mean_test_score"][0])
    error = _same_error(
        lambda m: m.GridSearchCV(scaled_mlp(), {"mlp__alpha": [-1.0]}, cv=3), X, y
    )
    assert "alpha" in str(error)


def test_cv_larger_than_a_class_and_nan_in_X():
    X, y = load_iris(return_X_y=True)
    y_small = y.copy()
    y_small[:48] = 1  # class 0 keeps 2 members
    grid = {"mlp__alpha": [1e-4]}
    rows = [0, 1, 50, 51]  # two members per class, three splits
    error = _same_error(
        lambda m: m.GridSearchCV(scaled_mlp(), grid, cv=3), X[rows], y[rows]
    )
    assert "cannot be greater than the number of members in each class" in str(error)
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    error = _same_error(lambda m: m.GridSearchCV(scaled_mlp(), grid, cv=3), X_nan, y)
    assert "NaN" in str(error)
    with pytest.warns(UserWarning, match="least populated class"):
        ms.GridSearchCV(scaled_mlp(max_iter=2), grid, cv=3).fit(X, y_small)


# -- Hypothesis: random small grids, splits and sample weights --------------


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    alphas=st.lists(st.sampled_from([1e-5, 1e-3, 0.1, 1.0]), min_size=1, max_size=3),
    rates=st.lists(st.sampled_from([1e-3, 1e-2, 0.1]), min_size=1, max_size=2),
    solver=st.sampled_from(["adam", "sgd"]),
    n_splits=st.integers(2, 4),
    seed=st.integers(0, 2**16),
    weighted=st.booleans(),
)
def test_random_grids_equal_scikit_learn(
    capsys, alphas, rates, solver, n_splits, seed, weighted
):
    X, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(y), 90, replace=False)
    X, y = X[rows], y[rows]
    fit_params = {}
    if weighted:
        fit_params["mlp__sample_weight"] = rng.integers(0, 3, len(y)).astype(float)
    grid = {"mlp__alpha": alphas, "mlp__learning_rate_init": rates}
    cv = KFold(n_splits, shuffle=True, random_state=seed)
    capsys.readouterr()
    ours, theirs = both(
        "GridSearchCV",
        scaled_mlp(solver=solver, max_iter=15, random_state=seed),
        grid,
        X,
        y,
        fit_params=fit_params,
        cv=cv,
        scoring=SCORING,
        refit="score",
        error_score=np.nan,
    )
    assert_same_results(ours, theirs)
    n_fits = len(alphas) * len(rates) * n_splits
    assert SERVED.findall(capsys.readouterr().out) == [(str(n_fits), str(n_fits))]


def test_gallery_example_runs_quick():
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).parents[1] / "examples" / "plot_stacked_search.py"
    result = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 0, result.stderr
    assert "took 18 of 18 fits from the pre-fit" in result.stdout
    assert "best parameters" in result.stdout


def test_readme_search_section_runs(capsys):
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Search\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
    assert "from sknumpynn.model_selection import GridSearchCV" in block
    exec(compile(block, "README.md:Search", "exec"), {})
    out = capsys.readouterr().out
    assert "took 30 of 30 fits from the pre-fit" in out
    assert "numpymlpclassifier__alpha" in out.splitlines()[-1]


@pytest.mark.parametrize("routing", [False, True])
def test_cross_validate_with_groups_and_sample_weight(capsys, routing):
    X, y = load_iris(return_X_y=True)
    groups = np.arange(len(y)) % 5
    weights = np.random.default_rng(1).integers(1, 4, len(y)).astype(float)
    with sklearn.config_context(enable_metadata_routing=routing):
        model = scaled_mlp()
        if routing:
            model.named_steps["mlp"].set_fit_request(sample_weight=True)
            model.named_steps["scale"].set_fit_request(sample_weight=False)
            params = {"groups": groups, "sample_weight": weights}
            scoring = make_scorer(accuracy_score).set_score_request(sample_weight=True)
            options = dict(params=params, cv=GroupKFold(5), scoring=scoring)
        else:
            params = {"mlp__sample_weight": weights}
            options = dict(params=params, groups=groups, cv=GroupKFold(5))
        theirs = skms.cross_validate(model, X, y, return_indices=True, **options)
        ours = ms.cross_validate(model, X, y, return_indices=True, verbose=1, **options)
    assert "cross_validate took 5 of 5 fits" in capsys.readouterr().out
    np.testing.assert_allclose(ours["test_score"], theirs["test_score"], atol=1e-6)
    for part in ("train", "test"):
        for got, expected in zip(ours["indices"][part], theirs["indices"][part]):
            np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("container", ["dataframe", "csr"])
def test_dataframe_and_sparse_input(capsys, container):
    X, y = load_iris(return_X_y=True, as_frame=container == "dataframe")
    if container == "csr":
        import scipy.sparse as sp

        X = sp.csr_matrix(StandardScaler().fit_transform(X))
    mlp = NumpyMLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    grid = {"alpha": [1e-4, 1e-2], "learning_rate_init": [1e-3, 1e-2]}
    ours, theirs = both("GridSearchCV", mlp, grid, X, y, cv=3)
    assert_same_results(ours, theirs)
    assert_all_served(capsys, 12)
    if container == "dataframe":
        assert list(ours.feature_names_in_) == list(X.columns)
