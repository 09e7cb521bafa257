# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc audit``: one replication repository against the program's rules and review checklist.

Each item of the checklist (the pull-request template's boxes and DESIGN.md's rules) is
checked from the files and the git history and gets a status (pass, fail or warn), the
evidence it rests on and, when it is not a pass, the fix: what to change, where. Required
items decide the outcome; the others inform the reviewer.

Reading only: files are read, git is asked (without optional locks, so not even the index is
refreshed), nothing is written. Standard library only, and nothing that imports TensorFlow.
A repository made by an older template version, or half made, gets failed or warned items
that say what it lacks, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlc_common import __version__
from dlc_common.review import (
    checks_files,
    checks_hooks,
    checks_licences,
    checks_naming,
    checks_readme,
    checks_report,
)
from dlc_common.review.checking import (
    FAIL,
    PASS,
    WARN,
    AuditError,
    Findings,
    Item,
    Repo,
    md_section,
    md_sections,
    norm,
    plural,
    read_cruft,
    table_rows,
)

__all__ = ["CHECKS", "Audit", "AuditError", "Item", "audit", "to_json", "to_markdown"]

Check = Callable[[Repo, dict], Findings]
# The checklist, in the order it is printed: (id, title, required, check). Required items
# decide the outcome; an optional one informs the reviewer and never fails.
CHECKS: tuple[tuple[str, str, bool, Check], ...] = (
    ("naming", "Repository and package named by the naming rule", True, checks_naming.check_naming),
    ("license-file", "LICENSE holds the GPL-3.0 text", True, checks_licences.check_license_file),
    (
        "license-metadata",
        "Licence declared GPL-3.0-or-later (pyproject.toml, CITATION.cff)",
        True,
        checks_licences.check_license_metadata,
    ),
    (
        "license-headers",
        "Every file licensed GPL-3.0-or-later (SPDX headers, REUSE)",
        True,
        checks_licences.check_license_headers,
    ),
    (
        "citation",
        "CITATION.cff cites the replication and the paper",
        True,
        checks_naming.check_citation,
    ),
    (
        "readme-sections",
        "README has the template's sections",
        True,
        checks_readme.check_readme_sections,
    ),
    (
        "readme-placeholders",
        "README has no template placeholder text left",
        True,
        checks_readme.check_readme_placeholders,
    ),
    (
        "cleanroom",
        "README states that the replication is cleanroom",
        True,
        checks_readme.check_cleanroom,
    ),
    (
        "claims",
        "claims.toml holds the paper's claims, each with where",
        True,
        checks_readme.check_claims,
    ),
    (
        "experiments",
        "configs/paper.toml declares the paper's experiments",
        True,
        checks_readme.check_experiments,
    ),
    ("report", "A paper-profile report is committed", True, checks_report.check_report),
    (
        "report-current",
        "The report was made from the code, configs and claims now committed",
        True,
        checks_report.check_report_current,
    ),
    (
        "results-table",
        "README's results table is the report's",
        True,
        checks_report.check_results_table,
    ),
    (
        "report-text",
        "The report's own text is written (claims.toml [report])",
        True,
        checks_readme.check_report_text,
    ),
    (
        "deviations",
        "Every difference from the paper's values is a written deviation",
        True,
        checks_readme.check_deviations,
    ),
    (
        "notebook",
        "The notebook named after the repository, committed without outputs",
        True,
        checks_files.check_notebook,
    ),
    (
        "committed-files",
        "No data sets, checkpoints or run directories committed",
        True,
        checks_files.check_committed_files,
    ),
    ("file-sizes", "No file over the size limit", True, checks_files.check_file_sizes),
    (
        "commit-sizes",
        "Small commits over the whole history (the commit-size rule)",
        False,
        checks_hooks.check_commit_sizes,
    ),
    (
        "dependency-licenses",
        "No strong-copyleft dependency (the licence hook)",
        True,
        checks_hooks.check_dependency_licenses,
    ),
    (
        "claims-preregistered",
        "Claims unchanged since the paper run that first judged them",
        False,
        checks_report.check_claims_preregistered,
    ),
    ("worktree", "The audited files are the committed ones", False, checks_files.check_worktree),
)


@dataclass(frozen=True)
class Audit:
    """The checklist of one repository and what was read on the way (``facts``)."""

    path: Path
    items: tuple[Item, ...]
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether every required item passes (a warning does not stop it)."""
        return all(item.status != FAIL for item in self.items if item.required)

    def item(self, item_id: str) -> Item:
        """The item called ``item_id``."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def audit(path: Path | str) -> Audit:
    """Check the replication repository at ``path``; AuditError if it cannot be audited at all."""
    given = Path(path)
    if not given.exists():
        raise AuditError(f"{given}: no such directory")
    if not given.is_dir():
        raise AuditError(f"{given}: not a directory (give the replication repository's folder)")
    repo = Repo(given.resolve())
    facts: dict[str, Any] = {"path": str(repo.path), "head": repo.head}
    items = []
    for item_id, title, required, check in CHECKS:
        try:
            item = check(repo, facts).item(item_id, title, required)
        except AuditError:
            raise
        except Exception as exc:  # an audit bug must still leave a checklist
            item = Item(
                item_id,
                title,
                FAIL if required else WARN,
                f"the check itself failed: {type(exc).__name__}: {exc}",
                "report this to the dlc-template maintainers, with the repository",
                required,
            )
        items.append(item)
    answers = read_cruft(repo, facts)
    facts.setdefault("participant", answers.get("participant_name"))
    facts["template_version"] = checks_naming.template_version(repo)
    facts["compute"] = _compute(repo.text("README.md") or "")
    # An older template's repository lacks what this version checks: both versions are shown.
    facts["audited_by"] = __version__
    public = {k: v for k, v in facts.items() if not k.startswith("_")}
    return Audit(repo.path, tuple(items), public)


def _compute(readme: str) -> dict[str, str] | None:
    """The paper profile's row of README.md's Compute table: hardware and wall time."""
    body = md_section(md_sections(readme), "Compute")
    for row in table_rows(body or ""):
        if len(row) >= 3 and row[0].strip("` ").lower() == "paper":
            return {"hardware": row[1], "wall_time": row[2]}
    return None


_MARKS = {PASS: "✅ pass", FAIL: "❌ fail", WARN: "⚠️ warn"}


def counts(a: Audit) -> dict[str, int]:
    """How many items pass, fail and warn."""
    found = {PASS: 0, FAIL: 0, WARN: 0}
    for item in a.items:
        found[item.status] = found.get(item.status, 0) + 1
    return found


def to_markdown(a: Audit) -> str:
    """The checklist in Markdown: one line per item (status, evidence, fix)."""
    facts = a.facts
    name = facts.get("repo_name") or a.path.name
    lines = [f"## dlc audit: {name}", ""]
    about = []
    if facts.get("title"):
        who = ", ".join(facts.get("authors") or [])
        about.append(
            f"{facts.get('kind') or 'paper'} *{facts['title']}* ({who}, {facts.get('year')})"
        )
    if facts.get("participant"):
        about.append(f"replication by {facts['participant']}")
    if facts.get("template_version"):
        about.append(f"dlc-template {facts['template_version']}")
    if facts.get("head"):
        about.append(f"HEAD {str(facts['head'])[:12]}")
    about.append(f"audited by dlc-common {facts.get('audited_by', '?')}")
    if about:
        lines += [" · ".join(about), ""]
    n = counts(a)
    failing = [i.id for i in a.items if i.required and i.status == FAIL]
    if a.passed:
        head = "**Passed**: every required item passes"
    else:
        head = f"**Failed**: {plural(len(failing), 'required item')} fail ({', '.join(failing)})"
    lines += [f"{head}; {n[PASS]} pass, {n[FAIL]} fail, {n[WARN]} warn.", ""]
    for item in a.items:
        optional = "" if item.required else " (optional)"
        line = f"- {_MARKS.get(item.status, item.status)} `{item.id}`{optional} {item.title}: "
        line += norm(item.evidence)
        if item.fix and item.status != PASS:
            line += f" **Fix:** {norm(item.fix)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def to_json(a: Audit) -> dict[str, Any]:
    """The checklist as JSON-ready data: the same items and facts as the Markdown."""
    return {
        "path": str(a.path),
        "passed": a.passed,
        "counts": counts(a),
        "facts": a.facts,
        "items": [
            {
                "id": i.id,
                "title": i.title,
                "status": i.status,
                "evidence": i.evidence,
                "fix": i.fix,
                "required": i.required,
            }
            for i in a.items
        ],
    }


def main(path: str | Path = ".", as_json: bool = False, out: Any = None) -> int:
    """Print the audit of ``path`` (Markdown, or JSON); 0 passed, 1 failed. AuditError: usage."""
    result = audit(Path(path))
    stream = out or sys.stdout
    if as_json:
        stream.write(json.dumps(to_json(result), indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        stream.write(to_markdown(result))
    return 0 if result.passed else 1
