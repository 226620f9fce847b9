"""The package version, in one place, and the pickling that records it."""

import warnings

from sklearn.exceptions import InconsistentVersionWarning

__version__ = "0.1.0"


class VersionedPickleMixin:
    """Record sknumpynn's version in pickles; warn when it differs on load.

    scikit-learn's ``BaseEstimator`` does this for its own version; this does
    the same for ours, with the same warning class, so one filter covers both.
    Put it before ``BaseEstimator`` in the bases.
    """

    def __getstate__(self):
        # A new dict: the parent may return the instance's own __dict__.
        return {**super().__getstate__(), "_sknumpynn_version": __version__}

    def __setstate__(self, state):
        original = state.pop("_sknumpynn_version", "unknown")
        if original != __version__:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=f"{type(self).__name__} (sknumpynn)",
                    current_sklearn_version=__version__,
                    original_sklearn_version=original,
                )
            )
        super().__setstate__(state)
