"""Divergence, interruption and ``max_iter``: what training says and restores.

A non-finite epoch loss means training diverged: the parameters of the last
finite epoch are restored and a :class:`ConvergenceWarning` says so; a
``KeyboardInterrupt`` also keeps the last completed epoch.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning


def recover_from_divergence(state, last_finite):
    """The weights to restore after a non-finite epoch, with a warning.

    Parameters
    ----------
    state : object
        The model's fitted attributes (``n_iter_``, ``t_``).
    last_finite : ndarray
        Its parameters at the end of the last finite epoch.

    Returns
    -------
    ndarray
        ``last_finite``.

    Raises
    ------
    ValueError
        When the first epoch already diverged: no usable weights exist.
    """
    if state.t_ == 0:
        raise ValueError(
            "Solver produced non-finite parameter weights. The input data may "
            "contain large values and need to be preprocessed. Training diverged "
            "in its first epoch: the loss is not finite, so no usable weights "
            "exist. Scale the features (e.g. StandardScaler) or lower "
            "learning_rate_init."
        )
    warnings.warn(
        f"Training diverged after {state.n_iter_} epoch"
        f"{'' if state.n_iter_ == 1 else 's'} (the loss became "
        "non-finite); the weights of the last finite epoch were restored. "
        "Scale the features (e.g. StandardScaler) or lower learning_rate_init.",
        ConvergenceWarning,
    )
    return last_finite


def ensure_finite_outputs(network, X, fallback, n_rows=1000):
    """Check the final weights on the first training rows; fall back once.

    A finite epoch loss is measured *before* each step, so the last step of an
    exploding run can leave finite but huge weights whose outputs overflow.
    Those are replaced by ``fallback`` (the previous epoch's weights) with a
    warning; if even those overflow, training failed and this raises.

    Parameters
    ----------
    network : Network
        One model (no model axis), updated in place.
    X : {ndarray, sparse matrix}
        Its training inputs.
    fallback : ndarray
        The previous epoch's parameters.
    n_rows : int, default=1000
        Rows checked.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(network.predict(X[:n_rows])).all():
            return
        network.params[...] = fallback
        if np.isfinite(network.predict(X[:n_rows])).all():
            warnings.warn(
                "Training diverged: the final weights give non-finite outputs; the "
                "previous epoch's weights were restored. Scale the features (e.g. "
                "StandardScaler) or lower learning_rate_init.",
                ConvergenceWarning,
            )
            return
    raise ValueError(
        "Solver produced non-finite parameter weights. The input data may contain "
        "large values and need to be preprocessed. Training diverged: the "
        "network's outputs are not finite. Scale the features (e.g. "
        "StandardScaler) or lower learning_rate_init."
    )


def warn_interrupted(n_iter):
    """Say that a ``KeyboardInterrupt`` kept the last completed epoch."""
    warnings.warn(
        "Training interrupted by user; keeping the weights of the last "
        f"completed epoch ({n_iter})."
    )


def warn_max_iter(max_iter):
    """scikit-learn's warning when ``max_iter`` epochs did not converge."""
    warnings.warn(
        f"Stochastic Optimizer: Maximum iterations ({max_iter}) "
        "reached and the optimization hasn't converged yet.",
        ConvergenceWarning,
    )
