"""Full-batch training with L-BFGS-B, through :func:`scipy.optimize.minimize`."""

import warnings

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from sknumpynn._training.hooks import NoHooks
from sknumpynn.nn import Workspace


def train_lbfgs(
    state,
    network,
    X,
    Y,
    sample_weight=None,
    *,
    loss,
    alpha,
    max_iter,
    max_fun,
    tol,
    l1=0.0,
    hooks=None,
):
    """Full-batch training with L-BFGS-B from :func:`scipy.optimize.minimize`.

    Sets ``state.n_iter_``, ``state.loss_`` and ``state.loss_curve_`` (the loss
    after each L-BFGS iteration, which scikit-learn does not record); each
    iteration is an "epoch" for the ``hooks``, and a callback's true return
    value stops the run. A run that stops on ``max_iter`` or ``max_fun`` warns
    with :class:`ConvergenceWarning`.
    """
    hooks = NoHooks() if hooks is None else hooks
    workspace = Workspace(network, X.shape[0])

    def loss_and_grad(theta):
        network.params[...] = theta
        value = network.loss_and_gradient(
            X, Y, loss, alpha, workspace, sample_weight=sample_weight, l1=l1
        )
        return value, workspace.grad.astype(np.float64)

    curve = []
    stopped_by_callback = []

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
            loss_and_grad,
            network.params.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=callback,
            options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
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
    state.n_iter_ = min(int(result.nit), max_iter)
    state.loss_ = float(result.fun)
    state.loss_curve_ = curve
