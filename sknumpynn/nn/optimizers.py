r"""Stochastic optimizers that update a flat parameter vector in place.

Each optimizer keeps its state in vectors shaped like the parameters and takes
a step with a handful of whole-vector in-place operations into one scratch
buffer, so a step allocates nothing. :class:`SGD` and :class:`Adam` follow
scikit-learn's update rules and schedules exactly, so the same gradients give
the same parameters; :class:`RMSprop`, :class:`Adagrad` and :class:`AdamW`
complete the set. Every optimizer's ``learning_rate`` is its current base
rate :math:`\eta`, which an epoch schedule (:mod:`sknumpynn.nn.schedules`)
may set between epochs. State, stacking and hyperparameters live in
:mod:`sknumpynn.nn.optimizer_base`; each ``step`` below is its formula, and
works unchanged on a stack of models whose hyperparameters are columns.
"""

import numpy as np

from sknumpynn._utils.docstrings import fill_doc
from sknumpynn.nn.optimizer_base import Optimizer, hyperparameter, nonzero, power, sqrt


@fill_doc
class SGD(Optimizer):
    r"""Stochastic gradient descent with momentum and Nesterov's momentum.

    With learning rate :math:`\eta` and momentum :math:`\mu`:

    .. math::

        v &\leftarrow \mu v - \eta g, \\
        \theta &\leftarrow \theta + v
        \quad\text{or, with Nesterov,}\quad
        \theta \leftarrow \theta + \mu v - \eta g.

    Parameters
    ----------
    {optimizer}
    learning_rate_init : float, default=0.1
    lr_schedule : {'constant', 'invscaling', 'adaptive'}, default='constant'
        ``invscaling`` sets :math:`\eta_t = \eta_0 / (t + 1)^{p}` after each
        epoch, with ``t`` the number of samples seen. ``adaptive`` divides
        :math:`\eta` by 5 each time training stalls, instead of stopping.
    momentum : float, default=0.9
    nesterov : bool, default=True
    power_t : float, default=0.5

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import SGD
    >>> params, grad = np.ones(3), np.array([1.0, 0.0, -1.0])
    >>> opt = SGD(3, np.float64, learning_rate_init=0.1, momentum=0.0)
    >>> opt.step(params, grad)
    >>> params
    array([0.9, 1. , 1.1])
    """

    buffers = ("velocity",)
    hyperparameters = Optimizer.hyperparameters + ("momentum", "power_t")
    shown = ("learning_rate", "momentum", "nesterov", "lr_schedule")

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
        super().__init__(n_params, dtype, learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros(n_params, dtype=dtype)

    def step(self, params, grad):
        # v <- mu v - eta g;  theta <- theta + v  (Nesterov: + mu v - eta g)
        v, scaled_grad = self.velocity, self._scratch
        momentum = self._factor(self.momentum)
        np.multiply(grad, self._factor(self.learning_rate), out=scaled_grad)
        v *= momentum
        v -= scaled_grad
        if self.nesterov:
            params -= scaled_grad
            np.multiply(v, momentum, out=scaled_grad)
            params += scaled_grad
        else:
            params += v

    def iteration_ends(self, time_step):
        """Epoch-end hook: apply the ``invscaling`` schedule.

        Parameters
        ----------
        time_step : int
            Training samples seen so far, :math:`t`.
        """
        if self.lr_schedule == "invscaling":  # eta_t = eta_0 / (t + 1)^p
            # Python's pow, model by model: NumPy's power can differ by an ulp.
            pairs = np.broadcast(self.learning_rate_init, self.power_t)
            rates = [float(eta) / (time_step + 1) ** float(p) for eta, p in pairs]
            self.learning_rate = hyperparameter(np.reshape(rates, pairs.shape))

    def _on_stall(self, msg, verbose, model):
        # 'adaptive': divide the rate by 5 and go on, down to 1e-6.
        if self.lr_schedule != "adaptive":
            return True
        rate = self.learning_rate
        rate = float(rate if np.ndim(rate) == 0 else rate[model, 0])
        if rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return None
        self.set_hyperparameter("learning_rate", model, rate / 5.0)
        if verbose:
            print(msg + f" Setting learning rate to {rate / 5.0:f}")
        return False


@fill_doc
class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2014), with bias correction folded into the rate.

    .. math::

        m &\leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \\
        \eta_t &= \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}, \qquad
        \theta \leftarrow \theta - \eta_t \frac{m}{\sqrt{v} + \epsilon}.

    Two passes over the parameters cheaper, the moments are stored as
    :math:`M = m / (1 - \beta_1)`, :math:`V = v / (1 - \beta_2)`
    (:attr:`m`, :attr:`v` give the textbook ones), and the same update reads
    :math:`\theta \leftarrow \theta - \eta_t \frac{1 - \beta_1}{r}
    \frac{M}{\sqrt{V} + \epsilon / r}`, :math:`r = \sqrt{1 - \beta_2}`.

    Parameters
    ----------
    {optimizer}
    learning_rate_init : float, default=0.001
    beta_1, beta_2 : float, default=0.9, 0.999
    epsilon : float, default=1e-8

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import Adam
    >>> params = np.zeros(2)
    >>> opt = Adam(2, np.float64, learning_rate_init=0.01)
    >>> opt.step(params, np.array([3.0, -0.5]))  # first step: lr * sign(g)
    >>> params.round(6)
    array([-0.01,  0.01])
    """

    buffers = ("_M", "_V")
    hyperparameters = Optimizer.hyperparameters + ("beta_1", "beta_2", "epsilon")
    shown = ("learning_rate", "beta_1", "beta_2", "epsilon", "t")

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
    ):
        super().__init__(n_params, dtype, learning_rate_init)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self._M = np.zeros(n_params, dtype=dtype)
        self._V = np.zeros(n_params, dtype=dtype)

    @property
    def m(self):
        """First-moment estimate :math:`m` (a copy)."""
        return self._M * (1 - self.beta_1)

    @property
    def v(self):
        """Second-moment estimate :math:`v` (a copy)."""
        return self._V * (1 - self.beta_2)

    def step(self, params, grad):
        # M <- b1 M + g;  V <- b2 V + g^2;  theta <- theta - eta_t (1 - b1) / r
        #   * M / (sqrt(V) + eps / r), with r = sqrt(1 - b2) (class docstring)
        self.t += 1
        beta_1, beta_2 = self.beta_1, self.beta_2
        M, V, tmp = self._M, self._V, self._scratch
        M *= self._factor(beta_1)
        M += grad
        V *= self._factor(beta_2)
        np.square(grad, out=tmp)
        V += tmp
        t = self.t
        rate = self.learning_rate * sqrt(1 - power(beta_2, t)) / (1 - power(beta_1, t))
        root = sqrt(1 - beta_2)
        np.sqrt(V, out=tmp)
        tmp += self._factor(self.epsilon / root)
        np.divide(M, tmp, out=tmp)
        tmp *= self._factor(rate * (1 - beta_1) / root)
        params -= tmp


@fill_doc
class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Before each Adam step the weights (not the biases) shrink by
    :math:`\eta \lambda`, independently of the gradient:

    .. math:: W \leftarrow (1 - \eta \lambda) W, \qquad
        \theta \leftarrow \text{Adam}(\theta, g).

    Unlike an L2 term in the loss (``alpha``), the decay is not rescaled by
    Adam's per-parameter step sizes.

    Parameters
    ----------
    {optimizer}
    learning_rate_init : float, default=0.001
    beta_1, beta_2 : float, default=0.9, 0.999
    epsilon : float, default=1e-8
    weight_decay : float, default=0.01
        :math:`\lambda`.
    n_decayed : int, default=None
        The first ``n_decayed`` parameters (the weights, in the flat layout)
        decay; None decays all.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import AdamW
    >>> params = np.ones(3)
    >>> opt = AdamW(3, np.float64, learning_rate_init=0.1, weight_decay=0.5,
    ...             n_decayed=2)
    >>> opt.step(params, np.zeros(3))  # no gradient: only the decay acts
    >>> params
    array([0.95, 0.95, 1.  ])
    """

    hyperparameters = Adam.hyperparameters + ("weight_decay",)

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        weight_decay=0.01,
        n_decayed=None,
    ):
        super().__init__(n_params, dtype, learning_rate_init, beta_1, beta_2, epsilon)
        self.weight_decay = float(weight_decay)
        self.n_decayed = n_params if n_decayed is None else n_decayed

    def step(self, params, grad):
        # W <- (1 - eta lambda) W, then an Adam step.
        if nonzero(self.weight_decay):
            shrink = self._factor(1.0 - self.learning_rate * self.weight_decay)
            params[..., : self.n_decayed] *= shrink
        super().step(params, grad)


@fill_doc
class RMSprop(Optimizer):
    r"""RMSprop (Tieleman & Hinton, 2012).

    .. math::

        v \leftarrow \rho v + (1 - \rho) g^2, \qquad
        \theta \leftarrow \theta - \eta \frac{g}{\sqrt{v} + \epsilon}.

    Parameters
    ----------
    {optimizer}
    learning_rate_init : float, default=0.001
    rho : float, default=0.9
        Decay of the squared-gradient average.
    epsilon : float, default=1e-8

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import RMSprop
    >>> opt, params = RMSprop(2, np.float64, 0.01, rho=0.75), np.zeros(2)
    >>> opt.step(params, np.array([2.0, -2.0]))  # g / sqrt((1 - rho) g^2)
    >>> params.round(6)
    array([-0.02,  0.02])
    """

    buffers = ("v",)
    hyperparameters = Optimizer.hyperparameters + ("rho", "epsilon")
    shown = ("learning_rate", "rho", "epsilon")

    def __init__(
        self, n_params, dtype, learning_rate_init=0.001, rho=0.9, epsilon=1e-8
    ):
        super().__init__(n_params, dtype, learning_rate_init)
        self.rho, self.epsilon = float(rho), float(epsilon)
        self.v = np.zeros(n_params, dtype=dtype)

    def step(self, params, grad):
        # v <- rho v + (1 - rho) g^2;  theta <- theta - eta g / (sqrt(v) + eps)
        v, tmp = self.v, self._scratch
        v *= self._factor(self.rho)
        np.square(grad, out=tmp)
        tmp *= self._factor(1.0 - self.rho)
        v += tmp
        self._step_by_root(params, grad, v)


@fill_doc
class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan & Singer, 2011).

    .. math::

        G \leftarrow G + g^2, \qquad
        \theta \leftarrow \theta - \eta \frac{g}{\sqrt{G} + \epsilon}.

    Parameters
    ----------
    {optimizer}
    learning_rate_init : float, default=0.01
    epsilon : float, default=1e-8

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import Adagrad
    >>> opt, params = Adagrad(2, np.float64, learning_rate_init=0.1), np.zeros(2)
    >>> opt.step(params, np.array([4.0, -1.0]))  # g / sqrt(g^2) = sign(g)
    >>> params.round(6)
    array([-0.1,  0.1])
    """

    buffers = ("G",)
    hyperparameters = Optimizer.hyperparameters + ("epsilon",)
    shown = ("learning_rate", "epsilon")

    def __init__(self, n_params, dtype, learning_rate_init=0.01, epsilon=1e-8):
        super().__init__(n_params, dtype, learning_rate_init)
        self.epsilon = float(epsilon)
        self.G = np.zeros(n_params, dtype=dtype)

    def step(self, params, grad):
        # G <- G + g^2;  theta <- theta - eta g / (sqrt(G) + eps)
        G, tmp = self.G, self._scratch
        np.square(grad, out=tmp)
        G += tmp
        self._step_by_root(params, grad, G)
