"""Estimators that wrap one of ours, as ``fit_together`` trains them.

A wrapper (the tabular estimators) runs its own preprocessing and then fits
an engine estimator of ours: ``_engine_task(X, y, sample_weight)`` returns
the unfitted engine and the data it trains on, ``_adopt_engine(fitted)`` takes
the fitted engine back. ``fit_together`` unwraps while planning, stacks the
engine fits like any other and rewraps the results.
"""

from sklearn.base import clone


def _wraps_engine(estimator):
    """Whether ``estimator`` trains an engine estimator of ours on data it
    prepares itself (the tabular estimators: ``_engine_task`` preprocesses,
    ``_adopt_engine`` takes the fitted engine)."""
    return callable(getattr(estimator, "_engine_task", None))


def _unwrap(estimator, data):
    """``(wrapper, engine, engine_data)``: a clone of the wrapper with its
    preprocessing fitted, the unfitted engine estimator and its data."""
    X, y, sample_weight = data
    wrapper = clone(estimator)
    wrapper._validate_params()
    engine, engine_data = wrapper._engine_task(X, y, sample_weight)
    return wrapper, engine, engine_data


def _rewrap(item, result):
    """A stacked fit's ``(fitted, error)``, the wrapper's if it had one."""
    fitted, error = result
    wrapper = getattr(item, "wrapper", None)
    if wrapper is None or fitted is None:
        return result
    return wrapper._adopt_engine(fitted), None
