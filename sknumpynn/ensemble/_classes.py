"""DeepEnsembleClassifier and DeepEnsembleRegressor: K networks, one fit."""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from sknumpynn._classifier import NumpyMLPClassifier
from sknumpynn._regressor import NumpyMLPRegressor
from sknumpynn._training.setup import validation_arguments
from sknumpynn.ensemble._base import BaseDeepEnsemble

_PARAMETERS = """
    Parameters
    ----------
    estimator : estimator, default=None
        The member: one of sknumpynn's estimators (unfitted; cloned). None
        means ``{default}()``.

    n_estimators : int, default=8
        Number of members :math:`K`.

    early_stopping : 'auto' or bool, default='auto'
        Early stopping on the *ensemble*: hold out ``validation_fraction`` of
        the rows once, score the members' mean output on them every epoch,
        stop every member together when that score stalls, and keep every
        member's weights of the ensemble's best epoch. 'auto': on when the
        member has ``early_stopping=True`` (then the members train without
        their own split). When off, each member stops on its own rule and
        equals its own fit with its ``random_state``.

    validation_fraction : float in (0, 1), default=None
        Fraction of the rows held out for the ensemble's early stopping;
        None takes the member's ``validation_fraction``.

    n_iter_no_change : int, default=None
        Epochs without an improvement of the member's ``tol`` in the
        ensemble's monitored value (the member's ``monitor``) before every
        member stops; None takes the member's ``n_iter_no_change``.

    bootstrap : bool, default=False
        Train each member on a bootstrap sample of the training rows (as
        counts multiplied into ``sample_weight``). Deep ensembles usually
        need no bootstrap: the members' own initial weights and batch orders
        make them differ.

    share_batches : bool, default=False
        All members step through one batch order (one shuffle stream): each
        mini-batch is gathered once and their first layers are one batched
        product. Off, each member shuffles with its own seed, so that
        (without ensemble early stopping) every member equals its own fit.

    random_state : int, RandomState instance or None, default=None
        Draws the members' seeds (``estimators_[k].random_state``), the
        ensemble's validation split, the bootstrap samples and the shared
        batch order.

    n_jobs : int, default=None
        Joblib workers for members trained independently (without ensemble
        early stopping and shared batches); one stack otherwise.

    verbose : int, default=0
        Print how the members were trained and the ensemble's epochs.
"""

_ATTRIBUTES = """
    Attributes
    ----------
    estimators_ : list of estimator
        The fitted members, each a fitted estimator of ours that predicts on
        its own (members that diverged are dropped with a warning).
{extra}
    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    n_iter_ : int
        Epochs trained (the longest member's without ensemble early stopping).

    history_ : list of dict
        Per epoch: ``epoch``, ``loss`` (the members' mean training loss),
        ``val_loss`` and ``val_score`` of the ensemble's mean output (None
        without ensemble early stopping); read by
        :class:`~sknumpynn.plotting.LossCurveDisplay`.

    loss_curve_ : list of float
        The members' mean training loss per epoch.

    validation_scores_, validation_loss_curve_ : list of float or None
        The ensemble's validation score and loss per epoch.

    best_validation_score_ : float or None
        The best of ``validation_scores_``.

    best_epoch_ : int or None
        The epoch whose weights every member keeps (ensemble early stopping).
"""


class DeepEnsembleClassifier(ClassifierMixin, BaseDeepEnsemble):
    __doc__ = (
        r"""A deep ensemble of classifiers trained as one stacked network.

    :math:`K` copies of ``estimator``, each from its own random initial
    weights, train in one fit through the stacked engine; the ensemble
    predicts the mean of their probabilities,
    :math:`\bar p(x) = \frac{1}{K} \sum_k p_k(x)`. With early stopping the
    members stop together, on the ensemble's validation score.
"""
        + _PARAMETERS.format(default="NumpyMLPClassifier")
        + _ATTRIBUTES.format(
            extra="""
    classes_ : ndarray of shape (n_classes,)
        The class labels.
"""
        )
        + """
    See Also
    --------
    DeepEnsembleRegressor : The regressor.
    sklearn.ensemble.BaggingClassifier : Members fitted one by one.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.ensemble import DeepEnsembleClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> member = NumpyMLPClassifier(hidden_layer_sizes=(16,), max_iter=100,
    ...                             learning_rate_init=0.01, early_stopping=True,
    ...                             monitor="val_loss")
    >>> clf = DeepEnsembleClassifier(member, n_estimators=4, random_state=0)
    >>> clf.fit(X, y).score(X, y) > 0.9
    True
    >>> len(clf.estimators_), clf.predict_proba(X[:1]).shape
    (4, (1, 3))
    >>> clf.n_iter_ == clf.estimators_[0].n_iter_  # stopped together
    True
    """
    )

    def _default_estimator(self):
        return NumpyMLPClassifier()

    def _validate_target(self, y):
        check_classification_targets(y)
        self.classes_ = LabelBinarizer().fit(y).classes_
        return y

    @_fit_context(prefer_skip_nested_validation=False)
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
        """Fit the members on ``X, y``, as one stacked network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix for multilabel.
        sample_weight : array-like of shape (n_samples,), default=None
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            The ensemble's validation rows, used instead of the
            ``validation_fraction`` split (every row of ``X`` is then trained
            on); needs the ensemble's early stopping.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation rows.

        Returns
        -------
        self : object
        """
        validation = validation_arguments(X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight, validation)

    def predict_proba(self, X):
        """The mean of the members' class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self._mean_over_members("predict_proba", X)

    def predict_log_proba(self, X):
        """The logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """The class of highest mean probability (multilabel: above 1/2).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
        """
        check_is_fitted(self)
        proba = self.predict_proba(X)
        if self._multilabel():
            return (proba > 0.5).astype(self.classes_.dtype)
        if len(self.classes_) == 1:  # the members' one output is always 0
            return np.repeat(self.classes_, proba.shape[0])
        return self.classes_[np.argmax(proba, axis=1)]

    def _multilabel(self):
        return self.estimators_[0]._label_binarizer.y_type_.startswith("multilabel")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class DeepEnsembleRegressor(RegressorMixin, BaseDeepEnsemble):
    __doc__ = (
        r"""A deep ensemble of regressors trained as one stacked network.

    :math:`K` copies of ``estimator``, each from its own random initial
    weights, train in one fit through the stacked engine; the ensemble
    predicts their mean, :math:`\bar f(x) = \frac{1}{K} \sum_k f_k(x)`.
    With early stopping the members stop together, on the ensemble's
    validation score.
"""
        + _PARAMETERS.format(default="NumpyMLPRegressor")
        + _ATTRIBUTES.format(extra="")
        + """
    See Also
    --------
    DeepEnsembleClassifier : The classifier.
    sklearn.ensemble.BaggingRegressor : Members fitted one by one.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknumpynn import NumpyMLPRegressor
    >>> from sknumpynn.ensemble import DeepEnsembleRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> member = NumpyMLPRegressor(hidden_layer_sizes=(16,), max_iter=50,
    ...                            learning_rate_init=0.05)
    >>> reg = make_pipeline(StandardScaler(),
    ...                     DeepEnsembleRegressor(member, random_state=0))
    >>> reg.fit(X, y).score(X, y) > 0.4
    True
    """
    )

    def _default_estimator(self):
        return NumpyMLPRegressor()

    @_fit_context(prefer_skip_nested_validation=False)
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
        """Fit the members on ``X, y``, as one stacked network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            The ensemble's validation rows, used instead of the
            ``validation_fraction`` split (every row of ``X`` is then trained
            on); needs the ensemble's early stopping.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation rows.

        Returns
        -------
        self : object
        """
        validation = validation_arguments(X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight, validation)

    def predict(self, X):
        """The mean of the members' predictions.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        return self._mean_over_members("predict", X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
