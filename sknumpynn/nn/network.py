r"""A dense feed-forward network whose parameters live in one flat vector.

Layer :math:`l` (``l = 0 .. L-1``) maps its input :math:`A_l` to

.. math:: Z_{l+1} = A_l W_l + b_l, \qquad A_{l+1} = f_l(Z_{l+1}),

with :math:`A_0 = X`, a hidden activation :math:`f_l` for every layer but
the last (one name for all, or one per layer) and the output activation for
the last. Back-propagation starts from the output delta of the loss (see
:mod:`sknumpynn.nn.losses`; :math:`P - Y` for the canonical pairs) and walks
back:

.. math::

    \Delta_L &= \frac{s \odot \partial \ell / \partial Z_L}{\sum_i s_i}, \\
    \nabla W_l &= A_l^\top \Delta_{l+1} + \frac{\alpha}{\sum_i s_i} W_l
        + \frac{\lambda_1}{\sum_i s_i} \operatorname{sign}(W_l),
    \qquad \nabla b_l = \mathbf{1}^\top \Delta_{l+1}, \\
    \Delta_l &= (\Delta_{l+1} W_l^\top) \odot f_l'(Z_l).

The gradient of the first layer's input is never formed. All weights and
biases are views into :attr:`Network.params` (all weights first, then all
biases, as scikit-learn packs them), and the gradient has the same layout, so
an optimizer step is a few whole-vector operations.
"""

import numpy as np

from sknumpynn.nn import regularizers
from sknumpynn.nn.activations import (
    DERIVATIVES,
    HIDDEN_ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
)
from sknumpynn.nn.forward import _dot, forward_pass, hidden_activations
from sknumpynn.nn.init import glorot_uniform
from sknumpynn.nn.losses import get_loss


class Network:
    """Dense network with ``len(layer_units) - 1`` weight layers.

    Parameters
    ----------
    layer_units : sequence of int
        Units per layer, input first and output last, e.g. ``(784, 100, 10)``.
    activation : str or sequence of str
        Hidden activation, a key of
        :data:`~sknumpynn.nn.activations.HIDDEN_ACTIVATIONS`, or one per
        hidden layer.
    output_activation : {'identity', 'logistic', 'softmax', 'exp'}
        Output activation.
    dtype : {numpy.float32, numpy.float64}
        Dtype of parameters, gradients and all computation.

    Attributes
    ----------
    params : ndarray of shape (n_params,)
        All weights then all biases, flat.
    coefs : list of ndarray
        ``coefs[l]`` of shape ``(layer_units[l], layer_units[l + 1])``, a view
        into ``params``.
    intercepts : list of ndarray
        ``intercepts[l]`` of shape ``(layer_units[l + 1],)``, a view into
        ``params``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import Network, Workspace
    >>> net = Network((3, 5, 2), "relu", "identity")
    >>> net = net.initialize(np.random.RandomState(0))
    >>> net
    Network(3-5-2, activation='relu', output='identity', dtype=float64)
    >>> net.n_params, net.coefs[0].shape, net.intercepts[1].shape
    (32, (3, 5), (2,))
    >>> X, Y = np.ones((4, 3)), np.zeros((4, 2))
    >>> loss = net.loss_and_gradient(X, Y, "squared_error", 0.0, Workspace(net, 4))
    >>> bool(loss >= 0)
    True
    """

    def __init__(self, layer_units, activation, output_activation, dtype=np.float64):
        self.layer_units = tuple(int(u) for u in layer_units)
        self.activation = activation
        self.output_activation = output_activation
        self.dtype = np.dtype(dtype)
        pairs = list(zip(self.layer_units[:-1], self.layer_units[1:]))
        self.n_coef_params = sum(i * o for i, o in pairs)
        self.n_params = self.n_coef_params + sum(self.layer_units[1:])
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self.coefs, self.intercepts = self.unpack(self.params)
        self.activations = hidden_activations(activation, len(self.layer_units) - 2)
        self._hidden = [HIDDEN_ACTIVATIONS[name] for name in self.activations]
        self._derivatives = [DERIVATIVES[name] for name in self.activations]
        self._output = OUTPUT_ACTIVATIONS[output_activation]

    def __repr__(self):
        units = "-".join(map(str, self.layer_units))
        activation = self.activation
        if not isinstance(activation, str):
            activation = list(activation)
        return (
            f"Network({units}, activation={activation!r}, "
            f"output={self.output_activation!r}, dtype={self.dtype.name})"
        )

    @property
    def n_layers(self):
        """Number of weight layers."""
        return len(self.layer_units) - 1

    def unpack(self, flat):
        """Split a flat vector laid out like :attr:`params` into per-layer views.

        Parameters
        ----------
        flat : ndarray of shape (n_params,)
            A vector with the layout of :attr:`params` (e.g. a gradient).

        Returns
        -------
        coefs, intercepts : list of ndarray
            Views into ``flat``; writing to them writes to ``flat``.
        """
        coefs, intercepts = [], []
        start = 0
        for fan_in, fan_out in zip(self.layer_units[:-1], self.layer_units[1:]):
            end = start + fan_in * fan_out
            coefs.append(flat[start:end].reshape(fan_in, fan_out))
            start = end
        for fan_out in self.layer_units[1:]:
            intercepts.append(flat[start : start + fan_out])
            start += fan_out
        return coefs, intercepts

    @classmethod
    def from_arrays(cls, coefs, intercepts, activation, output_activation, dtype=None):
        """Build a network holding a copy of the given weights and biases.

        Parameters
        ----------
        coefs, intercepts : list of ndarray
            Weights and biases per layer (e.g. a fitted estimator's
            ``coefs_`` and ``intercepts_``).
        activation : str or sequence of str
            Hidden activation(s).
        output_activation : str
            Output activation.
        dtype : dtype, default=None
            The dtype of ``coefs`` when None.

        Returns
        -------
        Network
        """
        dtype = coefs[0].dtype if dtype is None else dtype
        units = [coefs[0].shape[0]] + [c.shape[1] for c in coefs]
        net = cls(units, activation, output_activation, dtype)
        for dst, src in zip(net.coefs + net.intercepts, list(coefs) + list(intercepts)):
            dst[...] = src
        return net

    def initialize(self, rng):
        """Glorot-uniform initialisation, in scikit-learn's draw order.

        Each layer's bound follows the activation it feeds (the output layer
        the last hidden one's), as scikit-learn's single activation does.

        Parameters
        ----------
        rng : numpy.random.RandomState

        Returns
        -------
        self : Network
        """
        names = self.activations or (self.activation,)
        for layer, (W, b) in enumerate(zip(self.coefs, self.intercepts)):
            fan_in, fan_out = self.layer_units[layer], self.layer_units[layer + 1]
            activation = names[min(layer, len(names) - 1)]
            W[...], b[...] = glorot_uniform(rng, fan_in, fan_out, activation)
        return self

    def forward(self, X, buffers, dropout_masks=None, scratch=None):
        r"""Forward pass, writing each layer's output into ``buffers``.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        buffers : list of ndarray
            ``buffers[l]`` of shape ``(n_samples, layer_units[l + 1])``.
        dropout_masks : list, default=None
            One entry per hidden layer: None, or ``(mask, keep)`` where
            ``mask`` holds :math:`m / q` (:math:`m \in \{0, 1\}` drawn with
            :math:`P(m = 1) = q`, the keep probability ``keep``). Inverted
            dropout: the hidden output becomes :math:`A \odot m / q`, so
            nothing changes at prediction time.
        scratch : list of ndarray, default=None
            One buffer per hidden layer, shaped like its output, for the
            activation's intermediates; a GELU layer's keeps the pre-activation
            for :meth:`backward`. None allocates them.

        Returns
        -------
        activations : list of ndarray
            ``[X, A_1, ..., A_L]``; the last entry holds the predictions.
        """
        activations = [X]
        if scratch is None:
            scratch = [np.empty_like(Z) for Z in buffers[:-1]]
        for layer, (W, b, Z) in enumerate(zip(self.coefs, self.intercepts, buffers)):
            _dot(activations[-1], W, out=Z)
            Z += b
            if layer == self.n_layers - 1:
                self._output(Z)
            else:
                self._hidden[layer](Z, scratch[layer])
                if dropout_masks and dropout_masks[layer] is not None:
                    Z *= dropout_masks[layer][0]
            activations.append(Z)
        return activations

    def predict(self, X, batch_size=None):
        """Network output for ``X``; see :func:`forward_pass`.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        batch_size : int, default=None
            Rows per chunk; all at once when None.

        Returns
        -------
        P : ndarray of shape (n_samples, n_outputs)
        """
        return forward_pass(
            X,
            self.coefs,
            self.intercepts,
            self.activations,
            self.output_activation,
            batch_size,
        )

    def penalty(self, alpha, sw_sum, l1=0.0):
        r"""Weight penalty, see :mod:`sknumpynn.nn.regularizers`.

        .. math:: \frac{\alpha}{2 S} \sum_l \|W_l\|_F^2
            + \frac{\lambda_1}{S} \sum_l \|W_l\|_1

        Parameters
        ----------
        alpha : float
            L2 strength.
        sw_sum : float
            :math:`S`, the batch's total sample weight.
        l1 : float, default=0.0
            L1 strength.

        Returns
        -------
        float
        """
        coefs = self.params[: self.n_coef_params]
        value = regularizers.l2_penalty(coefs, alpha, sw_sum) if alpha else 0.0
        if l1:
            value += regularizers.l1_penalty(coefs, l1, sw_sum)
        return value

    def loss_and_gradient(
        self,
        X,
        Y,
        loss,
        alpha,
        workspace,
        sample_weight=None,
        compute_loss=True,
        dropout_masks=None,
        l1=0.0,
    ):
        """Forward and backward pass over one batch.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Y : ndarray of shape (n_samples, n_outputs)
            Targets, same dtype as the network.
        loss : str or sknumpynn.nn.losses.Loss
            A loss (or the name of one) whose output activation is this
            network's output activation.
        alpha : float
            L2 penalty strength.
        workspace : Workspace
            Preallocated buffers for at least ``n_samples`` rows; its ``grad``
            receives the gradient (same layout as :attr:`params`).
        sample_weight : ndarray of shape (n_samples,), default=None
        compute_loss : bool, default=True
            If False, skip the loss value (returns None) and save its cost.
        dropout_masks : list, default=None
            Dropout masks of the hidden layers (see :meth:`forward`).
        l1 : float, default=0.0
            L1 penalty strength.

        Returns
        -------
        loss : float or None
            Mean loss over the batch, with the weight penalties.
        """
        loss = get_loss(loss)
        n_samples = X.shape[0]
        sw_sum = n_samples if sample_weight is None else float(sample_weight.sum())
        if sw_sum == 0:  # a batch of zero-weight rows carries no information
            workspace.grad[...] = 0
            return 0.0
        buffers, _, scratch = workspace.rows(n_samples)
        activations = self.forward(X, buffers, dropout_masks, scratch)
        value = None
        if compute_loss:
            value = loss.value(Y, activations[-1], sample_weight)
            value += self.penalty(alpha, sw_sum, l1)
        self.backward(
            activations,
            Y,
            alpha,
            workspace,
            sample_weight,
            sw_sum,
            dropout_masks,
            l1=l1,
            loss=loss,
            scratch=scratch,
        )
        return value

    def backward(
        self,
        activations,
        Y,
        alpha,
        workspace,
        sample_weight,
        sw_sum,
        dropout_masks=None,
        l1=0.0,
        loss="squared_error",
        scratch=None,
    ):
        r"""Back-propagate from the output delta into ``workspace.grad``.

        Overwrites the activations (used as scratch once they are consumed).
        ``loss`` only matters through its output delta, which is
        :math:`P - Y` for every canonical pair; ``scratch`` is the list
        :meth:`forward` was given (GELU layers read their pre-activations).
        Through a dropped-out layer,
        :math:`\Delta_l = (\Delta_{l+1} W_l^\top) \odot f'(Z_l) \odot m / q`,
        with :math:`f'` evaluated on the undropped output :math:`A = q A' / m`
        of the kept units.

        Parameters
        ----------
        activations : list of ndarray
            What :meth:`forward` returned.
        Y : ndarray of shape (n_samples, n_outputs)
        alpha : float
        workspace : Workspace
        sample_weight : ndarray of shape (n_samples,) or None
        sw_sum : float
            Total sample weight of the batch.
        dropout_masks : list, default=None
        l1 : float, default=0.0
        loss : str or Loss, default='squared_error'
        scratch : list of ndarray, default=None
        """
        n_samples = Y.shape[0]
        grad_coefs, grad_intercepts = workspace.grad_coefs, workspace.grad_intercepts
        deltas = workspace.rows(n_samples).deltas
        delta = get_loss(loss).output_delta(Y, activations[-1])
        if sample_weight is not None:
            delta *= sample_weight[:, np.newaxis]
        delta *= 1.0 / sw_sum
        for layer in range(self.n_layers - 1, -1, -1):
            _dot(activations[layer].T, delta, out=grad_coefs[layer])
            np.sum(delta, axis=0, out=grad_intercepts[layer])
            if layer > 0:
                previous = deltas[layer - 1]
                np.matmul(delta, self.coefs[layer].T, out=previous)
                masked = dropout_masks and dropout_masks[layer - 1] is not None
                if masked:  # undo the 1/q scaling for f'(Z); dropped units stay 0
                    activations[layer] *= dropout_masks[layer - 1][1]
                Z = None if scratch is None else scratch[layer - 1]
                self._derivatives[layer - 1](activations[layer], previous, Z)
                if masked:
                    previous *= dropout_masks[layer - 1][0]
                delta = previous
        n = self.n_coef_params
        coefs, grad, tmp = self.params[:n], workspace.grad[:n], workspace.scratch[:n]
        if alpha:
            regularizers.add_l2_gradient(coefs, grad, alpha, sw_sum, tmp)
        if l1:
            regularizers.add_l1_gradient(coefs, grad, l1, sw_sum, tmp)
