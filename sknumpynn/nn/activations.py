"""Activation functions applied in place, and their derivatives.

Every activation ``f`` overwrites its argument ``Z`` with ``A = f(Z)``. Every
derivative multiplies the back-propagated error ``delta`` by ``f'(Z)``, written
as a function of the output ``A`` alone, so the pre-activations never need to
be stored. The derivatives use ``A`` as scratch space and overwrite it: the
backward pass calls them only once the layer's weight gradient, the last
reader of ``A``, has been computed. Nothing here allocates an array of the
size of ``Z``.
"""

import numpy as np
from scipy.special import expit


def identity(Z):
    r"""Identity, :math:`f(z) = z`. Leaves ``Z`` unchanged."""
    return Z


def logistic(Z):
    r"""Logistic sigmoid in place, :math:`f(z) = 1 / (1 + e^{-z})`."""
    return expit(Z, out=Z)


def tanh(Z):
    r"""Hyperbolic tangent in place, :math:`f(z) = \tanh z`."""
    return np.tanh(Z, out=Z)


def relu(Z):
    r"""Rectified linear unit in place, :math:`f(z) = \max(z, 0)`."""
    return np.maximum(Z, 0, out=Z)


def exp(Z):
    r"""Exponential in place, :math:`f(z) = e^z` (the Poisson output)."""
    return np.exp(Z, out=Z)


def softmax(Z):
    r"""Row-wise softmax in place, shifted by the row maximum for stability.

    .. math:: f(z)_k = \frac{e^{z_k - \max_j z_j}}{\sum_i e^{z_i - \max_j z_j}}
    """
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


def identity_derivative(A, delta):
    r"""Multiply ``delta`` by :math:`f'(z) = 1`: nothing to do."""


def logistic_derivative(A, delta):
    r"""Multiply ``delta`` by :math:`f'(z) = a (1 - a)`, overwriting ``A``."""
    delta *= A
    np.subtract(1, A, out=A)
    delta *= A


def tanh_derivative(A, delta):
    r"""Multiply ``delta`` by :math:`f'(z) = 1 - a^2`, overwriting ``A``."""
    np.square(A, out=A)
    np.subtract(1, A, out=A)
    delta *= A


def relu_derivative(A, delta):
    r"""Multiply ``delta`` by :math:`f'(z) = [a > 0]`, overwriting ``A``.

    The indicator is written into ``A`` as 0.0/1.0 (``np.greater`` with a
    float output: several times faster than ``np.sign`` or a boolean mask).
    """
    np.greater(A, 0, out=A)
    delta *= A


HIDDEN_ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
}
OUTPUT_ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "softmax": softmax,
    "exp": exp,
}
DERIVATIVES = {
    "identity": identity_derivative,
    "logistic": logistic_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
}
