r"""Back-propagation: one batch's penalised loss and its gradient.

For the output delta :math:`\Delta_L` of the loss (see
:mod:`sknumpynn.nn.losses`; :math:`P - Y` for the canonical pairs) and sample
weights :math:`s` with sum :math:`S`:

.. math::

    \Delta_L &= \frac{s \odot \partial \ell / \partial Z_L}{S}, \\
    \nabla W_l &= A_l^\top \Delta_{l+1} + \frac{\alpha}{S} W_l
        + \frac{\lambda_1}{S} \operatorname{sign}(W_l),
    \qquad \nabla b_l = \mathbf{1}^\top \Delta_{l+1}, \\
    \Delta_l &= (\Delta_{l+1} W_l^\top) \odot f_l'(Z_l).

The same functions serve one :class:`~sknumpynn.nn.Network` and a stack of
them: a stack's batch is a list of :class:`~sknumpynn.nn.batch.Rows`, one per
group of models that shares its rows, or one
:class:`~sknumpynn.nn.batch.StackedRows` (the training loop's: every group's
rows in one array, targets per model, so the loss and the output delta are
one operation over the stack), and ``alpha``, ``l1`` and the losses become
per-model vectors.
"""

from collections import namedtuple

import numpy as np

from sknumpynn.nn import regularizers
from sknumpynn.nn.batch import Rows, StackedRows, _product, _transposed, group_product
from sknumpynn.nn.losses import get_loss

#: Penalty strengths: ``alpha`` (L2) and ``l1``, floats or per-model vectors.
Penalty = namedtuple("Penalty", ["alpha", "l1"])


def _weight_sum(group):
    """:math:`S` of one group: its row count, or its total sample weight."""
    if group.sample_weight is None:
        return group.X.shape[0]
    return float(group.sample_weight.sum())


def _per_model(network, rows, sums):
    """:math:`S` per model: a float when every model shares it."""
    if len(sums) == 1 or len(set(sums)) == 1:
        return sums[0]
    per_model = np.empty(network.n_models)
    for group, value in zip(rows, sums):
        per_model[group.models] = value
    return per_model


def batch_gradient(
    network, rows, loss, workspace, penalty, dropout_masks=None, compute_loss=True
):
    """Forward and backward pass; the gradient lands in ``workspace.grad``.

    Parameters
    ----------
    network : Network
    rows : list of Rows or StackedRows
        The batch, one entry per group of models sharing its rows (one entry,
        ``models=...``, for a single network), or a stack's gathered batch.
    loss : str or Loss
    workspace : Workspace
    penalty : Penalty
    dropout_masks : list, default=None
    compute_loss : bool, default=True
        If False, skip the loss value (returns None) and save its cost.

    Returns
    -------
    loss : float or ndarray of shape (n_models,) or None
        Mean loss over the batch with the weight penalties.
    """
    loss = get_loss(loss)
    # Extension point: an input stage (nn/staged.py) transforms the rows first,
    # giving every model inputs of its own: a gathered batch goes by its groups.
    staged = network.input_stage is not None
    if isinstance(rows, StackedRows):
        if not staged:
            return _stacked_gradient(
                network, rows, loss, workspace, penalty, dropout_masks, compute_loss
            )
        rows = network.group_rows(rows)
    sums, empty = [_weight_sum(group) for group in rows], ()
    if not all(sums):  # zero-weight rows carry no information: no step for them
        if network.n_models is None or set(sums) == {0}:
            workspace.grad[...] = 0
            return 0.0 if network.n_models is None else np.zeros(network.n_models)
        empty = [group for group, value in zip(rows, sums) if not value]
        sums = [value or 1.0 for value in sums]
    sw_sum = _per_model(network, rows, sums)
    buffers, _, scratch = workspace.rows(rows[0].X.shape[0])
    if staged:
        rows, stage_caches = network.stage_forward(rows)
    activations = network.forward(rows, buffers, dropout_masks, scratch)
    value = None
    if compute_loss:
        value = _loss_value(network, rows, loss, activations[-1])
        alpha, l1 = penalty
        value = value + network.penalty(alpha, sw_sum, l1, workspace.scratch)
    _output_delta(rows, loss, activations[-1], sums)
    delta = backward(network, rows, activations, workspace, dropout_masks, scratch)
    if staged:
        network.stage_backward(rows, delta, stage_caches, workspace.grad)
    add_penalty_gradient(network, workspace, penalty, sw_sum)
    for group in empty:
        workspace.grad[group.models] = 0
        if value is not None:
            value[group.models] = 0.0
    return value


def _stacked_gradient(
    network, rows, loss, workspace, penalty, dropout_masks, compute_loss
):
    """:func:`batch_gradient` of a :class:`StackedRows` batch."""
    n_samples, sw = rows.X.shape[1], rows.sample_weight
    sw_sum, empty = float(n_samples), None
    if sw is not None:
        sums = sw.sum(axis=-1).astype(np.float64)
        empty = sums == 0  # zero-weight rows carry no information: no step
        if empty.all():
            workspace.grad[...] = 0
            return np.zeros(network.n_models)
        sums[empty] = 1.0
        sw_sum = float(sums[0]) if (sums == sums[0]).all() else sums
        empty = empty if empty.any() else None
    buffers, _, scratch = workspace.rows(n_samples)
    activations = network.forward(rows, buffers, dropout_masks, scratch)
    P = activations[-1]
    value = None
    if compute_loss:
        with np.errstate(invalid="ignore", divide="ignore"):  # empty: 0 below
            value = np.asarray(loss.value(rows.Y, P, sw), dtype=np.float64)
        alpha, l1 = penalty
        value = value + network.penalty(alpha, sw_sum, l1, workspace.scratch)
    delta = loss.output_delta(rows.Y, P)
    if sw is not None:
        delta *= sw[..., np.newaxis]
    if type(sw_sum) is float:
        delta *= 1.0 / sw_sum
    else:
        delta *= (1.0 / sw_sum).astype(delta.dtype)[:, np.newaxis, np.newaxis]
    backward(network, rows, activations, workspace, dropout_masks, scratch)
    add_penalty_gradient(network, workspace, penalty, sw_sum)
    if empty is not None:
        workspace.grad[empty] = 0
        if value is not None:
            value[empty] = 0.0
    return value


def _loss_value(network, rows, loss, P):
    if network.n_models is None:
        group = rows[0]
        return loss.value(group.Y, P, group.sample_weight)
    values = np.empty(network.n_models)
    for group in rows:
        values[group.models] = loss.value(group.Y, P[group.models], group.sample_weight)
    return values


def _output_delta(rows, loss, P, sums):
    r""":math:`\Delta_L = s \odot \partial \ell / \partial Z_L / S`, in place in
    ``P``, group by group."""
    for group, sw_sum in zip(rows, sums):
        delta = loss.output_delta(group.Y, P[group.models])
        if group.sample_weight is not None:
            delta *= group.sample_weight[:, np.newaxis]
        delta *= 1.0 / sw_sum


def backward(network, rows, activations, workspace, dropout_masks=None, scratch=None):
    r"""Back-propagate the output delta (in ``activations[-1]``) into the
    gradient of the data term, ``workspace.grad``.

    Overwrites the activations (used as scratch once consumed). Through a
    dropped-out layer,
    :math:`\Delta_l = (\Delta_{l+1} W_l^\top) \odot f'(Z_l) \odot m / q`, with
    :math:`f'` evaluated on the undropped output :math:`A = q A' / m` of the
    kept units; ``scratch`` holds GELU layers' pre-activations. Returns
    :math:`\Delta_1`, the first layer's output delta.
    """
    grad_coefs = workspace.grad_coefs
    stacked = isinstance(rows, StackedRows)
    # A list's rows are 3-D after an input stage (nn/staged.py): rows are axis -2.
    n_samples = rows.X.shape[1] if stacked else rows[0].X.shape[-2]
    deltas = workspace.rows(n_samples).deltas
    delta = activations[-1]
    for layer in range(network.n_layers - 1, -1, -1):
        if layer == 0 and stacked:
            group_product(rows.X, rows.sizes, delta, grad_coefs[0], transpose=True)
        elif layer == 0:  # the first layer: each group's own rows
            for group in rows:
                _product(
                    _transposed(group.X),
                    delta[group.models],
                    grad_coefs[0][group.models],
                )
        else:
            _product(_transposed(activations[layer]), delta, grad_coefs[layer])
        np.sum(delta, axis=-2, out=workspace.bias_sums[layer])
        if layer > 0:
            delta = _hidden_delta(
                network,
                layer,
                delta,
                activations[layer],
                deltas,
                dropout_masks,
                scratch,
            )
    return delta  # the first layer's output delta


def _hidden_delta(network, layer, delta, A, deltas, dropout_masks, scratch):
    r""":math:`\Delta_l = (\Delta_{l+1} W_l^\top) \odot f'(Z_l)` (masked)."""
    previous = deltas[layer - 1]
    _product(delta, _transposed(network.coefs[layer]), previous)
    masked = dropout_masks and dropout_masks[layer - 1] is not None
    if masked:  # undo the 1/q scaling for f'(Z); dropped units stay 0
        A *= dropout_masks[layer - 1][1]
    Z = None if scratch is None else scratch[layer - 1]
    network._derivatives[layer - 1](A, previous, Z)
    if masked:
        previous *= dropout_masks[layer - 1][0]
    return previous


def add_penalty_gradient(network, workspace, penalty, sw_sum):
    r"""Add :math:`\frac{\alpha}{S} W + \frac{\lambda_1}{S}\operatorname{sign}(W)`
    to the weights' gradient."""
    n = network.n_coef_params
    coefs = network.params[..., :n]
    grad, tmp = workspace.grad[..., :n], workspace.scratch[..., :n]
    if regularizers.nonzero(penalty.alpha):
        regularizers.add_l2_gradient(coefs, grad, penalty.alpha, sw_sum, tmp)
    if regularizers.nonzero(penalty.l1):
        regularizers.add_l1_gradient(coefs, grad, penalty.l1, sw_sum, tmp)


def single_rows(X, Y, sample_weight=None):
    """The batch of one network (or of a stack whose models share all rows)."""
    return [Rows(..., X, Y, sample_weight)]
