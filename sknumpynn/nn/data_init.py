r"""Data-dependent initialisation (RealMLP-TD's ``weight_init_mode='std'`` and
``bias_init_mode='he+5'``; Holzmüller et al., NeurIPS 2024; pytabkit's
``WeightFitter`` and ``BiasFitter``).

Layer by layer, on the training rows' activations :math:`A_{l-1}` (the input
stage's output for the first layer):

.. math::

    W_{:j} \leftarrow \frac{W_{:j}}{\operatorname{std}_n\,(A_{l-1} W)_{nj}},
    \qquad
    b_j = -\sum_{i=1}^{5} \lambda_{ji}\, (A_{l-1} W)_{n_{ji} j},
    \quad \lambda_{j\cdot} = \frac{e_{j\cdot}}{\sum_i e_{ji}},\;
    e_{ji} \sim \operatorname{Exp}(1),\; n_{ji} \sim U\{1..N\},

so every pre-activation has unit standard deviation over the rows and every
unit's hyperplane passes through a random convex combination of five training
rows (it splits the data, where a zero bias can leave a ReLU/ELU unit on one
side of all of it). Then :math:`A_l = \sigma(A_{l-1} W + b)` feeds the next
layer; the output layer is initialised the same way. A column whose
pre-activations are constant keeps its scale.
"""

import numpy as np

from sknumpynn.nn.activations import HIDDEN_ACTIVATIONS

#: Training rows looked at (a random subset beyond that).
MAX_ROWS = 2048
#: Rows in each bias's convex combination (RealMLP's "he+5").
N_SIMPLEX = 5


def data_dependent_init(network, X, rng):
    """Rescale the weights and set the biases of ``network`` from ``X``, in place.

    Parameters
    ----------
    network : Network or StagedNetwork
        One network (no model axis), already initialised (its weights'
        directions are kept); a staged one maps ``X`` through its stage first.
    X : ndarray of shape (n_samples, n_features)
        Training rows (at most :data:`MAX_ROWS` of them are used).
    rng : numpy.random.RandomState
        Draws the subset, the rows and the convex weights.

    Returns
    -------
    network
    """
    if X.shape[0] > MAX_ROWS:
        X = X[np.sort(rng.choice(X.shape[0], MAX_ROWS, replace=False))]
    A = np.asarray(X if network.input_stage is None else network.transform(X))
    A = A.astype(np.float64, copy=False)
    names = network.activations  # one per hidden layer
    for layer, (W, b) in enumerate(zip(network.coefs, network.intercepts)):
        Z = A @ W.astype(np.float64)
        scale = Z.std(axis=0)
        scale[scale == 0] = 1.0
        Z /= scale
        W[...] = W / scale
        b[...] = _through_rows(Z, rng)
        if layer < len(names):
            Z += b
            A = HIDDEN_ACTIVATIONS[names[layer]](Z, np.empty_like(Z))
    return network


def _through_rows(Z, rng):
    """Per column, minus a random convex combination of :data:`N_SIMPLEX`
    rows of ``Z`` (pytabkit's ``heplus_bias``)."""
    n_rows, n_units = Z.shape
    rows = rng.randint(n_rows, size=(n_units, N_SIMPLEX))
    weights = rng.exponential(size=(n_units, N_SIMPLEX))
    weights /= weights.sum(axis=1, keepdims=True)
    chosen = Z[rows, np.arange(n_units)[:, np.newaxis]]
    return -(chosen * weights).sum(axis=1)
