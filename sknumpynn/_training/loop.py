"""The stochastic training loop: epochs, mini-batches, schedules, stopping, recovery.

:func:`train_stochastic` is a plain function over a :class:`~sknumpynn.nn.Network`,
an optimizer and a ``state`` object that receives scikit-learn's fitted
attributes (``n_iter_``, ``t_``, ``loss_``, ``loss_curve_``, ``best_loss_``,
``validation_scores_``, ``best_validation_score_``) and ours
(``validation_loss_curve_``, ``best_validation_loss_``), so it can be tested
with a ``types.SimpleNamespace`` and no estimator at all. Every epoch ends in
one place, ``hooks.epoch_end`` (:class:`~sknumpynn._training.hooks.TrainingHooks`):
history, callbacks, progress output.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from sknumpynn._training.hooks import NoHooks
from sknumpynn.nn import Workspace


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


def run_epoch(
    network, optimizer, batches, loss, alpha, workspace, dropout=None, l1=0.0
):
    """One pass over ``batches`` with an optimizer step after each.

    ``dropout`` (a :class:`~sknumpynn.nn.dropout.Dropout`, or None) draws
    fresh masks for every batch.

    Returns
    -------
    mean_loss : float
        Batch losses weighted by batch size, as scikit-learn reports them.
    """
    total, n_rows = 0.0, 0
    for X_batch, Y_batch, sw_batch in batches:
        masks = dropout.masks(X_batch.shape[0]) if dropout is not None else None
        batch_loss = network.loss_and_gradient(
            X_batch,
            Y_batch,
            loss,
            alpha,
            workspace,
            sample_weight=sw_batch,
            dropout_masks=masks,
            l1=l1,
        )
        total += batch_loss * X_batch.shape[0]
        n_rows += X_batch.shape[0]
        optimizer.step(network.params, workspace.grad)
    return total / n_rows


def _update_no_improvement(state, network, tol, validated, monitor):
    """Track the best loss or validation value; count epochs without progress.

    ``validated`` is None (judge the training loss) or ``(val_loss,
    val_score)``; ``monitor`` says which of the two early stopping follows
    and whose best weights are kept.
    """
    if validated is not None:
        val_loss, val_score = validated
        state.validation_scores_.append(val_score)
        state.validation_loss_curve_.append(val_loss)
        if monitor == "val_loss":
            improved_by = state.best_validation_loss_ - val_loss
        else:
            improved_by = val_score - state.best_validation_score_
        if improved_by < tol:
            state._no_improvement_count += 1
        else:
            state._no_improvement_count = 0
        if improved_by > 0:
            state._best_params = network.params.copy()
        state.best_validation_score_ = max(state.best_validation_score_, val_score)
        state.best_validation_loss_ = min(state.best_validation_loss_, val_loss)
    else:
        if state.loss_curve_[-1] > state.best_loss_ - tol:
            state._no_improvement_count += 1
        else:
            state._no_improvement_count = 0
        state.best_loss_ = min(state.best_loss_, state.loss_curve_[-1])


def train_stochastic(
    state,
    network,
    optimizer,
    X,
    Y,
    sample_weight=None,
    *,
    loss,
    alpha,
    batch_size,
    max_iter,
    shuffle,
    rng,
    tol,
    n_iter_no_change,
    train_index=None,
    validation=None,
    incremental=False,
    verbose=False,
    dropout=None,
    l1=0.0,
    schedule=None,
    monitor="val_score",
    hooks=None,
):
    """Train ``network`` by mini-batch epochs until convergence or ``max_iter``.

    Parameters
    ----------
    state : object
        Receives the fitted attributes; must already hold ``n_iter_``, ``t_``,
        ``loss_curve_``, ``best_loss_``, ``_no_improvement_count`` and, with
        early stopping, ``validation_scores_``, ``best_validation_score_``,
        ``validation_loss_curve_`` and ``best_validation_loss_``.
    network : sknumpynn.nn.Network
    optimizer : an optimizer of :mod:`sknumpynn.nn.optimizers`
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,), default=None
    loss : str or sknumpynn.nn.losses.Loss
    alpha, batch_size, max_iter, shuffle, tol, n_iter_no_change
        As in scikit-learn's MLP.
    rng : numpy.random.RandomState
        Shuffles the rows each epoch.
    train_index : ndarray of int, default=None
        Rows of ``X`` to train on, in this order; None means all rows.
    validation : callable, default=None
        Returns the current ``(val_loss, val_score)``; when given, stalls are
        judged on the one named by ``monitor`` and the best parameters by it
        are restored at the end (early stopping).
    incremental : bool, default=False
        Run exactly one epoch (``partial_fit``).
    verbose : bool, default=False
        Unused (progress output is one of the ``hooks``); kept for the
        stall messages of the optimizers.
    dropout : sknumpynn.nn.dropout.Dropout, default=None
        Inverted dropout on the hidden layers during training.
    l1 : float, default=0.0
        L1 penalty strength.
    schedule : callable, default=None
        Epoch schedule ``(learning_rate_init, epoch, max_iter) -> rate`` (see
        :mod:`sknumpynn.nn.schedules`), applied after each epoch.
    monitor : {'val_score', 'val_loss'}, default='val_score'
        What early stopping follows.
    hooks : sknumpynn._training.hooks.TrainingHooks, default=None
        Epoch-end dispatch (history, callbacks, progress); a callback's true
        return value stops training.

    Notes
    -----
    A non-finite epoch loss means training diverged: the parameters of the
    last finite epoch are restored and a :class:`ConvergenceWarning` says so.
    A ``KeyboardInterrupt`` also restores the last completed epoch.
    """
    order = None
    if train_index is not None:
        order = np.array(train_index, copy=True)
    elif shuffle:
        order = np.arange(X.shape[0])
    n_train = X.shape[0] if order is None else len(order)
    workspace = Workspace(network, batch_size)
    batches = BatchIterator(X, Y, sample_weight, batch_size, network.dtype)
    # Parameters at the end of the last finite epoch, and of the one before.
    last_finite, previous = network.params.copy(), network.params.copy()
    hooks = NoHooks() if hooks is None else hooks
    state.n_iter_ = 0
    hooks.train_begin()
    try:
        try:
            for _ in range(max_iter):
                hooks.epoch_begin()
                if shuffle:
                    rng.shuffle(order)
                rate = optimizer.learning_rate
                with np.errstate(over="ignore", invalid="ignore"):
                    epoch_loss = run_epoch(
                        network,
                        optimizer,
                        batches(order),
                        loss,
                        alpha,
                        workspace,
                        dropout,
                        l1,
                    )
                if not (np.isfinite(epoch_loss) and np.isfinite(network.params).all()):
                    _recover_from_divergence(state, network, last_finite)
                    break
                previous, last_finite = last_finite, previous
                last_finite[...] = network.params
                state.n_iter_ += 1
                state.t_ += n_train
                state.loss_ = epoch_loss
                state.loss_curve_.append(epoch_loss)
                validated = None if validation is None else validation()
                _update_no_improvement(state, network, tol, validated, monitor)
                optimizer.iteration_ends(state.t_)
                if schedule is not None:
                    epoch = len(state.loss_curve_) if incremental else state.n_iter_
                    optimizer.learning_rate = schedule(
                        optimizer.learning_rate_init, epoch, max_iter
                    )
                if hooks.epoch_end(epoch_loss, *(validated or (None, None)), rate):
                    break
                if state._no_improvement_count > n_iter_no_change:
                    what = {
                        None: "Training loss",
                        "val_score": "Validation score",
                        "val_loss": "Validation loss",
                    }[monitor if validation else None]
                    msg = (
                        f"{what} did not improve more than tol={tol:f} for "
                        f"{n_iter_no_change} consecutive epochs."
                    )
                    if optimizer.trigger_stopping(msg, verbose):
                        break
                    state._no_improvement_count = 0
                if incremental:
                    break
                if state.n_iter_ == max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            network.params[...] = last_finite
            warnings.warn(
                "Training interrupted by user; keeping the weights of the last "
                f"completed epoch ({state.n_iter_})."
            )
        if validation is not None and getattr(state, "_best_params", None) is not None:
            network.params[...] = state._best_params
    finally:
        hooks.train_end()
    _ensure_finite_outputs(network, X, previous)


def _ensure_finite_outputs(network, X, fallback, n_rows=1000):
    """Check the final weights on the first training rows; fall back once.

    A finite epoch loss is measured *before* each step, so the last step of an
    exploding run can leave finite but huge weights whose outputs overflow.
    Those are replaced by ``fallback`` (the previous epoch's weights) with a
    warning; if even those overflow, training failed and this raises.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(network.predict(X[:n_rows])).all():
            return
        network.params[...] = fallback
        if np.isfinite(network.predict(X[:n_rows])).all():
            warnings.warn(
                "Training diverged: the final weights give non-finite outputs; the "
                "previous epoch's weights were restored. Scale the features (e.g. "
                "StandardScaler) or lower learning_rate_init.",
                ConvergenceWarning,
            )
            return
    raise ValueError(
        "Solver produced non-finite parameter weights. The input data may contain "
        "large values and need to be preprocessed. Training diverged: the "
        "network's outputs are not finite. Scale the features (e.g. "
        "StandardScaler) or lower learning_rate_init."
    )


def _recover_from_divergence(state, network, last_finite):
    if state.t_ == 0:
        raise ValueError(
            "Solver produced non-finite parameter weights. The input data may "
            "contain large values and need to be preprocessed. Training diverged "
            "in its first epoch: the loss is not finite, so no usable weights "
            "exist. Scale the features (e.g. StandardScaler) or lower "
            "learning_rate_init."
        )
    network.params[...] = last_finite
    warnings.warn(
        f"Training diverged after {state.n_iter_} epoch"
        f"{'' if state.n_iter_ == 1 else 's'} (the loss became "
        "non-finite); the weights of the last finite epoch were restored. "
        "Scale the features (e.g. StandardScaler) or lower learning_rate_init.",
        ConvergenceWarning,
    )
