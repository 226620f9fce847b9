"""Is a difference between two models on the same folds real? A paired test.

Two models scored on the *same* cross-validation folds give paired scores
``a_j``, ``b_j``; their difference ``d_j = a_j - b_j`` cancels the part of the
fold-to-fold spread that both models share. The folds overlap in their
training rows, so the ``d_j`` are correlated and the naive standard error
``s / sqrt(J)`` is far too small. Nadeau and Bengio's corrected resampled
t-test inflates the variance by the test/train size ratio:

.. math::

    \\bar d = \\frac{1}{J} \\sum_j d_j, \\qquad
    \\operatorname{SE}(\\bar d) = \\sqrt{\\Big(\\frac{1}{J}
        + \\frac{n_\\text{test}}{n_\\text{train}}\\Big) s_d^2}, \\qquad
    t = \\frac{\\bar d}{\\operatorname{SE}(\\bar d)} \\sim t_{J-1}

(C. Nadeau and Y. Bengio, "Inference for the Generalization Error", Machine
Learning 52, 2003; recommended for repeated k-fold CV by R. Bouckaert and
E. Frank, PAKDD 2004.)
"""

import numpy as np
from scipy import stats


def paired_difference(a, b, test_train_ratio):
    """Mean paired difference ``a - b`` with its corrected standard error.

    Parameters
    ----------
    a, b : array-like of shape (n_folds,)
        Scores of two models on the same folds, in the same order.
    test_train_ratio : float
        Mean ``n_test / n_train`` of the folds (``1 / (k - 1)`` for k-fold).

    Returns
    -------
    result : dict
        ``mean`` (of ``a - b``), ``se`` (corrected standard error), ``t``,
        ``p_value`` (two-sided, ``J - 1`` degrees of freedom; when every fold
        gives the same difference, 1.0 if it is 0 and 0.0 otherwise) and
        ``wins``/``ties``/``losses`` (folds where ``a`` is above, equal to or
        below ``b``). Scores equal to 12 significant
        digits count as equal: such differences are floating-point rounding
        (two implementations of the same arithmetic), not a model difference.

    Examples
    --------
    >>> from sknumpynn.compare.stats import paired_difference
    >>> result = paired_difference([0.9, 0.8, 0.85], [0.8, 0.8, 0.8], 1 / 9)
    >>> round(result["mean"], 4), result["wins"], result["ties"], result["losses"]
    (0.05, 2, 1, 0)
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or a.size < 2:
        raise ValueError(
            "a and b must be 1-d score arrays of the same length >= 2, got "
            f"shapes {a.shape} and {b.shape}."
        )
    d = np.where(np.isclose(a, b, rtol=1e-12, atol=0), 0.0, a - b)
    mean = float(d.mean())
    se = float(np.sqrt((1 / d.size + test_train_ratio) * d.var(ddof=1)))
    if se > 0:
        t = mean / se
        p_value = float(2 * stats.t.sf(abs(t), df=d.size - 1))
    else:  # every fold gives the same difference
        t = 0.0 if mean == 0 else float(np.copysign(np.inf, mean))
        p_value = 1.0 if mean == 0 else 0.0
    return {
        "mean": mean,
        "se": se,
        "t": float(t),
        "p_value": p_value,
        "wins": int((d > 0).sum()),
        "ties": int((d == 0).sum()),
        "losses": int((d < 0).sum()),
    }
