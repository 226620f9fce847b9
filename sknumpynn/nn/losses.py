r"""Loss functions, each paired with its canonical output activation.

Every loss is the weighted mean over samples of a per-sample loss summed over
the outputs,

.. math:: L = \frac{1}{\sum_i s_i} \sum_i s_i \sum_k \ell(y_{ik}, p_{ik}),

with sample weights :math:`s_i` (all ones when none are given). Each loss is
paired with the output activation that makes it a *canonical link*: for these
pairs the derivative of :math:`\ell` with respect to the output layer's
pre-activation :math:`z` is simply :math:`p - y`, the fused output delta that
:meth:`sknumpynn.nn.Network.backward` uses.

====================  =================  ====================================
loss                  output activation  :math:`\ell(y, p)`
====================  =================  ====================================
``squared_error``     identity           :math:`\tfrac12 (p - y)^2`
``poisson``           exp                :math:`y \log(y / p) - y + p`
``log_loss``          softmax            :math:`-y \log p`
``binary_log_loss``   logistic           :math:`-y \log p - (1-y) \log(1-p)`
====================  =================  ====================================
"""

import numpy as np
from scipy.special import xlogy


def _weighted_mean(per_sample, sample_weight):
    return float(np.average(per_sample, weights=sample_weight))


def _clip_probabilities(P):
    eps = np.finfo(P.dtype).eps
    return np.clip(P, eps, 1 - eps)


def squared_error(Y, P, sample_weight=None):
    r"""Half squared error, :math:`\ell(y, p) = \tfrac12 (p - y)^2`."""
    return 0.5 * _weighted_mean(np.square(P - Y).sum(axis=1), sample_weight)


def poisson(Y, P, sample_weight=None):
    r"""Half Poisson deviance, :math:`\ell(y, p) = y \log(y / p) - y + p`."""
    per_sample = (xlogy(Y, Y / P) - Y + P).sum(axis=1)
    return _weighted_mean(per_sample, sample_weight)


def log_loss(Y, P, sample_weight=None):
    r"""Categorical cross-entropy, :math:`\ell(y, p) = -y \log p`.

    Probabilities are clipped to :math:`[\epsilon, 1 - \epsilon]` (machine
    epsilon of their dtype) so a confident mistake costs a finite amount.
    """
    P = _clip_probabilities(P)
    return _weighted_mean(-xlogy(Y, P).sum(axis=1), sample_weight)


def binary_log_loss(Y, P, sample_weight=None):
    r"""Binary cross-entropy per output, for binary and multilabel targets.

    .. math:: \ell(y, p) = -y \log p - (1 - y) \log (1 - p)
    """
    P = _clip_probabilities(P)
    per_sample = -(xlogy(Y, P) + xlogy(1 - Y, 1 - P)).sum(axis=1)
    return _weighted_mean(per_sample, sample_weight)


LOSSES = {
    "squared_error": squared_error,
    "poisson": poisson,
    "log_loss": log_loss,
    "binary_log_loss": binary_log_loss,
}

#: The output activation that is the canonical link of each loss.
CANONICAL_OUTPUT = {
    "squared_error": "identity",
    "poisson": "exp",
    "log_loss": "softmax",
    "binary_log_loss": "logistic",
}
