"""The engine's design promises: no per-batch allocation, at most one copy of X."""

import numpy as np
import pytest
from memory_helpers import peak_bytes

from sknumpynn import NumpyMLPClassifier
from sknumpynn.nn import Network, Workspace


def batch_peak(activation, dtype, batch_size, compute_loss):
    rng = np.random.RandomState(0)
    net = Network((64, 512, 256, 10), activation, "softmax", dtype).initialize(rng)
    X = rng.normal(size=(batch_size, 64)).astype(dtype)
    Y = np.eye(10, dtype=dtype)[rng.randint(10, size=batch_size)]
    workspace = Workspace(net, batch_size)

    def step():
        net.loss_and_gradient(
            X, Y, "log_loss", 1e-4, workspace, compute_loss=compute_loss
        )

    step()  # warm up
    return peak_bytes(step)


# NumPy's ufuncs may use an internal buffer of at most 8192 elements when an
# in-place operation broadcasts (the bias add, the softmax shift): a constant,
# whatever the batch size.
UFUNC_BUFFER = 8192 * 8 + 2048


ACTIVATIONS = ["relu", "tanh", "logistic", "identity", "leaky_relu", "elu", "gelu"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_backward_allocation_does_not_grow_with_batch(activation, dtype):
    # Beyond that, only the softmax's row maxima and row sums: one number a row.
    for batch_size in (200, 2000):
        peak = batch_peak(activation, dtype, batch_size, compute_loss=False)
        assert peak <= UFUNC_BUFFER + 2 * batch_size * np.dtype(dtype).itemsize
    # With the loss value, only (batch, n_outputs) temporaries are added.
    with_loss = batch_peak(activation, dtype, 2000, compute_loss=True)
    assert with_loss < UFUNC_BUFFER + 4 * 2000 * 10 * np.dtype(np.float64).itemsize


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize(
    "dtype, copies",
    [("float64", 0), ("auto", 0.5)],  # 'auto' trains 20,000 rows in float32
)
def test_fit_copies_float_X_at_most_once(early_stopping, dtype, copies):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20_000, 50))
    y = (X[:, 0] > 0).astype(int)
    clf = NumpyMLPClassifier(
        hidden_layer_sizes=(16,), max_iter=1, early_stopping=early_stopping, dtype=dtype
    )
    peak = peak_bytes(lambda: clf.fit(X, y))
    # Early stopping copies only the validation rows (10 %).
    assert peak < (copies + 0.3) * X.nbytes


def test_int_X_is_copied_once_to_float():
    X = np.random.RandomState(0).randint(0, 255, size=(20_000, 50))
    y = (X[:, 0] > 128).astype(int)
    clf = NumpyMLPClassifier(hidden_layer_sizes=(16,), max_iter=1)
    peak = peak_bytes(lambda: clf.fit(X, y))
    assert peak < 1.5 * X.size * 8


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_prediction_allocates_the_output_and_one_chunk_of_buffers(activation):
    from sknumpynn.nn import forward_pass
    from sknumpynn.nn.activations import USES_SCRATCH

    rng = np.random.RandomState(0)
    net = Network((64, 512, 256, 10), activation, "softmax", np.float32)
    net.initialize(rng)
    X = rng.normal(size=(20_000, 64)).astype(np.float32)
    chunk = 1000

    def predict():
        forward_pass(X, net.coefs, net.intercepts, activation, "softmax", chunk)

    itemsize = 4
    output = 20_000 * 10 * itemsize
    buffers = chunk * (512 + 256) * itemsize
    scratch = chunk * 512 * itemsize if activation in USES_SCRATCH else 0
    softmax_rows = 2 * chunk * itemsize  # row maxima and sums, per chunk
    peak = peak_bytes(predict)
    assert peak <= output + buffers + scratch + softmax_rows + UFUNC_BUFFER


def test_workspace_shares_buffers_where_it_can():
    """Scratch space reuses a layer's error buffer unless the activation must
    keep its pre-activation (GELU), and a batch size's views are built once."""
    from sknumpynn.nn import Network, Workspace

    net = Network((3, 5, 4, 2), ["relu", "gelu"], "identity")
    workspace = Workspace(net, batch_size=8)
    buffers = workspace.rows(6)
    assert np.shares_memory(buffers.scratch[0], buffers.deltas[0])
    assert not np.shares_memory(buffers.scratch[1], buffers.deltas[1])
    assert workspace.rows(6) is buffers
    assert workspace.rows(8).layers[0].shape == (8, 5)
