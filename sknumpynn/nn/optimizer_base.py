"""What every optimizer shares: flat state buffers, hyperparameters, stacking.

An optimizer updates the flat parameter vector of a
:class:`~sknumpynn.nn.Network` in place. Its state is a few vectors shaped like
the parameters (:attr:`Optimizer.buffers`) and its hyperparameters
(:attr:`Optimizer.hyperparameters`) are floats. For a stack of models the
parameters have a leading model axis, the buffers too, and a hyperparameter
that differs between models is a column of shape ``(n_models, 1)``: the update
rules in :mod:`sknumpynn.nn.optimizers` are written once and broadcast over it.
"""

import copy
import math

import numpy as np


def sqrt(value):
    """Square root of a float (``math``) or of per-model columns (NumPy)."""
    return math.sqrt(value) if type(value) is float else np.sqrt(value)


def power(base, exponent):
    """``base ** exponent`` with Python's pow, also for per-model columns
    (NumPy's power may differ from it by an ulp, and a stacked model must
    follow its own fit's arithmetic exactly)."""
    if type(base) is float:
        return base**exponent
    return np.array([[float(b) ** exponent] for b in np.ravel(base)])


def hyperparameter(value):
    """A float, or (per model of a stack) a float64 column."""
    return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=float)


def nonzero(value):
    """Whether a float, or any entry of a per-model column, is non-zero."""
    return bool(value) if type(value) is float else bool(np.any(value))


class Optimizer:
    """Base class: state handling and the epoch hooks of the update rules.

    Parameters
    ----------
    n_params : int or tuple of int
        Size (or shape, with a model axis) of the parameter vector.
    dtype : dtype
        Dtype of the parameters.
    learning_rate_init : float
        :math:`\\eta_0`; :attr:`learning_rate` starts there.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import Adam
    >>> stacked = Adam.stack([Adam(3, np.float64, 0.1), Adam(3, np.float64, 0.2)])
    >>> stacked.learning_rate.ravel().tolist(), stacked.model(1).learning_rate
    ([0.1, 0.2], 0.2)
    """

    #: Names of the state vectors shaped like the parameters.
    buffers = ()
    #: Names of the hyperparameters that may differ between stacked models.
    hyperparameters = ("learning_rate_init", "learning_rate")
    #: What ``repr`` shows.
    shown = ("learning_rate",)

    def __init__(self, n_params, dtype, learning_rate_init):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grad):
        """Update ``params`` in place from the gradient ``grad``.

        Parameters
        ----------
        params : ndarray of shape (n_params,) or (n_models, n_params)
            The flat parameter vector, updated in place.
        grad : ndarray of the same shape
            Its gradient.
        """
        raise NotImplementedError

    def __repr__(self):
        shown = ", ".join(f"{name}={self._describe(name)}" for name in self.shown)
        return f"{type(self).__name__}({shown})"

    def _step_by_root(self, params, grad, accumulated):
        """``params -= eta g / (sqrt(accumulated) + eps)`` (RMSprop, Adagrad)."""
        tmp = self._scratch
        np.sqrt(accumulated, out=tmp)
        tmp += self._factor(self.epsilon)
        np.divide(grad, tmp, out=tmp)
        tmp *= self._factor(self.learning_rate)
        params -= tmp

    def _factor(self, value):
        """A hyperparameter as an operand: a float, or a column in the dtype
        of the parameters (what a float becomes under NumPy 2's promotion)."""
        if type(value) is float:
            return value
        if np.ndim(value) == 0:
            return float(value)
        return value.astype(self._scratch.dtype, copy=False)

    def iteration_ends(self, time_step):
        """Epoch-end hook (scikit-learn's name); nothing to do by default.

        Parameters
        ----------
        time_step : int
            Training samples seen so far.
        """

    def trigger_stopping(self, msg, verbose, model=None):
        """Training stalled: stop.

        Parameters
        ----------
        msg : str
            What stalled, printed when ``verbose``.
        verbose : bool
        model : int, default=None
            Which model of a stack stalled.

        Returns
        -------
        stop : bool
            True, unless the optimizer reacts otherwise (SGD's 'adaptive'
            schedule divides its rate by 5 and goes on).
        """
        stop = self._on_stall(msg, verbose, model)
        if stop is not False and verbose and stop is not None:
            print(msg + " Stopping.")
        return stop is not False

    def _on_stall(self, msg, verbose, model):
        """True: stop; False: go on; None: stop, already said why."""
        return True

    # -- a stack of models ---------------------------------------------------
    @classmethod
    def stack(cls, optimizers):
        """One optimizer stepping a stack of models, from one per model.

        Parameters
        ----------
        optimizers : list of Optimizer
            Same class and settings but for :attr:`hyperparameters`; no model
            axis; the same step count.

        Returns
        -------
        Optimizer
        """
        stacked = copy.copy(optimizers[0])
        for name in cls.buffers:
            setattr(stacked, name, np.stack([getattr(o, name) for o in optimizers]))
        for name in cls.hyperparameters:
            values = [getattr(o, name) for o in optimizers]
            if any(v != values[0] for v in values):
                setattr(stacked, name, np.array(values, dtype=float).reshape(-1, 1))
        stacked._scratch = np.empty(
            (len(optimizers),) + optimizers[0]._scratch.shape,
            optimizers[0]._scratch.dtype,
        )
        return stacked

    def _select(self, models, squeeze):
        """A copy holding the given rows of every buffer and hyperparameter."""
        chosen = copy.copy(self)
        for name in self.buffers + ("_scratch",):
            rows = getattr(self, name)[models]
            setattr(chosen, name, rows.copy() if squeeze else rows)
        for name in self.hyperparameters:
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                value = float(value[models, 0]) if squeeze else value[models]
            setattr(chosen, name, value)
        return chosen

    def model(self, k):
        """The optimizer of model ``k`` of a stack, as a single fit has it.

        Parameters
        ----------
        k : int

        Returns
        -------
        Optimizer
        """
        return self._select(k, squeeze=True)

    def take(self, models):
        """An optimizer of the given models of a stack (state copied).

        Parameters
        ----------
        models : ndarray of int

        Returns
        -------
        Optimizer
        """
        return self._select(np.asarray(models), squeeze=False)

    def set_hyperparameter(self, name, model, value):
        """Set one model's value of a hyperparameter (a column from then on).

        Parameters
        ----------
        name : str
            One of :attr:`hyperparameters`.
        model : int or None
            The model of a stack; None without a model axis.
        value : float
        """
        if model is None:
            setattr(self, name, value)
            return
        current = getattr(self, name)
        if not isinstance(current, np.ndarray):
            current = np.full((self._scratch.shape[0], 1), float(current))
        current[model, 0] = value
        setattr(self, name, current)

    def _describe(self, name):
        value = getattr(self, name)
        if isinstance(value, np.ndarray):
            return "[" + ", ".join(f"{v:g}" for v in value.ravel()) + "]"
        return f"{value:g}" if type(value) is float else repr(value)
