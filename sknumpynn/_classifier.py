"""NumpyMLPClassifier: a drop-in replacement for scikit-learn's MLPClassifier."""

import numpy as np
from scipy.special import logsumexp
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    type_of_target,
    unique_labels,
)
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
from sknumpynn._utils.validation import _naming_the_bad_argument
from sknumpynn.nn.losses import Loss


class NumpyMLPClassifier(ClassifierMixin, BaseNumpyMLP):
    __doc__ = (
        """Multi-layer perceptron classifier on a pure NumPy engine.

    Same parameters, defaults and fitted attributes as
    :class:`sklearn.neural_network.MLPClassifier`: it minimises the log-loss
    (softmax output for multiclass, logistic outputs for binary and multilabel
    targets) with L-BFGS, SGD or Adam. On large data it computes in float32
    (see ``dtype``).

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
        )
        self.class_weight = class_weight

    def _validate_input(self, X, y, incremental, reset, dtype):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=dtype,
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        f"as in the previous call to fit. Previously got "
                        f"{self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    "`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        Y = self._label_binarizer.transform(y).astype(X.dtype)
        return X, Y

    def _encode_y_val(self, y_val, dtype):
        """``y_val`` encoded as the training targets; its labels must be known."""
        y_val = check_array(y_val, ensure_2d=False, dtype=None, input_name="y_val")
        if y_val.ndim == 2 and y_val.shape[1] == 1:
            y_val = column_or_1d(y_val, warn=True)
        unseen = np.setdiff1d(unique_labels(y_val), self.classes_)
        if len(unseen):
            raise ValueError(
                f"y_val has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes_}. 'y_val' has {unique_labels(y_val)}."
            )
        return self._label_binarizer.transform(y_val).astype(dtype)

    def _loss(self):
        softmax = self.out_activation_ == "softmax"
        return Loss("log_loss" if softmax else "binary_log_loss")

    def _training_sample_weight(self, Y, sample_weight, incremental):
        """``sample_weight`` times the weight of each sample's class."""
        if self.class_weight is None:
            return sample_weight
        if self._label_binarizer.y_type_.startswith("multilabel"):
            raise ValueError(
                "class_weight is not supported for multilabel targets; pass "
                "sample_weight instead."
            )
        if incremental and isinstance(self.class_weight, str):
            raise ValueError(
                "class_weight='balanced' is not supported for partial_fit: the "
                "class frequencies of one batch are not those of the data. Compute "
                "them once with sklearn.utils.class_weight.compute_class_weight and "
                "pass class_weight as a dict."
            )
        index = Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0].astype(np.intp)
        with _naming_the_bad_argument(culprit="class_weight"):
            per_class = compute_class_weight(
                self.class_weight, classes=self.classes_, y=self.classes_[index]
            )
        per_sample = per_class[index]
        return per_sample if sample_weight is None else sample_weight * per_sample

    def _output_activation(self, Y):
        multiclass = self._label_binarizer.y_type_ == "multiclass"
        return "softmax" if multiclass else "logistic"

    def _decode(self, P):
        """Class labels from network outputs (probabilities or indicators)."""
        return self._label_binarizer.inverse_transform(
            P.ravel() if self.n_outputs_ == 1 else P
        )

    def _score_output(self, P, y, sample_weight):
        if not np.isfinite(P).all():
            return np.nan
        return accuracy_score(y, self._decode(P), sample_weight=sample_weight)

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
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
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
        y_prob : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``.
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
        log_y_prob : ndarray of shape (n_samples, n_classes)
            The log-probability of each class, in the order of ``classes_``.
        """
        check_is_fitted(self)
        Z = self._forward(X, output_activation="identity")
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
