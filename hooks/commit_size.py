# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc-check-commit-size``: keep each commit small enough to review.

Counts the lines added plus removed and the files touched by the staged change, from
``git diff --cached --raw --numstat -z``. A rename, a mode change, a submodule bump, a binary
file and a line-ending flip touch a file but count no lines; a notebook counts the lines of its
cells' sources, never outputs or metadata. Merge commits and the first commit are not checked.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dlc_hooks._git import GitError, commit_state, git

PROG = "dlc-check-commit-size"
MAX_LINES = 400
MAX_FILES = 20
WARN_LINES = 200
# Lock files are rewritten by tools, not by people: reviewers skip them anyway.
DEFAULT_EXCLUDES = (
    "*.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "conda-lock.yml",
    "pylock.toml",
    "pylock.*.toml",
)
GITLINK = "160000"

# Options that pin every part of the diff that a user's configuration could change:
# diff.renames=false (-M), diff.renameLimit (-l), diff.external (--no-ext-diff), textconv
# drivers such as nbdime's (--no-textconv), diff.relative, color.ui=always,
# diff.ignoreSubmodules=all and diff.algorithm. --ignore-cr-at-eol makes a CRLF/LF flip count
# no lines: it changes no content a reviewer reads.
DIFF_OPTIONS = (
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--ignore-submodules=dirty",
    "--diff-algorithm=myers",
    "--find-renames",
    "-l1000",
    "--ignore-cr-at-eol",
    "--no-abbrev",
    "--raw",
    "--numstat",
    "-z",
)


@dataclass
class FileChange:
    """One file of a change and what it counts."""

    path: str
    status: str
    old_path: str | None = None
    added: int = 0
    removed: int = 0
    kind: str = "text"  # text, binary, notebook, submodule
    old_mode: str = ""
    new_mode: str = ""
    old_blob: str = ""
    new_blob: str = ""

    @property
    def lines(self) -> int:
        """Lines added plus removed."""
        return self.added + self.removed

    def describe(self) -> str:
        """``+12 -3  path`` with what else a reviewer should know about the file."""
        name = f"{self.old_path} -> {self.path}" if self.old_path else self.path
        notes = []
        if self.kind != "text":
            notes.append({"notebook": "cell sources"}.get(self.kind, self.kind))
        if self.status.startswith("R") and not self.lines:
            notes.append("rename")
        if self.old_mode != self.new_mode and "000000" not in (self.old_mode, self.new_mode):
            notes.append(f"mode {self.old_mode} -> {self.new_mode}")
        note = f"  ({', '.join(notes)})" if notes else ""
        return f"+{self.added} -{self.removed}".ljust(14) + name + note


@dataclass
class Change:
    """The files of a change that count, and the ones left out by an exclusion."""

    files: list[FileChange] = field(default_factory=list)
    excluded: list[FileChange] = field(default_factory=list)

    @property
    def lines(self) -> int:
        """Lines added plus removed over all counted files."""
        return sum(f.lines for f in self.files)


@dataclass(frozen=True)
class Limits:
    """When a change is too big (fail) or getting big (warn)."""

    max_lines: int = MAX_LINES
    max_files: int = MAX_FILES
    warn_lines: int = WARN_LINES
    excludes: tuple[str, ...] = DEFAULT_EXCLUDES
    use_attributes: bool = True


def _parse(out: bytes) -> list[FileChange]:
    """Pair the --raw and --numstat records of ``git diff -z`` by path."""
    tokens = out.split(b"\0")
    changes: dict[str, FileChange] = {}
    counts: dict[str, tuple[str, str]] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token:
            i += 1
        elif token.startswith(b":"):
            # :old_mode new_mode old_sha new_sha status, then one path (two for R and C).
            old_mode, new_mode, old_blob, new_blob, status = token[1:].decode().split()
            if status[0] in "RC":
                old, new = os.fsdecode(tokens[i + 1]), os.fsdecode(tokens[i + 2])
                i += 3
            else:
                old, new = None, os.fsdecode(tokens[i + 1])
                i += 2
            changes[new] = FileChange(
                new, status, old, 0, 0, "text", old_mode, new_mode, old_blob, new_blob
            )
        else:
            # added TAB removed TAB path; for a rename the path is empty and two paths follow.
            added, removed, path = token.split(b"\t", 2)
            if path:
                i += 1
            else:
                path = tokens[i + 2]
                i += 3
            counts[os.fsdecode(path)] = (added.decode(), removed.decode())
    for path, change in changes.items():
        # Files missing from --numstat changed no lines once CR at end of line is ignored.
        added, removed = counts.get(path, ("0", "0"))
        if GITLINK in (change.old_mode, change.new_mode):
            change.kind = "submodule"  # numstat counts the "Subproject commit" line
        elif added == "-":
            change.kind = "binary"
        else:
            change.added, change.removed = int(added), int(removed)
    return list(changes.values())


def _cell_lines(blob: bytes) -> list[tuple[str, str]] | None:
    """A notebook as (kind, text) lines: a marker per cell, then its source lines."""
    import json  # only when a notebook changed: every import costs start-up time

    try:
        notebook = json.loads(blob)
        cells = notebook["cells"] if "cells" in notebook else notebook["worksheets"][0]["cells"]
        lines: list[tuple[str, str]] = []
        for cell in cells:
            source = cell.get("source", cell.get("input", ""))
            text = "".join(source) if isinstance(source, list) else str(source)
            lines.append(("cell", str(cell.get("cell_type", ""))))
            lines.extend(("source", line) for line in text.splitlines())
        return lines
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None  # not a notebook after all: its plain line count stands


def _count_notebooks(changes: list[FileChange], repo: Path) -> None:
    """Replace the line counts of notebooks by their changed cell-source lines."""
    notebooks = [c for c in changes if c.path.endswith(".ipynb") and c.kind == "text"]
    if not notebooks:
        return
    import difflib

    null = "0" * 40
    wanted = sorted({b for c in notebooks for b in (c.old_blob, c.new_blob) if b != null})
    out = git("cat-file", "--batch", cwd=repo, stdin="".join(f"{b}\n" for b in wanted).encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in wanted:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        blobs[sha] = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    for change in notebooks:
        old = _cell_lines(blobs[change.old_blob]) if change.old_blob != null else []
        new = _cell_lines(blobs[change.new_blob]) if change.new_blob != null else []
        if old is None or new is None:
            continue
        added = removed = 0
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                removed += sum(kind == "source" for kind, _ in old[i1:i2])
                added += sum(kind == "source" for kind, _ in new[j1:j2])
        change.added, change.removed, change.kind = added, removed, "notebook"


def _excluded_by_attributes(paths: list[str], repo: Path) -> set[str]:
    """Paths marked generated (linguist-generated) or stored in Git LFS (filter=lfs)."""
    if not paths:
        return set()
    out = git(
        "check-attr",
        "-z",
        "--stdin",
        "--cached",
        "linguist-generated",
        "filter",
        cwd=repo,
        stdin=b"\0".join(os.fsencode(p) for p in paths) + b"\0",
    )
    tokens = out.split(b"\0")
    found = set()
    for i in range(0, len(tokens) - 2, 3):
        path, attribute, value = tokens[i : i + 3]
        generated = attribute == b"linguist-generated" and value in (b"set", b"true")
        if generated or (attribute == b"filter" and value == b"lfs"):
            found.add(os.fsdecode(path))
    return found


def matches(path: str, patterns: Iterable[str]) -> bool:
    """Whether a path matches a glob: on its name without a slash, on the whole path with."""
    name = path.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(path if "/" in p else name, p) for p in patterns)


def measure(repo: Path, old: str, new: str | None, limits: Limits | None = None) -> Change:
    """Measure the change from commit ``old`` to ``new`` (None: the index, as staged)."""
    limits = limits or Limits()
    revs = ["--cached", old] if new is None else [old, new]
    changes = _parse(git(*DIFF_OPTIONS, *revs, "--", cwd=repo))
    _count_notebooks(changes, repo)
    generated = (
        _excluded_by_attributes([c.path for c in changes], repo) if limits.use_attributes else set()
    )
    result = Change()
    for change in changes:
        out = change.path in generated or matches(change.path, limits.excludes)
        (result.excluded if out else result.files).append(change)
    return result


def size_text(change: Change) -> str:
    """``12 changed lines in 3 files``."""
    lines, files = change.lines, len(change.files)
    return f"{lines} changed line{'s' * (lines != 1)} in {files} file{'s' * (files != 1)}"


def verdict(change: Change, limits: Limits) -> tuple[str, str]:
    """("fail" | "warn" | "ok", one line saying the size against the limits)."""
    lines, files = change.lines, len(change.files)
    size = size_text(change)
    over = []
    if lines > limits.max_lines:
        over.append(f"{lines} lines > limit {limits.max_lines}")
    if files > limits.max_files:
        over.append(f"{files} files > limit {limits.max_files}")
    if over:
        return "fail", f"{size}: too big ({'; '.join(over)})"
    if lines > limits.warn_lines:
        return "warn", (
            f"{size}: getting big (more than {limits.warn_lines}; "
            f"the limit is {limits.max_lines} lines and {limits.max_files} files)"
        )
    return "ok", size


def file_table(change: Change, top: int = 10) -> list[str]:
    """The biggest files of a change, one line each, then what was left out."""
    ranked = sorted(change.files, key=lambda f: (-f.lines, f.path))
    rows = [f"    {f.describe()}" for f in ranked[:top]]
    if len(ranked) > top:
        rest = ranked[top:]
        rows.append(f"    ... and {len(rest)} more files with {sum(f.lines for f in rest)} lines")
    if change.excluded:
        names = ", ".join(f.path for f in change.excluded[:5])
        more = f" and {len(change.excluded) - 5} more" if len(change.excluded) > 5 else ""
        rows.append(f"    not counted (excluded, generated or LFS): {names}{more}")
    return rows


HOW_TO_SPLIT = """\
Small commits get real reviews. Split this change into commits that each do one thing:
    git restore --staged <path>...   unstage whole files, commit the rest, then add them back
    git reset --patch                unstage single hunks
"""
COUNTING_RULES = """\
A rename, a mode change, a binary file and a line-ending flip count no lines: commit them alone.
Lines are added + removed; notebooks count cell sources only. A file that is generated or
vendored can be excluded with --exclude GLOB (or linguist-generated in .gitattributes)."""


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that set the limits, shared with ``dlc-check-commit-range``."""
    parser.add_argument(
        "--max-lines", type=int, default=MAX_LINES, help="fail above this many lines (%(default)s)"
    )
    parser.add_argument(
        "--max-files", type=int, default=MAX_FILES, help="fail above this many files (%(default)s)"
    )
    parser.add_argument(
        "--warn-lines",
        type=int,
        help=f"warn above this many lines (default: half of --max-lines, {WARN_LINES})",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="do not count files matching GLOB (repeatable; matched against the file name if "
        "GLOB has no '/', else against the whole path)",
    )
    parser.add_argument(
        "--no-default-excludes",
        action="store_true",
        help="also count lock files and files marked linguist-generated or filter=lfs",
    )


def limits_from(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Limits:
    """Limits from parsed options; a usage error (exit 2) if they contradict each other."""
    if args.warn_lines is None:
        args.warn_lines = args.max_lines // 2
    for name in ("max_lines", "max_files", "warn_lines"):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must not be negative")
    if args.warn_lines > args.max_lines:
        parser.error(
            f"--warn-lines ({args.warn_lines}) is above --max-lines ({args.max_lines}): "
            "a warning must come before the failure"
        )
    defaults = () if args.no_default_excludes else DEFAULT_EXCLUDES
    return Limits(
        args.max_lines,
        args.max_files,
        args.warn_lines,
        (*defaults, *args.exclude),
        not args.no_default_excludes,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Check the size of the staged change; exit 1 if it is over the limit."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    add_limit_arguments(parser)
    args = parser.parse_args(argv)
    limits = limits_from(parser, args)
    try:
        repo, merge_head, head = commit_state()
        if head is None:
            # The root commit is a project's starting point (a generated template), not a
            # change to review.
            print(f"{PROG}: the first commit of a repository is not checked")
            return 0
        if merge_head.exists():
            print(f"{PROG}: a merge commit is not checked (its changes were reviewed already)")
            return 0
        change = measure(repo, head, None, limits)
    except GitError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    status, line = verdict(change, limits)
    if status == "ok":
        return 0
    if status == "warn":
        print(f"{PROG}: warning: this commit has {line}.")
        return 0
    print(f"{PROG}: this commit has {line}.", file=sys.stderr)
    print("\n".join(file_table(change)), file=sys.stderr)
    print(HOW_TO_SPLIT + COUNTING_RULES, file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
