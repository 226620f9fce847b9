"""Training curves in scikit-learn's Display style (matplotlib, imported lazily)."""

import numpy as np

from sknumpynn._utils.optional import import_optional

__all__ = ["LossCurveDisplay"]


def _import_pyplot():
    return import_optional("matplotlib.pyplot", "plot", "LossCurveDisplay")


class LossCurveDisplay:
    """Training and validation loss (and validation score) per epoch.

    Build it with :meth:`from_estimator`, which reads a fitted sknumpynn
    estimator's ``history_`` (or a scikit-learn MLP's ``loss_curve_`` and
    ``validation_scores_``), then call :meth:`plot`. The loss goes on the left
    axes; when a validation score exists it gets a second axes on the right.

    Parameters
    ----------
    loss : array-like of shape (n_epochs,)
        Training loss per epoch.
    val_loss : array-like of shape (n_epochs,), default=None
        Validation loss per epoch.
    val_score : array-like of shape (n_epochs,), default=None
        Validation score per epoch.
    estimator_name : str, default=None
        Used in the legend.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The loss axes.
    score_ax_ : matplotlib Axes or None
        The validation-score axes.
    figure_ : matplotlib Figure
    lines_ : dict of str to matplotlib Line2D
        The plotted curves, by the keys ``'loss'``, ``'val_loss'``,
        ``'val_score'``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.plotting import LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = NumpyMLPClassifier(max_iter=30, early_stopping=True,
    ...                          random_state=0).fit(X, y)
    >>> display = LossCurveDisplay.from_estimator(clf)
    >>> sorted(display.lines_)
    ['loss', 'val_loss', 'val_score']
    """

    def __init__(self, *, loss, val_loss=None, val_score=None, estimator_name=None):
        self.loss = loss
        self.val_loss = val_loss
        self.val_score = val_score
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, **kwargs):
        """Plot the curves recorded by a fitted MLP.

        Parameters
        ----------
        estimator : fitted NumpyMLPClassifier, NumpyMLPRegressor, a deep
            ensemble of :mod:`sknumpynn.ensemble` (the members' mean training
            loss and the ensemble's validation loss and score) or a
            scikit-learn ``MLPClassifier``/``MLPRegressor`` (a ``Pipeline``
            ending in one works too).
        ax : matplotlib Axes, default=None
            Axes for the loss; a new figure when None.
        name : str, default=None
            Legend label; the estimator's class name when None.
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : LossCurveDisplay
        """
        if hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        history = getattr(estimator, "history_", None)
        if history:
            loss = [h["loss"] for h in history]
            val_loss = [h["val_loss"] for h in history]
            val_score = [h["val_score"] for h in history]
        elif getattr(estimator, "loss_curve_", None) is not None:
            loss = list(estimator.loss_curve_)
            val_loss = None
            val_score = getattr(estimator, "validation_scores_", None)
        else:
            raise ValueError(
                f"{type(estimator).__name__} has no loss curve: fit it first (with "
                "solver 'sgd', 'adam' or, for sknumpynn, any solver)."
            )
        display = cls(
            loss=loss,
            val_loss=_none_if_empty(val_loss),
            val_score=_none_if_empty(val_score),
            estimator_name=name or type(estimator).__name__,
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, name=None, score_ax=None, **line_kwargs):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes for the losses; a new figure when None.
        name : str, default=None
            Legend label prefix; ``estimator_name`` when None.
        score_ax : matplotlib Axes, default=None
            Axes for the validation score; a twin of ``ax`` when None.
        **line_kwargs
            Passed to every ``Axes.plot`` call (e.g. ``color``).

        Returns
        -------
        display : LossCurveDisplay
            Itself, with ``ax_``, ``score_ax_``, ``figure_`` and ``lines_``.
        """
        plt = _import_pyplot()
        if ax is None:
            _, ax = plt.subplots()
        name = name or self.estimator_name or ""
        label = f"{name} " if name else ""
        epochs = np.arange(1, len(self.loss) + 1)
        self.lines_ = {}
        (self.lines_["loss"],) = ax.plot(
            epochs, self.loss, label=f"{label}training loss", **line_kwargs
        )
        color = self.lines_["loss"].get_color()
        line_kwargs = {**line_kwargs, "color": color}
        if self.val_loss is not None:
            (self.lines_["val_loss"],) = ax.plot(
                epochs,
                self.val_loss,
                label=f"{label}validation loss",
                **{**line_kwargs, "linestyle": "--"},
            )
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        self.score_ax_ = None
        if self.val_score is not None:
            self.score_ax_ = score_ax if score_ax is not None else ax.twinx()
            (self.lines_["val_score"],) = self.score_ax_.plot(
                epochs,
                self.val_score,
                label=f"{label}validation score",
                **{**line_kwargs, "linestyle": ":"},
            )
            self.score_ax_.set_ylabel("validation score")
        handles = [line for line in self.lines_.values()]
        ax.legend(handles=handles, labels=[h.get_label() for h in handles])
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _none_if_empty(values):
    if values is None or all(v is None for v in values):
        return None
    return list(values)
