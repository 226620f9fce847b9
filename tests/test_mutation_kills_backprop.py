"""Kill-tests for the surviving mutants of ``nn/backprop.py`` and
``nn/batch.py`` (issue 22), after the staged-network dispatch of
``batch_gradient``.

Each test asserts a promise of the public engine (``Network.loss_and_gradient``,
``batch_gradient``) that the group's other tests (``test_mutation_kills_engine.py``,
``test_mutation_kills_training.py``) did not pin down: a stack whose rows all
weigh 0 takes no step, silently, like a single network; a stacked batch whose
Poisson prediction underflows to 0 has an infinite loss, silently; a float32
stack without penalty records its own fits' loss curves bit for bit; and a
batch with an L1 penalty allocates no weights-sized temporary (the README's
"allocates nothing per batch but the loss value's (batch, outputs)
temporaries").
"""

import warnings

import numpy as np
import pytest
from memory_helpers import peak_bytes
from sklearn.base import clone
from sklearn.datasets import load_iris

from sknumpynn import NumpyMLPClassifier
from sknumpynn._training.together import fit_together
from sknumpynn.nn import Network, Workspace
from sknumpynn.nn.backprop import Penalty, batch_gradient
from sknumpynn.nn.batch import Rows, StackedRows


def _stack(n_models, units=(4, 5, 3)):
    nets = [
        Network(units, "tanh", "softmax").initialize(np.random.RandomState(k))
        for k in range(n_models)
    ]
    return Network.stack(nets)


def _batch(n_rows=6, n_features=4, n_classes=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_rows, n_features))
    return X, np.eye(n_classes)[rng.randint(n_classes, size=n_rows)]


@pytest.mark.parametrize("alpha", [0.0, 0.1])
def test_stack_of_zero_weight_rows_takes_no_step_silently(alpha):
    """``loss_and_gradient`` of a stack whose rows all weigh 0: one zero loss
    per model, a zero gradient, and no RuntimeWarning (no 0 / 0 computed)."""
    stack = _stack(3)
    X, Y = _batch()
    workspace = Workspace(stack, 6)
    workspace.grad[...] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = stack.loss_and_gradient(
            X, Y, "log_loss", alpha, workspace, sample_weight=np.zeros(6)
        )
    assert isinstance(value, np.ndarray) and value.dtype == np.float64
    np.testing.assert_array_equal(value, np.zeros(3))
    assert not workspace.grad.any()


def test_row_groups_of_a_stack_all_of_zero_weight_warn_nothing():
    """A list-of-``Rows`` batch of a stack, every group's rows of weight 0:
    zero losses and gradient, with no RuntimeWarning."""
    stack = _stack(3)
    X, Y = _batch()
    X2, Y2 = _batch(seed=1)
    workspace = Workspace(stack, 6)
    workspace.grad[...] = 1.0
    zero = np.zeros(6)
    rows = [Rows(slice(0, 2), X, Y, zero), Rows(slice(2, 3), X2, Y2, zero)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = batch_gradient(stack, rows, "log_loss", workspace, Penalty(0.1, 0.01))
    np.testing.assert_array_equal(value, np.zeros(3))
    assert not workspace.grad.any()


def test_stacked_poisson_batch_with_an_underflowing_prediction_is_silent():
    """A gathered Poisson batch where one model's prediction exp(z) underflows
    to 0 on rows with y > 0: that model's loss is inf, the other model's is its
    own network's, and no RuntimeWarning is raised (y / 0 is ignored like the
    empty model's 0 / 0)."""
    rng = np.random.RandomState(0)
    nets = [
        Network((3, 4, 2), "tanh", "exp").initialize(np.random.RandomState(k))
        for k in range(2)
    ]
    nets[1].intercepts[-1][...] = -1000.0  # exp(-1000 + ...) == 0.0
    stack = Network.stack(nets)
    X = rng.normal(size=(1, 5, 3))
    Y = rng.uniform(0.5, 2.0, size=(2, 5, 2))
    workspace = Workspace(stack, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = batch_gradient(
            stack, StackedRows((2,), X, Y, None), "poisson", workspace, Penalty(0, 0)
        )
    single = Workspace(nets[0], 5)
    expected = nets[0].loss_and_gradient(X[0], Y[0], "poisson", 0.0, single)
    assert values[0] == expected and values[1] == np.inf


def test_float32_stack_without_penalty_records_its_own_fits_loss_curves():
    """alpha=0 in float32: each stacked model's loss curve (batch losses summed
    over an epoch of several batches) is its own fit's, bit for bit."""
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    estimators = [
        NumpyMLPClassifier(
            hidden_layer_sizes=(5,),
            alpha=0.0,
            batch_size=16,
            max_iter=4,
            dtype="float32",
            learning_rate_init=rate,
            random_state=0,
        )
        for rate in (1e-3, 1e-2)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        together = fit_together(estimators, [(X, y, None)] * 2)
        alone = [clone(e).fit(X, y) for e in estimators]
    for (a, error), b in zip(together, alone):
        assert error is None
        assert a.loss_curve_ == b.loss_curve_


@pytest.mark.parametrize("stacked", [False, True])
def test_l1_penalty_allocates_no_weights_sized_temporary(stacked):
    """One batch with an L1 penalty (its loss value included): the peak
    allocation stays far below the size of the weights, for one network
    (``loss_and_gradient``) and a stack's gathered batch."""
    rng = np.random.RandomState(0)
    units, n_rows = (64, 512, 256, 10), 20
    nets = [
        Network(units, "relu", "softmax").initialize(np.random.RandomState(k))
        for k in range(2)
    ]
    X = rng.normal(size=(n_rows, 64))
    Y = np.eye(10)[rng.randint(10, size=n_rows)]
    if stacked:
        net = Network.stack(nets)
        rows = StackedRows((2,), X[np.newaxis], np.stack([Y, Y]), None)
    else:
        net, rows = nets[0], [Rows(..., X, Y, None)]
    workspace = Workspace(net, n_rows)
    penalty = Penalty(1e-4, 1e-3)

    def step():
        batch_gradient(net, rows, "log_loss", workspace, penalty)

    step()  # warm up
    coef_bytes = net.params[..., : net.n_coef_params].nbytes
    assert peak_bytes(step) < coef_bytes / 8
