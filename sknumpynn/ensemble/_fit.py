"""Training a deep ensemble's members through the stacked engine.

Each member is one of our estimators with its own ``random_state``; it is
prepared exactly as its own ``fit`` prepares it
(:class:`~sknumpynn._training.together._Prepared`: validation, initial
weights, dropout generator, all from its seed). Then:

- without the ensemble's early stopping and with each member's own batch
  order, the members are many independent fits:
  :func:`~sknumpynn._training.together.fit_together` trains them (stacked
  where the engine finds it pays, ``n_jobs`` workers), and each member equals
  its own single fit;
- otherwise every member trains in one stack, one
  :class:`~sknumpynn._training.loop.Trainer`, with shared batches (one
  shuffle stream: one gather and one batched first-layer product per step)
  and/or the ensemble's stopping rule
  (:class:`~sknumpynn.ensemble._stopping.EnsembleStopping`) deciding for all.
  A sparse ``X`` stays sparse: the stack's products take CSR row batches
  (:mod:`sknumpynn.nn.batch`), as a single fit's do.
"""

import numpy as np

from sknumpynn._training.settings import ValidationSet
from sknumpynn._training.together import (
    _Prepared,
    _stackable,
    fit_together,
    train_stack,
)
from sknumpynn.ensemble._stopping import EnsembleStopping


def validation_set(member, X_val, y_val, sw_val):
    """The ensemble's held-out rows as a prepared ``member`` scores them.

    Encoded as the member encodes its own validation split
    (``StochasticFitMixin._validation_split``): inputs in its dtype, targets
    through its label binarizer, ``class_weight`` folded into the weights.

    Returns
    -------
    ValidationSet
    """
    dtype = member.coefs_[0].dtype
    X_val, Y_val = member._validate_input(X_val, y_val, True, False, dtype)
    Y_val = Y_val.astype(dtype, copy=False)
    sw_val = member._training_sample_weight(Y_val, sw_val, False)
    y_score = member._decode(Y_val) if hasattr(member, "classes_") else Y_val
    return ValidationSet(X_val, Y_val, y_score, sw_val, member._score_output)


def _one_stack(items, rule, shared_seed, bootstrap):
    """Train every prepared member in one stack; ``(fitted, error)`` each.

    All members see the same ``X``; with a shared seed and no bootstrap they
    form one row group (one gather, one batched first-layer product per
    step), else each member is its own group.
    """
    if shared_seed is None:
        return train_stack([[item] for item in items], stack_rule=rule)
    shared = np.random.RandomState(shared_seed)
    for item in items:  # one shuffle stream
        item.run.rng = shared
    groups = [[item] for item in items] if bootstrap else [items]
    return train_stack(groups, stack_rule=rule)


def fit_members(members, datasets, options):
    """Fit the ensemble's members.

    Parameters
    ----------
    members : list of estimator
        Unfitted members of ours, each with its own integer ``random_state``.
    datasets : list of tuple
        ``(X, y, sample_weight)`` per member.
    options : dict
        ``validation`` (``(X_val, y_val, sample_weight_val)`` or None: no
        ensemble early stopping), ``n_iter_no_change``, ``shared_seed`` (an
        int: members share one shuffle stream; None: their own),
        ``bootstrap`` (members' weights differ), ``n_jobs``, ``verbose``.

    Returns
    -------
    results : list of tuple
        ``(fitted, None)`` or ``(None, error)`` per member.
    rule : EnsembleStopping or None
        The ensemble's stopping record, with early stopping.
    """
    validation, shared_seed = options.get("validation"), options.get("shared_seed")
    if validation is None and (
        shared_seed is None or not all(_stackable(m) for m in members)
    ):
        results = fit_together(
            members,
            datasets,
            n_jobs=options.get("n_jobs"),
            verbose=options.get("verbose", 0),
        )
        return results, None
    items = [_Prepared(m, data) for m, data in zip(members, datasets)]
    rule = None
    if validation is not None:
        first = items[0].estimator
        rule = EnsembleStopping(
            validation_set(first, *validation),
            items[0].run.settings.loss,
            first.tol,
            options["n_iter_no_change"],
            first.monitor,
            verbose=bool(options.get("verbose", 0)),
            keep_last=items[0].run.settings.keep_last_best,
        )
    return _one_stack(items, rule, shared_seed, options.get("bootstrap")), rule
