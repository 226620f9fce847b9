"""The tabular engine's pieces: what the ``tabular_nn`` mutation run left untested.

Covers RealMLP's schedules (``nn/tabular_schedules.py``: coslog4's first epoch,
its clamp at the end of training and with ``max_iter=1``, flat-cosine's exact
midpoint, scheduled dropout after its last step, ``steps_per_epoch``); the
PBLD + scaling stage (``nn/embeddings.py``): its initial distributions, dtype
and parameter count without the scale, and an ONNX export without the scale;
and the staged network (``nn/staged.py``): its ``repr`` and error messages, a
gathered batch of three unweighted row groups, weighted rows, dropout masks,
GELU's scratch, float32 gradients and predictions, a deeper network alone,
stacked and chunked, and the bounded memory of a chunked ``predict``. Each
test asserts documented values or behaviour (docs/math.md, the docstrings).
"""

import math
import re

import numpy as np
import pytest
from memory_helpers import peak_bytes

from sknumpynn.nn import Workspace, forward_pass
from sknumpynn.nn.backprop import Penalty, batch_gradient, single_rows
from sknumpynn.nn.batch import Rows, StackedRows
from sknumpynn.nn.embeddings import (
    EMBEDDING_LR_FACTOR,
    SCALE_LR_FACTOR,
    PeriodicScalingStage,
)
from sknumpynn.nn.network import Network
from sknumpynn.nn.staged import StagedNetwork
from sknumpynn.nn.tabular_schedules import (
    CosLog4,
    ScheduledDropout,
    coslog4,
    flat_cos,
    steps_per_epoch,
)

# --- schedules -------------------------------------------------------------


def test_coslog4_first_rate_is_the_first_epochs_midpoint():
    schedule = CosLog4()
    assert schedule.first_rate(1.0, 4) == schedule(1.0, 0, max_iter=4)
    assert schedule.first_rate(0.5, 4) == pytest.approx(0.5 * coslog4(0.125))
    # The docstring's example: the first epoch is near the top of the cycle.
    assert round(schedule.first_rate(1.0, 4), 3) == 0.995


def test_coslog4_stays_at_zero_after_max_iter():
    """t is clamped at 1, where coslog4 ends its fourth cycle at 0: epochs
    beyond ``max_iter`` (an incremental fit counts on) train at rate 0."""
    schedule = CosLog4()
    for epoch in (4, 5, 7, 40):
        assert schedule(1.0, epoch, max_iter=4) == pytest.approx(0.0, abs=1e-12)


def test_coslog4_of_one_epoch_takes_its_midpoint():
    schedule = CosLog4()
    assert schedule(1.0, 0, max_iter=1) == pytest.approx(coslog4(0.5))
    assert schedule(2.0, 0, max_iter=0) == pytest.approx(2.0 * coslog4(0.5))


def test_flat_cos_is_exactly_one_half_at_three_quarters():
    # 1/2 (1 + cos(pi/2)) = 1/2: the anneal's midpoint, exact in floating point.
    assert flat_cos(0.75) == 0.5
    assert flat_cos(0.5) == 1.0
    assert flat_cos(1.0) == 0.0


def _dropout(n_steps, rate=0.4):
    rng = np.random.default_rng(0)
    return ScheduledDropout([rate], [5], 4, np.float64, rng, n_steps)


def test_scheduled_dropout_of_one_step_is_off_after_it():
    dropout = _dropout(1)
    assert dropout.batch_rates() == (0.4,)  # batch 0 of 1: t = 0
    assert dropout.batch_rates() == (0.0,)  # t = 1: annealed to 0
    dropout = _dropout(0)  # no steps planned: counted as one
    assert [dropout.batch_rates() for _ in range(2)] == [(0.4,), (0.0,)]


def test_scheduled_dropout_stays_off_after_its_last_step():
    dropout = _dropout(4)
    rates = [dropout.batch_rates()[0] for _ in range(9)]
    assert rates[:3] == [0.4, 0.4, 0.4]
    assert rates[3] == pytest.approx(0.4 * flat_cos(0.75))
    assert rates[4:] == [0.0] * 5


def test_steps_per_epoch_counts_the_last_partial_batch():
    assert steps_per_epoch(10, 4) == 3
    assert steps_per_epoch(8, 4) == 2
    assert steps_per_epoch(3, 32) == 1


# --- the PBLD + scaling stage -------------------------------------------------


def test_stage_initialisation_has_realmlps_distributions():
    """s = 1; w ~ N(0, 0.1^2); b ~ U[-pi, pi]; V, c ~ U[+-1/sqrt(F)] (docs/math.md)."""
    stage = PeriodicScalingStage(60, 50)  # F = 16, e = 3: bound 1/4
    u = stage.unpack(stage.initialize(np.random.RandomState(0), np.float64)[None])
    np.testing.assert_allclose(SCALE_LR_FACTOR * u["scale"], 1.0, rtol=1e-15)
    w, b, V, c = (EMBEDDING_LR_FACTOR * u[name][0] for name in ("w", "b", "V", "c"))
    assert abs(w.mean()) < 0.01 and abs(w.std() - 0.1) < 0.01
    for values, bound in ((b, np.pi), (V, 0.25), (c, 0.25)):
        assert values.min() >= -bound and values.max() <= bound
        # spread over the whole interval, centred: every entry its own draw
        assert values.min() < -0.9 * bound and values.max() > 0.9 * bound
        assert abs(values.mean()) < 0.1 * bound
        assert abs(values.std() - bound / np.sqrt(3)) < 0.1 * bound
        assert len(np.unique(values)) == values.size


def test_stage_without_scaling_has_no_scale_parameters():
    stage = PeriodicScalingStage(3, 2, scaling=False)
    # w, b: 2 x 16 each; V: 2 x 16 x 3; c: 2 x 3 (the docstring's 175 less s's 9)
    assert stage.n_params == 175 - 9 == 2 * 16 * 2 + 2 * 16 * 3 + 2 * 3
    assert stage.unpack(np.zeros((1, stage.n_params)))["scale"].shape == (1, 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stage_initialisation_has_the_requested_dtype(dtype):
    stage = PeriodicScalingStage(3, 2)
    params = stage.initialize(np.random.RandomState(0), dtype)
    assert params.dtype == dtype
    assert params.shape == (stage.n_params,)


# --- the staged network ------------------------------------------------------


def _network(rng, n_models=None, n_features=4, n_numeric=3, dtype=np.float64):
    stage = PeriodicScalingStage(n_features, n_numeric, n_frequencies=5)
    net = StagedNetwork(
        (stage.n_out, 6, 2),
        "tanh",
        "softmax",
        dtype=dtype,
        n_models=n_models,
        stage=stage,
    )
    net.params[...] = rng.normal(scale=0.5, size=net.params.shape)
    return net


def test_staged_network_repr_appends_its_stage():
    stage = PeriodicScalingStage(n_features=3, n_numeric=2)
    net = StagedNetwork((stage.n_out, 4, 1), "relu", "identity", stage=stage)
    assert repr(net) == (
        "Network(9-4-1, activation='relu', output='identity', dtype=float64, "
        "stage=PeriodicScalingStage(n_features=3, n_numeric=2, n_frequencies=16, "
        "embedding_dim=3, scaling=True))"
    )


def test_staged_network_refuses_a_missing_or_mismatched_stage():
    message = "^StagedNetwork needs a stage whose n_out is layer_units\\[0\\]$"
    with pytest.raises(ValueError, match=message):
        StagedNetwork((9, 4, 1), "relu", "identity")
    stage = PeriodicScalingStage(n_features=3, n_numeric=2)  # n_out = 9
    with pytest.raises(ValueError, match=message):
        StagedNetwork((3, 9, 1), "relu", "identity", stage=stage)


def test_forward_refuses_a_gathered_batch_with_the_whole_message():
    net = _network(np.random.RandomState(7), n_models=2)
    batch = StackedRows((2,), np.zeros((1, 3, 4)), np.zeros((2, 3, 2)), None)
    message = (
        "StagedNetwork.forward takes rows through its stage (stage_forward's "
        "Rows); a StackedRows batch has not passed it."
    )
    with pytest.raises(TypeError, match="^" + re.escape(message) + "$"):
        net.forward(batch, None)


def test_deeper_staged_network_predicts_alone_stacked_and_in_chunks():
    """Three dense layers after the stage: a stack's model, the network alone
    (in chunks or not) and the stage's output through the dense layers agree."""
    rng = np.random.RandomState(8)
    stage = PeriodicScalingStage(4, 3, n_frequencies=5)
    nets = []
    for _ in range(2):
        net = StagedNetwork((stage.n_out, 5, 4, 2), "tanh", "softmax", stage=stage)
        net.params[...] = rng.normal(scale=0.5, size=net.params.shape)
        nets.append(net)
    X = rng.normal(size=(7, 4))
    stack = StagedNetwork.stack(nets)
    P = stack.predict(X)
    assert P.shape == (2, 7, 2)
    for k, net in enumerate(nets):
        expected = forward_pass(
            net.transform(X), net.coefs, net.intercepts, "tanh", "softmax"
        )
        np.testing.assert_allclose(net.predict(X), expected, rtol=1e-12)
        np.testing.assert_allclose(net.predict(X, batch_size=3), expected, rtol=1e-12)
        np.testing.assert_allclose(P[k], expected, rtol=1e-12)
        np.testing.assert_allclose(
            stack.predict(X, models=slice(k, k + 1))[0], expected, rtol=1e-12
        )


def test_gathered_batch_of_three_unweighted_groups_equals_its_rows():
    """A gathered batch without sample weights, three groups of models: the
    loss and gradient of the groups given as Rows (each model its own rows)."""
    rng = np.random.RandomState(5)
    net = _network(rng, n_models=4)
    data = [rng.normal(size=(6, 4)) for _ in range(3)]
    Ys = [np.eye(2)[rng.randint(2, size=6)] for _ in range(3)]
    sizes = (1, 2, 1)
    batch = StackedRows(
        sizes, np.stack(data), np.stack([Ys[0], Ys[1], Ys[1], Ys[2]]), None
    )
    rows = [
        Rows(slice(0, 1), data[0], Ys[0], None),
        Rows(slice(1, 3), data[1], Ys[1], None),
        Rows(slice(3, 4), data[2], Ys[2], None),
    ]
    results = []
    for given in (batch, rows):
        workspace = Workspace(net, 6)
        loss = batch_gradient(net, given, "log_loss", workspace, Penalty(1e-3, 0.0))
        results.append((loss, workspace.grad.copy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    groups = StagedNetwork.group_rows(batch)
    assert [g.models for g in groups] == [slice(0, 1), slice(1, 3), slice(3, 4)]
    for group, X, Y in zip(groups, data, Ys):
        assert group.X is not None and group.sample_weight is None
        np.testing.assert_array_equal(group.X, X)
        np.testing.assert_array_equal(group.Y, Y)


def test_integer_sample_weights_equal_repeated_rows_through_the_stage():
    """A staged network's weighted loss and gradient: a row of weight 3 counts
    as three rows (the stage passes each group's weights on)."""
    rng = np.random.RandomState(9)
    net = _network(rng)
    X = rng.normal(size=(4, 4))
    Y = np.eye(2)[[0, 1, 1, 0]]
    weights = np.array([1.0, 3.0, 1.0, 2.0])
    repeat = np.repeat(np.arange(4), weights.astype(int))
    results = []
    for rows in (
        single_rows(X, Y, weights),
        single_rows(X[repeat], Y[repeat]),
    ):
        workspace = Workspace(net, rows[0].X.shape[0])
        loss = batch_gradient(net, rows, "log_loss", workspace, Penalty(0.0, 0.0))
        results.append((loss, workspace.grad.copy()))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10, atol=1e-13)
    stage = slice(net.n_dense_params, None)
    unweighted = Workspace(net, 4)
    batch_gradient(net, single_rows(X, Y), "log_loss", unweighted, Penalty(0.0, 0.0))
    assert not np.allclose(unweighted.grad[stage], results[0][1][stage])


class _RecordingStage(PeriodicScalingStage):
    """The stage, noting the rows each call of ``forward`` is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def forward(self, flat, X):
        self.seen.append(X.copy())
        return super().forward(flat, X)


def test_chunked_predict_passes_every_row_through_the_stage_once():
    rng = np.random.RandomState(14)
    stage = _RecordingStage(4, 3, n_frequencies=5)
    net = StagedNetwork((stage.n_out, 6, 2), "tanh", "softmax", stage=stage)
    net.params[...] = rng.normal(scale=0.5, size=net.params.shape)
    X = rng.normal(size=(7, 4))
    expected = net.predict(X)
    assert len(stage.seen) == 1
    stage.seen.clear()
    np.testing.assert_allclose(net.predict(X, batch_size=3), expected, rtol=1e-12)
    assert [chunk.shape[0] for chunk in stage.seen] == [3, 3, 1]
    np.testing.assert_array_equal(np.concatenate(stage.seen), X)


def test_chunked_predict_allocates_one_chunk_of_the_stage():
    """The stage's cos(U) is n x J x F per model: in chunks of ``batch_size``
    rows, a prediction never holds it for all rows."""
    rng = np.random.RandomState(0)
    stage = PeriodicScalingStage(8, 8)
    net = StagedNetwork((stage.n_out, 16, 1), "relu", "identity", stage=stage)
    net.params[...] = rng.normal(scale=0.3, size=net.params.shape)
    X = rng.normal(size=(20_000, 8))
    chunk = 500
    expected = net.predict(X)
    out = []
    peak = peak_bytes(lambda: out.append(net.predict(X, batch_size=chunk)))
    np.testing.assert_allclose(out[0], expected, rtol=1e-12)
    stage_all_rows = X.shape[0] * 8 * 16 * 8  # one (n, J, F) float64 array: 20 MB
    assert peak < stage_all_rows / 4  # all rows at once: several of them


def test_predict_one_row_at_a_time_holds_one_rows_stage():
    """``batch_size=1``: chunks of one row, half the stage's arrays of two."""
    stage = PeriodicScalingStage(4000, 4000, n_frequencies=2, embedding_dim=1)
    net = StagedNetwork((stage.n_out, 1, 1), "relu", "identity", stage=stage)
    X = np.random.RandomState(0).normal(size=(8, 4000))
    expected = net.predict(X)
    peaks = {}
    for rows in (1, 2):
        out = []

        def predict(out=out, rows=rows):
            out.append(net.predict(X, batch_size=rows))

        peaks[rows] = peak_bytes(predict)
        np.testing.assert_allclose(out[0], expected, rtol=1e-12)
    assert peaks[1] < 0.75 * peaks[2]


def test_float32_staged_network_computes_its_gradient_in_float32():
    """The stage's output keeps the network's float32 (the scale's gradient is
    written into the float32 gradient vector), close to the float64 one."""
    rng = np.random.RandomState(10)
    net64 = _network(rng)
    net32 = _network(rng, dtype=np.float32)
    net32.params[...] = net64.params
    X = rng.normal(size=(6, 4))
    Y = np.eye(2)[[0, 1, 1, 0, 1, 0]]
    assert net32.transform(X.astype(np.float32)).dtype == np.float32
    grads = []
    for net, dtype in ((net64, np.float64), (net32, np.float32)):
        rows = single_rows(X.astype(dtype), Y.astype(dtype))
        workspace = Workspace(net, 6)
        batch_gradient(net, rows, "log_loss", workspace, Penalty(0.0, 0.0))
        grads.append(workspace.grad.copy())
    assert grads[1].dtype == np.float32
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-3, atol=1e-5)


def test_staged_forward_applies_the_dropout_masks():
    """forward of a staged network is the dense network's: the hidden
    activations are multiplied by the dropout masks."""
    rng = np.random.RandomState(11)
    net = _network(rng)
    plain = Network(net.layer_units, "tanh", "softmax")
    plain.params[...] = net.params[: net.n_dense_params]
    A0 = net.transform(rng.normal(size=(5, 4)))
    mask = (rng.uniform(size=(5, 6)) < 0.5) / 0.5
    outputs = []
    for network in (net, plain):
        buffers = [np.empty((5, 6)), np.empty((5, 2))]
        outputs.append(network.forward(A0, buffers, [(mask, 0.5)])[-1])
    np.testing.assert_array_equal(outputs[0], outputs[1])
    buffers = [np.empty((5, 6)), np.empty((5, 2))]
    no_dropout = net.forward(A0, buffers)[-1]
    assert not np.allclose(outputs[0], no_dropout)


def test_staged_gelu_network_gradient_matches_central_difference():
    """GELU keeps its pre-activations in the workspace's scratch for the
    backward pass: a staged network's forward must write them there."""
    rng = np.random.RandomState(12)
    stage = PeriodicScalingStage(3, 2, n_frequencies=3, embedding_dim=2)
    net = StagedNetwork((stage.n_out, 4, 2), "gelu", "softmax", stage=stage)
    net.params[...] = rng.normal(scale=0.5, size=net.params.shape)
    X = rng.normal(size=(5, 3))
    rows = single_rows(X, np.eye(2)[[0, 1, 1, 0, 1]])

    def loss():
        workspace = Workspace(net, 5)
        value = batch_gradient(net, rows, "log_loss", workspace, Penalty(0.0, 0.0))
        return value, workspace.grad.copy()

    _, grad = loss()
    theta = net.params.copy()
    numeric = np.empty_like(theta)
    h = 1e-6
    for i in range(theta.size):
        values = []
        for step in (h, -h):
            net.params[...] = theta
            net.params[i] += step
            values.append(loss()[0])
        numeric[i] = (values[0] - values[1]) / (2 * h)
    net.params[...] = theta
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_float32_stack_predicts_in_float32_like_its_networks():
    rng = np.random.RandomState(6)
    nets = [_network(rng, dtype=np.float32) for _ in range(2)]
    stack = StagedNetwork.stack(nets)
    X = rng.normal(size=(5, 4)).astype(np.float32)
    P = stack.predict(X)
    assert P.dtype == np.float32
    for k, net in enumerate(nets):
        own = net.predict(X)
        assert own.dtype == np.float32
        np.testing.assert_allclose(P[k], own, rtol=1e-5)
    assert math.isfinite(float(P.sum()))


def test_onnx_export_of_a_stage_without_scale_matches_predict():
    """Without the scaling layer the stage has no scale (``_actual``'s None):
    the exported graph multiplies by nothing and equals ``predict``."""
    ort = pytest.importorskip("onnxruntime")
    skl2onnx = pytest.importorskip("skl2onnx")
    import sknumpynn.onnx  # noqa: F401  (registers the converters)
    from sknumpynn import TabularMLPRegressor

    rng = np.random.RandomState(13)
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, -2.0, 0.5] + rng.normal(scale=0.1, size=60)
    model = TabularMLPRegressor(
        hidden_layer_sizes=(4,), max_iter=2, scaling_layer=False, random_state=0
    ).fit(X, y)
    onx = skl2onnx.to_onnx(model, X[:1])
    sess = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    P = sess.run(None, {sess.get_inputs()[0].name: X})[0]
    np.testing.assert_allclose(P.ravel(), model.predict(X), rtol=0, atol=1e-9)
