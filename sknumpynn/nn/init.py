r"""Glorot (Xavier) uniform initialisation, drawn exactly as scikit-learn does.

For a layer with ``fan_in`` inputs and ``fan_out`` outputs, weights and biases
are drawn from :math:`U(-b, b)` with

.. math:: b = \sqrt{\frac{c}{\text{fan\_in} + \text{fan\_out}}},

where :math:`c = 2` for the logistic activation and :math:`c = 6` otherwise
(Glorot & Bengio, 2010). Draws are made in float64 in the same order as
scikit-learn's MLP (weights, then biases, layer by layer), so the same
``RandomState`` gives the same initial network.
"""

import numpy as np


def glorot_uniform(rng, fan_in, fan_out, activation):
    """Draw one layer's weights and biases.

    Parameters
    ----------
    rng : numpy.random.RandomState
        Source of randomness.
    fan_in, fan_out : int
        Number of inputs and outputs of the layer.
    activation : str
        Name of the hidden activation; ``"logistic"`` uses the smaller bound.

    Returns
    -------
    coef : ndarray of shape (fan_in, fan_out), float64
    intercept : ndarray of shape (fan_out,), float64

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import glorot_uniform
    >>> coef, intercept = glorot_uniform(np.random.RandomState(0), 4, 2, "relu")
    >>> bool(np.abs(coef).max() <= np.sqrt(6 / (4 + 2)))
    True
    """
    factor = 2.0 if activation == "logistic" else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    coef = rng.uniform(-bound, bound, (fan_in, fan_out))
    intercept = rng.uniform(-bound, bound, fan_out)
    return coef, intercept
