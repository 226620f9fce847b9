"""Training callbacks: hooks called at the start, after every epoch, and at the end.

Pass a list of callbacks to an estimator's ``callbacks`` parameter. Each hook
receives the estimator being trained, whose ``coefs_`` and ``intercepts_`` are
live views of the weights during training (so ``predict`` works in a hook),
and ``on_epoch_end`` receives the epoch's entry of ``history_``:

``epoch``
    Epochs (or L-BFGS iterations) completed, counting earlier ``partial_fit``
    and warm-started calls.
``loss``
    Training loss of the epoch, as in ``loss_curve_``.
``val_loss``, ``val_score``
    Validation loss and score (with ``early_stopping=True``; else None).
``learning_rate``
    The base learning rate the epoch used (None for 'lbfgs').
``seconds``
    Wall time of the epoch, validation included.

A callback stops training by *returning* a true value from ``on_epoch_end``,
never by raising. Callbacks are cloned with their estimator (``clone`` deep
copies them), so one instance is never shared by the fits of a grid search.
With 'lbfgs' an "epoch" is one L-BFGS iteration.
"""

import math

import numpy as np

from sknumpynn._utils.optional import import_optional

__all__ = ["Callback", "EarlyStopping", "ProgressBar", "TerminateOnNaN"]


class Callback:
    """Base class of training callbacks: every hook does nothing.

    Subclass it and override the hooks you need.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn import NumpyMLPRegressor
    >>> from sknumpynn.callbacks import Callback
    >>> class StopBelow(Callback):
    ...     def __init__(self, threshold):
    ...         self.threshold = threshold
    ...     def on_epoch_end(self, estimator, logs):
    ...         return logs["loss"] < self.threshold
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1)
    >>> reg = NumpyMLPRegressor(learning_rate_init=0.01, random_state=0,
    ...                         callbacks=[StopBelow(0.05)]).fit(X, X.ravel())
    >>> reg.loss_ < 0.05 and reg.n_iter_ < 200
    True
    """

    def on_train_begin(self, estimator):
        """Called once before the first epoch of ``fit`` or ``partial_fit``.

        Parameters
        ----------
        estimator : NumpyMLPClassifier or NumpyMLPRegressor
            The estimator about to train.
        """

    def on_epoch_end(self, estimator, logs):
        """Called after each epoch; return True to stop training.

        Parameters
        ----------
        estimator : NumpyMLPClassifier or NumpyMLPRegressor
            The estimator being trained.
        logs : dict
            This epoch's entry of ``estimator.history_`` (see the module
            docstring).

        Returns
        -------
        stop : bool or None
        """

    def on_train_end(self, estimator):
        """Called once after the last epoch, even after an interruption.

        Parameters
        ----------
        estimator : NumpyMLPClassifier or NumpyMLPRegressor
            The estimator that trained; its weights are the final ones unless
            a callback changes them here (as :class:`EarlyStopping` does).
        """

    def __repr__(self):
        params = ", ".join(
            f"{k}={v!r}"
            for k, v in vars(self).items()
            if not (k.startswith("_") or k.endswith("_"))
        )
        return f"{type(self).__name__}({params})"


class ProgressBar(Callback):
    """A tqdm progress bar over the epochs, showing the loss and validation.

    Needs ``tqdm`` (``pip install "sknumpynn[progress]"``).

    Parameters
    ----------
    leave : bool, default=True
        Keep the finished bar on screen.
    file : file-like, default=None
        Where to draw the bar (tqdm's default, stderr, when None).

    Examples
    --------
    >>> import io
    >>> from sklearn.datasets import load_iris
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.callbacks import ProgressBar
    >>> X, y = load_iris(return_X_y=True)
    >>> screen = io.StringIO()
    >>> clf = NumpyMLPClassifier(max_iter=5, callbacks=[ProgressBar(file=screen)])
    >>> clf = clf.fit(X, y)
    >>> "5/5" in screen.getvalue()
    True
    """

    def __init__(self, leave=True, file=None):
        _import_tqdm()  # fail here, at construction, when tqdm is missing
        self.leave = leave
        self.file = file
        self._bar = None

    def __deepcopy__(self, memo):  # an open bar is not copied by clone
        return type(self)(leave=self.leave, file=self.file)

    def on_train_begin(self, estimator):
        tqdm = _import_tqdm()
        self._bar = tqdm(
            total=getattr(estimator, "_epochs_planned", None),
            desc=type(estimator).__name__,
            unit="epoch",
            leave=self.leave,
            file=self.file,
        )

    def on_epoch_end(self, estimator, logs):
        postfix = {"loss": f"{logs['loss']:.4g}"}
        for key in ("val_loss", "val_score"):
            if logs.get(key) is not None:
                postfix[key] = f"{logs[key]:.4g}"
        self._bar.set_postfix(postfix, refresh=False)
        self._bar.update(1)

    def on_train_end(self, estimator):
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class EarlyStopping(Callback):
    """Stop when a monitored quantity stops improving; restore its best weights.

    Parameters
    ----------
    monitor : {'loss', 'val_loss', 'val_score'}, default='val_loss'
        Entry of ``history_`` to watch. Losses must decrease, scores increase.
        The validation entries need ``early_stopping=True`` on the estimator
        (set ``n_iter_no_change=np.inf`` there to leave stopping to this
        callback).
    patience : int, default=10
        Epochs without improvement before stopping.
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.
    restore_best_weights : bool, default=True
        At the end of training, put back the weights of the best epoch.

    Attributes
    ----------
    best_ : float
        Best monitored value.
    best_epoch_ : int
        The ``epoch`` entry of the best epoch.
    stopped_epoch_ : int or None
        Epoch at which this callback stopped training, else None.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.callbacks import EarlyStopping
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> stop = EarlyStopping(monitor="val_loss", patience=3)
    >>> clf = NumpyMLPClassifier(early_stopping=True, n_iter_no_change=np.inf,
    ...                          max_iter=300, random_state=0, callbacks=[stop])
    >>> clf = clf.fit(X, y)
    >>> clf.n_iter_ == stop.stopped_epoch_ < 300
    True
    """

    def __init__(
        self, monitor="val_loss", patience=10, min_delta=0.0, restore_best_weights=True
    ):
        if monitor not in ("loss", "val_loss", "val_score"):
            raise ValueError(
                "EarlyStopping monitor must be 'loss', 'val_loss' or 'val_score', "
                f"got {monitor!r}."
            )
        self.monitor = monitor
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, estimator):
        self.best_ = -math.inf if self.monitor == "val_score" else math.inf
        self.best_epoch_ = None
        self.stopped_epoch_ = None
        self._wait = 0
        self._best_weights = None

    def on_epoch_end(self, estimator, logs):
        value = logs.get(self.monitor)
        if value is None:
            raise ValueError(
                f"EarlyStopping(monitor={self.monitor!r}) needs validation data: "
                "set early_stopping=True on the estimator (and "
                "n_iter_no_change=np.inf to leave stopping to this callback)."
            )
        sign = 1.0 if self.monitor == "val_score" else -1.0
        if sign * (value - self.best_) > self.min_delta:
            self.best_, self.best_epoch_, self._wait = value, logs["epoch"], 0
            if self.restore_best_weights:
                self._best_weights = copy_weights(estimator)
            return False
        self._wait += 1
        if self._wait >= self.patience:
            self.stopped_epoch_ = logs["epoch"]
            return True
        return False

    def on_train_end(self, estimator):
        if self.restore_best_weights and self._best_weights is not None:
            for name, arrays in self._best_weights.items():
                for live, best in zip(getattr(estimator, name), arrays):
                    live[...] = best
        self._best_weights = None


class TerminateOnNaN(Callback):
    """Stop training as soon as a loss, a score or a weight is not finite.

    Training already stops by itself on a non-finite *training* loss,
    restoring the last finite weights with a warning; this callback also
    catches a non-finite validation loss or score, and weights that overflowed
    while the epoch's loss was still finite.

    Attributes
    ----------
    stopped_epoch_ : int or None
        Epoch at which training was stopped, else None.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.callbacks import TerminateOnNaN
    >>> X, y = load_iris(return_X_y=True)
    >>> guard = TerminateOnNaN()
    >>> clf = NumpyMLPClassifier(max_iter=5, callbacks=[guard]).fit(X, y)
    >>> guard.stopped_epoch_ is None  # nothing overflowed
    True
    """

    def on_train_begin(self, estimator):
        self.stopped_epoch_ = None

    def on_epoch_end(self, estimator, logs):
        values = [logs[k] for k in ("loss", "val_loss", "val_score")]
        finite = all(v is None or math.isfinite(v) for v in values) and all(
            np.isfinite(w).all() for w in estimator.coefs_
        )
        if not finite:
            self.stopped_epoch_ = logs["epoch"]
        return not finite


def copy_weights(estimator):
    """Copies of the estimator's current weights, as fitted attributes.

    Parameters
    ----------
    estimator : NumpyMLPClassifier or NumpyMLPRegressor

    Returns
    -------
    dict
        ``{"coefs_": [...], "intercepts_": [...]}``, each array copied.
    """
    return {
        "coefs_": [c.copy() for c in estimator.coefs_],
        "intercepts_": [b.copy() for b in estimator.intercepts_],
    }


def _import_tqdm():
    return import_optional("tqdm.auto", "progress", "ProgressBar").tqdm
