# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The paper's claims (``claims.toml``) and the verdict of a replication on each of them.

A claim is judged on the confidence interval of the mean over seeds, so that one lucky seed
cannot reproduce a claim and one unlucky seed cannot refute it:

- ``higher``: the paper reports at least ``value``; reproduced when the interval's lower end
  is at least ``value - tolerance``;
- ``lower``: the paper reports at most ``value``; reproduced when the interval's upper end is
  at most ``value + tolerance``;
- ``equal``: reproduced when the whole interval lies within ``value ± tolerance``.

Not reproduced when the whole interval lies on the wrong side (``equal``: outside the band);
inconclusive when it straddles the edge, which more seeds may settle either way.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlc_common.config import ConfigError, read_toml
from dlc_common.stats import Summary, summarize

__all__ = [
    "DIRECTIONS",
    "INCONCLUSIVE",
    "NOT_JUDGED",
    "NOT_REPRODUCED",
    "REPRODUCED",
    "Claim",
    "Claims",
    "ClaimsError",
    "Verdict",
    "judge",
    "load_claims",
]

DIRECTIONS = ("higher", "lower", "equal")
REPRODUCED, NOT_REPRODUCED, NOT_JUDGED = "reproduced", "not reproduced", "not judged"
# The interval straddles the edge of the band: neither verdict is established by these seeds.
INCONCLUSIVE = "inconclusive"
_CLAIM_FIELDS = {
    "id": str,
    "metric": str,
    "value": float,
    "tolerance": float,
    "direction": str,
    "where": str,
    "description": str,
    "curve": str,
}
_OPTIONAL = {"description", "curve", "id"}
_TOP_LEVEL = {"claims", "confidence", "paper", "report"}


class ClaimsError(ConfigError):
    """A claims file that cannot be used, naming the claim, the field and the fix."""


@dataclass(frozen=True)
class Claim:
    """One claim of the paper: a metric, its value, how close is close enough, and where."""

    id: str
    metric: str
    value: float
    tolerance: float
    direction: str
    where: str
    description: str = ""
    curve: str = ""

    @property
    def target(self) -> str:
        """The claim as a formula, for example ``test_accuracy ≥ 0.9 − 0.05``."""
        v, t = f"{self.value:g}", f"{self.tolerance:g}"
        return {
            "higher": f"{self.metric} ≥ {v} − {t}",
            "lower": f"{self.metric} ≤ {v} + {t}",
            "equal": f"{self.metric} = {v} ± {t}",
        }[self.direction]


@dataclass(frozen=True)
class Claims:
    """The claims file: the claims, the confidence level, and the report's free text."""

    claims: list[Claim]
    confidence: float = 0.95
    paper: dict[str, Any] = field(default_factory=dict)
    report: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


@dataclass(frozen=True)
class Verdict:
    """The verdict on one claim, with the statistics and the reason in words."""

    claim: Claim
    status: str
    summary: Summary | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """The verdict as plain JSON-ready values."""
        return {
            "claim": self.claim.__dict__,
            "status": self.status,
            "summary": None if self.summary is None else self.summary.as_dict(),
            "reason": self.reason,
        }


def _check_field(where: str, key: str, value: Any) -> Any:
    kind = _CLAIM_FIELDS[key]
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            hint = ' or a percentage such as "5%"' if key == "tolerance" else ""
            raise ClaimsError(f"{where}: {key}: expected a number{hint}, got {value!r}")
        if not math.isfinite(value):
            raise ClaimsError(f"{where}: {key}: expected a finite number, got {value!r}")
        return float(value)
    if not isinstance(value, str):
        raise ClaimsError(f"{where}: {key}: expected a string in quotes, got {value!r}")
    return value


def _parse_claim(where: str, table: Any, index: int) -> Claim:
    if not isinstance(table, Mapping):
        raise ClaimsError(f"{where}: expected a [[claims]] table, got {table!r}")
    for key in table:
        if key not in _CLAIM_FIELDS:
            close = difflib.get_close_matches(key, list(_CLAIM_FIELDS), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"fields: {', '.join(_CLAIM_FIELDS)}"
            raise ClaimsError(f"{where}: {key}: unknown field; {hint}")
    missing = [k for k in _CLAIM_FIELDS if k not in _OPTIONAL and k not in table]
    if missing:
        raise ClaimsError(
            f"{where}: missing {', '.join(missing)}; a claim needs metric, value, tolerance, "
            f'direction ({" | ".join(DIRECTIONS)}) and where (for example "Table 2")'
        )
    table = dict(table)
    tolerance = table.get("tolerance")
    if isinstance(tolerance, str) and tolerance.strip().endswith("%"):
        # A relative tolerance: "5%" of the paper's value.
        try:
            percent = float(tolerance.strip()[:-1])
        except ValueError:
            percent = -1.0
        value = table.get("value")
        if percent < 0 or isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ClaimsError(
                f"{where}: tolerance: {tolerance!r} is not a percentage of a numeric value; "
                'write for example tolerance = "5%" or tolerance = 0.02'
            )
        table["tolerance"] = abs(value) * percent / 100.0
    values = {key: _check_field(where, key, value) for key, value in table.items()}
    values.setdefault("id", values["metric"])
    if values["tolerance"] < 0:
        raise ClaimsError(f"{where}: tolerance: must be 0 or more, got {values['tolerance']}")
    if values["direction"] not in DIRECTIONS:
        close = difflib.get_close_matches(values["direction"], DIRECTIONS, n=1, cutoff=0.3)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ClaimsError(
            f"{where}: direction: {values['direction']!r} is not one of "
            f"{', '.join(DIRECTIONS)}{hint}"
        )
    if not values["metric"].strip():
        raise ClaimsError(f"{where}: metric: empty; name a key of the final metrics")
    return Claim(**values)


def load_claims(path: str | Path) -> Claims:
    """Read and check a claims file; errors name the claim and the field."""
    path = Path(path)
    try:
        data = read_toml(path, "claims file (claims.toml)")
    except ClaimsError:
        raise
    except ConfigError as exc:
        raise ClaimsError(str(exc)) from None
    for key in data:
        if key not in _TOP_LEVEL:
            close = difflib.get_close_matches(key, sorted(_TOP_LEVEL), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "write claims as [[claims]] tables"
            raise ClaimsError(f"{path}: {key}: unknown top-level key; {hint}")
    tables = data.get("claims", [])
    if not isinstance(tables, list):
        raise ClaimsError(f"{path}: claims: write each claim as a [[claims]] table")
    claims = [_parse_claim(f"{path}: claim {i + 1}", t, i) for i, t in enumerate(tables)]
    seen: set[str] = set()
    for claim in claims:
        if claim.id in seen:
            raise ClaimsError(f"{path}: id: two claims are called {claim.id!r}; give each an id")
        seen.add(claim.id)
    confidence = data.get("confidence", 0.95)
    if isinstance(confidence, bool) or not isinstance(confidence, float) or not 0 < confidence < 1:
        raise ClaimsError(f"{path}: confidence: expected a number such as 0.95, got {confidence!r}")
    for name in ("paper", "report"):
        if not isinstance(data.get(name, {}), Mapping):
            raise ClaimsError(f"{path}: {name}: expected a [{name}] table")
    report = {str(k): str(v) for k, v in data.get("report", {}).items()}
    return Claims(claims, confidence, dict(data.get("paper", {})), report, path)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def judge(
    claim: Claim, values: Sequence[float], confidence: float = 0.95, judged: bool = True
) -> Verdict:
    """The verdict on ``claim`` from the metric's final value in each seed's run."""
    summary = summarize(values, confidence) if values else None
    if not judged:
        return Verdict(claim, NOT_JUDGED, summary, "this profile sets judge = false (a smoke test)")
    if summary is None:
        return Verdict(claim, NOT_JUDGED, None, f"no run reported the metric {claim.metric!r}")
    if summary.low is None or summary.high is None:
        return Verdict(
            claim, NOT_JUDGED, summary, "one seed gives no confidence interval: run 2 or more"
        )
    band_low, band_high = claim.value - claim.tolerance, claim.value + claim.tolerance
    low, high = summary.low, summary.high
    interval = f"{confidence:.0%} CI [{_fmt(low)}, {_fmt(high)}]"
    more = "more seeds narrow the interval"
    # Reproduced: the whole interval is on the claim's side; not reproduced: the whole interval
    # is off it; an interval across the edge establishes neither (inconclusive).
    if claim.direction == "higher":
        edge = _fmt(band_low)
        if low >= band_low:
            status, rule = REPRODUCED, f"lower end ≥ {edge}"
        elif high < band_low:
            status, rule = NOT_REPRODUCED, f"upper end < {edge}"
        else:
            status, rule = INCONCLUSIVE, f"straddles {edge}: {more}"
    elif claim.direction == "lower":
        edge = _fmt(band_high)
        if high <= band_high:
            status, rule = REPRODUCED, f"upper end ≤ {edge}"
        elif low > band_high:
            status, rule = NOT_REPRODUCED, f"lower end > {edge}"
        else:
            status, rule = INCONCLUSIVE, f"straddles {edge}: {more}"
    else:
        band = f"[{_fmt(band_low)}, {_fmt(band_high)}]"
        if band_low <= low and high <= band_high:
            status, rule = REPRODUCED, f"inside {band}"
        elif high < band_low or low > band_high:
            status, rule = NOT_REPRODUCED, f"outside {band}"
        else:
            status, rule = INCONCLUSIVE, f"partly outside {band}: {more}"
    return Verdict(claim, status, summary, f"{interval}: {rule}")
