"""TabularMLP* trained stacked: ``fit_together`` and our searches.

A tabular fit is its preprocessing, then an engine estimator's fit; stacked,
each model must equal its own ``fit`` (the stacked engine's contract), the
scheduled dropout and the input stage included.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV as SkGridSearchCV
from sklearn.model_selection import KFold

from sknumpynn import TabularMLPClassifier, TabularMLPRegressor
from sknumpynn._training import stack_plan, together
from sknumpynn._training.together import fit_together, plan_fits
from sknumpynn.model_selection import GridSearchCV
from sknumpynn.nn.dropout import stacked_masks
from sknumpynn.nn.tabular_schedules import ScheduledDropout

SMALL = dict(hidden_layer_sizes=(16, 16), max_iter=6)


def _folds(X, y, n_splits=3):
    return [(X[tr], y[tr], None) for tr, _ in KFold(n_splits).split(X)]


def _assert_equal_fits(stacked, own):
    assert stacked.n_iter_ == own.n_iter_
    np.testing.assert_allclose(stacked.loss_curve_, own.loss_curve_, rtol=1e-9)
    np.testing.assert_allclose(
        stacked.validation_scores_, own.validation_scores_, rtol=1e-9
    )
    for a, b in zip(stacked.mlp_.coefs_, own.mlp_.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)  # float32
    np.testing.assert_allclose(
        stacked.mlp_.stage_params_, own.mlp_.stage_params_, rtol=1e-5, atol=1e-7
    )


def _stacked_count(estimators, datasets):
    results = [None] * len(estimators)
    stacks, _ = plan_fits(estimators, datasets, results)
    return sum(len(group) for groups in stacks for group in groups)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_stacked_tabular_fits_equal_their_own_fits(kind):
    if kind == "classifier":
        X, y = load_breast_cancer(return_X_y=True)
        make = TabularMLPClassifier
        extra = [dict(label_smoothing=0.0), dict(label_smoothing=0.1)]
    else:
        X, y = load_diabetes(return_X_y=True)
        make = TabularMLPRegressor
        extra = [dict(dropout_schedule="constant"), dict(dropout_schedule="flat_cos")]
    X, y = X[:240], y[:240]
    estimators, datasets = [], []
    for data in _folds(X, y, 2):
        for seed in (0, 1):
            for lr, wd in ((0.002, 0.0), (0.004, 0.02)):
                for more in extra:
                    params = dict(SMALL, random_state=seed, learning_rate_init=lr)
                    estimators.append(make(weight_decay=wd, **params, **more))
                    datasets.append(data)
    assert _stacked_count(estimators, datasets) == len(estimators)
    results = fit_together(estimators, datasets)
    for estimator, data, (fitted, error) in zip(estimators, datasets, results):
        assert error is None
        assert type(fitted) is make and fitted is not estimator
        own = clone(estimator).fit(data[0], data[1])
        _assert_equal_fits(fitted, own)
        if kind == "regressor":
            assert (fitted.y_mean_, fitted.y_scale_) == (own.y_mean_, own.y_scale_)
        np.testing.assert_allclose(
            fitted.predict(X[:50]), own.predict(X[:50]), rtol=1e-9, atol=1e-9
        )


def test_one_failing_tabular_fit_does_not_take_the_stack_down():
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:200], y[:200]
    good = TabularMLPClassifier(**SMALL, random_state=0)
    bad_y = y.astype(float) + 0.5  # continuous: not a classification target
    results = fit_together(
        [good, clone(good).set_params(learning_rate_init=0.004), good],
        [(X, y, None), (X, y, None), (X, bad_y, None)],
    )
    assert results[0][1] is None and results[1][1] is None
    assert results[2][0] is None and "Unknown label type" in str(results[2][1])


def test_the_engine_clones_with_every_parameter():
    X, y = load_breast_cancer(return_X_y=True)
    clf = TabularMLPClassifier(**SMALL, random_state=0).fit(X[:100], y[:100])
    engine = clone(clf.mlp_)
    assert engine.get_params()["hidden_layer_sizes"] == (16, 16)
    assert engine.get_params()["solver"] == "adamw"
    assert engine.get_params()["label_smoothing"] == clf.label_smoothing


def test_costly_tabular_shapes_are_fitted_one_by_one(monkeypatch):
    X, y = load_breast_cancer(return_X_y=True)
    estimators = [TabularMLPClassifier(**SMALL, random_state=s) for s in (0, 1)]
    datasets = [(X[:200], y[:200], None)] * 2
    assert _stacked_count(estimators, datasets) == 2
    # The staged threshold is STAGED_FLOPS_FACTOR x the plain one.
    flops = stack_plan.step_flops(
        together._Prepared(*together._unwrap(estimators[0], datasets[0])[1:])
    )
    monkeypatch.setattr(stack_plan, "STACK_MAX_FLOPS", flops / 1.9)
    assert _stacked_count(estimators, datasets) == 2
    monkeypatch.setattr(stack_plan, "STACK_MAX_FLOPS", flops / 2.1)
    assert _stacked_count(estimators, datasets) == 0


def test_no_convergence_warning_at_the_planned_epochs():
    X, y = load_breast_cancer(return_X_y=True)
    estimators = [TabularMLPClassifier(**SMALL, random_state=s) for s in (0, 1)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clone(estimators[0]).fit(X[:150], y[:150])
        results = fit_together(estimators, [(X[:150], y[:150], None)] * 2)
    assert all(error is None for _, error in results)


def test_divergence_still_warns():
    X, y = load_diabetes(return_X_y=True)
    reg = TabularMLPRegressor(
        **SMALL, random_state=0, learning_rate_init=1e4, dtype="float64"
    )
    with pytest.warns(ConvergenceWarning, match="non-finite|diverged"):
        reg.fit(X, y)


def test_search_over_tabular_stacks_and_equals_sklearns(capsys):
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:300], y[:300]
    grid = {"learning_rate_init": [0.002, 0.004], "weight_decay": [0.0, 0.02]}
    estimator = TabularMLPClassifier(**SMALL, random_state=0)
    ours = GridSearchCV(estimator, grid, cv=3, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "12 trained ahead by one fit_together call" in out
    assert "Stacked 12 of 12 fits" in out
    assert "took 12 of 12 fits from the pre-fit" in out
    theirs = SkGridSearchCV(estimator, grid, cv=3).fit(X, y)
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_allclose(
            ours.cv_results_[key], theirs.cv_results_[key], rtol=1e-12
        )
    assert ours.best_params_ == theirs.best_params_
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-9, atol=1e-12
    )


def test_scheduled_dropout_in_a_stack_draws_as_alone():
    """stacked_masks follows each model's own schedule (batch_rates)."""

    def pair(seed):
        rng = np.random.default_rng(seed)
        return ScheduledDropout([0.5], [6], 4, np.float64, rng, n_steps=4)

    alone = [pair(0), pair(1)]
    stacked = [pair(0), pair(1)]
    buffers = [np.empty((2, 4, 6))]
    for _ in range(4):
        masks, keep = stacked_masks(stacked, buffers, 4)[0]
        for k in range(2):
            mask_k, keep_k = alone[k].masks(4)[0]
            np.testing.assert_array_equal(masks[k], mask_k)
            assert keep[k, 0, 0] == keep_k
    assert keep[0, 0, 0] > 0.5  # annealed: the last batches keep more units


def test_n_ensemble_trains_one_stacked_deep_ensemble():
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:240], y[:240]
    clf = TabularMLPClassifier(**SMALL, random_state=0, n_ensemble=3).fit(X, y)
    ensemble = clf.mlp_
    assert type(ensemble).__name__ == "DeepEnsembleClassifier"
    assert len(ensemble.estimators_) == 3
    seeds = {member.random_state for member in ensemble.estimators_}
    assert len(seeds) == 3
    # stopped on the ensemble's validation score: one best epoch for all
    assert 1 <= ensemble.best_epoch_ <= clf.n_iter_ == SMALL["max_iter"]
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    encoded = clf._encode(X)
    mean = np.mean([m.predict_proba(encoded) for m in ensemble.estimators_], axis=0)
    np.testing.assert_allclose(clf.predict_proba(X), mean, rtol=1e-12)
    np.testing.assert_array_equal(clf.classes_, [0, 1])


@pytest.mark.parametrize("make", [TabularMLPClassifier, TabularMLPRegressor])
def test_ensemble_members_equal_their_own_fits_without_the_split(make):
    """Without a validation split (no ensemble stopping) every member is the
    tabular model's own fit with the member's seed."""
    X, y = (load_breast_cancer if make is TabularMLPClassifier else load_diabetes)(
        return_X_y=True
    )
    X, y = X[:200], y[:200]
    params = dict(SMALL, validation_fraction=None)
    model = make(**params, random_state=0, n_ensemble=2).fit(X, y)
    for member in model.mlp_.estimators_:
        own = make(**params, random_state=member.random_state).fit(X, y)
        assert member.n_iter_ == own.n_iter_
        np.testing.assert_allclose(member.loss_curve_, own.loss_curve_, rtol=1e-9)
        for a, b in zip(member.coefs_, own.mlp_.coefs_):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_n_ensemble_is_validated():
    X, y = load_breast_cancer(return_X_y=True)
    with pytest.raises(ValueError, match="'n_ensemble' parameter"):
        TabularMLPClassifier(n_ensemble=0).fit(X, y)
