"""scikit-learn's estimator checks for the deep ensembles.

The default ensembles pass every check with no expected failure. The
variants with the ensemble's own early stopping pass every check but the two
sample-weight equivalence checks, which no validation split can pass: a
weight of 2 and a repeated row land differently in the held-out rows (the
same holds for scikit-learn's own estimators with an early-stopping split).
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor

DEFAULTS = [DeepEnsembleClassifier(), DeepEnsembleRegressor()]

WITH_EARLY_STOPPING = [
    DeepEnsembleClassifier(
        NumpyMLPClassifier(early_stopping=True, validation_fraction=0.25),
        n_estimators=3,
        share_batches=True,
    ),
    DeepEnsembleRegressor(
        NumpyMLPRegressor(early_stopping=True, validation_fraction=0.25),
        n_estimators=3,
        bootstrap=True,
    ),
]

SPLIT_DEPENDS_ON_ROWS = (
    "the ensemble's validation split holds out rows, not weight: a weight of 2 "
    "and a repeated row cannot give one split"
)


def _expected_failures(estimator):
    return {
        "check_sample_weight_equivalence_on_dense_data": SPLIT_DEPENDS_ON_ROWS,
        "check_sample_weight_equivalence_on_sparse_data": SPLIT_DEPENDS_ON_ROWS,
    }


@parametrize_with_checks(DEFAULTS)
def test_sklearn_compatible_ensemble(estimator, check):
    check(estimator)


@parametrize_with_checks(WITH_EARLY_STOPPING, expected_failed_checks=_expected_failures)
def test_sklearn_compatible_ensemble_early_stopping(estimator, check):
    check(estimator)
