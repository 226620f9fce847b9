"""The stochastic training loop: epochs, mini-batches, schedules, stopping, recovery.

One :class:`Trainer` trains one model, or a stack of models that share their
network shape, loss and batch schedule (the search module's stacks). Each
epoch reads as the steps a reader expects: :meth:`Trainer.run_epoch` (one
optimizer step per mini-batch), :meth:`Trainer.evaluate` (the validation
split), :meth:`Trainer.end_epoch` (record the loss, track the best model,
apply the schedule, decide who stops), and at the end
:meth:`Trainer.finish` (restore the best weights, hand each model its weights
and optimizer back). A stack's models run the arithmetic of their own fits:
every per-model decision below is taken model by model, as for one model.

Every fitted attribute lands on each run's ``state`` (the estimator), so the
loop is testable with a ``types.SimpleNamespace``; every epoch of a single fit
ends in one place, ``hooks.epoch_end``
(:class:`~sknumpynn._training.hooks.TrainingHooks`): history, callbacks,
progress output.

A stack may also take one decision for all its models: a *stack rule*
(``Trainer(..., stack_rule=rule)``, e.g. a deep ensemble's early stopping,
:class:`sknumpynn.ensemble._stopping.EnsembleStopping`) is asked once per
epoch which models stop, after the per-model decisions, and once at the end
for the weights to keep. The loop knows nothing else about it.
"""

import numpy as np

from sknumpynn._training import recovery
from sknumpynn._training.batches import RowGroup, epoch_batches, stacked_batches
from sknumpynn._training.hooks import NoHooks
from sknumpynn._training.stopping import stall_message, update_no_improvement
from sknumpynn.nn import Network, Workspace
from sknumpynn.nn.backprop import Penalty, batch_gradient
from sknumpynn.nn.batch import StackedRows
from sknumpynn.nn.dropout import stack_mask_buffers, stacked_masks
from sknumpynn.nn.schedules import next_rate


class Trainer:
    """Mini-batch epochs for one :class:`ModelRun` or a stack of them.

    Parameters
    ----------
    runs : list of ModelRun
        One run, or runs whose settings stack (same network shape, loss,
        batch size and row count); runs sharing rows are adjacent.
    groups : list of list of int, default=None
        Indices of the runs that share their rows; None: each run alone.
    hooks : list of TrainingHooks, default=None
        Each run's epoch-end dispatch (history, callbacks, progress).
    stack_rule : object, default=None
        One decision for the whole stack. ``stack_rule.epoch_end(trainer,
        losses, stopped, diverged)`` is called at the end of every epoch
        (every model's epoch recorded, schedules applied) with the run
        indices the per-model rules stop (``stopped``, which includes the
        ``diverged`` ones) and returns the run indices that stop now; it must
        keep the diverged ones. ``stack_rule.finish(trainer)`` is called
        last in :meth:`finish`, after every run got its weights back.
    """

    def __init__(self, runs, groups=None, hooks=None, stack_rule=None):
        self.runs = runs
        self.stack_rule = stack_rule
        self.settings = runs[0].settings
        self.hooks = [NoHooks()] * len(runs) if hooks is None else hooks
        self.single = len(runs) == 1
        groups = [[k] for k in range(len(runs))] if groups is None else groups
        if self.single:
            self.network, self.optimizer = runs[0].network, runs[0].optimizer
            self.rows = [...]
        else:
            self.network = Network.stack([run.network for run in runs])
            self.optimizer = type(runs[0].optimizer).stack(
                [run.optimizer for run in runs]
            )
            self.rows = list(range(len(runs)))
        self.groups = [
            RowGroup(runs, members, self._models(members)) for members in groups
        ]
        self.active = list(range(len(runs)))
        self._gather_groups()
        self.workspace = Workspace(self.network, self.settings.batch_size)
        self.last_finite = self.network.params.copy()
        self.previous = self.network.params.copy()
        self._allocate_dropout()

    def _gather_groups(self):
        """A stack gathers every group's batch rows into one array per step."""
        self.stacked = None
        if not self.single:
            self.stacked = stacked_batches(
                self.groups, self.settings.batch_size, self.network.dtype
            )

    def _batches(self):
        """This epoch's batches: ``Rows`` lists (one model) or ``StackedRows``."""
        return epoch_batches(self.groups, self.stacked)

    def _models(self, members):
        """The selector of these runs' rows in the stack."""
        if self.single:
            return ...
        rows = [self.rows[k] for k in members]
        return slice(rows[0], rows[-1] + 1)

    def _penalty(self):
        """The penalty strengths: the run's own, or per-model vectors."""
        if self.single:
            return self.settings.penalty
        strengths = zip(*(run.settings.penalty for run in self._live()))
        return Penalty(*(np.array(values, dtype=float) for values in strengths))

    def _live(self):
        return [self.runs[k] for k in self.active]

    # -- the loop ------------------------------------------------------------
    def run(self):
        """Train until every model stopped (converged, stalled, ``max_iter``).

        A ``KeyboardInterrupt`` keeps the weights of the last completed epoch.
        """
        for run, hooks in zip(self.runs, self.hooks):
            run.state.n_iter_ = 0
            hooks.train_begin()
        self.penalty = self._penalty()
        self._set_scheduled_rates(self._live(), after_epoch=False)
        try:
            try:
                while self.active:
                    for k in self.active:
                        self.hooks[k].epoch_begin()
                    # A copy: a stack's schedule updates its rates in place
                    # before the hooks record the rate this epoch used.
                    rate = np.copy(self.optimizer.learning_rate)
                    losses = self.run_epoch()
                    if self.end_epoch(losses, rate):
                        break
            except KeyboardInterrupt:
                self.network.params[...] = self.last_finite
                recovery.warn_interrupted(self.runs[self.active[0]].state.n_iter_)
            self.finish()
        finally:
            for hooks in self.hooks:
                hooks.train_end()
        for run in self.runs:
            if run.error is None:
                try:
                    recovery.ensure_finite_outputs(run.network, run.X, run.previous)
                except ValueError as error:
                    if self.single:
                        raise
                    run.error = error

    def run_epoch(self):
        """One pass over every group's rows, an optimizer step per batch.

        Returns
        -------
        losses : ndarray of shape (n_models,)
            Each model's batch losses weighted by batch size (scikit-learn's
            epoch loss).
        """
        settings = self.settings
        for group in self.groups:
            if settings.shuffle:
                group.rng.shuffle(group.order)
        total, n_rows = 0.0, 0
        with np.errstate(over="ignore", invalid="ignore"):
            for rows in self._batches():
                stacked = isinstance(rows, StackedRows)
                n_batch = rows.X.shape[1] if stacked else rows[0].X.shape[0]
                masks = self._dropout_masks(n_batch)
                loss = batch_gradient(
                    self.network,
                    rows,
                    settings.loss,
                    self.workspace,
                    self.penalty,
                    masks,
                )
                total += loss * n_batch
                n_rows += n_batch
                self.optimizer.step(self.network.params, self.workspace.grad)
        return np.atleast_1d(total / n_rows)

    def _dropout_masks(self, n_batch):
        """This batch's dropout masks: the run's own, or each stacked model's."""
        if self.single:
            dropout = self.runs[0].dropout
            return None if dropout is None else dropout.masks(n_batch)
        if self._dropout_buffers is None:
            return None
        dropouts = [self.runs[k].dropout for k in self.active]
        return stacked_masks(dropouts, self._dropout_buffers, n_batch)

    def _allocate_dropout(self):
        """Per hidden layer a (models, batch, units) mask buffer, if any model
        drops units there."""
        self._dropout_buffers = None
        if not self.single:
            self._dropout_buffers = stack_mask_buffers(
                [self.runs[k].dropout for k in self.active],
                self.network.layer_units[1:-1],
                self.settings.batch_size,
                self.network.dtype,
            )

    def evaluate(self):
        """Each model's ``(val_loss, val_score)`` on its held-out rows.

        Returns
        -------
        list of tuple or None
            Per row of the stack; None without early stopping.
        """
        if self.groups[0].validation is None:
            return None
        results = [None] * len(self.active)
        for group in self.groups:
            losses, scores = group.validation.evaluate(
                self.network, self.settings.loss, group.models
            )
            first = 0 if self.single else group.models.start
            for offset in range(len(losses)):
                results[first + offset] = (float(losses[offset]), float(scores[offset]))
        return results

    def end_epoch(self, losses, rate):
        """Record the epoch of every model and decide who stops.

        Returns
        -------
        stop : bool
            Whether training is over for every model.
        """
        params = self.network.params.reshape(len(self.active), -1)
        finite = np.isfinite(losses) & np.isfinite(params).all(axis=1)
        stopped = [k for row, k in enumerate(self.active) if not finite[row]]
        diverged = list(stopped)
        for k in stopped:
            self._diverged(k)
        if stopped and self.single:
            return True
        rows = [self.rows[k] for k in diverged]
        kept = self.previous[rows]  # their fallback stays the one before
        self.previous, self.last_finite = self.last_finite, self.previous
        self.last_finite[...] = self.network.params
        self.previous[rows] = kept
        validated = self.evaluate() or [(None, None)] * len(self.active)
        for row, k in enumerate(self.active):
            if k not in stopped:
                self._record(k, float(losses[row]), validated[row])
        self._apply_schedules()
        for row, k in enumerate(self.active):
            model_rate = float(rate) if np.ndim(rate) == 0 else float(rate[row, 0])
            if k not in stopped and self.hooks[k].epoch_end(
                float(losses[row]), *validated[row], model_rate
            ):
                stopped.append(k)  # a callback stops its model
        if stopped and self.single:
            return True
        stopped += [k for k in self.active if k not in stopped and self._stops(k)]
        if self.stack_rule is not None:  # the stack's own decision (an ensemble's)
            stopped = self.stack_rule.epoch_end(self, losses, stopped, diverged)
        if stopped and self.single:
            return True
        self._retire(stopped)
        return not self.active

    def _record(self, k, loss, validated):
        """One model's epoch: its loss curve and its best epoch so far."""
        run, state = self.runs[k], self.runs[k].state
        state.n_iter_ += 1
        state.t_ += run.n_train
        state.loss_ = loss
        state.loss_curve_.append(loss)
        update_no_improvement(
            state,
            self.network.params[self.rows[k]],
            run.settings.tol,
            None if validated[0] is None else validated,
            run.settings.monitor,
            run.settings.keep_last_best,
        )

    def _apply_schedules(self):
        """The optimizer's epoch hook, then each model's epoch schedule."""
        live = self._live()
        self.optimizer.iteration_ends(live[0].state.t_)
        self._set_scheduled_rates(live, after_epoch=True)

    def _set_scheduled_rates(self, live, after_epoch):
        """Each model's rate for its next epoch, from its epoch schedule (and,
        after an epoch, its monitored value: ``ModelRun.monitored``)."""
        schedule = self.settings.schedule
        if schedule is None:
            return
        for row, run in enumerate(live):
            state = run.state
            epoch = (
                len(state.loss_curve_) if run.settings.incremental else state.n_iter_
            )
            rate = next_rate(
                schedule,
                run.optimizer.learning_rate_init,
                epoch,
                run.settings.max_iter,
                run.schedule_memory,
                run.monitored() if after_epoch else None,
            )
            self.optimizer.set_hyperparameter(
                "learning_rate", None if self.single else row, rate
            )

    def _stops(self, k):
        """Whether model ``k`` stops now: stalled, or at its ``max_iter``."""
        run, state = self.runs[k], self.runs[k].state
        settings = run.settings
        if state._no_improvement_count > settings.n_iter_no_change:
            msg = stall_message(settings, run.validation is not None)
            row = None if self.single else self.active.index(k)
            if self.optimizer.trigger_stopping(msg, settings.verbose, model=row):
                return True
            state._no_improvement_count = 0
        if settings.incremental:
            return True
        if state.n_iter_ == settings.max_iter:
            if settings.warn_max_iter:
                recovery.warn_max_iter(settings.max_iter)
            return True
        return False

    def _diverged(self, k):
        """Model ``k``'s loss or weights are not finite: restore and stop it."""
        run = self.runs[k]
        row = self.rows[k]
        try:
            self.network.params[row] = recovery.recover_from_divergence(
                run.state, self.last_finite[row]
            )
        except ValueError as error:
            if self.single:
                raise
            run.error = error

    # -- leaving the stack ---------------------------------------------------
    def _retire(self, stopped):
        """Hand stopped models their weights and optimizer; shrink the stack."""
        if not stopped or self.single:
            return
        for k in stopped:
            self._hand_back(k)
        keep = [self.rows[k] for k in self.active if k not in stopped]
        self.active = [k for k in self.active if k not in stopped]
        if not self.active:
            return
        self.network = self.network.take(keep)
        self.optimizer = self.optimizer.take(keep)
        self.last_finite = self.last_finite[keep]
        self.previous = self.previous[keep]
        self.rows = [None] * len(self.runs)
        for row, k in enumerate(self.active):
            self.rows[k] = row
        groups = []
        for group in self.groups:
            group.members = [k for k in group.members if self.rows[k] is not None]
            if group.members:
                group.models = self._models(group.members)
                groups.append(group)
        self.groups = groups
        self._gather_groups()
        self.workspace = Workspace(self.network, self.settings.batch_size)
        self.penalty = self._penalty()
        self._allocate_dropout()

    def _hand_back(self, k):
        """Copy model ``k``'s row of the stack into its own network/optimizer."""
        run, row = self.runs[k], self.rows[k]
        run.network.params[...] = self.network.params[row]
        run.optimizer = self.optimizer.model(row)
        run.previous = self.previous[row].copy()

    def finish(self):
        """Hand every model back its weights, then restore the best epoch's
        weights where early stopping kept them."""
        if self.single:
            self.runs[0].previous = self.previous
        else:
            for k in self.active:
                self._hand_back(k)
        for run in self.runs:
            best = getattr(run.state, "_best_params", None)
            if run.validation is not None and best is not None:
                run.network.params[...] = best
        if self.stack_rule is not None:
            self.stack_rule.finish(self)
