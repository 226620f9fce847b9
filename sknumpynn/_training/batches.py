"""Mini-batches of the training rows, gathered into preallocated buffers."""

import numpy as np
import scipy.sparse as sp

from sknumpynn.nn.batch import Rows, StackedRows


def gather_rows(array, index, out):
    """``out[...] = array[index]`` along axis 0, allocating nothing.

    ``mode="clip"``: the rows are valid by construction, and NumPy's default
    ``mode="raise"`` buffers the whole output (a batch allocated per call).
    """
    np.take(array, index, axis=0, out=out, mode="clip")


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
        gather_rows(array, index, out)
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


class StackedBatches:
    """Mini-batches of a stack's row groups, gathered into one array each.

    Group ``g`` trains on ``X_g[order_g]``; each batch is ``X`` of shape
    ``(n_groups, b, n_features)`` and, per model of the stack (the groups'
    models adjacent, ``sizes`` of them), ``Y`` of shape ``(n_models, b,
    n_outputs)`` and ``sample_weight`` ``(n_models, b)`` or None: the arrays of
    a :class:`~sknumpynn.nn.batch.StackedRows`. Groups holding one ``X`` array
    share one gather; targets and weights (small) are concatenated once, so
    each batch gathers them in one call.

    Parameters
    ----------
    sources : list of tuple
        ``(X, Y, sample_weight)`` per group; equal row counts per batch.
    sizes : sequence of int
        Models per group.
    batch_size : int
    dtype : dtype
        Of the targets and weights.
    """

    def __init__(self, sources, sizes, batch_size, dtype):
        Xs = [source[0] for source in sources]
        self.Xs, self.shared = Xs, all(X is Xs[0] for X in Xs)
        rows = np.cumsum([0] + [X.shape[0] for X in Xs[:-1]])
        self._group = np.repeat(np.arange(len(sizes)), sizes)
        self._offsets = rows[:, np.newaxis]
        self.Y = np.concatenate([source[1] for source in sources]).astype(dtype)
        self.sample_weight = None
        if any(source[2] is not None for source in sources):
            # Unit weights for unweighted groups: the same sums as none.
            weights = [np.ones(len(Y)) if sw is None else sw for _, Y, sw in sources]
            self.sample_weight = np.concatenate(weights).astype(dtype)
        n_models, batch = len(self._group), batch_size
        self._X = np.empty((len(Xs), batch, Xs[0].shape[1]), Xs[0].dtype)
        self._Y = np.empty((n_models, batch, self.Y.shape[1]), dtype)
        self._sw = (
            None if self.sample_weight is None else np.empty((n_models, batch), dtype)
        )

    def __call__(self, orders):
        """Iterate over the batches of ``orders``, shape ``(n_groups, n_rows)``."""
        per_model = (orders + self._offsets)[self._group]
        n_rows, batch = orders.shape[1], self._X.shape[1]
        for start in range(0, n_rows, batch):
            stop = min(start + batch, n_rows)
            X, Y = self._X[:, : stop - start], self._Y[:, : stop - start]
            if self.shared:
                gather_rows(self.Xs[0], orders[:, start:stop], X)
            else:
                for X_g, rows, out in zip(self.Xs, orders[:, start:stop], X):
                    gather_rows(X_g, rows, out)
            index = per_model[:, start:stop]
            gather_rows(self.Y, index, Y)
            sw = None
            if self._sw is not None:
                sw = self._sw[:, : stop - start]
                gather_rows(self.sample_weight, index, sw)
            yield X, Y, sw


class RowGroup:
    """Runs that train on the same rows in the same order: one gather serves
    them all, and their first-layer products are one batched product."""

    def __init__(self, runs, members, models):
        first = runs[members[0]]
        self.members, self.models, self.rng = members, models, first.rng
        self.order = None
        if first.train_index is not None:
            self.order = np.array(first.train_index, copy=True)
        elif first.settings.shuffle:
            self.order = np.arange(first.X.shape[0])
        self.validation = first.validation
        self.source = (first.X, first.Y, first.sample_weight)
        self.batches = BatchIterator(
            *self.source, first.settings.batch_size, first.network.dtype
        )


def stacked_batches(groups, batch_size, dtype):
    """The :class:`StackedBatches` of a stack's row groups, or None when a
    group's ``X`` is sparse (each group then gathers its own ``Rows``)."""
    if any(sp.issparse(group.source[0]) for group in groups):
        return None
    for group in groups:
        if group.order is None:  # no shuffle, no split: rows in order
            group.order = np.arange(group.source[0].shape[0])
    sources = [group.source for group in groups]
    return StackedBatches(sources, [len(g.members) for g in groups], batch_size, dtype)


def epoch_batches(groups, stacked):
    """One epoch's batches in the groups' orders: a ``Rows`` list per step
    (one model, or sparse rows), or a :class:`StackedRows` per step."""
    if stacked is None:
        batches = [group.batches(group.order) for group in groups]
        for step in zip(*batches):
            yield [Rows(g.models, *batch) for g, batch in zip(groups, step)]
        return
    sizes = tuple(len(group.members) for group in groups)
    orders = np.stack([group.order for group in groups])
    for batch in stacked(orders):
        yield StackedRows(sizes, *batch)
