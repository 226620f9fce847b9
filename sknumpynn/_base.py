"""The estimators' shared base: parameter validation, fitting, prediction.

scikit-learn glue only; the math is in :mod:`sknumpynn.nn` and the training
loop in :mod:`sknumpynn._training.loop`.
"""

from abc import ABCMeta, abstractmethod
from collections import namedtuple
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    _num_samples,
)

from sknumpynn._prediction import _FLOAT_DTYPES, PredictionMixin
from sknumpynn._training import ledger
from sknumpynn._training.hooks import TrainingHooks
from sknumpynn._training.lbfgs import LbfgsSettings, train_lbfgs
from sknumpynn._training.setup import STOCHASTIC_SOLVERS, StochasticFitMixin
from sknumpynn._training.shared_validation import validate_input
from sknumpynn._utils.parallel import limited_blas_threads
from sknumpynn._utils.validation import (
    _naming_the_bad_argument,
    _validate_sample_weight,
)
from sknumpynn._utils.version import VersionedPickleMixin
from sknumpynn.nn import Network
from sknumpynn.nn.activations import HIDDEN_ACTIVATIONS
from sknumpynn.nn.backprop import Penalty
from sknumpynn.nn.forward import hidden_activations
from sknumpynn.nn.schedules import SCHEDULES

#: What a fit hands from its preparation to its training loop.
#: ``validation`` holds the validated ``X_val``, ``Y_val``, ``sample_weight_val``
#: passed to ``fit`` (None: the ``validation_fraction`` split, if any).
PreparedFit = namedtuple(
    "PreparedFit", "network X Y sample_weight rng hooks validation", defaults=(None,)
)

try:  # scikit-learn >= 1.9: its experimental callbacks (set_callbacks)
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # older scikit-learn: nothing to support

    class CallbackSupportMixin:
        """Stand-in for scikit-learn < 1.9, which has no callback API."""


#: With ``dtype='auto'``, stochastic training on this many rows or more runs in
#: float32; smaller problems follow scikit-learn's precision rule.
AUTO_FLOAT32_MIN_SAMPLES = 10_000


class BaseNumpyMLP(
    PredictionMixin,
    StochasticFitMixin,
    CallbackSupportMixin,
    VersionedPickleMixin,
    BaseEstimator,
    metaclass=ABCMeta,
):
    """Base class of :class:`NumpyMLPClassifier` and :class:`NumpyMLPRegressor`.

    Do not use it directly; use the derived classes.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS)), "array-like"],
        "solver": [StrOptions({"lbfgs", *STOCHASTIC_SOLVERS})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [
            StrOptions({"constant", "invscaling", "adaptive", *SCHEDULES}),
            callable,
        ],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dtype": [
            StrOptions({"auto", "float32", "float64"}),
            Options(type, {np.float32, np.float64}),
            Options(np.dtype, set(_FLOAT_DTYPES)),
        ],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "l1": [Interval(Real, 0, None, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "rho": [Interval(Real, 0, 1, closed="left")],
        "monitor": [StrOptions({"val_score", "val_loss"})],
        "scoring": [str, callable, None],
        "callbacks": [list, None],
        "transform_layer": [Integral],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        solver,
        alpha,
        batch_size,
        learning_rate,
        learning_rate_init,
        power_t,
        max_iter,
        loss,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        beta_1,
        beta_2,
        epsilon,
        n_iter_no_change,
        max_fun,
        dtype,
        dropout,
        l1,
        weight_decay,
        rho,
        monitor,
        callbacks,
        scoring=None,
        transform_layer=-1,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.loss = loss
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dtype = dtype
        self.dropout = dropout
        self.l1 = l1
        self.weight_decay = weight_decay
        self.rho = rho
        self.monitor = monitor
        self.scoring = scoring
        self.transform_layer = transform_layer
        self.callbacks = callbacks

    # -- hooks of the two estimators ---------------------------------------
    @abstractmethod
    def _validate_input(self, X, y, incremental, reset, dtype):
        """Validate ``X, y`` (``X`` converted to ``dtype``); return ``X`` and the
        2-D training target ``Y``."""

    @abstractmethod
    def _loss(self):
        """The engine loss, a :class:`sknumpynn.nn.losses.Loss`."""

    @abstractmethod
    def _score_output(self, P, y, sample_weight):
        """Score network outputs ``P`` against targets ``y`` (validation)."""

    def _network_output(self):
        """The engine's output activation: ``out_activation_``, or a callable
        (the classifier's softmax blocks of a multiclass-multioutput target)."""
        return self.out_activation_

    def _training_sample_weight(self, Y, sample_weight, incremental):
        """The per-sample weights training uses (the classifier folds in
        ``class_weight``)."""
        return sample_weight

    # -- fitting -----------------------------------------------------------
    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if any(not isinstance(s, Integral) or s <= 0 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must contain positive integers, got {sizes}."
            )
        return [int(s) for s in sizes]

    def _compute_dtype(self, X, first_pass):
        """The dtype to train in.

        The existing weights' dtype when warm-starting or in ``partial_fit``;
        else the ``dtype`` parameter, where ``'auto'`` means float32 for the
        stochastic solvers on at least :data:`AUTO_FLOAT32_MIN_SAMPLES` rows
        and otherwise scikit-learn's rule (float32 input trains in float32,
        anything else in float64).
        """
        if not first_pass:
            return self.coefs_[0].dtype
        if not (isinstance(self.dtype, str) and self.dtype == "auto"):
            return np.dtype(self.dtype)  # 'float32', np.float32, np.dtype(...)
        try:
            n_samples = _num_samples(X)
        except TypeError:  # not array-like: validation will say so
            n_samples = 0
        if self.solver in STOCHASTIC_SOLVERS and n_samples >= AUTO_FLOAT32_MIN_SAMPLES:
            return np.dtype(np.float32)
        return (np.float64, np.float32)

    def _fit(self, X, y, sample_weight=None, incremental=False, validation=None):
        """Fit on ``X, y``; ``validation`` is the dict of ``X_val``, ``y_val``
        and ``sample_weight_val`` given to ``fit``, or None."""
        if not incremental and ledger.intercept(self, X, y, sample_weight, validation):
            return self  # served by a search's pre-fit ledger (_training/ledger.py)
        prepared = self._prepare_fit(X, y, sample_weight, incremental, validation)
        with limited_blas_threads():
            self._train(prepared, incremental)
        return self._finish_fit(prepared)

    def _prepare_fit(self, X, y, sample_weight, incremental, validation=None):
        """Validate the data, initialise or check the weights, build the network.

        Returns
        -------
        PreparedFit
            What :meth:`_train` takes: the network (its weights are this
            estimator's ``coefs_``/``intercepts_``), the validated data, the
            random state, the epoch hooks and the validated ``X_val``,
            ``Y_val``, ``sample_weight_val`` (or None).
        """
        hidden = self._hidden_layer_sizes()
        hidden_activations(self.activation, len(hidden))  # fail early, clearly
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        dtype = self._compute_dtype(X, first_pass)
        with _naming_the_bad_argument(X):
            X, Y = validate_input(self, X, y, incremental, first_pass, dtype)
        if sample_weight is not None:
            with _naming_the_bad_argument(culprit="sample_weight"):
                sample_weight = _validate_sample_weight(sample_weight, X)
        sample_weight = self._training_sample_weight(Y, sample_weight, incremental)
        if sp.issparse(X) and X.format == "csc":
            X = X.tocsr()  # row slicing for mini-batches
        if validation is not None:
            validation = self._validated_validation_data(X, Y, validation)
        layer_units = [X.shape[1], *hidden, Y.shape[1]]
        rng = check_random_state(self.random_state)
        if first_pass:
            self._initialize(Y, layer_units, X.dtype, rng)
        elif [c.shape[0] for c in self.coefs_] + [self.n_outputs_] != layer_units:
            raise ValueError(
                "The network's shape changed since the last fit "
                f"({[c.shape[0] for c in self.coefs_] + [self.n_outputs_]} units, now "
                f"{layer_units}); warm_start and partial_fit need the same "
                "hidden_layer_sizes and number of outputs."
            )
        network = Network.from_arrays(
            self.coefs_, self.intercepts_, self.activation, self._network_output()
        )
        # Live views: callbacks see (and may restore) the weights as they train.
        self._adopt_network(network)
        n_epochs = None
        if self.solver in STOCHASTIC_SOLVERS:
            n_epochs = 1 if incremental else self.max_iter
        hooks = TrainingHooks(self, n_epochs, X, y, sample_weight)
        Y = Y.astype(network.dtype, copy=False)
        return PreparedFit(network, X, Y, sample_weight, rng, hooks, validation)

    def _adopt_network(self, network):
        """Take ``network``'s weights as this estimator's (views, not copies).

        Called wherever training ends in another network object than the one
        :meth:`_prepare_fit` built views of (a stack's member copied back,
        a worker's unpickled arrays); an estimator with more parameters than
        ``coefs_`` and ``intercepts_`` takes those too.
        """
        self.coefs_, self.intercepts_ = network.coefs, network.intercepts

    def _finish_fit(self, prepared):
        """Refuse non-finite weights (scikit-learn's error); close the hooks."""
        if not np.isfinite(prepared.network.params).all():
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may "
                "contain large values and need to be preprocessed."
            )
        prepared.hooks.fit_end()
        return self

    def _train(self, prepared, incremental):
        network, X, Y, sample_weight, rng, hooks, validation = prepared
        if self.solver in STOCHASTIC_SOLVERS:
            run = self._model_run(
                network, X, Y, sample_weight, rng, incremental, validation
            )
            self._fit_stochastic(run, hooks)
        else:
            settings = LbfgsSettings(
                self._loss(),
                Penalty(float(self.alpha), float(self.l1)),
                self.max_iter,
                self.max_fun,
                self.tol,
            )
            train_lbfgs(self, network, X, Y, sample_weight, settings, hooks)

    def _initialize(self, Y, layer_units, dtype, rng):
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._output_activation(Y)
        network = Network(layer_units, self.activation, self._network_output(), dtype)
        network.initialize(rng)
        self.coefs_, self.intercepts_ = network.coefs, network.intercepts
        self._best_params = network.params.copy()
        self.history_ = []
        if self.solver in STOCHASTIC_SOLVERS:
            self.loss_curve_ = []
            self._no_improvement_count = 0
            if self.early_stopping:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self.validation_loss_curve_ = []
                self.best_validation_loss_ = np.inf
                self.best_loss_ = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None
                self.validation_loss_curve_ = None
                self.best_validation_loss_ = None

    def __sklearn_is_fitted__(self):
        """Fitted once ``fit`` or ``partial_fit`` has built the weights (the
        fast form of :func:`~sklearn.utils.validation.check_is_fitted`)."""
        return hasattr(self, "coefs_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # transform returns the training dtype: float32 input trains in
        # float32 under dtype='auto' (below AUTO_FLOAT32_MIN_SAMPLES rows).
        auto = isinstance(self.dtype, str) and self.dtype == "auto"
        tags.transformer_tags.preserves_dtype = (
            ["float64", "float32"] if auto else [np.dtype(self.dtype).name]
        )
        return tags
