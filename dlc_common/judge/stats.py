# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Statistics over seeds: point estimates and confidence intervals, standard library only.

- ``summarize``: mean, sample standard deviation and the Student-t interval of the mean;
- ``clopper_pearson`` (exact) and ``wilson_interval`` (score): a proportion, for example the
  share of seeds that solve a task;
- ``newcombe_interval``: a difference of two proportions (Newcombe's hybrid score, method 10);
- ``quantile`` (linear interpolation, type 7), ``median`` and ``order_statistic_interval``:
  a distribution-free interval for a quantile from two order statistics of the sample;
- ``welch_interval`` (unequal variances) and ``paired_interval`` (the same seeds on both
  sides): a difference of means;
- ``bootstrap_interval``: a percentile bootstrap of any statistic or of a difference of it;
- ``Estimate``: a point estimate, its interval and how it was computed, for the verdicts.

No SciPy: the t and beta distributions come from the regularised incomplete beta function
(its continued fraction), quantiles by bisection on the CDF; the normal quantile is Acklam's
rational approximation refined by Newton's method on the ``erfc``-based CDF.

Every function raises ``ValueError`` on an input it cannot use (no values, a confidence outside
(0, 1), NaN, more successes than trials), with a message that names the input. The t-based
intervals need finite values; ``quantile``, ``median``, ``order_statistic_interval`` and
``bootstrap_interval`` also accept infinities (for example "never reached a criterion"), which
sort above (``inf``) or below (``-inf``) every finite value.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "Estimate",
    "Summary",
    "beta_quantile",
    "bootstrap_interval",
    "clopper_pearson",
    "median",
    "newcombe_interval",
    "normal_cdf",
    "normal_quantile",
    "order_statistic_interval",
    "order_statistic_min_n",
    "order_statistic_ranks",
    "paired_interval",
    "quantile",
    "student_t_cdf",
    "student_t_quantile",
    "summarize",
    "welch_interval",
    "wilson_interval",
]


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz's method)."""
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 10_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < eps:
            return result
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


def _regularized_beta(a: float, b: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The fraction converges fast only for x below (a + 1) / (a + b + 2); use the symmetry
    # I_x(a, b) = 1 - I_{1-x}(b, a) above it.
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def student_t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t distribution with ``df`` degrees of freedom."""
    if df <= 0:
        raise ValueError(f"degrees of freedom must be positive, got {df}")
    tail = 0.5 * _regularized_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def student_t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = p for Student's t distribution with ``df`` degrees of freedom."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability must be strictly between 0 and 1, got {p}")
    if p < 0.5:
        return -student_t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while student_t_cdf(high, df) < p:
        low, high = high, high * 2.0
    for _ in range(200):  # bisection: the CDF is monotone, 200 halvings reach double precision
        mid = (low + high) / 2.0
        if student_t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low <= 1e-13 * max(1.0, high):
            break
    return (low + high) / 2.0


@dataclass(frozen=True)
class Summary:
    """Mean, sample standard deviation and a two-sided confidence interval of the mean."""

    n: int
    mean: float
    std: float | None
    low: float | None
    high: float | None
    confidence: float

    def as_dict(self) -> dict[str, float | int | None]:
        """The summary as plain JSON-ready values."""
        return {
            "n": self.n,
            "mean": self.mean,
            "std": self.std,
            "ci_low": self.low,
            "ci_high": self.high,
            "confidence": self.confidence,
        }


def summarize(values: Sequence[float], confidence: float = 0.95) -> Summary:
    """Summarise one metric over seeds; with fewer than two values there is no interval."""
    if not values:
        raise ValueError("no values to summarise")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")
    data = [float(v) for v in values]
    if not all(math.isfinite(v) for v in data):
        raise ValueError(f"values must be finite numbers, got {data}")
    n = len(data)
    mean = math.fsum(data) / n
    if n < 2:
        return Summary(n, mean, None, None, None, confidence)
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in data) / (n - 1))
    half = student_t_quantile(0.5 + confidence / 2.0, n - 1) * std / math.sqrt(n)
    return Summary(n, mean, std, mean - half, mean + half, confidence)


def _check_confidence(confidence: float) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        raise ValueError(f"confidence must be a number such as 0.95, got {confidence!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(
            f"confidence must be strictly between 0 and 1 (for example 0.95), got {confidence}"
        )
    return float(confidence)


def _finite(values: Sequence[float], what: str = "values", minimum: int = 1) -> list[float]:
    data = [float(v) for v in values]
    if len(data) < minimum:
        raise ValueError(f"{what}: need at least {minimum} value(s), got {len(data)}")
    bad = [v for v in data if not math.isfinite(v)]
    if bad:
        raise ValueError(f"{what}: must be finite numbers, got {bad[0]} among {data}")
    return data


def _ordered(values: Sequence[float], what: str = "values") -> list[float]:
    """The values sorted; infinities allowed (they sort to the ends), NaN is not."""
    data = [float(v) for v in values]
    if not data:
        raise ValueError(f"{what}: no values")
    if any(math.isnan(v) for v in data):
        raise ValueError(f"{what}: NaN is not a number that can be ordered, got {data}")
    return sorted(data)


def _check_counts(successes: int, n: int, what: str = "successes") -> None:
    for name, x in ((what, successes), ("n", n)):
        if isinstance(x, bool) or not isinstance(x, int):
            raise ValueError(f"{name} must be a whole number, got {x!r}")
    if n < 1:
        raise ValueError(f"n (the number of trials) must be at least 1, got {n}")
    if not 0 <= successes <= n:
        raise ValueError(f"{what} must be between 0 and n = {n}, got {successes}")


def normal_cdf(x: float) -> float:
    """P(Z <= x) for the standard normal distribution (accurate in both tails)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


# Acklam's rational approximation of the normal quantile (relative error below 1.2e-9),
# then refined by Newton's method.
_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_B = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)


def _polynomial(coefficients: Sequence[float], x: float) -> float:
    result = 0.0
    for c in coefficients:
        result = result * x + c
    return result


def normal_quantile(p: float) -> float:
    """The z with P(Z <= z) = p for the standard normal distribution, 0 < p < 1."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability must be strictly between 0 and 1, got {p}")
    if p > 0.5:
        return -normal_quantile(1.0 - p)
    if p < 0.02425:
        r = math.sqrt(-2.0 * math.log(p))
        z = _polynomial(_C, r) / (_polynomial(_D, r) * r + 1.0)
    else:
        r = p - 0.5
        s = r * r
        z = _polynomial(_A, s) * r / (_polynomial(_B, s) * s + 1.0)
    for _ in range(3):  # Newton on the lower tail, where erfc keeps full relative precision
        density = math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
        if density == 0.0:
            break
        step = (normal_cdf(z) - p) / density
        z -= step
        if abs(step) <= 1e-15 * max(1.0, abs(z)):
            break
    return z


def beta_quantile(p: float, a: float, b: float) -> float:
    """The x with I_x(a, b) = p for the beta distribution Beta(a, b), by bisection."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability must be strictly between 0 and 1, got {p}")
    if not (a > 0 and b > 0 and math.isfinite(a) and math.isfinite(b)):
        raise ValueError(f"beta parameters must be positive and finite, got a={a}, b={b}")
    low, high = 0.0, 1.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if _regularized_beta(a, b, mid) < p:
            low = mid
        else:
            high = mid
        if high - low <= 1e-15:
            break
    return (low + high) / 2.0


def clopper_pearson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper–Pearson) interval of a proportion from ``successes`` of ``n``.

    Each end has at most (1 - confidence) / 2 probability of excluding the true proportion;
    0 successes give a lower end of 0 and n successes an upper end of 1.
    """
    _check_counts(successes, n)
    alpha = 1.0 - _check_confidence(confidence)
    low = 0.0 if successes == 0 else beta_quantile(alpha / 2.0, successes, n - successes + 1)
    high = 1.0 if successes == n else beta_quantile(1 - alpha / 2.0, successes + 1, n - successes)
    return low, high


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion from ``successes`` of ``n``."""
    _check_counts(successes, n)
    z = normal_quantile(0.5 + _check_confidence(confidence) / 2.0)
    p, z2 = successes / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_interval(
    s1: int, n1: int, s2: int, n2: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """The difference p1 − p2 of two independent proportions and its interval.

    Newcombe's hybrid score interval (his method 10), built from the Wilson intervals
    (l1, u1) and (l2, u2): [d − √((p1 − l1)² + (u2 − p2)²), d + √((u1 − p1)² + (p2 − l2)²)].
    Returns ``(difference, low, high)``.
    """
    _check_counts(s1, n1, "s1")
    _check_counts(s2, n2, "s2")
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson_interval(s1, n1, confidence)
    l2, u2 = wilson_interval(s2, n2, confidence)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, max(-1.0, low), min(1.0, high)


def _check_q(q: float, closed: bool = False) -> float:
    if isinstance(q, bool) or not isinstance(q, (int, float)) or math.isnan(q):
        raise ValueError(f"q must be a number between 0 and 1, got {q!r}")
    if closed and not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1 (0.5 is the median), got {q}")
    if not closed and not 0.0 < q < 1.0:
        raise ValueError(f"q must be strictly between 0 and 1 (0.5 is the median), got {q}")
    return float(q)


def _interpolate(data: list[float], q: float) -> float:
    h = (len(data) - 1) * q
    i = math.floor(h)
    frac = h - i
    a = data[i]
    if frac == 0.0 or i + 1 >= len(data):
        return a
    b = data[i + 1]
    if a == b:
        return a
    if math.isinf(a) and math.isinf(b):
        raise ValueError("a quantile between -inf and inf is undefined")
    if math.isinf(b):
        return b
    if math.isinf(a):
        return a
    return a + (b - a) * frac


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q``-quantile (0 <= q <= 1) by linear interpolation between order statistics.

    Hyndman and Fan's type 7 (the default of R and NumPy): position (n − 1)·q in the sorted
    values, counted from 0.
    """
    return _interpolate(_ordered(values), _check_q(q, closed=True))


def median(values: Sequence[float]) -> float:
    """The median: the middle value, or the mean of the two middle values."""
    return quantile(values, 0.5)


def _binomial_cdf(n: int, q: float) -> list[float]:
    """F[i] = P(B <= i - 1) for B ~ Bin(n, q), i = 0..n+1 (so F[0] = 0, F[n+1] = 1)."""
    log_q, log_1q = math.log(q), math.log1p(-q)
    pmf = [
        math.exp(
            math.lgamma(n + 1)
            - math.lgamma(i + 1)
            - math.lgamma(n - i + 1)
            + i * log_q
            + (n - i) * log_1q
        )
        for i in range(n + 1)
    ]
    cdf, total = [0.0], []
    for p in pmf:
        total.append(p)
        cdf.append(math.fsum(total))
    return cdf


def order_statistic_ranks(
    n: int, q: float = 0.5, confidence: float = 0.95
) -> tuple[int, int] | None:
    """The 1-based ranks (j, k) of the order statistics that bound the ``q``-quantile.

    The interval [x_(j), x_(k)] covers the q-quantile of a continuous distribution with
    probability P(j <= B < k), B ~ Bin(n, q), whatever the distribution. Of the pairs whose
    coverage reaches ``confidence`` this is the one with the fewest ranks between them (the
    narrowest), ties broken toward the centre q·(n + 1), then toward the higher coverage, then
    the lower ranks. None when even (1, n) does not reach the confidence: too few values.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number of values, 1 or more, got {n!r}")
    q = _check_q(q)
    confidence = _check_confidence(confidence)
    cdf = _binomial_cdf(n, q)
    centre = q * (n + 1)
    for width in range(1, n):
        best: tuple[float, float, int] | None = None
        for j in range(1, n - width + 1):
            k = j + width
            coverage = cdf[k] - cdf[j]  # P(j <= B <= k - 1)
            if coverage >= confidence - 1e-12:
                key = (abs((j + k) / 2.0 - centre), -coverage, j)
                if best is None or key < best:
                    best = key
        if best is not None:
            return best[2], best[2] + width
    return None


def order_statistic_min_n(q: float = 0.5, confidence: float = 0.95) -> int:
    """The fewest values for which ``order_statistic_ranks`` finds an interval (ranks 1, n)."""
    q = _check_q(q)
    confidence = _check_confidence(confidence)
    n = 2
    while 1.0 - q**n - (1.0 - q) ** n < confidence - 1e-12:
        n += 1
    return n


def order_statistic_interval(
    values: Sequence[float], q: float = 0.5, confidence: float = 0.95
) -> tuple[float, float] | None:
    """A distribution-free interval for the ``q``-quantile: two order statistics of the values.

    The ranks come from ``order_statistic_ranks``; None when there are too few values for any
    interval at this confidence (``order_statistic_min_n`` says how many are needed).
    """
    data = _ordered(values)
    ranks = order_statistic_ranks(len(data), q, confidence)
    if ranks is None:
        return None
    return data[ranks[0] - 1], data[ranks[1] - 1]


def _mean_var(data: list[float]) -> tuple[float, float]:
    mean = math.fsum(data) / len(data)
    return mean, math.fsum((v - mean) ** 2 for v in data) / (len(data) - 1)


def welch_interval(
    a: Sequence[float], b: Sequence[float], confidence: float = 0.95
) -> tuple[float, float, float, float]:
    """mean(a) − mean(b) and its Welch t interval: ``(difference, low, high, df)``.

    The degrees of freedom are Welch–Satterthwaite's. Each sample needs two or more finite
    values; when both have zero variance the interval has zero width and df is
    len(a) + len(b) − 2 (the pooled value; the Welch formula is 0/0 there).
    """
    confidence = _check_confidence(confidence)
    x, y = _finite(a, "a", 2), _finite(b, "b", 2)
    (mx, vx), (my, vy) = _mean_var(x), _mean_var(y)
    diff = mx - my
    sx, sy = vx / len(x), vy / len(y)
    se2 = sx + sy
    if se2 == 0.0:
        return diff, diff, diff, float(len(x) + len(y) - 2)
    df = se2 * se2 / (sx * sx / (len(x) - 1) + sy * sy / (len(y) - 1))
    half = student_t_quantile(0.5 + confidence / 2.0, df) * math.sqrt(se2)
    return diff, diff - half, diff + half, df


def paired_interval(
    a: Sequence[float], b: Sequence[float], confidence: float = 0.95
) -> tuple[float, float, float]:
    """The mean of a[i] − b[i] and its t interval: ``(difference, low, high)``.

    For the same seeds on both sides (pair i is seed i); needs two or more pairs.
    """
    confidence = _check_confidence(confidence)
    x, y = _finite(a, "a", 2), _finite(b, "b", 2)
    if len(x) != len(y):
        raise ValueError(f"paired samples need the same length, got {len(x)} and {len(y)}")
    summary = summarize([u - v for u, v in zip(x, y, strict=True)], confidence)
    assert summary.low is not None and summary.high is not None
    return summary.mean, summary.low, summary.high


def bootstrap_interval(
    values: Sequence[float],
    statistic: Callable[[Sequence[float]], float],
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
    other: Sequence[float] | None = None,
) -> tuple[float, float, float]:
    """A percentile bootstrap interval: ``(estimate, low, high)``.

    The estimate is ``statistic(values)``, or with ``other`` the difference
    ``statistic(values) − statistic(other)``, each sample resampled independently with
    replacement. ``random.Random(seed)`` draws the resamples, so the interval is the same on
    every call with the same arguments. The ends are the type-7 quantiles (1 ∓ confidence) / 2
    of the resampled statistics. A difference of two infinite statistics (inf − inf) is
    undefined: a ValueError says in how many resamples it occurred.
    """
    confidence = _check_confidence(confidence)
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 1:
        raise ValueError(f"resamples must be a whole number, 1 or more, got {resamples!r}")
    x = _ordered(values, "values")
    y = None if other is None else _ordered(other, "other")
    rng = random.Random(seed)

    def value(sample: Sequence[float], versus: Sequence[float] | None) -> float:
        s = float(statistic(sample))
        return s if versus is None else s - float(statistic(versus))

    estimate = value(x, y)
    stats = []
    for _ in range(resamples):
        sample = rng.choices(x, k=len(x))
        versus = None if y is None else rng.choices(y, k=len(y))
        stats.append(value(sample, versus))
    undefined = sum(math.isnan(s) for s in stats)
    if undefined or math.isnan(estimate):
        raise ValueError(
            f"the statistic is undefined (NaN, for example inf − inf) in {undefined} of "
            f"{resamples} resamples{' and in the sample itself' if math.isnan(estimate) else ''}"
        )
    stats.sort()
    alpha = 1.0 - confidence
    return estimate, _interpolate(stats, alpha / 2.0), _interpolate(stats, 1.0 - alpha / 2.0)


def _json_number(x: float | None) -> float | str | None:
    if x is None or math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


@dataclass(frozen=True)
class Estimate:
    """A point estimate, its interval (None when there is none) and how it was computed.

    ``method`` is for example "t", "paired t", "welch", "clopper-pearson", "newcombe",
    "order statistic" or "bootstrap"; ``n`` the number of values (seeds) behind ``value``;
    ``n_versus`` those of the other side of a comparison; ``note`` a remark such as
    "zero variance".
    """

    value: float
    low: float | None
    high: float | None
    n: int
    method: str
    confidence: float
    std: float | None = None
    note: str = ""
    n_versus: int | None = None

    def as_dict(self) -> dict[str, float | int | str | None]:
        """The estimate as JSON-ready values; infinities become the strings "inf"/"-inf"."""
        return {
            "value": _json_number(self.value),
            "ci_low": _json_number(self.low),
            "ci_high": _json_number(self.high),
            "n": self.n,
            "n_versus": self.n_versus,
            "method": self.method,
            "confidence": self.confidence,
            "std": _json_number(self.std),
            "note": self.note,
        }
