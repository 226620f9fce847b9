r"""Epoch learning-rate schedules for every stochastic optimizer.

A schedule maps the number of completed epochs :math:`e` to the base learning
rate of the next epoch, from the initial rate :math:`\eta_0`. The training
loop sets the optimizer's ``learning_rate`` from it before the first epoch
and after each epoch (:func:`next_rate`). These are the ``'cosine'``,
``'step'``, ``'warmup'`` and ``'plateau'`` values of the estimators'
``learning_rate`` parameter; scikit-learn's own ``'constant'``,
``'invscaling'`` and ``'adaptive'`` live in :class:`~sknumpynn.nn.SGD`, as in
scikit-learn. Pass an instance to the estimators to set a schedule's own
parameters, or to compose them (:class:`LinearWarmup` ``after=`` another
schedule, :class:`ReduceLROnPlateau` ``base=`` another schedule).

A schedule object is never modified by training: what a stateful schedule
(:class:`ReduceLROnPlateau`) remembers lives in the ``memory`` dict the loop
keeps per model, so one schedule serves every model of a stack and every
clone of an estimator.
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

    def next_rate(self, learning_rate_init, epoch, max_iter, memory, metric):
        """The rate of the next epoch, for schedules that watch training.

        The training loop calls this; the default is ``self(...)``, so a
        schedule that only counts epochs needs only ``__call__``.

        Parameters
        ----------
        learning_rate_init, epoch, max_iter
            As for ``__call__``.
        memory : dict
            This model's state of the schedule (empty at the start of a
            fit; kept across ``partial_fit`` calls).
        metric : float or None
            The monitored value of the epoch just completed, lower is
            better: the training loss, or with early stopping the
            validation loss (``monitor='val_loss'``) or the negated
            validation score. None before the first epoch.

        Returns
        -------
        float
        """
        return self(learning_rate_init, epoch, max_iter)


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


class LinearWarmup(EpochSchedule):
    r"""Linear warmup over the first epochs, then another schedule.

    .. math:: \eta_e = \eta_0 \left(f + (1 - f) \frac{e}{W}\right)
        \quad (e < W), \qquad
        \eta_e = \text{after}(\eta_0, e - W, \text{max\_iter} - W)
        \quad (e \ge W)

    (PyTorch's ``LinearLR`` followed by ``SequentialLR``; Keras's
    ``warmup_steps``, per epoch.) The first epoch runs at
    :math:`f \eta_0`.

    Parameters
    ----------
    warmup_epochs : int, default=5
        :math:`W`, the epochs of warmup.
    start_factor : float, default=0.1
        :math:`f \in (0, 1]`, the fraction of :math:`\eta_0` of the first
        epoch.
    after : schedule, default=None
        What follows the warmup, counted from its end (so a
        :class:`CosineAnnealing` anneals over ``max_iter - W`` epochs);
        None keeps :math:`\eta_0`.

    Examples
    --------
    >>> schedule = LinearWarmup(warmup_epochs=4, start_factor=0.2)
    >>> [round(schedule(1.0, e, max_iter=10), 2) for e in range(6)]
    [0.2, 0.4, 0.6, 0.8, 1.0, 1.0]
    >>> schedule = LinearWarmup(2, start_factor=0.5, after=CosineAnnealing())
    >>> [round(schedule(1.0, e, max_iter=6), 2) for e in range(7)]
    [0.5, 0.75, 1.0, 0.85, 0.5, 0.15, 0.0]
    """

    def __init__(self, warmup_epochs=5, start_factor=0.1, after=None):
        self.warmup_epochs = warmup_epochs
        self.start_factor = start_factor
        self.after = after

    def _check(self):
        if not (isinstance(self.warmup_epochs, int) and self.warmup_epochs >= 1):
            raise ValueError(
                f"warmup_epochs must be a positive int, got {self.warmup_epochs!r}."
            )
        if not 0 < self.start_factor <= 1:
            raise ValueError(
                f"start_factor must be in (0, 1], got {self.start_factor!r}."
            )

    def __call__(self, learning_rate_init, epoch, max_iter):
        return self.next_rate(learning_rate_init, epoch, max_iter, {}, None)

    def next_rate(self, learning_rate_init, epoch, max_iter, memory, metric):
        self._check()
        W, f = self.warmup_epochs, self.start_factor
        if epoch < W:
            return float(learning_rate_init * (f + (1 - f) * epoch / W))
        if self.after is None:
            return float(learning_rate_init)
        # The schedule after the warmup sees only its own epochs and metrics.
        inner = memory.setdefault("after", {})
        remaining = max(1, max_iter - W)
        metric = metric if epoch > W else None  # the warmup's last epoch
        return next_rate(
            self.after, learning_rate_init, epoch - W, remaining, inner, metric
        )


class ReduceLROnPlateau(EpochSchedule):
    r"""Multiply the rate by ``factor`` when the monitored value stalls.

    Keras's and PyTorch's ``ReduceLROnPlateau``, for every stochastic solver:
    after each epoch the monitored value :math:`m_e` (lower is better: the
    training loss, or with early stopping the validation loss or negated
    score, as ``monitor`` says) is compared with the best so far; after
    ``patience`` epochs without an improvement of more than ``min_delta``
    the scale :math:`s` is multiplied by ``factor``,

    .. math:: \eta_e = \max\left(\text{min\_lr},\;
        s_e \, \text{base}(\eta_0, e)\right),

    then ``cooldown`` epochs pass before counting stalls again.

    Parameters
    ----------
    factor : float, default=0.1
        Multiplier of each reduction, in (0, 1).
    patience : int, default=10
        Epochs without improvement before a reduction.
    min_lr : float, default=0.0
        Lower bound of the rate.
    min_delta : float, default=1e-4
        Improvements smaller than this do not count.
    cooldown : int, default=0
        Epochs after a reduction during which stalls are not counted.
    base : schedule, default=None
        The schedule the scale multiplies (e.g. :class:`CosineAnnealing`);
        None is the constant :math:`\eta_0`.

    Examples
    --------
    >>> schedule, memory = ReduceLROnPlateau(factor=0.5, patience=2), {}
    >>> [schedule.next_rate(1.0, e, 100, memory, m)
    ...  for e, m in enumerate([3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0])]
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(
        self, factor=0.1, patience=10, min_lr=0.0, min_delta=1e-4, cooldown=0, base=None
    ):
        self.factor = factor
        self.patience = patience
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.base = base

    def __call__(self, learning_rate_init, epoch, max_iter):
        return self.next_rate(learning_rate_init, epoch, max_iter, {}, None)

    def next_rate(self, learning_rate_init, epoch, max_iter, memory, metric):
        if not 0 < self.factor < 1:
            raise ValueError(f"factor must be in (0, 1), got {self.factor!r}.")
        base_rate = learning_rate_init
        if self.base is not None:
            inner = memory.setdefault("base", {})
            base_rate = next_rate(
                self.base, learning_rate_init, epoch, max_iter, inner, metric
            )
        if metric is not None and math.isfinite(metric):
            self._observe(memory, metric)
        return float(max(self.min_lr, memory.get("scale", 1.0) * base_rate))

    def _observe(self, memory, metric):
        """Keras's rule: best, wait and cooldown counters, then maybe reduce."""
        cooling = memory.get("cooldown", 0) > 0
        if cooling:
            memory["cooldown"] -= 1
            memory["wait"] = 0
        if metric < memory.get("best", math.inf) - self.min_delta:
            memory["best"], memory["wait"] = metric, 0
        elif not cooling:
            memory["wait"] = memory.get("wait", 0) + 1
            if memory["wait"] >= self.patience:
                memory["scale"] = memory.get("scale", 1.0) * self.factor
                memory["wait"], memory["cooldown"] = 0, self.cooldown


def next_rate(schedule, learning_rate_init, epoch, max_iter, memory, metric):
    """The rate ``schedule`` gives the next epoch: what the training loop calls.

    Parameters
    ----------
    schedule : EpochSchedule or callable
        A plain callable ``schedule(learning_rate_init, epoch, max_iter)``
        ignores ``memory`` and ``metric``.
    learning_rate_init, epoch, max_iter, memory, metric
        See :meth:`EpochSchedule.next_rate`.

    Returns
    -------
    float
    """
    method = getattr(schedule, "next_rate", None)
    if method is None:
        return schedule(learning_rate_init, epoch, max_iter)
    return method(learning_rate_init, epoch, max_iter, memory, metric)


#: The schedules by their ``learning_rate`` name.
SCHEDULES = {
    "cosine": CosineAnnealing,
    "step": StepDecay,
    "warmup": LinearWarmup,
    "plateau": ReduceLROnPlateau,
}


def get_schedule(learning_rate):
    """The epoch schedule for an estimator's ``learning_rate``, or None.

    ``'cosine'``, ``'step'``, ``'warmup'`` and ``'plateau'`` give the default
    :class:`CosineAnnealing`, :class:`StepDecay`, :class:`LinearWarmup` and
    :class:`ReduceLROnPlateau`; a schedule instance is returned as is;
    scikit-learn's names give None (SGD handles them itself).
    """
    if isinstance(learning_rate, str):
        return SCHEDULES[learning_rate]() if learning_rate in SCHEDULES else None
    return learning_rate
