"""``scoring=`` for early stopping (issue 21, item 2; HistGradientBoosting's name).

A scorer name or callable replaces accuracy / R^2 as the validation score:
``validation_scores_``, ``best_validation_score_``, the best epoch and
``history_`` follow it, alone and inside our stacked search.
"""

import re
import warnings
from contextlib import redirect_stdout
from io import StringIO

import numpy as np
import pytest
from sklearn import model_selection as skms
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import balanced_accuracy_score, make_scorer, mean_absolute_error

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn import model_selection as ms
from sknumpynn.callbacks import Callback

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = make_classification(
    n_samples=240, n_features=6, n_informative=3, weights=[0.8], random_state=0
)


def classifier(**params):
    defaults = dict(
        hidden_layer_sizes=(8,),
        learning_rate_init=0.01,
        early_stopping=True,
        max_iter=25,
        random_state=0,
    )
    return NumpyMLPClassifier(**{**defaults, **params})


class Probe(Callback):
    def __init__(self, score):
        self.score, self.values = score, []

    def on_epoch_end(self, estimator, logs):
        self.values.append(self.score(estimator))


def test_scorer_name_is_the_validation_score():
    clf = classifier(scoring="neg_log_loss").fit(X, y)
    np.testing.assert_allclose(
        clf.validation_scores_, -np.array(clf.validation_loss_curve_), rtol=1e-7
    )
    assert [h["val_score"] for h in clf.history_] == clf.validation_scores_
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_scorer_follows_the_live_weights_and_picks_the_best_epoch():
    X_train, y_train, X_val, y_val = X[:160], y[:160], X[160:], y[160:]
    probe = Probe(lambda est: balanced_accuracy_score(y_val, est.predict(X_val)))
    clf = classifier(scoring="balanced_accuracy", callbacks=[probe], max_iter=40)
    clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    assert clf.validation_scores_ == pytest.approx(probe.values, rel=1e-12)
    restored = balanced_accuracy_score(y_val, clf.predict(X_val))
    assert restored == clf.best_validation_score_ == max(clf.validation_scores_)
    # The default (accuracy) scores the same epochs differently.
    plain = classifier(max_iter=40).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    assert plain.validation_scores_ != clf.validation_scores_


def test_callable_scorer_and_validation_weights():
    Xr, yr = make_regression(n_samples=160, n_features=4, noise=3, random_state=0)
    yr = yr / yr.std()
    weights = np.linspace(0.5, 1.5, 40)
    scorer = make_scorer(mean_absolute_error, greater_is_better=False)
    probe = Probe(
        lambda est: (
            -mean_absolute_error(yr[120:], est.predict(Xr[120:]), sample_weight=weights)
        )
    )
    reg = NumpyMLPRegressor(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        max_iter=15,
        random_state=0,
        scoring=scorer,
        callbacks=[probe],
    ).fit(Xr[:120], yr[:120], X_val=Xr[120:], y_val=yr[120:], sample_weight_val=weights)
    assert reg.validation_scores_ == pytest.approx(probe.values, rel=1e-10)


def test_feature_names_raise_no_warning_while_scoring():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*feature names")
        clf = classifier(scoring="accuracy", max_iter=3)
        clf.fit(frame, y)
    assert len(clf.validation_scores_) == clf.n_iter_


def test_unknown_scorer_name_fails_with_sklearns_error():
    with pytest.raises(ValueError, match="'nope' is not a valid scoring value"):
        classifier(scoring="nope").fit(X, y)


def test_scoring_is_ignored_without_early_stopping():
    a = classifier(early_stopping=False, scoring="roc_auc").fit(X, y)
    b = classifier(early_stopping=False).fit(X, y)
    assert a.loss_curve_ == b.loss_curve_ and a.validation_scores_ is None


def validation_score(estimator, X, y):
    return estimator.best_validation_score_


def test_stacked_search_scores_each_model_with_its_scoring():
    grid = {"scoring": [None, "neg_log_loss", "roc_auc"], "alpha": [1e-4, 1e-2]}
    scoring = {"val": validation_score, "acc": "accuracy"}
    kwargs = dict(cv=3, scoring=scoring, refit=False)
    out = StringIO()
    with redirect_stdout(out):
        ours = ms.GridSearchCV(classifier(), grid, verbose=1, **kwargs).fit(X, y)
    theirs = skms.GridSearchCV(classifier(), grid, **kwargs).fit(X, y)
    served = re.search(r"took (\d+) of (\d+) fits from the pre-fit", out.getvalue())
    assert served and served.group(1) == served.group(2) == "18"
    for key in ("split0_test_val", "split1_test_val", "mean_test_acc"):
        np.testing.assert_allclose(
            ours.cv_results_[key], theirs.cv_results_[key], rtol=1e-12
        )
    val = ours.cv_results_["mean_test_val"]
    assert (val[1::3] < 0).all() and (val[2::3] > 0.5).all()  # log-loss, AUC
