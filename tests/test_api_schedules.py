"""Plateau and warmup schedules for every stochastic solver (issue 21, item 3).

``ReduceLROnPlateau`` (Keras's and PyTorch's names: factor, patience, min_lr,
min_delta, cooldown) and ``LinearWarmup`` (warmup_epochs, start_factor) are
epoch schedules: they compose with cosine and step, keep their state per model
(never in the schedule object), and run stacked exactly as alone.
"""

import copy
import re
from contextlib import redirect_stdout
from io import StringIO

import numpy as np
import pytest
from sklearn import model_selection as skms
from sklearn.datasets import make_classification

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn import model_selection as ms
from sknumpynn._training.setup import STOCHASTIC_SOLVERS
from sknumpynn.nn.schedules import (
    CosineAnnealing,
    EpochSchedule,
    LinearWarmup,
    ReduceLROnPlateau,
    StepDecay,
    get_schedule,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = make_classification(n_samples=150, n_features=5, random_state=0)
LR0 = 0.02


def rates(estimator):
    return [entry["learning_rate"] for entry in estimator.history_]


def classifier(schedule, **params):
    defaults = dict(
        hidden_layer_sizes=(6,),
        learning_rate_init=LR0,
        max_iter=12,
        n_iter_no_change=100,
        random_state=0,
    )
    return NumpyMLPClassifier(learning_rate=schedule, **{**defaults, **params})


@pytest.mark.parametrize("solver", STOCHASTIC_SOLVERS)
def test_warmup_is_linear_for_every_solver(solver):
    clf = classifier(LinearWarmup(4, start_factor=0.25), solver=solver).fit(X, y)
    expected = [LR0 * (0.25 + 0.75 * e / 4) for e in range(4)] + [LR0] * 8
    np.testing.assert_allclose(rates(clf), expected, rtol=1e-15)


@pytest.mark.parametrize("solver", STOCHASTIC_SOLVERS)
def test_plateau_reduces_for_every_solver(solver):
    # min_delta larger than any change: every epoch after the first stalls.
    schedule = ReduceLROnPlateau(factor=0.5, patience=1, min_delta=1e3)
    clf = classifier(schedule, solver=solver, max_iter=6).fit(X, y)
    expected = [LR0, LR0, LR0 / 2, LR0 / 4, LR0 / 8, LR0 / 16]
    np.testing.assert_allclose(rates(clf), expected, rtol=1e-15)


def test_plateau_rule_patience_cooldown_min_lr():
    schedule, memory = ReduceLROnPlateau(0.5, 2, min_lr=0.3, cooldown=1), {}
    metrics = [5, 4, 4, 4, 4, 4, 4, 4, 3.99995, 3]
    got = [schedule.next_rate(1.0, e, 99, memory, m) for e, m in enumerate(metrics)]
    # Reductions after two stalled epochs; one cooldown epoch not counted;
    # never below min_lr; an improvement smaller than min_delta is a stall.
    assert got == [1, 1, 1, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3]
    assert schedule.next_rate(1.0, 0, 99, {}, None) == 1.0


class Recording(EpochSchedule):
    """Keeps what the loop passes it, in the per-model memory."""

    def __call__(self, learning_rate_init, epoch, max_iter):
        return learning_rate_init

    def next_rate(self, learning_rate_init, epoch, max_iter, memory, metric):
        memory.setdefault("seen", []).append((epoch, metric))
        return learning_rate_init


@pytest.mark.parametrize(
    "params, curve",
    [
        ({}, lambda est: est.loss_curve_),
        ({"early_stopping": True}, lambda est: -np.array(est.validation_scores_)),
        (
            {"early_stopping": True, "monitor": "val_loss"},
            lambda est: est.validation_loss_curve_,
        ),
    ],
)
def test_the_schedule_sees_the_monitored_value(params, curve):
    clf = classifier(Recording(), max_iter=5, **params).fit(X, y)
    seen = clf._schedule_memory["seen"]
    assert [epoch for epoch, _ in seen] == list(range(6))
    assert seen[0][1] is None  # before the first epoch
    np.testing.assert_array_equal([m for _, m in seen[1:]], curve(clf))


def test_warmup_then_cosine_and_plateau_over_step():
    warm = classifier(LinearWarmup(2, 0.5, after=CosineAnnealing()), max_iter=8)
    remaining = 6
    cosine = [0.5 * LR0 * (1 + np.cos(np.pi * e / remaining)) for e in range(6)]
    expected = [LR0 / 2, 0.75 * LR0] + cosine
    np.testing.assert_allclose(rates(warm.fit(X, y)), expected, rtol=1e-12)
    schedule = ReduceLROnPlateau(0.5, 1, min_delta=1e3, base=StepDecay(3, 0.1))
    both = classifier(schedule, max_iter=5).fit(X, y)
    steps = [LR0, LR0, LR0, LR0 / 10, LR0 / 10]
    scales = [1, 1, 1 / 2, 1 / 4, 1 / 8]
    np.testing.assert_allclose(rates(both), np.multiply(steps, scales), rtol=1e-12)


def test_names_and_the_users_schedule_is_not_modified():
    assert isinstance(get_schedule("plateau"), ReduceLROnPlateau)
    assert isinstance(get_schedule("warmup"), LinearWarmup)
    schedule = ReduceLROnPlateau(factor=0.5, patience=1, min_delta=1e3)
    before = copy.deepcopy(vars(schedule))
    classifier(schedule, max_iter=4).fit(X, y)
    assert vars(schedule) == before
    clf = classifier("warmup", max_iter=6).fit(X, y)
    assert rates(clf)[0] == pytest.approx(0.1 * LR0) and rates(clf)[5] == LR0


def test_plateau_state_persists_across_partial_fit():
    reg = NumpyMLPRegressor(
        hidden_layer_sizes=(4,),
        learning_rate=ReduceLROnPlateau(0.5, 1, min_delta=1e3),
        learning_rate_init=LR0,
        random_state=0,
    )
    for _ in range(4):
        reg.partial_fit(X, y.astype(float))
    np.testing.assert_allclose(rates(reg), [LR0, LR0, LR0 / 2, LR0 / 4])


@pytest.mark.parametrize(
    "schedule, message",
    [
        (LinearWarmup(start_factor=0.0), "start_factor must be in"),
        (LinearWarmup(warmup_epochs=0), "warmup_epochs must be a positive int"),
        (ReduceLROnPlateau(factor=1.5), "factor must be in"),
    ],
)
def test_bad_schedule_parameters_fail_clearly(schedule, message):
    with pytest.raises(ValueError, match=message):
        classifier(schedule).fit(X, y)


def rate_curve_scorer(estimator, X, y):
    """Scores each fold's model by its summed rate curve: compared per split."""
    return sum(rates(estimator)) + len(estimator.history_)


def test_stacked_search_runs_each_models_own_schedule_state():
    grid = {
        "learning_rate": [
            ReduceLROnPlateau(factor=0.5, patience=2),
            ReduceLROnPlateau(factor=0.5, patience=2, base=CosineAnnealing()),
            LinearWarmup(3, after=ReduceLROnPlateau(0.2, 1)),
        ],
        "learning_rate_init": [0.05, 0.2],
    }
    est = classifier("constant", max_iter=15, n_iter_no_change=4, early_stopping=True)
    scoring = {"rates": rate_curve_scorer, "acc": "accuracy"}
    kwargs = dict(cv=3, scoring=scoring, refit=False)
    out = StringIO()
    with redirect_stdout(out):
        ours = ms.GridSearchCV(est, grid, verbose=1, **kwargs).fit(X, y)
    theirs = skms.GridSearchCV(est, grid, **kwargs).fit(X, y)
    served = re.search(r"took (\d+) of (\d+) fits from the pre-fit", out.getvalue())
    assert served and served.group(1) == served.group(2) == "18"
    for key in ("split0_test_rates", "split2_test_rates", "mean_test_acc"):
        np.testing.assert_allclose(
            ours.cv_results_[key], theirs.cv_results_[key], rtol=1e-12
        )


def test_stacked_history_records_the_rate_each_epoch_used():
    from sknumpynn._training.together import fit_together

    estimators = [
        classifier(CosineAnnealing(T_max=5), learning_rate_init=rate, max_iter=7)
        for rate in (0.05, 0.2)
    ]
    results = fit_together(estimators, [(X, y, None)] * 2)
    for estimator, (stacked, error) in zip(estimators, results):
        assert error is None
        assert rates(stacked) == rates(estimator.fit(X, y))
