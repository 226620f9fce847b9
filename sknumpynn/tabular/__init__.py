"""MLPs with defaults for tables: preprocessing inside, RealMLP's recipe."""

from sknumpynn.tabular._estimators import TabularMLPClassifier, TabularMLPRegressor

__all__ = ["TabularMLPClassifier", "TabularMLPRegressor"]
