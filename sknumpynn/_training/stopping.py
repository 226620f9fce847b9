"""Per-model stopping rules: the best epoch so far and the stall count."""


def update_no_improvement(state, params, tol, validated, monitor, keep_last=False):
    """Track the best loss or validation value; count epochs without progress.

    Parameters
    ----------
    state : object
        The model's fitted attributes (``loss_curve_``, ``best_loss_``,
        ``_no_improvement_count`` and, with early stopping,
        ``validation_scores_``, ``validation_loss_curve_``,
        ``best_validation_score_``, ``best_validation_loss_``).
    params : ndarray
        The model's current parameters (copied when they are the best).
    tol : float
    validated : tuple or None
        ``(val_loss, val_score)``, or None to judge the training loss.
    monitor : {'val_score', 'val_loss'}
        What early stopping follows and whose best weights are kept.
    keep_last : bool, default=False
        Whether an epoch that ties the best value replaces the kept weights
        (``TrainingSettings.keep_last_best``).
    """
    if validated is None:
        if state.loss_curve_[-1] > state.best_loss_ - tol:
            state._no_improvement_count += 1
        else:
            state._no_improvement_count = 0
        state.best_loss_ = min(state.best_loss_, state.loss_curve_[-1])
        return
    val_loss, val_score = validated
    state.validation_scores_.append(val_score)
    state.validation_loss_curve_.append(val_loss)
    if monitor == "val_loss":
        improved_by = state.best_validation_loss_ - val_loss
    else:
        improved_by = val_score - state.best_validation_score_
    if improved_by < tol:
        state._no_improvement_count += 1
    else:
        state._no_improvement_count = 0
    if improved_by > 0 or (keep_last and improved_by == 0):
        state._best_params = params.copy()
    state.best_validation_score_ = max(state.best_validation_score_, val_score)
    state.best_validation_loss_ = min(state.best_validation_loss_, val_loss)


def stall_message(settings, validated):
    """What did not improve, worded as scikit-learn's MLP words it.

    Parameters
    ----------
    settings : TrainingSettings
    validated : bool
        Whether early stopping judges a validation split.

    Returns
    -------
    str
    """
    what = {
        None: "Training loss",
        "val_score": "Validation score",
        "val_loss": "Validation loss",
    }[settings.monitor if validated else None]
    return (
        f"{what} did not improve more than tol={settings.tol:f} for "
        f"{settings.n_iter_no_change} consecutive epochs."
    )
