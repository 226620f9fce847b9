r"""A dense feed-forward network whose parameters live in one flat vector.

Layer :math:`l` (``l = 0 .. L-1``) maps its input :math:`A_l` to

.. math:: Z_{l+1} = A_l W_l + b_l, \qquad A_{l+1} = f_l(Z_{l+1}),

with :math:`A_0 = X`, a hidden activation :math:`f_l` for every layer but
the last (one name for all, or one per layer) and the output activation for
the last; back-propagation is in :mod:`sknumpynn.nn.backprop`. All weights and
biases are views into :attr:`Network.params` (all weights first, then all
biases, as scikit-learn packs them), and the gradient has the same layout, so
an optimizer step is a few whole-vector operations.

**A stack of models.** ``Network(..., n_models=K)`` holds ``K`` networks of
one shape: ``params`` of shape ``(K, n_params)``, weights ``(K, fan_in,
fan_out)``, biases ``(K, 1, fan_out)``; each product is one batched product
(BLAS once per model), and groups of models may bring their own rows
(:class:`Rows`). The rest is the code of one network (``n_models=None``).
"""

import numpy as np

from sknumpynn.nn import regularizers
from sknumpynn.nn.activations import (
    DERIVATIVES,
    HIDDEN_ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
)
from sknumpynn.nn.batch import Rows, StackedRows, _product, group_product
from sknumpynn.nn.forward import forward_pass, hidden_activations
from sknumpynn.nn.init import glorot_uniform


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
    n_models : int, default=None
        Size of the leading model axis of a stack; None for one network.

    Attributes
    ----------
    n_layers : int
        Number of weight layers.
    params : ndarray of shape (n_params,) or (n_models, n_params)
        All weights then all biases, flat.
    coefs : list of ndarray
        ``coefs[l]`` of shape ``(layer_units[l], layer_units[l + 1])`` (with a
        leading model axis for a stack), a view into ``params``.
    intercepts : list of ndarray
        ``intercepts[l]`` of shape ``(layer_units[l + 1],)`` (``(n_models, 1,
        layer_units[l + 1])`` for a stack), a view into ``params``.

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
    >>> Network.stack([net, net]).coefs[0].shape  # two models, one array
    (2, 3, 5)
    """

    #: The learned transform before the first dense layer, if any: None here;
    #: a :class:`~sknumpynn.nn.staged.StagedNetwork` sets it.
    input_stage = None

    def __init__(
        self,
        layer_units,
        activation,
        output_activation,
        dtype=np.float64,
        n_models=None,
    ):
        self.layer_units = tuple(int(u) for u in layer_units)
        self.activation = activation
        self.output_activation = output_activation
        self.dtype = np.dtype(dtype)
        self.n_models = None if n_models is None else int(n_models)
        self.n_layers = len(self.layer_units) - 1
        pairs = list(zip(self.layer_units[:-1], self.layer_units[1:]))
        self.n_coef_params = sum(i * o for i, o in pairs)
        self.n_params = self.n_coef_params + sum(self.layer_units[1:])
        self.params = np.zeros(self.lead + (self.n_params,), dtype=self.dtype)
        self.coefs, self.intercepts = self.unpack(self.params)
        self.activations = hidden_activations(activation, len(self.layer_units) - 2)
        self._hidden = [HIDDEN_ACTIVATIONS[name] for name in self.activations]
        self._derivatives = [DERIVATIVES[name] for name in self.activations]
        # A name, or a callable output activation (losses.BlockSoftmax).
        self._output = OUTPUT_ACTIVATIONS.get(output_activation, output_activation)

    def __repr__(self):
        units, activation = "-".join(map(str, self.layer_units)), self.activation
        activation = activation if isinstance(activation, str) else list(activation)
        stack = f", n_models={self.n_models}" if self.n_models else ""
        return (
            f"Network({units}, activation={activation!r}, "
            f"output={self.output_activation!r}, dtype={self.dtype.name}{stack})"
        )

    def __setstate__(self, state):
        # Pickle stores views as separate arrays: make them views again.
        self.__dict__.update(state)
        self.coefs, self.intercepts = self.unpack(self.params)

    @property
    def lead(self):
        """The leading shape of every array: ``()``, or ``(n_models,)``."""
        return () if self.n_models is None else (self.n_models,)

    def unpack(self, flat):
        """Split a vector laid out like :attr:`params` into per-layer views.

        Parameters
        ----------
        flat : ndarray of shape (n_params,) or (n_models, n_params)
            A vector with the layout of :attr:`params` (e.g. a gradient).

        Returns
        -------
        coefs, intercepts : list of ndarray
            Views into ``flat``; writing to them writes to ``flat``.
        """
        lead = flat.shape[:-1]
        bias_shape = lead + (1,) if lead else ()
        coefs, intercepts = [], []
        start = 0
        for fan_in, fan_out in zip(self.layer_units[:-1], self.layer_units[1:]):
            end = start + fan_in * fan_out
            coefs.append(flat[..., start:end].reshape(lead + (fan_in, fan_out)))
            start = end
        for fan_out in self.layer_units[1:]:
            bias = flat[..., start : start + fan_out]
            intercepts.append(bias.reshape(bias_shape + (fan_out,)))
            start += fan_out
        return coefs, intercepts

    @classmethod
    def from_arrays(cls, coefs, intercepts, activation, output_activation, dtype=None):
        """Build a network holding a copy of the given weights and biases.

        Parameters
        ----------
        coefs, intercepts : list of ndarray
            Weights and biases per layer (e.g. a fitted ``coefs_``).
        activation, output_activation : str
            Hidden activation(s) (or one per layer) and output activation.
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

    @classmethod
    def stack(cls, networks):
        """One stacked network holding a copy of each network's parameters.

        Parameters
        ----------
        networks : list of Network
            Of one shape, activations and dtype, without a model axis.

        Returns
        -------
        Network
            Model ``k`` of the stack is ``networks[k]``.
        """
        net = networks[0]._empty_stack(len(networks))
        for row, network in zip(net.params, networks):
            row[...] = network.params
        return net

    def take(self, models):
        """A new stack of the given models (parameters copied).

        Parameters
        ----------
        models : array-like of int

        Returns
        -------
        Network
        """
        net = self._empty_stack(len(models))
        np.take(self.params, models, axis=0, out=net.params)
        return net

    def _empty_stack(self, n_models):
        units, activation = self.layer_units, self.activation
        return Network(units, activation, self.output_activation, self.dtype, n_models)

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

    def forward(self, X, buffers, dropout_masks=None, scratch=None, models=...):
        r"""Forward pass, writing each layer's output into ``buffers``.

        Parameters
        ----------
        X : {ndarray, sparse matrix}, list of Rows, or StackedRows
            The batch, of shape (n_samples, n_features); one :class:`Rows`
            per group of stacked models; or a stack's gathered batch.
        buffers : list of ndarray
            ``buffers[l]`` of shape ``(n_samples, layer_units[l + 1])``.
        dropout_masks : list, default=None
            Per hidden layer None, or ``(mask, keep)`` with ``mask`` holding
            :math:`m / q` (:math:`m \in \{0, 1\}`, :math:`P(m = 1) = q =`
            ``keep``): inverted dropout, :math:`A \odot m / q`.
        scratch : list of ndarray, default=None
            Per hidden layer, shaped like its output, the activation's
            intermediates (GELU keeps its pre-activation there).
        models : slice, default=...
            The models of a stack to run (``buffers`` sized for them).

        Returns
        -------
        activations : list of ndarray
            ``[X, A_1, ..., A_L]``; the last entry holds the predictions.
        """
        stacked = isinstance(X, StackedRows)
        groups = X if isinstance(X, list) or stacked else [Rows(..., X, None, None)]
        if scratch is None:
            scratch = [np.empty_like(Z) for Z in buffers[:-1]]
        coefs, intercepts = self.coefs, self.intercepts
        if models is not ...:
            coefs, intercepts = (
                [W[models] for W in coefs],
                [b[models] for b in intercepts],
            )
        if stacked:  # the first layer: each group's own rows
            group_product(X.X, X.sizes, coefs[0], buffers[0])
        for group in [] if stacked else groups:
            _product(group.X, coefs[0][group.models], buffers[0][group.models])
        activations = [X]
        for layer, (W, b, Z) in enumerate(zip(coefs, intercepts, buffers)):
            if layer > 0:
                _product(activations[-1], W, out=Z)
            Z += b
            if layer == self.n_layers - 1:
                self._output(Z)
            else:
                self._hidden[layer](Z, scratch[layer])
                if dropout_masks and dropout_masks[layer] is not None:
                    Z *= dropout_masks[layer][0]
            activations.append(Z)
        return activations

    def predict(self, X, batch_size=None, models=slice(None)):
        """Network output for ``X``; see :func:`forward_pass`.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        batch_size : int, default=None
            Rows per chunk; all at once when None (always, for a stack).
        models : slice, default=slice(None)
            The models of a stack to run.

        Returns
        -------
        P : ndarray of shape (n_samples, n_outputs)
            With the leading model axis of a stack.
        """
        if self.n_models is None:
            return forward_pass(
                X,
                self.coefs,
                self.intercepts,
                self.activations,
                self.output_activation,
                batch_size,
            )
        shape = (len(range(self.n_models)[models]), X.shape[0])
        buffers = [np.empty(shape + (u,), self.dtype) for u in self.layer_units[1:]]
        return self.forward(X, buffers, models=models)[-1]

    def penalty(self, alpha, sw_sum, l1=0.0, scratch=None):
        r"""Weight penalty, see :mod:`sknumpynn.nn.regularizers`.

        .. math:: \frac{\alpha}{2 S} \sum_l \|W_l\|_F^2
            + \frac{\lambda_1}{S} \sum_l \|W_l\|_1

        Parameters
        ----------
        alpha, l1 : float or ndarray of shape (n_models,)
            L2 and L1 strengths.
        sw_sum : float or ndarray of shape (n_models,)
            :math:`S`, the batch's total sample weight.
        scratch : ndarray shaped like :attr:`params`, default=None

        Returns
        -------
        float, or ndarray of shape (n_models,) for a stack
        """
        n = self.n_coef_params
        coefs = self.params[..., :n]
        tmp = None if scratch is None else scratch[..., :n]
        value = 0.0
        if regularizers.nonzero(alpha):
            value = regularizers.l2_penalty(coefs, alpha, sw_sum, tmp)
        if regularizers.nonzero(l1):
            value = value + regularizers.l1_penalty(coefs, l1, sw_sum, tmp)
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
        """Forward and backward pass over one batch that every model sees.

        A front of :func:`sknumpynn.nn.backprop.batch_gradient` (which the
        training loop calls) with the penalties as two floats.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Y : ndarray of shape (n_samples, n_outputs)
            Targets, same dtype as the network.
        loss : str or sknumpynn.nn.losses.Loss
            A loss whose output activation is this network's.
        alpha, l1 : float
            L2 and L1 penalty strengths.
        workspace : Workspace
            Buffers for at least ``n_samples`` rows; its ``grad`` receives
            the gradient (same layout as :attr:`params`).
        sample_weight : ndarray of shape (n_samples,), default=None
        compute_loss : bool, default=True
            If False, skip the loss value (returns None) and save its cost.
        dropout_masks : list, default=None
            Dropout masks of the hidden layers (see :meth:`forward`).

        Returns
        -------
        loss : float or None
            Mean loss with the weight penalties (one per model for a stack).
        """
        from sknumpynn.nn.backprop import Penalty, batch_gradient

        return batch_gradient(
            self,
            [Rows(..., X, Y, sample_weight)],
            loss,
            workspace,
            Penalty(alpha, l1),
            dropout_masks,
            compute_loss,
        )
