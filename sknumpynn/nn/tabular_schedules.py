r"""RealMLP's schedules: the coslog4 learning rate and flat-cosine dropout.

With :math:`t \in [0, 1]` the fraction of training done,

.. math::

    \operatorname{coslog}_4(t) &= \tfrac12 \left(1 - \cos\left(2\pi
        \log_2(1 + 15 t)\right)\right), \\
    \operatorname{flatcos}(t) &= \begin{cases} 1 & t < \tfrac12 \\
        \tfrac12 \left(1 + \cos(2\pi t - \pi)\right) & t \ge \tfrac12
        \end{cases}

(pytabkit ``CoslogFunc(4)`` and ``'flat_cos'``): four warm-up-then-decay
cycles of growing length for the learning rate, ending at 0; dropout constant
for the first half, then annealed to 0.
"""

import math

import numpy as np

from sknumpynn.nn.dropout import Dropout
from sknumpynn.nn.schedules import EpochSchedule


def coslog4(t):
    r""":math:`\tfrac12 (1 - \cos(2\pi \log_2(1 + 15 t)))`."""
    return 0.5 * (1.0 - math.cos(2.0 * math.pi * math.log2(1.0 + 15.0 * t)))


def flat_cos(t):
    r"""1 for :math:`t < 1/2`, then :math:`\tfrac12(1 + \cos(2\pi t - \pi))`."""
    return 1.0 if t < 0.5 else 0.5 * (1.0 + math.cos(2.0 * math.pi * t - math.pi))


class CosLog4(EpochSchedule):
    r"""RealMLP's coslog4 learning rate, at each epoch's midpoint.

    .. math:: \eta_e = \eta_0 \operatorname{coslog}_4\left(\frac{e + 1/2}{T}\right)

    for epoch :math:`e = 0 .. T-1` of :math:`T` = ``max_iter`` epochs (pytabkit
    evaluates it every step; the engine's schedules act per epoch, so each
    epoch takes its midpoint's rate). The first epoch's rate is
    :meth:`first_rate`, which the optimizer starts with.

    Examples
    --------
    >>> schedule = CosLog4()
    >>> [round(schedule.first_rate(1.0, 4), 3)] + [
    ...     round(schedule(1.0, e, max_iter=4), 3) for e in range(1, 4)]
    [0.995, 0.569, 0.854, 0.287]
    """

    def first_rate(self, learning_rate_init, max_iter):
        """The rate of the first epoch."""
        return self(learning_rate_init, 0, max_iter)

    def __call__(self, learning_rate_init, epoch, max_iter):
        t = min(1.0, (epoch + 0.5) / max(1, max_iter))
        return float(learning_rate_init * coslog4(t))


class ScheduledDropout(Dropout):
    r"""Dropout whose rates follow :func:`flat_cos` over the training steps.

    Batch :math:`i` of :math:`N` = ``n_steps`` drops with probability
    :math:`p \operatorname{flatcos}(i / N)`.

    Parameters
    ----------
    rates, hidden_units, batch_size, dtype, rng
        As :class:`~sknumpynn.nn.Dropout`.
    n_steps : int
        Batches in the whole fit.

    Examples
    --------
    >>> import numpy as np
    >>> d = ScheduledDropout([0.5], [4], 2, np.float64, np.random.default_rng(0), 4)
    >>> [round(d.masks(2)[0][1], 3) for _ in range(4)]  # keep = 1 - p(t)
    [0.5, 0.5, 0.5, 0.75]
    """

    def __init__(self, rates, hidden_units, batch_size, dtype, rng, n_steps):
        super().__init__(rates, hidden_units, batch_size, dtype, rng)
        self.n_steps = max(1, int(n_steps))
        self.step = 0

    def batch_rates(self):
        """This batch's :math:`p \\operatorname{flatcos}(i / N)` per layer;
        counts the batch (alone or in a stack, ``stacked_masks``)."""
        factor = flat_cos(min(1.0, self.step / self.n_steps))
        self.step += 1
        return tuple(p * factor for p in self.rates)


def steps_per_epoch(n_train, batch_size):
    """Mini-batches in one epoch of ``n_train`` rows."""
    return int(np.ceil(n_train / batch_size))
