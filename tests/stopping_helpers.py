"""A model's stopping state as ``update_no_improvement`` reads and writes it."""

from types import SimpleNamespace

import numpy as np


def stopping_state(**values):
    """The attributes of a fresh fit (no epoch yet), updated with ``values``."""
    state = SimpleNamespace(
        loss_curve_=[],
        best_loss_=np.inf,
        _no_improvement_count=0,
        validation_scores_=[],
        validation_loss_curve_=[],
        best_validation_score_=-np.inf,
        best_validation_loss_=np.inf,
        _best_params=None,
    )
    vars(state).update(values)
    return state
