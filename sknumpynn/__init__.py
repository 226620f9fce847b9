"""scikit-learn MLP estimators on a pure NumPy forward/backprop engine."""

from sknumpynn._classifier import NumpyMLPClassifier
from sknumpynn._regressor import NumpyMLPRegressor
from sknumpynn._utils.version import __version__
from sknumpynn.tabular import TabularMLPClassifier, TabularMLPRegressor

__all__ = [
    "NumpyMLPClassifier",
    "NumpyMLPRegressor",
    "TabularMLPClassifier",
    "TabularMLPRegressor",
    "__version__",
]
