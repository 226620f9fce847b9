"""The tabular engine pieces: the PBLD + scaling input stage and its network.

Central-difference checks of every parameter's gradient (single network and a
stack), a stacked model against its own network, and the formulas themselves.
"""

import numpy as np
import pytest

from sknumpynn.nn import Workspace
from sknumpynn.nn.backprop import Penalty, batch_gradient, single_rows
from sknumpynn.nn.batch import Rows
from sknumpynn.nn.embeddings import (
    EMBEDDING_LR_FACTOR,
    SCALE_LR_FACTOR,
    PeriodicScalingStage,
)
from sknumpynn.nn.network import Network
from sknumpynn.nn.staged import StagedNetwork

H = 1e-6


def _network(rng, n_features=4, n_numeric=3, scaling=True, n_models=None, **kwargs):
    stage = PeriodicScalingStage(
        n_features, n_numeric, n_frequencies=5, scaling=scaling, **kwargs
    )
    net = StagedNetwork(
        (stage.n_out, 6, 2), "tanh", "softmax", n_models=n_models, stage=stage
    )
    # Random parameters everywhere (scale away from 1, so its gradient matters).
    net.params[...] = rng.normal(scale=0.5, size=net.params.shape)
    return net


def _data(rng, n=7, n_features=4):
    X = rng.normal(size=(n, n_features))
    Y = np.eye(2)[rng.randint(2, size=n)]
    return X, Y


def _loss(net, rows, n_rows=None):
    workspace = Workspace(net, n_rows or rows[0].X.shape[0])
    value = batch_gradient(net, rows, "log_loss", workspace, Penalty(1e-3, 0.0))
    return value, workspace.grad.copy()


def _central_difference(net, rows, reduce=float):
    theta = net.params.reshape(-1).copy()
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        values = []
        for step in (H, -H):
            net.params.reshape(-1)[:] = theta
            net.params.reshape(-1)[i] += step
            values.append(reduce(_loss(net, rows)[0]))
        numeric[i] = (values[0] - values[1]) / (2 * H)
    net.params.reshape(-1)[:] = theta
    return numeric


@pytest.mark.parametrize("scaling", [True, False])
def test_staged_gradient_matches_central_difference(scaling):
    rng = np.random.RandomState(0)
    net = _network(rng, scaling=scaling)
    X, Y = _data(rng)
    rows = single_rows(X, Y, rng.uniform(0.5, 2, size=X.shape[0]))
    _, grad = _loss(net, rows)
    numeric = _central_difference(net, rows)
    stage = slice(net.n_dense_params, None)
    assert np.abs(grad[stage]).max() > 1e-3  # the stage's gradient is not zero
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_stacked_gradient_matches_central_difference_and_own_network():
    """Two groups of models with their own rows: each model's gradient is its
    central difference, and the one its own network computes."""
    rng = np.random.RandomState(1)
    net = _network(rng, n_models=3)
    (X1, Y1), (X2, Y2) = _data(rng), _data(rng)
    rows = [Rows(slice(0, 2), X1, Y1, None), Rows(slice(2, 3), X2, Y2, None)]
    _, grad = _loss(net, rows)
    numeric = _central_difference(net, rows, reduce=np.sum).reshape(grad.shape)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
    for k, (X, Y) in enumerate([(X1, Y1), (X1, Y1), (X2, Y2)]):
        own = net.take([k])
        own = StagedNetwork(own.layer_units, "tanh", "softmax", stage=own.input_stage)
        own.params[...] = net.params[k]
        _, own_grad = _loss(own, single_rows(X, Y))
        np.testing.assert_allclose(grad[k], own_grad, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(
            net.predict(X, models=slice(k, k + 1))[0], own.predict(X), rtol=1e-12
        )


def test_stage_forward_is_the_formula():
    rng = np.random.RandomState(2)
    stage = PeriodicScalingStage(3, 2, n_frequencies=4, embedding_dim=2)
    flat = rng.normal(size=(1, stage.n_params))
    X = rng.normal(size=(5, 3))
    A0, _ = stage.forward(flat, X)
    u = stage.unpack(flat)
    s = SCALE_LR_FACTOR * u["scale"][0]
    w, b, V, c = (EMBEDDING_LR_FACTOR * u[name][0] for name in ("w", "b", "V", "c"))
    expected = []
    for x in X:
        emb = [np.cos(2 * np.pi * x[j] * w[j] + b[j]) @ V[j] + c[j] for j in range(2)]
        expected.append(np.concatenate([x[:2], *emb, x[2:]]) * s)
    np.testing.assert_allclose(A0[0], np.array(expected), rtol=1e-12)


def test_initialisation_is_realmlps():
    stage = PeriodicScalingStage(50, 40, frequency_scale=0.1)
    flat = stage.initialize(np.random.RandomState(0), np.float64)[np.newaxis]
    p = stage._actual(flat)
    np.testing.assert_allclose(p["scale"], 1.0)
    assert abs(p["w"].std() - 0.1) < 0.01
    assert p["b"].min() >= -np.pi and p["b"].max() <= np.pi
    assert np.abs(p["V"]).max() <= 1 / np.sqrt(16)


def test_plain_network_has_no_stage():
    """The extension point is inert for the plain MLP: no stage attribute."""
    net = Network((3, 4, 1), "relu", "identity")
    assert getattr(net, "input_stage", None) is None


def test_staged_network_pickles_and_stacks():
    import pickle

    rng = np.random.RandomState(3)
    net = _network(rng)
    X, _ = _data(rng)
    clone = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(clone.predict(X), net.predict(X))
    stack = StagedNetwork.stack([net, clone])
    assert isinstance(stack, StagedNetwork)
    np.testing.assert_allclose(stack.predict(X)[1], net.predict(X), rtol=1e-12)
    chunked = net.predict(X, batch_size=2)
    np.testing.assert_allclose(chunked, net.predict(X), rtol=1e-12)


def test_stacked_rows_batch_equals_its_groups_as_rows():
    """A stack's gathered batch (the trainer's StackedRows) runs the stage per
    row group: the same loss and gradient as the groups given as Rows."""
    from sknumpynn.nn.batch import StackedRows

    rng = np.random.RandomState(4)
    net = _network(rng, n_models=3)
    X, Y = _data(rng)
    X2, Y2 = _data(rng)
    w = rng.uniform(0.5, 2, size=X.shape[0])
    w2 = rng.uniform(0.5, 2, size=X.shape[0])
    batch = StackedRows(
        (2, 1), np.stack([X, X2]), np.stack([Y, Y, Y2]), np.stack([w, w, w2])
    )
    rows = [Rows(slice(0, 2), X, Y, w), Rows(slice(2, 3), X2, Y2, w2)]
    loss_stacked, grad_stacked = _loss(net, batch, n_rows=X.shape[0])
    loss_rows, grad_rows = _loss(net, rows)
    np.testing.assert_array_equal(loss_stacked, loss_rows)
    np.testing.assert_array_equal(grad_stacked, grad_rows)
    # forward itself still refuses rows that have not been through the stage
    with pytest.raises(TypeError, match="has not passed it"):
        net.forward(batch, None)


def test_data_dependent_init_scales_and_centres_every_unit():
    """RealMLP's init: unit pre-activation std on the rows, and every unit's
    hyperplane through a convex combination of rows (so it splits them)."""
    from sknumpynn.nn.activations import HIDDEN_ACTIVATIONS
    from sknumpynn.nn.data_init import data_dependent_init

    rng = np.random.RandomState(0)
    net = _network(rng)
    X = rng.normal(size=(300, 4)) * [1.0, 10.0, 0.1, 1.0]
    directions = [W / np.linalg.norm(W, axis=0) for W in net.coefs]
    data_dependent_init(net, X, np.random.RandomState(1))
    A = net.transform(X)
    for layer, (W, b) in enumerate(zip(net.coefs, net.intercepts)):
        Z = A @ W
        np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-10)
        # the weights' directions are kept, only their lengths change
        np.testing.assert_allclose(W / np.linalg.norm(W, axis=0), directions[layer])
        Z += b
        assert (Z.min(axis=0) < 0).all() and (Z.max(axis=0) > 0).all()
        if layer < len(net.coefs) - 1:
            A = HIDDEN_ACTIVATIONS[net.activations[layer]](Z, np.empty_like(Z))


def test_data_init_changes_the_fit_and_stacks_exactly():
    from sklearn.base import clone
    from sklearn.datasets import load_breast_cancer

    from sknumpynn import TabularMLPClassifier
    from sknumpynn._training.together import fit_together

    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:200], y[:200]
    params = dict(hidden_layer_sizes=(8,), max_iter=3, data_init=True)
    models = [TabularMLPClassifier(**params, random_state=s) for s in (0, 1)]
    results = fit_together(models, [(X, y, None)] * 2)
    for model, (fitted, error) in zip(models, results):
        assert error is None
        own = clone(model).fit(X, y)
        np.testing.assert_allclose(fitted.loss_curve_, own.loss_curve_, rtol=1e-9)
        assert not hasattr(own.mlp_, "_fresh_weights")
    plain = clone(models[0]).set_params(data_init=False).fit(X, y)
    assert plain.loss_curve_ != results[0][0].loss_curve_
