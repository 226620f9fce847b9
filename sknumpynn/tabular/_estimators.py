"""TabularMLPClassifier and TabularMLPRegressor: MLPs with defaults for tables."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_y, check_consistent_length, check_is_fitted

from sknumpynn.tabular._base import BaseTabularMLP
from sknumpynn.tabular._engine import EngineClassifier, EngineRegressor

_PARAMETERS = """
    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(128, 128, 128)
        Units of each hidden layer (RealMLP-TD has three layers of 256; half
        the width costs a quarter of the time, see the user guide).
    activation : str, default='elu'
        Hidden activation, any of :class:`~sknumpynn.NumpyMLPClassifier`'s.
        ELU is the engine's closest to RealMLP's SELU (classification) and
        Mish (regression).
    categorical_features : 'from_dtype', array-like or None, default='from_dtype'
        As :class:`~sklearn.ensemble.HistGradientBoostingClassifier`'s:
        'from_dtype' treats DataFrame columns of pandas ``category``, ``object``
        or ``string`` dtype as categorical; or integer indices, feature names
        or a boolean mask; None: every column numeric.
    max_categories : int, default=32
        Inputs per categorical column at most: beyond ``max_categories - 1``
        levels the least frequent share one "infrequent" input.
    numerical_embedding : {'pbld', None}, default='pbld'
        RealMLP's periodic embedding of each numeric feature,
        :math:`(x, V \\cos(2\\pi w x + b) + c)`, 16 frequencies, 3 outputs.
    scaling_layer : bool, default=True
        A learned scale per input of the first layer (initialised at 1).
    data_init : bool, default=False
        RealMLP's data-dependent initialisation on the training rows: each
        layer's weight columns scaled to unit pre-activation standard
        deviation, each bias set so the unit's hyperplane passes through a
        random convex combination of five training rows
        (:mod:`sknumpynn.nn.data_init`).
    learning_rate : {'coslog4', 'cosine', 'constant'}, default='coslog4'
        Epoch schedule: RealMLP's coslog4, cosine annealing, or none.
    learning_rate_init : float, default={lr}
        Peak learning rate of AdamW.
    max_iter : int or 'auto', default='auto'
        Epochs: 'auto' is ``clip(ceil(300_000 / n_train), 16, 128)``, so big
        tables train fewer epochs (RealMLP always trains 256).
    batch_size : int or 'auto', default='auto'
        'auto' is ``clip(n_train // 8, 32, 256)``: 256 rows (RealMLP's) from
        2,048 training rows up, about eight steps per epoch below that.
    beta_1, beta_2 : float, default=0.9, 0.95
        Adam's moment decays; RealMLP's :math:`\\beta_2 = 0.95`.
    weight_decay : float, default=0.02
        AdamW's decoupled decay of the weights (not biases or the input stage),
        :math:`W \\leftarrow (1 - \\eta \\lambda) W` each step.
    dropout : float, default=0.15
        Drop probability after every hidden activation.
    dropout_schedule : {'flat_cos', 'constant'}, default='flat_cos'
        RealMLP's flat-cosine schedule: constant for half the steps, then
        annealed to 0.
    validation_fraction : float or None, default=0.2
        Rows held out (stratified for classifiers) to pick the best epoch,
        whose weights are kept; None trains on every row and keeps the last.
    n_ensemble : int, default=1
        Networks trained together as one stacked deep ensemble
        (:class:`~sknumpynn.ensemble.DeepEnsembleClassifier` /
        :class:`~sknumpynn.ensemble.DeepEnsembleRegressor` over the encoded
        inputs, one shared preprocessing): each its own initial weights and
        batch order, all restored to the best epoch of the *averaged*
        prediction on the one validation split (TabM's rule). Predictions
        average the members; the cost grows about linearly.
    dtype : {'float32', 'float64'}, default='float32'
    random_state : int, RandomState instance or None, default=None
    verbose : bool, default=False
"""

_ATTRIBUTES = """
    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names.
    is_categorical_ : ndarray of bool
        The columns encoded as categories.
    mlp_ : estimator
        The fitted engine MLP (a :class:`~sknumpynn.NumpyMLPClassifier` or
        :class:`~sknumpynn.NumpyMLPRegressor` with the input stage) on the
        encoded inputs; with ``n_ensemble > 1`` the fitted deep ensemble of
        them.
    n_iter_ : int
    loss_curve_ : list of float
    validation_scores_ : list of float or None
    best_validation_score_ : float or None
"""


class TabularMLPClassifier(ClassifierMixin, BaseTabularMLP):
    __doc__ = (
        """MLP classifier with defaults for tables (RealMLP-TD, on our engine).

    Takes a raw table (a DataFrame with categorical and missing values, or an
    array) and preprocesses it inside, fitted on the training rows: robust
    scaling and smooth clipping of numeric columns, missing indicators,
    one-hot categories. The network has RealMLP's periodic numerical
    embeddings and scaling layer; training uses AdamW with
    :math:`\\beta_2 = 0.95`, the coslog4 schedule, scheduled dropout, label
    smoothing, and keeps the best epoch on a validation split. See the user
    guide, :doc:`/user_guide/tabular`, for each default and its source.
"""
        + _PARAMETERS.replace("{lr}", "0.002")
        + """    label_smoothing : float, default=0.1
        Trains on :math:`(1 - \\varepsilon) Y + \\varepsilon / K`. It raises
        accuracy but worsens the log-loss and AUC (probabilities are pulled
        towards uniform): set 0 when probabilities matter.
"""
        + _ATTRIBUTES
        + """    classes_ : ndarray of shape (n_classes,)

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sknumpynn import TabularMLPClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = TabularMLPClassifier(max_iter=20, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """
    )

    _parameter_constraints: dict = {
        **BaseTabularMLP._parameter_constraints,
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(128, 128, 128),
        activation="elu",
        *,
        categorical_features="from_dtype",
        max_categories=32,
        numerical_embedding="pbld",
        scaling_layer=True,
        data_init=False,
        learning_rate="coslog4",
        learning_rate_init=0.002,
        max_iter="auto",
        batch_size="auto",
        beta_1=0.9,
        beta_2=0.95,
        weight_decay=0.02,
        dropout=0.15,
        dropout_schedule="flat_cos",
        validation_fraction=0.2,
        n_ensemble=1,
        label_smoothing=0.1,
        dtype="float32",
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.categorical_features = categorical_features
        self.max_categories = max_categories
        self.numerical_embedding = numerical_embedding
        self.scaling_layer = scaling_layer
        self.data_init = data_init
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.dropout_schedule = dropout_schedule
        self.validation_fraction = validation_fraction
        self.n_ensemble = n_ensemble
        self.label_smoothing = label_smoothing
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Preprocess ``X`` and train the network.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : TabularMLPClassifier
        """
        return self._fit(X, y, sample_weight)

    def _engine_task(self, X, y, sample_weight):
        Xt, sample_weight = self._encode_fit(X, sample_weight)
        y = _check_y(y)
        check_consistent_length(Xt, y)
        check_classification_targets(y)
        params = self._engine_params(Xt.shape[0])
        engine = EngineClassifier(label_smoothing=self.label_smoothing, **params)
        return self._ensembled(engine), (Xt, y, sample_weight)

    def predict(self, X):
        """Class labels of ``X``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows with the training columns (names checked for a DataFrame).

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.mlp_.predict(self._encode(X))

    def predict_proba(self, X):
        """Class probabilities of ``X``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows with the training columns (names checked for a DataFrame).

        Returns
        -------
        P : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        return self.mlp_.predict_proba(self._encode(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, finite (from the logits).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows with the training columns (names checked for a DataFrame).

        Returns
        -------
        log_P : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return self.mlp_.predict_log_proba(self._encode(X))


class TabularMLPRegressor(RegressorMixin, BaseTabularMLP):
    __doc__ = (
        """MLP regressor with defaults for tables (RealMLP-TD, on our engine).

    As :class:`TabularMLPClassifier`, for a numeric target, which is
    standardised for training; predictions are clipped to the training
    targets' range (RealMLP's ``normalize_output``, ``clamp_output``).
"""
        + _PARAMETERS.replace("{lr}", "0.002")
        + _ATTRIBUTES
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sknumpynn import TabularMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = TabularMLPRegressor(max_iter=20, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.4
    True
    """
    )

    _parameter_constraints: dict = {**BaseTabularMLP._parameter_constraints}

    def __init__(
        self,
        hidden_layer_sizes=(128, 128, 128),
        activation="elu",
        *,
        categorical_features="from_dtype",
        max_categories=32,
        numerical_embedding="pbld",
        scaling_layer=True,
        data_init=False,
        learning_rate="coslog4",
        learning_rate_init=0.002,
        max_iter="auto",
        batch_size="auto",
        beta_1=0.9,
        beta_2=0.95,
        weight_decay=0.02,
        dropout=0.15,
        dropout_schedule="flat_cos",
        validation_fraction=0.2,
        n_ensemble=1,
        dtype="float32",
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.categorical_features = categorical_features
        self.max_categories = max_categories
        self.numerical_embedding = numerical_embedding
        self.scaling_layer = scaling_layer
        self.data_init = data_init
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.dropout_schedule = dropout_schedule
        self.validation_fraction = validation_fraction
        self.n_ensemble = n_ensemble
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Preprocess ``X``, standardise ``y`` and train the network.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : TabularMLPRegressor
        """
        return self._fit(X, y, sample_weight)

    def _engine_task(self, X, y, sample_weight):
        Xt, sample_weight = self._encode_fit(X, sample_weight)
        y = _check_y(y, y_numeric=True).astype(np.float64)
        check_consistent_length(Xt, y)
        # Weighted statistics, over the rows that count (weight > 0).
        w = np.ones_like(y) if sample_weight is None else sample_weight
        self.y_mean_ = float(np.average(y, weights=w))
        scale = float(np.sqrt(np.average((y - self.y_mean_) ** 2, weights=w)))
        self.y_scale_ = scale if scale > 0 else 1.0
        self.y_range_ = (float(y[w > 0].min()), float(y[w > 0].max()))
        engine = EngineRegressor(**self._engine_params(Xt.shape[0]))
        yt = (y - self.y_mean_) / self.y_scale_
        return self._ensembled(engine), (Xt, yt, sample_weight)

    def predict(self, X):
        """Predictions for ``X``, within the training targets' range.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows with the training columns (names checked for a DataFrame).

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        P = self.mlp_.predict(self._encode(X)).astype(np.float64)
        return np.clip(P * self.y_scale_ + self.y_mean_, *self.y_range_)
