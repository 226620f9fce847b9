"""Deep ensembles: one stacked fit, exact members, the ensemble's early stopping."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn._training import together
from sknumpynn.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(16,), max_iter=40, learning_rate_init=0.01)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def member_seeds(random_state, n_estimators):
    return check_random_state(random_state).randint(
        np.iinfo(np.int32).max, size=n_estimators
    )


def assert_same_fit(member, reference):
    assert member.n_iter_ == reference.n_iter_
    for a, b in zip(
        member.coefs_ + member.intercepts_, reference.coefs_ + reference.intercepts_
    ):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(member.loss_curve_, reference.loss_curve_, rtol=1e-9)


@pytest.mark.parametrize("member_early_stopping", [False, True])
def test_members_equal_their_own_fits_without_ensemble_early_stopping(
    cancer, member_early_stopping
):
    X, y = cancer
    estimator = NumpyMLPClassifier(**SMALL, early_stopping=member_early_stopping)
    ensemble = DeepEnsembleClassifier(
        estimator, n_estimators=3, early_stopping=False, random_state=7
    ).fit(X, y)
    seeds = member_seeds(7, 3)
    for member, seed in zip(ensemble.estimators_, seeds):
        assert member.random_state == seed
        assert_same_fit(
            member, clone(estimator).set_params(random_state=seed).fit(X, y)
        )
    assert ensemble.n_iter_ == max(m.n_iter_ for m in ensemble.estimators_)


def test_regressor_members_equal_their_own_fits(diabetes):
    X, y = diabetes
    estimator = NumpyMLPRegressor(**SMALL)
    ensemble = DeepEnsembleRegressor(estimator, n_estimators=2, random_state=0)
    ensemble.fit(X, y)
    for member, seed in zip(ensemble.estimators_, member_seeds(0, 2)):
        assert_same_fit(
            member, clone(estimator).set_params(random_state=seed).fit(X, y)
        )
    np.testing.assert_allclose(
        ensemble.predict(X), np.mean([m.predict(X) for m in ensemble.estimators_], 0)
    )


def test_one_trainer_trains_every_member_with_the_rule(cancer, monkeypatch):
    stacks = []
    original = together.Trainer

    def recording(runs, *args, **kwargs):
        stacks.append((len(runs), kwargs.get("stack_rule")))
        return original(runs, *args, **kwargs)

    monkeypatch.setattr(together, "Trainer", recording)
    X, y = cancer
    estimator = NumpyMLPClassifier(**SMALL, early_stopping=True)
    DeepEnsembleClassifier(estimator, n_estimators=5, random_state=0).fit(X, y)
    assert len(stacks) == 1 and stacks[0][0] == 5 and stacks[0][1] is not None


def held_out_rows(ensemble, X, y):
    """The ensemble's validation split, drawn as its fit draws it."""
    rng = check_random_state(ensemble.random_state)
    rng.randint(np.iinfo(np.int32).max, size=ensemble.n_estimators)
    _, val = train_test_split(
        np.arange(len(y)), test_size=0.1, random_state=rng, stratify=y
    )
    return X[val], y[val]


@pytest.mark.parametrize("share_batches", [False, True])
def test_members_stop_together_at_the_ensembles_best_epoch(cancer, share_batches):
    X, y = cancer
    estimator = NumpyMLPClassifier(
        hidden_layer_sizes=(16,), max_iter=300, early_stopping=True, n_iter_no_change=5
    )
    ensemble = DeepEnsembleClassifier(
        estimator, n_estimators=4, random_state=3, share_batches=share_batches
    ).fit(X, y)
    n_iter = ensemble.n_iter_
    assert n_iter < 300  # stopped by the ensemble's rule
    assert [m.n_iter_ for m in ensemble.estimators_] == [n_iter] * 4
    assert all(not m.early_stopping for m in ensemble.estimators_)
    scores = ensemble.validation_scores_
    assert len(scores) == len(ensemble.history_) == n_iter
    best = ensemble.best_epoch_
    assert scores[best - 1] == ensemble.best_validation_score_ == max(scores)
    assert n_iter == best + 5 + 1 or max(scores[best:]) >= scores[best - 1]
    # The kept weights are those of the best epoch: their mean scores it.
    X_val, y_val = held_out_rows(ensemble, X, y)
    mean = np.mean([m.predict_proba(X_val) for m in ensemble.estimators_], axis=0)
    assert accuracy_score(y_val, ensemble.classes_[mean.argmax(1)]) == pytest.approx(
        ensemble.best_validation_score_
    )


def test_shared_batches_form_one_row_group(cancer, monkeypatch):
    groups = []
    original = together.train_stack

    def recording(stack_groups, stack_rule=None):
        groups.append([len(g) for g in stack_groups])
        return original(stack_groups, stack_rule=stack_rule)

    from sknumpynn.ensemble import _fit

    monkeypatch.setattr(_fit, "train_stack", recording)
    X, y = cancer
    estimator = NumpyMLPClassifier(**SMALL)
    DeepEnsembleClassifier(estimator, n_estimators=3, share_batches=True).fit(X, y)
    DeepEnsembleClassifier(
        estimator, n_estimators=3, share_batches=True, bootstrap=True
    ).fit(X, y)
    assert groups == [[3], [1, 1, 1]]


def test_ensemble_beats_or_matches_its_members_on_held_out_data(cancer):
    X, y = cancer
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    estimator = NumpyMLPClassifier(hidden_layer_sizes=(16,), early_stopping=True)
    ensemble = DeepEnsembleClassifier(estimator, random_state=0).fit(X_train, y_train)
    members = [log_loss_of(m, X_test, y_test) for m in ensemble.estimators_]
    assert log_loss_of(ensemble, X_test, y_test) <= np.mean(members)


def log_loss_of(model, X, y):
    proba = model.predict_proba(X)
    return -np.mean(np.log(proba[np.arange(len(y)), y]))


def test_probabilities_are_the_members_mean(cancer):
    X, y = cancer
    ensemble = DeepEnsembleClassifier(
        NumpyMLPClassifier(**SMALL), n_estimators=3, random_state=0
    ).fit(X, y)
    mean = np.mean([m.predict_proba(X) for m in ensemble.estimators_], axis=0)
    np.testing.assert_allclose(ensemble.predict_proba(X), mean)
    np.testing.assert_allclose(ensemble.predict_log_proba(X), np.log(mean))
    np.testing.assert_array_equal(ensemble.predict(X), mean.argmax(1))


def test_sample_weight_and_class_weight_reach_the_members(cancer):
    X, y = cancer
    weights = np.where(y == 0, 3.0, 1.0)
    estimator = NumpyMLPClassifier(**SMALL)
    weighted = DeepEnsembleClassifier(estimator, n_estimators=2, random_state=0)
    weighted.fit(X, y, sample_weight=weights)
    by_class = DeepEnsembleClassifier(
        clone(estimator).set_params(class_weight={0: 3.0, 1: 1.0}),
        n_estimators=2,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_allclose(
        weighted.predict_proba(X), by_class.predict_proba(X), rtol=1e-9
    )
    plain = DeepEnsembleClassifier(estimator, n_estimators=2, random_state=0)
    assert not np.allclose(plain.fit(X, y).predict_proba(X), weighted.predict_proba(X))


# -- bad input -----------------------------------------------------------------
def test_n_estimators_below_one_is_refused(cancer):
    X, y = cancer
    with pytest.raises(ValueError, match="'n_estimators' parameter of Deep"):
        DeepEnsembleClassifier(n_estimators=0).fit(X, y)


def test_an_estimator_that_is_not_ours_is_refused(cancer):
    X, y = cancer
    with pytest.raises(TypeError, match="one of sknumpynn's estimators.*Bagging"):
        DeepEnsembleClassifier(LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="NumpyMLPRegressor should be a classifier"):
        DeepEnsembleClassifier(NumpyMLPRegressor()).fit(X, y)


def test_early_stopping_needs_a_stochastic_solver(cancer):
    X, y = cancer
    with pytest.raises(ValueError, match="early_stopping=True needs a stochastic"):
        DeepEnsembleClassifier(
            NumpyMLPClassifier(solver="lbfgs"), early_stopping=True
        ).fit(X, y)


def test_lbfgs_members_fit_one_by_one(cancer):
    X, y = cancer
    estimator = NumpyMLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=30)
    ensemble = DeepEnsembleClassifier(estimator, n_estimators=2, random_state=0)
    ensemble.fit(X, y)
    for member, seed in zip(ensemble.estimators_, member_seeds(0, 2)):
        reference = clone(estimator).set_params(random_state=seed).fit(X, y)
        np.testing.assert_array_equal(member.coefs_[0], reference.coefs_[0])


def test_members_that_all_diverge_raise(diabetes):
    X, y = diabetes
    estimator = NumpyMLPRegressor(hidden_layer_sizes=(16,), max_iter=5)
    with pytest.raises(ValueError, match="All 3 members of DeepEnsembleRegressor"):
        DeepEnsembleRegressor(estimator, n_estimators=3, random_state=0).fit(
            X * 1e200, y
        )


def test_members_diverging_under_ensemble_early_stopping_are_dropped(diabetes):
    X, y = diabetes
    exploding = NumpyMLPRegressor(
        hidden_layer_sizes=(16,),
        solver="sgd",
        learning_rate_init=1e3,
        max_iter=5,
        early_stopping=True,
    )
    # Finite after the first epoch, non-finite in the second: the stack
    # rule drops them; with none left, the ensemble raises.
    with pytest.raises(ValueError, match="their training diverged"):
        DeepEnsembleRegressor(exploding, n_estimators=3, random_state=0).fit(
            X * 1e3, y * 1e3
        )


def test_failed_members_are_dropped_with_a_warning(diabetes):
    X, y = diabetes
    ensemble = DeepEnsembleRegressor(n_estimators=3)
    fitted = NumpyMLPRegressor(**SMALL).fit(X, y)
    results = [(None, ValueError("diverged")), (fitted, None), (fitted, None)]
    with pytest.warns(UserWarning, match=r"1 of 3 members .* dropped \(members \[0\]"):
        ensemble._keep_members(results, None)
    assert len(ensemble.estimators_) == 2


def test_given_validation_rows_replace_the_split(cancer):
    X, y = cancer
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)
    estimator = NumpyMLPClassifier(**SMALL, early_stopping=True, n_iter_no_change=3)
    ensemble = DeepEnsembleClassifier(estimator, n_estimators=3, random_state=0)
    ensemble.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    mean = np.mean([m.predict_proba(X_val) for m in ensemble.estimators_], axis=0)
    assert accuracy_score(y_val, mean.argmax(1)) == pytest.approx(
        ensemble.best_validation_score_
    )
    assert all(m.t_ == ensemble.n_iter_ * len(y_train) for m in ensemble.estimators_)
    with pytest.raises(ValueError, match="early stopping is off"):
        DeepEnsembleClassifier(NumpyMLPClassifier(**SMALL)).fit(
            X_train, y_train, X_val=X_val, y_val=y_val
        )
    with pytest.raises(ValueError, match="X_val is provided, but y_val"):
        DeepEnsembleClassifier(estimator).fit(X_train, y_train, X_val=X_val)


class _StopAfter:
    """A stack rule: every model stops together after ``n`` epochs."""

    def __init__(self, n):
        self.n, self.epochs, self.finished = n, 0, False

    def epoch_end(self, trainer, losses, stopped, diverged):
        self.epochs += 1
        return list(trainer.active) if self.epochs == self.n else list(diverged)

    def finish(self, trainer):
        self.finished = True


def test_trainer_stack_rule_takes_the_stacks_decision(cancer):
    X, y = cancer
    # tol=1e9: each model's own rule would stop it after 4 epochs.
    estimator = NumpyMLPClassifier(**SMALL, tol=1e9, n_iter_no_change=2)
    items = [
        together._Prepared(clone(estimator).set_params(random_state=s), (X, y, None))
        for s in (0, 1)
    ]
    rule = _StopAfter(7)
    results = together.train_stack([[item] for item in items], stack_rule=rule)
    assert rule.finished
    assert [fitted.n_iter_ for fitted, _ in results] == [7, 7]
    alone = together.train_stack([[together._Prepared(items[0].source, (X, y, None))]])
    assert alone[0][0].n_iter_ == 4


@pytest.mark.parametrize("kwargs", [{"share_batches": True}, {}])
def test_sparse_input_in_one_stack_trains_sparse(cancer, kwargs):
    """One stack on CSR rows (no dense copy in ensemble/_fit.py) equals the
    dense stack to rounding."""
    import scipy.sparse as sp

    X, y = cancer
    estimator = NumpyMLPClassifier(**SMALL, early_stopping=True)
    ensemble = DeepEnsembleClassifier(
        estimator, n_estimators=2, random_state=0, **kwargs
    )
    dense = clone(ensemble).fit(X, y)
    sparse = clone(ensemble).fit(sp.csr_matrix(X), y)
    assert sparse.n_iter_ == dense.n_iter_
    for a, b in zip(sparse.estimators_, dense.estimators_):
        for ca, cb in zip(a.coefs_, b.coefs_):
            np.testing.assert_allclose(ca, cb, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), rtol=1e-9
    )
