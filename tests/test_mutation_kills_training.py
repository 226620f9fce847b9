"""Behaviour of the stochastic training path that the mutation run found untested.

Each test asserts what a user of the estimators (or of the trainer's public
results) can observe, so it holds whatever the loop looks like inside.
"""

import inspect
import re
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from stopping_helpers import stopping_state

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn._training.together import _Prepared, fit_together, train_stack
from sknumpynn.callbacks import Callback
from sknumpynn.nn.schedules import EpochSchedule


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


class _InterruptAt(Callback):
    """Raises ``KeyboardInterrupt`` (as Ctrl-C would) at the end of an epoch."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, estimator, logs):
        if logs["epoch"] == self.epoch:
            raise KeyboardInterrupt


def test_interrupt_names_the_epoch_it_keeps(iris):
    X, y = iris
    reference = NumpyMLPClassifier(max_iter=3, random_state=0, tol=0).fit(X, y)
    clf = NumpyMLPClassifier(
        max_iter=10, random_state=0, tol=0, callbacks=[_InterruptAt(3)]
    )
    with pytest.warns(UserWarning, match=r"last completed epoch \(3\)\.$"):
        clf.fit(X, y)
    assert clf.n_iter_ == 3
    expected = reference.coefs_ + reference.intercepts_
    for a, b in zip(clf.coefs_ + clf.intercepts_, expected):
        np.testing.assert_array_equal(a, b)


@pytest.fixture
def regression():
    X, y = make_regression(n_samples=80, n_features=4, random_state=0)
    return X, y


FIRST_EPOCH_DIVERGED = (
    "Solver produced non-finite parameter weights. The input data may contain "
    "large values and need to be preprocessed. Training diverged in its first "
    "epoch: the loss is not finite, so no usable weights exist. Scale the "
    "features (e.g. StandardScaler) or lower learning_rate_init."
)


def _diverged_after(n_epochs):
    return re.escape(
        f"Training diverged after {n_epochs} epoch{'' if n_epochs == 1 else 's'} "
        "(the loss became non-finite); the weights of the last finite epoch were "
        "restored. Scale the features (e.g. StandardScaler) or lower "
        "learning_rate_init."
    )


def test_divergence_keeps_the_last_finite_epoch_and_says_when(regression):
    X, y = regression
    kw = dict(solver="sgd", learning_rate_init=30.0, random_state=0, tol=0)
    reg = NumpyMLPRegressor(**kw)
    with pytest.warns(ConvergenceWarning, match="^" + _diverged_after(4) + "$"):
        reg.fit(X, y)
    assert reg.n_iter_ == 4 and len(reg.loss_curve_) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        four_epochs = NumpyMLPRegressor(**{**kw, "max_iter": 4}).fit(X, y)
    assert reg.loss_curve_ == four_epochs.loss_curve_
    for a, b in zip(
        reg.coefs_ + reg.intercepts_, four_epochs.coefs_ + four_epochs.intercepts_
    ):
        np.testing.assert_array_equal(a, b)
    one = NumpyMLPRegressor(**kw, batch_size=20)
    with pytest.warns(ConvergenceWarning, match="^" + _diverged_after(1) + "$"):
        one.fit(X, y)
    assert one.n_iter_ == 1


def test_divergence_in_the_first_epoch_is_an_error_that_says_what_to_do(regression):
    X, y = regression
    reg = NumpyMLPRegressor(solver="sgd", learning_rate_init=10.0, random_state=0)
    with pytest.raises(ValueError, match="^" + re.escape(FIRST_EPOCH_DIVERGED) + "$"):
        reg.fit(X * 1e200, y)


class _CountedRegressor(NumpyMLPRegressor):
    """Counts its ``fit`` calls: a stacked fit never calls ``fit``, but a stack
    that fails falls back to fitting each model on its own."""

    fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def _assert_equal_fits(together, alone):
    for (a, error_a), b in zip(together, alone):
        assert error_a is None
        assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
        assert a.loss_curve_ == b.loss_curve_
        if b.validation_scores_ is None:
            assert a.validation_scores_ is None
        else:  # NaN where a diverged epoch was validated: equal NaNs
            np.testing.assert_array_equal(a.validation_scores_, b.validation_scores_)
        for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
            np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_stack_trains_on_after_one_model_diverged(regression, early_stopping):
    """The other models of the stack keep their epoch, the diverged ones their
    last finite epoch (rate 30) or the one before, when the last one's outputs
    overflow (rate 3), each as its own fit would; and the stack does not fall
    back to fitting them one by one."""
    X, y = regression
    folds = [slice(0, 60), slice(20, 80)]
    estimators, datasets = [], []
    for rows in folds:
        for rate in (1e-3, 30.0, 3.0, 1e-2):
            estimators.append(
                _CountedRegressor(
                    solver="sgd",
                    learning_rate_init=rate,
                    hidden_layer_sizes=(5,),
                    max_iter=8,
                    early_stopping=early_stopping,
                    n_iter_no_change=3,
                    random_state=0,
                )
            )
            datasets.append((X[rows], y[rows], None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _CountedRegressor.fits = 0
        together = fit_together(estimators, datasets)
        assert _CountedRegressor.fits == 0
        alone = [clone(e).fit(Xd, yd) for e, (Xd, yd, _) in zip(estimators, datasets)]
    assert all(fit.n_iter_ < 8 for fit in alone[1::4] + alone[2::4])  # diverged
    _assert_equal_fits(together, alone)


class _CountedClassifier(NumpyMLPClassifier):
    fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def _epochs(history):
    """``history_`` without the wall times and the learning rates (those have
    their own test below: they differed on the measured commit e2ffcdd)."""
    skip = ("seconds", "learning_rate")
    return [{k: v for k, v in h.items() if k not in skip} for h in history]


@pytest.mark.parametrize("early_stopping", [False, True])
def test_stacked_models_retire_one_by_one_as_their_own_fits(iris, early_stopping):
    """Models of one stack that differ in every per-model setting (penalties,
    epochs, stall rules, dropout, schedule length) stop at different epochs;
    each ends as its own fit, epoch by epoch, without falling back."""
    X, y = iris
    grid = [
        dict(alpha=a, l1=l1, max_iter=m, tol=t, dropout=d)
        for a, l1, m, t, d in [
            (1e-4, 0.0, 9, 1e-4, 0.0),
            (1e-1, 1e-3, 6, 1e-4, 0.2),
            (1e-3, 0.0, 12, 0.5, 0.0),
            (1e-2, 1e-2, 9, 1e-4, 0.3),
        ]
    ]
    estimators, datasets = [], []
    for train in (np.arange(0, 150, 2), np.arange(1, 150, 2)):
        for params in grid:
            estimators.append(
                _CountedClassifier(
                    hidden_layer_sizes=(6,),
                    learning_rate="cosine",
                    learning_rate_init=0.05,
                    n_iter_no_change=2,
                    early_stopping=early_stopping,
                    random_state=1,
                    **params,
                )
            )
            datasets.append((X[train], y[train], None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _CountedClassifier.fits = 0
        together = fit_together(estimators, datasets)
        assert _CountedClassifier.fits == 0
        alone = [clone(e).fit(Xd, yd) for e, (Xd, yd, _) in zip(estimators, datasets)]
    assert len({fit.n_iter_ for fit in alone}) > 2  # they retire one by one
    _assert_equal_fits(together, alone)
    for (a, _), b in zip(together, alone):
        assert _epochs(a.history_) == _epochs(b.history_)
        assert a.best_loss_ == b.best_loss_ or early_stopping
        assert repr(a._optimizer) == repr(b._optimizer)
        np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


class _Halving(EpochSchedule):
    def __call__(self, learning_rate_init, epoch, max_iter):
        return learning_rate_init / 2**epoch * (1 + 1e-3 * epoch * max_iter)


def test_partial_fit_schedules_count_every_epoch_so_far(iris):
    X, y = iris
    clf = NumpyMLPClassifier(
        learning_rate=_Halving(), learning_rate_init=0.04, max_iter=7
    )
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    rates = [h["learning_rate"] for h in clf.history_]
    np.testing.assert_allclose(rates, [0.04, 0.02 * 1.007, 0.01 * 1.014], rtol=1e-12)
    fitted = NumpyMLPClassifier(
        learning_rate=_Halving(), learning_rate_init=0.04, max_iter=3, tol=0
    ).fit(X, y)
    np.testing.assert_allclose(
        [h["learning_rate"] for h in fitted.history_],
        [0.04, 0.02 * 1.003, 0.01 * 1.006],
        rtol=1e-12,
    )


@pytest.mark.parametrize(
    "early_stopping, monitor, what",
    [
        (False, "val_score", "Training loss"),
        (True, "val_score", "Validation score"),
        (True, "val_loss", "Validation loss"),
    ],
)
def test_verbose_stall_message_names_what_did_not_improve(
    iris, capsys, early_stopping, monitor, what
):
    X, y = iris
    clf = NumpyMLPClassifier(
        tol=10.0,
        n_iter_no_change=2,
        max_iter=50,
        early_stopping=early_stopping,
        monitor=monitor,
        verbose=2,  # printed lines, not a progress bar
        random_state=0,
    ).fit(X, y)
    assert clf.n_iter_ == 4  # the first epoch, then three without improvement
    out = capsys.readouterr().out
    expected = (
        f"{what} did not improve more than tol=10.000000 for 2 consecutive epochs."
        " Stopping.\n"
    )
    assert out.endswith(expected)
    line = r"^Iteration 1, loss = \d+\.\d{8}"
    if early_stopping:
        line += r", val_loss = \d+\.\d{8}, validation score = \d+\.\d{6}"
    assert re.search(line + "$", out, re.M)


def test_batch_size_larger_than_the_data_is_clipped_with_a_warning(iris):
    X, y = iris
    message = (
        "Got `batch_size` less than 1 or larger than sample size. It is going to "
        "be clipped"
    )
    clf = NumpyMLPClassifier(batch_size=1000, max_iter=2, random_state=0)
    with pytest.warns(UserWarning, match="^" + re.escape(message) + "$"):
        clf.fit(X, y)
    whole = NumpyMLPClassifier(batch_size=150, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Got `batch_size`")
        whole.fit(X, y)
    np.testing.assert_array_equal(clf.coefs_[0], whole.coefs_[0])


@pytest.mark.parametrize("dropout", [[0.1, 1.5], [-0.2, 0.1], [0.1, 1.0]])
def test_dropout_outside_zero_one_is_refused(iris, dropout):
    X, y = iris
    clf = NumpyMLPClassifier(hidden_layer_sizes=(4, 4), dropout=dropout)
    match = "^" + re.escape(f"dropout rates must be in [0, 1), got {dropout!r}.") + "$"
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


def test_a_diverging_fit_with_early_stopping_emits_no_runtime_warning(regression):
    """Overflowing validation outputs are expected there: no NumPy warning."""
    X, y = regression
    reg = NumpyMLPRegressor(
        solver="sgd",
        learning_rate_init=3.0,
        hidden_layer_sizes=(5,),
        max_iter=8,
        early_stopping=True,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        reg.fit(X[:60], y[:60])
    assert not np.isfinite(reg.validation_scores_[-1])  # the outputs overflowed


def test_stacked_learning_rates_in_history_are_each_epochs_own(iris):
    """A stacked fit's ``history_`` reports the rate each epoch used, as its own
    fit does (at e2ffcdd the stack reported the next epoch's rate)."""
    X, y = iris
    estimators = [
        NumpyMLPClassifier(
            hidden_layer_sizes=(6,),
            learning_rate="cosine",
            learning_rate_init=0.05,
            max_iter=max_iter,
            tol=0,
            random_state=1,
        )
        for max_iter in (9, 6)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        together = fit_together(estimators, [(X, y, None)] * 2)
        alone = [clone(e).fit(X, y) for e in estimators]
    for (a, _), b in zip(together, alone):
        rates = [h["learning_rate"] for h in a.history_]
        assert rates == [h["learning_rate"] for h in b.history_]
        assert rates[0] == 0.05 and rates[1] < 0.05


def test_validation_split_needs_two_rows(regression):
    X, y = regression
    kw = dict(early_stopping=True, validation_fraction=0.1, max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        two = NumpyMLPRegressor(**kw).fit(X[:20], y[:20])  # 2 held-out rows
    assert len(two.validation_scores_) == 2
    message = (
        "The validation set is too small. Increase 'validation_fraction' or the "
        "size of your dataset."
    )
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        NumpyMLPRegressor(**kw).fit(X[:10], y[:10])  # 1 held-out row


SKLEARN_MLP_HAS_SAMPLE_WEIGHT = (
    "sample_weight" in inspect.signature(MLPClassifier.fit).parameters
)


@pytest.mark.skipif(
    not SKLEARN_MLP_HAS_SAMPLE_WEIGHT,
    reason="scikit-learn's MLP takes sample_weight from 1.7",
)
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_weighted_validation_scores_equal_scikit_learns(iris, kind):
    """With ``sample_weight`` and early stopping, the held-out rows keep their
    weights in the validation score, as in scikit-learn's MLP."""
    X, y = iris
    if kind == "regressor":
        X, y = make_regression(n_samples=150, n_features=4, noise=5.0, random_state=0)
        y = (y - y.mean()) / y.std()
    sample_weight = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    kw = dict(
        hidden_layer_sizes=(6,),
        max_iter=15,
        early_stopping=True,
        n_iter_no_change=50,
        random_state=0,
    )
    ours, theirs = (
        (NumpyMLPClassifier, MLPClassifier)
        if kind == "classifier"
        else (NumpyMLPRegressor, MLPRegressor)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = ours(**kw).fit(X, y, sample_weight=sample_weight)
        b = theirs(**kw).fit(X, y, sample_weight=sample_weight)
        unweighted = ours(**kw).fit(X, y)
    np.testing.assert_allclose(a.validation_scores_, b.validation_scores_, rtol=1e-9)
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-9)
    assert not np.allclose(a.validation_scores_, unweighted.validation_scores_)


def _huge_last_row_network():
    """A linear network whose output is inf - inf (an overflow, then an
    invalid operation) on rows with large x, and finite on zeros."""
    from sknumpynn.nn import Network

    net = Network((1, 2, 1), "identity", "identity")
    net.coefs[0][...] = [[1e300, -1e300]]
    net.coefs[1][...] = 1.0
    return net


def test_ensure_finite_outputs_checks_the_first_1000_rows_only():
    from sknumpynn._training.recovery import ensure_finite_outputs

    X = np.zeros((1001, 1))
    X[1000] = 1e10  # overflows, but is not among the rows checked
    net = _huge_last_row_network()
    fallback = np.zeros_like(net.params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ensure_finite_outputs(net, X, fallback)
    assert net.coefs[0][0, 0] == 1e300  # kept: its checked outputs are finite


def test_ensure_finite_outputs_falls_back_with_the_warning_word_for_word():
    from sknumpynn._training.recovery import ensure_finite_outputs

    X = np.full((5, 1), 1e10)
    net = _huge_last_row_network()
    fallback = np.zeros_like(net.params)
    fallback[0] = 0.5
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ensure_finite_outputs(net, X, fallback)
    assert [(w.category, str(w.message)) for w in caught] == [
        (
            ConvergenceWarning,
            "Training diverged: the final weights give non-finite outputs; the "
            "previous epoch's weights were restored. Scale the features (e.g. "
            "StandardScaler) or lower learning_rate_init.",
        )
    ]  # and no overflow RuntimeWarning from the check itself
    np.testing.assert_array_equal(net.params, fallback)


def test_ensure_finite_outputs_raises_when_the_fallback_overflows_too():
    from sknumpynn._training.recovery import ensure_finite_outputs

    X = np.full((5, 1), 1e10)
    net = _huge_last_row_network()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as error:
            ensure_finite_outputs(net, X, net.params.copy())
    assert str(error.value) == (
        "Solver produced non-finite parameter weights. The input data may contain "
        "large values and need to be preprocessed. Training diverged: the "
        "network's outputs are not finite. Scale the features (e.g. "
        "StandardScaler) or lower learning_rate_init."
    )


def test_max_iter_warning_word_for_word(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning) as caught:
        NumpyMLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(
            X, y
        )
    assert [str(w.message) for w in caught] == [
        "Stochastic Optimizer: Maximum iterations (2) reached and the "
        "optimization hasn't converged yet."
    ]


def test_no_improvement_count_at_the_tolerance_boundary():
    """An epoch improves when it beats the best by at least ``tol`` (training
    loss: ``loss <= best - tol``; validation: ``improvement >= tol``), as in
    scikit-learn's MLP."""
    from sknumpynn._training.stopping import update_no_improvement

    params = np.zeros(2)
    state = stopping_state(loss_curve_=[1.0], best_loss_=1.25, _no_improvement_count=3)
    update_no_improvement(state, params, 0.25, None, "val_score")
    assert state._no_improvement_count == 0 and state.best_loss_ == 1.0
    state.loss_curve_.append(0.875)
    update_no_improvement(state, params, 0.25, None, "val_score")
    assert state._no_improvement_count == 1 and state.best_loss_ == 0.875

    state = stopping_state(best_validation_score_=0.5, best_validation_loss_=2.0)
    update_no_improvement(state, params, 0.25, (1.0, 0.75), "val_score")
    assert state._no_improvement_count == 0  # improved by exactly tol
    update_no_improvement(state, params + 1, 0.25, (0.75, 0.875), "val_loss")
    assert state._no_improvement_count == 0  # val loss 1.0 -> 0.75: by tol
    np.testing.assert_array_equal(state._best_params, params + 1)
    update_no_improvement(state, params + 2, 0.25, (0.625, 0.0), "val_loss")
    assert state._no_improvement_count == 1  # by 0.125 < tol, still the best
    np.testing.assert_array_equal(state._best_params, params + 2)
    update_no_improvement(state, params + 3, 0.25, (0.7, 0.0), "val_loss")
    assert state._no_improvement_count == 2  # worse: the best weights stay
    np.testing.assert_array_equal(state._best_params, params + 2)
    assert state.best_validation_loss_ == 0.625
    assert state.best_validation_score_ == 0.875


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("n_folds", [1, 2])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("batch_size", [32, 37])  # 75 rows: a last batch of 11 or 1
def test_stacked_gathers_equal_own_fits_without_falling_back(
    iris, dtype, n_folds, sparse, shuffle, batch_size
):
    """A stack's batches (``StackedBatches``, or each group's own ``Rows`` on
    sparse X) with weighted and unweighted models side by side, one shared or
    two fold ``X``, rows in order or shuffled, a last batch shorter than the
    others, in float64 and float32: every model ends bit for bit as its own fit,
    and the stack never falls back to fitting them one by one (which would hide
    a crash of the stacked path)."""
    import scipy.sparse as sp

    X, y = iris
    if sparse:
        X = sp.csr_matrix(np.where(np.abs(X) < 0.5, 0.0, X))
    rng = np.random.RandomState(0)
    estimators, datasets = [], []
    for train in [np.arange(0, 150, 2), np.arange(1, 150, 2)][:n_folds]:
        X_train, y_train = X[train], y[train]  # one array per fold, shared
        weights = rng.uniform(0.5, 2.0, len(train))
        for alpha, sample_weight in ((1e-4, None), (1e-2, weights), (1e-3, None)):
            estimators.append(
                _CountedClassifier(
                    hidden_layer_sizes=(5,),
                    alpha=alpha,
                    batch_size=batch_size,
                    max_iter=6,
                    shuffle=shuffle,
                    dtype=dtype,
                    random_state=0,
                )
            )
            datasets.append((X_train, y_train, sample_weight))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _CountedClassifier.fits = 0
        if sparse:  # fit_together fits sparse X one by one; a stack can train it
            items = [_Prepared(e, data) for e, data in zip(estimators, datasets)]
            together = train_stack([[item] for item in items])
        else:
            together = fit_together(estimators, datasets)
        assert _CountedClassifier.fits == 0
        alone = [
            clone(e).fit(Xd, yd, sample_weight=sw)
            for e, (Xd, yd, sw) in zip(estimators, datasets)
        ]
    _assert_equal_fits(together, alone)
    for a, _ in together:
        assert a.coefs_[0].dtype == np.dtype(dtype)
