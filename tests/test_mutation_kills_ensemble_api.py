"""A deep ensemble's own validation data (``fit(X, y, X_val=, y_val=,
sample_weight_val=)``): validated as scikit-learn validates ``X`` and ``y``,
each bad argument named. Written against survivors of the ``ensemble_api``
mutation group (``BaseDeepEnsemble._given_validation``)."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import DataConversionWarning

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor

MEMBER = dict(hidden_layer_sizes=(4,), max_iter=3, early_stopping=True)


def classifier():
    return DeepEnsembleClassifier(
        NumpyMLPClassifier(**MEMBER), n_estimators=2, random_state=0
    )


def with_fraction(fraction):
    """An ensemble of two whose member holds out ``fraction``."""
    member = NumpyMLPClassifier(**{**MEMBER, "validation_fraction": fraction})
    return DeepEnsembleClassifier(member, n_estimators=2, random_state=0)


def regressor():
    return DeepEnsembleRegressor(
        NumpyMLPRegressor(**MEMBER), n_estimators=2, random_state=0
    )


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(80, 4, random_state=0)
    return X[:60], y[:60], X[60:], y[60:]


def fit(model, X, y, **validation):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*Maximum iterations.*")
        return model.fit(X, y, **validation)


def test_bad_x_val_is_named(data):
    X, y, X_val, y_val = data
    bad = X_val.astype(object)
    bad[0, 0] = "a string"
    with pytest.raises(ValueError, match=r"^Invalid X_val: could not convert"):
        fit(classifier(), X, y, X_val=bad, y_val=y_val)


def test_bad_sample_weight_val_is_named(data):
    X, y, X_val, y_val = data
    weights = np.ones(len(y_val), dtype=object)
    weights[0] = "heavy"
    with pytest.raises(ValueError, match=r"^Invalid sample_weight_val: "):
        fit(classifier(), X, y, X_val=X_val, y_val=y_val, sample_weight_val=weights)


def test_sparse_x_val_is_accepted_and_scores_as_dense(data):
    X, y, X_val, y_val = data
    dense = fit(classifier(), X, y, X_val=X_val, y_val=y_val)
    sparse = fit(classifier(), X, y, X_val=sp.csr_matrix(X_val), y_val=y_val)
    assert sparse.validation_scores_ == pytest.approx(dense.validation_scores_)
    assert sparse.validation_loss_curve_ == pytest.approx(dense.validation_loss_curve_)


def test_x_val_keeps_the_feature_names_of_x(data):
    X, y, X_val, y_val = data
    frame = pd.DataFrame(X, columns=list("abcd"))
    model = fit(
        classifier(),
        frame,
        y,
        X_val=pd.DataFrame(X_val, columns=list("abcd")),
        y_val=y_val,
    )
    np.testing.assert_array_equal(model.feature_names_in_, list("abcd"))
    other = pd.DataFrame(X_val, columns=list("wxyz"))
    with pytest.raises(ValueError, match="feature names should match"):
        fit(classifier(), frame, y, X_val=other, y_val=y_val)


def test_a_column_y_val_warns_and_fits_as_1d(data):
    X, y, X_val, y_val = data
    flat = fit(classifier(), X, y, X_val=X_val, y_val=y_val)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = classifier().fit(X, y, X_val=X_val, y_val=y_val[:, np.newaxis])
    assert column.validation_scores_ == flat.validation_scores_


def test_two_output_y_val_stays_two_output():
    X, Y = make_regression(80, 4, n_targets=2, random_state=0)
    Y = Y / 100
    model = fit(regressor(), X[:60], Y[:60], X_val=X[60:], y_val=Y[60:])
    assert model.predict(X[60:]).shape == (20, 2)
    assert np.isfinite(model.validation_scores_).all()
    assert DeepEnsembleRegressor().__sklearn_tags__().target_tags.multi_output


@pytest.mark.parametrize("n_y", [19, 21])
def test_x_val_and_y_val_of_different_lengths_are_refused(data, n_y):
    X, y, X_val, _ = data
    y_val = np.resize(y[:n_y], n_y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        fit(classifier(), X, y, X_val=X_val, y_val=y_val)


def test_the_ensembles_validation_fraction_overrides_the_members(data):
    X, y, _, _ = data  # 60 rows
    model = DeepEnsembleClassifier(
        NumpyMLPClassifier(**MEMBER, validation_fraction=0.1),
        n_estimators=2,
        validation_fraction=0.5,
        random_state=0,
    )
    fit(model, X, y)
    member = model.estimators_[0]
    assert member.t_ == member.n_iter_ * 30  # trained on the other half


def test_a_validation_split_of_two_rows_is_enough():
    X, y = make_classification(20, 4, random_state=0)
    model = fit(with_fraction(0.1), X, y)  # ceil(0.1 x 20) = 2 validation rows
    assert model.estimators_[0].t_ == model.n_iter_ * 18


def test_a_validation_split_of_one_row_is_refused_in_scikit_learns_words():
    X, y = make_classification(10, 4, random_state=0)
    model = with_fraction(0.1)
    message = (
        "The validation set is too small. Increase 'validation_fraction' "
        "or the size of your dataset."
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        fit(model, X, y)


def test_an_ensemble_of_one_predicts(data):
    X, y, X_val, _ = data
    model = DeepEnsembleClassifier(
        NumpyMLPClassifier(**{**MEMBER, "early_stopping": False}),
        n_estimators=1,
        random_state=0,
    )
    fit(model, X, y)
    np.testing.assert_array_equal(
        model.predict(X_val), model.estimators_[0].predict(X_val)
    )


def test_bad_x_at_predict_time_is_named(data):
    X, y, X_val, y_val = data
    model = fit(classifier(), X, y)
    bad = X_val.astype(object)
    bad[0, 0] = "a string"
    with pytest.raises(ValueError, match=r"^Invalid X: could not convert"):
        model.predict(bad)


@pytest.mark.parametrize("n_estimators", [1, 2])
def test_multilabel_predictions_threshold_the_mean_probability(n_estimators):
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(60, 4, n_classes=3, random_state=0)
    member = NumpyMLPClassifier(hidden_layer_sizes=(8,), max_iter=30)
    model = DeepEnsembleClassifier(member, n_estimators=n_estimators, random_state=0)
    fit(model, X, Y)
    predicted = model.predict(X)
    np.testing.assert_array_equal(predicted, model.predict_proba(X) > 0.5)
    assert predicted.any() and not predicted.all()


def test_the_validation_split_keeps_its_sample_weights():
    """Rows of weight 0 with flipped labels: they carry no information, in
    training as in the ensemble's validation score (which ignoring the
    weights would pull down to about half)."""
    X, y = make_classification(
        120, 4, n_informative=4, n_redundant=0, class_sep=3.0, random_state=0
    )
    X, y = np.vstack([X, X]), np.concatenate([y, 1 - y])
    weights = np.r_[np.ones(120), np.zeros(120)]
    member = NumpyMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=40, early_stopping=True, n_iter_no_change=40
    )
    model = DeepEnsembleClassifier(member, n_estimators=2, random_state=0)
    fit(model, X, y, sample_weight=weights)
    assert max(model.validation_scores_) > 0.75  # about 0.5 if weights were dropped


def test_predict_checks_x_against_what_fit_saw(data):
    X, y, X_val, _ = data
    model = fit(classifier(), pd.DataFrame(X, columns=list("abcd")), y)
    with pytest.raises(ValueError, match="feature names should match"):
        model.predict(pd.DataFrame(X_val, columns=list("wxyz")))
    with pytest.raises(ValueError, match="expecting 4 features"):
        model.predict(X_val[:, :3])
    np.testing.assert_array_equal(model.feature_names_in_, list("abcd"))


def test_float32_members_see_float64_inputs_unrounded(data):
    X, y, X_val, _ = data
    member = NumpyMLPClassifier(**{**MEMBER, "early_stopping": False}, dtype="float32")
    model = fit(DeepEnsembleClassifier(member, n_estimators=2, random_state=0), X, y)
    expected = np.mean([m.predict_proba(X_val) for m in model.estimators_], axis=0)
    np.testing.assert_array_equal(model.predict_proba(X_val), expected)


def test_the_mean_output_keeps_the_members_dtype(data):
    X, y, X_val, _ = data
    member = NumpyMLPClassifier(**{**MEMBER, "early_stopping": False}, dtype="float32")
    model = fit(DeepEnsembleClassifier(member, n_estimators=2, random_state=0), X, y)
    assert model.predict_proba(X_val).dtype == np.float32
    assert DeepEnsembleClassifier().__sklearn_tags__().classifier_tags.multi_label


def test_without_early_stopping_the_loss_curve_is_the_members_mean(data):
    X, y, _, _ = data
    member = NumpyMLPClassifier(**{**MEMBER, "early_stopping": False})
    model = fit(DeepEnsembleClassifier(member, n_estimators=2, random_state=0), X, y)
    curves = np.array([m.loss_curve_ for m in model.estimators_])
    np.testing.assert_allclose(model.loss_curve_, curves.mean(axis=0), rtol=1e-15)
    assert model.history_ == [
        {"epoch": e + 1, "loss": loss, "val_loss": None, "val_score": None}
        for e, loss in enumerate(model.loss_curve_)
    ]
    assert model.n_iter_ == len(model.loss_curve_) == 3
    for name in ("validation_scores_", "best_validation_score_", "best_epoch_"):
        assert getattr(model, name) is None  # no validation: nothing to report
    assert model.validation_loss_curve_ is None


def _stratified(monkeypatch, X, y, fraction):
    """Whether the ensemble's split was stratified (a spy on its call)."""
    from sknumpynn.ensemble import _base

    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs.get("stratify") is not None)
        return split(*args, **kwargs)

    split = _base.train_test_split
    monkeypatch.setattr(_base, "train_test_split", spy)
    try:
        fit(with_fraction(fraction), X, y)
    except ValueError:  # too few training rows for the classes, either way
        pass
    return calls == [True]


def test_the_split_is_stratified_as_scikit_learns_mlp_stratifies(monkeypatch):
    X = np.random.RandomState(0).normal(size=(40, 30))  # more columns than rows/4
    three = np.repeat([0, 1, 2], [19, 19, 2])  # the rarest class has two rows
    assert _stratified(monkeypatch, X, three, 0.1)  # 4 validation rows >= 3
    assert _stratified(monkeypatch, X[:30], three[10:], 0.1)  # 3 rows: just enough
    small = np.repeat([0, 1, 2], [9, 9, 2])
    assert not _stratified(monkeypatch, X[:20], small, 0.1)  # 2 rows < 3 classes
    one = np.repeat([0, 1, 2], [20, 19, 1])  # a class of one row
    assert not _stratified(monkeypatch, X, one, 0.25)
    assert not _stratified(monkeypatch, X[:30], three[10:], 0.95)  # 1 row to train


def test_lbfgs_members_never_stop_on_the_ensemble():
    X, y = make_classification(60, 4, random_state=0)
    member = NumpyMLPClassifier(
        solver="lbfgs", hidden_layer_sizes=(4,), max_iter=5, early_stopping=True
    )
    model = fit(DeepEnsembleClassifier(member, n_estimators=2, random_state=0), X, y)
    assert model.validation_scores_ is None  # 'auto': off for L-BFGS members
    assert model.estimators_[0].n_iter_ == 5


def test_members_train_on_the_training_rows_only_whatever_the_width():
    X, y = make_classification(40, 36, random_state=0)  # 36 rows train, 36 columns
    model = fit(with_fraction(0.1), X, y)
    assert model.estimators_[0].t_ == model.estimators_[0].n_iter_ * 36


def test_bootstrap_counts_multiply_the_sample_weights():
    """Rows of weight 0 with flipped labels stay out of every member's
    training, whatever the bootstrap draws."""
    X, y = make_classification(
        120, 4, n_informative=4, n_redundant=0, class_sep=3.0, random_state=0
    )
    X, y = np.vstack([X, X]), np.concatenate([y, 1 - y])
    weights = np.r_[np.ones(120), np.zeros(120)]
    member = NumpyMLPClassifier(hidden_layer_sizes=(8,), max_iter=60)
    model = DeepEnsembleClassifier(
        member, n_estimators=2, bootstrap=True, random_state=0
    )
    fit(model, X, y, sample_weight=weights)
    for fitted in model.estimators_:
        assert fitted.score(X[:120], y[:120]) > 0.75  # about 0.5 if counted
