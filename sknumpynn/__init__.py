"""scikit-learn MLP estimators on a pure NumPy forward/backprop engine."""

from sknumpynn._classifier import NumpyMLPClassifier
from sknumpynn._regressor import NumpyMLPRegressor

__version__ = "0.1.0"

__all__ = ["NumpyMLPClassifier", "NumpyMLPRegressor", "__version__"]
