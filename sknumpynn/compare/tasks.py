"""The datasets of ``sknumpynn.compare``: pipelines, settings and evaluation schemes.

Each :class:`Task` builds the *same* pipeline around either estimator, so our
MLP and scikit-learn's see identical preprocessing, hyperparameters, seeds
and splits.
"""

from dataclasses import dataclass, field

import numpy as np
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    KFold,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    StratifiedKFold,
    train_test_split,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from sknumpynn.datasets import fetch_mnist, load_boston, load_diamonds, load_heart

HEART_CATEGORICAL = [2, 6, 10, 11, 12]  # cp, restecg, slope, ca, thal
DIAMONDS_CATEGORICAL = [1, 2, 3]  # cut, color, clarity


def scale_pixels(X):
    """uint8 pixels to float32 in [0, 1] (float32 input trains in float32)."""
    return np.asarray(X, dtype=np.float32) / np.float32(255)


def heart_preprocessing():
    """One-hot the categorical codes (missing codes become their own level)."""
    numeric = [i for i in range(13) if i not in HEART_CATEGORICAL]
    return ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore"), HEART_CATEGORICAL),
            ("numeric", StandardScaler(), numeric),
        ]
    )


def diamonds_preprocessing():
    """One-hot cut, color and clarity; standardise the six measurements."""
    numeric = [0, 4, 5, 6, 7, 8]
    return ColumnTransformer(
        [
            ("categorical", OneHotEncoder(), DIAMONDS_CATEGORICAL),
            ("numeric", StandardScaler(), numeric),
        ]
    )


def standardized_target(pipeline):
    """Fit on a standardised target, predict on the original scale."""
    return TransformedTargetRegressor(pipeline, transformer=StandardScaler())


@dataclass
class Task:
    """One dataset of the comparison.

    Attributes
    ----------
    name, kind : str
        Dataset name; ``'classifier'`` or ``'regressor'``.
    metric : str
        What the score is (accuracy or R²).
    params : dict
        MLP hyperparameters, identical for both estimators.
    build : callable
        ``build(estimator)`` returns the pipeline around an estimator.
    load : callable
        ``load(quick, data_home)`` returns ``(X, y)`` for cross-validation or
        ``(X_train, y_train, X_test, y_test)`` for a hold-out.
    evaluation : str
        How the scores are obtained, for the report.
    grid : dict or None
        ``GridSearchCV`` grid over the MLP step (``mlp__`` prefix), or None.
    baseline : callable or None
        ``baseline()`` returns a reference model evaluated on the same folds.
    categorical : list of int or None
        The raw table's categorical columns, for the models that encode the
        table themselves (``TabularMLP``).
    """

    name: str
    kind: str
    metric: str
    params: dict
    build: object
    load: object
    evaluation: str
    grid: dict = None
    baseline: object = None
    categorical: list = None
    quick_params: dict = field(default_factory=dict)

    def _folds(self, n_splits, n_repeats=1):
        """Shuffled (repeated) K-fold, stratified for classification."""
        if self.kind == "classifier":
            if n_repeats == 1:
                return StratifiedKFold(n_splits, shuffle=True, random_state=0)
            return RepeatedStratifiedKFold(
                n_splits=n_splits, n_repeats=n_repeats, random_state=0
            )
        if n_repeats == 1:
            return KFold(n_splits, shuffle=True, random_state=0)
        return RepeatedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=0)

    def grid_splits(self, quick):
        """Shuffled 5-fold CV for the grid search (3-fold if quick).

        Shuffled because Boston's rows are ordered by town: unshuffled folds
        would each extrapolate to unseen towns.
        """
        return self._folds(3 if quick else 5)

    def splits(self, quick):
        """The evaluation CV: 10-fold repeated 3 times (3-fold once if quick)."""
        return self._folds(3) if quick else self._folds(10, n_repeats=3)


def _heart(estimator):
    return Pipeline([("preprocess", heart_preprocessing()), ("mlp", estimator)])


def _boston(estimator):
    return standardized_target(
        Pipeline([("scale", StandardScaler()), ("mlp", estimator)])
    )


def _diamonds(estimator):
    return standardized_target(
        Pipeline([("preprocess", diamonds_preprocessing()), ("mlp", estimator)])
    )


def _mnist(estimator):
    return Pipeline([("scale", FunctionTransformer(scale_pixels)), ("mlp", estimator)])


def load_diamonds_split(quick, data_home=None):
    """The fixed 80/20 hold-out split of diamonds (5,000 training rows if quick)."""
    X, y = load_diamonds(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    if quick:
        X_train, y_train, X_test, y_test = (
            X_train[:5000],
            y_train[:5000],
            X_test[:2000],
            y_test[:2000],
        )
    return X_train, y_train, X_test, y_test


def load_mnist_split(quick, data_home=None):
    """MNIST's canonical split (5,000/1,000 images if quick)."""
    X_train, y_train = fetch_mnist(data_home, subset="train", return_X_y=True)
    X_test, y_test = fetch_mnist(data_home, subset="test", return_X_y=True)
    if quick:
        return X_train[:5000], y_train[:5000], X_test[:1000], y_test[:1000]
    return X_train, y_train, X_test, y_test


def _heart_baseline():
    """The heart reference: the same one-hot encoding, logistic regression."""
    return make_pipeline(heart_preprocessing(), LogisticRegression(max_iter=1000))


GRID = {
    "mlp__hidden_layer_sizes": [(32,), (100,)],
    "mlp__alpha": [0.1, 1.0, 3.0],
    "mlp__learning_rate_init": [1e-3, 1e-2],
}
QUICK_GRID = {"mlp__hidden_layer_sizes": [(16,)], "mlp__alpha": [1e-2, 1.0]}

CV_10X3 = "repeated {}10-fold CV (3 repeats)"

TASKS = {
    task.name: task
    for task in (
        Task("heart", "classifier", "accuracy", {"alpha": 3.0}, _heart,
             lambda quick, data_home=None: load_heart(return_X_y=True),
             CV_10X3.format("stratified "), GRID, baseline=_heart_baseline,
             categorical=HEART_CATEGORICAL),
        Task("boston", "regressor", "R²", {}, _boston,
             lambda quick, data_home=None: load_boston(return_X_y=True),
             CV_10X3.format(""), GRID),
        # Patience 20: with the default 10, adam stops while R² still climbs.
        Task("diamonds", "regressor", "R²", {"n_iter_no_change": 20}, _diamonds,
             load_diamonds_split, "fixed 80/20 hold-out, 3 seeds",
             categorical=DIAMONDS_CATEGORICAL),
        Task("mnist", "classifier", "accuracy",
             {"hidden_layer_sizes": (256,), "alpha": 1e-3}, _mnist,
             load_mnist_split, "canonical 60,000/10,000 split, 3 seeds",
             quick_params={"max_iter": 5}),
    )
}  # fmt: skip
