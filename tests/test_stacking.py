"""A stacked model equals its own single fit, bit for bit.

``fit_together`` (the engine of ``sknumpynn.model_selection``) trains many fits
as stacked networks; every test here fits the same estimators one by one and
together and asks for identical weights, loss curves, iteration counts,
validation scores and optimizer state.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.model_selection import KFold, ParameterGrid

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn._training.together import fit_one, fit_together, plan_fits
from sknumpynn.callbacks import Callback
from sknumpynn.nn import Adam, Network, Workspace
from sknumpynn.nn.backprop import Penalty, batch_gradient
from sknumpynn.nn.batch import Rows


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(150, 5, noise=5, random_state=0)
    return X, y / 50


def jobs(base, grid, X, y, sample_weight=None, n_splits=3):
    """Every candidate x fold, as a search makes them."""
    estimators, datasets = [], []
    for train, _ in KFold(n_splits, shuffle=True, random_state=0).split(X):
        sw = None if sample_weight is None else sample_weight[train]
        for params in ParameterGrid(grid):
            estimators.append(clone(base).set_params(**params))
            datasets.append((X[train], y[train], sw))
    return estimators, datasets


def assert_same_fits(estimators, datasets, n_stacked=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        together = fit_together(estimators, datasets)
        alone = [fit_one(e, d) for e, d in zip(estimators, datasets)]
    for (a, error_a), (b, error_b) in zip(together, alone):
        assert type(error_a) is type(error_b)
        if error_a is not None:
            assert str(error_a) == str(error_b)
            continue
        assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
        assert a.loss_curve_ == b.loss_curve_
        for name in ("validation_scores_", "best_loss_", "validation_loss_curve_"):
            assert getattr(a, name, None) == getattr(b, name, None)
        assert [h["loss"] for h in a.history_] == [h["loss"] for h in b.history_]
        for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
            np.testing.assert_array_equal(p, q)
        assert repr(getattr(a, "_optimizer", None)) == repr(
            getattr(b, "_optimizer", None)
        )
    if n_stacked is not None:
        stacks, _ = plan_fits(estimators, datasets, [None] * len(estimators))
        assert sum(len(group) for stack in stacks for group in stack) == n_stacked
    return together, alone


@pytest.mark.parametrize("early_stopping", [False, True])
def test_classifier_adam_grid_equals_single_fits(iris, early_stopping):
    base = NumpyMLPClassifier(
        hidden_layer_sizes=(8,),
        max_iter=40,
        random_state=0,
        early_stopping=early_stopping,
    )
    grid = {"alpha": [1e-4, 1e-1, 3.0], "learning_rate_init": [1e-3, 1e-2]}
    assert_same_fits(*jobs(base, grid, *iris), n_stacked=18)


@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_sgd_schedules_and_momenta_equal_single_fits(regression, schedule):
    base = NumpyMLPRegressor(
        hidden_layer_sizes=(6, 4),
        solver="sgd",
        learning_rate=schedule,
        max_iter=60,
        n_iter_no_change=3,
        random_state=1,
    )
    grid = {
        "momentum": [0.5, 0.9],
        "nesterovs_momentum": [True, False],
        "power_t": [0.25, 0.5],
        "learning_rate_init": [0.01, 0.05],
    }
    assert_same_fits(*jobs(base, grid, *regression))


@pytest.mark.parametrize("solver", ["adam", "adamw", "rmsprop", "adagrad"])
def test_other_solvers_with_sample_weight_and_l1(regression, solver):
    X, y = regression
    base = NumpyMLPRegressor(
        hidden_layer_sizes=(7,), solver=solver, max_iter=30, random_state=2
    )
    grid = {
        "alpha": [0.0, 1e-2],
        "l1": [0.0, 1e-3],
        "beta_1": [0.8, 0.9],
        "weight_decay": [0.0, 0.1],
    }
    if solver in ("rmsprop", "adagrad"):
        grid = {"alpha": [0.0, 1e-2], "rho": [0.8, 0.9], "epsilon": [1e-8, 1e-6]}
    sw = np.random.RandomState(0).rand(len(y))
    assert_same_fits(*jobs(base, grid, X, y, sample_weight=sw))


def test_random_states_batch_sizes_and_schedules(iris):
    base = NumpyMLPClassifier(
        hidden_layer_sizes=(5,), max_iter=25, learning_rate="cosine"
    )
    grid = {"random_state": [0, 1], "batch_size": [16, 32], "alpha": [1e-4, 1.0]}
    assert_same_fits(*jobs(base, grid, *iris))


def test_dropout_rates_per_model_and_per_layer(iris):
    base = NumpyMLPClassifier(hidden_layer_sizes=(6, 5), max_iter=15, random_state=0)
    grid = {"dropout": [0.0, 0.2, [0.3, 0.0], [0.0, 0.5]], "alpha": [1e-4, 1e-1]}
    estimators, datasets = jobs(base, grid, *iris)
    assert_same_fits(estimators, datasets, n_stacked=len(estimators))


def test_class_weight_and_monitor_val_loss(iris):
    base = NumpyMLPClassifier(
        hidden_layer_sizes=(5,),
        max_iter=30,
        random_state=0,
        early_stopping=True,
        monitor="val_loss",
    )
    grid = {"class_weight": [None, "balanced", {0: 1.0, 1: 3.0, 2: 1.0}]}
    assert_same_fits(*jobs(base, grid, *iris))


def test_unstackable_fits_fall_back_with_identical_results(iris):
    class Noop(Callback):
        pass

    estimators, datasets = [], []
    for params in (
        {"solver": "lbfgs"},
        {"callbacks": [Noop()]},
        {"hidden_layer_sizes": (3, 3)},
    ):
        base = NumpyMLPClassifier(hidden_layer_sizes=(4,), max_iter=15, random_state=0)
        e, d = jobs(base.set_params(**params), {"alpha": [1e-4]}, *iris)
        estimators += e
        datasets += d
    assert_same_fits(estimators, datasets, n_stacked=3)  # only the (3, 3) net


def test_a_diverging_model_does_not_take_its_stack_down(regression):
    X, y = regression
    base = NumpyMLPRegressor(
        hidden_layer_sizes=(6,),
        solver="sgd",
        max_iter=20,
        random_state=0,
        batch_size=10,
    )
    estimators, datasets = jobs(base, {"learning_rate_init": [1e-4, 1e30]}, X, y)
    together, _ = assert_same_fits(estimators, datasets)
    errors = [error for _, error in together]
    assert any(e is not None for e in errors) and any(e is None for e in errors)
    assert all(np.isfinite(fit.predict(X)).all() for fit, e in together if e is None)


def test_stacked_optimizer_state_continues_like_the_single_one(iris):
    X, y = iris
    estimators, datasets = jobs(
        NumpyMLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0),
        {"learning_rate_init": [1e-3, 1e-2]},
        X,
        y,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        together = fit_together(estimators, datasets)
        alone = [fit_one(e, d) for e, d in zip(estimators, datasets)]
        for (a, _), (b, _), (Xf, yf, _) in zip(together, alone, datasets):
            a.partial_fit(Xf, yf)
            b.partial_fit(Xf, yf)
            np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])


def test_stacked_gradient_equals_each_networks_gradient():
    rng = np.random.RandomState(0)
    nets = [
        Network((5, 7, 3), ["tanh"], "softmax").initialize(np.random.RandomState(k))
        for k in range(3)
    ]
    stack = Network.stack(nets)
    X1, X2 = rng.normal(size=(6, 5)), rng.normal(size=(6, 5))
    Y1, Y2 = (np.eye(3)[rng.randint(3, size=6)] for _ in range(2))
    alphas = np.array([0.1, 0.2, 0.3])
    workspace = Workspace(stack, 6)
    rows = [Rows(slice(0, 2), X1, Y1, None), Rows(slice(2, 3), X2, Y2, None)]
    values = batch_gradient(stack, rows, "log_loss", workspace, Penalty(alphas, 0.01))
    for k, (net, X, Y) in enumerate(zip(nets, [X1, X1, X2], [Y1, Y1, Y2])):
        single = Workspace(net, 6)
        value = net.loss_and_gradient(X, Y, "log_loss", alphas[k], single, l1=0.01)
        assert values[k] == value
        np.testing.assert_array_equal(workspace.grad[k], single.grad)


def test_optimizer_stack_round_trip():
    a, b = Adam(4, np.float64, 0.1, beta_1=0.8), Adam(4, np.float64, 0.2)
    stacked = Adam.stack([a, b])
    params, grad = np.ones((2, 4)), np.arange(8.0).reshape(2, 4)
    stacked.step(params, grad)
    pa, pb = np.ones(4), np.ones(4)
    a.step(pa, grad[0])
    b.step(pb, grad[1])
    np.testing.assert_array_equal(params, [pa, pb])
    assert stacked.model(0).beta_1 == 0.8 and stacked.model(1).learning_rate == 0.2
    np.testing.assert_array_equal(stacked.model(1)._M, b._M)
    assert stacked.take([1]).learning_rate.shape == (1, 1)


def test_fit_together_needs_one_dataset_per_estimator():
    with pytest.raises(ValueError, match="one dataset per estimator"):
        fit_together([NumpyMLPRegressor()], [])


def test_working_memory_splits_stacks_with_identical_results(iris):
    from sklearn import config_context

    base = NumpyMLPClassifier(hidden_layer_sizes=(300,), max_iter=5, random_state=0)
    estimators, datasets = jobs(base, {"alpha": [1e-4, 1e-2, 1.0, 3.0]}, *iris)
    with config_context(working_memory=1):  # MiB: a few models per stack
        stacks, _ = plan_fits(estimators, datasets, [None] * len(estimators))
        assert len(stacks) > 3
        assert_same_fits(estimators, datasets)


def test_fits_a_stack_would_slow_down_are_fitted_one_by_one(iris, capsys):
    from sknumpynn._training.stack_plan import STACK_MAX_FLOPS, step_flops

    X, y = iris
    wide = NumpyMLPClassifier(hidden_layer_sizes=(600, 600), max_iter=2, random_state=0)
    small = NumpyMLPClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    estimators, datasets = jobs(wide, {"alpha": [1e-4, 1e-2]}, X, y, n_splits=2)
    e, d = jobs(small, {"alpha": [1e-4, 1e-2]}, X, y, n_splits=2)
    reasons = {}
    stacks, alone = plan_fits(estimators + e, datasets + d, [None] * 8, reasons)
    assert reasons["costly"] == alone == [0, 1, 2, 3]
    assert [len(g) for g in stacks[0]] == [2, 2]
    item = stacks[0][0][0]
    assert step_flops(item) <= STACK_MAX_FLOPS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_together(estimators + e, datasets + d, verbose=1)
    assert "4 fits fitted one by one instead of stacked" in capsys.readouterr().out
    assert_same_fits(estimators, datasets, n_stacked=0)


def test_float32_fits_stack_in_float32(iris):
    X, y = iris
    base = NumpyMLPClassifier(
        hidden_layer_sizes=(6,), max_iter=10, random_state=0, dtype="float32"
    )
    estimators, datasets = jobs(base, {"alpha": [1e-4, 1e-1]}, X, y)
    stacks, _ = plan_fits(estimators, datasets, [None] * len(estimators))
    assert [item.run.network.dtype for g in stacks[0] for item in g] == ["float32"] * 6
    together, _ = assert_same_fits(estimators, datasets, n_stacked=6)
    assert all(fit.coefs_[0].dtype == np.float32 for fit, _ in together)


@pytest.mark.parametrize("sizes", [(2, 2), (1, 2), (1, 1, 1)])
def test_gathered_batch_gradient_equals_each_networks_gradient(sizes):
    from sknumpynn.nn.batch import StackedRows

    rng = np.random.RandomState(1)
    K = sum(sizes)
    nets = [
        Network((4, 6, 1), ["relu"], "identity").initialize(np.random.RandomState(k))
        for k in range(K)
    ]
    stack = Network.stack(nets)
    X = rng.normal(size=(len(sizes), 5, 4))
    group = np.repeat(np.arange(len(sizes)), sizes)
    Y, sw = rng.normal(size=(len(sizes), 5, 1))[group], rng.rand(len(sizes), 5)[group]
    sw[-1] = 0.0  # the last model's rows weigh nothing: no step for it
    workspace = Workspace(stack, 5)
    alphas = np.linspace(0.1, 0.5, K)
    rows = StackedRows(sizes, X, Y, sw)
    values = batch_gradient(
        stack, rows, "squared_error", workspace, Penalty(alphas, 0.0)
    )
    for k, net in enumerate(nets):
        single = Workspace(net, 5)
        value = batch_gradient(
            net,
            [Rows(..., X[group[k]], Y[k], sw[k])],
            "squared_error",
            single,
            Penalty(float(alphas[k]), 0.0),
        )
        assert values[k] == value
        np.testing.assert_array_equal(workspace.grad[k], single.grad)
