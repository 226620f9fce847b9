"""Setting up a stochastic fit: optimizer, validation split, dropout, batches.

The estimators' base class inherits this. :meth:`StochasticFitMixin._model_run`
turns the estimator's validated parameters into one
:class:`~sknumpynn._training.settings.ModelRun`; the epochs run in
:class:`~sknumpynn._training.loop.Trainer`, alone or stacked with other runs
(:mod:`sknumpynn._training.together`).
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_consistent_length, validate_data

from sknumpynn._training.loop import Trainer
from sknumpynn._training.settings import ModelRun, TrainingSettings, ValidationSet
from sknumpynn._utils.validation import (
    _naming_the_bad_argument,
    _validate_sample_weight,
)
from sknumpynn.nn.backprop import Penalty
from sknumpynn.nn.dropout import Dropout
from sknumpynn.nn.losses import get_loss
from sknumpynn.nn.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from sknumpynn.nn.schedules import get_schedule

STOCHASTIC_SOLVERS = ("sgd", "adam", "rmsprop", "adagrad", "adamw")


def validation_arguments(X_val, y_val, sample_weight_val):
    """``fit``'s validation arguments as one dict, or None when none is given.

    Raises HistGradientBoosting's errors when only one of ``X_val`` and
    ``y_val`` is given (and when ``sample_weight_val`` comes without them).

    Returns
    -------
    dict or None
    """
    if X_val is None and y_val is None:
        if sample_weight_val is not None:
            raise ValueError(
                "sample_weight_val is provided, but X_val and y_val were not provided."
            )
        return None
    if y_val is None:
        raise ValueError("X_val is provided, but y_val was not provided.")
    if X_val is None:
        raise ValueError("y_val is provided, but X_val was not provided.")
    return {"X_val": X_val, "y_val": y_val, "sample_weight_val": sample_weight_val}


class StochasticFitMixin:
    """The 'sgd' and 'adam' half of :class:`~sknumpynn._base.BaseNumpyMLP`."""

    def _dropout_rates(self, n_hidden):
        """``dropout`` as one drop probability per hidden layer, validated."""
        rates = np.atleast_1d(np.asarray(self.dropout, dtype=float))
        if rates.ndim != 1 or rates.size not in (1, n_hidden):
            raise ValueError(
                f"dropout must be a float or one value per hidden layer ({n_hidden}),"
                f" got {self.dropout!r}."
            )
        if not ((rates >= 0) & (rates < 1)).all():
            raise ValueError(f"dropout rates must be in [0, 1), got {self.dropout!r}.")
        return np.broadcast_to(rates, (n_hidden,))

    def _dropout(self, network, batch_size, rng, incremental=False):
        """The training-time :class:`Dropout`, or None when no unit is dropped.

        Its generator is seeded from ``rng`` only when dropout is on, so runs
        without dropout draw exactly the random numbers scikit-learn draws. It
        persists across ``partial_fit`` calls, so successive epochs draw fresh
        masks even when ``random_state`` is an int.
        """
        hidden_units = network.layer_units[1:-1]
        rates = self._dropout_rates(len(hidden_units))
        if not rates.any():
            return None
        generator = getattr(self, "_dropout_generator", None)
        if generator is None or not incremental:
            seed = rng.randint(np.iinfo(np.int32).max)
            generator = self._dropout_generator = np.random.default_rng(seed)
        return Dropout(rates, hidden_units, batch_size, network.dtype, generator)

    def _make_optimizer(self, network):
        n, dtype, rate = network.n_params, network.dtype, self.learning_rate_init
        if self.solver == "sgd":
            schedule = self.learning_rate
            return SGD(
                n,
                dtype,
                rate,
                schedule if schedule in ("invscaling", "adaptive") else "constant",
                self.momentum,
                self.nesterovs_momentum,
                self.power_t,
            )
        if self.solver == "adam":
            return Adam(n, dtype, rate, self.beta_1, self.beta_2, self.epsilon)
        if self.solver == "adamw":
            return AdamW(
                n,
                dtype,
                rate,
                self.beta_1,
                self.beta_2,
                self.epsilon,
                weight_decay=self.weight_decay,
                n_decayed=network.n_coef_params,
            )
        if self.solver == "rmsprop":
            return RMSprop(n, dtype, rate, self.rho, self.epsilon)
        return Adagrad(n, dtype, rate, self.epsilon)

    def _fit_stochastic(self, run, hooks):
        Trainer([run], hooks=[hooks]).run()
        self._optimizer = run.optimizer

    def _model_run(self, network, X, Y, sample_weight, rng, incremental, given=None):
        """Everything one stochastic fit of this estimator needs, drawn from
        ``rng`` in scikit-learn's order (validation split, then dropout).

        ``given`` is the validated ``(X_val, Y_val, sample_weight_val)``
        passed to ``fit``: those rows replace the ``validation_fraction``
        split, and every row of ``X`` is trained on.
        """
        optimizer = getattr(self, "_optimizer", None)
        if not incremental or optimizer is None:
            optimizer = self._optimizer = self._make_optimizer(network)
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        train_index = validation = None
        if given is not None:
            validation = self._validation_set(*given)
        elif self.early_stopping:
            train_index, validation = self._validation_split(
                network, X, Y, sample_weight, rng
            )
        n_train = X.shape[0] if train_index is None else len(train_index)
        batch_size = self._effective_batch_size(n_train)
        settings = TrainingSettings(
            loss=get_loss(self._loss()),
            penalty=Penalty(float(self.alpha), float(self.l1)),
            batch_size=batch_size,
            max_iter=self.max_iter,
            shuffle=self.shuffle,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            incremental=incremental,
            verbose=bool(self.verbose),
            monitor=self.monitor,
            schedule=get_schedule(self.learning_rate),
            scoring=self.scoring,
        )
        dropout = self._dropout(network, batch_size, rng, incremental)
        memory = getattr(self, "_schedule_memory", None)
        if not incremental or memory is None:
            memory = self._schedule_memory = {}
        return ModelRun(
            settings,
            self,
            network,
            optimizer,
            X,
            Y,
            sample_weight,
            train_index,
            validation,
            rng,
            dropout,
            memory,
        )

    def _effective_batch_size(self, n_train):
        """``batch_size`` as scikit-learn resolves it: 'auto' is min(200, n)."""
        if self.batch_size == "auto":
            return min(200, n_train)
        if self.batch_size > n_train:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than "
                "sample size. It is going to be clipped"
            )
        return int(np.clip(self.batch_size, 1, n_train))

    def _validation_split(self, network, X, Y, sample_weight, rng):
        """Hold out ``validation_fraction`` of the rows, as scikit-learn does.

        Returns the training row indices and the
        :class:`~sknumpynn._training.settings.ValidationSet` of the held-out
        rows (the mean loss without weight penalties, and the estimator's
        score). Only the held-out rows are copied.
        """
        stratify = (
            self._decode(Y) if is_classifier(self) and self.n_outputs_ == 1 else None
        )
        train_index, val_index = train_test_split(
            np.arange(X.shape[0]),
            random_state=rng,
            test_size=self.validation_fraction,
            stratify=stratify,
        )
        if len(val_index) < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        sw_val = None if sample_weight is None else sample_weight[val_index]
        return train_index, self._validation_set(X[val_index], Y[val_index], sw_val)

    def _validation_set(self, X_val, Y_val, sample_weight_val):
        """The :class:`ValidationSet` of these rows, scored as this estimator
        scores its validation rows."""
        y_val = self._decode(Y_val) if is_classifier(self) else Y_val
        scorer = None
        if self.scoring is not None:
            scorer = check_scoring(self, self.scoring)
        return ValidationSet(
            X_val, Y_val, y_val, sample_weight_val, self._score_output, scorer, self
        )

    def _validated_validation_data(self, X, Y, validation):
        """``X_val``, ``y_val`` and ``sample_weight_val`` checked against the
        training data (width, outputs, classes) and encoded as ``Y`` is.

        Returns
        -------
        tuple
            ``(X_val, Y_val, sample_weight_val)``, in ``X``'s dtype.
        """
        if self.solver not in STOCHASTIC_SOLVERS:
            raise ValueError(
                "X_val and y_val are passed to fit, but solver='lbfgs' does no "
                "early stopping. Use a stochastic solver (e.g. 'adam') with "
                "early_stopping=True, or do not pass X_val and y_val."
            )
        if not self.early_stopping:
            raise ValueError(
                "X_val and y_val are passed to fit while at the same time "
                "early_stopping is False. When passing X_val and y_val to fit, "
                "early_stopping should be set to True."
            )
        with _naming_the_bad_argument(culprit="X_val"):
            X_val = validate_data(
                self,
                validation["X_val"],
                accept_sparse=["csr", "csc"],
                dtype=X.dtype,
                reset=False,
            )
        with _naming_the_bad_argument(culprit="y_val"):
            Y_val = self._encode_y_val(validation["y_val"], X.dtype)
        check_consistent_length(X_val, Y_val)
        if Y_val.shape[1] != Y.shape[1]:
            raise ValueError(
                f"y_val has {Y_val.shape[1]} encoded outputs, but y has "
                f"{Y.shape[1]}; they must be the same kind of target."
            )
        sample_weight_val = validation["sample_weight_val"]
        if sample_weight_val is not None:
            with _naming_the_bad_argument(culprit="sample_weight_val"):
                sample_weight_val = _validate_sample_weight(sample_weight_val, X_val)
        if sp.issparse(X_val) and X_val.format == "csc":
            X_val = X_val.tocsr()
        return X_val, Y_val, sample_weight_val

    # -- prediction --------------------------------------------------------
