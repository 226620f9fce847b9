"""TabularMLP*: preprocessing inside, tabular defaults, scikit-learn citizenship."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_iris
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sknumpynn import TabularMLPClassifier, TabularMLPRegressor
from sknumpynn.nn.tabular_schedules import CosLog4, ScheduledDropout, coslog4, flat_cos
from sknumpynn.tabular._base import auto_batch_size, auto_epochs
from sknumpynn.tabular._encoding import smooth_clip

pd = pytest.importorskip("pandas")

FAST = dict(hidden_layer_sizes=(16,), max_iter=8, random_state=0)


def _frame(n=120, seed=0):
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame(
        {
            "size": rng.normal(size=n),
            "weight": np.where(rng.rand(n) < 0.2, np.nan, rng.exponential(size=n)),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
            "shape": rng.choice(["round", "square"], n).astype(object),
        }
    )
    y = (frame["size"] + (frame["colour"] == "red") > 0.5).astype(int).to_numpy()
    return frame, y


def test_raw_dataframe_fits_with_categories_and_missing_values():
    X, y = _frame()
    clf = TabularMLPClassifier(**FAST).fit(X, y)
    np.testing.assert_array_equal(clf.feature_names_in_, X.columns)
    np.testing.assert_array_equal(clf.is_categorical_, [False, False, True, True])
    # size, weight scaled; weight's missing indicator; 3 colours; shape as +-1.
    encoded = clf._encoder.transform([X[c].to_numpy() for c in X.columns])
    assert encoded.shape == (120, 2 + 1 + 3 + 1)
    np.testing.assert_array_equal(encoded[:, 2], X["weight"].isna())
    np.testing.assert_array_equal(np.unique(encoded[:, 6]), [-1.0, 1.0])
    assert clf.predict_proba(X).shape == (120, 2)
    assert clf.mlp_.coefs_[0].shape[0] == 2 * 4 + 5  # two embedded numerics


def test_unknown_and_missing_categories_encode_as_zeros():
    X, y = _frame()
    clf = TabularMLPClassifier(**FAST).fit(X, y)
    new = X.iloc[:3].copy()
    new["colour"] = pd.Categorical(["purple", None, "red"])
    new["shape"] = ["oval", None, "round"]
    encoded = clf._encoder.transform([new[c].to_numpy(dtype=object) for c in new])
    np.testing.assert_array_equal(encoded[0, 3:], 0.0)  # unseen: all zero
    np.testing.assert_array_equal(encoded[1, 3:], 0.0)  # missing: all zero
    assert encoded[2, 3:6].sum() == 1.0
    assert clf.predict(new).shape == (3,)


def test_numeric_encoding_is_robust_scale_and_smooth_clip():
    X, y = _frame()
    clf = TabularMLPClassifier(**FAST).fit(X, y)
    encoded = clf._encoder.transform([X[c].to_numpy() for c in X.columns])
    x = X["size"].to_numpy()
    q25, median, q75 = np.quantile(x, [0.25, 0.5, 0.75], method="inverted_cdf")
    np.testing.assert_allclose(encoded[:, 0], smooth_clip((x - median) / (q75 - q25)))
    assert np.abs(encoded[:, :2]).max() < 3.0
    np.testing.assert_allclose(smooth_clip(np.array([3.0])), [3 / np.sqrt(2)])


def test_strings_in_a_numeric_column_are_refused():
    X, y = _frame()
    with pytest.raises(ValueError, match="'shape' holds non-numeric values"):
        TabularMLPClassifier(categorical_features=["colour"], **FAST).fit(X, y)
    with pytest.raises(ValueError, match="could not convert string to float"):
        TabularMLPClassifier(**FAST).fit(X.to_numpy(), y)
    with pytest.raises(ValueError, match="not a valid feature name"):
        TabularMLPClassifier(categorical_features=["nope"], **FAST).fit(X, y)


def test_declared_categoricals_in_an_array_and_edge_columns():
    """Indices into an object array; an all-NaN column and a one-level
    category are accepted (constant inputs), not errors."""
    X, y = _frame()
    X["empty"] = np.nan
    X["single"] = pd.Categorical(["only"] * len(X))
    clf = TabularMLPClassifier(categorical_features=[2, 3, 5], **FAST)
    clf.fit(X.to_numpy(dtype=object), y)
    assert clf.is_categorical_.tolist() == [False, False, True, True, False, True]
    encoded = clf._encoder.transform(list(X.to_numpy(dtype=object).T))
    # size, weight, 2 indicators (weight, empty), 3 colours, shape, single.
    assert encoded.shape[1] == 2 + 2 + 3 + 1 + 1
    with pytest.raises(ValueError, match="infinity"):
        X.loc[0, "size"] = np.inf
        clf.predict(X.to_numpy(dtype=object))


def test_max_categories_groups_the_infrequent_levels():
    rng = np.random.RandomState(0)
    levels = np.array(list("abcdefghij"))
    X = pd.DataFrame({"c": pd.Categorical(levels[rng.randint(10, size=200)])})
    y = rng.randint(2, size=200)
    clf = TabularMLPClassifier(max_categories=4, **FAST).fit(X, y)
    assert clf._encoder.transform([X["c"].to_numpy(dtype=object)]).shape == (200, 4)


def test_regression_target_is_standardised_and_predictions_clipped():
    X, y = load_diabetes(return_X_y=True)
    reg = TabularMLPRegressor(**FAST).fit(X, y)
    assert reg.y_mean_ == pytest.approx(y.mean())
    assert reg.y_scale_ == pytest.approx(y.std())
    pred = reg.predict(X * 50)  # far outside the training inputs
    assert pred.min() >= y.min() and pred.max() <= y.max()


def test_label_smoothing_pulls_probabilities_towards_uniform():
    X, y = load_iris(return_X_y=True)
    sharp = TabularMLPClassifier(label_smoothing=0.0, **FAST).fit(X, y)
    smooth = TabularMLPClassifier(label_smoothing=0.3, **FAST).fit(X, y)
    assert smooth.predict_proba(X).max() < sharp.predict_proba(X).max()


def test_the_input_stage_trains_and_can_be_switched_off():
    X, y = load_iris(return_X_y=True)
    clf = TabularMLPClassifier(**FAST).fit(X, y)
    assert clf.mlp_.stage_params_.shape == (clf.mlp_._stage.n_params,)
    fresh = clf.mlp_._stage.initialize(np.random.RandomState(0), np.float32)
    assert not np.allclose(clf.mlp_.stage_params_, fresh)
    plain = TabularMLPClassifier(numerical_embedding=None, **FAST).fit(X, y)
    assert not hasattr(plain.mlp_, "stage_params_")
    assert plain.mlp_.coefs_[0].shape[0] == 4


def test_best_epoch_is_kept_and_epochs_follow_the_budget():
    X, y = load_iris(return_X_y=True)
    clf = TabularMLPClassifier(**FAST).fit(X, y)
    assert len(clf.validation_scores_) == 8 == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert auto_epochs(100) == 128 and auto_epochs(50_000) == 16
    assert auto_epochs(5_000) == 60


def test_auto_batch_size_gives_small_tables_eight_steps_an_epoch():
    assert [auto_batch_size(n) for n in (10, 100, 400, 1000, 2048, 50_000)] == [
        10,  # no larger than the data
        32,
        50,
        125,
        256,
        256,
    ]
    X, y = load_iris(return_X_y=True)  # 150 rows, 120 after the 20 % split
    clf = TabularMLPClassifier(**{**FAST, "batch_size": "auto"}).fit(X, y)
    assert clf.mlp_.batch_size == 32
    assert clf.set_params(batch_size=64).fit(X, y).mlp_.batch_size == 64


def test_schedules_are_realmlps():
    t = np.array([0.0, 0.1, 0.5, 1.0])
    expected = 0.5 * (1 - np.cos(2 * np.pi * np.log2(1 + 15 * t)))
    np.testing.assert_allclose([coslog4(v) for v in t], expected)
    assert [flat_cos(v) for v in (0.0, 0.49, 1.0)] == [1.0, 1.0, 0.0]
    assert CosLog4()(0.1, 9, max_iter=10) == pytest.approx(0.1 * coslog4(0.95))
    dropout = ScheduledDropout([0.2], [5], 4, np.float64, np.random.default_rng(0), 4)
    keeps = [dropout.masks(4)[0][1] for _ in range(4)]
    np.testing.assert_allclose(keeps, 1 - 0.2 * np.array([1, 1, 1, flat_cos(0.75)]))


def test_sklearn_tools_work():
    X, y = _frame()
    clf = TabularMLPClassifier(**FAST)
    assert cross_val_score(clf, X, y, cv=2).shape == (2,)
    search = GridSearchCV(clf, {"dropout": [0.0, 0.15]}, cv=2).fit(X, y)
    assert search.best_estimator_.dropout in (0.0, 0.15)
    pipe = make_pipeline(FunctionTransformer(), clone(clf)).fit(X, y)
    fitted = clf.fit(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    # FunctionTransformer() passes the DataFrame through: the very same fit.
    np.testing.assert_array_equal(pipe.predict_proba(X), fitted.predict_proba(X))


def test_skops_round_trip():
    skops_io = pytest.importorskip("skops.io")
    X, y = load_diabetes(return_X_y=True)
    reg = TabularMLPRegressor(**FAST).fit(X, y)
    dumped = skops_io.dumps(reg)
    loaded = skops_io.loads(dumped, trusted=skops_io.get_untrusted_types(data=dumped))
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"max_categories": 1}, "max_categories"),
        ({"numerical_embedding": "plr"}, "numerical_embedding"),
        ({"max_iter": "forever"}, "max_iter"),
        ({"label_smoothing": 1.0}, "label_smoothing"),
    ],
)
def test_parameters_are_validated(params, match):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=match):
        TabularMLPClassifier(**{**FAST, **params}).fit(X, y)


def test_nothing_the_user_passed_is_mutated():
    X, y = _frame()
    before = X.copy()
    TabularMLPClassifier(**FAST).fit(X, y).predict(X)
    pd.testing.assert_frame_equal(X, before)


def test_weighted_quantiles_equal_repeated_rows():
    from sknumpynn.tabular._encoding import weighted_quantiles

    rng = np.random.RandomState(0)
    for n in (1, 2, 5, 50):
        values, weights = rng.normal(size=n), rng.randint(0, 4, size=n)
        weights[0] += 1
        repeated = np.repeat(values, weights)
        expected = np.quantile(repeated, [0.25, 0.5, 0.75], method="inverted_cdf")
        np.testing.assert_array_equal(
            weighted_quantiles(values, weights.astype(float)), expected
        )
