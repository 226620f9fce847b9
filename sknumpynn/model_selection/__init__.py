"""Model selection that trains all the fits of a search together.

Drop-ins for scikit-learn's :class:`~sklearn.model_selection.GridSearchCV`,
:class:`~sklearn.model_selection.RandomizedSearchCV`,
:func:`~sklearn.model_selection.cross_validate` and
:func:`~sklearn.model_selection.cross_val_score` (the precedent is dask-ml's
``dask_ml.model_selection``): change the import, nothing else. When the
estimator is a sknumpynn MLP (alone, at the end of a ``Pipeline``, or inside a
``TransformedTargetRegressor``), every candidate x split fit is trained ahead
in one :func:`~sknumpynn._training.together.fit_together` call; the results
are those of scikit-learn's functions, computed by scikit-learn's own code.
"""

from sknumpynn.model_selection._search import GridSearchCV, RandomizedSearchCV
from sknumpynn.model_selection._validation import cross_val_score, cross_validate

__all__ = ["GridSearchCV", "RandomizedSearchCV", "cross_val_score", "cross_validate"]
