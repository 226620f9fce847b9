"""Preallocated per-batch buffers, so training allocates nothing per batch."""

from collections import namedtuple

import numpy as np

from sknumpynn.nn.activations import NEEDS_PREACTIVATION

#: The per-batch views handed out by :meth:`Workspace.rows`.
BatchBuffers = namedtuple("BatchBuffers", ["layers", "deltas", "scratch"])


class Workspace:
    """Preallocated per-batch buffers for training one :class:`Network`.

    Holds each layer's output and back-propagated error for up to
    ``batch_size`` rows, the pre-activations of GELU layers, and the flat
    gradient. A smaller batch uses the leading rows, so the training loop
    allocates nothing per batch.

    Parameters
    ----------
    network : Network
    batch_size : int
        Largest batch.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import Network, Workspace
    >>> net = Network((3, 5, 2), "gelu", "identity")
    >>> workspace = Workspace(net, batch_size=8)
    >>> [b.shape for b in workspace.rows(6).layers]
    [(6, 5), (6, 2)]
    >>> workspace.grad.shape == net.params.shape
    True
    """

    def __init__(self, network, batch_size):
        units, dtype = network.layer_units, network.dtype
        self.batch_size = int(batch_size)
        rows = network.lead + (self.batch_size,)  # a stack's buffers: per model
        self._layers = [np.empty(rows + (u,), dtype) for u in units[1:]]
        self._deltas = [np.empty(rows + (u,), dtype) for u in units[1:-1]]
        # The forward pass's scratch: a layer's error buffer is free until
        # the backward pass, except where the pre-activation must survive.
        self._scratch = [
            np.empty(rows + (u,), dtype) if name in NEEDS_PREACTIVATION else d
            for name, u, d in zip(network.activations, units[1:-1], self._deltas)
        ]
        self._groups = (self._layers, self._deltas, self._scratch)
        self._rows, self._rows_for = None, None
        self.grad = np.zeros(network.params.shape, dtype=dtype)
        self.scratch = np.empty(network.params.shape, dtype=dtype)
        self.grad_coefs, self.grad_intercepts = network.unpack(self.grad)
        #: The bias gradients without a stack's broadcast axis: sums land here.
        self.bias_sums = [
            b.reshape(b.shape[:-2] + b.shape[-1:]) for b in self.grad_intercepts
        ]

    def rows(self, n_samples):
        """The leading ``n_samples`` rows of every per-batch buffer.

        Parameters
        ----------
        n_samples : int
            Rows of the batch, at most ``batch_size``.

        Returns
        -------
        BatchBuffers
            ``layers`` (each layer's output), ``deltas`` (each hidden layer's
            back-propagated error) and ``scratch`` (each hidden activation's
            scratch), as lists of views.
        """
        if n_samples != self._rows_for:  # views are cached: most batches are full
            self._rows = BatchBuffers(
                *([buf[..., :n_samples, :] for buf in group] for group in self._groups)
            )
            self._rows_for = n_samples
        return self._rows
