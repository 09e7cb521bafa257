# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""claims.toml: reading and checking it, and the verdict rules on the confidence interval."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlc_common.claims import (
    INCONCLUSIVE,
    NOT_JUDGED,
    NOT_REPRODUCED,
    REPRODUCED,
    Claim,
    ClaimsError,
    judge,
    load_claims,
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
