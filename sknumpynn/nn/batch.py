"""A batch of a stack of models, and the products that serve one model or many.

One network's batch is one :class:`Rows`. A stack's batch is one
:class:`Rows` per group of models sharing their rows (the models of one
cross-validation fold): the first layer multiplies each group's rows by its
models' weights, every later layer is one batched product over the stack.
"""

from collections import namedtuple

import numpy as np
import scipy.sparse as sp

from sknumpynn.nn.forward import _dot

#: The rows one group of models trains on in a step: ``models`` selects them
#: (a slice of the stack, or ``...`` for all), ``X``, ``Y`` and
#: ``sample_weight`` (or None) are the batch they share.
Rows = namedtuple("Rows", ["models", "X", "Y", "sample_weight"])


def _product(A, W, out):
    """``out = A @ W``, for one network or per model of a stack.

    ``A`` is 2-D (rows shared by the models, dense or sparse) or 3-D; ``W``
    and ``out`` are 2-D or 3-D. A stack of one is computed as 2-D products,
    so one model of a stack does exactly the arithmetic of a single network.
    """
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
