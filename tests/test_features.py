"""The training features scikit-learn's MLP lacks, through the estimators."""

import warnings

import numpy as np
import pytest
from search_helpers import SklearnCallback
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.callbacks import Callback, EarlyStopping, ProgressBar, TerminateOnNaN
from sknumpynn.nn.schedules import StepDecay

#: Why the tests of scikit-learn's callback API skip on scikit-learn < 1.9.
NO_SKLEARN_CALLBACKS = "scikit-learn < 1.9 has no callback API (sklearn.callback)"

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def binary():
    X, y = make_classification(
        n_samples=300, n_features=8, weights=[0.85], random_state=0
    )
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def regression():
    X, y = make_regression(n_samples=200, n_features=5, noise=5, random_state=0)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def flat_params(est):
    return np.concatenate([w.ravel() for w in est.coefs_ + est.intercepts_])


# -- activations -----------------------------------------------------------------


@pytest.mark.parametrize("activation", ["leaky_relu", "elu", "gelu"])
def test_new_activations_learn(iris, activation):
    X, y = iris
    clf = NumpyMLPClassifier(
        (16,), activation, learning_rate_init=0.01, max_iter=300, random_state=0
    )
    assert clf.fit(X, y).score(X, y) > 0.95


def test_one_activation_per_hidden_layer(iris):
    X, y = iris
    clf = NumpyMLPClassifier(
        (16, 8), activation=["gelu", "tanh"], solver="lbfgs", random_state=0
    )
    assert clf.fit(X, y).score(X, y) > 0.95
    same = NumpyMLPClassifier((16, 8), ["tanh", "tanh"], solver="lbfgs", random_state=0)
    plain = NumpyMLPClassifier((16, 8), "tanh", solver="lbfgs", random_state=0)
    np.testing.assert_array_equal(
        flat_params(same.fit(X, y)), flat_params(plain.fit(X, y))
    )


# -- regularisation --------------------------------------------------------------


def test_l1_zeroes_weights_of_irrelevant_features():
    X, y = make_regression(
        n_samples=400, n_features=20, n_informative=3, noise=1, random_state=0
    )
    X, y = StandardScaler().fit_transform(X), y / y.std()
    kw = dict(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=500, random_state=0)
    plain = NumpyMLPRegressor(**kw).fit(X, y)
    sparse = NumpyMLPRegressor(l1=1.0, **kw).fit(X, y)
    small = 1e-3
    assert np.mean(np.abs(sparse.coefs_[0]) < small) > 0.5
    assert np.mean(np.abs(plain.coefs_[0]) < small) < 0.1
    assert sparse.score(X, y) > 0.9


def test_l1_is_part_of_the_reported_loss(regression):
    X, y = regression
    kw = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=1, random_state=0)
    reg = NumpyMLPRegressor(l1=0.5, **kw).fit(X, y)
    assert len(reg.loss_curve_) == 1
    base = NumpyMLPRegressor(**kw)
    weights = np.concatenate([c.ravel() for c in reg.coefs_])
    data_loss = 0.5 * np.mean((reg.predict(X) - y) ** 2)
    l2 = 0.5 * base.alpha * np.sum(weights**2) / len(y)
    assert reg.loss_ == pytest.approx(
        data_loss + l2 + 0.5 * np.abs(weights).sum() / 200
    )


def test_dropout_masks_are_fresh_across_partial_fit_calls(iris):
    """An int random_state must not replay the same masks every call."""
    X, y = iris
    clf = NumpyMLPClassifier((8,), dropout=0.5, random_state=0)
    clf.partial_fit(X, y, classes=np.unique(y))
    first = clf._dropout_generator.bit_generator.state["state"]["state"]
    clf.partial_fit(X, y)
    assert clf._dropout_generator.bit_generator.state["state"]["state"] != first


# -- regression losses -----------------------------------------------------------


@pytest.mark.parametrize("loss", ["absolute_error", "huber"])
def test_robust_losses_ignore_outliers(loss):
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, size=(400, 1))
    y = 2 * X.ravel() + rng.normal(scale=0.1, size=400)
    y_dirty = y.copy()
    y_dirty[:60] += 30  # 15 % gross outliers, all upwards
    kw = dict(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=500, random_state=0)
    robust = NumpyMLPRegressor(loss=loss, **kw).fit(X, y_dirty)
    squared = NumpyMLPRegressor(**kw).fit(X, y_dirty)
    truth = 2 * X.ravel()
    robust_error = np.median(np.abs(robust.predict(X) - truth))
    squared_error = np.median(np.abs(squared.predict(X) - truth))
    assert robust_error < 0.5 < squared_error
    assert robust.out_activation_ == "identity"


def test_huber_delta_is_used(regression):
    X, y = regression
    small = NumpyMLPRegressor(
        loss="huber", huber_delta=0.01, max_iter=5, random_state=0
    )
    large = NumpyMLPRegressor(
        loss="huber", huber_delta=100.0, max_iter=5, random_state=0
    )
    squared = NumpyMLPRegressor(max_iter=5, random_state=0)
    # With a huge delta Huber is the squared error; with a tiny one it is not.
    np.testing.assert_allclose(
        large.fit(X, y).loss_curve_, squared.fit(X, y).loss_curve_, rtol=1e-6
    )
    assert small.fit(X, y).loss_ < 0.05


# -- optimizers and schedules ----------------------------------------------------


@pytest.mark.parametrize("solver", ["rmsprop", "adagrad", "adamw"])
def test_new_solvers_learn_and_support_partial_fit(iris, solver):
    X, y = iris
    rate = 0.05 if solver == "adagrad" else 0.01
    clf = NumpyMLPClassifier(
        (16,), solver=solver, learning_rate_init=rate, max_iter=100, random_state=0
    )
    assert clf.fit(X, y).score(X, y) > 0.95
    assert hasattr(clf, "partial_fit")
    n_epochs = len(clf.loss_curve_)
    clf.partial_fit(X, y)
    assert len(clf.loss_curve_) == n_epochs + 1


def test_adamw_decays_the_weights_and_leaves_the_biases(regression):
    """One AdamW step with a zero gradient is the decay alone: W *= 1 - lr * wd.

    The network is first fitted, then trained one full-batch step towards its
    own predictions (alpha=0), so the gradient vanishes and Adam's step is
    nothing: the weights shrink by exactly 1 - lr * wd, the biases not at all.
    """
    X, y = regression
    lr, wd = 0.1, 0.5
    reg = NumpyMLPRegressor(
        hidden_layer_sizes=(5, 4),
        solver="adamw",
        learning_rate_init=lr,
        weight_decay=wd,
        alpha=0.0,
        batch_size=len(X),
        max_iter=3,
        random_state=0,
    ).fit(X, y)
    coefs = [c.copy() for c in reg.coefs_]
    intercepts = [b.copy() for b in reg.intercepts_]
    reg.set_params(warm_start=True, max_iter=1).fit(X, reg.predict(X))
    # The gradient is zero up to rounding (~1e-16), far below epsilon=1e-8.
    for after, before in zip(reg.coefs_, coefs):
        np.testing.assert_allclose(after, (1 - lr * wd) * before, rtol=1e-9)
    for after, before in zip(reg.intercepts_, intercepts):
        np.testing.assert_allclose(after, before, rtol=1e-9)


def test_adamw_weight_decay_shrinks_weights(iris):
    X, y = iris
    kw = dict(
        hidden_layer_sizes=(16,), solver="adamw", alpha=0.0, batch_size=16, max_iter=100
    )
    none = NumpyMLPClassifier(weight_decay=0.0, random_state=0, **kw).fit(X, y)
    decayed = NumpyMLPClassifier(weight_decay=1.0, random_state=0, **kw).fit(X, y)
    norm = [
        np.linalg.norm(np.concatenate([c.ravel() for c in e.coefs_]))
        for e in (none, decayed)
    ]
    assert norm[1] < 0.8 * norm[0]
    adam = NumpyMLPClassifier(**{**kw, "solver": "adam"}, random_state=0)
    np.testing.assert_allclose(
        flat_params(adam.fit(X, y)), flat_params(none), rtol=1e-6
    )


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop"])
def test_cosine_and_step_schedules_drive_the_recorded_rate(iris, solver):
    X, y = iris
    kw = dict(
        solver=solver, learning_rate_init=0.01, max_iter=10, tol=0, random_state=0
    )
    cosine = NumpyMLPClassifier(learning_rate="cosine", **kw).fit(X, y)
    rates = [h["learning_rate"] for h in cosine.history_]
    expected = [0.005 * (1 + np.cos(np.pi * e / 10)) for e in range(10)]
    np.testing.assert_allclose(rates, expected)
    step = NumpyMLPClassifier(learning_rate=StepDecay(4, 0.5), **kw).fit(X, y)
    rates = [h["learning_rate"] for h in step.history_]
    np.testing.assert_allclose(rates, [0.01] * 4 + [0.005] * 4 + [0.0025] * 2)


def test_sklearn_schedules_still_only_affect_sgd(iris):
    """As in scikit-learn, 'invscaling' leaves Adam's rate alone."""
    X, y = iris
    kw = dict(solver="adam", max_iter=5, random_state=0)
    a = NumpyMLPClassifier(learning_rate="invscaling", **kw).fit(X, y)
    b = NumpyMLPClassifier(**kw).fit(X, y)
    np.testing.assert_array_equal(flat_params(a), flat_params(b))


# -- class_weight ----------------------------------------------------------------


def test_class_weight_dict_equals_sample_weight(binary):
    X, y = binary
    kw = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    by_class = NumpyMLPClassifier(class_weight={0: 1.0, 1: 4.0}, **kw).fit(X, y)
    by_sample = NumpyMLPClassifier(**kw).fit(X, y, sample_weight=np.where(y == 1, 4, 1))
    np.testing.assert_allclose(flat_params(by_class), flat_params(by_sample))


def test_class_weight_multiplies_sample_weight(iris):
    X, y = iris
    sw = np.random.RandomState(0).uniform(0.5, 2, size=len(y))
    kw = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    balanced = compute_class_weight("balanced", classes=np.unique(y), y=y[:120])
    both = NumpyMLPClassifier(class_weight="balanced", **kw).fit(
        X[:120], y[:120], sample_weight=sw[:120]
    )
    manual = NumpyMLPClassifier(**kw).fit(
        X[:120], y[:120], sample_weight=sw[:120] * balanced[y[:120]]
    )
    np.testing.assert_allclose(flat_params(both), flat_params(manual))


def test_class_weight_changes_partial_fit_as_it_changes_fit(iris):
    """partial_fit weighs each class as fit does: the same updates as passing
    the class weights as sample_weight, and one partial_fit epoch is one fit
    epoch."""
    X, y = iris
    class_weight = {0: 1.0, 1: 3.0, 2: 0.5}
    per_sample = np.array([class_weight[label] for label in y])
    kw = dict(hidden_layer_sizes=(8,), random_state=0, shuffle=False)
    by_class = NumpyMLPClassifier(class_weight=class_weight, **kw)
    by_sample = NumpyMLPClassifier(**kw)
    for _ in range(3):
        by_class.partial_fit(X, y, classes=[0, 1, 2])
        by_sample.partial_fit(X, y, classes=[0, 1, 2], sample_weight=per_sample)
    np.testing.assert_array_equal(flat_params(by_class), flat_params(by_sample))
    one_epoch = NumpyMLPClassifier(class_weight=class_weight, max_iter=1, **kw)
    one_epoch.fit(X, y)
    first = NumpyMLPClassifier(class_weight=class_weight, **kw)
    first.partial_fit(X, y, classes=[0, 1, 2])
    np.testing.assert_array_equal(flat_params(one_epoch), flat_params(first))
    unweighted = NumpyMLPClassifier(**kw).partial_fit(X, y, classes=[0, 1, 2])
    assert not np.allclose(flat_params(unweighted), flat_params(first))


def test_balanced_class_weight_raises_minority_recall(binary):
    X, y = binary
    kw = dict(hidden_layer_sizes=(4,), alpha=10.0, max_iter=300, random_state=0)
    plain = NumpyMLPClassifier(**kw).fit(X, y)
    balanced = NumpyMLPClassifier(class_weight="balanced", **kw).fit(X, y)
    recall = [np.mean(e.predict(X)[y == 1] == 1) for e in (plain, balanced)]
    assert recall[1] > recall[0]


def test_class_weight_errors(iris):
    X, y = iris
    with pytest.raises(ValueError, match="class_weight"):
        NumpyMLPClassifier(class_weight={7: 2.0}, max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="not supported for partial_fit"):
        NumpyMLPClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])
    Y = np.c_[y == 0, y == 1].astype(int)
    with pytest.raises(ValueError, match="multilabel"):
        NumpyMLPClassifier(class_weight="balanced", max_iter=2).fit(X, Y)
    clf = NumpyMLPClassifier(class_weight={0: 2.0}, max_iter=2, random_state=0)
    clf.partial_fit(X, y, classes=[0, 1, 2])  # a dict works incrementally


# -- history, validation loss, monitor ------------------------------------------


def test_history_has_one_entry_per_epoch(iris):
    X, y = iris
    clf = NumpyMLPClassifier(max_iter=7, early_stopping=True, random_state=0)
    clf.fit(X, y)
    assert len(clf.history_) == clf.n_iter_ == len(clf.validation_loss_curve_)
    first = clf.history_[0]
    assert set(first) == {
        "epoch",
        "loss",
        "val_loss",
        "val_score",
        "learning_rate",
        "seconds",
    }
    assert [h["epoch"] for h in clf.history_] == list(range(1, 8))
    assert [h["loss"] for h in clf.history_] == clf.loss_curve_
    assert [h["val_score"] for h in clf.history_] == clf.validation_scores_
    assert [h["val_loss"] for h in clf.history_] == clf.validation_loss_curve_
    assert all(h["seconds"] > 0 for h in clf.history_)
    clf.set_params(warm_start=True, max_iter=2).fit(X, y)
    assert [h["epoch"] for h in clf.history_][-3:] == [7, 8, 9]


def test_validation_loss_is_the_held_out_log_loss(iris, monkeypatch):
    from sklearn.metrics import log_loss

    import sknumpynn._training.setup

    split = sknumpynn._training.setup.train_test_split
    held_out = []

    def recording_split(*args, **kwargs):
        train, val = split(*args, **kwargs)
        held_out.append(val)
        return train, val

    monkeypatch.setattr(sknumpynn._training.setup, "train_test_split", recording_split)
    X, y = iris
    clf = NumpyMLPClassifier(max_iter=1, early_stopping=True, random_state=3)
    clf.fit(X, y)
    X_val, y_val = X[held_out[0]], y[held_out[0]]
    val_loss = clf.validation_loss_curve_[0]
    assert val_loss == pytest.approx(log_loss(y_val, clf.predict_proba(X_val)))
    assert clf.history_[0]["val_loss"] == val_loss
    assert clf.validation_scores_[0] == clf.score(X_val, y_val)
    without = NumpyMLPClassifier(max_iter=2).fit(X, y)
    assert without.validation_loss_curve_ is None
    assert without.history_[0]["val_loss"] is None


@pytest.mark.parametrize("monitor", ["val_score", "val_loss"])
def test_early_stopping_restores_the_best_by_its_monitor(iris, monitor):
    X, y = iris
    clf = NumpyMLPClassifier(
        (32,),
        learning_rate_init=0.05,
        max_iter=60,
        early_stopping=True,
        n_iter_no_change=60,
        monitor=monitor,
        random_state=0,
    ).fit(X, y)
    curve = (
        clf.validation_scores_ if monitor == "val_score" else clf.validation_loss_curve_
    )
    best = int(np.argmax(curve) if monitor == "val_score" else np.argmin(curve))
    assert clf.best_validation_loss_ == min(clf.validation_loss_curve_)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    # The kept weights are the best epoch's: refit to that epoch and compare.
    again = clone(clf).set_params(max_iter=best + 1).fit(X, y)
    np.testing.assert_allclose(flat_params(clf), flat_params(again), rtol=1e-10)


# -- callbacks -------------------------------------------------------------------


class Recorder(Callback):
    def __init__(self, stop_at=None):
        self.stop_at = stop_at

    def on_train_begin(self, estimator):
        self.calls_ = ["begin"]

    def on_epoch_end(self, estimator, logs):
        self.calls_.append(logs["epoch"])
        return logs["epoch"] == self.stop_at

    def on_train_end(self, estimator):
        self.calls_.append("end")


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_callback_hooks_and_stopping_by_return_value(iris, solver):
    X, y = iris
    recorder = Recorder(stop_at=3)
    clf = NumpyMLPClassifier(solver=solver, max_iter=50, callbacks=[recorder])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopped, not capped
        clf.fit(X, y)
    assert recorder.calls_ == ["begin", 1, 2, 3, "end"]
    assert clf.n_iter_ == 3 and len(clf.history_) == 3


def test_callbacks_see_live_weights(iris):
    X, y = iris

    class Scores(Callback):
        def on_train_begin(self, estimator):
            self.scores_ = []

        def on_epoch_end(self, estimator, logs):
            self.scores_.append(estimator.score(X, y))

    scores = Scores()
    clf = NumpyMLPClassifier(max_iter=5, random_state=0, callbacks=[scores]).fit(X, y)
    assert scores.scores_[-1] == clf.score(X, y)
    assert len(set(scores.scores_)) > 1


def test_callbacks_are_cloned_not_shared(iris):
    X, y = iris
    recorder = Recorder()
    search = GridSearchCV(
        NumpyMLPClassifier(max_iter=3, callbacks=[recorder]), {"alpha": [0.1, 1]}, cv=2
    ).fit(X, y)
    assert not hasattr(recorder, "calls_")  # only clones were trained
    assert search.best_estimator_.callbacks[0].calls_ == ["begin", 1, 2, 3, "end"]


def test_early_stopping_callback_restores_best_weights(iris):
    X, y = iris
    stop = EarlyStopping(monitor="val_loss", patience=3)
    clf = NumpyMLPClassifier(
        learning_rate_init=0.1,
        max_iter=200,
        early_stopping=True,
        n_iter_no_change=np.inf,
        monitor="val_score",
        random_state=0,
        callbacks=[stop],
    ).fit(X, y)
    assert clf.n_iter_ == stop.stopped_epoch_ < 200
    assert stop.best_ == min(clf.validation_loss_curve_)
    # Its restore (on_train_end) runs after the estimator's own (by val_score),
    # so the weights are those of the best val_loss epoch.
    again = clone(clf).set_params(
        callbacks=None, max_iter=stop.best_epoch_, monitor="val_loss"
    )
    again.fit(X, y)
    np.testing.assert_allclose(flat_params(clf), flat_params(again), rtol=1e-10)


def test_early_stopping_callback_on_training_loss_and_errors(iris):
    X, y = iris
    stop = EarlyStopping(monitor="loss", patience=2, min_delta=1.0)
    clf = NumpyMLPClassifier(max_iter=50, callbacks=[stop]).fit(X, y)
    assert clf.n_iter_ == 3  # epoch 1 sets the best; 2 and 3 fail by 1.0
    with pytest.raises(ValueError, match="early_stopping=True"):
        NumpyMLPClassifier(max_iter=3, callbacks=[EarlyStopping()]).fit(X, y)
    with pytest.raises(ValueError, match="monitor"):
        EarlyStopping(monitor="accuracy")


def test_terminate_on_nan_stops_on_non_finite_validation(regression):
    X, y = regression

    class PoisonValidation(Callback):
        def on_epoch_end(self, estimator, logs):
            if logs["epoch"] == 2:
                logs["val_loss"] = float("nan")

    nan_stop = TerminateOnNaN()
    reg = NumpyMLPRegressor(
        max_iter=20,
        early_stopping=True,
        callbacks=[PoisonValidation(), nan_stop],
        random_state=0,
    ).fit(X, y)
    assert nan_stop.stopped_epoch_ == 2 == reg.n_iter_
    assert np.isfinite(reg.predict(X)).all()


def test_progress_bar_callback(iris):
    pytest.importorskip("tqdm")
    import io

    X, y = iris
    out = io.StringIO()
    NumpyMLPClassifier(max_iter=4, callbacks=[ProgressBar(file=out)]).fit(X, y)
    assert "4/4" in out.getvalue() and "loss=" in out.getvalue()
    clone(NumpyMLPClassifier(callbacks=[ProgressBar(file=out)]))  # clonable


# -- scikit-learn's own callbacks (>= 1.9) ---------------------------------------


def test_sklearn_callbacks_get_one_task_per_epoch(iris):
    callback = pytest.importorskip("sklearn.callback", reason=NO_SKLEARN_CALLBACKS)
    X, y = iris
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = NumpyMLPClassifier(max_iter=6, random_state=0).set_callbacks(monitor)
    clf.fit(X, y)
    epochs = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    assert len(epochs) == 6
    assert epochs[-1]["accuracy"] == pytest.approx(clf.score(X, y))


def test_sklearn_callbacks_propagate_through_pipeline_and_grid_search(iris):
    callback = pytest.importorskip("sklearn.callback", reason=NO_SKLEARN_CALLBACKS)
    X, y = iris

    class Counter(SklearnCallback):
        max_propagation_depth = None

        def __init__(self):
            self.epochs = 0

        def on_fit_task_end(self, estimator, context, **kwargs):
            if context.task_name == "epoch":
                self.epochs += 1

    assert isinstance(Counter(), callback.AutoPropagatedCallback)
    counter = Counter()
    pipe = make_pipeline(StandardScaler(), NumpyMLPClassifier(max_iter=4))
    pipe.set_callbacks(counter)
    pipe.fit(X, y)
    assert counter.epochs == 4
    search = GridSearchCV(
        make_pipeline(StandardScaler(), NumpyMLPClassifier(max_iter=3)),
        {"numpymlpclassifier__alpha": [0.1, 1.0]},
        cv=2,
    )
    counter = Counter()
    search.set_callbacks(counter)
    search.fit(X, y)
    assert counter.epochs == 3 * (2 * 2 + 1)  # 2 candidates x 2 folds + refit


def test_sklearn_progress_bar_through_a_pipeline(iris, capsys):
    callback = pytest.importorskip("sklearn.callback", reason=NO_SKLEARN_CALLBACKS)
    pytest.importorskip("rich")
    X, y = iris
    pipe = make_pipeline(StandardScaler(), NumpyMLPClassifier(max_iter=3))
    pipe.set_callbacks(callback.ProgressBar(max_propagation_depth=None))
    pipe.fit(X, y)
    assert pipe[-1].n_iter_ == 3
    assert "NumpyMLPClassifier" in capsys.readouterr().out


def test_sklearn_callback_can_stop_training(iris):
    pytest.importorskip("sklearn.callback", reason=NO_SKLEARN_CALLBACKS)
    X, y = iris

    class StopAfterTwo(SklearnCallback):
        def on_fit_task_end(self, estimator, context, **kwargs):
            return context.task_name == "epoch" and context.task_id == 1

    clf = NumpyMLPClassifier(max_iter=50).set_callbacks(StopAfterTwo()).fit(X, y)
    assert clf.n_iter_ == 2


def test_estimators_work_without_sklearn_callback_api(iris):
    """On scikit-learn < 1.9 there is no set_callbacks and nothing else changes."""
    import sklearn.base

    X, y = iris
    clf = NumpyMLPClassifier(max_iter=3).fit(X, y)
    assert hasattr(clf, "set_callbacks") == _has_sklearn_callbacks()
    assert hasattr(sklearn.base.clone(clf), "history_") is False


def _has_sklearn_callbacks():
    try:
        import sklearn.callback  # noqa: F401
    except ImportError:
        return False
    return True
