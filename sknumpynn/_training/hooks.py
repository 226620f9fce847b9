"""The one dispatch point of the training loops' epoch hooks.

:class:`TrainingHooks` turns each finished epoch into an entry of
``history_`` and hands it to the user's callbacks, to the ``verbose`` output
and, on scikit-learn >= 1.9, to scikit-learn's experimental callbacks (one
task per epoch, so their progress bars and monitors follow our epochs through
``Pipeline`` and ``GridSearchCV``).
"""

import sys
import time

from sknumpynn.callbacks import ProgressBar, copy_weights


def _tqdm_available():
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


class _PrintedLines:
    """``verbose`` without tqdm: scikit-learn's per-epoch lines."""

    def on_train_begin(self, estimator):
        pass

    def on_epoch_end(self, estimator, logs):
        line = f"Iteration {logs['epoch']}, loss = {logs['loss']:.8f}"
        if logs.get("val_loss") is not None:
            line += f", val_loss = {logs['val_loss']:.8f}"
        if logs.get("val_score") is not None:
            line += f", validation score = {logs['val_score']:.6f}"
        print(line)

    def on_train_end(self, estimator):
        pass


class TrainingHooks:
    """Calls every epoch hook for one call of ``fit`` or ``partial_fit``.

    Parameters
    ----------
    estimator : BaseNumpyMLP
        Receives ``history_`` entries; passed to every callback.
    n_epochs : int or None
        Epochs planned (for progress bars).
    X, y, sample_weight
        Training data, handed to scikit-learn's callbacks.
    """

    def __init__(self, estimator, n_epochs, X=None, y=None, sample_weight=None):
        self.estimator = estimator
        self.callbacks = list(estimator.callbacks or [])
        verbose = int(estimator.verbose)
        if verbose == 1 and _tqdm_available():
            self.callbacks.append(ProgressBar(leave=True, file=sys.stderr))
        elif verbose:
            self.callbacks.append(_PrintedLines())
        self._data = {"X": X, "y": y}
        self._metadata = (
            None if sample_weight is None else {"sample_weight": sample_weight}
        )
        self._context = None
        # scikit-learn >= 1.9, and only when callbacks are set (directly or
        # propagated by a meta-estimator): the task contexts cost ~5 us each.
        if getattr(estimator, "_skl_callbacks", None):
            self._context = estimator._init_callback_context(max_subtasks=n_epochs)
            self._context.call_on_fit_task_begin(
                estimator=estimator, **self._data, metadata=self._metadata
            )
        self._n_epochs = n_epochs
        self._epoch_context = None
        self._epoch_start = None

    def train_begin(self):
        """Call every ``on_train_begin`` (the loops call :meth:`train_end`
        in a ``finally``)."""
        self.estimator._epochs_planned = self._n_epochs  # for progress bars
        for callback in self.callbacks:
            callback.on_train_begin(self.estimator)

    def epoch_begin(self):
        """Start the clock (and scikit-learn's task) of the next epoch."""
        self._epoch_start = time.perf_counter()
        if self._context is not None:
            self._epoch_context = self._context.subcontext(task_name="epoch")
            self._epoch_context.call_on_fit_task_begin(
                estimator=self.estimator, **self._data, metadata=self._metadata
            )

    def epoch_end(self, loss, val_loss=None, val_score=None, learning_rate=None):
        """Record the finished epoch; return True if a callback asks to stop.

        An epoch's ``seconds`` runs from :meth:`epoch_begin` to here, so it
        includes the epoch's validation.
        """
        est = self.estimator
        logs = {
            "epoch": len(est.history_) + 1,
            "loss": float(loss),
            "val_loss": None if val_loss is None else float(val_loss),
            "val_score": None if val_score is None else float(val_score),
            "learning_rate": learning_rate,
            "seconds": time.perf_counter() - self._epoch_start,
        }
        est.history_.append(logs)
        stop = False
        for callback in self.callbacks:
            stop |= bool(callback.on_epoch_end(est, logs))
        if self._epoch_context is not None:
            stop |= bool(
                self._epoch_context.call_on_fit_task_end(
                    estimator=est,
                    **self._data,
                    metadata=self._metadata,
                    reconstruction_attributes=lambda: copy_weights(est),
                )
            )
            self._epoch_context = None
        return stop

    def train_end(self):
        """Close the epoch left open and call every ``on_train_end``."""
        if self._epoch_context is not None:  # begun, but training stopped first
            self._epoch_context.call_on_fit_task_end(estimator=self.estimator)
            self._epoch_context = None
        for callback in self.callbacks:
            callback.on_train_end(self.estimator)
        del self.estimator._epochs_planned

    def fit_end(self):
        """Close scikit-learn's fit task, once the final weights are in place."""
        if self._context is not None:
            self._context.call_on_fit_task_end(
                estimator=self.estimator,
                **self._data,
                metadata=self._metadata,
                reconstruction_attributes={},
            )


class NoHooks:
    """Hooks that record nothing and never stop: the loops without an estimator."""

    def train_begin(self):
        pass

    def epoch_begin(self):
        pass

    def epoch_end(self, *args, **kwargs):
        return False

    def train_end(self):
        pass
