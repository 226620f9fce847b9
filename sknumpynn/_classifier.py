"""NumpyMLPClassifier: a drop-in replacement for scikit-learn's MLPClassifier."""

import numpy as np
from scipy.special import logsumexp
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    type_of_target,
)
from sklearn.utils.validation import (
    check_is_fitted,
)

from sknumpynn._base import STOCHASTIC_SOLVERS, BaseNumpyMLP
from sknumpynn._labels import ClassifierTargetsMixin
from sknumpynn._training.setup import validation_arguments
from sknumpynn._utils.docstrings import (
    COMMON_ATTRIBUTES,
    COMMON_PARAMETERS,
    HIDDEN_PARAMETERS,
    fill_doc,
)
from sknumpynn.nn.losses import Loss


class NumpyMLPClassifier(ClassifierMixin, ClassifierTargetsMixin, BaseNumpyMLP):
    __doc__ = (
        """Multi-layer perceptron classifier on a pure NumPy engine.

    Same parameters, defaults and fitted attributes as
    :class:`sklearn.neural_network.MLPClassifier`: it minimises the log-loss
    (softmax output for multiclass, logistic outputs for binary and multilabel
    targets, one softmax block per column for multiclass-multioutput targets)
    with L-BFGS, SGD or Adam. On large data it computes in float32 (see
    ``dtype``).

    Parameters
    ----------
"""
        + HIDDEN_PARAMETERS
        + "\n"
        + COMMON_PARAMETERS
        + """
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, ``{class_label: weight}``, multiplied into
        ``sample_weight``; 'balanced' uses
        ``n_samples / (n_classes * np.bincount(y))``. Classes missing from a
        dict weigh 1. Single-output targets only; ``partial_fit`` accepts a
        dict but not 'balanced' (one batch's frequencies are not the data's).
        Not a scikit-learn parameter (a long-standing request there).

    Attributes
    ----------
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels for each output.

"""
        + COMMON_ATTRIBUTES
        + """
    out_activation_ : str
        Name of the output activation: 'softmax' or 'logistic'.

    See Also
    --------
    NumpyMLPRegressor : Multi-layer perceptron regressor.
    sklearn.neural_network.MLPClassifier : The scikit-learn original.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknumpynn import NumpyMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(),
    ...                     NumpyMLPClassifier(max_iter=500, random_state=0))
    >>> clf.fit(X, y).score(X, y) > 0.95
    True
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    """
    )

    _parameter_constraints: dict = {
        **BaseNumpyMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
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
        class_weight=None,
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
            loss="log_loss",
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
        self.class_weight = class_weight

    def _loss(self):
        softmax = self.out_activation_ == "softmax"
        return Loss("log_loss" if softmax else "binary_log_loss")

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
        {X}

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix for multilabel.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights, not all zero.

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
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Only available for the stochastic solvers ('sgd', 'adam').

        Parameters
        ----------
        {X}

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        classes : array of shape (n_classes,), default=None
            All classes across all calls to partial_fit, e.g.
            ``np.unique(y_all)``. Required on the first call, may be omitted
            afterwards; ``y`` need not contain every class.

        Returns
        -------
        self : object
            The updated estimator.
        """
        if type_of_target(y, input_name="y") == "multiclass-multioutput":
            raise ValueError(
                "partial_fit does not support multiclass-multioutput targets; use "
                "fit (with warm_start=True to continue training)."
            )
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y, input_name="y").startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    @fill_doc
    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        {X}

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted classes (one column per output for multilabel and
            multiclass-multioutput targets).
        """
        check_is_fitted(self)
        return self._decode(self._forward(X))

    @fill_doc
    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        {X}

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes) or list of ndarray
            Probability of each class, in the order of ``classes_``; for a
            multiclass-multioutput target, one such array per output (the
            convention of scikit-learn's multi-output classifiers).
        """
        check_is_fitted(self)
        P = self._forward(X)
        if self.out_activation_ == "logistic":
            # expit saturates to exactly 0 or 1 in floating point; keep each
            # probability inside (0, 1), as the log-loss does when training.
            eps = np.finfo(P.dtype).eps
            np.clip(P, eps, 1 - eps, out=P)
        else:  # softmax: no exact zeros, so log(P) is finite
            np.maximum(P, np.finfo(P.dtype).tiny, out=P)
        if self.n_outputs_ == 1:
            P = P.ravel()
            return np.column_stack([1 - P, P])
        if self._is_multioutput():
            return self._label_binarizer.blocks(P)
        return P

    @fill_doc
    def predict_log_proba(self, X):
        """Logarithm of the probability estimates, computed from the logits.

        Softmax outputs use :math:`\\log p_k = z_k - \\operatorname{logsumexp}(z)`
        and logistic ones :math:`\\log p = -\\log(1 + e^{-z})`, so extreme
        logits never give ``-inf`` or NaN. Both stay equal to
        ``log(predict_proba(X))``: probabilities are kept at or above the
        dtype's smallest normal number (softmax) or within
        :math:`[\\epsilon, 1 - \\epsilon]` (logistic), as in training.

        Parameters
        ----------
        {X}

        Returns
        -------
        log_y_prob : ndarray of shape (n_samples, n_classes) or list of ndarray
            The log-probability of each class, in the order of ``classes_``
            (one array per output for a multiclass-multioutput target).
        """
        check_is_fitted(self)
        Z = self._forward(X, output_activation="identity")
        if self._is_multioutput():
            floor = np.log(np.finfo(Z.dtype).tiny)
            return [
                np.maximum(z - logsumexp(z, axis=1, keepdims=True), floor)
                for z in self._label_binarizer.blocks(Z)
            ]
        if self.out_activation_ == "softmax":
            log_p = Z - logsumexp(Z, axis=1, keepdims=True)
            return np.maximum(log_p, np.log(np.finfo(Z.dtype).tiny), out=log_p)
        # Logistic outputs: log p = -log(1 + e^-z), kept within the same
        # [eps, 1 - eps] as predict_proba so that both agree.
        eps = np.finfo(Z.dtype).eps
        low, high = np.log(eps), np.log1p(-eps)
        log_p = np.clip(-np.logaddexp(0, -Z), low, high)
        if self.n_outputs_ == 1:
            log_q = np.clip(-np.logaddexp(0, Z), low, high)
            return np.column_stack([log_q.ravel(), log_p.ravel()])
        return log_p

    @fill_doc
    def score(self, X, y, sample_weight=None):
        """Mean accuracy on the given data: exact-match (subset) accuracy for
        multilabel and multiclass-multioutput targets.

        A row counts as right when every one of its outputs is, as
        :func:`~sklearn.metrics.accuracy_score` scores multilabel targets and
        scikit-learn's ``MultiOutputClassifier.score`` multi-output ones.

        Parameters
        ----------
        {X}

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            The (weighted) fraction of rows predicted right.
        """
        check_is_fitted(self)
        if not self._is_multioutput():
            return super().score(X, y, sample_weight=sample_weight)
        return _subset_accuracy(y, self.predict(X), sample_weight)

    def _score_output(self, P, y, sample_weight):
        if not np.isfinite(P).all():
            return np.nan
        if self._is_multioutput():
            return _subset_accuracy(y, self._decode(P), sample_weight)
        return accuracy_score(y, self._decode(P), sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _subset_accuracy(y, y_pred, sample_weight):
    """Weighted fraction of rows whose every output is right."""
    right = np.all(np.asarray(y) == y_pred, axis=1)
    return float(np.average(right, weights=sample_weight))
