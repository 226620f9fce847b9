r"""A :class:`~sknumpynn.nn.Network` with an input stage before its first layer.

The extension point of the engine for learned input transforms
(:mod:`sknumpynn.nn.embeddings`): :class:`StagedNetwork` keeps the dense
layers of :class:`~sknumpynn.nn.Network` untouched and appends the stage's
parameters to the flat vector, after all weights and biases, so the views,
the optimizers, the weight decay of ``n_coef_params`` (the stage is not
decayed) and stacking work unchanged. ``batch_gradient``
(:mod:`sknumpynn.nn.backprop`) asks ``network.input_stage``: when it is set
(only here) the batch's rows go through :meth:`StagedNetwork.stage_forward`
first, and the gradient with respect to the first layer's input,

.. math:: \frac{\partial L}{\partial A_0} = \Delta_1 W_0^\top,

feeds :meth:`StagedNetwork.stage_backward`. A plain ``Network`` has no stage
and computes neither.
"""

import numpy as np

from sknumpynn.nn.batch import Rows, StackedRows
from sknumpynn.nn.forward import forward_pass
from sknumpynn.nn.network import Network


class StagedNetwork(Network):
    """Dense layers after an input stage (e.g. a periodic embedding).

    Parameters
    ----------
    layer_units : sequence of int
        Units per layer; ``layer_units[0]`` is the stage's ``n_out``.
    activation, output_activation, dtype, n_models
        As :class:`~sknumpynn.nn.Network`.
    stage : PeriodicScalingStage
        Maps the raw input to the first layer's input.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn.embeddings import PeriodicScalingStage
    >>> stage = PeriodicScalingStage(n_features=3, n_numeric=2)
    >>> net = StagedNetwork((stage.n_out, 4, 1), "relu", "identity", stage=stage)
    >>> net.n_params == (9 * 4 + 4 * 1 + 4 + 1) + stage.n_params
    True
    >>> net.predict(np.ones((2, 3))).shape
    (2, 1)
    """

    def __init__(
        self,
        layer_units,
        activation,
        output_activation,
        dtype=np.float64,
        n_models=None,
        stage=None,
    ):
        super().__init__(layer_units, activation, output_activation, dtype, n_models)
        if stage is None or stage.n_out != self.layer_units[0]:
            raise ValueError(
                "StagedNetwork needs a stage whose n_out is layer_units[0]"
            )
        self.input_stage = stage
        self.n_dense_params = self.n_params
        self.n_params += stage.n_params
        self.params = np.zeros(self.lead + (self.n_params,), dtype=self.dtype)
        self.coefs, self.intercepts = self.unpack(self.params)

    def __repr__(self):
        return super().__repr__()[:-1] + f", stage={self.input_stage!r})"

    @property
    def stage_params(self):
        """The stage's parameters, a view of :attr:`params` (after the biases)."""
        return self.params[..., self.n_dense_params :]

    def _empty_stack(self, n_models):
        return StagedNetwork(
            self.layer_units,
            self.activation,
            self.output_activation,
            self.dtype,
            n_models,
            self.input_stage,
        )

    def forward(self, X, buffers, dropout_masks=None, scratch=None, models=...):
        """:meth:`Network.forward` of rows already through the stage.

        A gathered batch (``StackedRows``) has not been through the stage
        (:meth:`stage_forward` turns it into per-group ``Rows``): it is
        refused rather than silently run without it.
        """
        if isinstance(X, StackedRows):
            raise TypeError(
                "StagedNetwork.forward takes rows through its stage "
                "(stage_forward's Rows); a StackedRows batch has not passed it."
            )
        return super().forward(X, buffers, dropout_masks, scratch, models)

    def _stage_flat(self, flat, models=...):
        """The stage's parameters with a model axis: ``(k, n_stage)``."""
        stage = flat[..., self.n_dense_params :]
        return stage[np.newaxis] if self.n_models is None else stage[models]

    @staticmethod
    def group_rows(batch):
        """A stack's gathered batch (:class:`StackedRows`) as one
        :class:`Rows` per row group: the group's rows, and the targets and
        weights its models share. After the stage every model has inputs of
        its own, so the gathered batch's shared first-layer product has
        nothing left to share.

        Parameters
        ----------
        batch : StackedRows

        Returns
        -------
        list of Rows
        """
        groups, start = [], 0
        for g, size in enumerate(batch.sizes):
            weights = batch.sample_weight
            weights = None if weights is None else weights[start]
            models = slice(start, start + size)
            groups.append(Rows(models, batch.X[g], batch.Y[start], weights))
            start += size
        return groups

    def stage_forward(self, rows):
        """Each group's rows through the stage.

        Parameters
        ----------
        rows : list of Rows

        Returns
        -------
        staged : list of Rows
            The same groups with ``X`` replaced by :math:`A_0` (3-D for a
            stack, 2-D for one network).
        caches : list
            Per group, what :meth:`stage_backward` needs.
        """
        staged, caches = [], []
        for group in rows:
            A0, cache = self.input_stage.forward(
                self._stage_flat(self.params, group.models), group.X
            )
            A0 = A0[0] if self.n_models is None else A0
            staged.append(Rows(group.models, A0, group.Y, group.sample_weight))
            caches.append(cache)
        return staged, caches

    def stage_backward(self, rows, delta, caches, grad):
        r"""Add the stage's gradient, from :math:`\Delta_1` (``delta``).

        Parameters
        ----------
        rows : list of Rows
            As :meth:`stage_forward` returned them.
        delta : ndarray
            :math:`\partial L / \partial Z_1`, the first layer's output delta.
        caches : list
            From :meth:`stage_forward`.
        grad : ndarray
            The flat gradient; its stage part is written.
        """
        W0 = self.coefs[0]
        for group, cache in zip(rows, caches):
            if self.n_models is None:
                G = np.matmul(delta, W0.T)[np.newaxis]
            else:
                d, W = delta[group.models], W0[group.models]
                G = np.matmul(d, W.transpose(0, 2, 1))
            target = self._stage_flat(grad, group.models)
            out = np.empty_like(target)
            self.input_stage.backward(
                self._stage_flat(self.params, group.models), G, cache, out
            )
            target[...] = out

    def transform(self, X, models=...):
        """:math:`A_0` for ``X`` (with the model axis of a stack)."""
        A0, _ = self.input_stage.forward(self._stage_flat(self.params, models), X)
        return A0[0] if self.n_models is None else A0

    def predict(self, X, batch_size=None, models=slice(None)):
        """Network output for ``X``: the stage, then the dense layers.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        batch_size : int, default=None
            Rows per chunk (one network only); all at once when None.
        models : slice, default=slice(None)

        Returns
        -------
        P : ndarray of shape (n_samples, n_outputs)
            With the leading model axis of a stack.
        """
        if self.n_models is None:
            return staged_forward_pass(
                X,
                self.input_stage,
                self.stage_params,
                (self.coefs, self.intercepts),
                (self.activations, self.output_activation),
                batch_size,
            )
        A0 = self.transform(X, models)
        shape = (A0.shape[0], X.shape[0])
        buffers = [np.empty(shape + (u,), self.dtype) for u in self.layer_units[1:]]
        groups = [Rows(..., A0, None, None)]
        return self.forward(groups, buffers, models=models)[-1]


def staged_forward_pass(X, stage, stage_params, weights, activations, batch_size=None):
    """Output of a staged network from plain arrays, ``batch_size`` rows at a time.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    stage : PeriodicScalingStage
    stage_params : ndarray of shape (stage.n_params,)
    weights : tuple
        ``(coefs, intercepts)``, lists of arrays.
    activations : tuple
        ``(hidden activation(s), output activation)``.
    batch_size : int, default=None

    Returns
    -------
    P : ndarray of shape (n_samples, n_outputs)
    """
    coefs, intercepts = weights
    n = X.shape[0]
    batch_size = n if batch_size is None else max(1, int(batch_size))
    out = np.empty((n, coefs[-1].shape[1]), dtype=coefs[0].dtype)
    flat = stage_params[np.newaxis]
    for start in range(0, n, batch_size):
        A0, _ = stage.forward(flat, X[start : start + batch_size])
        out[start : start + batch_size] = forward_pass(
            A0[0], coefs, intercepts, *activations
        )
    return out
