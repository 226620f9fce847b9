r"""Stochastic optimizers that update a flat parameter vector in place.

Each optimizer keeps its state in vectors shaped like the parameters and takes
a step with a handful of whole-vector in-place operations into one scratch
buffer, so a step allocates nothing. The update rules and the learning-rate
schedules are scikit-learn's, so the same gradients give the same parameters.
"""

import math

import numpy as np


class SGD:
    r"""Stochastic gradient descent with momentum and Nesterov's momentum.

    With learning rate :math:`\eta` and momentum :math:`\mu`:

    .. math::

        v &\leftarrow \mu v - \eta g, \\
        \theta &\leftarrow \theta + v
        \quad\text{or, with Nesterov,}\quad
        \theta \leftarrow \theta + \mu v - \eta g.

    Parameters
    ----------
    n_params : int
        Size of the parameter vector.
    dtype : dtype
        Dtype of the parameters.
    learning_rate_init : float, default=0.1
    lr_schedule : {'constant', 'invscaling', 'adaptive'}, default='constant'
        ``invscaling`` sets :math:`\eta_t = \eta_0 / (t + 1)^{p}` after each
        epoch, with ``t`` the number of samples seen. ``adaptive`` divides
        :math:`\eta` by 5 each time training stalls, instead of stopping.
    momentum : float, default=0.9
    nesterov : bool, default=True
    power_t : float, default=0.5
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.1,
        lr_schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)

    def __repr__(self):
        return (
            f"SGD(learning_rate={self.learning_rate:g}, momentum={self.momentum}, "
            f"nesterov={self.nesterov}, schedule={self.lr_schedule!r})"
        )

    def step(self, params, grad):
        """Update ``params`` in place from the gradient ``grad``."""
        v, scaled_grad = self.velocity, self._scratch
        np.multiply(grad, float(self.learning_rate), out=scaled_grad)
        v *= float(self.momentum)
        v -= scaled_grad
        if self.nesterov:
            params -= scaled_grad
            scaled_grad[...] = v
            scaled_grad *= float(self.momentum)
            params += scaled_grad
        else:
            params += v

    def iteration_ends(self, time_step):
        """Epoch-end hook: apply the ``invscaling`` schedule."""
        if self.lr_schedule == "invscaling":
            self.learning_rate = (
                float(self.learning_rate_init) / (time_step + 1) ** self.power_t
            )

    def trigger_stopping(self, msg, verbose):
        """Training stalled: stop, or for ``adaptive`` divide the rate by 5.

        Returns
        -------
        stop : bool
        """
        if self.lr_schedule != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + f" Setting learning rate to {self.learning_rate:f}")
        return False


class Adam:
    r"""Adam (Kingma & Ba, 2014), with bias correction folded into the rate.

    .. math::

        m &\leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \\
        \eta_t &= \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}, \qquad
        \theta \leftarrow \theta - \eta_t \frac{m}{\sqrt{v} + \epsilon}.

    To save two of the twelve passes over the parameters that a step costs
    in NumPy, the moments are stored unnormalised,
    :math:`M = m / (1 - \beta_1)` and :math:`V = v / (1 - \beta_2)`, so that
    :math:`M \leftarrow \beta_1 M + g` and
    :math:`V \leftarrow \beta_2 V + g^2`, and the constants move into the
    step:

    .. math:: \theta \leftarrow \theta - \eta_t
        \frac{1 - \beta_1}{\sqrt{1 - \beta_2}}
        \frac{M}{\sqrt{V} + \epsilon / \sqrt{1 - \beta_2}},

    which is the same update. :attr:`m` and :attr:`v` give the textbook
    moments.

    Parameters
    ----------
    n_params : int
    dtype : dtype
    learning_rate_init : float, default=0.001
    beta_1, beta_2 : float, default=0.9, 0.999
    epsilon : float, default=1e-8
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self._M = np.zeros(n_params, dtype=dtype)
        self._V = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)

    def __repr__(self):
        return (
            f"Adam(learning_rate={self.learning_rate_init:g}, beta_1={self.beta_1}, "
            f"beta_2={self.beta_2}, epsilon={self.epsilon:g}, t={self.t})"
        )

    @property
    def m(self):
        """First-moment estimate :math:`m` (a copy)."""
        return self._M * (1 - self.beta_1)

    @property
    def v(self):
        """Second-moment estimate :math:`v` (a copy)."""
        return self._V * (1 - self.beta_2)

    def step(self, params, grad):
        """Update ``params`` in place from the gradient ``grad``."""
        self.t += 1
        M, V, tmp = self._M, self._V, self._scratch
        M *= self.beta_1
        M += grad
        V *= self.beta_2
        np.square(grad, out=tmp)
        V += tmp
        # Python floats, not NumPy float64 scalars: under NumPy 2's promotion
        # rules a float64 scalar would turn every float32 pass into a cast.
        self.learning_rate = float(
            self.learning_rate_init
            * math.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        root = math.sqrt(1 - self.beta_2)
        np.sqrt(V, out=tmp)
        tmp += self.epsilon / root
        np.divide(M, tmp, out=tmp)
        tmp *= self.learning_rate * (1 - self.beta_1) / root
        params -= tmp

    def iteration_ends(self, time_step):
        """Epoch-end hook: Adam has no schedule."""

    def trigger_stopping(self, msg, verbose):
        """Training stalled: Adam always stops."""
        if verbose:
            print(msg + " Stopping.")
        return True
