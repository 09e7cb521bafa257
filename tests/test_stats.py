# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Student-t, normal and beta quantiles against known values, and the intervals over seeds:
proportions (Clopper–Pearson, Wilson, Newcombe), quantiles (order statistics), differences of
means (Welch, paired) and the bootstrap."""

from __future__ import annotations

import math

import pytest

from dlc_common.judge.stats import (
    Estimate,
    beta_quantile,
    bootstrap_interval,
    clopper_pearson,
    median,
    newcombe_interval,
    normal_cdf,
    normal_quantile,
    order_statistic_interval,
    order_statistic_min_n,
    order_statistic_ranks,
    paired_interval,
    quantile,
    student_t_cdf,
    student_t_quantile,
    summarize,
    welch_interval,
    wilson_interval,
)

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


def test_normal_quantile() -> None:
    assert normal_quantile(0.975) == pytest.approx(1.959963985, abs=1e-8)
    assert normal_quantile(0.995) == pytest.approx(2.575829304, abs=1e-8)
    assert normal_quantile(0.05) == pytest.approx(-1.644853627, abs=1e-8)
    assert normal_quantile(1e-10) == pytest.approx(-6.361340902, abs=1e-8)  # the tail branch
    assert normal_quantile(0.5) == 0.0
    for p in (1e-6, 0.01, 0.02425, 0.2, 0.7, 0.9, 0.999):
        assert normal_cdf(normal_quantile(p)) == pytest.approx(p, rel=1e-12)
        assert normal_quantile(p) == pytest.approx(-normal_quantile(1 - p), abs=1e-9)
    for bad in (0.0, 1.0, -0.1, 2.0):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            normal_quantile(bad)


def test_beta_quantile() -> None:
    for p in (0.025, 0.3, 0.5, 0.975):
        assert beta_quantile(p, 1, 1) == pytest.approx(p, abs=1e-12)  # uniform
        assert beta_quantile(p, 2, 1) == pytest.approx(math.sqrt(p), abs=1e-12)  # CDF x^2
        assert beta_quantile(p, 1, 3) == pytest.approx(1 - (1 - p) ** (1 / 3), abs=1e-12)
    with pytest.raises(ValueError, match="positive"):
        beta_quantile(0.5, 0, 1)
    with pytest.raises(ValueError, match="strictly between"):
        beta_quantile(1.0, 1, 1)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.3085),
        (10, 10, 0.6915, 1.0),
        (2, 2, 0.1581, 1.0),
        (5, 10, 0.1871, 0.8129),
        (100, 100, 0.9638, 1.0),
        (4, 5, 0.2836, 0.9949),
        (1, 1, 0.025, 1.0),
    ],
)
def test_clopper_pearson(successes: int, n: int, low: float, high: float) -> None:
    got = clopper_pearson(successes, n, 0.95)
    assert got == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_clopper_pearson_closed_forms() -> None:
    # 0 of n: the upper end solves (1 - p)^n = alpha / 2; n of n: p^n = alpha / 2.
    assert clopper_pearson(0, 10)[1] == pytest.approx(1 - 0.025 ** (1 / 10), abs=1e-12)
    assert clopper_pearson(7, 7, 0.9)[0] == pytest.approx(0.05 ** (1 / 7), abs=1e-12)
    assert clopper_pearson(0, 3)[0] == 0.0 and clopper_pearson(3, 3)[1] == 1.0


def test_wilson_and_newcombe() -> None:
    assert wilson_interval(5, 10, 0.95) == (
        pytest.approx(0.2366, abs=5e-5),
        pytest.approx(0.7634, abs=5e-5),
    )
    z2 = 1.959963985**2
    assert wilson_interval(0, 10) == (0.0, pytest.approx(z2 / (10 + z2), abs=1e-9))
    # Newcombe (1998), the example of his Table II: 56/70 versus 48/80.
    difference, low, high = newcombe_interval(56, 70, 48, 80, 0.95)
    assert difference == pytest.approx(0.2, abs=1e-12)
    assert (low, high) == (pytest.approx(0.0524, abs=5e-5), pytest.approx(0.3339, abs=5e-5))
    # 10 of 10 versus 0 of 10: 1 - sqrt((1 - l1)^2 + u2^2) from the Wilson ends.
    l1, u2 = wilson_interval(10, 10)[0], wilson_interval(0, 10)[1]
    assert newcombe_interval(10, 10, 0, 10)[1] == pytest.approx(
        1 - math.sqrt((1 - l1) ** 2 + u2**2), abs=1e-12
    )
    assert newcombe_interval(10, 10, 0, 10)[1] == pytest.approx(0.6075, abs=5e-5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: clopper_pearson(0, 0), "at least 1"),
        (lambda: clopper_pearson(11, 10), "between 0 and n = 10"),
        (lambda: clopper_pearson(-1, 10), "between 0 and n = 10"),
        (lambda: clopper_pearson(2.5, 10), "whole number"),
        (lambda: clopper_pearson(True, 10), "whole number"),
        (lambda: clopper_pearson(1, 10, 0.0), "confidence must be strictly between 0 and 1"),
        (lambda: clopper_pearson(1, 10, 1.0), "confidence must be strictly between 0 and 1"),
        (lambda: wilson_interval(1, 10, 95), "confidence must be strictly between 0 and 1"),
        (lambda: wilson_interval(3, 2), "between 0 and n = 2"),
        (lambda: newcombe_interval(1, 2, 3, 2), "s2 must be between 0 and n = 2"),
        (lambda: newcombe_interval(1, 0, 1, 2), "at least 1"),
        (lambda: quantile([], 0.5), "no values"),
        (lambda: quantile([1.0, 2.0], 1.5), "between 0 and 1"),
        (lambda: quantile([1.0, math.nan], 0.5), "NaN"),
        (lambda: median([-math.inf, math.inf]), "undefined"),
        (lambda: order_statistic_ranks(0), "1 or more"),
        (lambda: order_statistic_ranks(10, 0.0), "strictly between 0 and 1"),
        (lambda: order_statistic_ranks(10, 1.0), "strictly between 0 and 1"),
        (lambda: order_statistic_ranks(10, 0.5, 1.0), "confidence"),
        (lambda: order_statistic_interval([1.0, math.nan], 0.5), "NaN"),
        (lambda: order_statistic_min_n(1.5), "strictly between 0 and 1"),
        (lambda: welch_interval([1.0], [1.0, 2.0]), "a: need at least 2"),
        (lambda: welch_interval([1.0, 2.0], [1.0, math.inf]), "b: must be finite"),
        (lambda: welch_interval([1.0, 2.0], [1.0, 2.0], 0.0), "confidence"),
        (lambda: paired_interval([1.0, 2.0], [1.0, 2.0, 3.0]), "same length"),
        (lambda: paired_interval([1.0], [1.0]), "need at least 2"),
        (lambda: paired_interval([1.0, math.nan], [1.0, 2.0]), "finite"),
        (lambda: bootstrap_interval([], median), "no values"),
        (lambda: bootstrap_interval([1.0], median, resamples=0), "resamples"),
        (lambda: bootstrap_interval([1.0, 2.0], median, confidence=2.0), "confidence"),
        (lambda: bootstrap_interval([math.inf], median, other=[math.inf]), "inf − inf"),
    ],
)
def test_bad_inputs(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_quantile_type_7() -> None:
    assert quantile([4.0, 1.0, 3.0, 2.0], 0.25) == pytest.approx(1.75)  # position 0.75
    assert quantile([10, 20, 30, 40, 50], 0.9) == pytest.approx(46.0)  # position 3.6
    assert quantile([3.0, 1.0, 2.0], 0.0) == 1.0 and quantile([3.0, 1.0, 2.0], 1.0) == 3.0
    assert median([5.0, 1.0, 3.0]) == 3.0 and median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([7.0]) == 7.0
    # Infinity ("never reached") sorts above every number.
    assert median([1.0, 2.0, math.inf]) == 2.0
    assert median([1.0, math.inf]) == math.inf and median([math.inf, math.inf]) == math.inf


def _coverage(n: int, q: float, j: int, k: int) -> float:
    return sum(math.comb(n, i) * q**i * (1 - q) ** (n - i) for i in range(j, k))


def test_order_statistic_ranks() -> None:
    assert order_statistic_ranks(10, 0.5, 0.95) == (2, 9)
    assert order_statistic_ranks(5, 0.5, 0.95) is None  # (1, 5) covers 1 - 2/32 = 0.9375
    assert order_statistic_ranks(6, 0.5, 0.95) == (1, 6)  # 1 - 2/64 = 0.96875
    assert order_statistic_ranks(20, 0.5, 0.95) == (6, 15)
    # 90%: (3, 8) covers 0.891 only; of width 6, (2, 8) and (3, 9) are equally far from the
    # centre 5.5 and cover the same: the lower ranks.
    assert order_statistic_ranks(10, 0.5, 0.90) == (2, 8)
    assert order_statistic_min_n(0.5, 0.95) == 6 and order_statistic_min_n(0.9, 0.95) == 29
    assert order_statistic_ranks(28, 0.9, 0.95) is None
    for n, q in ((10, 0.5), (15, 0.25), (40, 0.9), (29, 0.9), (60, 0.1)):
        ranks = order_statistic_ranks(n, q, 0.95)
        assert ranks is not None
        j, k = ranks
        assert _coverage(n, q, j, k) >= 0.95
        # No narrower pair reaches 95%.
        assert all(_coverage(n, q, a, a + k - j - 1) < 0.95 for a in range(1, n - (k - j - 1) + 1))


def test_order_statistic_interval() -> None:
    values = [9.0, 3.0, 7.0, 1.0, 5.0, 2.0, 8.0, 4.0, 10.0, 6.0]
    assert order_statistic_interval(values) == (2.0, 9.0)  # sorted[1], sorted[8]
    assert order_statistic_interval(values[:5]) is None
    assert order_statistic_interval([1.0, 2.0, 3.0, 4.0, 5.0, math.inf]) == (1.0, math.inf)


def test_welch_interval() -> None:
    # R: t.test(c(1, 2, 3, 4), c(2, 4, 6)): df 3.2347, 95% CI -5.5423 to 2.5423.
    difference, low, high, df = welch_interval([1, 2, 3, 4], [2, 4, 6], 0.95)
    assert difference == pytest.approx(-1.5)
    assert df == pytest.approx(3.0625 / (0.41666667**2 / 3 + 1.33333333**2 / 2), rel=1e-6)
    assert df == pytest.approx(3.2347, abs=5e-5)
    assert (low, high) == (pytest.approx(-5.5423, abs=5e-5), pytest.approx(2.5423, abs=5e-5))
    assert welch_interval([1, 1], [0, 0, 0]) == (1.0, 1.0, 1.0, 3.0)  # zero variance


def test_paired_interval() -> None:
    # Differences 0.5, 0.3, 0.9: mean 0.5667, sd 0.30551, t(0.975, 2) = 4.302653.
    difference, low, high = paired_interval([1, 2, 3], [0.5, 1.7, 2.1], 0.95)
    half = 4.302653 * math.sqrt(0.28 / 3) / math.sqrt(3)
    assert difference == pytest.approx(0.5666667, abs=1e-6)
    assert (low, high) == (
        pytest.approx(0.5666667 - half, abs=1e-5),
        pytest.approx(0.5666667 + half, abs=1e-5),
    )
    assert paired_interval([2, 3], [1, 2]) == (1.0, 1.0, 1.0)  # zero variance


def test_bootstrap_interval() -> None:
    values = [float(v) for v in range(100)]
    mean = lambda v: sum(v) / len(v)  # noqa: E731
    estimate, low, high = bootstrap_interval(values, mean, 0.95, seed=0)
    assert estimate == 49.5
    # Close to the normal interval 49.5 ± 1.96 · 29.01 / 10 = [43.81, 55.19].
    assert low == pytest.approx(43.81, abs=1.0) and high == pytest.approx(55.19, abs=1.0)
    assert bootstrap_interval(values, mean, 0.95, seed=0) == (estimate, low, high)
    assert bootstrap_interval(values, mean, 0.95, seed=1) != (estimate, low, high)
    assert bootstrap_interval([3.0, 3.0, 3.0], median) == (3.0, 3.0, 3.0)
    a, b = [float(v) for v in range(10, 20)], [float(v) for v in range(10)]
    difference, low, high = bootstrap_interval(a, median, other=b, resamples=500)
    assert difference == 10.0 and 0 < low <= 10.0 <= high < 20


def test_estimate_as_dict() -> None:
    estimate = Estimate(math.inf, 3.0, math.inf, 10, "order statistic", 0.95, note="ranks")
    data = estimate.as_dict()
    assert data["value"] == "inf" and data["ci_high"] == "inf" and data["ci_low"] == 3.0
    assert (data["n"], data["method"], data["note"], data["std"]) == (
        10,
        "order statistic",
        "ranks",
        None,
    )
