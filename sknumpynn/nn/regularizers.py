r"""Weight penalties: L2 (``alpha``) and L1 (``l1``), on the weights only.

Both are scaled like scikit-learn's L2 term, by the total sample weight
:math:`S = \sum_i s_i` of the batch (the batch size when unweighted), so the
penalised loss of a batch is

.. math:: L + \frac{\alpha}{2 S} \sum_l \|W_l\|_F^2
    + \frac{\lambda_1}{S} \sum_l \|W_l\|_1,

and its gradient with respect to the weights gains
:math:`\frac{\alpha}{S} W + \frac{\lambda_1}{S} \operatorname{sign}(W)`
(the subgradient 0 at :math:`w = 0`). Biases are never penalised. ``coefs``
below is the flat vector of all weights; the gradient functions add into
``grad`` through ``scratch`` and allocate nothing.

For a stack of models (a :class:`~sknumpynn.nn.Network` with ``n_models``)
``coefs`` has shape ``(n_models, n_weights)``: each penalty is then one value
per model, and ``alpha``, ``l1`` and :math:`S` may be per-model vectors.
"""

import numpy as np


def _factor(value, coefs):
    """A scalar as a Python float; per-model values as a column in the dtype
    of ``coefs`` (what a Python float becomes under NumPy 2's promotion)."""
    if type(value) is float or np.ndim(value) == 0:
        return float(value)
    return np.asarray(value, dtype=coefs.dtype).reshape(-1, 1)


def _sum_of(values):
    """Sum over the weights: a float for one model, one float per model.

    The same pairwise summation for one model and for each row of a stack, so
    a stacked model's penalty is its single fit's to the last bit.
    """
    if values.ndim == 1:
        return float(values.sum())
    return values.sum(axis=-1).astype(np.float64)


def l2_penalty(coefs, alpha, sw_sum, scratch=None):
    r""":math:`\frac{\alpha}{2 S} \|w\|_2^2`.

    One BLAS dot product per model: as fast as it gets, and the same sum for
    a model alone and for its row of a stack (``scratch`` is unused).
    """
    if coefs.ndim == 1:
        return 0.5 * alpha * float(np.dot(coefs, coefs)) / sw_sum
    squares = np.array([np.dot(row, row) for row in coefs], dtype=np.float64)
    return 0.5 * alpha * squares / sw_sum


def add_l2_gradient(coefs, grad, alpha, sw_sum, scratch):
    r"""``grad += alpha / S * coefs``."""
    # Through a NumPy scratch buffer, not scipy.linalg.blas.axpy: SciPy's
    # wheels bundle a second OpenBLAS whose threads then fight NumPy's.
    np.multiply(coefs, _factor(np.divide(alpha, sw_sum), coefs), out=scratch)
    grad += scratch


def l1_penalty(coefs, l1, sw_sum, scratch=None):
    r""":math:`\frac{\lambda_1}{S} \|w\|_1`."""
    return l1 * _sum_of(np.abs(coefs, out=scratch)) / sw_sum


def add_l1_gradient(coefs, grad, l1, sw_sum, scratch):
    r"""``grad += l1 / S * sign(coefs)``."""
    np.sign(coefs, out=scratch)
    scratch *= _factor(np.divide(l1, sw_sum), coefs)
    grad += scratch


def nonzero(strength):
    """Whether a strength (a float or a per-model vector) penalises anything."""
    if isinstance(strength, float | int):
        return bool(strength)
    return bool(np.any(strength))
