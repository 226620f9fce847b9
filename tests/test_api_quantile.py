"""Quantile regression: ``NumpyMLPRegressor(loss='quantile', quantile=...)``.

Issue 21, item 4: the pinball loss and its output delta (central-difference
checked, and against scikit-learn's ``mean_pinball_loss``), an estimator that
estimates the requested conditional quantile, and ``score`` still R^2.
"""

import numpy as np
import pytest
from sklearn import model_selection as skms
from sklearn.metrics import mean_pinball_loss, r2_score
from sklearn.utils._param_validation import InvalidParameterError

from sknumpynn import NumpyMLPRegressor
from sknumpynn import model_selection as ms
from sknumpynn.nn import Network, Workspace
from sknumpynn.nn.losses import Loss

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

H = 1e-6


def test_pinball_value_is_sklearns_mean_pinball_loss():
    rng = np.random.RandomState(0)
    Y, P, sw = rng.normal(size=(50, 1)), rng.normal(size=(50, 1)), rng.rand(50)
    for q in (0.1, 0.5, 0.9):
        loss = Loss("quantile", {"quantile": q})
        expected = mean_pinball_loss(Y, P, alpha=q, sample_weight=sw)
        assert loss.value(Y, P, sw) == pytest.approx(expected, rel=1e-12)
    half_absolute = 0.5 * Loss("absolute_error").value(Y, P)
    assert Loss("quantile").value(Y, P) == pytest.approx(half_absolute)


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
def test_pinball_delta_matches_central_difference(q):
    rng = np.random.RandomState(1)
    Y = rng.normal(size=(6, 3))
    P = Y + rng.choice([-1, 1], size=Y.shape) * rng.uniform(0.1, 1.0, Y.shape)
    loss = Loss("quantile", {"quantile": q})
    delta = loss.output_delta(Y, P.copy()) / Y.shape[0]
    numeric = np.empty_like(P)
    for idx in np.ndindex(P.shape):
        up, down = P.copy(), P.copy()
        up[idx] += H
        down[idx] -= H
        numeric[idx] = (loss.value(Y, up) - loss.value(Y, down)) / (2 * H)
    np.testing.assert_allclose(delta, numeric, rtol=1e-6, atol=1e-9)
    # At the kink: the mean of the one-sided slopes, 1/2 - q.
    assert loss.output_delta(Y[:1], Y[:1].copy())[0, 0] == pytest.approx(0.5 - q)


def test_network_gradient_with_pinball_matches_central_difference():
    rng = np.random.RandomState(2)
    net = Network((3, 4, 2), "tanh", "identity").initialize(rng)
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2)) * 3
    loss = Loss("quantile", {"quantile": 0.8})
    workspace = Workspace(net, 8)
    net.loss_and_gradient(X, Y, loss, 0.0, workspace)
    analytic = workspace.grad.copy()
    theta = net.params.copy()

    def value(params):
        net.params[...] = params
        return loss.value(Y, net.predict(X))

    numeric = np.array(
        [
            (value(theta + H * e) - value(theta - H * e)) / (2 * H)
            for e in np.eye(theta.size)
        ]
    )
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def heteroscedastic(n=600, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-2, 2, size=(n, 1))
    y = X[:, 0] + (0.5 + 0.5 * np.abs(X[:, 0])) * rng.normal(size=n)
    return X, y


def quantile_model(q, **params):
    defaults = dict(
        hidden_layer_sizes=(16,),
        learning_rate_init=0.01,
        max_iter=150,
        random_state=0,
    )
    return NumpyMLPRegressor(loss="quantile", quantile=q, **{**defaults, **params})


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_predictions_estimate_the_requested_quantile(solver):
    X, y = heteroscedastic()
    low = quantile_model(0.1, solver=solver).fit(X, y)
    high = quantile_model(0.9, solver=solver).fit(X, y)
    assert np.mean(y <= high.predict(X)) == pytest.approx(0.9, abs=0.04)
    assert np.mean(y <= low.predict(X)) == pytest.approx(0.1, abs=0.04)
    # The band widens where the noise does.
    width = high.predict(X) - low.predict(X)
    assert (
        width[np.abs(X[:, 0]) > 1.5].mean() > 1.5 * width[np.abs(X[:, 0]) < 0.5].mean()
    )


def test_score_stays_r2():
    X, y = heteroscedastic(200)
    reg = quantile_model(0.9, max_iter=20).fit(X, y)
    assert reg.score(X, y) == pytest.approx(r2_score(y, reg.predict(X)))


@pytest.mark.parametrize("q", [0.0, 1.0, 1.5])
def test_quantile_outside_open_unit_interval_is_refused(q):
    with pytest.raises(InvalidParameterError, match="The 'quantile' parameter"):
        quantile_model(q).fit(*heteroscedastic(20))


def test_stacked_search_over_quantiles_is_exact():
    X, y = heteroscedastic(240)
    grid = {"quantile": [0.25, 0.75], "alpha": [1e-4, 1e-2]}
    scoring = "neg_mean_absolute_error"
    est = quantile_model(0.5, max_iter=20)
    ours = ms.GridSearchCV(est, grid, cv=3, scoring=scoring).fit(X, y)
    theirs = skms.GridSearchCV(est, grid, cv=3, scoring=scoring).fit(X, y)
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"]
    )
