# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc catalog DIR...``: one index (Markdown, JSON, HTML) of many replication repositories.

Which directories are replications: each DIR is one itself when it holds ``CITATION.cff``,
``claims.toml`` or ``.cruft.json``; otherwise each of its direct subdirectories that holds one
of them is (hidden ones skipped, nothing searched deeper). Every replication gets one row:
the paper (CITATION.cff's first reference, else the answers in .cruft.json), its kind, the
participant (CITATION.cff's authors, else .cruft.json), the status of the published paper run
(``report/metrics.json``), its compute (REPORT.md, else the README's Compute table), the
template version (pyproject.toml's pin of dlc-template and .cruft.json's commit), the audit
(``dlc_common.review.audit``) and the date of the last paper run (its run directory's name,
else the commit of ``report/metrics.json``). A file that is missing or unreadable makes the row
say ``broken: <why>``; no repository stops the catalog.

Status of a replication, from the verdicts of its published paper-profile report:
``reproduced`` (every claim), ``not reproduced (k of n)`` (k claims of n not reproduced; any
such claim decides), ``inconclusive (k of n)`` (k claims inconclusive or not judged, none
refuted), ``no paper run yet`` (no report, or a report of another profile), ``broken: ...``.

``catalog.json`` (``"schema": 1``) holds ``generator``, ``generated`` (UTC), ``dirs``,
``notes`` (DIRs without a repository), ``summary`` (rows per status class) and
``replications``: per row the cells shown (``status``, ``kind``, ``*_text``) and the facts
behind them (``repository``, the folder's name, ``path``, ``status_class``, ``problems``, ``paper``,
``participant``, ``claims``, ``last_paper_run``, ``compute``, ``template``, ``audit``).

Reading only, standard library only: no TensorFlow, no network.
"""

from __future__ import annotations

import contextlib
import datetime
import html
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from dlc_common import __version__
from dlc_common.files import write_json, write_text
from dlc_common.review.cff import read_cff

__all__ = ["MARKERS", "SCHEMA", "build", "entry", "find", "html_page", "main", "markdown"]

SCHEMA = 1
MARKERS = ("CITATION.cff", "claims.toml", ".cruft.json")
FILES = ("catalog.md", "catalog.json", "catalog.html")
COLUMNS = (
    ("repository_text", "Repository"),
    ("paper_text", "Paper"),
    ("kind", "Kind"),
    ("participant_text", "Participant"),
    ("status", "Status"),
    ("compute_text", "Compute"),
    ("template_text", "Template"),
    ("audit_text", "Audit"),
    ("run_text", "Last paper run"),
)
# The order of the summary: what a reviewer looks for first.
CLASSES = ("reproduced", "not reproduced", "inconclusive", "no paper run yet", "broken")


# One repository's row.


def find(dirs: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """The replication repositories in ``dirs`` (see the module's rule) and notes on the rest."""
    found: dict[Path, None] = {}
    notes = []
    for directory in map(Path, dirs):
        if _is_repository(directory):
            found.setdefault(directory.resolve())
            continue
        try:
            children = sorted(directory.iterdir())
        except OSError as exc:
            notes.append(f"{directory}: cannot be listed ({exc})")
            continue
        inside = [
            child
            for child in children
            if child.is_dir() and not child.name.startswith(".") and _is_repository(child)
        ]
        if not inside:
            notes.append(
                f"{directory}: no replication repository in it (none of {', '.join(MARKERS)} "
                "in it or in a subdirectory)"
            )
        for child in inside:
            found.setdefault(child.resolve())
    return sorted(found, key=lambda p: (p.name.lower(), str(p))), notes


def _is_repository(path: Path) -> bool:
    return path.is_dir() and any((path / name).exists() for name in MARKERS)


def entry(path: Path) -> dict[str, Any]:
    """The catalog's row of the replication repository at ``path`` (never raises)."""
    row: dict[str, Any] = {"repository": path.name, "path": str(path), "problems": []}
    try:
        _fill(row, path)
    except Exception as exc:  # a bug or an unreadable disk must not stop the catalog
        row["problems"].append(f"could not be read ({type(exc).__name__}: {exc})")
    for key, value in _defaults().items():
        row.setdefault(key, value)
    row["audit"] = _audit(path)
    row["audit_text"] = row["audit"]["text"]
    if row["problems"]:
        row["status"] = "broken: " + "; ".join(row["problems"])
        row["status_class"] = "broken"
    order = ["repository", "path", "status", "status_class", "problems", *_defaults()]
    return {key: row[key] for key in dict.fromkeys([*order, *row])}


def _defaults() -> dict[str, Any]:
    return {
        "paper": {}, "paper_text": "unknown", "kind": "unknown", "participant": {},
        "participant_text": "unknown", "status": "no paper run yet",
        "status_class": "no paper run yet", "claims": None, "last_paper_run": None,
        "run_text": "none", "compute": {}, "compute_text": "not recorded", "template": {},
        "template_text": "unknown",
    }  # fmt: skip


def _fill(row: dict[str, Any], path: Path) -> None:
    problems: list[str] = row["problems"]
    cff = _read(path, "CITATION.cff", read_cff, problems)
    cruft = _read(path, ".cruft.json", _json_object, problems)
    answers = ((cruft or {}).get("context") or {}).get("cookiecutter") or {}
    if not isinstance(answers, dict):
        answers = {}
    if not (path / "claims.toml").is_file():
        problems.append("no claims.toml")
    else:
        _read(path, "claims.toml", _toml, problems)
    if not (path / "README.md").is_file():
        problems.append("no README.md")

    paper = _paper(cff, answers, problems)
    row["paper"] = paper
    if paper.get("title"):
        by = _authors_text(paper.get("authors", []), paper.get("more", False))
        year = f" ({paper['year']})" if paper.get("year") else ""
        row["paper_text"] = paper["title"] + (f" — {by}" if by else "") + year
    row["kind"] = paper.get("kind") or "unknown"
    row["participant"] = participant = _participant(cff, answers)
    if participant.get("name"):
        github = f" (@{participant['github']})" if participant.get("github") else ""
        row["participant_text"] = participant["name"] + github
    row["template"] = template = _template(path, cruft)
    row["template_text"] = template["text"]
    _report(row, path, problems)


def _read(root: Path, name: str, load: Any, problems: list[str]) -> Any:
    """``load(root / name)``, or None with the reason in ``problems``."""
    path = root / name
    if not path.exists():
        if name == "CITATION.cff":
            problems.append("no CITATION.cff")
        return None
    try:
        return load(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSON, TOML and CFF errors too
        problems.append(f"{name} unreadable: {exc}")
        return None


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _json_object(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def _paper(cff: dict | None, answers: dict, problems: list[str]) -> dict[str, Any]:
    """Title, authors (family names), year, kind and identifier of the replicated paper."""
    refs = (cff or {}).get("references")
    ref = refs[0] if isinstance(refs, list) and refs and isinstance(refs[0], dict) else None
    if cff is not None and ref is None:
        problems.append("CITATION.cff names no paper (no entry under references:)")
    if ref is not None:
        authors, more = [], False
        for person in ref.get("authors") or []:
            if not isinstance(person, dict):
                continue
            name = person.get("family-names") or person.get("name") or ""
            if name == "others":
                more = True
            elif name:
                particle = person.get("name-particle")
                authors.append(f"{particle} {name}" if particle else str(name))
        ids = [i.get("value") for i in ref.get("identifiers") or [] if isinstance(i, dict)]
        return {
            "title": _one_line(ref.get("title")),
            "authors": authors,
            "more": more,
            "year": _one_line(ref.get("year")),
            "kind": "patent" if ref.get("type") == "patent" else "paper",
            "identifier": _one_line(ref.get("doi") or ref.get("number") or next(iter(ids), "")),
            "url": _one_line(ref.get("url")),
            "source": "CITATION.cff",
        }
    if answers.get("title"):
        names = [a.split(",")[0].strip() for a in str(answers.get("authors", "")).split(" and ")]
        return {
            "title": _one_line(answers["title"]),
            "authors": [n for n in names if n and n != "others"],
            "more": "others" in names,
            "year": _one_line(answers.get("year")),
            "kind": _one_line(answers.get("kind")) or "paper",
            "identifier": _one_line(answers.get("identifier")),
            "url": _one_line(answers.get("url")),
            "source": ".cruft.json",
        }
    return {}


def _authors_text(authors: Sequence[str], more: bool) -> str:
    if len(authors) > 3 or (more and authors):
        return ", ".join(authors[:3]) + " et al."
    return ", ".join(authors)


def _participant(cff: dict | None, answers: dict) -> dict[str, Any]:
    names = []
    for person in (cff or {}).get("authors") or []:
        if isinstance(person, dict):
            given, family = person.get("given-names"), person.get("family-names")
            name = " ".join(str(p) for p in (given, family) if p) or person.get("name")
            if name:
                names.append(_one_line(name))
    if not names and answers.get("participant_name"):
        names = [_one_line(answers["participant_name"])]
    result: dict[str, Any] = {"name": ", ".join(names)}
    if answers.get("github_user"):
        result["github"] = _one_line(answers["github_user"])
    return result


def _template(path: Path, cruft: dict | None) -> dict[str, Any]:
    """The dlc-template version (pyproject.toml's pin) and commit (.cruft.json) it was made with."""
    version = None
    pyproject = path / "pyproject.toml"
    if pyproject.is_file():
        pin = re.search(
            r"dlc-template@v([0-9A-Za-z.+_-]+)", pyproject.read_text("utf-8", errors="replace")
        )
        version = pin.group(1) if pin else None
    commit = (cruft or {}).get("commit")
    commit = commit if isinstance(commit, str) and commit else None
    source = (cruft or {}).get("template")
    parts = [version] if version else []
    if commit:
        parts.append(f"({commit[:8]})" if parts else f"commit {commit[:8]}")
    if not parts:
        text = "unknown (no .cruft.json)" if cruft is None else "unknown"
    else:
        text = " ".join(parts)
    return {"version": version, "commit": commit, "source": source, "text": text}


_STAMP = re.compile(r"(\d{8})-(\d{6})")
_COMPUTE = re.compile(r"Compute:\s+(.+?);\s+([\d.]+)\s+minutes\s+of\s+training", re.DOTALL)


def _report(row: dict[str, Any], path: Path, problems: list[str]) -> None:
    """Status, claims, date and compute of the published paper run (report/)."""
    readme = _readme_compute(path)
    row["compute"] = {"readme": readme, "report": None}
    if readme:
        row["compute_text"] = f"{readme['hardware']}, {readme['wall_time']} (README)"
    metrics_path = path / "report" / "metrics.json"
    if not metrics_path.exists():
        return
    metrics = _read(path, "report/metrics.json", _json_object, problems)
    if metrics is None:
        return
    profile = metrics.get("profile")
    if profile != "paper":
        row["status"] = row["status_class"] = "no paper run yet"
        row["status"] += f" (the published report is of the {profile!r} profile)"
        return
    verdicts = metrics.get("verdicts")
    if not isinstance(verdicts, list) or not all(
        isinstance(v, dict) and isinstance(v.get("status"), str) for v in verdicts
    ):
        problems.append("report/metrics.json: 'verdicts' is not a list of verdicts with a status")
        return
    counts = {"reproduced": 0, "not reproduced": 0, "inconclusive": 0, "not judged": 0}
    for verdict in verdicts:
        if verdict["status"] not in counts:
            problems.append(f"report/metrics.json: unknown verdict status {verdict['status']!r}")
            return
        counts[verdict["status"]] += 1
    n = len(verdicts)
    row["claims"] = {**counts, "total": n}
    open_ = counts["inconclusive"] + counts["not judged"]
    if counts["not reproduced"]:
        row["status_class"] = "not reproduced"
        row["status"] = f"not reproduced ({counts['not reproduced']} of {n})"
    elif open_ or not n:
        row["status_class"] = "inconclusive"
        row["status"] = f"inconclusive ({open_} of {n})" if n else "inconclusive (no claims)"
    else:
        row["status_class"] = row["status"] = "reproduced"
    if metrics.get("incomplete"):
        row["status"] += f", partial run ({len(metrics['incomplete'])} tasks without metrics)"

    run_dir = str(metrics.get("run_dir") or "")
    commit = metrics.get("commit") if isinstance(metrics.get("commit"), str) else None
    date, source = None, None
    stamp = _STAMP.search(Path(run_dir).name)
    if stamp:
        with contextlib.suppress(ValueError):
            when = datetime.datetime.strptime("".join(stamp.groups()), "%Y%m%d%H%M%S")
            date, source = when.isoformat(), "run directory"
    if date is None:
        date = _git(path, "log", "-1", "--format=%cI", "--", "report/metrics.json")
        source = "commit of report/metrics.json" if date else None
    row["last_paper_run"] = {
        "date": date,
        "date_source": source,
        "run_dir": run_dir,
        "commit": commit,
        "dirty": metrics.get("dirty"),
    }
    shown = date[:16].replace("T", " ") if date else "date unknown"
    row["run_text"] = shown + (f" ({commit[:8]})" if commit else "")
    if metrics.get("dirty"):
        row["run_text"] += ", uncommitted code"

    report = _report_compute(path / "report" / "REPORT.md")
    row["compute"]["report"] = report
    if report:
        row["compute_text"] = f"{report['minutes']:g} min of training on {report['devices']}"


def _report_compute(path: Path) -> dict[str, Any] | None:
    """The devices and training minutes REPORT.md states ("Compute: ...; N minutes of ...")."""
    if not path.is_file():
        return None
    match = _COMPUTE.search(path.read_text("utf-8", errors="replace"))
    if not match:
        return None
    raw = " ".join(match.group(1).split())
    names = [d.strip() for d in raw.split(",")]
    gpus = sum("GPU" in d for d in names)
    devices = f"{gpus} GPU" if gpus else ("CPU" if any("CPU" in d for d in names) else raw)
    return {"devices": devices, "device_names": names, "minutes": float(match.group(2))}


def _readme_compute(path: Path) -> dict[str, str] | None:
    """The paper row of the README's Compute table, unless it still says "to be measured"."""
    readme = path / "README.md"
    if not readme.is_file():
        return None
    text = readme.read_text("utf-8", errors="replace")
    section = re.search(r"^## Compute\s*$(.*?)(?=^## |\Z)", text, re.DOTALL | re.MULTILINE)
    if not section:
        return None
    for line in section.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].strip("`*") == "paper":
            if "to be measured" in " ".join(cells[1:3]):
                return None
            return {"hardware": cells[1], "wall_time": cells[2]}
    return None


def _git(path: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=path, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def _audit(path: Path) -> dict[str, Any]:
    """The audit's outcome as the catalog shows it; a crash of the audit is shown, not raised."""
    try:
        from dlc_common.review.audit import AuditError, audit
    except ModuleNotFoundError as exc:
        return {"text": "no audit (dlc_common.review.audit missing)", "error": str(exc)}
    try:
        result = audit(path)
        items = list(result.items)
        failed = [item.id for item in items if item.status == "fail"]
        warnings = [item.id for item in items if item.status == "warn"]
        passed = bool(result.passed)
    except AuditError as exc:  # the audit's own refusal (no git history to read), not a crash
        return {"text": f"not audited: {exc}", "error": str(exc)}
    except Exception as exc:
        return {"text": f"audit crashed: {type(exc).__name__}: {exc}", "error": str(exc)}
    text = "passed" if passed else f"{len(failed)} failed of {len(items)}"
    if passed and failed:
        text += f" ({len(failed)} optional failed)"
    if warnings:
        text += f", {len(warnings)} warning{'s' if len(warnings) > 1 else ''}"
    return {
        "text": text,
        "passed": passed,
        "items": len(items),
        "failed": failed,
        "warnings": warnings,
    }


def _one_line(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


# The catalog and its three renderings.


def build(dirs: Sequence[str | Path]) -> dict[str, Any]:
    """The catalog of the replications in ``dirs`` as the JSON document it is written as."""
    paths, notes = find(dirs)
    rows = [entry(path) for path in paths]
    names = [path.name for path in paths]
    for row, path in zip(rows, paths, strict=True):
        # Two clones of one name (two organisations, a fork) are told apart by their folder.
        twice = names.count(path.name) > 1
        row["repository_text"] = f"{path.name} (in {path.parent})" if twice else path.name
    summary = {name: 0 for name in CLASSES}
    for row in rows:
        summary[row["status_class"]] += 1
    return {
        "schema": SCHEMA,
        "generator": f"dlc-common {__version__}",
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "dirs": [str(Path(d).resolve()) for d in dirs],
        "notes": notes,
        "summary": summary,
        "replications": rows,
    }


def summary_line(catalog: dict[str, Any]) -> str:
    """'N replications: a reproduced, b not reproduced, ...' (the classes that occur)."""
    rows = catalog["replications"]
    parts = [f"{n} {name}" for name, n in catalog["summary"].items() if n]
    noun = "replication" if len(rows) == 1 else "replications"
    return f"{len(rows)} {noun}" + (": " + ", ".join(parts) if parts else "")


def _md_cell(value: Any) -> str:
    text = " ".join(str(value).split())
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|")):
        text = text.replace(old, new)
    return text


def markdown(catalog: dict[str, Any]) -> str:
    """The catalog as a Markdown page: a heading, the summary and one table row per repository."""
    lines = [
        "# Catalog of replications",
        "",
        f"Generated by {catalog['generator']} on {catalog['generated']} from "
        + ", ".join(f"`{_md_cell(d)}`" for d in catalog["dirs"])
        + f". {_md_cell(summary_line(catalog))}.",
        "",
    ]
    lines += [f"- {_md_cell(note)}" for note in catalog["notes"]]
    lines += [""] if catalog["notes"] else []
    lines.append("| " + " | ".join(title for _, title in COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    for row in catalog["replications"]:
        lines.append("| " + " | ".join(_md_cell(row[key]) for key, _ in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "th,td{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#eee}tr.broken td{background:#fdd}tr.reproduced td.status{background:#dfd}"
)


def html_page(catalog: dict[str, Any]) -> str:
    """The catalog as one static HTML page: no script, no external file."""
    esc = html.escape
    head = "".join(f"<th>{esc(title)}</th>" for _, title in COLUMNS)
    body = []
    for row in catalog["replications"]:
        css = esc(row["status_class"].replace(" ", "-"))
        cells = "".join(
            f'<td class="{key.removesuffix("_text")}">{esc(str(row[key]))}</td>'
            for key, _ in COLUMNS
        )
        body.append(f'<tr class="{css}">{cells}</tr>')
    notes = "".join(f"<li>{esc(note)}</li>" for note in catalog["notes"])
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Catalog of replications</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        "<h1>Catalog of replications</h1>\n"
        f"<p>Generated by {esc(catalog['generator'])} on {esc(catalog['generated'])} from "
        f"{esc(', '.join(catalog['dirs']))}. {esc(summary_line(catalog))}.</p>\n"
        + (f"<ul>{notes}</ul>\n" if notes else "")
        + f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody>\n</table>\n</body>\n</html>\n"
    )


def main(dirs: Sequence[str | Path], output: str | Path = ".") -> int:
    """Write catalog.md, catalog.json and catalog.html of ``dirs`` into ``output``; exit status.

    2 when a DIR is not an existing directory (nothing written), 1 when ``output`` cannot be
    written, else 0, whatever state the repositories are in.
    """
    if not dirs:
        print(
            "dlc catalog: give at least one DIR holding replication repositories", file=sys.stderr
        )
        return 2
    for directory in map(Path, dirs):
        if not directory.is_dir():
            what = "is not a directory" if directory.exists() else "does not exist"
            print(
                f"dlc catalog: DIR {str(directory)!r} {what}: give a replication repository or "
                "a directory holding them (e.g. clones of the organisation's repositories); "
                "nothing was written",
                file=sys.stderr,
            )
            return 2
    catalog = build(dirs)
    out = Path(output)
    try:
        write_text(out / "catalog.md", markdown(catalog))
        write_json(out / "catalog.json", catalog, sort_keys=False)
        write_text(out / "catalog.html", html_page(catalog))
    except OSError as exc:
        print(f"dlc catalog: cannot write into {str(out)!r}: {exc}", file=sys.stderr)
        return 1
    for note in catalog["notes"]:
        print(f"dlc catalog: {note}", file=sys.stderr)
    where = out.resolve()
    print(f"dlc catalog: wrote {', '.join(FILES)} into {where}")
    print(f"dlc catalog: {summary_line(catalog)}")
    return 0
