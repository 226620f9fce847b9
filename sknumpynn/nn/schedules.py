r"""Epoch learning-rate schedules for every stochastic optimizer.

A schedule maps the number of completed epochs :math:`e` to the base learning
rate of the next epoch, from the initial rate :math:`\eta_0`. The training
loop sets the optimizer's ``learning_rate`` from it after each epoch. These
are the ``'cosine'`` and ``'step'`` values of the estimators' ``learning_rate``
parameter; scikit-learn's own ``'constant'``, ``'invscaling'`` and
``'adaptive'`` live in :class:`~sknumpynn.nn.SGD`, as in scikit-learn. Pass an
instance to the estimators to set a schedule's own parameters.
"""

import math


class EpochSchedule:
    """Base class of the schedules: epochs completed to a learning rate.

    Subclass it (or pass any callable with this signature) as an estimator's
    ``learning_rate`` to define your own schedule.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.nn.schedules import EpochSchedule
    >>> class Halving(EpochSchedule):
    ...     def __call__(self, learning_rate_init, epoch, max_iter):
    ...         return learning_rate_init / 2**epoch
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = NumpyMLPClassifier(learning_rate=Halving(), learning_rate_init=0.04,
    ...                          max_iter=3).fit(X, y)
    >>> [h["learning_rate"] for h in clf.history_]
    [0.04, 0.02, 0.01]
    """

    def __repr__(self):
        """The class name and the constructor's arguments, as stored."""
        args = ", ".join(f"{name}={value!r}" for name, value in vars(self).items())
        return f"{type(self).__name__}({args})"

    def __call__(self, learning_rate_init, epoch, max_iter):
        """Learning rate after ``epoch`` completed epochs.

        Parameters
        ----------
        learning_rate_init : float
            :math:`\\eta_0`.
        epoch : int
            Epochs completed.
        max_iter : int
            The estimator's ``max_iter`` (for the defaults).

        Returns
        -------
        float
        """
        raise NotImplementedError


class CosineAnnealing(EpochSchedule):
    r"""Cosine annealing (Loshchilov & Hutter, 2017), without restarts.

    .. math:: \eta_e = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})
        \left(1 + \cos \frac{\pi \min(e, T)}{T}\right)

    Parameters
    ----------
    T_max : int, default=None
        Epochs to anneal over; None means the estimator's ``max_iter``. The
        rate stays at ``eta_min`` after that.
    eta_min : float, default=0.0
        Final learning rate.

    Examples
    --------
    >>> schedule = CosineAnnealing(T_max=4)
    >>> [round(schedule(0.1, e, max_iter=200), 4) for e in range(6)]
    [0.1, 0.0854, 0.05, 0.0146, 0.0, 0.0]
    """

    def __init__(self, T_max=None, eta_min=0.0):
        self.T_max = T_max
        self.eta_min = eta_min

    def __call__(self, learning_rate_init, epoch, max_iter):
        T = max(1, self.T_max or max_iter)
        cosine = 0.5 * (1 + math.cos(math.pi * min(epoch, T) / T))
        return float(self.eta_min + (learning_rate_init - self.eta_min) * cosine)


class StepDecay(EpochSchedule):
    r"""Multiply the rate by ``gamma`` every ``step_size`` epochs.

    .. math:: \eta_e = \eta_0 \, \gamma^{\lfloor e / k \rfloor}

    Parameters
    ----------
    step_size : int, default=None
        :math:`k`; None means a third of the estimator's ``max_iter``.
    gamma : float, default=0.1
        Factor applied at each step.

    Examples
    --------
    >>> schedule = StepDecay(step_size=2, gamma=0.5)
    >>> [schedule(1.0, e, max_iter=200) for e in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, step_size=None, gamma=0.1):
        self.step_size = step_size
        self.gamma = gamma

    def __call__(self, learning_rate_init, epoch, max_iter):
        step_size = self.step_size or max(1, max_iter // 3)
        return float(learning_rate_init * self.gamma ** (epoch // step_size))


#: The schedules by their ``learning_rate`` name.
SCHEDULES = {"cosine": CosineAnnealing, "step": StepDecay}


def get_schedule(learning_rate):
    """The epoch schedule for an estimator's ``learning_rate``, or None.

    ``'cosine'`` and ``'step'`` give the default :class:`CosineAnnealing` and
    :class:`StepDecay`; an instance of either is returned as is; scikit-learn's
    names give None (SGD handles them itself).
    """
    if isinstance(learning_rate, str):
        return SCHEDULES[learning_rate]() if learning_rate in SCHEDULES else None
    return learning_rate
