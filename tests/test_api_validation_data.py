"""Explicit validation data: ``fit(X, y, *, X_val, y_val, sample_weight_val)``.

Issue 21, item 1 (HistGradientBoosting's signature and errors): the given rows
replace the ``validation_fraction`` split for early stopping, ``monitor``,
``history_`` and the restored best epoch, also through a ``Pipeline``
(``transform_input``, metadata routing) and inside our stacked search.
"""

import re
from contextlib import redirect_stdout
from io import StringIO

import numpy as np
import pytest
import sklearn
from sklearn import model_selection as skms
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn import model_selection as ms
from sknumpynn.callbacks import Callback

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = make_classification(
    n_samples=240, n_features=6, n_informative=4, n_classes=3, random_state=0
)
X_train, y_train, X_val, y_val = X[:180], y[:180], X[180:], y[180:]


def classifier(**params):
    defaults = dict(
        hidden_layer_sizes=(8,),
        learning_rate_init=0.01,
        early_stopping=True,
        max_iter=30,
        random_state=0,
    )
    return NumpyMLPClassifier(**{**defaults, **params})


class ScoreOn(Callback):
    """Scores the live weights on given rows after every epoch."""

    def __init__(self, X, y, sample_weight=None):
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.scores, self.losses = [], []

    def on_epoch_end(self, estimator, logs):
        sw = self.sample_weight
        self.scores.append(
            accuracy_score(self.y, estimator.predict(self.X), sample_weight=sw)
        )
        P = estimator.predict_proba(self.X)
        self.losses.append(log_loss(self.y, P, sample_weight=sw))


def test_given_rows_are_the_validation_set_and_all_rows_train():
    probe = ScoreOn(X_val, y_val)
    clf = classifier(callbacks=[probe], n_iter_no_change=5)
    clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    np.testing.assert_allclose(clf.validation_scores_, probe.scores, rtol=1e-12)
    np.testing.assert_allclose(clf.validation_loss_curve_, probe.losses, rtol=1e-7)
    assert [h["val_score"] for h in clf.history_] == clf.validation_scores_
    assert clf.t_ == clf.n_iter_ * len(X_train)  # no row held out of training
    # The best epoch's weights are restored: they score the best score.
    assert accuracy_score(y_val, clf.predict(X_val)) == clf.best_validation_score_
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_monitor_val_loss_follows_the_given_rows():
    clf = classifier(monitor="val_loss", max_iter=40, learning_rate_init=0.05)
    clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    restored = log_loss(y_val, clf.predict_proba(X_val))
    assert restored == pytest.approx(clf.best_validation_loss_, rel=1e-7)
    assert clf.best_validation_loss_ == min(clf.validation_loss_curve_)


def test_sample_weight_val_weights_the_validation_score():
    weights = np.linspace(0.1, 2.0, len(y_val))
    probe = ScoreOn(X_val, y_val, weights)
    clf = classifier(callbacks=[probe], max_iter=5)
    clf.fit(X_train, y_train, X_val=X_val, y_val=y_val, sample_weight_val=weights)
    np.testing.assert_allclose(clf.validation_scores_, probe.scores, rtol=1e-12)
    np.testing.assert_allclose(clf.validation_loss_curve_, probe.losses, rtol=1e-7)


def test_regressor_scores_r2_on_the_given_rows():
    Xr, yr = make_regression(n_samples=150, n_features=4, noise=5, random_state=0)
    yr = yr / yr.std()
    reg = NumpyMLPRegressor(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=20, random_state=0
    ).fit(Xr[:100], yr[:100], X_val=Xr[100:], y_val=yr[100:])
    assert r2_score(yr[100:], reg.predict(Xr[100:])) == pytest.approx(
        reg.best_validation_score_, rel=1e-10
    )
    assert reg.t_ == reg.n_iter_ * 100


def test_without_validation_data_nothing_changes():
    a = classifier().fit(X_train, y_train)
    b = classifier().fit(X_train, y_train, X_val=None, y_val=None)
    assert a.validation_scores_ == b.validation_scores_
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"X_val": X_val}, "X_val is provided, but y_val was not provided."),
        ({"y_val": y_val}, "y_val is provided, but X_val was not provided."),
        ({"sample_weight_val": np.ones(60)}, "sample_weight_val is provided, but"),
    ],
)
def test_incomplete_validation_data_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        classifier().fit(X_train, y_train, **kwargs)


def test_early_stopping_off_is_refused_with_hgbs_message():
    message = (
        "X_val and y_val are passed to fit while at the same time early_stopping "
        "is False. When passing X_val and y_val to fit, early_stopping should be "
        "set to True."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        classifier(early_stopping=False).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    with pytest.raises(ValueError, match="solver='lbfgs' does no early stopping"):
        classifier(solver="lbfgs").fit(X_train, y_train, X_val=X_val, y_val=y_val)


def test_mismatched_validation_data_is_refused():
    fit = classifier().fit
    with pytest.raises(ValueError, match="X has 5 features, but NumpyMLPClassifier"):
        fit(X_train, y_train, X_val=X_val[:, :5], y_val=y_val)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        fit(X_train, y_train, X_val=X_val, y_val=y_val[:-1])
    with pytest.raises(ValueError, match="'y_val' has"):
        fit(X_train, y_train, X_val=X_val, y_val=y_val + 5)
    with pytest.raises(ValueError, match=re.escape("shape == (2,), expected (60,)")):
        fit(X_train, y_train, X_val=X_val, y_val=y_val, sample_weight_val=[1, 2])
    reg = NumpyMLPRegressor(early_stopping=True, max_iter=2)
    with pytest.raises(ValueError, match="y_val has 2 encoded outputs, but y has 1"):
        reg.fit(X_train, y_train, X_val=X_val, y_val=np.c_[y_val, y_val])


def test_user_arrays_are_not_modified():
    X_copy, y_copy = X_val.copy(), y_val.copy()
    classifier(max_iter=3).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    np.testing.assert_array_equal(X_val, X_copy)
    np.testing.assert_array_equal(y_val, y_copy)


def routed_pipeline(**params):
    mlp = classifier(**params).set_fit_request(X_val=True, y_val=True)
    return Pipeline(
        [("scale", StandardScaler()), ("mlp", mlp)], transform_input=["X_val"]
    )


def test_pipeline_transform_input_transforms_x_val():
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = routed_pipeline().fit(X_train, y_train, X_val=X_val, y_val=y_val)
    scaler = StandardScaler().fit(X_train)
    alone = classifier().fit(
        scaler.transform(X_train), y_train, X_val=scaler.transform(X_val), y_val=y_val
    )
    assert pipe[-1].validation_scores_ == alone.validation_scores_
    np.testing.assert_array_equal(pipe[-1].coefs_[0], alone.coefs_[0])


def best_validation_score(estimator, X, y):
    """Scores each fold's model by its validation score: compared per split."""
    return estimator[-1].best_validation_score_


def test_stacked_search_gives_each_fold_the_routed_validation_rows():
    grid = {"mlp__alpha": [1e-4, 1e-1], "mlp__learning_rate_init": [0.01, 0.02]}
    scoring = {"val": best_validation_score, "acc": "accuracy"}
    with sklearn.config_context(enable_metadata_routing=True):
        ours = ms.GridSearchCV(
            routed_pipeline(), grid, cv=3, scoring=scoring, refit=False, verbose=1
        )
        out = StringIO()
        with redirect_stdout(out):
            ours.fit(X_train, y_train, X_val=X_val, y_val=y_val)
        theirs = skms.GridSearchCV(
            routed_pipeline(), grid, cv=3, scoring=scoring, refit=False
        ).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    served = re.search(r"took (\d+) of (\d+) fits from the pre-fit", out.getvalue())
    assert served and served.group(1) == served.group(2) == "12"
    for key in ("split0_test_val", "split2_test_val", "mean_test_acc"):
        np.testing.assert_allclose(ours.cv_results_[key], theirs.cv_results_[key])
    # The fold's models were validated on the routed rows, not on a split:
    # the first fold's first candidate, fitted by hand, has that score.
    train = next(iter(skms.StratifiedKFold(3).split(X_train, y_train)))[0]
    scaler = StandardScaler().fit(X_train[train])
    alone = classifier(alpha=1e-4).fit(
        scaler.transform(X_train[train]),
        y_train[train],
        X_val=scaler.transform(X_val),
        y_val=y_val,
    )
    assert ours.cv_results_["split0_test_val"][0] == alone.best_validation_score_
