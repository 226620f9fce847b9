"""Model selection that trains all the fits of a search together.

Drop-ins for scikit-learn's :class:`~sklearn.model_selection.GridSearchCV`,
:class:`~sklearn.model_selection.RandomizedSearchCV`, the experimental
``HalvingGridSearchCV`` and ``HalvingRandomSearchCV``,
:func:`~sklearn.model_selection.cross_validate` and
:func:`~sklearn.model_selection.cross_val_score` (the precedent is dask-ml's
``dask_ml.model_selection``): change the import, nothing else. When the
estimator is a sknumpynn MLP (alone, at the end of a ``Pipeline``, or inside a
``TransformedTargetRegressor``), every candidate x split fit is trained ahead
in one :func:`~sknumpynn._training.together.fit_together` call (per halving
iteration for the halving searches); the results are those of scikit-learn's
functions, computed by scikit-learn's own code.

The halving searches need no ``from sklearn.experimental import
enable_halving_search_cv`` line: asking this module for either name imports
it (ours subclass scikit-learn's, which exist only after it), and so also
enables scikit-learn's own halving classes. ``import sknumpynn.model_selection``
alone enables nothing.
"""

from sknumpynn.model_selection._search import GridSearchCV, RandomizedSearchCV
from sknumpynn.model_selection._validation import cross_val_score, cross_validate

__all__ = [
    "GridSearchCV",
    "HalvingGridSearchCV",
    "HalvingRandomSearchCV",
    "RandomizedSearchCV",
    "cross_val_score",
    "cross_validate",
]

_HALVING = {"HalvingGridSearchCV", "HalvingRandomSearchCV"}


def __getattr__(name):
    if name in _HALVING:
        from sknumpynn.model_selection import _halving

        return getattr(_halving, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _HALVING)
