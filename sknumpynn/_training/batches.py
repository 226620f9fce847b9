"""Mini-batches of the training rows, gathered into preallocated buffers."""

import numpy as np
import scipy.sparse as sp


class BatchIterator:
    """Yields ``(X, Y, sample_weight)`` mini-batches in a given row order.

    Dense batches are gathered into preallocated buffers; when the order is
    the identity (no shuffling, no validation split) they are plain views and
    nothing is copied at all.
    """

    def __init__(self, X, Y, sample_weight, batch_size, dtype):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size = batch_size
        self._dense = not sp.issparse(X)
        self._X_buf = (
            np.empty((batch_size, X.shape[1]), dtype=X.dtype) if self._dense else None
        )
        self._Y_buf = np.empty((batch_size, Y.shape[1]), dtype=dtype)
        self._sw_buf = None if sample_weight is None else np.empty(batch_size, dtype)

    def _take(self, array, index, buffer):
        if buffer is None:
            return array[index]
        out = buffer[: len(index)]
        np.take(array, index, axis=0, out=out)
        return out

    def __call__(self, order):
        """Iterate over batches of the rows ``order`` (None: all rows, in order)."""
        n_rows = self.X.shape[0] if order is None else len(order)
        for start in range(0, n_rows, self.batch_size):
            stop = min(start + self.batch_size, n_rows)
            if order is None:
                rows = slice(start, stop)
                yield (
                    self.X[rows],
                    self.Y[rows],
                    None if self.sample_weight is None else self.sample_weight[rows],
                )
                continue
            index = order[start:stop]
            yield (
                self._take(self.X, index, self._X_buf if self._dense else None),
                self._take(self.Y, index, self._Y_buf),
                None
                if self.sample_weight is None
                else self._take(self.sample_weight, index, self._sw_buf),
            )
