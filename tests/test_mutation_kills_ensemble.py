"""Deep ensembles: the behaviours that mutation testing found unchecked.

``python tests/mutation.py ensemble`` mutates ``sknumpynn/ensemble/_fit.py``
and ``sknumpynn/ensemble/_stopping.py``; the survivors of its first run
(``/work/notes/ensemble_mutants.md``) changed what a user sees in ways that
``test_ensemble.py`` and ``test_ensemble_tools.py`` did not check:

- one member early-stopped by the ensemble equals that member's own early
  stopping on the same validation rows: the same epochs, curves and weights,
  in float32 too, with ``sample_weight_val`` and string class labels;
- the validation rows are weighted by ``class_weight`` as by sample weights,
  and scored whole even when they take more than one forward pass;
- ``monitor='val_loss'`` keeps the epoch of lowest validation loss, and
  ``max_iter`` stops every member;
- ``history_`` and the verbose lines of every ensemble epoch; the verbose
  description and the ``n_jobs`` workers of fits without the ensemble's
  early stopping;
- members that diverge are dropped and the others train on, and validation
  outputs that overflow raise no RuntimeWarning from our code.

Small data and tiny networks: every test takes well under a second.
"""

import threading
import warnings

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import accuracy_score, log_loss, r2_score

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.callbacks import Callback
from sknumpynn.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor
from sknumpynn.ensemble._stopping import VALIDATION_CHUNK_ROWS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

TINY = dict(hidden_layer_sizes=(8,), learning_rate_init=0.1, early_stopping=True)


def regression(n_samples=120, random_state=0):
    X, y = make_regression(
        n_samples=n_samples, n_features=4, noise=30, random_state=random_state
    )
    return X, y / y.std()


def three_classes(n_samples=150):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        random_state=0,
    )
    return X, np.array(["ant", "bee", "cat"])[y]


def mean_output(ensemble, X):
    members = ensemble.estimators_
    if hasattr(ensemble, "classes_"):
        return np.mean([m.predict_proba(X) for m in members], axis=0)
    return np.mean([m.predict(X) for m in members], axis=0)


def own_fit(ensemble, estimator, k, X, y, **fit_params):
    """Member ``k`` fitted on its own, with its seed and its own early stopping."""
    seed = ensemble.estimators_[k].random_state
    return clone(estimator).set_params(random_state=seed).fit(X, y, **fit_params)


# -- one member: the ensemble's early stopping is the member's own ----------------
def _regressor_case():
    X, y = regression()
    X_val, y_val = X[:40] + 0.3, y[:40]
    estimator = NumpyMLPRegressor(
        **TINY, n_iter_no_change=2, max_iter=60, dtype="float32", monitor="val_loss"
    )
    return estimator, DeepEnsembleRegressor, X, y, X_val, y_val


def _classifier_case():
    X, y = three_classes()
    # The validation rows hold two of the three classes.
    val = np.flatnonzero(y != "cat")[:40]
    estimator = NumpyMLPClassifier(
        **TINY, n_iter_no_change=2, max_iter=60, dtype="float32"
    )
    return estimator, DeepEnsembleClassifier, X, y, X[val] + 0.3, y[val]


@pytest.mark.parametrize("case", [_regressor_case, _classifier_case])
def test_one_member_equals_its_own_early_stopped_fit(case):
    estimator, Ensemble, X, y, X_val, y_val = case()
    sw_val = np.random.RandomState(0).uniform(0.2, 2.0, len(y_val))
    given = dict(X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    ensemble = Ensemble(estimator, n_estimators=1, random_state=0).fit(X, y, **given)
    own = own_fit(ensemble, estimator, 0, X, y, **given)
    member = ensemble.estimators_[0]

    assert ensemble.n_iter_ == member.n_iter_ == own.n_iter_ < 60  # stalled
    assert ensemble.best_epoch_ < ensemble.n_iter_
    assert ensemble.validation_scores_ == own.validation_scores_
    assert ensemble.validation_loss_curve_ == own.validation_loss_curve_
    assert ensemble.best_validation_score_ == own.best_validation_score_
    assert ensemble.loss_curve_ == own.loss_curve_
    for a, b in zip(member.coefs_ + member.intercepts_, own.coefs_ + own.intercepts_):
        assert a.dtype == np.float32
        np.testing.assert_array_equal(a, b)  # the best epoch's weights
    if hasattr(ensemble, "classes_"):
        np.testing.assert_array_equal(member.classes_, ["ant", "bee", "cat"])


def test_validation_rows_beyond_one_forward_pass_are_scored_whole():
    X, y = regression(n_samples=VALIDATION_CHUNK_ROWS + 160)
    X_train, y_train, X_val, y_val = X[:80], y[:80], X[80:], y[80:]
    assert len(y_val) > VALIDATION_CHUNK_ROWS
    estimator = NumpyMLPRegressor(**TINY, max_iter=3, n_iter_no_change=10)
    for n_estimators in (1, 2):
        ensemble = DeepEnsembleRegressor(
            estimator, n_estimators=n_estimators, random_state=0
        ).fit(X_train, y_train, X_val=X_val, y_val=y_val)
        assert ensemble.best_validation_score_ == pytest.approx(
            r2_score(y_val, mean_output(ensemble, X_val)), rel=1e-9
        )


def test_a_member_without_hidden_layers_early_stops():
    X, y = three_classes()
    estimator = NumpyMLPClassifier(**{**TINY, "hidden_layer_sizes": ()}, max_iter=5)
    ensemble = DeepEnsembleClassifier(estimator, n_estimators=2, random_state=0)
    ensemble.fit(X[:100], y[:100], X_val=X[100:], y_val=y[100:])
    proba = mean_output(ensemble, X[100:])
    assert ensemble.best_validation_score_ == pytest.approx(
        accuracy_score(y[100:], ensemble.classes_[proba.argmax(1)])
    )


# -- weights ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "class_weight", [{"ant": 3.0, "bee": 1.0, "cat": 0.5}, "balanced"]
)
def test_class_weight_weighs_the_validation_rows_as_sample_weights(class_weight):
    X, y = three_classes()
    # Every class equally often in both sets: 'balanced' weighs each row 1.
    rows = np.array([np.flatnonzero(y == label)[:45] for label in np.unique(y)])
    train, val = rows[:, :30].ravel(), rows[:, 30:].ravel()
    if isinstance(class_weight, dict):
        weights = np.vectorize(class_weight.get)(y).astype(float)
    else:
        weights = np.ones(len(y))
    estimator = NumpyMLPClassifier(**TINY, max_iter=8, n_iter_no_change=2)
    weighted = DeepEnsembleClassifier(
        clone(estimator).set_params(class_weight=class_weight),
        n_estimators=2,
        random_state=0,
    ).fit(X[train], y[train], X_val=X[val], y_val=y[val])
    reference = DeepEnsembleClassifier(estimator, n_estimators=2, random_state=0)
    reference.fit(
        X[train],
        y[train],
        sample_weight=weights[train],
        X_val=X[val],
        y_val=y[val],
        sample_weight_val=weights[val],
    )
    assert weighted.n_iter_ == reference.n_iter_
    assert weighted.validation_scores_ == reference.validation_scores_
    assert weighted.validation_loss_curve_ == reference.validation_loss_curve_


# -- which epoch, how many epochs -------------------------------------------------
def test_monitor_val_loss_keeps_the_epoch_of_lowest_validation_loss():
    # Accuracy moves in steps of one row; the log-loss of the mean moves on.
    X, y = three_classes()
    X_val, y_val = X[:50] + 0.3, y[:50]
    estimator = NumpyMLPClassifier(
        **TINY, max_iter=60, n_iter_no_change=2, monitor="val_loss"
    )
    ensemble = DeepEnsembleClassifier(estimator, n_estimators=3, random_state=0)
    ensemble.fit(X, y, X_val=X_val, y_val=y_val)
    losses = ensemble.validation_loss_curve_
    assert ensemble.n_iter_ < 60
    assert ensemble.best_epoch_ == np.argmin(losses) + 1 < ensemble.n_iter_
    # The members hold the best epoch's weights: their mean scores it.
    kept = log_loss(y_val, mean_output(ensemble, X_val), labels=ensemble.classes_)
    assert kept == pytest.approx(losses[ensemble.best_epoch_ - 1], rel=1e-9)
    assert kept != pytest.approx(losses[-1], rel=1e-9)


def test_max_iter_stops_every_member():
    X, y = regression()
    estimator = NumpyMLPRegressor(**TINY, max_iter=3)
    ensemble = DeepEnsembleRegressor(
        estimator, n_estimators=3, n_iter_no_change=50, random_state=0
    ).fit(X, y)
    assert ensemble.n_iter_ == len(ensemble.history_) == 3
    assert [m.n_iter_ for m in ensemble.estimators_] == [3, 3, 3]


# -- what the fit records and prints ----------------------------------------------
def test_history_has_one_entry_per_ensemble_epoch():
    X, y = regression()
    estimator = NumpyMLPRegressor(**TINY, max_iter=6, n_iter_no_change=2)
    ensemble = DeepEnsembleRegressor(estimator, n_estimators=3, random_state=0)
    ensemble.fit(X, y)
    members = np.array([m.loss_curve_ for m in ensemble.estimators_])
    np.testing.assert_allclose(ensemble.loss_curve_, members.mean(axis=0), rtol=1e-12)
    assert ensemble.history_ == [
        {
            "epoch": epoch + 1,
            "loss": ensemble.loss_curve_[epoch],
            "val_loss": ensemble.validation_loss_curve_[epoch],
            "val_score": ensemble.validation_scores_[epoch],
            "n_members": 3,
        }
        for epoch in range(ensemble.n_iter_)
    ]


def test_verbose_prints_every_ensemble_epoch(capsys):
    X, y = regression()
    estimator = NumpyMLPRegressor(**TINY, max_iter=5, n_iter_no_change=2)
    ensemble = DeepEnsembleRegressor(
        estimator, n_estimators=2, random_state=0, verbose=1
    ).fit(X, y)
    lines = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("Ensemble epoch")
    ]
    assert lines == [
        f"Ensemble epoch {h['epoch']}, loss = {h['loss']:.8f}, "
        f"val_loss = {h['val_loss']:.8f}, validation score = {h['val_score']:.6f}"
        for h in ensemble.history_
    ]


def test_verbose_without_ensemble_early_stopping_says_how_members_stacked(capsys):
    X, y = regression()
    estimator = NumpyMLPRegressor(hidden_layer_sizes=(8,), max_iter=3)
    DeepEnsembleRegressor(estimator, n_estimators=3, random_state=0, verbose=1).fit(
        X, y
    )
    assert "Stacked 3 of 3 fits into 1 stacked network(s)" in capsys.readouterr().out


def test_lbfgs_members_sharing_batches_are_their_own_fits():
    X, y = regression()
    estimator = NumpyMLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=20)
    ensemble = DeepEnsembleRegressor(
        estimator, n_estimators=2, share_batches=True, random_state=0
    ).fit(X, y)
    for k, member in enumerate(ensemble.estimators_):
        own = own_fit(ensemble, estimator, k, X, y)
        assert member.n_iter_ == own.n_iter_
        for a, b in zip(member.coefs_, own.coefs_):
            np.testing.assert_array_equal(a, b)


class _RecordThread(Callback):
    """Remembers the thread its estimator trained in."""

    def on_train_begin(self, estimator):
        self.thread = threading.get_ident()


def test_n_jobs_fits_members_in_joblib_workers():
    X, y = regression()
    # A callback keeps each member out of a stack: each is one joblib task.
    estimator = NumpyMLPRegressor(
        hidden_layer_sizes=(8,), max_iter=3, callbacks=[_RecordThread()]
    )
    ensemble = DeepEnsembleRegressor(estimator, n_estimators=2, n_jobs=2)
    with parallel_config(backend="threading"):
        ensemble.set_params(random_state=0).fit(X, y)
    threads = {m.callbacks[0].thread for m in ensemble.estimators_}
    assert threading.get_ident() not in threads


# -- divergence and overflow ------------------------------------------------------
def _outlier_regression(magnitude):
    """30 rows, the first one far out: members whose bootstrap sample draws it
    diverge after a few epochs, the others train normally."""
    rng = np.random.RandomState(0)
    X = rng.randn(30, 3)
    y = X @ [1.0, -2.0, 0.5]
    X_train = X.copy()
    X_train[0] *= magnitude
    return X_train, y, X[1:12], y[1:12]


DIVERGING = NumpyMLPRegressor(
    hidden_layer_sizes=(8,),
    solver="sgd",
    learning_rate_init=0.01,
    batch_size=30,
    max_iter=10,
    early_stopping=True,
    n_iter_no_change=20,
)


def test_members_that_diverge_together_are_dropped_the_others_train_on():
    X, y, X_val, y_val = _outlier_regression(1000)
    ensemble = DeepEnsembleRegressor(
        DIVERGING, n_estimators=4, bootstrap=True, random_state=0
    )
    with pytest.warns(UserWarning, match=r"2 of 4 members .* dropped"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ensemble.fit(X, y, X_val=X_val, y_val=y_val)
    assert [h["n_members"] for h in ensemble.history_] == [4] * 4 + [2] * 6
    assert len(ensemble.estimators_) == 2
    assert [m.n_iter_ for m in ensemble.estimators_] == [10, 10]


def test_members_that_diverge_in_different_epochs_are_dropped():
    """Regression: Trainer.end_epoch gave the stack rule the diverged members'
    stack rows as run indices; once a member had left the stack, a later
    divergence retired the wrong member (or fit failed to broadcast)."""
    X, y, X_val, y_val = _outlier_regression(300)
    ensemble = DeepEnsembleRegressor(
        DIVERGING, n_estimators=4, bootstrap=True, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.warns(UserWarning, match=r"2 of 4 members .* dropped"):
            ensemble.fit(X, y, X_val=X_val, y_val=y_val)
    assert [h["n_members"] for h in ensemble.history_] == [4] * 4 + [3] + [2] * 5
    assert [m.n_iter_ for m in ensemble.estimators_] == [10, 10]


def _overflowing_classifier():
    X, y = three_classes(60)
    big = np.finfo(np.float64).max
    X_val = np.where(X[:20] > 0, big / 2, -big / 2)  # softmax of inf - inf
    return NumpyMLPClassifier, DeepEnsembleClassifier, X, y, X_val, y[:20]


def _overflowing_poisson():
    X, y = regression(60)
    return (
        lambda **kw: NumpyMLPRegressor(loss="poisson", **kw),
        DeepEnsembleRegressor,
        X,
        np.exp(y),
        X[:20] * 1e3,  # exp(huge) = inf outputs: inf - inf in the loss
        np.exp(y[:20]),
    )


def _overflowing_squares():
    X, y = regression(60)
    return NumpyMLPRegressor, DeepEnsembleRegressor, X, y, X[:20] * 1e160, y[:20]


@pytest.mark.parametrize(
    "case", [_overflowing_classifier, _overflowing_poisson, _overflowing_squares]
)
def test_overflowing_validation_outputs_raise_no_runtime_warning_of_ours(case):
    Estimator, Ensemble, X, y, X_val, y_val = case()
    estimator = Estimator(hidden_layer_sizes=(8,), max_iter=3, early_stopping=True)
    sw_val = np.ones(len(y_val))
    sw_val[0] = 0.0  # 0 * inf
    ensemble = Ensemble(estimator, n_estimators=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scikit-learn's, numpy's
        warnings.filterwarnings("error", category=RuntimeWarning, module="sknumpynn")
        ensemble.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    assert ensemble.n_iter_ == 3


def test_no_finite_validation_score_keeps_no_best_epoch():
    X, y = regression(60)
    estimator = NumpyMLPRegressor(
        hidden_layer_sizes=(8,), max_iter=3, early_stopping=True
    )
    ensemble = DeepEnsembleRegressor(estimator, n_estimators=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scikit-learn's r2_score
        ensemble.fit(X, y, X_val=X[:20] * 1e160, y_val=y[:20])
    assert not np.isfinite(ensemble.validation_scores_).any()
    assert ensemble.best_epoch_ == 0
    assert ensemble.n_iter_ == 3
