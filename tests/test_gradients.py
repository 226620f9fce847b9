"""Central-difference checks of every activation, loss and the L2 penalty."""

import numpy as np
import pytest

from sknumpynn.nn import Network, Workspace
from sknumpynn.nn.activations import DERIVATIVES, HIDDEN_ACTIVATIONS
from sknumpynn.nn.losses import CANONICAL_OUTPUT, LOSSES

H = 1e-6
TOLERANCE = 1e-6


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-12)


def make_targets(loss, rng, n_samples, n_outputs):
    if loss == "log_loss":
        return np.eye(n_outputs)[rng.randint(n_outputs, size=n_samples)]
    if loss == "binary_log_loss":
        return rng.randint(2, size=(n_samples, n_outputs)).astype(float)
    if loss == "poisson":
        return rng.poisson(2.0, size=(n_samples, n_outputs)).astype(float)
    return rng.normal(size=(n_samples, n_outputs))


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_activation_derivative_matches_central_difference(activation):
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(7, 5)) * 2
    Z[np.abs(Z) < 1e-3] = 0.5  # keep ReLU away from its kink
    f = HIDDEN_ACTIVATIONS[activation]
    delta = rng.normal(size=Z.shape)
    expected = delta * (f(Z + H) - f(Z - H)) / (2 * H)
    A = f(Z.copy())
    DERIVATIVES[activation](A, delta)
    assert relative_error(delta, expected) < TOLERANCE


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_network_gradient_matches_central_difference(loss, activation, alpha, weighted):
    rng = np.random.RandomState(42)
    n_samples, n_outputs = 9, 3
    net = Network((4, 6, 5, n_outputs), activation, CANONICAL_OUTPUT[loss])
    net.initialize(rng)
    X = rng.normal(size=(n_samples, 4))
    Y = make_targets(loss, rng, n_samples, n_outputs)
    sw = rng.uniform(0.2, 3.0, size=n_samples) if weighted else None
    workspace = Workspace(net, n_samples)

    def loss_at(theta):
        saved = net.params.copy()
        net.params[...] = theta
        value = net.loss_and_gradient(X, Y, loss, alpha, Workspace(net, n_samples), sw)
        net.params[...] = saved
        return value

    net.loss_and_gradient(X, Y, loss, alpha, workspace, sw)
    analytic = workspace.grad.copy()
    numeric = np.empty_like(analytic)
    theta = net.params.copy()
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = H
        numeric[i] = (loss_at(theta + step) - loss_at(theta - step)) / (2 * H)
    assert relative_error(analytic, numeric) < TOLERANCE


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_fused_output_delta_is_loss_derivative(loss):
    """d loss / d z = (p - y) / n for each canonical output/loss pair."""
    from sknumpynn.nn.activations import OUTPUT_ACTIVATIONS

    rng = np.random.RandomState(1)
    output = OUTPUT_ACTIVATIONS[CANONICAL_OUTPUT[loss]]
    Z = rng.normal(size=(5, 3))
    Y = make_targets(loss, rng, 5, 3)
    fused = (output(Z.copy()) - Y) / Z.shape[0]
    numeric = np.empty_like(Z)
    for idx in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[idx] += H
        down[idx] -= H
        numeric[idx] = (LOSSES[loss](Y, output(up)) - LOSSES[loss](Y, output(down))) / (
            2 * H
        )
    assert relative_error(fused, numeric) < TOLERANCE


def test_penalty_gradient():
    rng = np.random.RandomState(3)
    net = Network((3, 4, 2), "tanh", "identity").initialize(rng)
    alpha, sw_sum = 0.7, 5.0
    coefs = net.params[: net.n_coef_params].copy()
    analytic = alpha / sw_sum * coefs
    numeric = np.empty_like(coefs)
    for i in range(coefs.size):
        net.params[i] = coefs[i] + H
        up = net.penalty(alpha, sw_sum)
        net.params[i] = coefs[i] - H
        down = net.penalty(alpha, sw_sum)
        net.params[i] = coefs[i]
        numeric[i] = (up - down) / (2 * H)
    assert relative_error(analytic, numeric) < TOLERANCE


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_gradient_through_fixed_dropout_masks(activation, loss):
    """With the masks held fixed, dropout is a differentiable function too."""
    from sknumpynn.nn.dropout import Dropout

    rng = np.random.RandomState(7)
    net = Network((4, 6, 5, 3), activation, CANONICAL_OUTPUT[loss]).initialize(rng)
    X = rng.normal(size=(9, 4))
    Y = make_targets(loss, rng, 9, 3)
    dropout = Dropout((0.3, 0.5), (6, 5), 9, np.float64, np.random.default_rng(0))
    masks = dropout.masks(9)
    assert 0 < np.count_nonzero(masks[0][0]) < masks[0][0].size

    def loss_at(theta):
        saved = net.params.copy()
        net.params[...] = theta
        value = net.loss_and_gradient(
            X, Y, loss, 0.1, Workspace(net, 9), dropout_masks=masks
        )
        net.params[...] = saved
        return value

    workspace = Workspace(net, 9)
    net.loss_and_gradient(X, Y, loss, 0.1, workspace, dropout_masks=masks)
    analytic = workspace.grad.copy()
    theta = net.params.copy()
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = H
        numeric[i] = (loss_at(theta + step) - loss_at(theta - step)) / (2 * H)
    assert relative_error(analytic, numeric) < TOLERANCE
