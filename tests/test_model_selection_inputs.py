"""sknumpynn.model_selection on unusual and bad input, and random grids.

Bad input raises what scikit-learn's search raises (type and message);
routing, groups, DataFrames and sparse matrices go through the pre-fit; a
Hypothesis test compares random small grids, splits and sample weights with
scikit-learn's search; the README section and the gallery example run.
"""

import re
import warnings

import numpy as np
import pytest
import sklearn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from search_helpers import (
    SCORING,
    SERVED,
    assert_all_served,
    assert_same_results,
    both,
    fitted_mlp,
    scaled_mlp,
)
from sklearn import model_selection as skms
from sklearn.datasets import load_iris
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GroupKFold, KFold
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier
from sknumpynn import model_selection as ms

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("error:Scoring failed:UserWarning"),
]


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


def test_duplicate_candidates_with_random_state_none(capsys):
    """Every fit is its own model: duplicate candidates with random_state=None
    are distinct fits, as in scikit-learn's loop. (Their values are not
    scikit-learn's sequential ones: stacked models draw from the global
    generator in another order, as scikit-learn's own n_jobs > 1 does.)"""
    X, y = load_iris(return_X_y=True)

    def weight_sum(estimator, X, y):
        return float(fitted_mlp(estimator).coefs_[0].sum())

    scoring = {"accuracy": "accuracy", "weights": weight_sum}
    grid = {"mlp__alpha": [1e-3, 1e-3]}
    search = ms.GridSearchCV(
        scaled_mlp(random_state=None), grid, cv=3, scoring=scoring, refit=False
    )
    results = search.set_params(verbose=1).fit(X, y).cv_results_
    assert_all_served(capsys, 6)
    for split in range(3):
        first, second = results[f"split{split}_test_weights"]
        assert first != second


def test_one_shot_iterator_as_cv():
    X, y = load_iris(return_X_y=True)
    splits = list(KFold(3, shuffle=True, random_state=0).split(X))
    grid = {"mlp__alpha": [1e-4, 1e-2]}
    theirs = skms.GridSearchCV(scaled_mlp(), grid, cv=iter(splits)).fit(X, y)
    ours = ms.GridSearchCV(scaled_mlp(), grid, cv=iter(splits)).fit(X, y)
    assert_same_results(ours, theirs)
