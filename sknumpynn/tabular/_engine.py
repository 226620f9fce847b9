"""The engine estimators under the tabular ones: our MLPs plus an input stage.

:class:`EngineClassifier` and :class:`EngineRegressor` are
:class:`~sknumpynn.NumpyMLPClassifier` / :class:`~sknumpynn.NumpyMLPRegressor`
(every engine option: ``solver='adamw'``, schedules, dropout, early stopping
that restores the best epoch) with six additions, each a small override:

- the network is a :class:`~sknumpynn.nn.staged.StagedNetwork` (PBLD
  embedding + scaling layer before the first dense layer) when
  ``n_numeric`` is set: ``_initialize`` sizes the first layer for the
  stage and draws its parameters, ``_prepare_fit`` builds the staged
  network (alone or in a stack of ``fit_together``, the same) and
  ``_forward`` predicts through it;
- a :class:`~sknumpynn.nn.tabular_schedules.CosLog4` schedule starts at its
  first epoch's rate (``_make_optimizer``);
- dropout follows flat-cosine (``_dropout``, ``dropout_schedule``);
- the classifier trains on smoothed labels (``label_smoothing``);
- no ``ConvergenceWarning`` at ``max_iter``, the schedule's planned length
  (``_model_run``; divergence still warns);
- ``data_init``: RealMLP's data-dependent initialisation
  (:mod:`sknumpynn.nn.data_init`) on the training rows, after the
  validation split (``_model_run``).

They are private: the tabular estimators build them, already preprocessed.
"""

from dataclasses import replace

import numpy as np

from sknumpynn._classifier import NumpyMLPClassifier
from sknumpynn._regressor import NumpyMLPRegressor
from sknumpynn._utils.parallel import limited_blas_threads
from sknumpynn.nn.data_init import data_dependent_init
from sknumpynn.nn.embeddings import PeriodicScalingStage
from sknumpynn.nn.staged import StagedNetwork, staged_forward_pass
from sknumpynn.nn.tabular_schedules import CosLog4, ScheduledDropout, steps_per_epoch

#: Rows per prediction chunk of a staged network.
_CHUNK = 4096


class _StagedMixin:
    """The overrides shared by the two engine estimators."""

    @classmethod
    def _get_param_names(cls):
        # Every parameter of the MLP below too (``**params`` hides them from
        # scikit-learn's signature inspection): clone and get_params see all.
        inherited = cls._ENGINE_BASE._get_param_names()
        return sorted(set(super()._get_param_names()) | set(inherited))

    def _fit(self, X, y, sample_weight=None, incremental=False, validation=None):
        # BaseNumpyMLP._fit without the search ledger's hook: the tabular
        # estimator around this one is what a search sees, and this fit must
        # always train.
        prepared = self._prepare_fit(X, y, sample_weight, incremental, validation)
        with limited_blas_threads():
            self._train(prepared, incremental)
        return self._finish_fit(prepared)

    def _stage_for(self, n_features):
        if self.n_numeric is None:
            return None
        return PeriodicScalingStage(
            n_features, self.n_numeric, scaling=self.scaling_layer
        )

    def _initialize(self, Y, layer_units, dtype, rng):
        stage = self._stage_for(layer_units[0])
        self._stage = stage
        units = list(layer_units)
        if stage is not None:
            units[0] = stage.n_out
        super()._initialize(Y, units, dtype, rng)
        if stage is not None:
            self.stage_params_ = stage.initialize(rng, dtype)
            self._best_params = np.concatenate([self._best_params, self.stage_params_])

    def _prepare_fit(self, X, y, sample_weight, incremental, validation=None):
        """:meth:`BaseNumpyMLP._prepare_fit`, its network with the input stage:
        a :class:`StagedNetwork` holding the dense weights and
        ``stage_params_``, whose views the estimator takes (so a stack of
        these fits, ``fit_together``, trains the staged networks too)."""
        prepared = super()._prepare_fit(X, y, sample_weight, incremental, validation)
        if self._stage is None:
            return prepared
        network = prepared.network
        staged = StagedNetwork(
            network.layer_units,
            network.activation,
            network.output_activation,
            network.dtype,
            stage=self._stage,
        )
        staged.params[: network.n_params] = network.params
        staged.stage_params[...] = self.stage_params_
        self._adopt_network(staged)
        return prepared._replace(network=staged)

    def _adopt_network(self, network):
        super()._adopt_network(network)
        if isinstance(network, StagedNetwork):
            self.stage_params_ = network.stage_params

    def _make_optimizer(self, network):
        optimizer = super()._make_optimizer(network)
        if isinstance(self.learning_rate, CosLog4):
            rate = self.learning_rate.first_rate(self.learning_rate_init, self.max_iter)
            optimizer.set_hyperparameter("learning_rate", None, rate)
        return optimizer

    def _dropout(self, network, batch_size, rng, incremental=False):
        dropout = super()._dropout(network, batch_size, rng, incremental)
        if dropout is None or self.dropout_schedule == "constant":
            return dropout
        n_train = self._n_train
        n_steps = self.max_iter * steps_per_epoch(n_train, batch_size)
        units = network.layer_units[1:-1]
        return ScheduledDropout(
            dropout.rates, units, batch_size, network.dtype, dropout.rng, n_steps
        )

    def _model_run(self, network, X, Y, sample_weight, rng, incremental, given=None):
        held_out = self.validation_fraction * (self.early_stopping and given is None)
        self._n_train = X.shape[0] - int(np.ceil(held_out * X.shape[0]))
        run = super()._model_run(network, X, Y, sample_weight, rng, incremental, given)
        # max_iter is the schedule's planned length here, not a limit; of
        # epochs tied for the best validation value, the last is kept (RealMLP).
        run.settings = replace(run.settings, warn_max_iter=False, keep_last_best=True)
        if self.data_init and self.n_iter_ == 0:  # fresh weights, not warm ones
            rows = X if run.train_index is None else X[run.train_index]
            data_dependent_init(network, rows, rng)  # after the split: its rows only
            self._best_params[...] = network.params
        return run

    def _prediction_weights(self):
        """The weights in float64 whatever the training dtype: float32 BLAS
        products round a row differently with its position in the batch (a
        float32 model fails scikit-learn's ``check_methods_sample_order_invariance``
        by one ulp on some kernels), float64 ones far below any tolerance of it."""
        return tuple(
            [w.astype(np.float64, copy=False) for w in ws]
            for ws in (self.coefs_, self.intercepts_)
        )

    def _forward(self, X, output_activation=None):
        if self._stage is None:
            return super()._forward(X, output_activation)
        X = self._validate_predict_input(X)
        return staged_forward_pass(
            X,
            self._stage,
            self.stage_params_.astype(np.float64, copy=False),
            self._prediction_weights(),
            (self.activation, output_activation or self.out_activation_),
            batch_size=_CHUNK,
        )


class EngineClassifier(_StagedMixin, NumpyMLPClassifier):
    """:class:`NumpyMLPClassifier` with an input stage and label smoothing.

    ``label_smoothing`` :math:`\\varepsilon` trains on
    :math:`(1 - \\varepsilon) Y + \\varepsilon / K` (:math:`K` classes; 2 for
    one logistic output).
    """

    _ENGINE_BASE = NumpyMLPClassifier

    def __init__(
        self,
        n_numeric=None,
        scaling_layer=True,
        label_smoothing=0.0,
        dropout_schedule="constant",
        data_init=False,
        **params,
    ):
        super().__init__(**params)
        self.n_numeric = n_numeric
        self.scaling_layer = scaling_layer
        self.label_smoothing = label_smoothing
        self.dropout_schedule = dropout_schedule
        self.data_init = data_init

    def _validate_input(self, X, y, incremental, reset, dtype):
        X, Y = super()._validate_input(X, y, incremental, reset, dtype)
        eps = self.label_smoothing
        if eps:
            n_classes = max(2, Y.shape[1])
            Y = (1.0 - eps) * Y + eps / n_classes
        return X, Y


class EngineRegressor(_StagedMixin, NumpyMLPRegressor):
    """:class:`NumpyMLPRegressor` with an input stage."""

    _ENGINE_BASE = NumpyMLPRegressor

    def __init__(
        self,
        n_numeric=None,
        scaling_layer=True,
        dropout_schedule="constant",
        data_init=False,
        **params,
    ):
        super().__init__(**params)
        self.n_numeric = n_numeric
        self.scaling_layer = scaling_layer
        self.dropout_schedule = dropout_schedule
        self.data_init = data_init
