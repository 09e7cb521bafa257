# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The paper's claims (``claims.toml``) and the verdict of a replication on each of them.

A claim names a ``metric``, the paper's ``value``, a ``tolerance`` and a ``direction``. It is
judged on a confidence interval over seeds (``confidence``, default 95%), never on one seed,
so that one lucky seed cannot reproduce a claim and one unlucky seed cannot refute it:

- ``higher``: the paper reports at least ``value``; reproduced when the interval's lower end
  is at least ``value - tolerance``;
- ``lower``: the paper reports at most ``value``; reproduced when the interval's upper end is
  at most ``value + tolerance``;
- ``equal``: reproduced when the whole interval lies within ``value ± tolerance``.

Not reproduced when the whole interval lies on the wrong side (``equal``: outside the band);
inconclusive when it straddles the edge, which more seeds may settle either way.

What the interval is about (``statistic``):

- ``"mean"`` (the default): the Student-t interval of the mean. When every seed gives exactly
  the same value the interval has zero width; from fewer than ``min_seeds`` seeds (default 5)
  that is not certainty and the verdict is inconclusive; from ``min_seeds`` or more the claim
  is judged on that value.
- ``"rate"``: the share of seeds that succeed, with the exact (Clopper–Pearson) interval;
  ``value`` is a rate in [0, 1]. Success is the metric itself when it is 0 or 1 in every
  seed, or ``metric >= at_least`` (``at_least = x``), or ``metric <= at_most``
  (``at_most = x``). Giving ``at_least`` or ``at_most`` makes ``"rate"`` the default.
- ``"median"`` and ``"quantile"`` (with ``q`` in (0, 1)): the distribution-free interval
  between two order statistics (no assumption on the distribution, robust to outliers and
  to seeds that never reach a criterion). The median needs 6 seeds for a 95% interval.

A ``criterion`` table judges how long training takes: ``criterion = { at_most = 0.1 }``
(or ``at_least``) with optional ``count = "epoch"`` (the history field that counts) turns each
seed into "the epoch at which the history series ``metric`` first reaches the threshold",
infinite if it never does; the default statistic is then ``"median"``. With
``statistic = "rate"`` success is reaching the threshold at all, or within ``within = N``
counts. A mean of a sample where a seed never reached the criterion is not judged.

A comparison (``versus = "rnn"``, a variant of the same experiment, or ``"experiment/variant"``
of another) is about the claim's ``variant`` minus ``versus`` on the metric; ``value``,
``direction`` and ``tolerance`` speak about the difference: ``value = 0``, ``direction =
"higher"``, ``tolerance = 0`` is "``variant`` beats ``versus``". Means are compared by the
paired t interval of the per-seed differences when both sides ran exactly the same seeds
(two or more), otherwise by Welch's interval; rates by Newcombe's interval of the difference
of proportions; medians and quantiles by a percentile bootstrap of the difference (2000
resamples, seed 0, so a report is the same every time).

``experiment`` and ``variant`` say which run a claim is about; ``resolve`` fills them in when
there is only one choice and checks them against the experiments the repository defines.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlc_common.config import ConfigError, read_toml
from dlc_common.judge.stats import (
    Estimate,
    Summary,
    bootstrap_interval,
    clopper_pearson,
    newcombe_interval,
    order_statistic_min_n,
    order_statistic_ranks,
    quantile,
    summarize,
    welch_interval,
)

__all__ = [
    "DIRECTIONS",
    "INCONCLUSIVE",
    "NOT_JUDGED",
    "NOT_REPRODUCED",
    "REPRODUCED",
    "STATISTICS",
    "Claim",
    "Claims",
    "ClaimsError",
    "Criterion",
    "Verdict",
    "judge",
    "load_claims",
    "per_seed",
    "resolve",
]

DIRECTIONS = ("higher", "lower", "equal")
STATISTICS = ("mean", "rate", "median", "quantile")
REPRODUCED, NOT_REPRODUCED, NOT_JUDGED = "reproduced", "not reproduced", "not judged"
# The interval straddles the edge of the band: neither verdict is established by these seeds.
INCONCLUSIVE = "inconclusive"
_CLAIM_FIELDS: dict[str, type] = {
    "id": str,
    "metric": str,
    "value": float,
    "tolerance": float,
    "direction": str,
    "where": str,
    "description": str,
    "curve": str,
    "experiment": str,
    "variant": str,
    "versus": str,
    "statistic": str,
    "q": float,
    "at_least": float,
    "at_most": float,
    "min_seeds": int,
    "criterion": dict,
}
_REQUIRED = ("metric", "value", "tolerance", "direction", "where")
_OPTIONAL = set(_CLAIM_FIELDS) - set(_REQUIRED)
_CRITERION_FIELDS: dict[str, type] = {
    "at_most": float,
    "at_least": float,
    "count": str,
    "within": int,
}
_TOP_LEVEL = {"claims", "confidence", "paper", "report"}
# A comparison of medians or quantiles: a percentile bootstrap with these settings.
BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED = 2000, 0


class ClaimsError(ConfigError):
    """A claims file that cannot be used, naming the claim, the field and the fix."""


@dataclass(frozen=True)
class Criterion:
    """When a history series first reaches a threshold: ``at_most`` or ``at_least`` (one).

    ``count`` is the history field that counts (``"epoch"``); ``within`` (rate claims only)
    makes success "reached at a count of at most ``within``".
    """

    at_most: float | None = None
    at_least: float | None = None
    count: str = "epoch"
    within: int | None = None

    @property
    def threshold(self) -> float:
        """The threshold the series must reach."""
        value = self.at_most if self.at_most is not None else self.at_least
        assert value is not None, "a criterion needs at_most or at_least"
        return value

    def reached(self, x: float) -> bool:
        """Whether the value ``x`` of the series meets the criterion (NaN never does)."""
        return x <= self.threshold if self.at_most is not None else x >= self.threshold

    def condition(self, metric: str) -> str:
        """The criterion as text, for example ``loss ≤ 0.1``."""
        op = "≤" if self.at_most is not None else "≥"
        return f"{metric} {op} {self.threshold:g}"

    def as_dict(self) -> dict[str, Any]:
        """The criterion as plain values (the keys of the ``criterion`` table)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}


def _default_statistic(criterion: Any, at_least: Any, at_most: Any) -> str:
    if criterion is not None:
        return "median"
    return "rate" if at_least is not None or at_most is not None else "mean"


@dataclass(frozen=True)
class Claim:
    """One claim of the paper: a metric, its value, how close is close enough, and where.

    The fields after ``curve`` are optional (see the module docstring); ``statistic`` left
    empty becomes ``"median"`` with a ``criterion``, ``"rate"`` with ``at_least`` or
    ``at_most``, and ``"mean"`` otherwise. ``criterion`` may be given as a plain mapping.
    """

    id: str
    metric: str
    value: float
    tolerance: float
    direction: str
    where: str
    description: str = ""
    curve: str = ""
    experiment: str = ""
    variant: str = ""
    versus: str = ""
    statistic: str = ""
    q: float | None = None
    at_least: float | None = None
    at_most: float | None = None
    min_seeds: int = 5
    criterion: Criterion | None = None

    def __post_init__(self) -> None:
        if isinstance(self.criterion, Mapping):
            object.__setattr__(self, "criterion", Criterion(**self.criterion))
        if not self.statistic:
            statistic = _default_statistic(self.criterion, self.at_least, self.at_most)
            object.__setattr__(self, "statistic", statistic)

    @property
    def quantile_q(self) -> float:
        """The quantile a median or quantile claim is about (0.5 for the median)."""
        return 0.5 if self.q is None else self.q

    @property
    def versus_experiment(self) -> str:
        """The experiment of the comparison's other side (the claim's own by default)."""
        return self.versus.split("/", 1)[0] if "/" in self.versus else self.experiment

    @property
    def versus_variant(self) -> str:
        """The variant of the comparison's other side."""
        return self.versus.split("/", 1)[1] if "/" in self.versus else self.versus

    def _sample(self) -> str:
        if self.criterion is None:
            return self.metric
        return f"{self.criterion.count}s until {self.criterion.condition(self.metric)}"

    def _event(self) -> str:
        if self.criterion is not None:
            within = self.criterion.within
            condition = self.criterion.condition(self.metric)
            if within is None:
                return f"{condition} reached"
            return f"{condition} within {within} {self.criterion.count}s"
        if self.at_least is not None:
            return f"{self.metric} ≥ {self.at_least:g}"
        if self.at_most is not None:
            return f"{self.metric} ≤ {self.at_most:g}"
        return self.metric

    def _of(self, inner: str) -> str:
        if self.statistic == "rate":
            return f"rate({inner})"
        if self.statistic == "quantile":
            return f"quantile({inner}, {self.quantile_q:g})"
        return f"{self.statistic}({inner})"

    @property
    def subject(self) -> str:
        """What the claim's value is about, for example ``median(epochs until loss ≤ 0.1)``."""
        inner = self._event() if self.statistic == "rate" else self._sample()
        if not self.versus:
            if self.statistic == "mean" and self.criterion is None:
                return self.metric
            return self._of(inner)
        mine = self.variant or "variant"
        other = self.versus_variant if self.versus_experiment == self.experiment else self.versus
        if " " in inner:
            inner = f"({inner})"
        if self.statistic == "mean":
            return f"mean({inner}[{mine}] − {inner}[{other}])"
        return f"{self._of(f'{inner}[{mine}]')} − {self._of(f'{inner}[{other}]')}"

    @property
    def target(self) -> str:
        """The claim as a formula, for example ``test_accuracy ≥ 0.9 − 0.05``."""
        v, t, s = f"{self.value:g}", f"{self.tolerance:g}", self.subject
        return {
            "higher": f"{s} ≥ {v} − {t}",
            "lower": f"{s} ≤ {v} + {t}",
            "equal": f"{s} = {v} ± {t}",
        }[self.direction]

    def as_dict(self) -> dict[str, Any]:
        """The claim as plain JSON-ready values; ``Claim(**claim.as_dict())`` rebuilds it."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["criterion"] = None if self.criterion is None else self.criterion.as_dict()
        return data


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
    """The verdict on one claim, with the statistics and the reason in words.

    ``estimate`` is the point estimate and interval the verdict rests on (set whenever there
    are values). ``summary`` is the mean ± std and t interval of the per-seed values (for a
    mean comparison: of the difference), None when a value is not finite.
    """

    claim: Claim
    status: str
    summary: Summary | None
    reason: str
    estimate: Estimate | None = None

    def as_dict(self) -> dict[str, Any]:
        """The verdict as plain JSON-ready values."""
        return {
            "claim": self.claim.as_dict(),
            "status": self.status,
            "statistic": self.claim.statistic,
            "summary": None if self.summary is None else self.summary.as_dict(),
            "estimate": None if self.estimate is None else self.estimate.as_dict(),
            "reason": self.reason,
        }


def _check_value(where: str, key: str, value: Any, kind: type) -> Any:
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            hint = ' or a percentage such as "5%"' if key == "tolerance" else ""
            raise ClaimsError(f"{where}: {key}: expected a number{hint}, got {value!r}")
        if not math.isfinite(value):
            raise ClaimsError(f"{where}: {key}: expected a finite number, got {value!r}")
        return float(value)
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ClaimsError(f"{where}: {key}: expected a whole number such as 5, got {value!r}")
        return value
    if kind is dict:
        if not isinstance(value, Mapping):
            raise ClaimsError(
                f"{where}: {key}: expected a table such as {{ at_most = 0.1 }}, got {value!r}"
            )
        return value
    if not isinstance(value, str):
        raise ClaimsError(f"{where}: {key}: expected a string in quotes, got {value!r}")
    return value


def _check_field(where: str, key: str, value: Any) -> Any:
    return _check_value(where, key, value, _CLAIM_FIELDS[key])


def _unknown(where: str, key: str, known: Sequence[str], what: str = "field") -> ClaimsError:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"{what}s: {', '.join(known)}"
    return ClaimsError(f"{where}: {key}: unknown {what}; {hint}")


def _parse_criterion(where: str, table: Mapping[str, Any]) -> Criterion:
    where = f"{where}: criterion"
    for key in table:
        if key not in _CRITERION_FIELDS:
            raise _unknown(where, key, list(_CRITERION_FIELDS), "key")
    values = {k: _check_value(where, k, v, _CRITERION_FIELDS[k]) for k, v in table.items()}
    thresholds = [k for k in ("at_most", "at_least") if k in values]
    if len(thresholds) != 1:
        got = "both at_most and at_least" if thresholds else "neither at_most nor at_least"
        raise ClaimsError(
            f"{where}: {got}; give one threshold the history series must reach, for example "
            "criterion = { at_most = 0.1 } (a loss) or { at_least = 0.9 } (an accuracy)"
        )
    if "count" in values and not values["count"].strip():
        raise ClaimsError(f'{where}: count: empty; name the history field that counts ("epoch")')
    if values.get("within", 0) < 0:
        raise ClaimsError(f"{where}: within: must be 0 or more, got {values['within']}")
    return Criterion(**values)


def _check_versus(where: str, values: Mapping[str, Any]) -> None:
    versus = values.get("versus", "")
    if not versus:
        return
    parts = versus.split("/")
    if len(parts) > 2 or not all(p.strip() for p in parts):
        raise ClaimsError(
            f'{where}: versus: {versus!r} is not a variant; write versus = "rnn" (a variant of '
            'the same experiment) or versus = "experiment/variant"'
        )
    experiment = parts[0] if len(parts) == 2 else values.get("experiment", "")
    if parts[-1] == values.get("variant", "") and experiment == values.get("experiment", ""):
        raise ClaimsError(
            f"{where}: versus: {versus!r} is the claim's own variant; a comparison needs another "
            "variant (versus), the claim's variant is set by variant"
        )


def _check_statistic(where: str, values: dict[str, Any]) -> None:
    given = "statistic" in values
    if given and values["statistic"] not in STATISTICS:
        close = difflib.get_close_matches(values["statistic"], STATISTICS, n=1, cutoff=0.3)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ClaimsError(
            f"{where}: statistic: {values['statistic']!r} is not one of "
            f"{', '.join(STATISTICS)}{hint}"
        )
    if "criterion" in values:
        values["criterion"] = _parse_criterion(where, values["criterion"])
    thresholds = [k for k in ("at_least", "at_most") if k in values]
    if len(thresholds) == 2:
        raise ClaimsError(
            f"{where}: at_least and at_most: give only one; success is metric >= at_least "
            "or metric <= at_most"
        )
    if thresholds and "criterion" in values:
        raise ClaimsError(
            f"{where}: {thresholds[0]}: not with a criterion (the criterion's threshold decides "
            "success); use within = N in the criterion table for a deadline"
        )
    statistic_name = values.get("statistic") or _default_statistic(
        values.get("criterion"), values.get("at_least"), values.get("at_most")
    )
    if thresholds and statistic_name != "rate":
        raise ClaimsError(
            f"{where}: {thresholds[0]}: turns each seed into success or failure, a rate; "
            f'set statistic = "rate" or remove {thresholds[0]}'
        )
    criterion = values.get("criterion")
    if criterion is not None and criterion.within is not None and statistic_name != "rate":
        raise ClaimsError(
            f'{where}: criterion: within: counts successes, for statistic = "rate"; for a '
            f"{statistic_name} remove within and compare the count with value"
        )
    if statistic_name == "quantile" and "q" not in values:
        raise ClaimsError(
            f'{where}: q: statistic = "quantile" needs q, the quantile in (0, 1), for example '
            "q = 0.9"
        )
    if "q" in values:
        if statistic_name != "quantile":
            raise ClaimsError(
                f'{where}: q: only for statistic = "quantile"; remove q (the median is '
                'statistic = "median")'
            )
        if not 0.0 < values["q"] < 1.0:
            raise ClaimsError(
                f"{where}: q: must be strictly between 0 and 1 (0.5 is the median), got "
                f"{values['q']:g}"
            )
    if "min_seeds" in values and values["min_seeds"] < 2:
        raise ClaimsError(f"{where}: min_seeds: must be 2 or more, got {values['min_seeds']}")
    if statistic_name == "rate":
        low = -1.0 if values.get("versus") else 0.0
        if not low <= values["value"] <= 1.0:
            what = "a difference of rates, in [-1, 1]" if low else "a rate, in [0, 1]"
            raise ClaimsError(
                f"{where}: value: a rate claim's value is {what}, got {values['value']:g}; "
                "write 0.9 for 90%"
            )


def _parse_claim(where: str, table: Any, index: int) -> Claim:
    if not isinstance(table, Mapping):
        raise ClaimsError(f"{where}: expected a [[claims]] table, got {table!r}")
    if isinstance(table.get("id"), str):
        where = f"{where} ({table['id']})"
    for key in table:
        if key not in _CLAIM_FIELDS:
            raise _unknown(where, key, list(_CLAIM_FIELDS))
    missing = [k for k in _REQUIRED if k not in table]
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
    _check_statistic(where, values)
    _check_versus(where, values)
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


def _choose(where: str, key: str, given: str, valid: Sequence[str], among: str) -> str:
    """``given`` if it is one of ``valid``; otherwise an error listing them (``among``)."""
    if given in valid:
        return given
    listed = ", ".join(repr(v) for v in valid) or "none"
    if not given:
        raise ClaimsError(
            f"{where}: {key}: there are several {among} ({listed}); name one, for example "
            f'{key} = "{valid[0]}"'
        )
    close = difflib.get_close_matches(given, list(valid), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ClaimsError(f"{where}: {key}: {given!r} is not one of the {among} ({listed}){hint}")


def resolve(
    claims: Claims,
    experiments: Mapping[str, Sequence[str]],
    metrics: Mapping[str, set[str] | frozenset[str] | Sequence[str]] | None = None,
) -> Claims:
    """The claims with ``experiment``, ``variant`` and ``versus`` filled in and checked.

    ``experiments`` maps each experiment id to its variant ids, in order. An empty
    ``experiment`` becomes the only experiment, an empty ``variant`` the experiment's only
    variant; ``versus`` becomes ``"experiment/variant"``. A comparison across experiments
    needs ``metrics`` (experiment id to the names of its metrics) showing the claim's metric
    in both. With no experiments at all, claims that name none are returned unchanged.
    """
    prefix = f"{claims.path or 'claims.toml'}"
    resolved = []
    for i, claim in enumerate(claims.claims):
        where = f"{prefix}: claim {i + 1} ({claim.id})"
        if not experiments and not (claim.experiment or claim.variant or claim.versus):
            resolved.append(claim)
            continue
        names = list(experiments)
        experiment = claim.experiment
        if not experiment and len(names) == 1:
            experiment = names[0]
        experiment = _choose(where, "experiment", experiment, names, "experiments")
        variants = list(experiments[experiment])
        variant = claim.variant
        if not variant and len(variants) <= 1:
            variant = variants[0] if variants else ""
        if variant or variants:
            variant = _choose(where, "variant", variant, variants, f"variants of {experiment!r}")
        versus = claim.versus
        if versus:
            other_experiment, _, other = versus.rpartition("/")
            other_experiment = other_experiment or experiment
            other_experiment = _choose(
                where, "versus", other_experiment, names, "experiments (before the /)"
            )
            other = _choose(
                where,
                "versus",
                other,
                list(experiments[other_experiment]),
                f"variants of {other_experiment!r}",
            )
            if (other_experiment, other) == (experiment, variant):
                raise ClaimsError(
                    f"{where}: versus: {claim.versus!r} is the claim's own variant; compare with "
                    f"another variant of {experiment!r}: {', '.join(variants)}"
                )
            if other_experiment != experiment and (
                metrics is None
                or claim.metric not in metrics.get(experiment, ())
                or claim.metric not in metrics.get(other_experiment, ())
            ):
                raise ClaimsError(
                    f"{where}: versus: {claim.versus!r}: a comparison across experiments "
                    f"needs the metric {claim.metric!r} in both {experiment!r} and "
                    f"{other_experiment!r}; compare with a variant of {experiment!r} or "
                    "measure the metric in both"
                )
            versus = f"{other_experiment}/{other}"
        resolved.append(
            dataclasses.replace(claim, experiment=experiment, variant=variant, versus=versus)
        )
    return dataclasses.replace(claims, claims=resolved)


def per_seed(
    claim: Claim,
    metrics: Mapping[int, Mapping[str, float]],
    histories: Mapping[int, Sequence[Mapping[str, Any]]] | None = None,
) -> dict[int, float]:
    """The per-seed sample ``claim`` is judged on, seed → value.

    ``metrics`` are the final metrics of the claim's experiment and variant (the caller
    selects them; for the ``versus`` side, call again with that variant's metrics). Without a
    criterion the value is the metric (seeds without it, or with a null, are left out). With
    a criterion it is the ``count`` of the first history row where the series ``metric``
    meets it, ``inf`` if none does; seeds whose history never records the metric are left
    out. ``at_least``/``at_most`` are not applied here: ``judge`` turns values into successes,
    so the summary still shows the metric itself.
    """
    criterion = claim.criterion
    if criterion is None:
        return {
            seed: float(m[claim.metric])
            for seed, m in metrics.items()
            if isinstance(m.get(claim.metric), (int, float))
            and not isinstance(m.get(claim.metric), bool)
        }
    if histories is None:
        raise ValueError(f"claim {claim.id!r} has a criterion: pass each seed's history")
    sample: dict[int, float] = {}
    for seed, rows in histories.items():
        seen = False
        for row in rows:
            x = row.get(claim.metric)
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                continue
            seen = True
            if criterion.reached(float(x)):
                count = row.get(criterion.count)
                if isinstance(count, bool) or not isinstance(count, (int, float)):
                    raise ClaimsError(
                        f"claims.toml: claim {claim.id!r}: criterion: count: the history of "
                        f"seed {seed} has no number {criterion.count!r} (fields: "
                        f"{', '.join(sorted(row))}); set count to one of them"
                    )
                sample[seed] = float(count)
                break
        else:
            if seen:
                sample[seed] = math.inf
    return sample


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _seeds(n: int) -> str:
    return f"{n} seed" if n == 1 else f"{n} seeds"


def _rule(claim: Claim, low: float, high: float) -> tuple[str, str]:
    """The status from an interval: the whole interval on the claim's side, off it, or across."""
    band_low, band_high = claim.value - claim.tolerance, claim.value + claim.tolerance
    more = "more seeds narrow the interval"
    if claim.direction == "higher":
        edge = _fmt(band_low)
        if low >= band_low:
            return REPRODUCED, f"lower end ≥ {edge}"
        if high < band_low:
            return NOT_REPRODUCED, f"upper end < {edge}"
        return INCONCLUSIVE, f"straddles {edge}: {more}"
    if claim.direction == "lower":
        edge = _fmt(band_high)
        if high <= band_high:
            return REPRODUCED, f"upper end ≤ {edge}"
        if low > band_high:
            return NOT_REPRODUCED, f"lower end > {edge}"
        return INCONCLUSIVE, f"straddles {edge}: {more}"
    band = f"[{_fmt(band_low)}, {_fmt(band_high)}]"
    if band_low <= low and high <= band_high:
        return REPRODUCED, f"inside {band}"
    if high < band_low or low > band_high:
        return NOT_REPRODUCED, f"outside {band}"
    return INCONCLUSIVE, f"partly outside {band}: {more}"


@dataclass
class _Outcome:
    """What a statistic gives: the estimate, the summary, and a verdict only if it decides."""

    estimate: Estimate
    summary: Summary | None
    text: str = ""  # the interval in words, before the rule
    status: str | None = None  # set when the interval does not decide (too few seeds, ...)
    reason: str = ""


def _finite_summary(values: Sequence[float], confidence: float) -> Summary | None:
    return summarize(values, confidence) if all(math.isfinite(v) for v in values) else None


def _never(claim: Claim, values: Sequence[float], side: str = "") -> str | None:
    k = sum(1 for v in values if not math.isfinite(v))
    if not k:
        return None
    if claim.criterion is not None:
        return (
            f"{k} of {_seeds(len(values))}{side} never reached the criterion: use "
            'statistic = "median" or "rate"'
        )
    return f"{k} of {_seeds(len(values))}{side} reported a non-finite {claim.metric}"


def _zero_variance(claim: Claim, n: int, value: float, what: str) -> str | None:
    if n >= claim.min_seeds:
        return None
    rate = ' or use statistic = "rate" for a 0/1 outcome' if value in (0.0, 1.0) else ""
    return (
        f"all {n} seeds gave exactly {_fmt(value)}{what}: a zero-width interval from fewer than "
        f"{claim.min_seeds} seeds is not certainty; run at least {claim.min_seeds} seeds{rate}"
    )


def _mean(claim: Claim, xs: list[float], confidence: float) -> _Outcome:
    never = _never(claim, xs)
    if never:
        estimate = Estimate(math.fsum(xs) / len(xs), None, None, len(xs), "t", confidence)
        return _Outcome(estimate, None, status=NOT_JUDGED, reason=never)
    summary = summarize(xs, confidence)
    if summary.low is None or summary.high is None:
        estimate = Estimate(summary.mean, None, None, 1, "t", confidence)
        reason = "one seed gives no confidence interval: run 2 or more"
        return _Outcome(estimate, summary, status=NOT_JUDGED, reason=reason)
    note = "zero variance" if summary.std == 0 else ""
    estimate = Estimate(
        summary.mean, summary.low, summary.high, summary.n, "t", confidence, summary.std, note
    )
    text = f"{confidence:.0%} CI [{_fmt(summary.low)}, {_fmt(summary.high)}]"
    if note:
        zero = _zero_variance(claim, summary.n, summary.mean, "")
        if zero:
            return _Outcome(estimate, summary, status=INCONCLUSIVE, reason=zero)
        text = f"zero variance over {_seeds(summary.n)}: judged on the value {_fmt(summary.mean)}"
    return _Outcome(estimate, summary, text)


def _successes(claim: Claim, xs: list[float], seeds: Sequence[Any]) -> list[bool]:
    if claim.criterion is not None:
        within = claim.criterion.within
        return [math.isfinite(x) and (within is None or x <= within) for x in xs]
    if claim.at_least is not None:
        return [x >= claim.at_least for x in xs]
    if claim.at_most is not None:
        return [x <= claim.at_most for x in xs]
    for seed, x in zip(seeds, xs, strict=True):
        if x not in (0.0, 1.0):
            raise ClaimsError(
                f'claims.toml: claim {claim.id!r}: statistic: "rate" needs a 0/1 outcome per '
                f"seed, but seed {seed} gave {claim.metric} = {x:g}; set at_least = x (success "
                f'when {claim.metric} >= x) or at_most = x, or use statistic = "mean"'
            )
    return [x == 1.0 for x in xs]


def _rate_seeds_needed(claim: Claim, confidence: float) -> int | None:
    """How many seeds, all succeeding (higher) or all failing (lower), clear the band."""
    tail = (1.0 - confidence) / 2.0
    if claim.direction == "higher":
        edge = claim.value - claim.tolerance  # (tail)^(1/n) >= edge
    elif claim.direction == "lower":
        edge = 1.0 - (claim.value + claim.tolerance)  # 1 - (tail)^(1/n) <= 1 - edge
    else:
        return None
    if not 0.0 < edge < 1.0:
        return None
    return math.ceil(math.log(tail) / math.log(edge) - 1e-9)


def _rate(claim: Claim, xs: list[float], seeds: Sequence[Any], confidence: float) -> _Outcome:
    wins = _successes(claim, xs, seeds)
    s, n = sum(wins), len(wins)
    low, high = clopper_pearson(s, n, confidence)
    estimate = Estimate(s / n, low, high, n, "clopper-pearson", confidence, note=f"{s} of {n}")
    text = (
        f"{s} of {_seeds(n)} succeeded: {confidence:.0%} Clopper–Pearson CI "
        f"[{_fmt(low)}, {_fmt(high)}]"
    )
    outcome = _Outcome(estimate, _finite_summary(xs, confidence), text)
    status, _ = _rule(claim, low, high)
    needed = _rate_seeds_needed(claim, confidence)
    extreme = s == n if claim.direction == "higher" else s == 0
    if status == INCONCLUSIVE and extreme and needed is not None and needed > n:
        outcome.text += (
            f" (even with every seed {'succeeding' if s == n else 'failing'}, the interval "
            f"clears the band only from {needed} seeds)"
        )
    return outcome


def _quantile_name(claim: Claim) -> str:
    return "median" if claim.statistic == "median" else f"{claim.quantile_q:g}-quantile"


def _order(claim: Claim, xs: list[float], confidence: float) -> _Outcome:
    q, n = claim.quantile_q, len(xs)
    value = quantile(xs, q)
    summary = _finite_summary(xs, confidence)
    ranks = order_statistic_ranks(n, q, confidence)
    if ranks is None:
        estimate = Estimate(value, None, None, n, "order statistic", confidence)
        reason = (
            f"{_seeds(n)} {'is' if n == 1 else 'are'} too few for a {confidence:.0%} interval "
            f"of the {_quantile_name(claim)}; run at least {order_statistic_min_n(q, confidence)}"
        )
        return _Outcome(estimate, summary, status=NOT_JUDGED, reason=reason)
    ordered = sorted(xs)
    j, k = ranks
    low, high = ordered[j - 1], ordered[k - 1]
    note = f"ranks {j} and {k} of {n}"
    estimate = Estimate(value, low, high, n, "order statistic", confidence, note=note)
    text = (
        f"{_quantile_name(claim)} {_fmt(value)}, {confidence:.0%} order-statistic CI "
        f"[{_fmt(low)}, {_fmt(high)}] ({note})"
    )
    return _Outcome(estimate, summary, text)


def _compare_means(
    claim: Claim, x: Mapping[Any, float], y: Mapping[Any, float], paired: bool, confidence: float
) -> _Outcome:
    xs, ys = list(x.values()), list(y.values())
    side = f" of {claim.versus_variant!r}"
    never = _never(claim, xs) or _never(claim, ys, side)
    if never:
        difference = math.fsum(xs) / len(xs) - math.fsum(ys) / len(ys)
        estimate = Estimate(difference, None, None, len(xs), "t", confidence, n_versus=len(ys))
        return _Outcome(estimate, None, status=NOT_JUDGED, reason=never)
    if paired and set(x) == set(y) and len(x) >= 2:
        seeds = sorted(x)
        summary = summarize([x[s] - y[s] for s in seeds], confidence)
        assert summary.low is not None and summary.high is not None and summary.std is not None
        note = "zero variance" if summary.std == 0 else ""
        estimate = Estimate(
            summary.mean,
            summary.low,
            summary.high,
            summary.n,
            "paired t",
            confidence,
            summary.std,
            note,
            summary.n,
        )
        text = (
            f"paired over the same {_seeds(summary.n)}: mean difference {_fmt(summary.mean)}, "
            f"{confidence:.0%} CI [{_fmt(summary.low)}, {_fmt(summary.high)}]"
        )
        if note:
            zero = _zero_variance(claim, summary.n, summary.mean, " as the difference")
            if zero:
                return _Outcome(estimate, summary, status=INCONCLUSIVE, reason=zero)
            text = f"zero variance of the paired differences: judged on {_fmt(summary.mean)}"
        return _Outcome(estimate, summary, text)
    if len(xs) < 2 or len(ys) < 2:
        difference = math.fsum(xs) / len(xs) - math.fsum(ys) / len(ys)
        estimate = Estimate(difference, None, None, len(xs), "welch", confidence, n_versus=len(ys))
        reason = (
            f"{len(xs)} and {len(ys)} seeds give no interval of the difference: run 2 or more "
            "on each side (the same seeds give a paired comparison)"
        )
        return _Outcome(estimate, None, status=NOT_JUDGED, reason=reason)
    difference, low, high, df = welch_interval(xs, ys, confidence)
    zero_variance = low == high
    note = "zero variance" if zero_variance else f"df {df:.3g}"
    estimate = Estimate(difference, low, high, len(xs), "welch", confidence, None, note, len(ys))
    summary = Summary(len(xs), difference, None, low, high, confidence)
    text = (
        f"Welch (not the same seeds on both sides): difference {_fmt(difference)}, "
        f"{confidence:.0%} CI [{_fmt(low)}, {_fmt(high)}]"
    )
    if zero_variance:
        zero = _zero_variance(claim, min(len(xs), len(ys)), difference, " as the difference")
        if zero:
            return _Outcome(estimate, summary, status=INCONCLUSIVE, reason=zero)
        text = f"zero variance on both sides: judged on the difference {_fmt(difference)}"
    return _Outcome(estimate, summary, text)


def _compare_rates(
    claim: Claim, x: Mapping[Any, float], y: Mapping[Any, float], confidence: float
) -> _Outcome:
    xs, ys = list(x.values()), list(y.values())
    s1 = sum(_successes(claim, xs, list(x)))
    s2 = sum(_successes(claim, ys, list(y)))
    n1, n2 = len(xs), len(ys)
    difference, low, high = newcombe_interval(s1, n1, s2, n2, confidence)
    note = f"{s1} of {n1} vs {s2} of {n2}"
    estimate = Estimate(difference, low, high, n1, "newcombe", confidence, None, note, n2)
    text = (
        f"{note} seeds succeeded: difference of rates {_fmt(difference)}, {confidence:.0%} "
        f"Newcombe CI [{_fmt(low)}, {_fmt(high)}]"
    )
    return _Outcome(estimate, _finite_summary(xs, confidence), text)


def _compare_quantiles(
    claim: Claim, x: Mapping[Any, float], y: Mapping[Any, float], confidence: float
) -> _Outcome:
    xs, ys = list(x.values()), list(y.values())
    q, name = claim.quantile_q, _quantile_name(claim)
    summary = _finite_summary(xs, confidence)
    needed = order_statistic_min_n(q, confidence)
    if len(xs) < needed or len(ys) < needed:
        try:
            difference = quantile(xs, q) - quantile(ys, q)
        except ValueError:
            difference = math.nan
        estimate = Estimate(
            difference, None, None, len(xs), "bootstrap", confidence, None, "", len(ys)
        )
        reason = (
            f"{len(xs)} and {len(ys)} seeds are too few for a {confidence:.0%} interval of a "
            f"difference of {name}s; run at least {needed} on each side"
        )
        return _Outcome(estimate, summary, status=NOT_JUDGED, reason=reason)
    try:
        difference, low, high = bootstrap_interval(
            xs,
            lambda v: quantile(v, q),
            confidence,
            resamples=BOOTSTRAP_RESAMPLES,
            seed=BOOTSTRAP_SEED,
            other=ys,
        )
    except ValueError:
        estimate = Estimate(
            math.nan, None, None, len(xs), "bootstrap", confidence, None, "", len(ys)
        )
        reason = (
            f"the difference of {name}s is undefined when both are infinite (seeds that never "
            'reached the criterion on both sides): use statistic = "rate"'
        )
        return _Outcome(estimate, summary, status=NOT_JUDGED, reason=reason)
    note = f"percentile bootstrap, {BOOTSTRAP_RESAMPLES} resamples, seed {BOOTSTRAP_SEED}"
    estimate = Estimate(
        difference, low, high, len(xs), "bootstrap", confidence, None, note, len(ys)
    )
    text = (
        f"difference of {name}s {_fmt(difference)}, {confidence:.0%} bootstrap CI "
        f"[{_fmt(low)}, {_fmt(high)}]"
    )
    return _Outcome(estimate, summary, text)


def _sample(values: Mapping[int, float] | Sequence[float] | None) -> tuple[dict[Any, float], bool]:
    """The values as seed → value, and whether the seeds are known (a mapping) or positions."""
    if values is None:
        return {}, False
    if isinstance(values, Mapping):
        return {seed: float(v) for seed, v in values.items()}, True
    return {i: float(v) for i, v in enumerate(values)}, False


def judge(
    claim: Claim,
    values: Mapping[int, float] | Sequence[float],
    confidence: float = 0.95,
    judged: bool = True,
    versus: Mapping[int, float] | Sequence[float] | None = None,
) -> Verdict:
    """The verdict on ``claim`` from its per-seed values (see ``per_seed``).

    ``values`` (and ``versus``, the other side of a comparison) are seed → value mappings, or
    plain sequences (as from older callers). Only mappings with exactly the same seeds give a
    paired comparison of means; sequences carry no seeds and are compared as independent
    samples (Welch). ``judged=False`` (a smoke-test profile) computes the estimate but gives no
    verdict. A rate claim whose values are not 0/1 and that sets no threshold raises
    ClaimsError.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")
    if versus is not None and not claim.versus:
        raise ValueError(f"claim {claim.id!r} sets no versus: judge it without versus values")
    x, labelled = _sample(values)
    y, labelled_y = _sample(versus)
    outcome: _Outcome | None = None
    if x and (y or not claim.versus):
        xs = list(x.values())
        if not claim.versus:
            if claim.statistic == "rate":
                outcome = _rate(claim, xs, list(x), confidence)
            elif claim.statistic in ("median", "quantile"):
                outcome = _order(claim, xs, confidence)
            else:
                outcome = _mean(claim, xs, confidence)
        elif claim.statistic == "rate":
            outcome = _compare_rates(claim, x, y, confidence)
        elif claim.statistic in ("median", "quantile"):
            outcome = _compare_quantiles(claim, x, y, confidence)
        else:
            outcome = _compare_means(claim, x, y, labelled and labelled_y, confidence)
    estimate = None if outcome is None else outcome.estimate
    summary = None if outcome is None else outcome.summary
    if not judged:
        reason = "this profile sets judge = false (a smoke test)"
        return Verdict(claim, NOT_JUDGED, summary, reason, estimate)
    if not x:
        return Verdict(claim, NOT_JUDGED, None, f"no run reported the metric {claim.metric!r}")
    if outcome is None:
        reason = f"no run of {claim.versus!r} (versus) reported the metric {claim.metric!r}"
        return Verdict(claim, NOT_JUDGED, None, reason)
    if outcome.status is not None:
        return Verdict(claim, outcome.status, summary, outcome.reason, estimate)
    assert estimate is not None and estimate.low is not None and estimate.high is not None
    status, rule = _rule(claim, estimate.low, estimate.high)
    return Verdict(claim, status, summary, f"{outcome.text}: {rule}", estimate)
