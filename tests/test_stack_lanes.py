"""Stacks on threads: ``fit_together`` deals its stacks out to lanes.

With ``n_jobs=1`` the stacks train on as many threads as BLAS may use
(``_utils.parallel.stack_threads``), BLAS on one thread each, once a lane
holds enough arithmetic (``stack_plan.MIN_LANE_FLOPS``). The lanes change
where a stack trains, never what it computes: every fit equals its own.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris
from threadpoolctl import threadpool_limits

from sknumpynn import NumpyMLPClassifier
from sknumpynn._training import stack_plan, together
from sknumpynn._training.together import fit_one, fit_together, plan_fits
from sknumpynn._utils.parallel import stack_threads


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def candidates(X, y, n_alphas=6, seeds=(0, 1)):
    """Fits in row groups: one group per seed (its candidates share rows)."""
    base = NumpyMLPClassifier(hidden_layer_sizes=(8,), max_iter=15)
    estimators = [
        clone(base).set_params(alpha=10.0**-a, random_state=seed)
        for seed in seeds
        for a in range(n_alphas)
    ]
    return estimators, [(X, y, None)] * len(estimators)


def planned(X, y, **kwargs):
    estimators, datasets = candidates(X, y, **kwargs)
    stacks, alone = plan_fits(estimators, datasets, [None] * len(estimators))
    assert alone == []
    return stacks


def flat(stacks):
    return [item.index for stack in stacks for group in stack for item in group]


def test_one_lane_when_threads_would_not_pay(iris, monkeypatch):
    stacks = planned(*iris)
    total = sum(stack_plan.step_flops(stacks[0][0][0]) for _ in flat(stacks))
    monkeypatch.setattr(stack_plan, "MIN_LANE_FLOPS", total / 1.5)
    assert stack_plan.lanes(stacks, 2) == [stacks]
    monkeypatch.setattr(stack_plan, "MIN_LANE_FLOPS", total / 2.5)
    assert stack_plan.lanes(stacks, 1) == [stacks]
    assert len(stack_plan.lanes(stacks, 2)) == 2
    assert len(stack_plan.lanes(stacks, 8)) == 2  # no more lanes than pay


def test_lanes_share_the_work_and_keep_every_fit_once(iris, monkeypatch):
    monkeypatch.setattr(stack_plan, "MIN_LANE_FLOPS", 1.0)
    stacks = planned(*iris, n_alphas=5, seeds=(0, 1, 2))  # 15 fits, groups of 5
    assert [len(group) for group in stacks[0]] == [5, 5, 5]
    by_lane = stack_plan.lanes(stacks, 2)
    assert len(by_lane) == 2
    assert flat([s for lane in by_lane for s in lane]) == flat(stacks)
    sizes = [len(flat(lane)) for lane in by_lane]
    assert sizes == [8, 7]  # equal work, the lane boundary inside a row group
    first, second = by_lane
    assert [len(g) for g in first[-1]] == [5, 3]
    assert [len(g) for g in second[0]] == [2, 5]
    keys = {item.rows_key() for stack in second for item in stack[0]}
    assert len(keys) == 1  # a split row group stays one group on each side


def test_fits_on_lanes_equal_their_own_fits(iris, monkeypatch):
    monkeypatch.setattr(stack_plan, "MIN_LANE_FLOPS", 1.0)
    monkeypatch.setattr(together, "stack_threads", lambda: 2)
    X, y = iris
    estimators, datasets = candidates(X, y, n_alphas=4, seeds=(0, 1, 2))
    estimators[5].set_params(early_stopping=True, validation_fraction=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        laned = fit_together(estimators, datasets)
        alone = [fit_one(e, d) for e, d in zip(estimators, datasets)]
    for (a, error_a), (b, error_b) in zip(laned, alone):
        assert error_a is None and error_b is None
        assert a.n_iter_ == b.n_iter_ and a.loss_curve_ == b.loss_curve_
        for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
            np.testing.assert_array_equal(p, q)


def test_verbose_names_the_threads(iris, monkeypatch, capsys):
    monkeypatch.setattr(stack_plan, "MIN_LANE_FLOPS", 1.0)
    monkeypatch.setattr(together, "stack_threads", lambda: 2)
    estimators, datasets = candidates(*iris, n_alphas=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_together(estimators, datasets, verbose=1)
    assert "models on 2 threads" in capsys.readouterr().out


def test_no_lanes_with_process_workers(iris, monkeypatch):
    calls = []
    monkeypatch.setattr(stack_plan, "MIN_LANE_FLOPS", 1.0)
    monkeypatch.setattr(together, "stack_threads", lambda: calls.append(1) or 2)
    estimators, datasets = candidates(*iris, n_alphas=2, seeds=(0,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_together(estimators, datasets, n_jobs=2)
    assert calls == []  # n_jobs > 1: joblib's processes share the cores


def test_stack_threads_follow_the_blas_limit():
    with threadpool_limits(limits=1, user_api="blas"):
        assert stack_threads() == 1
    with threadpool_limits(limits=2, user_api="blas"):
        assert stack_threads() in (1, 2)  # a 1-core machine keeps 1


def test_a_piece_cut_twice_joins_the_next_stack_of_its_lane(iris, monkeypatch):
    """24 fits of one row group, stacks of at most 13: planned 13 + 11, cut
    into lanes 12 | 1 + 11; the lane's two stacks (and the two parts of the
    row group) are joined again: 12 | 12, one row group each."""
    monkeypatch.setattr(stack_plan, "MIN_LANE_FLOPS", 1.0)
    X, y = iris
    estimators, datasets = candidates(X, y, n_alphas=24, seeds=(0,))
    stacks, _ = plan_fits(estimators, datasets, [None] * 24)
    network, batch = stacks[0][0][0].run.network, 150  # iris: one batch of all rows
    widest = network.dtype.itemsize * batch * max(network.layer_units[1:])
    monkeypatch.setattr(stack_plan, "LAYER_CACHE_BYTES", 13 * widest)
    stacks, _ = plan_fits(estimators, datasets, [None] * 24)
    assert [sum(map(len, stack)) for stack in stacks] == [13, 11]
    by_lane = stack_plan.lanes(stacks, 2)
    assert [[[len(g) for g in stack] for stack in lane] for lane in by_lane] == [
        [[12]],
        [[12]],
    ]
    assert flat([s for lane in by_lane for s in lane]) == list(range(24))
