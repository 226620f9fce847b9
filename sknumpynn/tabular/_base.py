"""The tabular estimators' shared base: parameters, input handling, the engine.

scikit-learn glue only. The preprocessing is in
:mod:`sknumpynn.tabular._encoding`, the engine estimator it trains in
:mod:`sknumpynn.tabular._engine`, the math in :mod:`sknumpynn.nn`.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from sknumpynn._training import ledger
from sknumpynn._utils.validation import (
    _naming_the_bad_argument,
    _validate_sample_weight,
)
from sknumpynn._utils.version import VersionedPickleMixin
from sknumpynn.nn.activations import HIDDEN_ACTIVATIONS
from sknumpynn.nn.tabular_schedules import CosLog4
from sknumpynn.tabular._encoding import (
    TabularEncoder,
    _frame_columns,
    _is_frame,
    categorical_mask,
)

#: ``max_iter='auto'``: about this many training rows processed in all, as
#: epochs of the training split, between the two bounds below.
ROW_BUDGET = 300_000
MIN_EPOCHS, MAX_EPOCHS = 16, 128


#: ``batch_size='auto'``: at least this many steps per epoch, in batches of
#: this many rows at least and at most.
MIN_STEPS_PER_EPOCH, MIN_BATCH, MAX_BATCH = 8, 32, 256


def auto_batch_size(n_train):
    """Batch size of ``batch_size='auto'`` for ``n_train`` training rows:
    ``clip(n_train // 8, 32, 256)``, so a small table takes about eight
    optimizer steps per epoch instead of one or two (no larger than the data)."""
    size = int(np.clip(n_train // MIN_STEPS_PER_EPOCH, MIN_BATCH, MAX_BATCH))
    return min(size, max(1, n_train))


def auto_epochs(n_train):
    """Epochs of ``max_iter='auto'`` for ``n_train`` training rows:
    ``clip(ceil(ROW_BUDGET / n_train), MIN_EPOCHS, MAX_EPOCHS)``."""
    return int(np.clip(np.ceil(ROW_BUDGET / max(1, n_train)), MIN_EPOCHS, MAX_EPOCHS))


class BaseTabularMLP(VersionedPickleMixin, BaseEstimator):
    """Base class of :class:`TabularMLPClassifier` and :class:`TabularMLPRegressor`.

    Do not use it directly; use the derived classes.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS))],
        "categorical_features": ["array-like", StrOptions({"from_dtype"}), None],
        "max_categories": [Interval(Integral, 2, None, closed="left")],
        "numerical_embedding": [StrOptions({"pbld"}), None],
        "scaling_layer": ["boolean"],
        "data_init": ["boolean"],
        "learning_rate": [StrOptions({"coslog4", "cosine", "constant"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dropout_schedule": [StrOptions({"flat_cos", "constant"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "n_ensemble": [Interval(Integral, 1, None, closed="left")],
        "dtype": [StrOptions({"float32", "float64"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def _encode_fit(self, X, sample_weight):
        """Validate ``X`` (and ``sample_weight``), fit the encoder on it and
        return the encoded rows and the weights."""
        columns = self._columns(X, reset=True)
        if sample_weight is not None:
            with _naming_the_bad_argument(culprit="sample_weight"):
                sample_weight = _validate_sample_weight(
                    sample_weight, np.empty((len(columns[0]), 0))
                )
        names = getattr(self, "feature_names_in_", None)
        self.is_categorical_ = categorical_mask(
            self.categorical_features, X, self._from_dtype, names
        )
        self._encoder = TabularEncoder(self.is_categorical_, self.max_categories, names)
        return self._encoder.fit_transform(columns, sample_weight), sample_weight

    def _encode(self, X):
        """Validate new rows (fitted width and names) and encode them."""
        check_is_fitted(self)
        return self._encoder.transform(self._columns(X, reset=False))

    def _columns(self, X, reset):
        """The columns of ``X`` as arrays, after scikit-learn's checks."""
        if _is_frame(X):
            validate_data(self, X, skip_check_array=True, reset=reset)
            if X.shape[0] < (2 if reset else 1):
                raise ValueError(
                    f"Found array with {X.shape[0]} sample(s) (shape={X.shape}) while a"
                    f" minimum of {2 if reset else 1} is required."
                )
            columns, from_dtype = _frame_columns(X)
        else:
            declared = self.categorical_features not in (None, "from_dtype")
            X = validate_data(
                self,
                X,
                reset=reset,
                dtype=None if declared else "numeric",
                ensure_all_finite=False if declared else "allow-nan",
                ensure_min_samples=2 if reset else 1,
            )
            if declared and X.dtype.kind not in "OUS":
                X = X.astype(np.float64)
            columns = list(X.T)
            from_dtype = np.array([X.dtype.kind in "OUS"] * X.shape[1], dtype=bool)
        if reset:
            self._from_dtype = from_dtype
        return columns

    def _engine_params(self, n_samples):
        """The engine estimator's parameters for ``n_samples`` training rows."""
        fraction = self.validation_fraction
        n_train = n_samples - (int(np.ceil(fraction * n_samples)) if fraction else 0)
        schedule = {"coslog4": CosLog4(), "cosine": "cosine"}.get(
            self.learning_rate, "constant"
        )
        return dict(
            n_numeric=self._encoder.n_numeric if self.numerical_embedding else None,
            scaling_layer=self.scaling_layer,
            data_init=self.data_init,
            dropout_schedule=self.dropout_schedule,
            hidden_layer_sizes=self.hidden_layer_sizes,
            activation=self.activation,
            solver="adamw",
            alpha=0.0,
            batch_size=auto_batch_size(n_train)
            if self.batch_size == "auto"
            else min(self.batch_size, max(1, n_train)),
            learning_rate=schedule,
            learning_rate_init=self.learning_rate_init,
            max_iter=auto_epochs(n_train) if self.max_iter == "auto" else self.max_iter,
            random_state=self.random_state,
            tol=0.0,
            verbose=self.verbose,
            early_stopping=bool(fraction),
            validation_fraction=fraction or 0.1,
            beta_1=self.beta_1,
            beta_2=self.beta_2,
            n_iter_no_change=np.inf,
            dtype=self.dtype,
            dropout=self.dropout,
            weight_decay=self.weight_decay,
            monitor="val_score",
        )

    def _fit(self, X, y, sample_weight):
        """Preprocess, train the engine estimator, adopt it.

        A search's pre-fit ledger may serve the whole fit
        (:func:`~sknumpynn._training.ledger.intercept`): our searches train
        the engine estimators of every candidate x fold stacked
        (:func:`~sknumpynn._training.together.fit_together` calls
        :meth:`_engine_task` and :meth:`_adopt_engine` itself).
        """
        if ledger.intercept(self, X, y, sample_weight):
            return self
        engine, (Xt, yt, sample_weight) = self._engine_task(X, y, sample_weight)
        engine.fit(Xt, yt, sample_weight=sample_weight)
        return self._adopt_engine(engine)

    def _engine_task(self, X, y, sample_weight):
        """What ``fit`` does before training: the unfitted engine estimator
        and the data it trains on, ``(Xt, yt, sample_weight)``; the encoder
        and the target statistics are set on ``self``."""
        raise NotImplementedError

    def _ensembled(self, engine):
        """``engine``, or with ``n_ensemble > 1`` a deep ensemble of it (one
        stack, early-stopped on the ensemble's validation score when the
        engine holds out a split; members seeded from ``random_state``)."""
        if self.n_ensemble == 1:
            return engine
        from sknumpynn.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor

        kind = DeepEnsembleClassifier if is_classifier(self) else DeepEnsembleRegressor
        return kind(engine, self.n_ensemble, random_state=self.random_state)

    def _adopt_engine(self, engine):
        """Take the fitted ``engine``: ``mlp_`` and its curves (the number
        of epochs is the schedule's: no convergence warning at ``max_iter``)."""
        self.mlp_ = engine
        self.n_iter_ = engine.n_iter_
        self.loss_curve_ = engine.loss_curve_
        self.validation_scores_ = getattr(engine, "validation_scores_", None)
        self.best_validation_score_ = getattr(engine, "best_validation_score_", None)
        if hasattr(engine, "classes_"):
            self.classes_ = engine.classes_
        return self

    def __sklearn_is_fitted__(self):
        return hasattr(self, "mlp_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
