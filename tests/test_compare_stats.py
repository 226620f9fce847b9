"""The paired comparison of the compare report (corrected resampled t-test)."""

import numpy as np
import pytest
from scipy import stats

from sknumpynn.compare.stats import paired_difference


def test_matches_the_corrected_formula():
    rng = np.random.default_rng(0)
    a = rng.uniform(0.7, 0.9, 30)
    b = a - rng.normal(0.01, 0.02, 30)
    result = paired_difference(a, b, 1 / 9)
    d = a - b
    se = np.sqrt((1 / 30 + 1 / 9) * np.var(d, ddof=1))
    assert result["mean"] == pytest.approx(d.mean(), rel=1e-12)
    assert result["se"] == pytest.approx(se, rel=1e-12)
    assert result["t"] == pytest.approx(d.mean() / se, rel=1e-12)
    p = 2 * stats.t.sf(abs(d.mean() / se), 29)
    assert result["p_value"] == pytest.approx(p, rel=1e-10)
    assert result["wins"] + result["ties"] + result["losses"] == 30
    assert result["wins"] == (d > 0).sum()


def test_correction_is_wider_than_the_naive_error():
    # The naive SE treats overlapping folds as independent; the corrected one
    # is sqrt(1 + J * ratio) times wider.
    rng = np.random.default_rng(1)
    a, b = rng.uniform(size=30), rng.uniform(size=30)
    naive = np.std(a - b, ddof=1) / np.sqrt(30)
    corrected = paired_difference(a, b, 1 / 9)["se"]
    assert corrected == pytest.approx(naive * np.sqrt(1 + 30 / 9), rel=1e-12)


def test_identical_and_rounding_level_scores_are_ties():
    a = np.array([0.8, 0.85, 0.9])
    result = paired_difference(a, a * (1 + 1e-15), 0.25)
    assert (result["mean"], result["se"], result["p_value"]) == (0.0, 0.0, 1.0)
    assert (result["wins"], result["ties"], result["losses"]) == (0, 3, 0)


def test_a_constant_difference_is_certain():
    result = paired_difference([0.75, 0.5], [0.5, 0.25], 0.25)
    assert result["se"] == 0.0 and result["p_value"] == 0.0
    assert result["t"] == np.inf and result["wins"] == 2


@pytest.mark.parametrize("b", [[0.5, 0.6], [[0.5, 0.6, 0.7]], [0.5]])
def test_bad_shapes_are_refused(b):
    a = [0.5] if len(b) == 1 else [0.5, 0.6, 0.7]
    with pytest.raises(ValueError, match="same length >= 2"):
        paired_difference(a, b, 0.1)
