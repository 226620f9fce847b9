"""Full-batch training with L-BFGS-B, through :func:`scipy.optimize.minimize`."""

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from sknumpynn._training.hooks import NoHooks
from sknumpynn.nn import Workspace
from sknumpynn.nn.backprop import Penalty, batch_gradient, single_rows


@dataclass(frozen=True)
class LbfgsSettings:
    """The choices of an L-BFGS fit, as scikit-learn's MLP names them.

    Parameters
    ----------
    loss : str or Loss
    penalty : Penalty
        ``alpha`` (L2) and ``l1`` strengths.
    max_iter, max_fun : int
        Iterations and loss evaluations at most.
    tol : float
        ``gtol`` of L-BFGS-B.

    Examples
    --------
    >>> LbfgsSettings("squared_error", Penalty(1e-4, 0.0), 200, 15000, 1e-4).tol
    0.0001
    """

    loss: Any
    penalty: Penalty
    max_iter: int
    max_fun: int
    tol: float


class _Objective:
    """The penalised full-batch loss and its gradient, at a flat ``theta``."""

    def __init__(self, network, X, Y, sample_weight, settings):
        self.network, self.X, self.Y, self.sample_weight = network, X, Y, sample_weight
        self.settings = settings
        self.workspace = Workspace(network, X.shape[0])

    def __call__(self, theta):
        self.network.params[...] = theta
        rows = single_rows(self.X, self.Y, self.sample_weight)
        value = batch_gradient(
            self.network,
            rows,
            self.settings.loss,
            self.workspace,
            self.settings.penalty,
        )
        return value, self.workspace.grad.astype(np.float64)


def train_lbfgs(state, network, X, Y, sample_weight, settings, hooks=None):
    """Full-batch training with L-BFGS-B from :func:`scipy.optimize.minimize`.

    Sets ``state.n_iter_``, ``state.loss_`` and ``state.loss_curve_`` (the loss
    after each L-BFGS iteration, which scikit-learn does not record); each
    iteration is an "epoch" for the ``hooks``, and a callback's true return
    value stops the run. A run that stops on ``max_iter`` or ``max_fun`` warns
    with :class:`ConvergenceWarning`.
    """
    hooks = NoHooks() if hooks is None else hooks
    curve, stopped_by_callback = [], []

    def callback(intermediate_result):
        curve.append(float(intermediate_result.fun))
        network.params[...] = intermediate_result.x  # the iterate, for the hooks
        if hooks.epoch_end(curve[-1]):
            stopped_by_callback.append(len(curve))
            raise StopIteration
        hooks.epoch_begin()

    hooks.train_begin()
    hooks.epoch_begin()
    try:
        result = scipy.optimize.minimize(
            _Objective(network, X, Y, sample_weight, settings),
            network.params.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=callback,
            options={
                "maxfun": settings.max_fun,
                "maxiter": settings.max_iter,
                "gtol": settings.tol,
            },
        )
        network.params[...] = result.x
    finally:
        hooks.train_end()
    if result.status != 0 and not stopped_by_callback:
        warnings.warn(
            f"lbfgs failed to converge after {result.nit} iterations "
            f"(status={result.status}): {result.message}. Increase max_iter or "
            "max_fun, or scale the data (e.g. StandardScaler).",
            ConvergenceWarning,
        )
    state.n_iter_ = min(int(result.nit), settings.max_iter)
    state.loss_ = float(result.fun)
    state.loss_curve_ = curve
