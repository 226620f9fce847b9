"""Behaviour of L-BFGS, the epoch hooks and ``fit_together`` that the mutation
run found untested.

Each test asserts what a user can observe (fitted attributes, warnings,
``history_``, the search's results), so it holds whatever the code looks like
inside.
"""

import warnings

import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from sknumpynn import NumpyMLPClassifier


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def test_lbfgs_warns_with_its_iterations_and_status_only_when_stopped_early(iris):
    X, y = iris
    with pytest.warns(
        ConvergenceWarning,
        match=r"^lbfgs failed to converge after 3 iterations \(status=1\): .+\. "
        r"Increase max_iter or max_fun",
    ):
        clf = NumpyMLPClassifier(solver="lbfgs", max_iter=3, random_state=0).fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3
    assert clf.loss_ == clf.loss_curve_[-1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        NumpyMLPClassifier(solver="lbfgs", tol=1e-1, random_state=0).fit(X, y)
