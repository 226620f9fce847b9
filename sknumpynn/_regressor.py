"""NumpyMLPRegressor: a drop-in replacement for scikit-learn's MLPRegressor."""

from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from sknumpynn._base import STOCHASTIC_SOLVERS, BaseNumpyMLP
from sknumpynn._training.setup import validation_arguments
from sknumpynn._utils.docstrings import (
    COMMON_ATTRIBUTES,
    COMMON_PARAMETERS,
    HIDDEN_PARAMETERS,
    fill_doc,
)
from sknumpynn.nn.losses import Loss


class NumpyMLPRegressor(RegressorMixin, BaseNumpyMLP):
    __doc__ = (
        """Multi-layer perceptron regressor on a pure NumPy engine.

    Same parameters, defaults and fitted attributes as
    :class:`sklearn.neural_network.MLPRegressor`: it minimises half the squared
    error (identity output) or half the Poisson deviance (exponential output)
    with L-BFGS, SGD or Adam. On large data it computes in float32
    (see ``dtype``).

    Parameters
    ----------
    loss : {'squared_error', 'poisson', 'absolute_error', 'huber', \
            'quantile'}, default='squared_error'
        Half squared error, or half Poisson deviance for non-negative targets
        (the output is then ``exp`` of the last layer), as in scikit-learn;
        or the outlier-robust absolute error (median regression) or Huber
        loss (quadratic within ``huber_delta`` of the target, linear beyond);
        or the pinball loss of level ``quantile`` (quantile regression:
        ``predict`` estimates that conditional quantile). ``score`` stays
        R^2 whatever the loss, as in scikit-learn.

"""
        + HIDDEN_PARAMETERS
        + "\n"
        + COMMON_PARAMETERS
        + """
    huber_delta : float, default=1.0
        Where the 'huber' loss turns from quadratic to linear, in units of the
        target (standardise the target, e.g. with
        :class:`~sklearn.compose.TransformedTargetRegressor`). Not a
        scikit-learn parameter.

    quantile : float, default=0.5
        The quantile :math:`\\tau \\in (0, 1)` that ``loss='quantile'``
        estimates, with the pinball loss
        :math:`\\max(\\tau (y - p), (\\tau - 1)(y - p))`; unused by the other
        losses. HistGradientBoostingRegressor's name. Not a scikit-learn MLP
        parameter.

    Attributes
    ----------
"""
        + COMMON_ATTRIBUTES
        + """
    out_activation_ : str
        Name of the output activation: 'identity' or 'exp'.

    See Also
    --------
    NumpyMLPClassifier : Multi-layer perceptron classifier.
    sklearn.neural_network.MLPRegressor : The scikit-learn original.

    Notes
    -----
    With several outputs the reported loss sums the per-output losses (the
    quantity whose gradient is followed); scikit-learn reports their mean.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknumpynn import NumpyMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = make_pipeline(StandardScaler(), NumpyMLPRegressor(
    ...     solver="lbfgs", alpha=1.0, max_iter=200, random_state=0))
    >>> reg.fit(X, y).score(X, y) > 0.5
    True
    """
    )

    _parameter_constraints: dict = {
        **BaseNumpyMLP._parameter_constraints,
        "loss": [
            StrOptions(
                {"squared_error", "poisson", "absolute_error", "huber", "quantile"}
            )
        ],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
        "quantile": [Interval(Real, 0, 1, closed="neither")],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dtype="auto",
        dropout=0.0,
        l1=0.0,
        weight_decay=0.01,
        rho=0.9,
        monitor="val_score",
        scoring=None,
        callbacks=None,
        transform_layer=-1,
        huber_delta=1.0,
        quantile=0.5,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            loss=loss,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dtype=dtype,
            dropout=dropout,
            l1=l1,
            weight_decay=weight_decay,
            rho=rho,
            monitor=monitor,
            callbacks=callbacks,
            scoring=scoring,
            transform_layer=transform_layer,
        )
        self.huber_delta = huber_delta
        self.quantile = quantile

    def _validate_input(self, X, y, incremental, reset, dtype):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=True,
            dtype=dtype,
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                f"loss='poisson' requires non-negative y; got a minimum of {np.min(y)}."
            )
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        return X, Y.astype(X.dtype, copy=False)

    def _encode_y_val(self, y_val, dtype):
        """``y_val`` as a 2-D target matrix, checked as ``y`` is."""
        y_val = check_array(y_val, ensure_2d=False, dtype=dtype, input_name="y_val")
        if y_val.ndim == 2 and y_val.shape[1] == 1:
            y_val = column_or_1d(y_val, warn=True)
        if self.loss == "poisson" and np.any(y_val < 0):
            raise ValueError(
                "loss='poisson' requires non-negative y_val; got a minimum of "
                f"{np.min(y_val)}."
            )
        return y_val.reshape(-1, 1) if y_val.ndim == 1 else y_val

    def _loss(self):
        params = {}
        if self.loss == "huber":
            params = {"delta": float(self.huber_delta)}
        elif self.loss == "quantile":
            params = {"quantile": float(self.quantile)}
        return Loss(self.loss, params)

    def _output_activation(self, Y):
        return "exp" if self.loss == "poisson" else "identity"

    def _score_output(self, P, y, sample_weight):
        if not np.isfinite(P).all():
            return np.nan
        return r2_score(y, P, sample_weight=sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    @fill_doc
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        {fit_data}

        {validation_data}

        Returns
        -------
        self : object
            The fitted estimator.
        """
        validation = validation_arguments(X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight, incremental=False, validation=validation)

    @available_if(lambda est: est.solver in STOCHASTIC_SOLVERS)
    @_fit_context(prefer_skip_nested_validation=True)
    @fill_doc
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Only available for the stochastic solvers ('sgd', 'adam').

        Parameters
        ----------
        {X}

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    @fill_doc
    def predict(self, X):
        """Predict using the multi-layer perceptron.

        Parameters
        ----------
        {X}

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        check_is_fitted(self)
        P = self._forward(X)
        return P.ravel() if P.shape[1] == 1 else P

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags
