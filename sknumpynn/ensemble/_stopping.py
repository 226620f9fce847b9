"""A deep ensemble's early stopping: one rule for every member of a stack.

:class:`EnsembleStopping` is the *stack rule* of
:class:`~sknumpynn._training.loop.Trainer`: after each epoch it averages the
members' outputs on the ensemble's validation split, scores that average, and
stops every member together once the ensemble stalls; at the end it puts back
every member's weights of the ensemble's best epoch. The per-model stall
rules of the members are overruled (a member never stops alone, except when
it diverges or at ``max_iter``), as in TabM (Gorishniy et al., ICLR 2025),
which early-stops its k members on their averaged prediction.
"""

import numpy as np

from sknumpynn._training.stopping import update_no_improvement

#: Validation rows per stacked forward pass (bounds its activations).
VALIDATION_CHUNK_ROWS = 2048


class EnsembleStopping:
    r"""Early stopping on the members' mean output, for a stack of members.

    Each epoch :math:`t` the ensemble's output on the validation rows is
    :math:`\bar P_t = \frac{1}{K} \sum_k P_{k,t}` (probabilities or
    predictions), scored by ``score(P, y, w)`` and judged by the estimator's
    rule (:func:`~sknumpynn._training.stopping.update_no_improvement`): it
    stops after more than ``n_iter_no_change`` epochs that improve the
    monitored value by less than ``tol``, and keeps the weights of the epoch
    with the best value.

    Parameters
    ----------
    validation : ValidationSet
        The ensemble's held-out rows (inputs in the members' dtype, encoded
        targets, the targets as ``score`` takes them, weights, ``score``).
    loss : Loss
        The members' loss, for the validation loss of :math:`\bar P_t`.
    tol : float
    n_iter_no_change : int or float
    monitor : {'val_score', 'val_loss'}
    verbose : bool, default=False
        Print one line per epoch.
    keep_last : bool, default=False
        Among epochs tied for the best value keep the last (the members'
        ``TrainingSettings.keep_last_best``); else the first.

    Attributes
    ----------
    history_ : list of dict
        Per epoch: ``epoch``, ``loss`` (the mean of the members' training
        losses), ``val_loss``, ``val_score``, ``n_members``.
    validation_scores_, validation_loss_curve_ : list of float
    best_validation_score_, best_validation_loss_ : float
    best_epoch_ : int
        The epoch whose weights were kept (1-based; 0 before any epoch).
    diverged_ : list of int
        Run indices of the members whose training diverged.
    """

    def __init__(
        self,
        validation,
        loss,
        tol,
        n_iter_no_change,
        monitor,
        verbose=False,
        keep_last=False,
    ):
        self.validation = validation
        self.loss = loss
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.monitor = monitor
        self.verbose = verbose
        self.keep_last = keep_last
        self.history_, self.loss_curve_ = [], []
        self.validation_scores_, self.validation_loss_curve_ = [], []
        self.best_validation_score_, self.best_validation_loss_ = -np.inf, np.inf
        self.best_epoch_, self.diverged_ = 0, []
        self._no_improvement_count = 0
        self._best_params, self._best_rows = None, {}

    def mean_output(self, network, rows):
        """The mean output of the stack's ``rows`` on the validation inputs.

        Parameters
        ----------
        network : Network
            The stack (or one network without a model axis).
        rows : list of int
            The stack rows to average.

        Returns
        -------
        P : ndarray of shape (n_validation, n_outputs)
        """
        X = self.validation.X
        chunks = []
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, X.shape[0], VALIDATION_CHUNK_ROWS):
                part = X[start : start + VALIDATION_CHUNK_ROWS]
                if network.n_models is None:
                    chunks.append(network.predict(part))
                    continue
                P = network.predict(part)
                chunks.append(P[rows].mean(axis=0))
        return np.concatenate(chunks)

    def epoch_end(self, trainer, losses, stopped, diverged):
        """Score the ensemble; stop every member when it stalls.

        Parameters
        ----------
        trainer : Trainer
        losses : ndarray of shape (n_active,)
            The members' training losses of this epoch.
        stopped : list of int
            The runs the per-model rules stop (overruled unless diverged or
            at their ``max_iter``).
        diverged : list of int
            The runs whose loss or weights became non-finite.

        Returns
        -------
        list of int
            The runs stopping now: the diverged ones, or every active run.
        """
        self.diverged_ += diverged
        kept = [(row, k) for row, k in enumerate(trainer.active) if k not in diverged]
        if not kept:
            return list(trainer.active)
        rows = [row for row, _ in kept]
        P = self.mean_output(trainer.network, rows)
        val = self.validation
        with np.errstate(over="ignore", invalid="ignore"):
            val_loss = float(self.loss.value(val.Y, P, val.sample_weight))
        val_score = float(val.score(P, val.y, val.sample_weight))
        self.loss_curve_.append(float(np.mean(losses[rows])))
        before = self._best_params
        update_no_improvement(
            self,
            trainer.network.params,
            self.tol,
            (val_loss, val_score),
            self.monitor,
            self.keep_last,
        )
        if self._best_params is not before:  # a new best epoch: remember its rows
            self._best_rows = {k: row for row, k in kept}
            self.best_epoch_ = len(self.loss_curve_)
        self._log(val_loss, val_score, len(kept))
        at_max_iter = any(
            trainer.runs[k].state.n_iter_ >= trainer.runs[k].settings.max_iter
            for _, k in kept
        )
        if self._no_improvement_count > self.n_iter_no_change or at_max_iter:
            return list(trainer.active)
        return list(diverged)

    def _log(self, val_loss, val_score, n_members):
        entry = {
            "epoch": len(self.loss_curve_),
            "loss": self.loss_curve_[-1],
            "val_loss": val_loss,
            "val_score": val_score,
            "n_members": n_members,
        }
        self.history_.append(entry)
        if self.verbose:
            print(
                f"Ensemble epoch {entry['epoch']}, loss = {entry['loss']:.8f}, "
                f"val_loss = {val_loss:.8f}, validation score = {val_score:.6f}"
            )

    def finish(self, trainer):
        """Give every member its weights of the ensemble's best epoch."""
        if self._best_params is None:
            return
        best = self._best_params.reshape(-1, trainer.runs[0].network.n_params)
        for k, row in self._best_rows.items():
            trainer.runs[k].network.params[...] = best[row]
