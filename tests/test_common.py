"""scikit-learn's estimator checks, with no expected failures and nothing skipped."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor

ESTIMATORS = [
    NumpyMLPClassifier(),
    NumpyMLPClassifier(solver="lbfgs"),
    NumpyMLPClassifier(solver="sgd"),
    NumpyMLPRegressor(),
    NumpyMLPRegressor(solver="lbfgs"),
    NumpyMLPRegressor(solver="sgd"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
