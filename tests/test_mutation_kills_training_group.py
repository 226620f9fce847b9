"""The ``training`` mutation group: what its survivors showed untested.

Covers the mini-batch gathers' documented memory promise (batches gathered
into buffers made before training), the words of ``fit``'s and
``partial_fit``'s refusals, ``batch_size`` resolution ('auto', clipping, the
rows left after a validation split), every optimizer hyperparameter reaching
its optimizer, dropout's validation and seeding (a refit repeats itself,
``partial_fit`` continues the masks), and stacked fits that differ only in
``scoring``. Each test asserts what a user can observe: errors and warnings
word for word, fitted weights and curves, memory measured with tracemalloc.
"""

import re
import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from sklearn.utils.class_weight import compute_sample_weight

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn._training.together import fit_together
from sknumpynn.callbacks import Callback
from sknumpynn.nn import SGD, Adagrad, Adam, AdamW, Network, RMSprop, Workspace
from sknumpynn.nn.schedules import ReduceLROnPlateau

X, y = make_regression(n_samples=60, n_features=3, noise=1.0, random_state=0)
X = (X - X.mean(0)) / X.std(0)
y = (y - y.mean()) / y.std()


def _fit(estimator, X_fit=X, y_fit=y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X_fit, y_fit, **fit_params)


def _weights(estimator):
    return estimator.coefs_ + estimator.intercepts_


def _assert_same_weights(a, b):
    for wa, wb in zip(_weights(a), _weights(b), strict=True):
        np.testing.assert_array_equal(wa, wb)


# -- mini-batches gathered into preallocated buffers -----------------------------


class _EpochPeaks(Callback):
    """The traced memory peak of each epoch after the first, above the memory
    held when the epoch began (tracemalloc must be running)."""

    def __init__(self):
        self.peaks, self._base = [], None

    def on_epoch_end(self, estimator, logs):
        current, peak = tracemalloc.get_traced_memory()
        if self._base is not None:
            self.peaks.append(peak - self._base)
        tracemalloc.reset_peak()
        self._base = tracemalloc.get_traced_memory()[0]


def _epoch_peaks(n_outputs):
    rng = np.random.RandomState(0)
    X_big = rng.normal(size=(4000, 100))
    Y_big = rng.normal(size=(4000, n_outputs)).squeeze()
    peaks = _EpochPeaks()
    reg = NumpyMLPRegressor(
        hidden_layer_sizes=(2,),
        batch_size=500,
        max_iter=4,
        tol=0,
        random_state=0,
        dtype="float64",
        callbacks=[peaks],
    )
    tracemalloc.start()
    try:
        _fit(reg, X_big, Y_big)
    finally:
        tracemalloc.stop()
    assert len(peaks.peaks) == 3
    return max(peaks.peaks)


def test_shuffled_batches_are_gathered_into_buffers_made_before_training():
    """The user guide: "mini-batches gathered into preallocated buffers". A
    shuffled epoch never holds a freshly allocated batch of rows beside the
    one it trains on: its memory peak stays below one new batch of ``X`` and
    ``Y`` rows together (the loss's own temporaries fit under that bound)."""
    x_batch, y_batch = 500 * 100 * 8, 500 * 50 * 8
    assert _epoch_peaks(n_outputs=50) < x_batch + y_batch


def test_an_epoch_allocates_no_batch_of_rows():
    """README and user guide: training "allocates nothing per batch". With one
    output (the loss's temporaries tiny), an epoch's peak stays far below one
    batch of ``X`` rows."""
    x_batch = 500 * 100 * 8
    assert _epoch_peaks(n_outputs=1) < x_batch / 4


def test_balanced_class_weight_trains_as_the_same_sample_weight_in_float32():
    """class_weight='balanced' is documented as weights "multiplied into
    sample_weight": a float32 fit with it trains bit for bit as one given
    ``compute_sample_weight('balanced', y)`` (float64) does, shuffled batches
    weighted in the training dtype either way."""
    rng = np.random.RandomState(0)
    X32 = rng.normal(size=(120, 5)).astype(np.float32)
    labels = (X32[:, 0] + rng.normal(size=120) > 0.5).astype(int)
    kw = dict(
        hidden_layer_sizes=(4,),
        max_iter=3,
        tol=0,
        random_state=0,
        dtype="float32",
        batch_size=16,
    )
    balanced = _fit(NumpyMLPClassifier(class_weight="balanced", **kw), X32, labels)
    weighted = _fit(
        NumpyMLPClassifier(**kw),
        X32,
        labels,
        sample_weight=compute_sample_weight("balanced", labels),
    )
    assert balanced.loss_curve_ == weighted.loss_curve_
    _assert_same_weights(balanced, weighted)


def test_wide_sparse_rows_are_never_gathered_into_a_dense_batch():
    """Sparse ``X`` stays sparse: a fit on 20,000 sparse columns allocates no
    dense batch of its rows (200 x 20,000 float64: 32 MB)."""
    X_sparse = sp.random(400, 20_000, density=0.001, format="csr", random_state=0)
    targets = np.asarray(X_sparse.sum(axis=1)).ravel()
    reg = NumpyMLPRegressor(hidden_layer_sizes=(2,), max_iter=2, random_state=0)
    tracemalloc.start()
    try:
        _fit(reg, X_sparse, targets)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 20_000 * 8 / 4


# -- fit's and partial_fit's refusals, word for word -------------------------------


@pytest.mark.parametrize(
    "given, message",
    [
        ({"X_val": X[:10]}, "X_val is provided, but y_val was not provided."),
        ({"y_val": y[:10]}, "y_val is provided, but X_val was not provided."),
        (
            {"sample_weight_val": np.ones(10)},
            "sample_weight_val is provided, but X_val and y_val were not provided.",
        ),
    ],
)
def test_incomplete_validation_data_is_refused_word_for_word(given, message):
    reg = NumpyMLPRegressor(early_stopping=True)
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        reg.fit(X, y, **given)


def test_partial_fit_with_early_stopping_is_refused_word_for_word():
    reg = NumpyMLPRegressor(early_stopping=True)
    message = "partial_fit does not support early_stopping=True"
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        reg.partial_fit(X, y)


# -- batch_size ------------------------------------------------------------------


def test_auto_batch_size_is_200_rows_as_in_scikit_learn():
    X_big, y_big = make_regression(n_samples=250, n_features=3, random_state=0)
    y_big = y_big / y_big.std()
    kw = dict(hidden_layer_sizes=(4,), max_iter=2, tol=0, random_state=0)
    auto = _fit(NumpyMLPRegressor(**kw), X_big, y_big)
    rows200 = _fit(NumpyMLPRegressor(batch_size=200, **kw), X_big, y_big)
    _assert_same_weights(auto, rows200)
    rows201 = _fit(NumpyMLPRegressor(batch_size=201, **kw), X_big, y_big)
    assert not np.array_equal(auto.coefs_[0], rows201.coefs_[0])


def test_batch_size_one_matches_scikit_learn():
    kw = dict(
        hidden_layer_sizes=(4,),
        solver="sgd",
        batch_size=1,
        max_iter=2,
        tol=0,
        random_state=0,
    )
    ours = _fit(NumpyMLPRegressor(**kw))
    theirs = _fit(MLPRegressor(**kw))
    for a, b in zip(_weights(ours), theirs.coefs_ + theirs.intercepts_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_a_huge_batch_size_is_clipped_to_the_rows_before_anything_is_allocated():
    """``batch_size=10**6`` on 60 rows: "It is going to be clipped", so the
    fit allocates buffers of 60 rows, not of a million."""
    reg = NumpyMLPRegressor(hidden_layer_sizes=(4,), batch_size=10**6, max_iter=2)
    tracemalloc.start()
    try:
        with pytest.warns(UserWarning, match="It is going to be clipped"):
            _fit(reg)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10**6 * 3 * 8 / 4  # a million rows of X: 24 MB


def test_batch_size_is_clipped_to_the_rows_left_after_the_validation_split():
    """60 rows, 10 % held out: 54 training rows, so ``batch_size=57`` warns
    and trains as ``batch_size=54`` does."""
    kw = dict(hidden_layer_sizes=(4,), early_stopping=True, max_iter=2, tol=0)
    reg = NumpyMLPRegressor(batch_size=57, random_state=0, **kw)
    with pytest.warns(UserWarning, match="It is going to be clipped"):
        _fit(reg)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Got `batch_size`")
        whole = _fit(NumpyMLPRegressor(batch_size=54, random_state=0, **kw))
    _assert_same_weights(reg, whole)


# -- every hyperparameter reaches its optimizer -----------------------------------


@pytest.mark.parametrize(
    "solver, name, value",
    [
        ("adam", "epsilon", 0.1),
        ("adamw", "epsilon", 0.1),
        ("rmsprop", "epsilon", 0.1),
        ("adagrad", "epsilon", 0.1),
        ("rmsprop", "rho", 0.5),
        ("adam", "beta_1", 0.5),
        ("adam", "beta_2", 0.5),
        ("adamw", "beta_1", 0.5),
        ("adamw", "beta_2", 0.5),
        ("adamw", "weight_decay", 0.5),
        ("sgd", "momentum", 0.5),
        ("sgd", "nesterovs_momentum", False),
    ],
)
def test_each_optimizer_hyperparameter_changes_the_fit(solver, name, value):
    kw = dict(
        hidden_layer_sizes=(4,),
        solver=solver,
        batch_size=20,
        max_iter=3,
        tol=0,
        random_state=0,
    )
    default = _fit(NumpyMLPRegressor(**kw))
    changed = _fit(NumpyMLPRegressor(**kw, **{name: value}))
    assert not np.array_equal(default.coefs_[0], changed.coefs_[0])


def test_power_t_shapes_the_invscaling_rate_as_in_scikit_learn():
    kw = dict(
        hidden_layer_sizes=(4,),
        solver="sgd",
        learning_rate="invscaling",
        learning_rate_init=0.1,
        power_t=0.25,
        batch_size=20,
        max_iter=3,
        tol=0,
        random_state=0,
    )
    ours, theirs = _fit(NumpyMLPRegressor(**kw)), _fit(MLPRegressor(**kw))
    for a, b in zip(_weights(ours), theirs.coefs_ + theirs.intercepts_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


# -- dropout -----------------------------------------------------------------------


def _dropout_regressor(**params):
    kw = dict(
        hidden_layer_sizes=(8, 8, 8),
        dropout=0.3,
        batch_size=20,
        max_iter=2,
        tol=0,
        random_state=0,
        shuffle=False,
    )
    return NumpyMLPRegressor(**{**kw, **params})


def test_one_dropout_rate_serves_every_hidden_layer():
    per_layer = _fit(_dropout_regressor(dropout=(0.3, 0.3, 0.3)))
    _assert_same_weights(_fit(_dropout_regressor()), per_layer)
    assert not np.array_equal(
        per_layer.coefs_[0], _fit(_dropout_regressor(dropout=0.0)).coefs_[0]
    )


def test_dropout_of_the_wrong_length_is_refused_word_for_word():
    message = (
        "dropout must be a float or one value per hidden layer (3), got (0.1, 0.2)."
    )
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        _fit(_dropout_regressor(dropout=(0.1, 0.2)))


@pytest.mark.parametrize(
    "dropout", [(0.5, None, 0.1), (0.1, 1.0, 0.1), (0.1, 1.5, 0.1), (0.1, -0.2, 0.1)]
)
def test_dropout_outside_zero_one_is_refused_word_for_word(dropout):
    message = f"dropout rates must be in [0, 1), got {dropout!r}."
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        _fit(_dropout_regressor(dropout=dropout))


def test_a_refit_with_dropout_repeats_the_first_fit():
    """``fit`` starts over: the same ``random_state`` draws the same masks,
    the optimizer and the schedule's memory start afresh."""
    reg = _dropout_regressor(learning_rate="plateau", solver="sgd")
    first = [w.copy() for w in _weights(_fit(reg))]
    curve = list(reg.loss_curve_)
    _fit(reg)
    assert reg.loss_curve_ == curve
    for a, b in zip(_weights(reg), first, strict=True):
        np.testing.assert_array_equal(a, b)


def test_partial_fit_continues_the_dropout_masks_of_the_epochs_before():
    """Successive ``partial_fit`` calls draw fresh masks (and keep the
    optimizer) even with an int ``random_state``: two calls are the two epochs
    of a ``fit`` with ``max_iter=2`` (rows in order)."""
    fitted = _fit(_dropout_regressor())
    stepped = _dropout_regressor()
    for _ in range(2):
        stepped.partial_fit(X, y)
    assert stepped.loss_curve_ == fitted.loss_curve_
    _assert_same_weights(stepped, fitted)


def _plateau_regressor(**params):
    """Its rate halves after every epoch but the first (none improves by 10)."""
    schedule = ReduceLROnPlateau(factor=0.5, patience=1, min_delta=10.0)
    kw = dict(
        hidden_layer_sizes=(4,),
        solver="sgd",
        learning_rate=schedule,
        learning_rate_init=0.01,
        max_iter=4,
        tol=0,
        random_state=0,
    )
    return NumpyMLPRegressor(**{**kw, **params})


def _rates(estimator):
    return [epoch["learning_rate"] for epoch in estimator.history_]


def test_a_refit_starts_the_plateau_schedule_afresh():
    reg = _fit(_plateau_regressor())
    first = _rates(reg)
    assert first == [0.01, 0.01, 0.005, 0.0025]
    assert _rates(_fit(reg)) == first


def test_partial_fit_carries_the_plateau_schedule_over_calls():
    reg = _plateau_regressor()
    for _ in range(4):
        reg.partial_fit(X, y)
    assert _rates(reg) == [0.01, 0.01, 0.005, 0.0025]


# -- stacked fits ----------------------------------------------------------------


def test_stacked_fits_that_differ_in_scoring_each_use_their_own_scorer():
    """Fits on the same rows that differ only in ``scoring`` are fitted
    together; each reports its own scorer's validation scores."""
    kw = dict(
        hidden_layer_sizes=(4,), early_stopping=True, max_iter=3, tol=0, random_state=0
    )
    estimators = [
        NumpyMLPRegressor(scoring=scoring, **kw)
        for scoring in ("r2", "neg_mean_absolute_error")
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        together = fit_together(estimators, [(X, y, None)] * 2)
        alone = [clone(e).fit(X, y) for e in estimators]
    for (a, error), b in zip(together, alone, strict=True):
        assert error is None
        assert a.validation_scores_ == b.validation_scores_
    assert alone[0].validation_scores_ != alone[1].validation_scores_


def test_classifier_dropout_refit_is_deterministic():
    """The same for a classifier, whose masks come from the same seed draw."""
    Xc, yc = X, (y > 0).astype(int)
    clf = NumpyMLPClassifier(
        hidden_layer_sizes=(6,), dropout=0.4, max_iter=2, tol=0, random_state=3
    )
    first = _fit(clf, Xc, yc).predict_proba(Xc)
    np.testing.assert_array_equal(_fit(clone(clf), Xc, yc).predict_proba(Xc), first)


# -- float32 fits train in float32 -----------------------------------------------


def _float32_optimizer(solver, network):
    """The public engine's optimizer of ``solver`` with the estimator's
    defaults, its state in float32."""
    n, f32 = network.n_params, np.float32
    if solver == "sgd":
        return SGD(n, f32, 0.001, "constant", 0.9, True, 0.5)
    if solver == "adam":
        return Adam(n, f32, 0.001, 0.9, 0.999, 1e-8)
    if solver == "adamw":
        return AdamW(
            n, f32, 0.001, 0.9, 0.999, 1e-8, 0.01, n_decayed=network.n_coef_params
        )
    if solver == "rmsprop":
        return RMSprop(n, f32, 0.001, 0.9, 1e-8)
    return Adagrad(n, f32, 0.001, 1e-8)


@pytest.mark.parametrize("solver", ["sgd", "adam", "adamw", "rmsprop", "adagrad"])
def test_a_float32_fit_steps_as_the_float32_optimizer_of_the_engine(solver):
    """``dtype='float32'`` sets "the precision of the weights and of every
    training operation": a warm-started float32 fit (a fresh optimizer from
    the fitted weights) ends bit for bit where the public engine's float32
    optimizer, stepped on the network's float32 gradients, ends. Optimizer
    state kept in float64 rounds differently."""
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    reg = NumpyMLPRegressor(
        hidden_layer_sizes=(32,),
        solver=solver,
        batch_size=20,
        max_iter=1,
        shuffle=False,
        tol=0,
        dtype="float32",
        random_state=0,
    )
    _fit(reg, X32, y32)
    net = Network.from_arrays(reg.coefs_, reg.intercepts_, "relu", "identity")
    _fit(reg.set_params(warm_start=True, max_iter=3), X32, y32)
    optimizer, workspace = _float32_optimizer(solver, net), Workspace(net, 20)
    for _epoch in range(3):
        for start in range(0, 60, 20):
            rows = slice(start, start + 20)
            net.loss_and_gradient(
                X32[rows], y32[rows, None], "squared_error", reg.alpha, workspace
            )
            optimizer.step(net.params, workspace.grad)
    assert reg.coefs_[0].dtype == np.float32
    for ours, engine in zip(_weights(reg), net.coefs + net.intercepts, strict=True):
        np.testing.assert_array_equal(ours, engine)


def test_stacked_float32_dropout_fits_are_their_own_single_fits():
    """Float32 fits with dropout, stacked (``fit_together``), end bit for bit
    as each one fitted alone: a single fit's masks are drawn in float32 as the
    stack's are (float64 draws are another random stream)."""
    kw = dict(
        hidden_layer_sizes=(8, 8),
        dropout=0.3,
        batch_size=20,
        max_iter=2,
        tol=0,
        random_state=0,
        dtype="float32",
    )
    estimators = [NumpyMLPRegressor(alpha=alpha, **kw) for alpha in (1e-4, 1e-2)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        together = fit_together(estimators, [(X, y, None)] * 2)
        alone = [clone(e).fit(X, y) for e in estimators]
    for (stacked, error), single in zip(together, alone, strict=True):
        assert error is None
        assert stacked.coefs_[0].dtype == np.float32
        assert stacked.loss_curve_ == single.loss_curve_
        _assert_same_weights(stacked, single)


def test_weighted_validation_rows_given_to_fit_score_the_kept_weights():
    """``X_val``, ``y_val`` and ``sample_weight_val`` passed to ``fit`` are
    the validation rows: the best validation score is the restored model's
    weighted R^2 on them (unweighted it would differ)."""
    rng = np.random.RandomState(1)
    X_val, y_val = rng.normal(size=(20, 3)), rng.normal(size=20)
    sw_val = rng.uniform(0.1, 3.0, size=20)
    reg = NumpyMLPRegressor(
        hidden_layer_sizes=(4,), early_stopping=True, max_iter=4, tol=0, random_state=0
    )
    _fit(reg, X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    weighted = reg.score(X_val, y_val, sample_weight=sw_val)
    assert reg.best_validation_score_ == pytest.approx(weighted, rel=1e-12)
    assert reg.score(X_val, y_val) != pytest.approx(weighted, rel=1e-6)
