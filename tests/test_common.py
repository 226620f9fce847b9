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
    # The extras of issue 5 pass the same checks.
    NumpyMLPClassifier(
        solver="rmsprop", activation="gelu", l1=1e-4, learning_rate="cosine"
    ),
    NumpyMLPClassifier(solver="adamw", activation=["elu"], learning_rate="step"),
    NumpyMLPRegressor(
        loss="huber", solver="adamw", activation="elu", learning_rate="cosine", l1=1e-4
    ),
    NumpyMLPRegressor(loss="absolute_error", solver="lbfgs", activation="gelu"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
