"""The deep ensembles' shared base: parameters, data, members, stopping."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from sknumpynn._base import STOCHASTIC_SOLVERS, BaseNumpyMLP
from sknumpynn._utils.validation import (
    _naming_the_bad_argument,
    _validate_sample_weight,
)
from sknumpynn._utils.version import VersionedPickleMixin
from sknumpynn.ensemble._fit import fit_members

_MAX_SEED = np.iinfo(np.int32).max


class BaseDeepEnsemble(VersionedPickleMixin, BaseEstimator):
    """Base class of :class:`DeepEnsembleClassifier` and
    :class:`DeepEnsembleRegressor`; do not use it directly."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": [StrOptions({"auto"}), "boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "bootstrap": ["boolean"],
        "share_batches": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=8,
        *,
        early_stopping="auto",
        validation_fraction=None,
        n_iter_no_change=None,
        bootstrap=False,
        share_batches=False,
        random_state=None,
        n_jobs=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.bootstrap = bootstrap
        self.share_batches = share_batches
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # -- what the two estimators define -------------------------------------
    def _default_estimator(self):
        raise NotImplementedError

    def _validate_target(self, y):
        """``y`` checked (and for the classifier, ``classes_`` set)."""
        return y

    # -- validation ----------------------------------------------------------
    def _member_template(self):
        """A clone of ``estimator`` (or the default), checked to be ours."""
        estimator = self.estimator
        template = self._default_estimator() if estimator is None else clone(estimator)
        kind = "classifier" if is_classifier(self) else "regressor"
        if not isinstance(template, BaseNumpyMLP):
            raise TypeError(
                f"{type(self).__name__} trains its members as one stacked network "
                "and needs one of sknumpynn's estimators as `estimator` (for "
                "instance NumpyMLPClassifier or NumpyMLPRegressor), got "
                f"{type(template).__name__}. For other estimators use "
                f"sklearn.ensemble.Bagging{kind.capitalize()} or Voting"
                f"{kind.capitalize()}."
            )
        if is_classifier(template) != is_classifier(self):
            raise ValueError(
                f"The estimator {type(template).__name__} should be a {kind}."
            )
        return template

    def _uses_early_stopping(self, template):
        """The ensemble's early stopping: 'auto' follows the member's."""
        if self.early_stopping == "auto":
            return bool(template.early_stopping) and template.solver != "lbfgs"
        if self.early_stopping and template.solver not in STOCHASTIC_SOLVERS:
            raise ValueError(
                "early_stopping=True needs a stochastic solver "
                f"({', '.join(STOCHASTIC_SOLVERS)}); the estimator's solver is "
                f"{template.solver!r}."
            )
        return bool(self.early_stopping)

    def _validate_fit_data(self, template, X, y, sample_weight):
        """``X`` in the members' dtype, ``y`` checked, weights validated."""
        dtype = template._compute_dtype(X, first_pass=True)
        with _naming_the_bad_argument(X):
            X, y = validate_data(
                self,
                X,
                y,
                accept_sparse="csr",
                multi_output=True,
                y_numeric=not is_classifier(self),
                dtype=dtype,
            )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        y = self._validate_target(y)
        if sample_weight is not None:
            with _naming_the_bad_argument(culprit="sample_weight"):
                sample_weight = _validate_sample_weight(sample_weight, X)
        return X, y, sample_weight

    # -- fitting -------------------------------------------------------------
    def _fit(self, X, y, sample_weight=None, validation=None):
        template = self._member_template()
        X, y, sample_weight = self._validate_fit_data(template, X, y, sample_weight)
        early_stopping = self._uses_early_stopping(template)
        if validation is not None and not early_stopping:
            raise ValueError(
                "X_val and y_val are passed to fit while the ensemble's early "
                "stopping is off. When passing X_val and y_val to fit, set "
                "early_stopping=True (or give the member early_stopping=True)."
            )
        rng = check_random_state(self.random_state)
        seeds = rng.randint(_MAX_SEED, size=self.n_estimators)
        members = [clone(template).set_params(random_state=int(s)) for s in seeds]
        options = {
            "n_jobs": self.n_jobs,
            "verbose": self.verbose,
            "bootstrap": self.bootstrap,
        }
        train = np.arange(X.shape[0])
        if early_stopping:
            if validation is None:
                train, options["validation"] = self._split(
                    template, X, y, sample_weight, rng
                )
            else:
                options["validation"] = self._given_validation(X, validation)
            options["n_iter_no_change"] = (
                template.n_iter_no_change
                if self.n_iter_no_change is None
                else self.n_iter_no_change
            )
            for member in members:
                member.set_params(early_stopping=False)
        if self.share_batches:
            options["shared_seed"] = int(rng.randint(_MAX_SEED))
        datasets = self._member_data(X, y, sample_weight, train, rng)
        results, rule = fit_members(members, datasets, options)
        self._keep_members(results, rule)
        self._record_curves(rule)
        return self

    def _split(self, template, X, y, sample_weight, rng):
        """Training rows and the ensemble's validation rows, stratified for
        single-output classification (as scikit-learn's MLP splits) where
        every class has two rows and the split can hold each class."""
        fraction = self.validation_fraction
        if fraction is None:
            fraction = template.validation_fraction
        stratify = None
        if is_classifier(self) and y.ndim == 1:
            _, counts = np.unique(y, return_counts=True)
            n_val = int(np.ceil(fraction * X.shape[0]))
            if counts.min() >= 2 and len(counts) <= min(n_val, X.shape[0] - n_val):
                stratify = y
        train, val = train_test_split(
            np.arange(X.shape[0]),
            test_size=fraction,
            random_state=rng,
            stratify=stratify,
        )
        if len(val) < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        sw_val = None if sample_weight is None else sample_weight[val]
        return np.sort(train), (X[val], y[val], sw_val)

    def _given_validation(self, X, validation):
        """``fit``'s ``X_val``, ``y_val``, ``sample_weight_val``, validated."""
        with _naming_the_bad_argument(culprit="X_val"):
            X_val = validate_data(
                self,
                validation["X_val"],
                accept_sparse="csr",
                dtype=X.dtype,
                reset=False,
            )
        y_val = np.asarray(validation["y_val"])
        if y_val.ndim == 2 and y_val.shape[1] == 1:
            y_val = column_or_1d(y_val, warn=True)
        check_consistent_length(X_val, y_val)
        sw_val = validation["sample_weight_val"]
        if sw_val is not None:
            with _naming_the_bad_argument(culprit="sample_weight_val"):
                sw_val = _validate_sample_weight(sw_val, X_val)
        return X_val, y_val, sw_val

    def _member_data(self, X, y, sample_weight, train, rng):
        """``(X, y, sample_weight)`` per member: the training rows, with
        bootstrap counts multiplied into the weights when ``bootstrap``."""
        whole = len(train) == X.shape[0]
        X_train = X if whole else X[train]
        y_train = y if whole else y[train]
        sw = None if sample_weight is None else sample_weight[train]
        if not self.bootstrap:
            return [(X_train, y_train, sw)] * self.n_estimators
        datasets = []
        for _ in range(self.n_estimators):
            draws = rng.randint(len(train), size=len(train))
            counts = np.bincount(draws, minlength=len(train)).astype(X.dtype)
            datasets.append((X_train, y_train, counts if sw is None else counts * sw))
        return datasets

    def _keep_members(self, results, rule):
        """The members that trained; the others dropped with a warning."""
        diverged = set(getattr(rule, "diverged_", ()))
        kept, errors = [], []
        for index, (fitted, error) in enumerate(results):
            if error is None and index not in diverged:
                kept.append(fitted)
            else:
                errors.append((index, error))
        if not kept:
            first = next((error for _, error in errors if error is not None), None)
            reason = (
                f"the first one's error: {first}"
                if first is not None
                else "their training diverged. Scale the features (e.g. "
                "StandardScaler) or lower learning_rate_init."
            )
            raise ValueError(
                f"All {len(results)} members of {type(self).__name__} failed to "
                f"train; {reason}"
            ) from first
        if errors:
            warnings.warn(
                f"{len(errors)} of {len(results)} members of {type(self).__name__} "
                f"diverged or failed to train and were dropped (members "
                f"{[index for index, _ in errors]}); the ensemble averages the "
                f"other {len(kept)}.",
                UserWarning,
            )
        self.estimators_ = kept

    def _record_curves(self, rule):
        """``n_iter_``, ``history_`` and the curves of the ensemble."""
        if rule is not None:
            self.history_ = rule.history_
            self.loss_curve_ = rule.loss_curve_
            self.validation_scores_ = rule.validation_scores_
            self.validation_loss_curve_ = rule.validation_loss_curve_
            self.best_validation_score_ = rule.best_validation_score_
            self.best_epoch_ = rule.best_epoch_
            self.n_iter_ = len(rule.loss_curve_)
            return
        curves = [m.loss_curve_ for m in self.estimators_ if hasattr(m, "loss_curve_")]
        self.n_iter_ = max(m.n_iter_ for m in self.estimators_)
        n_epochs = max((len(c) for c in curves), default=0)
        self.loss_curve_ = [
            float(np.mean([c[e] for c in curves if len(c) > e]))
            for e in range(n_epochs)
        ]
        self.history_ = [
            {"epoch": e + 1, "loss": loss, "val_loss": None, "val_score": None}
            for e, loss in enumerate(self.loss_curve_)
        ]
        self.validation_scores_ = self.best_validation_score_ = None
        self.validation_loss_curve_ = None
        self.best_epoch_ = None

    # -- prediction ----------------------------------------------------------
    def _validate_predict_input(self, X):
        check_is_fitted(self)
        dtype = self.estimators_[0].coefs_[0].dtype
        with _naming_the_bad_argument(culprit="X"):
            return validate_data(
                self,
                X,
                accept_sparse=["csr", "csc"],
                reset=False,
                dtype=(dtype, np.float64 if dtype == np.float32 else np.float32),
            )

    def _mean_over_members(self, method, X):
        """The mean of ``member.<method>(X)`` over the members."""
        X = self._validate_predict_input(X)
        total = None
        for member in self.estimators_:
            out = getattr(member, method)(X)
            total = out.astype(np.float64) if total is None else total + out
        return (total / len(self.estimators_)).astype(out.dtype, copy=False)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "estimators_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
