"""Central-difference checks of every activation, loss and regularizer."""

import numpy as np
import pytest

from sknumpynn.nn import Network, Workspace, regularizers
from sknumpynn.nn.activations import (
    DERIVATIVES,
    HIDDEN_ACTIVATIONS,
    NEEDS_PREACTIVATION,
    OUTPUT_ACTIVATIONS,
)
from sknumpynn.nn.losses import CANONICAL_OUTPUT, LOSSES, Loss

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


def make_loss(name):
    """Huber with a small delta, so both of its pieces are exercised."""
    return Loss(name, {"delta": 0.5} if name == "huber" else {})


def central_difference(f, theta):
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = H
        numeric[i] = (f(theta + step) - f(theta - step)) / (2 * H)
    return numeric


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_activation_derivative_matches_central_difference(activation):
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(7, 5)) * 2
    Z[np.abs(Z) < 1e-3] = 0.5  # keep ReLU away from its kink
    f = HIDDEN_ACTIVATIONS[activation]

    def f_out(Z):
        return f(Z.copy(), np.empty_like(Z))

    delta = rng.normal(size=Z.shape)
    expected = delta * (f_out(Z + H) - f_out(Z - H)) / (2 * H)
    scratch = np.empty_like(Z)
    A = f(Z.copy(), scratch)
    if activation in NEEDS_PREACTIVATION:
        np.testing.assert_array_equal(scratch, Z)  # kept for the derivative
    DERIVATIVES[activation](A, delta, scratch)
    assert relative_error(delta, expected) < TOLERANCE


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_activation_is_the_textbook_formula(activation):
    from scipy.stats import norm

    z = np.linspace(-4, 4, 81)
    expected = {
        "identity": z,
        "logistic": 1 / (1 + np.exp(-z)),
        "tanh": np.tanh(z),
        "relu": np.maximum(z, 0),
        "leaky_relu": np.where(z > 0, z, 0.01 * z),
        "elu": np.where(z > 0, z, np.exp(z) - 1),
        "gelu": z * norm.cdf(z),
    }[activation]
    got = HIDDEN_ACTIVATIONS[activation](z.copy(), np.empty_like(z))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("alpha, l1", [(0.0, 0.0), (0.3, 0.2)])
@pytest.mark.parametrize("weighted", [False, True])
def test_network_gradient_matches_central_difference(
    loss, activation, alpha, l1, weighted
):
    rng = np.random.RandomState(42)
    n_samples, n_outputs = 9, 3
    loss = make_loss(loss)
    net = Network((4, 6, 5, n_outputs), activation, loss.output_activation)
    net.initialize(rng)
    X = rng.normal(size=(n_samples, 4))
    Y = make_targets(loss.name, rng, n_samples, n_outputs)
    sw = rng.uniform(0.2, 3.0, size=n_samples) if weighted else None
    workspace = Workspace(net, n_samples)

    def loss_at(theta):
        saved = net.params.copy()
        net.params[...] = theta
        value = net.loss_and_gradient(
            X, Y, loss, alpha, Workspace(net, n_samples), sw, l1=l1
        )
        net.params[...] = saved
        return value

    net.loss_and_gradient(X, Y, loss, alpha, workspace, sw, l1=l1)
    analytic = workspace.grad.copy()
    numeric = central_difference(loss_at, net.params.copy())
    assert relative_error(analytic, numeric) < TOLERANCE


def test_gradient_with_one_activation_per_layer():
    rng = np.random.RandomState(5)
    net = Network((4, 6, 5, 4, 2), ["gelu", "elu", "leaky_relu"], "identity")
    net.initialize(rng)
    X, Y = rng.normal(size=(8, 4)), rng.normal(size=(8, 2))

    def loss_at(theta):
        saved = net.params.copy()
        net.params[...] = theta
        value = net.loss_and_gradient(X, Y, "squared_error", 0.1, Workspace(net, 8))
        net.params[...] = saved
        return value

    workspace = Workspace(net, 8)
    net.loss_and_gradient(X, Y, "squared_error", 0.1, workspace)
    numeric = central_difference(loss_at, net.params.copy())
    assert relative_error(workspace.grad, numeric) < TOLERANCE


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_output_delta_is_loss_derivative(loss):
    """d loss / d z = output_delta / n for each loss and its output activation."""
    rng = np.random.RandomState(1)
    loss = make_loss(loss)
    output = OUTPUT_ACTIVATIONS[loss.output_activation]
    Z = rng.normal(size=(5, 3))
    Y = make_targets(loss.name, rng, 5, 3)
    delta = loss.output_delta(Y, output(Z.copy())) / Z.shape[0]
    numeric = np.empty_like(Z)
    for idx in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[idx] += H
        down[idx] -= H
        numeric[idx] = (loss.value(Y, output(up)) - loss.value(Y, output(down))) / (
            2 * H
        )
    assert relative_error(delta, numeric) < TOLERANCE


def test_robust_losses_match_their_definitions():
    r = np.array([[-3.0, -1.0, -0.2, 0.0, 0.4, 2.5]])
    Y = np.zeros_like(r)
    huber = np.where(np.abs(r) <= 1, 0.5 * r**2, np.abs(r) - 0.5).sum()
    assert Loss("huber").value(Y, r) == pytest.approx(huber)
    assert Loss("absolute_error").value(Y, r) == pytest.approx(np.abs(r).sum())
    np.testing.assert_allclose(
        Loss("huber", {"delta": 0.3}).output_delta(Y, r.copy()),
        [[-0.3, -0.3, -0.2, 0.0, 0.3, 0.3]],
    )


@pytest.mark.parametrize("which", ["l2", "l1"])
def test_penalty_gradient(which):
    rng = np.random.RandomState(3)
    coefs = rng.normal(size=20)
    strength, sw_sum = 0.7, 5.0
    value = getattr(regularizers, f"{which}_penalty")
    add_gradient = getattr(regularizers, f"add_{which}_gradient")
    analytic = np.full_like(coefs, 0.25)  # added to, not overwritten
    add_gradient(coefs, analytic, strength, sw_sum, np.empty_like(coefs))
    numeric = central_difference(lambda w: value(w, strength, sw_sum), coefs)
    assert relative_error(analytic - 0.25, numeric) < TOLERANCE
    expected = {
        "l2": 0.5 * strength * np.sum(coefs**2) / sw_sum,
        "l1": strength * np.sum(np.abs(coefs)) / sw_sum,
    }[which]
    assert value(coefs, strength, sw_sum) == pytest.approx(expected)


def test_network_penalty_covers_weights_not_biases():
    net = Network((3, 4, 2), "tanh", "identity").initialize(np.random.RandomState(0))
    weights = net.params[: net.n_coef_params]
    expected = 0.5 * 0.7 * np.sum(weights**2) / 5 + 0.2 * np.abs(weights).sum() / 5
    assert net.penalty(0.7, 5.0, l1=0.2) == pytest.approx(expected)


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
    numeric = central_difference(loss_at, net.params.copy())
    assert relative_error(workspace.grad, numeric) < TOLERANCE


def test_softmax_shifts_each_row_by_its_own_maximum():
    """A row far below the others still gets its softmax, not 0 / 0."""
    from sknumpynn.nn.activations import softmax

    Z = np.array([[0.0, 1.0], [-1000.0, -999.0]])
    expected = np.exp([0.0, 1.0]) / np.exp([0.0, 1.0]).sum()
    np.testing.assert_allclose(softmax(Z), [expected, expected], rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_losses_clip_at_the_epsilon_of_their_dtype(dtype):
    """A confident mistake costs -log(eps) of the probabilities' own dtype."""
    from sknumpynn.nn.losses import binary_log_loss, log_loss

    eps = np.finfo(dtype).eps
    wrong = np.array([[0.0]], dtype), np.array([[1.0]], dtype)
    assert binary_log_loss(*wrong) == pytest.approx(-np.log(eps), rel=1e-3)
    Y, P = np.array([[1.0, 0.0]], dtype), np.array([[0.0, 1.0]], dtype)
    assert log_loss(Y, P) == pytest.approx(-np.log(eps), rel=1e-3)


def test_robust_loss_deltas_are_computed_in_place():
    """The output deltas of absolute_error and huber overwrite P (no copy)."""
    from sknumpynn.nn.losses import clipped_residual, sign_of_residual

    Y, P = np.zeros((3, 1)), np.array([[-3.0], [0.5], [2.0]])
    out = sign_of_residual(Y, P.copy())
    np.testing.assert_array_equal(out, [[-1.0], [1.0], [1.0]])
    P_sign = P.copy()
    assert sign_of_residual(Y, P_sign) is P_sign
    P_huber = P.copy()
    assert clipped_residual(Y, P_huber) is P_huber
    np.testing.assert_array_equal(P_huber, [[-1.0], [0.5], [1.0]])  # delta=1.0
    clipped = clipped_residual(Y, P.copy(), 2.5)
    np.testing.assert_array_equal(clipped, [[-2.5], [0.5], [2.0]])


def _predictions(loss, Z):
    from scipy.special import expit, softmax

    output = CANONICAL_OUTPUT[loss]
    if output == "softmax":
        return softmax(Z, axis=-1)
    return {"logistic": expit, "exp": np.exp}.get(output, lambda z: z)(Z)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_stacked_loss_is_each_models_own_loss(loss, weighted):
    """With a leading model axis, one loss value per model, each the value of
    that model's predictions alone (the mean runs over samples only)."""
    rng = np.random.RandomState(3)
    Y = make_targets(loss, rng, 5, 2)
    P = _predictions(loss, rng.normal(size=(3, 5, 2)))
    sw = rng.uniform(0.2, 3.0, size=5) if weighted else None
    stacked = make_loss(loss).value(Y, P, sw)
    assert np.shape(stacked) == (3,)
    single = [make_loss(loss).value(Y, P[m], sw) for m in range(3)]
    assert all(isinstance(value, float) for value in single)
    np.testing.assert_allclose(stacked, single, rtol=1e-14)


def test_softmax_of_stacked_models_is_each_models_softmax():
    """With a leading model axis the softmax still runs over the classes."""
    from scipy.special import softmax as reference

    from sknumpynn.nn.activations import softmax

    Z = np.random.RandomState(0).normal(size=(3, 4, 5)) * 10
    np.testing.assert_allclose(softmax(Z.copy()), reference(Z, axis=-1), rtol=1e-14)
