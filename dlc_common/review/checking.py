# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every check of ``dlc audit`` uses: the repository read once, and its findings.

``Repo`` asks git (without optional locks: reading only) and reads each file once;
``Findings`` collects one check's failures, warnings and notes, which become its ``Item``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PASS, FAIL, WARN = "pass", "fail", "warn"


class AuditError(Exception):
    """PATH cannot be audited at all (not a directory, not in a git repository): bad usage."""


@dataclass(frozen=True)
class Item:
    """One item of the checklist: its status, the evidence, and the fix when it is not a pass."""

    id: str
    title: str
    status: str  # "pass" | "fail" | "warn"
    evidence: str
    fix: str
    required: bool


class GitError(Exception):
    pass


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_VARIABLES}
    env["GIT_OPTIONAL_LOCKS"] = "0"  # reading only: git status must not refresh the index
    env["LC_ALL"] = "C"
    return env


_GIT_LOCATION_VARIABLES = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX"}


class Repo:
    """PATH and its git repository, with the files read once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = _git_env()
        try:
            top = self.git("rev-parse", "--show-toplevel").strip()
        except GitError as exc:
            raise AuditError(
                f"{path} is not in a git repository: the audit reads its history ({exc})"
            ) from None
        self.top = Path(top)
        self.prefix = self.git("rev-parse", "--show-prefix").strip()  # "" at the top
        self.head = self.git_or_none("rev-parse", "--verify", "-q", "HEAD^{commit}")
        self.head = self.head.strip() if self.head else None
        listing = self.git("ls-files", "-z", "--", ".")
        self.tracked = sorted(name for name in listing.split("\0") if name)
        self.tracked_set = set(self.tracked)
        self.shallow = self.git_or_none("rev-parse", "--is-shallow-repository") == "true\n"
        self._texts: dict[str, str | None] = {}

    def git(self, *args: str, binary: bool = False) -> Any:
        try:
            result = subprocess.run(
                ["git", "-c", "core.quotepath=false", "-C", str(self.path), *args],
                capture_output=True,
                env=self.env,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise AuditError(f"cannot run git: {exc.strerror}; install git") from None
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip().splitlines()
            raise GitError(message[-1] if message else f"git {args[0]}: exit {result.returncode}")
        return result.stdout if binary else result.stdout.decode("utf-8", errors="replace")

    def git_or_none(self, *args: str) -> str | None:
        try:
            return self.git(*args)
        except GitError:
            return None

    def text(self, name: str) -> str | None:
        """A file's text (None if it is missing or not a file)."""
        if name not in self._texts:
            path = self.path / name
            try:
                self._texts[name] = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._texts[name] = None
        return self._texts[name]

    def committed(self, names: Sequence[str], rev: str | None = None) -> dict[str, bytes | None]:
        """The files as committed at ``rev`` (HEAD), read in one ``git cat-file``."""
        rev = rev or self.head
        if not rev or not names:
            return dict.fromkeys(names)
        specs = "".join(f"{rev}:./{name}\n" for name in names).encode()
        try:
            result = subprocess.run(
                ["git", "-C", str(self.path), "cat-file", "--batch"],
                input=specs,
                capture_output=True,
                env=self.env,
                check=False,
            )
        except OSError:
            return dict.fromkeys(names)
        out, found, position = result.stdout, {}, 0
        for name in names:
            end = out.find(b"\n", position)
            if end < 0:
                break
            header = out[position:end].split()
            position = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                found[name] = out[position : position + size]
                position += size + 1
            else:
                found[name] = None
        return {name: found.get(name) for name in names}

    def toml(self, name: str) -> dict[str, Any] | None:
        """A TOML file's data; None if missing; ValueError naming the problem if broken."""
        text = self.text(name)
        if text is None:
            return None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{name} is not valid TOML: {exc}") from None


def norm(text: str) -> str:
    return " ".join(text.split())


def plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def listed(names: Sequence[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def md_sections(markdown: str) -> dict[str, str]:
    """The README's level-2 sections: heading -> text (up to the next level-2 heading)."""
    found: dict[str, str] = {}
    parts = re.split(r"^## +(.+?)\s*$", markdown, flags=re.M)
    for heading, body in zip(parts[1::2], parts[2::2], strict=False):
        found.setdefault(heading.strip(), body.strip())
    return found


def md_section(sections: dict[str, str], name: str) -> str | None:
    for heading, body in sections.items():
        if heading.lower() == name.lower():
            return body
    return None


def table_rows(table: str) -> list[list[str]]:
    rows = []
    for line in table.splitlines():
        line = line.strip()
        if line.startswith("|") and not re.fullmatch(r"\|[\s:|-]*\|", line):
            cells = re.split(r"(?<!\\)\|", line.strip("|"))
            rows.append([c.strip() for c in cells])
    return rows


class Findings:
    """The problems and notes one check collects, turned into its item."""

    def __init__(self) -> None:
        self.failures: list[tuple[str, str]] = []  # (evidence, fix)
        self.warnings: list[tuple[str, str]] = []
        self.notes: list[str] = []

    def fail(self, evidence: str, fix: str) -> None:
        self.failures.append((evidence, fix))

    def warn(self, evidence: str, fix: str) -> None:
        self.warnings.append((evidence, fix))

    def note(self, evidence: str) -> None:
        self.notes.append(evidence)

    def item(self, item_id: str, title: str, required: bool) -> Item:
        problems = self.failures + self.warnings
        if not required and self.failures:
            status = WARN  # an optional item informs; it never fails the audit
        else:
            status = FAIL if self.failures else WARN if self.warnings else PASS
        evidence = "; ".join([e for e, _ in problems] + ([] if problems else self.notes))
        fixes: list[str] = []
        for _, fix in problems:
            if fix and fix not in fixes:
                fixes.append(fix)
        fix_text = "; ".join(fixes)
        if fix_text:
            fix_text = fix_text[0].upper() + fix_text[1:]
            fix_text += "" if fix_text.endswith(".") else "."
        return Item(item_id, title, status, evidence or "nothing to report", fix_text, required)


def read_cruft(repo: Repo, facts: dict) -> dict[str, Any]:
    """The answers the bake recorded in .cruft.json ({} when there is no such file)."""
    if "_answers" not in facts:
        facts["_answers"] = {}
        text = repo.text(".cruft.json")
        if text is not None:
            try:
                record = json.loads(text)
                answers = record.get("context", {}).get("cookiecutter", {})
                facts["_answers"] = answers if isinstance(answers, dict) else {}
                facts["template"] = record.get("template")
                facts["template_commit"] = record.get("commit")
            except (ValueError, AttributeError):
                facts["_cruft_error"] = ".cruft.json is not valid JSON"
    return facts["_answers"]
