"""Activation functions applied in place, and their derivatives.

Every hidden activation ``f(Z, scratch)`` overwrites its argument ``Z`` with
``A = f(Z)``; ``scratch`` is a buffer shaped like ``Z`` that the piecewise
activations use for an intermediate. Every derivative
``f_prime(A, delta, Z)`` multiplies the back-propagated error ``delta`` by
:math:`f'(z)`. For all activations but GELU that factor is a function of the
output ``A`` alone, so pre-activations need not be stored; GELU's is not, so
its forward pass leaves the pre-activation ``Z`` in ``scratch`` (listed in
:data:`NEEDS_PREACTIVATION`) and its derivative reads it from there. The
derivatives use ``A`` (and GELU's ``Z``) as scratch space and overwrite them:
the backward pass calls them only once the layer's weight gradient, the last
reader of ``A``, has been computed. Nothing here allocates an array of the size
of ``Z``.
"""

import math

import numpy as np
from scipy.special import expit, ndtr

#: Slope of ``leaky_relu`` for negative inputs.
LEAKY_RELU_SLOPE = 0.01


def identity(Z, scratch=None):
    r"""Identity, :math:`f(z) = z`. Leaves ``Z`` unchanged."""
    return Z


def logistic(Z, scratch=None):
    r"""Logistic sigmoid in place, :math:`f(z) = 1 / (1 + e^{-z})`."""
    return expit(Z, out=Z)


def tanh(Z, scratch=None):
    r"""Hyperbolic tangent in place, :math:`f(z) = \tanh z`."""
    return np.tanh(Z, out=Z)


def relu(Z, scratch=None):
    r"""Rectified linear unit in place, :math:`f(z) = \max(z, 0)`."""
    return np.maximum(Z, 0, out=Z)


def leaky_relu(Z, scratch):
    r"""Leaky ReLU in place, :math:`f(z) = \max(z, s z)` with slope
    :math:`s` = :data:`LEAKY_RELU_SLOPE` (Maas et al., 2013)."""
    np.multiply(Z, LEAKY_RELU_SLOPE, out=scratch)
    return np.maximum(Z, scratch, out=Z)


def elu(Z, scratch):
    r"""Exponential linear unit in place (Clevert et al., 2016).

    .. math:: f(z) = z \text{ if } z > 0 \text{ else } e^z - 1
        \;=\; \max\bigl(z,\; e^{\min(z, 0)} - 1\bigr),

    the second form (valid because :math:`e^z - 1 \ge z`) needing no mask.
    """
    np.minimum(Z, 0, out=scratch)
    np.expm1(scratch, out=scratch)
    return np.maximum(Z, scratch, out=Z)


def gelu(Z, scratch):
    r"""Gaussian error linear unit in place, exact form (Hendrycks & Gimpel).

    .. math:: f(z) = z \, \Phi(z),

    with :math:`\Phi` the standard normal CDF (:func:`scipy.special.ndtr`).
    The pre-activation is left in ``scratch`` for :func:`gelu_derivative`.
    """
    scratch[...] = Z
    ndtr(scratch, out=Z)
    Z *= scratch
    return Z


def exp(Z):
    r"""Exponential in place, :math:`f(z) = e^z` (the Poisson output)."""
    return np.exp(Z, out=Z)


def softmax(Z):
    r"""Row-wise softmax in place, shifted by the row maximum for stability.

    .. math:: f(z)_k = \frac{e^{z_k - \max_j z_j}}{\sum_i e^{z_i - \max_j z_j}}
    """
    Z -= Z.max(axis=-1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=-1, keepdims=True)
    return Z


def identity_derivative(A, delta, Z=None):
    r"""Multiply ``delta`` by :math:`f'(z) = 1`: nothing to do."""


def logistic_derivative(A, delta, Z=None):
    r"""Multiply ``delta`` by :math:`f'(z) = a (1 - a)`, overwriting ``A``."""
    delta *= A
    np.subtract(1, A, out=A)
    delta *= A


def tanh_derivative(A, delta, Z=None):
    r"""Multiply ``delta`` by :math:`f'(z) = 1 - a^2`, overwriting ``A``."""
    np.square(A, out=A)
    np.subtract(1, A, out=A)
    delta *= A


def relu_derivative(A, delta, Z=None):
    r"""Multiply ``delta`` by :math:`f'(z) = [a > 0]`, overwriting ``A``.

    The indicator is written into ``A`` as 0.0/1.0 (``np.greater`` with a
    float output: several times faster than ``np.sign`` or a boolean mask).
    """
    np.greater(A, 0, out=A)
    delta *= A


def leaky_relu_derivative(A, delta, Z=None):
    r"""Multiply ``delta`` by :math:`f'(z) = 1 \text{ if } a > 0 \text{ else } s`,
    overwriting ``A`` with :math:`[a > 0](1 - s) + s`."""
    np.greater(A, 0, out=A)
    A *= 1.0 - LEAKY_RELU_SLOPE
    A += LEAKY_RELU_SLOPE
    delta *= A


def elu_derivative(A, delta, Z=None):
    r"""Multiply ``delta`` by :math:`f'(z) = 1 \text{ if } a > 0 \text{ else }
    a + 1 \;=\; \min(a, 0) + 1`, overwriting ``A``."""
    np.minimum(A, 0, out=A)
    A += 1.0
    delta *= A


def gelu_derivative(A, delta, Z):
    r"""Multiply ``delta`` by :math:`f'(z) = \Phi(z) + z \varphi(z)`.

    :math:`\varphi(z) = e^{-z^2/2} / \sqrt{2\pi}` is the standard normal
    density. Needs the pre-activation ``Z`` (GELU is not invertible);
    overwrites both ``A`` and ``Z``.
    """
    np.square(Z, out=A)
    A *= -0.5
    np.exp(A, out=A)
    A *= Z
    A *= 1.0 / math.sqrt(2.0 * math.pi)  # A = z phi(z)
    ndtr(Z, out=Z)
    Z += A
    delta *= Z


HIDDEN_ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "gelu": gelu,
}
#: Hidden activations whose derivative needs the pre-activation ``Z``.
NEEDS_PREACTIVATION = frozenset({"gelu"})
#: Hidden activations that use their ``scratch`` buffer.
USES_SCRATCH = frozenset({"leaky_relu", "elu", "gelu"})
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
    "leaky_relu": leaky_relu_derivative,
    "elu": elu_derivative,
    "gelu": gelu_derivative,
}
