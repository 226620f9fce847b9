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
"""

import numpy as np


def l2_penalty(coefs, alpha, sw_sum):
    r""":math:`\frac{\alpha}{2 S} \|w\|_2^2`."""
    return 0.5 * alpha * float(np.dot(coefs, coefs)) / sw_sum


def add_l2_gradient(coefs, grad, alpha, sw_sum, scratch):
    r"""``grad += alpha / S * coefs``."""
    # Through a NumPy scratch buffer, not scipy.linalg.blas.axpy: SciPy's
    # wheels bundle a second OpenBLAS whose threads then fight NumPy's.
    np.multiply(coefs, float(alpha / sw_sum), out=scratch)
    grad += scratch


def l1_penalty(coefs, l1, sw_sum):
    r""":math:`\frac{\lambda_1}{S} \|w\|_1`."""
    return l1 * float(np.abs(coefs).sum()) / sw_sum


def add_l1_gradient(coefs, grad, l1, sw_sum, scratch):
    r"""``grad += l1 / S * sign(coefs)``."""
    np.sign(coefs, out=scratch)
    scratch *= float(l1 / sw_sum)
    grad += scratch
