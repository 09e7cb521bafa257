# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Student-t quantiles against printed tables, and confidence intervals over seeds."""

from __future__ import annotations

import math

import pytest

from dlc_common.stats import student_t_cdf, student_t_quantile, summarize

# Two-sided 95% and 99% critical values from standard printed t tables.
TABLE = {
    1: (12.706, 63.657),
    2: (4.303, 9.925),
    3: (3.182, 5.841),
    4: (2.776, 4.604),
    5: (2.571, 4.032),
    9: (2.262, 3.250),
    10: (2.228, 3.169),
    20: (2.086, 2.845),
    30: (2.042, 2.750),
    120: (1.980, 2.617),
}


@pytest.mark.parametrize("df", sorted(TABLE))
def test_t_quantiles_match_the_table(df: int) -> None:
    t95, t99 = TABLE[df]
    assert student_t_quantile(0.975, df) == pytest.approx(t95, abs=6e-4)
    assert student_t_quantile(0.995, df) == pytest.approx(t99, abs=6e-4)


def test_t_distribution_properties() -> None:
    assert student_t_cdf(0.0, 3) == pytest.approx(0.5, abs=1e-15)
    for df in (1, 2.5, 7, 50):
        for t in (-3.0, -0.4, 0.7, 2.2):
            assert student_t_cdf(t, df) + student_t_cdf(-t, df) == pytest.approx(1.0, abs=1e-12)
            assert student_t_cdf(student_t_quantile(student_t_cdf(t, df), df), df) == (
                pytest.approx(student_t_cdf(t, df), abs=1e-12)
            )
    # df = 1 is the Cauchy distribution: CDF = 1/2 + atan(t)/pi.
    assert student_t_cdf(1.7, 1) == pytest.approx(0.5 + math.atan(1.7) / math.pi, abs=1e-12)
    # Large df approaches the normal distribution.
    assert student_t_quantile(0.975, 1e7) == pytest.approx(1.959964, abs=1e-5)
    assert student_t_quantile(0.025, 4) == pytest.approx(-2.776445, abs=1e-5)
    with pytest.raises(ValueError):
        student_t_quantile(1.0, 3)
    with pytest.raises(ValueError):
        student_t_cdf(1.0, 0)


def test_summarize() -> None:
    summary = summarize([0.91, 0.93, 0.92, 0.94], confidence=0.95)
    assert summary.mean == pytest.approx(0.925)
    assert summary.std == pytest.approx(0.0129099, rel=1e-5)
    half = 3.182446 * 0.0129099 / 2
    assert (summary.low, summary.high) == (
        pytest.approx(0.925 - half, rel=1e-5),
        pytest.approx(0.925 + half, rel=1e-5),
    )
    one = summarize([0.5])
    assert (one.n, one.mean, one.std, one.low, one.high) == (1, 0.5, None, None, None)
    with pytest.raises(ValueError):
        summarize([])
    with pytest.raises(ValueError):
        summarize([1.0, float("nan")])
