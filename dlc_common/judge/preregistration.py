# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pre-registered claims: a fingerprint of each claim, and the claims changed after they were
first judged.

A claim's verdict is decided by its ``VERDICT_FIELDS`` (value, tolerance, direction, the
statistic and its parameters, the metric, the experiment and variant it is about) and by the
file's ``confidence``; its ``where``, ``description`` and ``curve`` are words and plots, never
a verdict, so changing them changes no fingerprint. A fingerprint is the SHA-256 of the
canonical JSON (sorted keys, numbers as floats) of those fields, so that reordering the
claims, reformatting the file or writing ``0.10`` for ``0.1`` changes nothing.

Every run records the fingerprints in its ``claims.json`` (``record_start``, ``record_judged``):
at each start, and at each judging with the time, the command and the code's commit. A claim
is *first judged* by the earliest paper-profile judging that showed a result for it: in a run
record under ``runs/``, or in a committed ``report/metrics.json`` (``git log``). ``claim_changes``
compares its fields then with claims.toml now, and names where they changed (the commits of
claims.toml, the later judgings of a run, the working tree). An ``experiment``, ``variant`` or
``versus`` left empty on one side is not a change: empty means "the only one", which
``claims.resolve`` fills in, so a report's resolved claim and the file's agree.

Standard library only, no TensorFlow; bad input in the history (a claims.toml that is not
TOML, a metrics.json that is not JSON) is skipped with a note, never an exception.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import math
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from dlc_common.judge.claims import NOT_JUDGED, Claim

__all__ = [
    "CLAIMS_RECORD",
    "VERDICT_FIELDS",
    "ClaimChange",
    "Preregistration",
    "claim_changes",
    "claim_fields",
    "claims_record",
    "fingerprint",
    "preregistration",
    "record_judged",
    "record_start",
]

CLAIMS_RECORD = "claims.json"  # in a run directory: the claims at every start and judging
PUBLISHED_PROFILE = "paper"
# The fields of a claim that decide its verdict (with the file's confidence).
VERDICT_FIELDS = (
    "metric",
    "value",
    "tolerance",
    "direction",
    "statistic",
    "q",
    "at_least",
    "at_most",
    "min_seeds",
    "criterion",
    "experiment",
    "variant",
    "versus",
)
_SCOPE = ("experiment", "variant", "versus")  # empty: the only one (claims.resolve)
_FLOATS = ("value", "q", "at_least", "at_most")
_GIT_TIMEOUT = 30


def fingerprint(data: Any) -> str:
    """The SHA-256 of ``data`` as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def claim_fields(claim: Claim, confidence: float = 0.95) -> dict[str, Any]:
    """The fields of ``claim`` that decide its verdict, as plain JSON values."""
    data = claim.as_dict()
    fields = {name: data.get(name) for name in VERDICT_FIELDS}
    fields["confidence"] = float(confidence)
    return fields


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return float(value)


def _claim(table: Mapping[str, Any]) -> Claim:
    """A claim from a [[claims]] table (or a report's claim), leniently: fields that the
    verdict needs are normalised (numbers as floats, a "5%" tolerance made absolute), others
    ignored. Raises ValueError or TypeError when it is not a claim."""
    known = {f.name for f in dataclasses.fields(Claim)}
    values = {k: v for k, v in table.items() if k in known}
    for name in ("metric", "value", "tolerance", "direction"):
        if name not in values:
            raise ValueError(f"no {name}")
    values.setdefault("where", "")
    values.setdefault("id", values["metric"])
    tolerance = values["tolerance"]
    if isinstance(tolerance, str) and tolerance.strip().endswith("%"):
        tolerance = abs(float(values["value"])) * float(tolerance.strip()[:-1]) / 100.0
    values["tolerance"] = _number(tolerance)
    for name in _FLOATS:
        if values.get(name) is not None:
            values[name] = _number(values[name])
    criterion = values.get("criterion")
    if isinstance(criterion, Mapping):
        criterion = {k: v for k, v in criterion.items() if v is not None}
        for name in ("at_most", "at_least"):
            if name in criterion:
                criterion[name] = _number(criterion[name])
        values["criterion"] = criterion
    elif criterion is not None:
        raise ValueError(f"criterion is not a table: {criterion!r}")
    if not isinstance(values["id"], str):
        raise ValueError(f"id is not a string: {values['id']!r}")
    for name in ("value", "tolerance", "q", "at_least", "at_most"):
        x = values.get(name)
        if (x is not None or name in ("value", "tolerance")) and not (
            isinstance(x, float) and math.isfinite(x)
        ):
            raise ValueError(f"{name} is not a finite number: {x!r}")
    return Claim(**values)


def _parse(text: str, where: str, notes: list[str]) -> dict[str, dict[str, Any]] | None:
    """The verdict fields of every claim of a claims.toml text, by id; None if unreadable."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        notes.append(f"{where}: not valid TOML, skipped ({exc})")
        return None
    confidence = data.get("confidence", 0.95)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        notes.append(f"{where}: confidence is not a number, taken as 0.95")
        confidence = 0.95
    tables = data.get("claims", [])
    if not isinstance(tables, list):
        notes.append(f"{where}: claims is not a list of [[claims]] tables, skipped")
        return None
    claims: dict[str, dict[str, Any]] = {}
    for i, table in enumerate(tables):
        try:
            if not isinstance(table, Mapping):
                raise ValueError("not a table")
            claim = _claim(table)
        except (ValueError, TypeError) as exc:
            notes.append(f"{where}: claim {i + 1} skipped ({exc})")
            continue
        claims[claim.id] = claim_fields(claim, float(confidence))
    return claims


def _record(fields_by_id: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "fingerprint": fingerprint({k: dict(v) for k, v in fields_by_id.items()}),
        "claims": {
            claim_id: {"fingerprint": fingerprint(dict(fields)), "fields": dict(fields)}
            for claim_id, fields in fields_by_id.items()
        },
    }


def claims_record(
    source: str | Path | Any, ids: Iterable[str] | None = None, notes: list[str] | None = None
) -> dict[str, Any]:
    """The fingerprint record of a claims file (a path) or of a ``Claims``: the whole file's
    fingerprint and, per claim, its fingerprint and verdict fields; only ``ids`` if given.

    A path is read as claims.toml is written (``experiment`` left empty stays empty), which
    is what the history compares; a ``Claims`` as it is (resolved or not).
    """
    notes = [] if notes is None else notes
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            notes.append(f"{path}: cannot be read ({exc})")
            text = None
        parsed = _parse(text, str(path), notes) if text is not None else None
        fields_by_id = parsed or {}
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else None
    else:
        confidence = getattr(source, "confidence", 0.95)
        fields_by_id = {c.id: claim_fields(c, confidence) for c in source.claims}
        digest = None
    if ids is not None:
        wanted = set(ids)
        fields_by_id = {k: v for k, v in fields_by_id.items() if k in wanted}
    record = _record(fields_by_id)
    if digest is not None:
        record["sha256"] = digest  # of the file's bytes: changes with any edit, comments too
    return record


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _read_record(run_dir: Path) -> dict[str, Any]:
    try:
        record = json.loads((run_dir / CLAIMS_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _write_record(run_dir: Path, record: dict[str, Any]) -> None:
    from dlc_common.files import write_json

    write_json(run_dir / CLAIMS_RECORD, record)


def record_start(run_dir: Path, root: Path, profile: str, commit: str | None) -> None:
    """Add this start of the run (time, commit, claims.toml's fingerprints) to claims.json."""
    record = _read_record(run_dir)
    record["profile"] = profile
    entry = {"time": _now(), "commit": commit, **claims_record(root / "claims.toml")}
    record["starts"] = [*record.get("starts", []), entry]
    record.setdefault("judged", [])
    _write_record(run_dir, record)


def record_judged(
    run_dir: Path,
    root: Path,
    profile: str,
    verdicts: Iterable[Any],
    *,
    command: str,
    commit: str | None,
    judged: bool,
    published: bool = False,
    incomplete: bool = False,
) -> dict[str, Any]:
    """Add this judging (time, command, commit, the judged claims' fingerprints and statuses)
    to claims.json; the entry written."""
    verdicts = list(verdicts)
    ids = [v.claim.id for v in verdicts]
    entry: dict[str, Any] = {
        "time": _now(),
        "command": command,
        "commit": commit,
        "judged": judged,
        "published": published,
        "incomplete": incomplete,
        **claims_record(root / "claims.toml", ids),
    }
    for verdict in verdicts:
        recorded = entry["claims"].get(verdict.claim.id)
        if recorded is not None:
            recorded["status"] = verdict.status
            # A result was shown: a verdict, or an estimate without one (too few seeds, ...).
            recorded["seen"] = verdict.status != NOT_JUDGED or verdict.estimate is not None
    record = _read_record(run_dir)
    record["profile"] = profile
    record.setdefault("starts", [])
    record["judged"] = [*record.get("judged", []), entry]
    _write_record(run_dir, record)
    return entry


@dataclass(frozen=True)
class ClaimChange:
    """A claim whose verdict fields changed after the first paper-profile run that judged it.

    ``fields`` maps each changed field to (then, now); ``first_judged`` says which run or
    committed report first judged it; ``changed_in`` names the commits, run judgings or the
    working tree where it changed since. ``removed``: the claim is no longer in claims.toml.
    """

    claim: str
    fields: dict[str, tuple[Any, Any]]
    first_judged: str
    changed_in: tuple[str, ...] = ()
    removed: bool = False

    def describe(self) -> str:
        """The change in one line, for a report or a warning."""
        if self.removed:
            what = "removed from claims.toml"
        else:
            what = "; ".join(f"{k} {_show(b)} → {_show(a)}" for k, (b, a) in self.fields.items())
        where = f"; changed in {', '.join(self.changed_in)}" if self.changed_in else ""
        return f"{what} (first judged: {self.first_judged}{where})"


@dataclass(frozen=True)
class Preregistration:
    """What the history says about claims.toml now: the changes, each current claim's first
    judging (None: never judged by a paper run), the current fingerprints, notes on input
    that was skipped."""

    changes: list[ClaimChange]
    first_judged: dict[str, str | None] = field(default_factory=dict)
    current: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def change(self, claim_id: str) -> ClaimChange | None:
        """The change of one claim, if it changed."""
        return next((c for c in self.changes if c.claim == claim_id), None)


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in sorted(value.items())) + "}"
    return repr(value) if isinstance(value, str) else str(value)


def _differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    changed = {}
    for name in [*VERDICT_FIELDS, "confidence"]:
        then, now = before.get(name), after.get(name)
        if name in _SCOPE and (not then or not now):
            continue
        if then != now:
            changed[name] = (then, now)
    return changed


@dataclass(frozen=True)
class _Event:
    """A version of the claims at a time: a judging (it shows results) or a commit."""

    time: datetime.datetime
    label: str
    claims: Mapping[str, Mapping[str, Any]]  # id -> verdict fields
    judged: frozenset[str] = frozenset()  # the ids it judged (showed a result for)
    # At the same time, a report (judged before its commit) before claims.toml's version of
    # that commit, which may already be edited.
    order: int = 0


def _time(text: Any) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def _day(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _run_events(repo: Path, notes: list[str], also: Iterable[Path] = ()) -> list[_Event]:
    """The paper-profile judgings recorded in the run directories under ``runs/`` (and in
    the run directories ``also``, wherever they are)."""
    runs = repo / "runs"
    found = [*runs.glob("*/" + CLAIMS_RECORD), *runs.glob("*/*/" + CLAIMS_RECORD)]
    found += [Path(d) / CLAIMS_RECORD for d in also if (Path(d) / CLAIMS_RECORD).is_file()]
    paths = sorted({p.resolve(): p for p in found}.values())
    events = []
    for path in paths:
        parent = path.parent
        name = (parent.relative_to(repo) if parent.is_relative_to(repo) else parent).as_posix()
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            notes.append(f"{name}/{CLAIMS_RECORD}: not a run's record, skipped ({exc})")
            continue
        if record.get("profile") != PUBLISHED_PROFILE:
            continue
        for entry in record.get("judged") or []:
            if not isinstance(entry, dict) or not entry.get("judged"):
                continue
            moment = _time(entry.get("time"))
            claims = entry.get("claims")
            if moment is None or not isinstance(claims, dict):
                notes.append(f"{name}/{CLAIMS_RECORD}: a judging without time or claims, skipped")
                continue
            fields = {
                k: v["fields"] for k, v in claims.items() if isinstance(v, dict) and "fields" in v
            }
            seen = frozenset(k for k, v in claims.items() if isinstance(v, dict) and v.get("seen"))
            commit = str(entry.get("commit") or "")[:8]
            code = f"at commit {commit}" if commit else "outside git"
            label = f"paper run {name} judged on {_day(moment)} {code}"
            events.append(_Event(moment, label, fields, seen))
    return events


def _git(repo: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            encoding="utf-8",
            errors="replace",
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def _log(top: Path, path: str) -> list[tuple[str, datetime.datetime, str]]:
    """The commits that changed ``path`` (followed across renames), oldest first, each with
    its time and the file's path then."""
    out = _git(top, "log", "--follow", "--name-only", "--format=%x00%H %cI", "--", path)
    commits = []
    for block in (out or "").split("\0")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        commit, _, when = lines[0].partition(" ")
        moment = _time(when)
        if moment is not None:
            commits.append((commit, moment, lines[-1] if len(lines) > 1 else path))
    return commits[::-1]


def _git_events(repo: Path, notes: list[str]) -> list[_Event]:
    """The committed paper reports (each judges its claims) and claims.toml's commits."""
    top_text = _git(repo, "rev-parse", "--show-toplevel")
    if top_text is None or _git(repo, "rev-parse", "--verify", "-q", "HEAD") is None:
        return []
    top = Path(top_text.strip())
    prefix = (_git(repo, "rev-parse", "--show-prefix") or "").strip()
    claims_path, report_path = f"{prefix}claims.toml", f"{prefix}report/metrics.json"
    events: list[_Event] = []
    versions: dict[str, dict[str, dict[str, Any]]] = {}  # commit -> claims.toml's claims
    for commit, moment, path in _log(top, claims_path):
        text = _git(top, "show", f"{commit}:{path}")
        if text is None:  # deleted in that commit
            continue
        parsed = _parse(text, f"claims.toml at commit {commit[:8]}", notes)
        if parsed is None:
            continue
        versions[commit] = parsed
        label = f"commit {commit[:8]} of {moment.date().isoformat()}"
        events.append(_Event(moment, label, parsed, order=1))
    for commit, moment, path in _log(top, report_path):
        text = _git(top, "show", f"{commit}:{path}")
        if text is None:
            continue
        where = f"report/metrics.json at commit {commit[:8]}"
        try:
            report = json.loads(text)
            if not isinstance(report, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            notes.append(f"{where}: not JSON, skipped ({exc})")
            continue
        if report.get("profile") != PUBLISHED_PROFILE:
            continue
        seen, judged = set(), {}
        for verdict in report.get("verdicts") or []:
            claim = verdict.get("claim") if isinstance(verdict, dict) else None
            if not isinstance(claim, dict) or not isinstance(claim.get("id"), str):
                continue
            shown = verdict.get("estimate") or verdict.get("summary")
            if verdict.get("status") != NOT_JUDGED or shown:
                seen.add(claim["id"])
            try:
                judged[claim["id"]] = claim_fields(_claim(claim), _confidence(verdict))
            except (ValueError, TypeError) as exc:
                notes.append(f"{where}: claim {claim['id']!r} skipped ({exc})")
        # What the report judged: its own record if it has one (newer reports), else
        # claims.toml at that commit, else the claims its verdicts carry.
        fields = _recorded(report) or _at_commit(top, commit, claims_path, versions, notes)
        fields = {k: (fields or {}).get(k) or v for k, v in judged.items()}
        run = str(report.get("commit") or "")[:8]
        label = f"paper report committed in {commit[:8]} on {moment.date().isoformat()}" + (
            f" (run at commit {run})" if run else ""
        )
        events.append(_Event(moment, label, fields, frozenset(seen), order=0))
    return events


def _confidence(verdict: Mapping[str, Any]) -> float:
    for key in ("estimate", "summary"):
        part = verdict.get(key)
        if isinstance(part, dict) and isinstance(part.get("confidence"), (int, float)):
            return float(part["confidence"])
    return 0.95


def _recorded(report: Mapping[str, Any]) -> dict[str, Any] | None:
    record = report.get("preregistration")
    if not isinstance(record, dict) or not isinstance(record.get("claims"), dict):
        return None
    return {
        k: v["fields"]
        for k, v in record["claims"].items()
        if isinstance(v, dict) and isinstance(v.get("fields"), dict)
    }


def _at_commit(
    top: Path,
    commit: str,
    path: str,
    versions: dict[str, dict[str, dict[str, Any]]],
    notes: list[str],
) -> dict[str, Any] | None:
    if commit in versions:
        return versions[commit]
    text = _git(top, "show", f"{commit}:{path}")
    if text is None:
        return None
    parsed = _parse(text, f"claims.toml at commit {commit[:8]}", notes)
    if parsed is not None:
        versions[commit] = parsed
    return parsed


def preregistration(repo: str | Path, also: Iterable[Path] = ()) -> Preregistration:
    """Compare claims.toml now with the first paper-profile judging of each claim (run
    records under ``runs/`` and in the run directories ``also``, and the committed reports);
    never raises on a bad history."""
    repo = Path(repo)
    notes: list[str] = []
    current = claims_record(repo / "claims.toml", notes=notes)
    now = {k: v["fields"] for k, v in current["claims"].items()}
    try:
        events = _run_events(repo, notes, also) + _git_events(repo, notes)
    except Exception as exc:  # a history this code does not foresee must not stop a report
        notes.append(f"history not read ({type(exc).__name__}: {exc})")
        events = []
    events.sort(key=lambda e: (e.time, e.order))
    changes: list[ClaimChange] = []
    first_judged: dict[str, str | None] = {claim_id: None for claim_id in now}
    ids = [*now, *sorted({k for e in events for k in e.judged} - set(now))]
    for claim_id in ids:
        at = next(
            (i for i, e in enumerate(events) if claim_id in e.judged and claim_id in e.claims),
            None,
        )
        if at is None:
            continue
        first = events[at]
        if claim_id in first_judged:
            first_judged[claim_id] = first.label
        before = first.claims[claim_id]
        later, previous = [], before
        for event in events[at + 1 :]:
            version = event.claims.get(claim_id)
            if version is not None and _differences(previous, version):
                later.append(event.label)
                previous = version
        if claim_id not in now:
            changes.append(ClaimChange(claim_id, {}, first.label, tuple(later), removed=True))
            continue
        if _differences(previous, now[claim_id]):
            later.append("claims.toml in the working tree (not committed)")
        changed = _differences(before, now[claim_id])
        if changed:
            changes.append(ClaimChange(claim_id, changed, first.label, tuple(later)))
    return Preregistration(changes, first_judged, current, notes)


def claim_changes(repo: str | Path) -> list[ClaimChange]:
    """The claims of ``repo`` whose value, tolerance, direction or other verdict field changed
    after the first paper-profile run that judged them (``[]`` without git or runs)."""
    try:
        return preregistration(repo).changes
    except Exception:  # never stop an audit: the report's own call shows the notes
        return []
