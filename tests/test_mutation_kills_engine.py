"""Behaviour of the engine (``nn/``) that the mutation run found untested.

Each test compares public results (``forward_pass``, ``Network``, fitted
estimators) with an independent computation, so it holds whatever the engine
looks like inside.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris

from sknumpynn import NumpyMLPClassifier
from sknumpynn.nn import Network, Workspace, forward_pass
from sknumpynn.nn.activations import HIDDEN_ACTIVATIONS
from sknumpynn.nn.backprop import Penalty, batch_gradient, single_rows
from sknumpynn.nn.batch import Rows, StackedRows, _product, group_product
from sknumpynn.nn.forward import hidden_activations
from sknumpynn.nn.losses import BlockSoftmax, get_loss


def _reference_forward(X, coefs, intercepts, names, output):
    """The forward pass written out with NumPy, layer by layer."""
    hidden = {
        "relu": lambda Z: np.maximum(Z, 0),
        "tanh": np.tanh,
        "identity": lambda Z: Z,
        "leaky_relu": lambda Z: np.where(Z > 0, Z, 0.01 * Z),
    }
    A = X
    for layer, (W, b) in enumerate(zip(coefs, intercepts)):
        Z = A @ W + b
        A = hidden[names[layer]](Z) if layer < len(coefs) - 1 else Z
    if output == "softmax":
        E = np.exp(A - A.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)
    return A


def _weights(units, dtype=np.float64, seed=0):
    rng = np.random.RandomState(seed)
    coefs = [rng.normal(size=(i, o)).astype(dtype) for i, o in zip(units, units[1:])]
    intercepts = [rng.normal(size=o).astype(dtype) for o in units[1:]]
    return coefs, intercepts


@pytest.mark.parametrize("batch_size", [None, 1, 2, 3, 7, 50])
def test_forward_pass_in_chunks_equals_the_formula(batch_size):
    """Chunks that do not divide the rows (the last one shorter) change nothing."""
    X = np.random.RandomState(1).normal(size=(7, 5))
    coefs, intercepts = _weights((5, 6, 4, 3))
    names = ("relu", "leaky_relu")  # the second uses the scratch buffer
    P = forward_pass(X, coefs, intercepts, names, "softmax", batch_size)
    expected = _reference_forward(X, coefs, intercepts, names, "softmax")
    np.testing.assert_allclose(P, expected, rtol=1e-12)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_forward_pass_of_sparse_X_equals_dense(fmt):
    X = sp.random(9, 6, density=0.4, format=fmt, random_state=0)
    coefs, intercepts = _weights((6, 5, 2))
    expected = _reference_forward(X.toarray(), coefs, intercepts, ("tanh",), "none")
    for batch_size in (None, 4):
        P = forward_pass(X, coefs, intercepts, "tanh", "identity", batch_size)
        np.testing.assert_allclose(P, expected, rtol=1e-12)


def test_forward_pass_casts_X_to_the_weights_dtype():
    """float64 rows through float32 weights compute in float32, as if cast first."""
    X = np.random.RandomState(2).normal(size=(40, 30))
    coefs, intercepts = _weights((30, 20, 3), np.float32)
    P = forward_pass(X, coefs, intercepts, "relu", "identity")
    assert P.dtype == np.float32
    X32 = X.astype(np.float32)
    np.testing.assert_array_equal(
        P, forward_pass(X32, coefs, intercepts, "relu", "identity")
    )


def test_forward_pass_without_hidden_layer_is_affine():
    X = np.random.RandomState(3).normal(size=(6, 4))
    (W,), (b,) = _weights((4, 2))
    P = forward_pass(X, [W], [b], "relu", "identity", batch_size=4)
    np.testing.assert_allclose(P, X @ W + b, rtol=1e-12)


def test_forward_pass_rejects_bad_activations_with_clear_messages():
    X = np.ones((2, 3))
    coefs, intercepts = _weights((3, 4, 4, 1))
    choices = sorted(HIDDEN_ACTIVATIONS)
    message = f"Unknown activation 'nope'; choose from {choices}."
    unknown = "^" + re.escape(message) + "$"
    with pytest.raises(ValueError, match=unknown):
        forward_pass(X, coefs, intercepts, "nope", "identity")
    with pytest.raises(ValueError, match=unknown):
        forward_pass(X, coefs, intercepts, ["relu", "nope"], "identity")
    with pytest.raises(
        ValueError,
        match=r"^activation must be one name or one per hidden layer \(2\), got "
        r"\['relu'\]\.$",
    ):
        forward_pass(X, coefs, intercepts, ["relu"], "identity")
    per_layer = forward_pass(X, coefs, intercepts, ["relu", "tanh"], "identity")
    expected = _reference_forward(X, coefs, intercepts, ("relu", "tanh"), "none")
    np.testing.assert_allclose(per_layer, expected, rtol=1e-12)


def _networks(n, units=(6, 5, 3), activation="tanh"):
    return [
        Network(units, activation, "softmax").initialize(np.random.RandomState(k))
        for k in range(n)
    ]


def _classification_batch(n_rows, n_features, n_classes, seed):
    rng = np.random.RandomState(seed)
    X = sp.random(n_rows, n_features, density=0.5, format="csr", random_state=rng)
    return X, np.eye(n_classes)[rng.randint(n_classes, size=n_rows)]


def test_stack_of_sparse_groups_has_each_networks_gradient():
    """Sparse rows shared by two models, and other sparse rows for a third."""
    nets = _networks(3)
    (X1, Y1), (X2, Y2) = (_classification_batch(8, 6, 3, seed) for seed in (1, 2))
    sample_weight = np.linspace(0.5, 2.0, 8)
    stack, alphas = Network.stack(nets), np.array([0.0, 0.1, 0.2])
    workspace = Workspace(stack, 8)
    rows = [Rows(slice(0, 2), X1, Y1, sample_weight), Rows(slice(2, 3), X2, Y2, None)]
    values = batch_gradient(stack, rows, "log_loss", workspace, Penalty(alphas, 0.0))
    data = [(X1, Y1, sample_weight), (X1, Y1, sample_weight), (X2, Y2, None)]
    for k, (net, (X, Y, sw)) in enumerate(zip(nets, data)):
        single = Workspace(net, 8)
        dense = X.toarray()
        value = net.loss_and_gradient(dense, Y, "log_loss", alphas[k], single, sw)
        np.testing.assert_allclose(values[k], value, rtol=1e-12)
        np.testing.assert_allclose(workspace.grad[k], single.grad, rtol=1e-10)


@pytest.mark.parametrize("sparse", [False, True])
def test_stack_of_one_is_its_network_bit_for_bit(sparse):
    """A stack of one model does exactly the arithmetic of the network."""
    (net,) = _networks(1, units=(6, 7, 4, 3), activation=["relu", "tanh"])
    X, Y = _classification_batch(9, 6, 3, seed=3)
    X = X if sparse else X.toarray()
    stack = Network.stack([net])
    workspace, single = Workspace(stack, 9), Workspace(net, 9)
    rows = [Rows(..., X, Y, None)]
    value = batch_gradient(stack, rows, "log_loss", workspace, Penalty(0.1, 0.01))
    expected = net.loss_and_gradient(X, Y, "log_loss", 0.1, single, l1=0.01)
    assert value[0] == expected
    np.testing.assert_array_equal(workspace.grad[0], single.grad)
    np.testing.assert_array_equal(stack.predict(X)[0], net.predict(X))


def test_fit_on_sparse_X_equals_fit_on_dense_X():
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    X[np.abs(X) < 0.5] = 0.0
    kw = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0, tol=0)
    dense = NumpyMLPClassifier(**kw).fit(X, y)
    sparse = NumpyMLPClassifier(**kw).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-10)
    for a, b in zip(
        sparse.coefs_ + sparse.intercepts_, dense.coefs_ + dense.intercepts_
    ):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), rtol=1e-8
    )


def test_single_rows_serve_a_whole_stack_with_sample_weights():
    """``single_rows``: every model of a stack sees the same weighted batch."""
    nets = _networks(2)
    X, Y = _classification_batch(7, 6, 3, seed=4)
    X = X.toarray()
    sample_weight = np.arange(1.0, 8.0)
    stack, workspace = Network.stack(nets), Workspace(Network.stack(nets), 7)
    rows = single_rows(X, Y, sample_weight)
    values = batch_gradient(stack, rows, "log_loss", workspace, Penalty(0.1, 0.0))
    for k, net in enumerate(nets):
        single = Workspace(net, 7)
        value = net.loss_and_gradient(X, Y, "log_loss", 0.1, single, sample_weight)
        assert values[k] == value
        np.testing.assert_array_equal(workspace.grad[k], single.grad)


def test_hidden_activations_one_name_or_one_per_layer():
    assert hidden_activations("tanh", 3) == ("tanh", "tanh", "tanh")
    assert hidden_activations(["relu", "tanh"], 2) == ("relu", "tanh")
    assert hidden_activations(("identity",), 1) == ("identity",)


def test_hidden_activations_errors_word_for_word():
    with pytest.raises(ValueError) as error:
        hidden_activations("nope", 2)
    assert str(error.value) == (
        f"Unknown activation 'nope'; choose from {sorted(HIDDEN_ACTIVATIONS)}."
    )
    with pytest.raises(ValueError, match=r"choose from \[") as error:
        hidden_activations(["relu", "nope"], 2)
    assert "'nope'" in str(error.value)
    with pytest.raises(ValueError) as error:
        hidden_activations(["relu"], 2)
    assert str(error.value) == (
        "activation must be one name or one per hidden layer (2), got ['relu']."
    )


def test_forward_pass_with_a_callable_output_activation():
    """A multiclass-multioutput net's output is a callable (one softmax per block)."""
    X = np.random.RandomState(2).normal(size=(6, 4))
    coefs, intercepts = _weights((4, 5, 5))
    P = forward_pass(X, coefs, intercepts, "relu", BlockSoftmax((2, 3)))
    Z = _reference_forward(X, coefs, intercepts, ("relu",), "identity")
    for block in (slice(0, 2), slice(2, 5)):
        E = np.exp(Z[:, block] - Z[:, block].max(axis=1, keepdims=True))
        np.testing.assert_allclose(P[:, block], E / E.sum(axis=1, keepdims=True))


def _stack_reference(X, sizes, W, transpose):
    """``X[g] @ W[k]`` (or ``X[g].T @ W[k]``) for each model ``k`` of group ``g``."""
    groups = np.repeat(np.arange(len(sizes)), sizes)
    return np.stack(
        [(X[g].T if transpose else X[g]) @ W[k] for k, g in enumerate(groups)]
    )


@pytest.mark.parametrize("sizes", [(3,), (2, 2), (1, 1, 1), (2, 1), (1, 2), (2, 1, 3)])
@pytest.mark.parametrize("transpose", [False, True])
def test_group_product_equals_one_product_per_model(sizes, transpose):
    """Every grouping of the stack (one group, equal groups of one or more
    models, unequal groups) gives each model its own group's product."""
    rng = np.random.RandomState(3)
    n_models, n_samples, n_features, n_out = sum(sizes), 5, 4, 3
    X = rng.normal(size=(len(sizes), n_samples, n_features))
    inner = n_samples if transpose else n_features
    W = rng.normal(size=(n_models, inner, n_out))
    rows = n_features if transpose else n_samples
    out = np.full((n_models, rows, n_out), np.nan)
    result = group_product(X, sizes, W, out, transpose=transpose)
    expected = _stack_reference(X, sizes, W, transpose)
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(result, expected, rtol=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("n_models", [1, 3])
@pytest.mark.parametrize("n_features", [1, 4])
def test_product_of_shared_rows_and_stacked_weights(sparse, n_models, n_features):
    """``_product``: rows shared by every model (dense or sparse, one column
    or several) times a stack of weights, and a stack of one."""
    rng = np.random.RandomState(4)
    A = rng.normal(size=(6, n_features))
    W = rng.normal(size=(n_models, n_features, 2))
    out = np.full((n_models, 6, 2), np.nan)
    _product(sp.csr_matrix(A) if sparse else A, W, out)
    np.testing.assert_allclose(out, np.stack([A @ w for w in W]), rtol=1e-12)


def test_product_of_single_rows_one_network():
    """One row times a 2-D weight matrix (not an outer product), and a 3-D
    row block of a stack of one."""
    rng = np.random.RandomState(5)
    A, W = rng.normal(size=(1, 3)), rng.normal(size=(3, 4))
    out = np.full((1, 4), np.nan)
    np.testing.assert_allclose(_product(A, W, out), A @ W, rtol=1e-12)
    A3, W3 = rng.normal(size=(1, 5, 3)), rng.normal(size=(1, 3, 4))
    out3 = np.full((1, 5, 4), np.nan)
    _product(A3, W3, out3)
    np.testing.assert_allclose(out3[0], A3[0] @ W3[0], rtol=1e-12)


def _stacked_rows_batch(sizes, n_rows=6, units=(4, 5, 3), seed=6):
    """Per group its rows, per model its targets and sample weights."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(len(sizes), n_rows, units[0]))
    labels = rng.randint(units[-1], size=(sum(sizes), n_rows))
    Y = np.eye(units[-1])[labels]
    return X, Y, rng.uniform(0.5, 2.0, size=(sum(sizes), n_rows))


def _own_gradients(nets, X, Y, sample_weight, sizes, alphas, l1, masks=None):
    """Each model's loss and gradient from its own network and its group's rows."""
    groups = np.repeat(np.arange(len(sizes)), sizes)
    results = []
    for k, (net, g) in enumerate(zip(nets, groups)):
        own = None if masks is None else [(m[k], float(q[k, 0, 0])) for m, q in masks]
        workspace = Workspace(net, X.shape[1])
        sw = None if sample_weight is None else sample_weight[k]
        value = net.loss_and_gradient(
            X[g], Y[k], "log_loss", alphas[k], workspace, sw, dropout_masks=own, l1=l1
        )
        results.append((value, workspace.grad.copy()))
    return results


@pytest.mark.parametrize("weighted", ["none", "equal", "unequal", "one empty"])
@pytest.mark.parametrize("sizes", [(3,), (2, 1)])
def test_stacked_rows_gradient_equals_each_models_own(weighted, sizes):
    """A gathered stack batch (``StackedRows``) with per-model sample weights
    (equal or unequal sums, one model's all zero), per-model L2 and an L1
    penalty, activations that use the scratch buffer, and dropout: every
    model's loss and gradient are its own network's."""
    nets = _networks(3, units=(4, 5, 5, 3), activation=["gelu", "elu"])
    X, Y, sw = _stacked_rows_batch(sizes)
    if weighted == "none":
        sw = None
    elif weighted == "equal":
        sw = np.tile(sw[0], (3, 1))
    elif weighted == "one empty":
        sw[1] = 0.0
    rng = np.random.RandomState(7)
    keep = np.array([0.8, 1.0, 0.5])[:, None, None]
    masks = [
        ((rng.uniform(size=(3, 6, 5)) < keep) / keep, keep),
        None,
    ]
    stack, alphas = Network.stack(nets), np.array([0.0, 0.1, 0.3])
    workspace = Workspace(stack, 6)
    rows = StackedRows(sizes, X, Y, sw)
    penalty = Penalty(alphas, 0.01)
    with warnings.catch_warnings():  # an empty model's 0 / 0 is silent, then 0
        warnings.simplefilter("error", RuntimeWarning)
        values = batch_gradient(stack, rows, "log_loss", workspace, penalty, masks)
    own_masks = [masks[0], (np.ones((3, 6, 5)), np.ones((3, 1, 1)))]
    expected = _own_gradients(nets, X, Y, sw, sizes, alphas, 0.01, own_masks)
    assert values.dtype == np.float64 and values.shape == (3,)
    for k, (value, grad) in enumerate(expected):
        if weighted == "one empty" and k == 1:  # no information: no step
            assert values[k] == 0.0 and not workspace.grad[k].any()
            continue
        np.testing.assert_allclose(values[k], value, rtol=1e-12)
        np.testing.assert_allclose(workspace.grad[k], grad, rtol=1e-10, atol=1e-14)


def test_stacked_rows_of_zero_weight_take_no_step():
    nets = _networks(2, units=(4, 5, 3))
    X, Y, _ = _stacked_rows_batch((2,))
    stack = Network.stack(nets)
    workspace = Workspace(stack, 6)
    workspace.grad[...] = 1.0
    rows = StackedRows((2,), X, Y, np.zeros((2, 6)))
    values = batch_gradient(stack, rows, "log_loss", workspace, Penalty(0.1, 0.0))
    np.testing.assert_array_equal(values, np.zeros(2))
    assert not workspace.grad.any()


@pytest.mark.parametrize("stacked", [False, True])
def test_row_groups_of_zero_weight_take_no_step(stacked):
    """List-of-``Rows`` batches: a network (or a whole stack) whose rows all
    weigh 0 gets a zero gradient and a zero loss; in a stack, only the
    zero-weight group's models do."""
    nets = _networks(3, units=(4, 5, 3))
    X, Y, sw = _stacked_rows_batch((2, 1))
    net = Network.stack(nets) if stacked else nets[0]
    workspace = Workspace(net, 6)
    workspace.grad[...] = 1.0
    zero = np.zeros(6)
    rows = (
        [Rows(slice(0, 2), X[0], Y[0], zero), Rows(slice(2, 3), X[1], Y[2], zero)]
        if stacked
        else [Rows(..., X[0], Y[0], zero)]
    )
    value = batch_gradient(net, rows, "log_loss", workspace, Penalty(0.1, 0.0))
    assert not workspace.grad.any()
    if stacked:  # one loss per model, not one float for the stack
        assert isinstance(value, np.ndarray) and value.shape == (3,)
        np.testing.assert_array_equal(value, np.zeros(3))
    else:
        assert value == 0.0 and isinstance(value, float)
    if not stacked:
        return
    rows = [Rows(slice(0, 2), X[0], Y[0], sw[0]), Rows(slice(2, 3), X[1], Y[2], zero)]
    alphas = np.array([0.0, 0.1, 0.2])
    with np.errstate(invalid="ignore"):  # the empty group's 0 / 0, set to 0
        values = batch_gradient(net, rows, "log_loss", workspace, Penalty(alphas, 0.0))
    for k in (0, 1):
        single = Workspace(nets[k], 6)
        expected = nets[k].loss_and_gradient(
            X[0], Y[0], "log_loss", alphas[k], single, sw[0]
        )
        np.testing.assert_allclose(values[k], expected, rtol=1e-12)
        np.testing.assert_allclose(workspace.grad[k], single.grad, rtol=1e-10)
    assert values[2] == 0.0 and not workspace.grad[2].any()


def test_network_with_a_callable_output_activation():
    net = Network((4, 5, 5), "relu", BlockSoftmax((2, 3)))
    net.initialize(np.random.RandomState(0))
    X = np.random.RandomState(1).normal(size=(6, 4))
    P = net.predict(X)
    np.testing.assert_allclose(P[:, :2].sum(axis=1), 1.0)
    np.testing.assert_allclose(P[:, 2:].sum(axis=1), 1.0)
    stack = Network.stack([net, net])
    np.testing.assert_allclose(stack.predict(X)[1], P, rtol=1e-12)


def test_network_repr_and_pickle_keep_views():
    import pickle

    net = Network((3, 4, 2), ["relu"], "softmax")
    assert repr(net) == (
        "Network(3-4-2, activation=['relu'], output='softmax', dtype=float64)"
    )
    stack = Network((3, 4, 2), "tanh", "identity", np.float32, n_models=2)
    assert repr(stack) == (
        "Network(3-4-2, activation='tanh', output='identity', dtype=float32, "
        "n_models=2)"
    )
    copy = pickle.loads(pickle.dumps(stack))
    copy.params[...] = 1.0  # the per-layer arrays are views of params again
    assert all((W == 1.0).all() for W in copy.coefs + copy.intercepts)


def test_network_from_arrays_takes_the_given_dtype():
    coefs, intercepts = _weights((3, 4, 2))
    assert (
        Network.from_arrays(coefs, intercepts, "relu", "identity").dtype == np.float64
    )
    net = Network.from_arrays(coefs, intercepts, "relu", "identity", np.float32)
    assert net.dtype == np.float32 and net.coefs[1].dtype == np.float32
    mixed = [coefs[0].astype(np.float32), coefs[1]]
    assert (
        Network.from_arrays(mixed, intercepts, "relu", "identity").dtype == np.float32
    )


def test_network_take_copies_the_chosen_models():
    nets = _networks(3)
    stack = Network.stack(nets)
    picked = stack.take([2, 0])
    assert picked.n_models == 2
    np.testing.assert_array_equal(picked.params, stack.params[[2, 0]])
    picked.params[...] = 0.0
    np.testing.assert_array_equal(stack.params[2], nets[2].params)


def _glorot_bound(fan_in, fan_out, activation):
    factor = 2.0 if activation == "logistic" else 6.0
    return np.sqrt(factor / (fan_in + fan_out))


@pytest.mark.parametrize("names", [["logistic", "relu"], ["relu", "logistic"]])
def test_initialize_bounds_follow_each_layers_activation(names):
    """Layer l's bound follows the activation it feeds; the output layer's
    the last hidden one's (scikit-learn's draw order and bounds)."""
    units = (30, 40, 30, 20)
    net = Network(units, names, "identity").initialize(np.random.RandomState(0))
    rng = np.random.RandomState(0)
    for layer, W in enumerate(net.coefs):
        bound = _glorot_bound(units[layer], units[layer + 1], names[min(layer, 1)])
        expected = rng.uniform(-bound, bound, (units[layer], units[layer + 1]))
        rng.uniform(-bound, bound, units[layer + 1])
        np.testing.assert_array_equal(W, expected)


def test_stack_predict_of_some_models_in_float32_with_scratch_activations():
    nets = [
        Network((4, 6, 3), "gelu", "softmax", np.float32).initialize(
            np.random.RandomState(k)
        )
        for k in range(3)
    ]
    stack = Network.stack(nets)
    X = np.random.RandomState(1).normal(size=(5, 4)).astype(np.float32)
    P = stack.predict(X, models=slice(1, 3))
    assert P.shape == (2, 5, 3) and P.dtype == np.float32
    for row, net in zip(P, nets[1:]):
        np.testing.assert_allclose(row, net.predict(X), rtol=1e-5)


def test_network_penalty_defaults_to_no_l1():
    (net,) = _networks(1)
    squares = sum(float((W**2).sum()) for W in net.coefs)
    np.testing.assert_allclose(net.penalty(0.1, 10.0), 0.5 * 0.1 * squares / 10.0)


def test_loss_and_gradient_without_the_loss():
    (net,) = _networks(1)
    X, Y = _classification_batch(8, 6, 3, seed=5)
    X = X.toarray()
    workspace, again = Workspace(net, 8), Workspace(net, 8)
    value = net.loss_and_gradient(X, Y, "log_loss", 0.1, workspace, compute_loss=False)
    assert value is None
    net.loss_and_gradient(X, Y, "log_loss", 0.1, again)
    np.testing.assert_array_equal(workspace.grad, again.grad)
    assert workspace.grad.shape == net.params.shape


def test_stacked_rows_of_a_stack_of_one_with_sample_weights():
    """A gathered batch of a stack of one weighted model is that model's."""
    (net,) = _networks(1, units=(4, 5, 3))
    X, Y, sw = _stacked_rows_batch((1,))
    stack = Network.stack([net])
    workspace, single = Workspace(stack, 6), Workspace(net, 6)
    rows = StackedRows((1,), X, Y, sw)
    value = batch_gradient(stack, rows, "log_loss", workspace, Penalty(0.1, 0.0))
    expected = net.loss_and_gradient(X[0], Y[0], "log_loss", 0.1, single, sw[0])
    np.testing.assert_allclose(value[0], expected, rtol=1e-12)
    np.testing.assert_allclose(workspace.grad[0], single.grad, rtol=1e-12)


def test_stacked_rows_gradient_without_the_loss():
    """``compute_loss=False`` on a gathered stack batch: no loss (None), the
    same gradient."""
    nets = _networks(2, units=(4, 5, 3))
    X, Y, sw = _stacked_rows_batch((2,))
    stack = Network.stack(nets)
    rows = StackedRows((2,), X, Y, sw)
    workspace, again = Workspace(stack, 6), Workspace(stack, 6)
    penalty = Penalty(0.1, 0.0)
    value = batch_gradient(
        stack, rows, "log_loss", workspace, penalty, compute_loss=False
    )
    assert value is None
    batch_gradient(stack, rows, "log_loss", again, penalty)
    np.testing.assert_array_equal(workspace.grad, again.grad)


def test_backward_without_scratch_buffers():
    """``backward``'s ``scratch`` is optional for activations whose
    derivative needs no pre-activation: the gradient is the same."""
    from sknumpynn.nn.backprop import _output_delta, backward

    (net,) = _networks(1, units=(4, 6, 5, 3), activation="tanh")
    X, Y = _classification_batch(7, 4, 3, seed=4)
    X = X.toarray()
    reference = Workspace(net, 7)
    net.loss_and_gradient(X, Y, "log_loss", 0.0, reference)
    workspace = Workspace(net, 7)
    rows = single_rows(X, Y, None)
    buffers = workspace.rows(7)[0]
    activations = net.forward(rows, buffers)
    _output_delta(rows, get_loss("log_loss"), activations[-1], [7.0])
    backward(net, rows, activations, workspace)
    np.testing.assert_allclose(workspace.grad, reference.grad, rtol=1e-12)
