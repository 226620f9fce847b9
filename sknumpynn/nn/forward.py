"""Prediction: the forward pass over plain weight lists, in bounded chunks."""

import numpy as np
import scipy.sparse as sp

from sknumpynn.nn.activations import (
    HIDDEN_ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
    USES_SCRATCH,
)


def _dot(A, W, out):
    """``out[...] = A @ W`` for a dense or sparse ``A``, writing in place."""
    if sp.issparse(A):
        out[...] = A @ W
    else:
        np.matmul(A, W, out=out)
    return out


def hidden_activations(activation, n_hidden):
    """One hidden activation name per hidden layer.

    Parameters
    ----------
    activation : str or sequence of str
        One name for every hidden layer, or one per hidden layer.
    n_hidden : int

    Returns
    -------
    tuple of str
    """
    if isinstance(activation, str) and activation in HIDDEN_ACTIVATIONS:
        return (activation,) * n_hidden  # the common case, without the checks
    names = [activation] * n_hidden if isinstance(activation, str) else activation
    names = tuple(names)
    if len(names) != n_hidden:
        raise ValueError(
            f"activation must be one name or one per hidden layer ({n_hidden}), got "
            f"{list(names)!r}."
        )
    unknown = [name for name in names if name not in HIDDEN_ACTIVATIONS]
    if unknown:
        raise ValueError(
            f"Unknown activation {unknown[0]!r}; choose from "
            f"{sorted(HIDDEN_ACTIVATIONS)}."
        )
    return names


def forward_pass(X, coefs, intercepts, activation, output_activation, batch_size=None):
    """Output of the network with these weights, ``batch_size`` rows at a time.

    ``activation`` is one hidden activation name or one per hidden layer.

    Works on plain lists of weight and bias arrays (a fitted estimator's
    ``coefs_`` and ``intercepts_``), copying none of them. Each call allocates
    its own buffers for one batch and reuses them batch after batch, so memory
    stays bounded for any number of rows and concurrent calls are safe.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    coefs, intercepts : list of ndarray
        Weights and biases per layer.
    activation : str or sequence of str
        Hidden activation(s).
    output_activation : str
    batch_size : int, default=None
        Rows per chunk; all rows at once when None.

    Returns
    -------
    P : ndarray of shape (n_samples, n_outputs), dtype of ``coefs``

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import forward_pass
    >>> coefs = [np.array([[1.0, -1.0]]), np.array([[1.0], [1.0]])]
    >>> intercepts = [np.zeros(2), np.zeros(1)]
    >>> forward_pass(np.array([[2.0], [-3.0]]), coefs, intercepts, "relu",
    ...              "identity", batch_size=1)  # relu(x) + relu(-x) = |x|
    array([[2.],
           [3.]])
    """
    dtype = coefs[0].dtype
    names = hidden_activations(activation, len(coefs) - 1)
    activations = [HIDDEN_ACTIVATIONS[name] for name in names]
    # A name, or a callable output activation (losses.BlockSoftmax).
    activations.append(OUTPUT_ACTIVATIONS.get(output_activation, output_activation))
    n_samples = X.shape[0]
    batch_size = n_samples if batch_size is None else max(1, int(batch_size))
    out = np.empty((n_samples, coefs[-1].shape[1]), dtype=dtype)
    rows = min(batch_size, n_samples)
    buffers = [np.empty((rows, W.shape[1]), dtype) for W in coefs[:-1]]
    # One scratch buffer shared by the hidden layers, if any activation uses it.
    widest = max(
        (W.shape[1] for W, name in zip(coefs, names) if name in USES_SCRATCH),
        default=0,
    )
    flat_scratch = np.empty(rows * widest, dtype) if widest else None
    sparse = sp.issparse(X)
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        if stop - start == rows:
            targets = [*buffers, out[start:stop]]
        else:  # the last, shorter chunk
            targets = [buf[: stop - start] for buf in buffers] + [out[start:stop]]
        A = X[start:stop] if stop - start < n_samples else X
        if A.dtype != dtype:
            A = A.astype(dtype)
        for layer, (W, b, Z, f) in enumerate(
            zip(coefs, intercepts, targets, activations)
        ):
            if sparse and layer == 0:
                Z[...] = A @ W
            else:
                np.matmul(A, W, out=Z)
            Z += b
            if layer < len(names) and names[layer] in USES_SCRATCH:
                f(Z, flat_scratch[: Z.size].reshape(Z.shape))
            else:
                f(Z)
            A = Z
    return out
