"""Which of the epochs tied for the best validation value is kept.

scikit-learn's MLP keeps the first (an epoch must beat the best to replace
it); the tabular estimators keep the last, as RealMLP does
(``TrainingSettings.keep_last_best``): on the accuracy of a small split the
first epoch to reach the best value is often one of the first epochs.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_wine
from stopping_helpers import stopping_state

from sknumpynn import NumpyMLPClassifier, TabularMLPClassifier
from sknumpynn._training.stopping import update_no_improvement

SMALL = dict(hidden_layer_sizes=(16,), max_iter=12, random_state=0)


@pytest.mark.parametrize("monitor", ["val_score", "val_loss"])
@pytest.mark.parametrize("keep_last", [False, True])
def test_a_tie_replaces_the_kept_weights_only_when_keeping_the_last(monitor, keep_last):
    state = stopping_state()
    for epoch, value in enumerate([0.5, 0.75, 0.75, 0.625, 0.75, 0.5]):
        validated = (1.0 - value, value)  # the loss falls as the score rises
        update_no_improvement(
            state, np.full(2, float(epoch)), 0.01, validated, monitor, keep_last
        )
    kept = 4.0 if keep_last else 1.0
    np.testing.assert_array_equal(state._best_params, [kept, kept])
    assert state.best_validation_score_ == 0.75
    assert state._no_improvement_count == 4  # ties still count as no progress


def test_the_default_keeps_the_first_tie():
    state = stopping_state()
    for epoch in range(3):
        update_no_improvement(
            state, np.full(1, float(epoch)), 0.0, (0.5, 0.5), "val_score"
        )
    np.testing.assert_array_equal(state._best_params, [0.0])


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    return X[::2], y[::2]


def test_tabular_estimators_keep_the_last_tied_epoch(wine, monkeypatch):
    from sknumpynn._training import loop

    seen = []

    def spy(*args):
        seen.append(args[-1])
        return update_no_improvement(*args)

    monkeypatch.setattr(loop, "update_no_improvement", spy)
    X, y = wine
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        TabularMLPClassifier(max_iter=5, random_state=0).fit(X, y)
        assert seen == [True] * 5
        seen.clear()
        NumpyMLPClassifier(**SMALL, early_stopping=True).fit(X, y)
    assert seen and not any(seen)  # the drop-in keeps scikit-learn's rule


def test_an_ensemble_of_tabular_networks_keeps_the_last_tied_epoch(wine):
    X, y = wine
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TabularMLPClassifier(max_iter=30, n_ensemble=2, random_state=0)
        model.fit(X, y)
    scores = np.asarray(model.mlp_.validation_scores_)
    assert (scores == scores.max()).sum() > 1
    assert model.mlp_.best_epoch_ == np.flatnonzero(scores == scores.max())[-1] + 1


def test_drop_in_ensembles_keep_the_first_tied_epoch(wine):
    from sknumpynn.ensemble import DeepEnsembleClassifier

    X, y = wine
    X = (X - X.mean(0)) / X.std(0)
    member = NumpyMLPClassifier(**SMALL, early_stopping=True, n_iter_no_change=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = DeepEnsembleClassifier(member, n_estimators=2, random_state=0)
        model.fit(X, y)
    scores = np.asarray(model.validation_scores_)
    assert (scores == scores.max()).sum() > 1
    assert model.best_epoch_ == int(np.argmax(scores)) + 1
