"""A batch of a stack of models, and the products that serve one model or many.

One network's batch is one :class:`Rows`. A stack's batch is one
:class:`Rows` per group of models sharing their rows (the models of one
cross-validation fold), or, as the training loop builds it, one
:class:`StackedRows` holding every group's rows in one array: the first layer
multiplies each group's rows by its models' weights (one batched product when
the groups are of one size), every later layer is one batched product over
the stack.
"""

from collections import namedtuple

import numpy as np
import scipy.sparse as sp

from sknumpynn.nn.forward import _dot

#: The rows one group of models trains on in a step: ``models`` selects them
#: (a slice of the stack, or ``...`` for all), ``X``, ``Y`` and
#: ``sample_weight`` (or None) are the batch they share.
Rows = namedtuple("Rows", ["models", "X", "Y", "sample_weight"])


#: A stack's batch with its row groups gathered into one array: ``X`` of
#: shape ``(n_groups, n_samples, n_features)``, ``sizes`` the number of
#: (adjacent) models of each group, ``Y`` of shape ``(n_models, n_samples,
#: n_outputs)`` and ``sample_weight`` ``(n_models, n_samples)`` (or None) per
#: model, so the loss and the output delta are one operation over the stack.
StackedRows = namedtuple("StackedRows", ["sizes", "X", "Y", "sample_weight"])


def split_models(array, sizes):
    """``array`` of shape ``(n_models, ...)`` as ``(n_groups, size, ...)``
    (a view; None when the groups differ in size)."""
    if len(set(sizes)) != 1:
        return None
    view = array.view()
    view.shape = (len(sizes), sizes[0]) + array.shape[1:]  # raises if a copy
    return view


def group_product(X, sizes, W, out, transpose=False):
    """``out[k] = X[g] @ W[k]`` (``X[g].T`` with ``transpose``) for every
    model ``k`` of group ``g``: one broadcast product when the groups are of
    one size, else one per group.

    Parameters
    ----------
    X : ndarray of shape (n_groups, n_samples, n_features)
    sizes : tuple of int
    W, out : ndarray of shape (n_models, ., .)
    transpose : bool, default=False

    Returns
    -------
    out : ndarray of shape (n_models, ., .)
    """
    A = X.transpose(0, 2, 1) if transpose else X
    if len(sizes) == 1:
        return _product(A[0], W, out)
    Ws, outs = split_models(W, sizes), split_models(out, sizes)
    if Ws is not None and sizes[0] > 1:
        np.matmul(A[:, np.newaxis], Ws, out=outs)
        return out
    if Ws is not None:
        return np.matmul(A, W, out=out)
    start = 0
    for g, size in enumerate(sizes):
        models = slice(start, start + size)
        _product(A[g], W[models], out[models])
        start += size
    return out


def _product(A, W, out):
    """``out = A @ W``, for one network or per model of a stack.

    ``A`` is 2-D (rows shared by the models, dense or sparse) or 3-D; ``W``
    and ``out`` are 2-D or 3-D. A stack of one is computed as 2-D products,
    so one model of a stack does exactly the arithmetic of a single network.
    """
    if A.shape[-1] == 1 and type(A) is np.ndarray:
        # An outer product (one output unit's delta times its weights): the
        # same single multiplication per entry as BLAS, at half its cost.
        return np.multiply(A, W, out=out)
    if W.ndim == 2:
        if type(A) is np.ndarray:
            return np.matmul(A, W, out=out)
        return _dot(A, W, out)
    if W.shape[0] == 1:
        return _dot(A[0] if A.ndim == 3 else A, W[0], out[0])
    if sp.issparse(A):
        for k in range(W.shape[0]):
            _dot(A, W[k], out[k])
        return out
    return np.matmul(A, W, out=out)


def _transposed(A):
    """The matrix transpose of the last two axes."""
    return A.T if A.ndim == 2 else A.transpose(0, 2, 1)
