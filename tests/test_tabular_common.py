"""scikit-learn's estimator checks for the tabular MLPs: no expected failures.

Small networks keep the checks fast. ``sample_weight`` equals repeating rows
exactly only for a full-batch fit without a validation split or dropout (both
draw per row), as for scikit-learn's own MLP; the first instances are that
configuration, the last ones keep the validation split, dropout and the
embedding of the defaults and must pass every other check too.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknumpynn import TabularMLPClassifier, TabularMLPRegressor

FULL_BATCH = dict(
    hidden_layer_sizes=(32,), validation_fraction=None, dropout=0.0, dtype="float64"
)
DEFAULTS = dict(hidden_layer_sizes=(32,), max_iter=64)

ESTIMATORS = [
    TabularMLPClassifier(**FULL_BATCH),
    TabularMLPRegressor(**FULL_BATCH),
    TabularMLPClassifier(
        **FULL_BATCH, numerical_embedding=None, learning_rate="cosine"
    ),
]

#: The check that only holds for FULL_BATCH (see the module docstring).
SAMPLE_WEIGHT_EQUIVALENCE = "check_sample_weight_equivalence_on_dense_data"


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@parametrize_with_checks(
    [TabularMLPClassifier(**DEFAULTS), TabularMLPRegressor(**DEFAULTS)]
)
def test_defaults_pass_the_checks(estimator, check):
    name = getattr(check, "func", check).__name__
    if name == SAMPLE_WEIGHT_EQUIVALENCE:
        # Not skipped: with a validation split the equivalence must fail,
        # since weighted rows and repeated rows split differently.
        with pytest.raises(AssertionError, match="not equivalent"):
            check(estimator)
        return
    check(estimator)
