r"""Loss functions, their output deltas, and the output activation of each.

Every loss is the weighted mean over samples of a per-sample loss summed over
the outputs,

.. math:: L = \frac{1}{\sum_i s_i} \sum_i s_i \sum_k \ell(y_{ik}, p_{ik}),

with sample weights :math:`s_i` (all ones when none are given). Each loss is
paired with an output activation, and :meth:`Loss.output_delta` gives the
derivative of :math:`\ell` with respect to the output layer's pre-activation
:math:`z`, computed in place. For the first four the activation is the
loss's *canonical link*, which fuses that derivative into :math:`p - y`; the
two robust regression losses use the identity output, so their delta is
:math:`\partial \ell / \partial p`, a function of the residual
:math:`r = p - y`.

====================  =================  ====================================
loss                  output activation  :math:`\ell(y, p)`
====================  =================  ====================================
``squared_error``     identity           :math:`\tfrac12 (p - y)^2`
``poisson``           exp                :math:`y \log(y / p) - y + p`
``log_loss``          softmax            :math:`-y \log p`
``binary_log_loss``   logistic           :math:`-y \log p - (1-y) \log(1-p)`
``absolute_error``    identity           :math:`|r|`
``huber``             identity           :math:`\tfrac12 r^2` if :math:`|r| \le
                                         \delta`, else
                                         :math:`\delta (|r| - \tfrac12\delta)`
``quantile``          identity           :math:`\max(-\tau r, (1 - \tau) r)`
====================  =================  ====================================

=====================  ==========================================
loss                   output delta :math:`\partial \ell / \partial z`
=====================  ==========================================
the canonical four     :math:`p - y`
``absolute_error``     :math:`\operatorname{sign}(r)`
``huber``              :math:`\operatorname{clip}(r, -\delta, \delta)`
``quantile``           :math:`\tfrac12 \operatorname{sign}(r) + \tfrac12 - \tau`
=====================  ==========================================
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.special import xlogy


def _weighted_mean(per_sample, sample_weight):
    """Mean over the last (sample) axis: a float, or one value per model.

    A stack's weights may be per model (shaped like ``per_sample``): the same
    products and sums as :func:`numpy.average`, row by row.
    """
    if per_sample.ndim == 1:
        return float(np.average(per_sample, weights=sample_weight))
    if sample_weight is None:
        return per_sample.mean(axis=-1)
    dtype = np.result_type(per_sample, sample_weight)
    total = np.multiply(per_sample, sample_weight, dtype=dtype).sum(axis=-1)
    return total / sample_weight.sum(axis=-1, dtype=dtype)


def _clip_probabilities(P):
    eps = np.finfo(P.dtype).eps
    return np.clip(P, eps, 1 - eps)


def squared_error(Y, P, sample_weight=None):
    r"""Half squared error, :math:`\ell(y, p) = \tfrac12 (p - y)^2`."""
    return 0.5 * _weighted_mean(np.square(P - Y).sum(axis=-1), sample_weight)


def poisson(Y, P, sample_weight=None):
    r"""Half Poisson deviance, :math:`\ell(y, p) = y \log(y / p) - y + p`."""
    per_sample = (xlogy(Y, Y / P) - Y + P).sum(axis=-1)
    return _weighted_mean(per_sample, sample_weight)


def log_loss(Y, P, sample_weight=None):
    r"""Categorical cross-entropy, :math:`\ell(y, p) = -y \log p`.

    Probabilities are clipped to :math:`[\epsilon, 1 - \epsilon]` (machine
    epsilon of their dtype) so a confident mistake costs a finite amount.
    """
    P = _clip_probabilities(P)
    return _weighted_mean(-xlogy(Y, P).sum(axis=-1), sample_weight)


def binary_log_loss(Y, P, sample_weight=None):
    r"""Binary cross-entropy per output, for binary and multilabel targets.

    .. math:: \ell(y, p) = -y \log p - (1 - y) \log (1 - p)
    """
    P = _clip_probabilities(P)
    per_sample = -(xlogy(Y, P) + xlogy(1 - Y, 1 - P)).sum(axis=-1)
    return _weighted_mean(per_sample, sample_weight)


def absolute_error(Y, P, sample_weight=None):
    r"""Absolute error, :math:`\ell(y, p) = |p - y|` (median regression)."""
    return _weighted_mean(np.abs(P - Y).sum(axis=-1), sample_weight)


def huber(Y, P, sample_weight=None, delta=1.0):
    r"""Huber loss (Huber, 1964): quadratic near zero, linear beyond ``delta``.

    .. math:: \ell(y, p) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
        \delta \left(|r| - \tfrac12 \delta\right) & |r| > \delta \end{cases},
        \qquad r = p - y.
    """
    abs_r = np.abs(P - Y)
    quadratic = np.minimum(abs_r, delta)
    per_sample = (quadratic * (abs_r - 0.5 * quadratic)).sum(axis=-1)
    return _weighted_mean(per_sample, sample_weight)


def pinball(Y, P, sample_weight=None, quantile=0.5):
    r"""Pinball (quantile) loss of level :math:`\tau` (Koenker & Bassett, 1978).

    .. math:: \ell(y, p) = \max\left(\tau (y - p), (\tau - 1)(y - p)\right)
        = \max(-\tau r, (1 - \tau) r), \qquad r = p - y.

    Its minimiser over constant predictions is the :math:`\tau`-quantile of
    :math:`y`; at :math:`\tau = \tfrac12` it is half the absolute error.
    """
    r = P - Y
    per_sample = np.maximum(-quantile * r, (1 - quantile) * r).sum(axis=-1)
    return _weighted_mean(per_sample, sample_weight)


def residual(Y, P):
    r"""Fused output delta of a canonical pair, :math:`p - y`, in place in ``P``."""
    P -= Y
    return P


def sign_of_residual(Y, P):
    r"""Output delta of ``absolute_error``, :math:`\operatorname{sign}(p - y)`,
    in place in ``P``."""
    P -= Y
    return np.sign(P, out=P)


def clipped_residual(Y, P, delta=1.0):
    r"""Output delta of ``huber``, :math:`\operatorname{clip}(p - y, -\delta,
    \delta)`, in place in ``P``."""
    P -= Y
    return np.clip(P, -delta, delta, out=P)


def pinball_gradient(Y, P, quantile=0.5):
    r"""Output delta of ``quantile``, in place in ``P``:

    .. math:: \frac{\partial \ell}{\partial p} = \tfrac12 \operatorname{sign}(r)
        + \tfrac12 - \tau = \begin{cases} 1 - \tau & r > 0 \\ -\tau & r < 0
        \end{cases}, \qquad r = p - y,

    and :math:`\tfrac12 - \tau` (the mean of the two one-sided slopes) at the
    kink, so :math:`\tau = \tfrac12` gives half of ``absolute_error``'s delta.
    """
    P -= Y
    np.sign(P, out=P)
    P *= 0.5
    P += 0.5 - quantile
    return P


LOSSES = {
    "squared_error": squared_error,
    "poisson": poisson,
    "log_loss": log_loss,
    "binary_log_loss": binary_log_loss,
    "absolute_error": absolute_error,
    "huber": huber,
    "quantile": pinball,
}

#: The output activation paired with each loss (the canonical link where the
#: loss has one).
CANONICAL_OUTPUT = {
    "squared_error": "identity",
    "poisson": "exp",
    "log_loss": "softmax",
    "binary_log_loss": "logistic",
    "absolute_error": "identity",
    "huber": "identity",
    "quantile": "identity",
}

#: In-place output delta of each loss.
OUTPUT_DELTAS = {
    "squared_error": residual,
    "poisson": residual,
    "log_loss": residual,
    "binary_log_loss": residual,
    "absolute_error": sign_of_residual,
    "huber": clipped_residual,
    "quantile": pinball_gradient,
}


@dataclass(frozen=True)
class BlockSoftmax:
    r"""Softmax over each block of consecutive outputs, in place.

    The output activation of a multiclass-multioutput classifier: output
    :math:`j` of the target has its own block of :math:`K_j` units, and

    .. math:: p_k = \frac{e^{z_k - m_B}}{\sum_{i \in B} e^{z_i - m_B}},
        \qquad k \in B, \; m_B = \max_{i \in B} z_i.

    With one-hot targets per block, ``log_loss`` (summed over every output)
    is the sum of the blocks' cross-entropies, and its output delta is
    :math:`p - y` block by block, so the pair stays canonical.

    Parameters
    ----------
    sizes : tuple of int
        Units per block, in order.

    Examples
    --------
    >>> import numpy as np
    >>> BlockSoftmax((2, 3))(np.zeros((1, 5))).round(3)
    array([[0.5  , 0.5  , 0.333, 0.333, 0.333]])
    """

    sizes: tuple

    def __call__(self, Z):
        start = 0
        for size in self.sizes:
            block = Z[..., start : start + size]
            block -= block.max(axis=-1, keepdims=True)
            np.exp(block, out=block)
            block /= block.sum(axis=-1, keepdims=True)
            start += size
        return Z


@dataclass(frozen=True)
class Loss:
    """A loss by name, with its parameters (``huber``'s ``delta``,
    ``quantile``'s ``quantile``).

    Parameters
    ----------
    name : str
        A key of :data:`LOSSES`.
    params : dict, default={}
        Keyword arguments of the loss and of its output delta.

    Examples
    --------
    >>> import numpy as np
    >>> loss = Loss("huber", {"delta": 1.0})
    >>> loss.value(np.zeros((2, 1)), np.array([[0.5], [3.0]]))
    1.3125
    >>> loss.output_delta(np.zeros((2, 1)), np.array([[0.5], [3.0]])).ravel()
    array([0.5, 1. ])
    """

    name: str
    params: dict = field(default_factory=dict)

    @property
    def output_activation(self):
        """Name of the output activation paired with this loss."""
        return CANONICAL_OUTPUT[self.name]

    def value(self, Y, P, sample_weight=None):
        """Weighted mean loss of predictions ``P`` for targets ``Y``.

        Parameters
        ----------
        Y, P : ndarray of shape (n_samples, n_outputs)
            Targets and predictions.
        sample_weight : ndarray of shape (n_samples,), default=None

        Returns
        -------
        float
        """
        return LOSSES[self.name](Y, P, sample_weight, **self.params)

    def output_delta(self, Y, P):
        """:math:`\\partial \\ell / \\partial z` per sample, in place in ``P``.

        Parameters
        ----------
        Y, P : ndarray of shape (n_samples, n_outputs)
            Targets and predictions; ``P`` is overwritten.

        Returns
        -------
        ndarray
            ``P``, holding the delta.
        """
        return OUTPUT_DELTAS[self.name](Y, P, **self.params)


def get_loss(loss):
    """``loss`` as a :class:`Loss` (a name is taken with default parameters)."""
    return loss if isinstance(loss, Loss) else Loss(loss)
