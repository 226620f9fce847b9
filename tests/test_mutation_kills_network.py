"""Kill-tests for the surviving mutants of ``nn/network.py`` (issue 22).

Each test asserts a promise of :class:`~sknumpynn.nn.Network` that the
group's other tests did not pin down: its ``repr`` for per-layer activations,
the bounded memory of a chunked ``predict``, and a penalty that writes into the
scratch buffer it is given instead of allocating one of the weights' size.
"""

import numpy as np
from memory_helpers import peak_bytes

from sknumpynn.nn import Network


def test_repr_lists_per_layer_activations_given_as_a_tuple():
    net = Network((3, 5, 4, 2), ("relu", "tanh"), "identity")
    assert repr(net) == (
        "Network(3-5-4-2, activation=['relu', 'tanh'], output='identity', "
        "dtype=float64)"
    )


def test_predict_in_chunks_allocates_one_chunk_of_buffers():
    rng = np.random.RandomState(0)
    net = Network((32, 256, 1), "relu", "identity").initialize(rng)
    X = rng.normal(size=(20_000, 32))
    chunk = 500
    expected = net.predict(X)
    out = []
    peak = peak_bytes(lambda: out.append(net.predict(X, batch_size=chunk)))
    np.testing.assert_allclose(out[0], expected, rtol=1e-12)
    output = X.shape[0] * 8
    hidden_all_rows = X.shape[0] * 256 * 8  # 41 MB: what one chunk avoids
    assert peak < output + 4 * chunk * 256 * 8 + 100_000
    assert peak < hidden_all_rows / 4


def test_l1_penalty_writes_into_the_scratch_buffer():
    rng = np.random.RandomState(0)
    net = Network((200, 300, 1), "relu", "identity").initialize(rng)
    scratch = np.empty_like(net.params)
    value = net.penalty(0.0, 10.0, l1=1e-3, scratch=scratch)
    n = net.n_coef_params
    # The scratch holds |w| afterwards: the penalty used it, allocated nothing.
    np.testing.assert_array_equal(scratch[:n], np.abs(net.params[:n]))
    assert value == 1e-3 * float(np.abs(net.params[:n]).sum()) / 10.0
    coef_bytes = n * 8
    peak = peak_bytes(lambda: net.penalty(1e-4, 10.0, l1=1e-3, scratch=scratch))
    assert peak < coef_bytes / 4


def test_stacked_l1_penalty_writes_into_the_scratch_buffer():
    rng = np.random.RandomState(0)
    nets = [Network((50, 40, 1), "relu", "identity").initialize(rng) for _ in "ab"]
    stack = Network.stack(nets)
    scratch = np.zeros_like(stack.params)
    values = stack.penalty(
        np.zeros(2), np.full(2, 10.0), l1=np.array([1e-3, 0.0]), scratch=scratch
    )
    n = stack.n_coef_params
    np.testing.assert_array_equal(scratch[:, :n], np.abs(stack.params[:, :n]))
    assert values[1] == 0.0
    assert values[0] == nets[0].penalty(0.0, 10.0, l1=1e-3)
