"""What one stochastic fit needs, gathered once from the estimator.

:class:`TrainingSettings` is the frozen set of choices (loss, penalties,
batches, stopping rules) the loop reads; :class:`ModelRun` is one model's
training: its settings, its data, the object that receives the fitted
attributes, its network and its optimizer. The trainer
(:class:`~sknumpynn._training.loop.Trainer`) runs one run, or a stack of
compatible runs as one network.
"""

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sknumpynn.nn.backprop import Penalty
from sknumpynn.nn.losses import Loss


@dataclass(frozen=True)
class TrainingSettings:
    """The choices of one stochastic fit, as scikit-learn's MLP names them.

    Parameters
    ----------
    loss : Loss
        The engine loss.
    penalty : Penalty
        ``alpha`` (L2) and ``l1`` strengths.
    batch_size : int
        Rows per mini-batch (already clipped to the training rows).
    max_iter : int
        Epochs at most.
    shuffle : bool
        Shuffle the rows every epoch.
    tol, n_iter_no_change
        Stop after ``n_iter_no_change`` epochs without an improvement of
        ``tol`` (of the training loss, or of what ``monitor`` names).
    incremental : bool, default=False
        One epoch only (``partial_fit``).
    verbose : bool, default=False
        Print the stall messages.
    monitor : {'val_score', 'val_loss'}, default='val_score'
        What early stopping follows.
    schedule : callable, default=None
        Epoch schedule ``(learning_rate_init, epoch, max_iter) -> rate``.
    scoring : str, callable or None, default=None
        The estimator's ``scoring`` (what its validation score is).
    warn_max_iter : bool, default=True
        Warn (``ConvergenceWarning``, scikit-learn's words) when training
        stops at ``max_iter``; False where ``max_iter`` is a planned length
        (a schedule's epochs, the tabular estimators'), not a limit.
    keep_last_best : bool, default=False
        Among epochs tied for the best monitored value, keep the last one's
        weights (RealMLP's choice, the tabular estimators'); False keeps the
        first, as scikit-learn's MLP does. On a coarse score (the accuracy
        of a small split) the first epoch to reach the best value is often
        an early one.

    Examples
    --------
    >>> from sknumpynn.nn import Loss
    >>> from sknumpynn.nn.backprop import Penalty
    >>> a = TrainingSettings(Loss("squared_error"), Penalty(1e-4, 0.0), 200, 10,
    ...                      True, 1e-4, 10)
    >>> b = TrainingSettings(Loss("squared_error"), Penalty(1e-3, 0.0), 200, 50,
    ...                      True, 1e-4, 10)
    >>> a.stack_key() == b.stack_key()  # only penalty and max_iter differ
    True
    """

    loss: Loss
    penalty: Penalty
    batch_size: int
    max_iter: int
    shuffle: bool
    tol: float
    n_iter_no_change: int
    incremental: bool = False
    verbose: bool = False
    monitor: str = "val_score"
    schedule: Any = None
    scoring: Any = None
    warn_max_iter: bool = True
    keep_last_best: bool = False

    def stack_key(self):
        """What every fit of one stack must share: everything a step reads.

        The penalties and the per-epoch stopping rules (``max_iter``,
        ``tol``, ``n_iter_no_change``) may differ between stacked models.

        Returns
        -------
        tuple
        """
        shared = (self.loss, self.batch_size, self.shuffle, self.incremental)
        return tuple(map(repr, shared + (self.monitor, self.schedule, self.scoring)))


@dataclass
class ValidationSet:
    """The rows early stopping holds out, and how to score them.

    Parameters
    ----------
    X, Y : ndarray
        Held-out inputs and encoded targets.
    y : ndarray
        The targets as the estimator's score takes them.
    sample_weight : ndarray or None
    score : callable
        ``score(P, y, sample_weight) -> float`` (the estimator's validation
        score of network outputs ``P``).
    scorer : callable, default=None
        A scikit-learn scorer ``scorer(estimator, X, y)`` (the estimator's
        ``scoring``), used instead of ``score``: it scores a shallow copy of
        ``estimator`` holding each model's weights.
    estimator : object, default=None
        The estimator the scorer's copies are made of.
    """

    X: Any
    Y: Any
    y: Any
    sample_weight: Any
    score: Any
    scorer: Any = None
    estimator: Any = None

    def evaluate(self, network, loss, models=slice(None)):
        """The mean loss (without penalties) and the score of each model.

        Parameters
        ----------
        network : Network
        loss : Loss
        models : slice, default=slice(None)
            The models of a stack to evaluate.

        Returns
        -------
        val_loss, val_score : ndarray of shape (n_models,)
            One entry for a network without a model axis.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            if network.n_models is None:
                P = network.predict(self.X)
                val_loss = np.array([loss.value(self.Y, P, self.sample_weight)])
                if self.scorer is not None:
                    return val_loss, np.array([self._scored(network, P, None)])
                return val_loss, np.array([self.score(P, self.y, self.sample_weight)])
            P = network.predict(self.X, models=models)
            val_loss = np.atleast_1d(loss.value(self.Y, P, self.sample_weight))
        if self.scorer is not None:
            rows = range(network.n_models)[models]
            scores = [self._scored(network, P_k, k) for P_k, k in zip(P, rows)]
        else:
            scores = [self.score(P_k, self.y, self.sample_weight) for P_k in P]
        return val_loss, np.array(scores, dtype=float)

    def _scored(self, network, P, model):
        """The scorer's value for one model (``model``: its row in a stack).

        The scorer sees a shallow copy of the estimator whose ``coefs_`` and
        ``intercepts_`` are that model's weights (views, nothing copied).
        """
        if not np.isfinite(P).all():
            return np.nan
        coefs, intercepts = network.coefs, network.intercepts
        if model is not None:
            coefs = [c[model] for c in coefs]
            intercepts = [b[model, 0] for b in intercepts]
        proxy = copy.copy(self.estimator)
        proxy.coefs_, proxy.intercepts_ = coefs, intercepts
        # The rows are validated arrays already: no feature-name warning.
        vars(proxy).pop("feature_names_in_", None)
        y = self.y[:, 0] if self.y.ndim == 2 and self.y.shape[1] == 1 else self.y
        if self.sample_weight is None:
            return float(self.scorer(proxy, self.X, y))
        return float(self.scorer(proxy, self.X, y, sample_weight=self.sample_weight))


@dataclass
class ModelRun:
    """One model's stochastic fit: everything the trainer needs of it.

    Parameters
    ----------
    settings : TrainingSettings
    state : object
        Receives the fitted attributes (the estimator).
    network : Network
        The model's own network (no model axis); its weights are trained.
    optimizer : Optimizer
        The model's own optimizer (persists across ``partial_fit``).
    X, Y : ndarray or sparse matrix
        Training inputs and encoded targets.
    sample_weight : ndarray or None
    train_index : ndarray of int or None
        Rows of ``X`` to train on (the rest is the validation split).
    validation : ValidationSet or None
    rng : numpy.random.RandomState
        Shuffles the rows every epoch.
    dropout : sknumpynn.nn.Dropout or None
    schedule_memory : dict
        What this model's epoch schedule remembers (a plateau's best value
        and counters); persists across ``partial_fit`` calls.
    """

    settings: TrainingSettings
    state: Any
    network: Any
    optimizer: Any
    X: Any
    Y: Any
    sample_weight: Any = None
    train_index: Any = None
    validation: Any = None
    rng: Any = None
    dropout: Any = None
    schedule_memory: dict = field(default_factory=dict)
    #: Set by the trainer: the training error of this model alone (a stack
    #: goes on without it), and its weights one epoch before the last.
    error: Any = field(default=None, repr=False)
    previous: Any = field(default=None, repr=False)

    def monitored(self):
        """The value this model's stopping rule watches, lower is better: the
        last training loss, or with a validation set its loss
        (``monitor='val_loss'``) or negated score.

        Returns
        -------
        float or None
            None before the first recorded epoch (e.g. a stacked model that
            diverged in its first epoch).
        """
        state = self.state
        if self.validation is None:
            curve, sign = state.loss_curve_, 1.0
        elif self.settings.monitor == "val_loss":
            curve, sign = state.validation_loss_curve_, 1.0
        else:
            curve, sign = state.validation_scores_, -1.0
        return sign * curve[-1] if curve else None

    @property
    def n_train(self):
        """Rows trained on per epoch."""
        return self.X.shape[0] if self.train_index is None else len(self.train_index)
