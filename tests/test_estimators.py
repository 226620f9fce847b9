"""Behaviour of the two estimators beyond scikit-learn's common checks."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import (
    load_iris,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def regression():
    X, y = make_regression(n_samples=120, n_features=5, noise=1.0, random_state=0)
    return X, y / y.std()


EXTRA_PARAMETERS = {
    "dtype": "auto",
    "dropout": 0.0,
    "l1": 0.0,
    "weight_decay": 0.01,
    "rho": 0.9,
    "monitor": "val_score",
    "callbacks": None,
    "scoring": None,
    "transform_layer": -1,
}


def test_same_parameters_and_defaults_as_sklearn():
    ours = NumpyMLPClassifier().get_params()
    theirs = MLPClassifier().get_params()
    assert ours == {**theirs, **EXTRA_PARAMETERS, "class_weight": None}
    from sklearn.neural_network import MLPRegressor

    theirs = MLPRegressor().get_params()
    theirs.setdefault("loss", "squared_error")  # added in scikit-learn 1.7
    ours = NumpyMLPRegressor().get_params()
    assert ours == {**theirs, **EXTRA_PARAMETERS, "huber_delta": 1.0, "quantile": 0.5}


@pytest.mark.parametrize("Estimator", [NumpyMLPClassifier, NumpyMLPRegressor])
def test_partial_fit_hidden_for_lbfgs(Estimator):
    assert not hasattr(Estimator(solver="lbfgs"), "partial_fit")
    assert hasattr(Estimator(solver="sgd"), "partial_fit")
    assert hasattr(Estimator(solver="adam"), "partial_fit")


def test_fitted_attributes(iris):
    X, y = iris
    clf = NumpyMLPClassifier(hidden_layer_sizes=(8, 6), max_iter=20, random_state=0)
    clf.fit(X, y)
    assert [c.shape for c in clf.coefs_] == [(4, 8), (8, 6), (6, 3)]
    assert [b.shape for b in clf.intercepts_] == [(8,), (6,), (3,)]
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 3 and clf.n_features_in_ == 4
    assert clf.out_activation_ == "softmax"
    assert clf.n_iter_ == 20 and clf.t_ == 20 * 150
    assert len(clf.loss_curve_) == 20 and clf.loss_ == clf.loss_curve_[-1]
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_max_iter_warns_convergence(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        NumpyMLPClassifier(max_iter=3).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        NumpyMLPClassifier(solver="lbfgs", max_iter=3).fit(X, y)


def test_lbfgs_records_loss_curve(iris):
    X, y = iris
    clf = NumpyMLPClassifier(solver="lbfgs", max_iter=50, random_state=0).fit(X, y)
    assert len(clf.loss_curve_) == clf.n_iter_
    assert clf.loss_curve_[-1] == pytest.approx(clf.loss_)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_early_stopping_restores_best_weights(iris):
    X, y = iris
    clf = NumpyMLPClassifier(
        early_stopping=True, n_iter_no_change=5, max_iter=300, random_state=0
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    # Re-score the held-out rows with the restored weights.
    from sklearn.model_selection import train_test_split

    rng = np.random.RandomState(0)
    rng.uniform(size=4 * 100 + 100 + 100 * 3 + 3)  # the initial weights' draws
    _, X_val, _, y_val = train_test_split(X, y, random_state=rng, test_size=0.1)
    assert clf.score(X_val, y_val) == clf.best_validation_score_


def test_partial_fit_matches_fit_epoch_by_epoch(regression):
    X, y = regression
    full = NumpyMLPRegressor(max_iter=3, shuffle=False, random_state=0, tol=0)
    full.fit(X, y)
    inc = NumpyMLPRegressor(shuffle=False, random_state=0)
    for _ in range(3):
        inc.partial_fit(X, y)
    for a, b in zip(full.coefs_, inc.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    assert inc.t_ == 3 * X.shape[0] and inc.n_iter_ == 1


def test_partial_fit_classes_and_unseen_labels(iris):
    X, y = iris
    clf = NumpyMLPClassifier(random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert clf.predict_proba(X).shape == (150, 3)
    with pytest.raises(ValueError, match="has classes not in"):
        clf.partial_fit(X, np.where(y == 2, 7, y))


def test_partial_fit_refuses_early_stopping(iris):
    X, y = iris
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        NumpyMLPClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])


def test_warm_start_continues_and_checks_classes(iris):
    X, y = iris
    clf = NumpyMLPClassifier(max_iter=5, warm_start=True, random_state=0).fit(X, y)
    first = [c.copy() for c in clf.coefs_]
    clf.fit(X, y)
    assert clf.t_ == 10 * 150
    assert not np.allclose(first[0], clf.coefs_[0])
    with pytest.raises(ValueError, match="warm_start can only be used"):
        clf.fit(X[y < 2], y[y < 2])
    clf.set_params(hidden_layer_sizes=(7,))
    with pytest.raises(ValueError, match="network's shape changed"):
        clf.fit(X, y)


def test_sample_weight_zero_equals_dropping_rows(iris):
    X, y = iris
    sw = np.ones(len(y))
    sw[::3] = 0
    kw = dict(solver="lbfgs", random_state=0, max_iter=50)
    a = NumpyMLPClassifier(**kw).fit(X, y, sample_weight=sw)
    b = NumpyMLPClassifier(**kw).fit(X[sw > 0], y[sw > 0])
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-6)


def test_sample_weight_integer_equals_repetition(regression):
    X, y = regression
    sw = np.arange(len(y)) % 3
    kw = dict(solver="lbfgs", random_state=0, max_iter=40)
    a = NumpyMLPRegressor(**kw).fit(X, y, sample_weight=sw)
    b = NumpyMLPRegressor(**kw).fit(np.repeat(X, sw, axis=0), np.repeat(y, sw))
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-5, atol=1e-6)


def test_multilabel_classification():
    X, Y = make_multilabel_classification(n_samples=150, n_classes=4, random_state=0)
    clf = NumpyMLPClassifier(max_iter=300, random_state=0).fit(X, Y)
    assert clf.out_activation_ == "logistic"
    assert clf.predict(X).shape == Y.shape
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and ((proba > 0) & (proba < 1)).all()
    assert clf.score(X, Y) > 0.5


def test_binary_predict_proba_has_two_columns():
    X, y = make_classification(n_samples=100, random_state=0)
    clf = NumpyMLPClassifier(max_iter=50, random_state=0).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (100, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba))
    np.testing.assert_array_equal(clf.predict(X), proba.argmax(axis=1))


def test_multioutput_and_poisson_regression(regression):
    X, y = regression
    Y = np.column_stack([y, -y, 2 * y])
    reg = NumpyMLPRegressor(solver="lbfgs", random_state=0).fit(X, Y)
    assert reg.predict(X).shape == (len(y), 3) and reg.score(X, Y) > 0.9
    counts = np.random.RandomState(0).poisson(np.exp(X[:, 0] / 2))
    pois = NumpyMLPRegressor(loss="poisson", solver="lbfgs", random_state=0)
    pois.fit(X, counts)
    assert pois.out_activation_ == "exp" and (pois.predict(X) > 0).all()


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_matches_dense(iris, fmt):
    X, y = iris
    kw = dict(max_iter=20, random_state=0)
    dense = NumpyMLPClassifier(**kw).fit(X, y)
    sparse = NumpyMLPClassifier(**kw).fit(sp.csr_matrix(X).asformat(fmt), y)
    np.testing.assert_allclose(
        dense.predict_proba(X), sparse.predict_proba(sp.csr_matrix(X).asformat(fmt))
    )


def test_pandas_input_keeps_feature_names(iris):
    pd = pytest.importorskip("pandas")
    X, y = iris
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = NumpyMLPClassifier(max_iter=10, random_state=0).fit(frame, pd.Series(y))
    np.testing.assert_array_equal(clf.feature_names_in_, ["a", "b", "c", "d"])
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        from_array = clf.predict(X)
    np.testing.assert_array_equal(clf.predict(frame), from_array)


@pytest.mark.parametrize(
    "dtype, X_dtype, expected",
    [
        ("float32", np.float64, np.float32),
        ("float32", np.int64, np.float32),
        ("float64", np.float32, np.float64),
        ("auto", np.float32, np.float32),
        ("auto", np.float64, np.float64),
        ("auto", np.int64, np.float64),
    ],
)
def test_training_dtype(iris, dtype, X_dtype, expected):
    X, y = iris
    X = (X * 10).astype(X_dtype)
    clf = NumpyMLPClassifier(max_iter=20, random_state=0, dtype=dtype).fit(X, y)
    assert all(c.dtype == expected for c in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X).dtype == expected
    # Prediction from either float precision agrees.
    np.testing.assert_allclose(
        clf.predict_proba(X.astype(np.float32)),
        clf.predict_proba(X.astype(np.float64)),
        rtol=1e-5,
        atol=1e-6,
    )


def test_auto_dtype_is_float32_on_large_data():
    X, y = make_classification(n_samples=10_000, n_features=5, random_state=0)
    for solver, expected in (("adam", np.float32), ("sgd", np.float32)):
        clf = NumpyMLPClassifier(hidden_layer_sizes=(4,), max_iter=1, solver=solver)
        assert clf.fit(X, y).coefs_[0].dtype == expected
    lbfgs = NumpyMLPClassifier(hidden_layer_sizes=(4,), max_iter=2, solver="lbfgs")
    assert lbfgs.fit(X, y).coefs_[0].dtype == np.float64
    small = NumpyMLPClassifier(hidden_layer_sizes=(4,), max_iter=1)
    assert small.fit(X[:9_999], y[:9_999]).coefs_[0].dtype == np.float64


def test_float32_and_float64_training_agree(iris):
    X, y = iris
    f32 = NumpyMLPClassifier(max_iter=20, random_state=0, dtype="float32").fit(X, y)
    f64 = NumpyMLPClassifier(max_iter=20, random_state=0, dtype="float64").fit(X, y)
    np.testing.assert_allclose(f32.coefs_[0], f64.coefs_[0], atol=1e-3)


def test_partial_fit_keeps_the_first_calls_dtype(iris):
    X, y = iris
    clf = NumpyMLPClassifier(dtype="float64").partial_fit(X, y, classes=[0, 1, 2])
    clf.set_params(dtype="float32").partial_fit(X, y)
    assert clf.coefs_[0].dtype == np.float64


def test_coefs_are_views_of_one_flat_vector(iris):
    X, y = iris
    clf = NumpyMLPClassifier(hidden_layer_sizes=(5, 4), max_iter=2).fit(X, y)
    base = clf.coefs_[0].base
    assert base is not None
    assert all(a.base is base for a in clf.coefs_ + clf.intercepts_)


def test_pickle_and_clone_round_trips(iris):
    X, y = iris
    clf = NumpyMLPClassifier(max_iter=10, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert "_sknumpynn_version" not in vars(clf)  # pickling leaves clf as it was
    cloned = clone(clf)
    assert cloned.get_params() == clf.get_params()
    assert not hasattr(cloned, "coefs_")


@pytest.mark.parametrize("solver", ["adam", "sgd", "adamw", "rmsprop", "adagrad"])
def test_optimizer_state_survives_pickling(iris, solver):
    """Training on after a pickle round trip is exactly training on without it.

    The optimizer's moments, step count and learning rate travel in the
    pickle: a fresh optimizer would take different steps.
    """
    X, y = iris
    params = dict(solver=solver, learning_rate="invscaling", max_iter=3)
    clf = NumpyMLPClassifier(random_state=0, **params).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    for _ in range(3):
        clf.partial_fit(X, y)
        restored.partial_fit(X, y)
    assert restored.loss_curve_ == clf.loss_curve_
    assert restored.t_ == clf.t_
    for a, b in zip(
        restored.coefs_ + restored.intercepts_, clf.coefs_ + clf.intercepts_
    ):
        np.testing.assert_array_equal(a, b)


def test_predict_is_chunked_by_working_memory(iris):
    import sklearn

    X, y = iris
    clf = NumpyMLPClassifier(max_iter=10, random_state=0).fit(X, y)
    expected = clf.predict_proba(X)
    # 1e-4 MiB is ~100 bytes: a handful of rows per chunk.
    with sklearn.config_context(working_memory=1e-4):
        np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-12)


def test_inputs_are_not_mutated(iris):
    X, y = iris
    X32 = X.astype(np.float32)
    sw = np.linspace(0.5, 2, len(y))
    copies = X32.copy(), y.copy(), sw.copy()
    clf = NumpyMLPClassifier(max_iter=5, early_stopping=True).fit(X32, y, sw)
    clf.predict_proba(X32)
    for before, after in zip(copies, (X32, y, sw)):
        np.testing.assert_array_equal(before, after)


def test_verbose_prints_lines_without_tqdm(iris, capsys, monkeypatch):
    import sknumpynn._training.hooks

    monkeypatch.setattr(sknumpynn._training.hooks, "_tqdm_available", lambda: False)
    X, y = iris
    NumpyMLPClassifier(max_iter=2, verbose=True).fit(X, y)
    assert "Iteration 2, loss = " in capsys.readouterr().out


def test_verbose_2_prints_lines_and_1_draws_a_bar(iris, capsys):
    pytest.importorskip("tqdm")
    X, y = iris
    NumpyMLPClassifier(max_iter=2, verbose=2, early_stopping=True).fit(X, y)
    out = capsys.readouterr().out
    assert "Iteration 2, loss = " in out and "validation score = " in out
    NumpyMLPClassifier(max_iter=3, verbose=True).fit(X, y)
    captured = capsys.readouterr()
    assert "Iteration" not in captured.out
    assert "3/3" in captured.err and "loss=" in captured.err


def test_divergence_restores_last_finite_epoch(regression):
    X, y = regression
    reg = NumpyMLPRegressor(solver="sgd", learning_rate_init=10.0, random_state=0)
    with pytest.warns(ConvergenceWarning, match="diverged after 5 epochs"):
        reg.fit(X, y)
    assert reg.n_iter_ == 5 and len(reg.loss_curve_) == 5
    assert np.isfinite(reg.loss_curve_).all()
    assert np.isfinite(reg.predict(X)).all()


def test_divergence_without_any_finite_epoch_is_an_error(regression):
    X, y = regression
    reg = NumpyMLPRegressor(solver="sgd", learning_rate_init=10.0, random_state=0)
    with pytest.raises(ValueError, match="diverged in its first epoch"):
        reg.fit(X * 1e200, y)


def test_works_in_pipeline_gridsearch_and_cross_val(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), NumpyMLPClassifier(max_iter=50))
    grid = GridSearchCV(pipe, {"numpymlpclassifier__alpha": [1e-4, 1e-2]}, cv=3)
    grid.fit(X, y)
    assert grid.best_score_ > 0.8
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.8


def test_dropout_trains_regularises_and_predicts_deterministically(iris):
    X, y = iris
    plain = NumpyMLPClassifier(max_iter=30, random_state=0).fit(X, y)
    dropped = NumpyMLPClassifier(max_iter=30, random_state=0, dropout=0.5).fit(X, y)
    assert not np.allclose(plain.coefs_[0], dropped.coefs_[0])
    # Prediction uses the whole network: repeated calls agree exactly.
    np.testing.assert_array_equal(dropped.predict_proba(X), dropped.predict_proba(X))
    assert dropped.score(X, y) > 0.8
    again = NumpyMLPClassifier(max_iter=30, random_state=0, dropout=0.5).fit(X, y)
    np.testing.assert_array_equal(again.coefs_[0], dropped.coefs_[0])


@pytest.mark.parametrize("rates", [[0.2, 0.0], [0.0, 0.5], [0.5, 0.2]])
def test_per_layer_dropout_reaches_the_layer_it_names(iris, rates, monkeypatch):
    """Each hidden layer is dropped at its own rate, and a 0.0 layer not at all."""
    from sknumpynn.nn.dropout import Dropout

    dropped = [[], []]  # per layer: the fraction of units dropped, per batch
    draw = Dropout.masks

    def recording_masks(self, n_samples):
        masks = draw(self, n_samples)
        for layer, entry in enumerate(masks):
            dropped[layer].append(None if entry is None else np.mean(entry[0] == 0))
        return masks

    monkeypatch.setattr(Dropout, "masks", recording_masks)
    X, y = iris
    NumpyMLPClassifier(
        hidden_layer_sizes=(50, 40), max_iter=5, dropout=rates, random_state=0
    ).fit(X, y)
    for layer, rate in enumerate(rates):
        assert len(dropped[layer]) == 5  # one batch per epoch
        if rate == 0:  # no mask at all: no random numbers drawn for it
            assert set(dropped[layer]) == {None}
        else:  # 5 batches of 150 rows x 40-50 units: within 0.02 of the rate
            assert np.mean(dropped[layer]) == pytest.approx(rate, abs=0.02)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dropout_masks_are_drawn_in_the_networks_dtype(dtype):
    from sknumpynn.nn.dropout import Dropout

    dropout = Dropout([0.5, 0.0], [200, 3], 8, dtype, np.random.default_rng(0))
    (mask, keep), none = dropout.masks(5)
    assert none is None and keep == 0.5
    assert mask.dtype == dtype and mask.shape == (5, 200)
    assert set(np.unique(mask)) == {0.0, 2.0}


def test_dropout_zero_draws_no_extra_random_numbers(iris):
    X, y = iris
    a = NumpyMLPClassifier(max_iter=5, random_state=0).fit(X, y)
    b = NumpyMLPClassifier(max_iter=5, random_state=0, dropout=[0.0]).fit(X, y)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])


@pytest.mark.parametrize(
    "dropout, match",
    [
        (1.0, "'dropout' parameter"),
        (-0.1, "'dropout' parameter"),
        ([0.1, 0.2, 0.3], "one value per hidden layer"),
        ([0.5, 1.5], "in \\[0, 1\\)"),
    ],
)
def test_dropout_validation(iris, dropout, match):
    X, y = iris
    clf = NumpyMLPClassifier(hidden_layer_sizes=(4, 4), dropout=dropout)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


@pytest.mark.parametrize("Estimator", [NumpyMLPClassifier, NumpyMLPRegressor])
def test_every_parameter_and_attribute_is_documented(Estimator, iris):
    import inspect
    import re

    doc = Estimator.__doc__
    for name in inspect.signature(Estimator).parameters:
        assert re.search(rf"^    {name} : ", doc, re.M), name
    X, y = iris
    fitted = Estimator(max_iter=2, early_stopping=True).fit(X, y)
    public = [a for a in vars(fitted) if a.endswith("_") and not a.startswith("_")]
    for name in public:
        assert re.search(rf"^    {name} : ", doc, re.M), name
