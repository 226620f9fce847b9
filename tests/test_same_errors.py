"""Where scikit-learn's MLP raises, ours raises the same type with its wording."""

import inspect
import re

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor

SKLEARN_NON_FINITE = (
    "Solver produced non-finite parameter weights. The input data may contain "
    "large values and need to be preprocessed."
)


def error_of(estimator, X, y):
    with pytest.raises(Exception) as info:
        estimator.fit(X, y)
    return info.value


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_error_starts_with_sklearns_sentence():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3)) * 1e200
    y = rng.normal(size=60)
    params = dict(solver="sgd", learning_rate_init=10.0, random_state=0)
    theirs = error_of(MLPRegressor(**params), X, y)
    ours = error_of(NumpyMLPRegressor(**params), X, y)
    assert type(ours) is type(theirs) is ValueError
    assert str(theirs).startswith(SKLEARN_NON_FINITE)
    assert str(ours).startswith(SKLEARN_NON_FINITE)
    assert "diverged" in str(ours)  # ours adds what happened and what to do


@pytest.mark.parametrize(
    "labels, shown",
    [
        ([False, True], "True"),
        ([0, 1], "1"),
        (["healthy", "sick"], "'sick'"),
    ],
)
def test_too_small_class_for_early_stopping_names_the_users_label(labels, shown):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    y = np.array(labels)[(np.arange(40) == 7).astype(int)]  # one of labels[1]
    theirs = error_of(MLPClassifier(early_stopping=True), X, y)
    ours = error_of(NumpyMLPClassifier(early_stopping=True), X, y)
    assert type(ours) is type(theirs) is ValueError
    # scikit-learn's sentence, word for word; only the label list may differ.
    without_labels = re.compile(r"\[.*\]")
    assert without_labels.sub("", str(ours)) == without_labels.sub("", str(theirs))
    assert "least populated class" in str(ours)
    assert f"[{shown}]" in str(ours), str(ours)
    assert "1.0" not in str(ours)


@pytest.mark.parametrize(
    "Ours, Theirs",
    [(NumpyMLPClassifier, MLPClassifier), (NumpyMLPRegressor, MLPRegressor)],
)
def test_all_zero_sample_weight(Ours, Theirs):
    """scikit-learn's sentence (its MLP takes sample_weight since 1.7)."""
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(30, 3)), rng.randint(0, 2, 30)
    with pytest.raises(ValueError) as info:
        Ours(max_iter=5).fit(X, y, sample_weight=np.zeros(30))
    ours = str(info.value)
    assert "Sample weights must contain at least one non-zero number" in ours
    assert "sample_weight" in ours
    if "sample_weight" in inspect.signature(Theirs.fit).parameters:
        with pytest.raises(ValueError) as info:
            Theirs(max_iter=5).fit(X, y, sample_weight=np.zeros(30))
        assert str(info.value).rstrip(".") in ours
