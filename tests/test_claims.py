# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""claims.toml: reading and checking it, the claim kinds (mean, rate, median, quantile,
criterion, comparison), resolving experiments and variants, and the verdict rules."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from dlc_common.judge.claims import (
    INCONCLUSIVE,
    NOT_JUDGED,
    NOT_REPRODUCED,
    REPRODUCED,
    Claim,
    Claims,
    ClaimsError,
    Criterion,
    judge,
    load_claims,
    per_seed,
    resolve,
)

GOOD = """
confidence = 0.9
[[claims]]
id = "ppl"
metric = "test_perplexity"
value = 120
tolerance = 5.5
direction = "lower"
where = "Table 2"
description = "Perplexity of SCRN on Penn Treebank"
[[claims]]
metric = "test_accuracy"
value = 0.9
tolerance = 0.02
direction = "higher"
where = "Section 4.1"
[report]
scope = "We test two claims."
"""


def claim(direction: str, value: float = 0.9, tolerance: float = 0.02) -> Claim:
    return Claim("c", "m", value, tolerance, direction, "Table 1")


def test_load_claims(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    path.write_text(GOOD)
    claims = load_claims(path)
    assert claims.confidence == 0.9
    assert [c.id for c in claims.claims] == ["ppl", "test_accuracy"]
    assert claims.claims[0].value == 120.0 and isinstance(claims.claims[0].value, float)
    assert claims.claims[0].target == "test_perplexity ≤ 120 + 5.5"
    assert claims.claims[1].target == "test_accuracy ≥ 0.9 − 0.02"
    assert claims.report["scope"] == "We test two claims."
    path.write_text(GOOD.replace("tolerance = 5.5", 'tolerance = "5%"'))
    assert load_claims(path).claims[0].tolerance == pytest.approx(6.0)  # 5% of 120
    path.write_text("")
    assert load_claims(path).claims == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[claims]]\nmetric = 'm'\nvalue = 1\n", "claim 1: missing tolerance, direction, where"),
        (
            "[[claims]]\nmetric='m'\nvalue=1\ntolerance=0\ndirection='hihger'\nwhere='T1'\n",
            "direction: 'hihger' is not one of higher, lower, equal; did you mean 'higher'?",
        ),
        (
            "[[claims]]\nmetric='m'\nvalue='0.9'\ntolerance=0\ndirection='equal'\nwhere='T1'\n",
            "claim 1: value: expected a number, got '0.9'",
        ),
        (
            "[[claims]]\nmetric='m'\nvalue=1\ntolerance=-1\ndirection='equal'\nwhere='T1'\n",
            "tolerance: must be 0 or more",
        ),
        (
            "[[claims]]\nmetric='m'\nvalue=1\ntolerance=0\ndirection='equal'\nwher='T1'\n",
            "wher: unknown field; did you mean 'where'?",
        ),
        ("[[claim]]\nmetric='m'\n", "claim: unknown top-level key; did you mean 'claims'?"),
        ("confidence = 95\n", "confidence: expected a number such as 0.95"),
        (
            "[[claims]]\nmetric='m'\nvalue=1\ntolerance='x%'\ndirection='equal'\nwhere='T'\n",
            "tolerance: 'x%' is not a percentage",
        ),
        ("[[claims]\n", "not valid TOML"),
    ],
)
def test_bad_claims_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "claims.toml"
    path.write_text(text)
    with pytest.raises(ClaimsError) as info:
        load_claims(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_duplicate_ids(tmp_path: Path) -> None:
    one = "[[claims]]\nmetric='m'\nvalue=1\ntolerance=0\ndirection='equal'\nwhere='T1'\n"
    path = tmp_path / "claims.toml"
    path.write_text(one + one)
    with pytest.raises(ClaimsError, match="two claims are called 'm'"):
        load_claims(path)


def test_verdicts_use_the_confidence_interval() -> None:
    tight_high = [0.95, 0.951, 0.949]
    assert judge(claim("higher"), tight_high).status == REPRODUCED
    assert judge(claim("higher"), [0.85, 0.86, 0.85]).status == NOT_REPRODUCED
    # The mean (0.9) clears 0.88, but with this spread the interval straddles it: neither
    # verdict is established, more seeds would settle it.
    wide = [0.80, 1.0, 0.90]
    verdict = judge(claim("higher"), wide)
    assert verdict.status == INCONCLUSIVE
    assert verdict.summary is not None and verdict.summary.low is not None
    assert verdict.summary.low < 0.88 < verdict.summary.mean
    assert "straddles 0.88: more seeds" in verdict.reason
    # The whole interval below the band: not reproduced, also for a wide interval.
    below = judge(claim("higher"), [0.60, 0.70, 0.65])
    assert below.status == NOT_REPRODUCED and "upper end < 0.88" in below.reason

    assert judge(claim("lower", 120, 5), [118, 121, 119.5]).status == REPRODUCED
    assert judge(claim("lower", 120, 5), [130, 131, 129]).status == NOT_REPRODUCED
    assert judge(claim("equal", 0.5, 0.05), [0.5, 0.51, 0.49]).status == REPRODUCED
    # Better than the paper is not "equal".
    assert judge(claim("equal", 0.5, 0.05), [0.7, 0.71, 0.69]).status == NOT_REPRODUCED
    assert judge(claim("lower", 120, 5), [110, 135, 122]).status == INCONCLUSIVE
    # An interval across one edge of an "equal" band, or wider than the band: inconclusive.
    assert judge(claim("equal", 0.5, 0.05), [0.52, 0.56, 0.54]).status == INCONCLUSIVE
    assert judge(claim("equal", 0.5, 0.05), [0.3, 0.7, 0.5]).status == INCONCLUSIVE
    # A lower confidence level gives a narrower interval, here one that clears 0.88.
    assert judge(claim("higher"), wide, confidence=0.2).status == REPRODUCED


def test_not_judged() -> None:
    smoke = judge(claim("higher"), [0.95, 0.96], judged=False)
    assert smoke.status == NOT_JUDGED and smoke.summary is not None
    assert judge(claim("higher"), [0.95]).status == NOT_JUDGED
    assert "run 2 or more" in judge(claim("higher"), [0.95]).reason
    missing = judge(claim("higher"), [])
    assert missing.status == NOT_JUDGED and "no run reported the metric 'm'" in missing.reason


def make(**fields: Any) -> Claim:
    base = {"id": "c", "metric": "m", "value": 1.0, "tolerance": 0.05, "direction": "higher"}
    return Claim(**{**base, "where": "Table 1", **fields})


NEW = """
[[claims]]
id = "solved"
metric = "solved"
statistic = "rate"
value = 1.0
tolerance = 0.05
direction = "higher"
where = "Table 1"
[[claims]]
id = "sweeps"
metric = "sweeps"
statistic = "median"
value = 1500
tolerance = 0
direction = "lower"
where = "Table 2"
[[claims]]
id = "lstm-beats-rnn"
experiment = "copy"
variant = "lstm"
versus = "rnn"
metric = "acc"
value = 0
tolerance = 0
direction = "higher"
where = "Figure 3"
[[claims]]
id = "speed"
metric = "loss"
criterion = { at_most = 0.1 }
value = 20
tolerance = 2
direction = "lower"
where = "Section 5"
[[claims]]
id = "fast"
metric = "loss"
criterion = { at_most = 0.1, within = 20, count = "step" }
statistic = "rate"
value = 0.9
tolerance = 0
direction = "higher"
where = "Section 5"
[[claims]]
id = "p90"
metric = "acc"
statistic = "quantile"
q = 0.9
at_least = 0.5
min_seeds = 3
value = 0.8
tolerance = 0.01
direction = "equal"
where = "Table 3"
"""


def test_load_new_claim_kinds(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    path.write_text(NEW.replace("at_least = 0.5\n", ""))
    claims = {c.id: c for c in load_claims(path).claims}
    assert claims["solved"].target == "rate(solved) ≥ 1 − 0.05"
    assert claims["sweeps"].target == "median(sweeps) ≤ 1500 + 0"
    assert claims["lstm-beats-rnn"].target == "mean(acc[lstm] − acc[rnn]) ≥ 0 − 0"
    speed = claims["speed"]
    assert speed.statistic == "median"  # the default with a criterion
    assert speed.criterion == Criterion(at_most=0.1)
    assert speed.target == "median(epochs until loss ≤ 0.1) ≤ 20 + 2"
    fast = claims["fast"]
    assert fast.criterion == Criterion(at_most=0.1, count="step", within=20)
    assert fast.target == "rate(loss ≤ 0.1 within 20 steps) ≥ 0.9 − 0"
    assert claims["p90"].target == "quantile(acc, 0.9) = 0.8 ± 0.01"
    assert claims["p90"].min_seeds == 3 and claims["p90"].q == 0.9
    # Old claims get the defaults.
    assert (claims["solved"].experiment, claims["solved"].versus, claims["solved"].min_seeds) == (
        "",
        "",
        5,
    )
    # at_least alone makes a rate claim.
    first = "[[claims]]" + NEW.split("[[claims]]")[1]
    path.write_text(first.replace('statistic = "rate"', "at_least = 0.5"))
    (rate,) = load_claims(path).claims
    assert rate.statistic == "rate" and rate.target == "rate(solved ≥ 0.5) ≥ 1 − 0.05"


def test_claim_round_trips_through_json() -> None:
    claim = make(criterion={"at_least": 0.9, "count": "step"}, statistic="rate")
    assert isinstance(claim.criterion, Criterion)
    data = json.loads(json.dumps(claim.as_dict(), allow_nan=False))
    assert Claim(**data) == claim
    assert Claim(**make().as_dict()) == make()


BASE = "[[claims]]\nid='x'\nmetric='m'\nvalue=0.5\ntolerance=0\ndirection='higher'\nwhere='T1'\n"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "statistic = 'meen'",
            "statistic: 'meen' is not one of mean, rate, median, quantile; " "did you mean 'mean'?",
        ),
        ("statistic = 3", "statistic: expected a string in quotes, got 3"),
        ("statistics = 'rate'", "statistics: unknown field; did you mean 'statistic'?"),
        ("statistic = 'quantile'", 'q: statistic = "quantile" needs q'),
        ("statistic = 'quantile'\nq = 1.5", "q: must be strictly between 0 and 1"),
        ("statistic = 'quantile'\nq = 0", "q: must be strictly between 0 and 1"),
        ("statistic = 'quantile'\nq = '0.9'", "q: expected a number, got '0.9'"),
        ("statistic = 'median'\nq = 0.5", 'q: only for statistic = "quantile"'),
        ("q = 0.5", 'q: only for statistic = "quantile"'),
        ("at_least = 0.9\nat_most = 0.1", "at_least and at_most: give only one"),
        ("at_least = '0.9'", "at_least: expected a number, got '0.9'"),
        (
            "at_least = 0.9\nstatistic = 'mean'",
            "at_least: turns each seed into success or " 'failure, a rate; set statistic = "rate"',
        ),
        ("at_most = 0.9\nstatistic = 'median'", "at_most: turns each seed"),
        (
            "statistic = 'rate'\nvalue = 90",
            "value: a rate claim's value is a rate, in [0, 1], " "got 90; write 0.9 for 90%",
        ),
        ("statistic = 'rate'\nvalue = -0.1", "a rate, in [0, 1]"),
        (
            "statistic = 'rate'\nvariant='a'\nversus='b'\nvalue = 1.5",
            "a difference of rates, " "in [-1, 1]",
        ),
        ("min_seeds = 1", "min_seeds: must be 2 or more, got 1"),
        ("min_seeds = 2.5", "min_seeds: expected a whole number such as 5"),
        ("criterion = 0.1", "criterion: expected a table such as { at_most = 0.1 }"),
        (
            "criterion = { at_most = 0.1, at_least = 0.9 }",
            "criterion: both at_most and " "at_least; give one threshold",
        ),
        ("criterion = { count = 'epoch' }", "criterion: neither at_most nor at_least"),
        (
            "criterion = { at_mots = 0.1 }",
            "criterion: at_mots: unknown key; did you mean " "'at_most'?",
        ),
        ("criterion = { at_most = 'low' }", "criterion: at_most: expected a number"),
        (
            "criterion = { at_most = 0.1, within = 2.5 }",
            "criterion: within: expected a whole " "number",
        ),
        ("criterion = { at_most = 0.1, within = -1 }", "criterion: within: must be 0 or more"),
        ("criterion = { at_most = 0.1, count = '' }", "criterion: count: empty"),
        (
            "criterion = { at_most = 0.1, within = 20 }",
            "criterion: within: counts successes, " 'for statistic = "rate"',
        ),
        ("criterion = { at_most = 0.1 }\nat_least = 3", "at_least: not with a criterion"),
        ("variant = 'a'\nversus = 'a'", "versus: 'a' is the claim's own variant"),
        ("experiment = 'e'\nvariant = 'a'\nversus = 'e/a'", "versus: 'e/a' is the claim's own"),
        ("versus = 'a/b/c'", "versus: 'a/b/c' is not a variant; write versus = \"rnn\""),
        ("versus = '/b'", "versus: '/b' is not a variant"),
        ("experiment = 1", "experiment: expected a string in quotes, got 1"),
        ("variant = true", "variant: expected a string in quotes, got True"),
    ],
)
def test_bad_new_fields(tmp_path: Path, extra: str, message: str) -> None:
    path = tmp_path / "claims.toml"
    # The extra lines replace the base claim's lines of the same keys.
    keys = {line.split("=")[0].strip() for line in extra.splitlines()}
    lines = [line for line in BASE.splitlines() if line.split("=")[0].strip() not in keys]
    path.write_text("\n".join([*lines, extra]) + "\n")
    with pytest.raises(ClaimsError) as info:
        load_claims(path)
    assert f"{path}: claim 1 (x): " in str(info.value)
    assert message in str(info.value)


def test_rate_claims_use_clopper_pearson() -> None:
    claim = make(statistic="rate", value=1.0, tolerance=0.05)
    two = judge(claim, {0: 1.0, 1: 1.0})
    assert two.status == INCONCLUSIVE
    assert two.estimate is not None and two.estimate.method == "clopper-pearson"
    assert two.estimate.value == 1.0 and two.estimate.high == 1.0
    assert two.estimate.low == pytest.approx(0.1581, abs=5e-5)
    assert "2 of 2 seeds succeeded" in two.reason and "from 72 seeds" in two.reason
    hundred = judge(claim, [1.0] * 100)
    assert hundred.status == REPRODUCED
    assert hundred.estimate is not None
    assert hundred.estimate.low == pytest.approx(0.9638, abs=5e-5)
    # 0 of 10: [0, 0.3085]; n of n: [0.6915, 1].
    none = judge(make(statistic="rate", value=0.0, tolerance=0.35, direction="lower"), [0.0] * 10)
    assert none.status == REPRODUCED and none.estimate is not None
    assert (none.estimate.low, none.estimate.high) == (0.0, pytest.approx(0.3085, abs=5e-5))
    assert judge(make(statistic="rate", value=0.5, tolerance=0), [0.0] * 10).status == (
        NOT_REPRODUCED
    )
    ten = judge(make(statistic="rate", value=0.6, tolerance=0), [1.0] * 10)
    assert ten.status == REPRODUCED and ten.estimate is not None
    assert ten.estimate.low == pytest.approx(0.6915, abs=5e-5)
    half = judge(make(statistic="rate", value=0.5, tolerance=0.4, direction="equal"), [1, 0] * 5)
    assert half.status == REPRODUCED and half.estimate is not None  # [0.1871, 0.8129]
    assert (half.estimate.low, half.estimate.high) == (
        pytest.approx(0.1871, abs=5e-5),
        pytest.approx(0.8129, abs=5e-5),
    )
    # One seed still gives an exact interval: 1 of 1 is [0.025, 1].
    one = judge(claim, [1.0])
    assert one.status == INCONCLUSIVE and one.estimate is not None
    assert one.estimate.low == pytest.approx(0.025, abs=1e-9)


def test_rate_thresholds_and_non_binary_metrics() -> None:
    accuracies = {0: 0.95, 1: 0.97, 2: 0.85, 3: 0.99, 4: 0.91}
    verdict = judge(make(at_least=0.9, value=0.8, tolerance=0), accuracies)
    assert verdict.claim.statistic == "rate"
    assert verdict.estimate is not None and verdict.estimate.value == 0.8  # 4 of 5
    assert verdict.estimate.low == pytest.approx(0.2836, abs=5e-5)
    assert verdict.estimate.high == pytest.approx(0.975**0.2, abs=1e-9)
    assert verdict.status == INCONCLUSIVE
    # The summary is of the metric itself, for the report's mean ± std.
    assert verdict.summary is not None and verdict.summary.mean == pytest.approx(0.934)
    at_most = judge(make(at_most=0.9, value=0.2, tolerance=0, direction="equal"), accuracies)
    assert at_most.estimate is not None and at_most.estimate.value == pytest.approx(0.2)
    with pytest.raises(ClaimsError, match=r"seed 0 gave m = 0\.95; set at_least = x"):
        judge(make(statistic="rate"), accuracies)


def test_zero_variance_needs_min_seeds() -> None:
    claim = make(value=0.9, tolerance=0.0)
    few = judge(claim, [1.0, 1.0, 1.0])
    assert few.status == INCONCLUSIVE
    assert few.reason == (
        "all 3 seeds gave exactly 1: a zero-width interval from fewer than 5 seeds is not "
        'certainty; run at least 5 seeds or use statistic = "rate" for a 0/1 outcome'
    )
    assert few.estimate is not None and few.estimate.note == "zero variance"
    assert few.summary is not None and few.summary.std == 0.0
    # Not 0/1: no hint at rates; also inconclusive when the value is off the claim.
    low = judge(claim, [0.5, 0.5])
    assert low.status == INCONCLUSIVE and "rate" not in low.reason
    enough = judge(claim, [1.0] * 5)
    assert enough.status == REPRODUCED and "zero variance over 5 seeds" in enough.reason
    assert judge(claim, [0.5] * 5).status == NOT_REPRODUCED
    assert judge(make(value=0.9, tolerance=0.0, min_seeds=3), [1.0] * 3).status == REPRODUCED


def test_median_and_quantile_claims() -> None:
    values = {s: float(v) for s, v in enumerate([9, 3, 7, 1, 5, 2, 8, 4, 10, 6])}
    claim = make(statistic="median", value=9.5, tolerance=0, direction="lower")
    verdict = judge(claim, values)
    assert verdict.status == REPRODUCED and verdict.estimate is not None
    assert verdict.estimate.method == "order statistic" and verdict.estimate.value == 5.5
    assert (verdict.estimate.low, verdict.estimate.high) == (2.0, 9.0)  # ranks 2 and 9
    assert "ranks 2 and 9 of 10" in verdict.reason and "upper end ≤ 9.5" in verdict.reason
    assert judge(make(statistic="median", value=5, tolerance=0), values).status == INCONCLUSIVE
    assert judge(make(statistic="median", value=1, tolerance=0), values).status == REPRODUCED
    assert judge(make(statistic="median", value=10, tolerance=0), values).status == (NOT_REPRODUCED)
    five = judge(claim, [1.0, 2.0, 3.0, 4.0, 5.0])
    assert five.status == NOT_JUDGED
    assert five.reason == "5 seeds are too few for a 95% interval of the median; run at least 6"
    assert five.estimate is not None and five.estimate.value == 3.0 and five.estimate.low is None
    one = judge(claim, [1.0])
    assert one.reason == "1 seed is too few for a 95% interval of the median; run at least 6"
    p90 = make(statistic="quantile", q=0.9, value=5, tolerance=0)
    assert "0.9-quantile; run at least 29" in judge(p90, values).reason
    many = judge(p90, [float(v) for v in range(29)])
    assert many.estimate is not None and many.estimate.value == pytest.approx(25.2)
    # Ranks 21 and 29: P(21 <= B <= 28) = 0.9513 for B ~ Bin(29, 0.9), and no narrower pair.
    assert (many.estimate.low, many.estimate.high) == (20.0, 28.0)
    assert "ranks 21 and 29 of 29" in many.reason


def test_mean_comparisons_paired_or_welch() -> None:
    claim = make(variant="a", versus="b", value=0.0, tolerance=0.0)
    a, b = {0: 1.0, 1: 2.0, 2: 3.0}, {0: 0.5, 1: 1.7, 2: 2.1}
    paired = judge(claim, a, versus=b)
    assert paired.estimate is not None and paired.estimate.method == "paired t"
    # Differences 0.5, 0.3, 0.9: mean 0.5667, sd 0.30551, t(0.975, 2) = 4.302653.
    half = 4.302653 * 0.305505 / math.sqrt(3)
    assert paired.estimate.value == pytest.approx(0.566667, abs=1e-6)
    assert paired.estimate.low == pytest.approx(0.566667 - half, abs=1e-5)
    assert paired.estimate.high == pytest.approx(0.566667 + half, abs=1e-5)
    assert paired.status == INCONCLUSIVE and "paired over the same 3 seeds" in paired.reason
    assert paired.summary is not None and paired.summary.mean == pytest.approx(0.566667)
    # Other seeds on one side: Welch (R: t.test(c(1, 2, 3, 4), c(2, 4, 6)), -5.5423 to 2.5423).
    welch = judge(claim, {0: 1.0, 1: 2.0, 2: 3.0, 3: 4.0}, versus={0: 2.0, 1: 4.0, 5: 6.0})
    assert welch.estimate is not None and welch.estimate.method == "welch"
    assert welch.estimate.value == pytest.approx(-1.5) and welch.estimate.n_versus == 3
    assert welch.estimate.low == pytest.approx(-5.5423, abs=5e-5)
    assert welch.estimate.high == pytest.approx(2.5423, abs=5e-5)
    assert welch.status == INCONCLUSIVE
    # Sequences carry no seeds: Welch, even with equal lengths.
    unlabelled = judge(claim, list(a.values()), versus=list(b.values()))
    assert unlabelled.estimate is not None and unlabelled.estimate.method == "welch"
    # A clear win, paired.
    win = judge(claim, {s: 0.9 + 0.01 * s for s in range(5)}, versus={s: 0.5 for s in range(5)})
    assert win.status == REPRODUCED and win.estimate is not None
    assert win.estimate.method == "paired t"
    # Zero variance of the differences from 3 seeds: inconclusive; from 5: judged.
    same = judge(claim, {0: 2.0, 1: 3.0, 2: 4.0}, versus={0: 1.0, 1: 2.0, 2: 3.0})
    assert same.status == INCONCLUSIVE and "fewer than 5 seeds" in same.reason
    one = judge(claim, {0: 1.0}, versus={1: 0.0, 2: 0.5})
    assert one.status == NOT_JUDGED and "run 2 or more on each side" in one.reason
    missing = judge(claim, a, versus={})
    assert missing.status == NOT_JUDGED and "no run of 'b' (versus)" in missing.reason
    with pytest.raises(ValueError, match="sets no versus"):
        judge(make(), a, versus=b)


def test_rate_and_median_comparisons() -> None:
    rate = make(statistic="rate", variant="a", versus="b", value=0.0, tolerance=0.0)
    a = [1.0] * 56 + [0.0] * 14
    b = [1.0] * 48 + [0.0] * 32
    verdict = judge(rate, a, versus=b)
    assert verdict.estimate is not None and verdict.estimate.method == "newcombe"
    assert verdict.estimate.value == pytest.approx(0.2)
    assert verdict.estimate.low == pytest.approx(0.0524, abs=5e-5)
    assert verdict.estimate.high == pytest.approx(0.3339, abs=5e-5)
    assert verdict.status == REPRODUCED and "56 of 70 vs 48 of 80" in verdict.reason
    assert rate.target == "rate(m[a]) − rate(m[b]) ≥ 0 − 0"

    med = make(statistic="median", variant="a", versus="b", value=0.0, tolerance=0.0)
    x = {s: 10.0 + s for s in range(10)}
    y = {s: float(s) for s in range(10)}
    first, second = judge(med, x, versus=y), judge(med, x, versus=y)
    assert first.estimate is not None and first.estimate.method == "bootstrap"
    assert first.estimate.value == 10.0 and first.status == REPRODUCED
    assert first.estimate == second.estimate  # seed 0: the same interval every time
    assert first.estimate.low is not None and 0 < first.estimate.low < 10
    few = judge(med, {s: float(s) for s in range(5)}, versus=y)
    assert few.status == NOT_JUDGED and "run at least 6 on each side" in few.reason


HISTORIES = {
    0: [
        {"epoch": 1, "loss": 0.5},
        {"epoch": 2, "loss": 0.2},
        {"epoch": 3, "loss": 0.09},
        {"epoch": 4, "loss": 0.05},
    ],
    1: [{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": 0.4}],
    2: [{"epoch": 1, "accuracy": 0.5}],
    3: [{"epoch": 1, "loss": 0.3}, {"epoch": 2}, {"epoch": 3, "loss": 0.1}],
}


def test_criterion_from_histories() -> None:
    claim = make(metric="loss", criterion={"at_most": 0.1}, value=3, tolerance=0, direction="lower")
    # Seed 0 reaches 0.1 at epoch 3, seed 1 never, seed 2 has no loss, seed 3 at epoch 3.
    assert per_seed(claim, {}, HISTORIES) == {0: 3.0, 1: math.inf, 3: 3.0}
    up = make(metric="loss", criterion={"at_least": 0.45})
    assert per_seed(up, {}, HISTORIES) == {0: 1.0, 1: 1.0, 3: math.inf}
    with pytest.raises(ValueError, match="pass each seed's history"):
        per_seed(claim, {})
    with pytest.raises(ClaimsError, match="criterion: count: the history of seed 0 has no"):
        per_seed(make(metric="loss", criterion={"at_most": 0.1, "count": "step"}), {}, HISTORIES)

    mean = make(metric="loss", criterion={"at_most": 0.1}, statistic="mean", value=3)
    never = judge(mean, per_seed(mean, {}, HISTORIES))
    assert never.status == NOT_JUDGED
    assert never.reason == (
        '1 of 3 seeds never reached the criterion: use statistic = "median" or "rate"'
    )
    # The median of [3, 3, inf, ...]: the verdict and the JSON (inf as a string).
    histories = {s: HISTORIES[1] if s in (1, 5) else HISTORIES[0] for s in range(8)}
    sample = per_seed(claim, {}, histories)
    assert sorted(sample.values()) == [3.0] * 6 + [math.inf] * 2
    verdict = judge(claim, sample)
    assert verdict.estimate is not None and verdict.estimate.value == 3.0
    assert (verdict.estimate.low, verdict.estimate.high) == (3.0, math.inf)
    assert verdict.status == INCONCLUSIVE and verdict.summary is None
    data = json.loads(json.dumps(verdict.as_dict(), allow_nan=False))
    assert data["estimate"]["ci_high"] == "inf" and data["statistic"] == "median"
    assert data["claim"]["criterion"] == {"at_most": 0.1, "count": "epoch"}

    rate = make(metric="loss", criterion={"at_most": 0.1}, statistic="rate", value=0.5)
    verdict = judge(rate, sample)
    assert verdict.estimate is not None and verdict.estimate.value == 0.75  # 6 of 8 reached
    soon = make(metric="loss", criterion={"at_most": 0.1, "within": 2}, statistic="rate", value=0)
    assert judge(soon, sample).estimate.value == 0.0  # type: ignore[union-attr]


def test_per_seed_without_criterion() -> None:
    metrics = {0: {"m": 0.9, "x": 1.0}, 1: {"x": 2.0}, 2: {"m": None}, 3: {"m": 1}}
    assert per_seed(make(), metrics) == {0: 0.9, 3: 1.0}


def test_smoke_profile_still_estimates() -> None:
    verdict = judge(make(statistic="rate"), [1.0, 0.0, 1.0], judged=False)
    assert verdict.status == NOT_JUDGED and "judge = false" in verdict.reason
    assert verdict.estimate is not None and verdict.estimate.value == pytest.approx(2 / 3)


def claims_of(*claims: Claim) -> Claims:
    return Claims(list(claims), path=Path("claims.toml"))


def test_resolve_fills_and_checks() -> None:
    one = {"copy": ["lstm"]}
    (filled,) = resolve(claims_of(make()), one).claims
    assert (filled.experiment, filled.variant, filled.versus) == ("copy", "lstm", "")
    many = {"copy": ["lstm", "rnn", "gru"], "add": ["lstm"]}
    (cmp,) = resolve(claims_of(make(experiment="copy", variant="lstm", versus="rnn")), many).claims
    assert cmp.versus == "copy/rnn" and cmp.versus_variant == "rnn"
    assert cmp.target == "mean(m[lstm] − m[rnn]) ≥ 1 − 0.05"  # same experiment: the variant
    (single,) = resolve(claims_of(make(experiment="add")), many).claims
    assert single.variant == "lstm"
    # No experiments defined: claims that name none stay as they are.
    assert resolve(claims_of(make()), {}).claims == [make()]
    # Across experiments: only with the metric known in both.
    across = make(experiment="copy", variant="lstm", versus="add/lstm")
    (ok,) = resolve(claims_of(across), many, {"copy": {"m"}, "add": {"m", "y"}}).claims
    assert ok.versus == "add/lstm" and ok.versus_experiment == "add"
    assert ok.target == "mean(m[lstm] − m[add/lstm]) ≥ 1 − 0.05"


@pytest.mark.parametrize(
    ("claim", "metrics", "message"),
    [
        (
            make(),
            None,
            "claim 1 (c): experiment: there are several experiments ('copy', 'add'); "
            'name one, for example experiment = "copy"',
        ),
        (
            make(experiment="cpy"),
            None,
            "experiment: 'cpy' is not one of the experiments "
            "('copy', 'add'); did you mean 'copy'?",
        ),
        (
            make(experiment="copy"),
            None,
            "variant: there are several variants of 'copy' " "('lstm', 'rnn')",
        ),
        (
            make(experiment="copy", variant="lstn"),
            None,
            "variant: 'lstn' is not one of the "
            "variants of 'copy' ('lstm', 'rnn'); did you mean 'lstm'?",
        ),
        (
            make(experiment="copy", variant="lstm", versus="rn"),
            None,
            "versus: 'rn' is not one "
            "of the variants of 'copy' ('lstm', 'rnn'); did you mean 'rnn'?",
        ),
        (
            make(experiment="copy", variant="lstm", versus="ad/lstm"),
            None,
            "versus: 'ad' is not " "one of the experiments (before the /)",
        ),
        (
            make(experiment="add", versus="lstm"),
            None,
            "versus: 'lstm' is the claim's own " "variant",
        ),
        (
            make(experiment="copy", variant="lstm", versus="add/lstm"),
            None,
            "a comparison " "across experiments needs the metric 'm' in both 'copy' and 'add'",
        ),
        (
            make(experiment="copy", variant="lstm", versus="add/lstm"),
            {"copy": {"m"}, "add": {"y"}},
            "a comparison across experiments needs the metric",
        ),
    ],
)
def test_resolve_errors(claim: Claim, metrics: Any, message: str) -> None:
    experiments = {"copy": ["lstm", "rnn"], "add": ["lstm"]}
    with pytest.raises(ClaimsError) as info:
        resolve(claims_of(claim), experiments, metrics)
    assert str(info.value).startswith("claims.toml: claim 1 (c): ")
    assert message in str(info.value)
