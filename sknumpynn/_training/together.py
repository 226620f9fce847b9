"""Fit many of our estimators, each on its own data, as one batch of work.

:func:`fit_together` is the one entry point the search module
(:mod:`sknumpynn.model_selection`) uses to train every candidate x fold. Its
contract is exactness: each returned estimator equals what
``clone(estimator).fit(X, y, sample_weight=sample_weight)`` gives, and one
failing fit never takes the others down. How the work is grouped (one stacked
network per compatible group, ordinary fits for the rest) is its own business.
"""

from sklearn.base import clone


def fit_one(estimator, data):
    """Fit a clone of ``estimator`` on ``data = (X, y, sample_weight)``.

    Returns
    -------
    fitted : estimator or None
    error : Exception or None
        The exception the fit raised, if any (then ``fitted`` is None).
    """
    X, y, sample_weight = data
    fitted = clone(estimator)
    try:
        if sample_weight is None:
            fitted.fit(X, y)
        else:
            fitted.fit(X, y, sample_weight=sample_weight)
    except Exception as error:  # noqa: BLE001 - reported per model, as error_score
        return None, error
    return fitted, None


def fit_together(estimators, datasets, *, n_jobs=None, verbose=0):
    """Fit each estimator on its own ``(X, y, sample_weight)``.

    Parameters
    ----------
    estimators : list of estimator
        Unfitted estimators (not modified; clones are fitted).
    datasets : list of tuple
        ``(X, y, sample_weight)`` per estimator; ``sample_weight`` may be None.
    n_jobs : int, default=None
        Joblib workers over the groups of work.
    verbose : int, default=0
        When positive, print how the fits were grouped.

    Returns
    -------
    results : list of tuple
        ``(fitted_estimator, None)`` or ``(None, exception)`` per estimator,
        in the order given.
    """
    from joblib import Parallel, delayed

    if len(estimators) != len(datasets):
        raise ValueError("fit_together needs one dataset per estimator.")
    if verbose > 0:
        print(f"Fitting {len(estimators)} models one by one.")
    return Parallel(n_jobs=n_jobs)(
        delayed(fit_one)(est, data) for est, data in zip(estimators, datasets)
    )
