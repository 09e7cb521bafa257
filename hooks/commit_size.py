# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc-check-commit-size``: keep each commit small enough to review.

Counts the lines added plus removed and the files touched by the staged change, from the
blobs themselves (``git diff --cached --raw`` says which, ``git cat-file`` gives them): a line
ends at LF, CRLF or a lone CR, and neither a NUL byte nor ``.gitattributes`` (``-diff``,
``binary``) can make text count as nothing. A binary file (by its content) counts its size in
bytes against its own limit. A rename, a mode change, a submodule bump and a line-ending flip
touch a file but count no lines; a notebook counts the lines of its cells' sources, never
outputs or metadata. A merge counts what it adds beyond its parents. The first commit of a
repository is not checked; the first commit of an orphan branch is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence

from dlc_hooks import _blobs
from dlc_hooks._git import GitError, git, git_path

# typing.TYPE_CHECKING without importing typing (milliseconds on every commit).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from pathlib import Path

PROG = "dlc-check-commit-size"
MAX_LINES = 400
MAX_FILES = 20
WARN_LINES = 200
MAX_BINARY_KB = 256
# Lock files are rewritten by tools, not by people: reviewers skip them anyway. Named exactly:
# "*.lock" would let any file be named out of the count.
DEFAULT_EXCLUDES = (
    "uv.lock",
    "poetry.lock",
    "pdm.lock",
    "Pipfile.lock",
    "Cargo.lock",
    "yarn.lock",
    "Gemfile.lock",
    "composer.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "conda-lock.yml",
    "pylock.toml",
    "pylock.*.toml",
)
GITLINK = "160000"
NULL = "0" * 40

# Options that pin every part of the diff that a user's configuration could change:
# diff.renames=false (-M), diff.renameLimit (-l), diff.external (--no-ext-diff), textconv
# drivers such as nbdime's (--no-textconv), diff.relative, color.ui=always and
# diff.ignoreSubmodules=all. Only --raw: the lines are counted from the blobs.
DIFF_OPTIONS = (
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--ignore-submodules=dirty",
    "--find-renames",
    "-l1000",
    "--no-abbrev",
    "--raw",
    "-z",
)


# Plain classes, not dataclasses: importing dataclasses (and inspect with it) costs more than
# a third of this hook's own time, and it runs on every commit.
class FileChange:
    """One file of a change and what it counts."""

    __slots__ = (
        "added", "kind", "new_blob", "new_mode", "old_blob", "old_mode", "old_path", "path",
        "removed", "size", "status",
    )  # fmt: skip

    def __init__(
        self,
        path: str,
        status: str,
        old_path: str | None = None,
        added: int = 0,
        removed: int = 0,
        kind: str = "text",  # text, binary, notebook, submodule, lfs
        old_mode: str = "",
        new_mode: str = "",
        old_blob: str = "",
        new_blob: str = "",
        size: int = 0,  # bytes of binary content the change brings
    ) -> None:
        self.path, self.status, self.old_path = path, status, old_path
        self.added, self.removed, self.kind = added, removed, kind
        self.old_mode, self.new_mode = old_mode, new_mode
        self.old_blob, self.new_blob, self.size = old_blob, new_blob, size

    def __repr__(self) -> str:
        counts = f"+{self.added} -{self.removed}"
        return f"FileChange({self.path!r}, {self.status!r}, {counts}, {self.kind})"

    @property
    def lines(self) -> int:
        """Lines added plus removed."""
        return self.added + self.removed

    def describe(self) -> str:
        """``+12 -3  path`` with what else a reviewer should know about the file."""
        name = f"{self.old_path} -> {self.path}" if self.old_path else self.path
        notes = []
        if self.kind == "binary":
            notes.append(f"binary, {kilobytes(self.size)} KB" if self.size else "binary")
        elif self.kind != "text":
            kinds = {"notebook": "cell sources", "lfs": "Git LFS pointer"}
            notes.append(kinds.get(self.kind, self.kind))
        if self.status.startswith("R") and not self.lines:
            notes.append("rename")
        if self.old_mode != self.new_mode and "000000" not in (self.old_mode, self.new_mode):
            notes.append(f"mode {self.old_mode} -> {self.new_mode}")
        note = f"  ({', '.join(notes)})" if notes else ""
        return f"+{self.added} -{self.removed}".ljust(14) + name + note


def kilobytes(size: int) -> int:
    """Bytes as whole kilobytes, rounded up (as check-added-large-files does)."""
    return -(-size // 1024)


class Change:
    """The files of a change that count, and the ones left out by an exclusion."""

    __slots__ = ("excluded", "files")

    def __init__(
        self, files: list[FileChange] | None = None, excluded: list[FileChange] | None = None
    ) -> None:
        self.files: list[FileChange] = files if files is not None else []
        self.excluded: list[FileChange] = excluded if excluded is not None else []

    @property
    def lines(self) -> int:
        """Lines added plus removed over all counted files."""
        return sum(f.lines for f in self.files)

    @property
    def binary_bytes(self) -> int:
        """Bytes of binary content over all counted files."""
        return sum(f.size for f in self.files)


class Limits:
    """When a change is too big (fail) or getting big (warn)."""

    __slots__ = (
        "excludes", "max_binary_kb", "max_files", "max_lines", "use_attributes", "warn_lines",
    )  # fmt: skip

    def __init__(
        self,
        max_lines: int = MAX_LINES,
        max_files: int = MAX_FILES,
        warn_lines: int = WARN_LINES,
        excludes: tuple[str, ...] = DEFAULT_EXCLUDES,
        use_attributes: bool = True,
        max_binary_kb: int = MAX_BINARY_KB,
    ) -> None:
        self.max_lines, self.max_files, self.warn_lines = max_lines, max_files, warn_lines
        self.excludes, self.use_attributes = excludes, use_attributes
        self.max_binary_kb = max_binary_kb


def _parse(out: bytes) -> list[FileChange]:
    """The --raw records of ``git diff -z``: modes, blobs, status and path(s) of each file."""
    tokens = out.split(b"\0")
    changes = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith(b":"):
            i += 1
            continue
        # :old_mode new_mode old_sha new_sha status, then one path (two for R and C).
        old_mode, new_mode, old_blob, new_blob, status = token[1:].decode().split()
        if status[0] in "RC":
            old, new = os.fsdecode(tokens[i + 1]), os.fsdecode(tokens[i + 2])
            i += 3
        else:
            old, new = None, os.fsdecode(tokens[i + 1])
            i += 2
        changes.append(
            FileChange(new, status, old, 0, 0, "text", old_mode, new_mode, old_blob, new_blob)
        )
    return changes


def _diff(repo: Path, old: str, new: str | None) -> list[FileChange]:
    """The files that differ from commit ``old`` to ``new`` (None: the index, as staged)."""
    revs = ["--cached", old] if new is None else [old, new]
    return _parse(git(*DIFF_OPTIONS, *revs, "--", cwd=repo))


def _blobs_of(changes: Iterable[FileChange]) -> list[str]:
    """The blobs needed to count the changes (not those of submodules or unchanged content)."""
    wanted = []
    for change in changes:
        if GITLINK in (change.old_mode, change.new_mode) or change.old_blob == change.new_blob:
            continue
        wanted.extend(b for b in (change.old_blob, change.new_blob) if b != NULL)
    return wanted


def _count(change: FileChange, blobs: dict[str, bytes]) -> None:
    """Fill in what one file of a change counts, from its blobs."""
    if GITLINK in (change.old_mode, change.new_mode):
        change.kind = "submodule"
        return
    if change.old_blob == change.new_blob:
        return  # a rename or a mode change: no content changed
    try:
        old = blobs[change.old_blob] if change.old_blob != NULL else b""
        new = blobs[change.new_blob] if change.new_blob != NULL else b""
    except KeyError as exc:
        raise GitError(f"git cat-file: blob {exc.args[0]} of {change.path} is missing") from None
    if _blobs.is_lfs_pointer(new) or (not new and _blobs.is_lfs_pointer(old)):
        change.kind = "lfs"  # left out by default; its few lines count if it is counted
        change.added, change.removed = _blobs.changed_lines(
            _blobs.split_lines(old), _blobs.split_lines(new)
        )
        return
    if change.path.endswith(".ipynb"):
        before = _blobs.cell_lines(old) if old else []
        after = _blobs.cell_lines(new) if new else []
        if before is not None and after is not None:
            change.kind = "notebook"
            change.added, change.removed = _blobs.notebook_changes(before, after)
            return
    old_binary, new_binary = _blobs.is_binary(old), _blobs.is_binary(new)
    if old_binary or new_binary:
        # The binary side counts in bytes (the content it brings), the text side in lines.
        change.kind = "binary"
        change.size = len(new) if new_binary else 0
        change.added = 0 if new_binary else len(_blobs.split_lines(new))
        change.removed = 0 if old_binary else len(_blobs.split_lines(old))
        return
    change.added, change.removed = _blobs.changed_lines(
        _blobs.split_lines(old), _blobs.split_lines(new)
    )


def _count_merged(change: FileChange, parents: list[str], blobs: dict[str, bytes]) -> None:
    """Fill in what a merge result adds beyond its parents' versions of one file."""
    if GITLINK in (change.new_mode, change.old_mode):
        change.kind = "submodule"
        return
    try:
        result = blobs[change.new_blob] if change.new_blob != NULL else b""
        versions = [blobs[b] if b != NULL else b"" for b in parents]
    except KeyError as exc:
        raise GitError(f"git cat-file: blob {exc.args[0]} of {change.path} is missing") from None
    if _blobs.is_lfs_pointer(result):
        change.kind = "lfs"
    elif _blobs.is_binary(result):
        change.kind, change.size = "binary", len(result)
        return
    lines = None
    if change.path.endswith(".ipynb"):
        sides = [_blobs.cell_lines(v) if v else [] for v in (result, *versions)]
        if all(side is not None for side in sides):
            change.kind = "notebook"
            lines = [[text for kind, text in side if kind == "source"] for side in sides]
    if lines is None:
        lines = [[] if _blobs.is_binary(v) else _blobs.split_lines(v) for v in (result, *versions)]
    change.added, change.removed = _blobs.beyond_parents(lines[1:], lines[0])


def _attribute_specs(base: str | None, paths: Iterable[str]) -> list[str]:
    """``commit:path`` of every .gitattributes file at ``base`` that could apply to the paths."""
    if not base:
        return []
    folders = {""}
    for path in paths:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
    return [f"{base}:{folder}.gitattributes" for folder in sorted(folders)]


def _split(changes: list[FileChange], limits: Limits, generated: set[str]) -> Change:
    """The changes that count, and those that an exclusion, the attributes or LFS leave out."""
    result = Change()
    for change in changes:
        out = (
            (change.kind == "lfs" and limits.use_attributes)
            or change.path in generated
            or matches(change.path, limits.excludes)
        )
        (result.excluded if out else result.files).append(change)
    return result


def _generated(base: str | None, blobs: dict[str, bytes], paths: list[str]) -> set[str]:
    """The paths that the .gitattributes files of ``base`` (among ``blobs``) mark generated."""
    if base is None:
        return set()
    prefix = f"{base}:"
    files = {name[len(prefix) :]: data for name, data in blobs.items() if name.startswith(prefix)}
    if not files:
        return set()
    from dlc_hooks import _attributes  # only for a project with .gitattributes files

    return _attributes.generated(paths, files)


def matches(path: str, patterns: Iterable[str]) -> bool:
    """Whether a path matches a glob: on its name without a slash, on the whole path with."""
    names, stars, others = _matcher(tuple(patterns))
    name = path.rsplit("/", 1)[-1]
    if name in names or any(_star_match(path if "/" in p else name, p) for p in stars):
        return True
    if not others:
        return False
    import fnmatch  # only for globs with ? or [...]: re costs start-up time on every commit

    return any(fnmatch.fnmatchcase(path if "/" in p else name, p) for p in others)


_MATCHERS: dict[tuple[str, ...], tuple[frozenset[str], list[str], list[str]]] = {}


def _matcher(patterns: tuple[str, ...]) -> tuple[frozenset[str], list[str], list[str]]:
    """(literal names, globs with only '*', other globs), sorted out once per pattern set."""
    if patterns not in _MATCHERS:
        plain = [p for p in patterns if not any(c in p for c in "?[")]
        names = frozenset(p for p in plain if "*" not in p and "/" not in p)
        stars = [p for p in plain if p not in names]
        _MATCHERS[patterns] = (names, stars, [p for p in patterns if p not in plain])
    return _MATCHERS[patterns]


def _star_match(text: str, pattern: str) -> bool:
    """fnmatch for a pattern whose only wildcard is '*' (which matches anything, '/' too)."""
    if "*" not in pattern:
        return text == pattern
    head, *middle, tail = pattern.split("*")
    if len(text) < len(head) + len(tail) or not (text.startswith(head) and text.endswith(tail)):
        return False
    position, end = len(head), len(text) - len(tail)
    for part in middle:
        found = text.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def measure(
    repo: Path | str,
    old: str,
    new: str | None,
    limits: Limits | None = None,
    base: str | None = None,
) -> Change:
    """Measure the change from commit ``old`` to ``new`` (None: the index, as staged).

    ``base`` is the commit whose .gitattributes say which files are generated (default:
    ``old``): never the change's own, so a change cannot exempt itself.
    """
    limits = limits or Limits()
    changes = _diff(repo, old, new)
    attributes_at = (base or old) if limits.use_attributes else None
    blobs = _read(repo, changes, attributes_at, repo if new is None else None)
    return _finish(changes, blobs, limits, attributes_at)


def _read(
    repo: Path | str,
    changes: list[FileChange],
    attributes_at: str | None,
    worktree: Path | str | None,
    extra: Sequence[str] = (),
) -> dict[str, bytes]:
    """The blobs the changes need, the .gitattributes at ``attributes_at``, and ``extra``.

    Staged files still as staged in ``worktree`` are read from disk (checked by their hash):
    faster than from git's object store.
    """
    on_disk = (
        {c.new_blob: os.path.join(worktree, c.path) for c in changes if c.new_blob != NULL}
        if worktree is not None
        else None
    )
    specs = [*extra, *_attribute_specs(attributes_at, [c.path for c in changes])]
    return _blobs.read_blobs(repo, _blobs_of(changes), on_disk, specs)


def _finish(
    changes: list[FileChange], blobs: dict[str, bytes], limits: Limits, attributes_at: str | None
) -> Change:
    """Count each change from its blobs and sort out what the exclusions leave out."""
    for change in changes:
        _count(change, blobs)
    return _split(changes, limits, _generated(attributes_at, blobs, [c.path for c in changes]))


def measure_staged(limits: Limits | None = None) -> tuple[str, Change | None]:
    """(what the change is, its measure) for what is staged here; None for a first commit.

    Two git calls in the usual case: the diff of the index (against HEAD, or against nothing
    before the first commit), then every blob, HEAD, MERGE_HEAD and HEAD's .gitattributes
    in one ``cat-file``. A commit hook runs on every commit: each git process costs
    milliseconds.
    """
    limits = limits or Limits()
    here = os.getcwd()
    objects = _blobs.ObjectReader(here)  # starts while git diff runs
    try:
        try:
            changes = _parse(git(*DIFF_OPTIONS, "--cached", "--", cwd=here))
        except GitError as exc:
            raise GitError(f"not inside a git working tree ({exc})") from None
        # pre-commit and git run hooks from the top of the work tree; elsewhere (a subfolder)
        # the staged blobs come from git, not from disk.
        top = here if os.path.exists(os.path.join(here, ".git")) else None
        attributes_at = "HEAD" if limits.use_attributes else None
        wanted = _blobs_of(changes)
        staged = {c.new_blob for c in changes} if top is not None else set()
        specs = _attribute_specs(attributes_at, [c.path for c in changes])
        objects.ask(["HEAD", "MERGE_HEAD", *(b for b in wanted if b not in staged), *specs])
        # While git reads HEAD's blobs, the staged ones are read from disk (hash-checked).
        on_disk = {c.new_blob: os.path.join(here, c.path) for c in changes if c.new_blob in staged}
        blobs = _blobs.read_worktree({b: on_disk[b] for b in wanted if b in on_disk})
        blobs.update(objects.answer())
    finally:
        objects.close()
    missing = [b for b in wanted if b not in blobs]
    if missing:  # changed on disk since it was staged: from git after all
        blobs.update(_blobs.read_objects(here, missing))
    if "HEAD" not in blobs:
        if not _has_commits(here):
            return "the first commit", None
        # An orphan branch in a repository with history: an unrelated history is content
        # like any other, measured from nothing (the diff above was against nothing).
        return "this first commit of an orphan branch has", _finish(changes, blobs, limits, None)
    if "MERGE_HEAD" in blobs:
        # Resolved, MERGE_HEAD may still be a branch of that name: the file says a merge is on.
        merge_head = git_path("MERGE_HEAD", here)
        if merge_head.is_file():
            others = merge_head.read_text(encoding="utf-8", errors="replace").split()
            merged = measure_merge(here, ["HEAD", *others], None, limits, base="HEAD")
            return "this merge adds, beyond its parents,", merged
    return "this commit has", _finish(changes, blobs, limits, attributes_at)


def measure_merge(
    repo: Path,
    parents: Sequence[str],
    new: str | None,
    limits: Limits | None = None,
    base: str | None = None,
) -> Change:
    """Measure what merge ``new`` (None: the staged merge) adds beyond its ``parents``.

    A file counts only where the result differs from every parent's version of it (renames
    followed); then only its lines that no parent has (or that every parent has and the
    result dropped). ``base`` gives the .gitattributes (default: the first parent).
    """
    limits = limits or Limits()
    per_parent = []
    for parent in parents:
        # A file renamed from this parent but with the same content equals its version.
        per_parent.append(
            {
                ("-" if c.status == "D" else "+", c.path): c
                for c in _diff(repo, parent, new)
                if c.old_blob != c.new_blob
            }
        )
    keys = sorted(set.intersection(*(set(d) for d in per_parent)))
    changes = []
    versions: dict[tuple[str, str], list[str]] = {}
    for key in keys:
        first = per_parent[0][key]
        change = FileChange(
            first.path, "D" if key[0] == "-" else "M", None, 0, 0, "text",
            first.old_mode, first.new_mode, "", first.new_blob,
        )  # fmt: skip
        changes.append(change)
        versions[key] = [d[key].old_blob for d in per_parent]
        if any(d[key].old_mode == GITLINK for d in per_parent):
            change.old_mode = GITLINK
    attributes_at = (base or parents[0]) if limits.use_attributes else None
    paths = [c.path for c in changes]
    wanted = [
        b
        for change, key in zip(changes, keys, strict=True)
        if GITLINK not in (change.old_mode, change.new_mode)
        for b in (change.new_blob, *versions[key])
        if b != NULL
    ]
    blobs = _blobs.read_blobs(repo, wanted, None, _attribute_specs(attributes_at, paths))
    for change, key in zip(changes, keys, strict=True):
        _count_merged(change, versions[key], blobs)
    return _split(changes, limits, _generated(attributes_at, blobs, paths))


def size_text(change: Change) -> str:
    """``12 changed lines in 3 files`` (and the binary content, if any)."""
    lines, files = change.lines, len(change.files)
    binary = f" and {kilobytes(change.binary_bytes)} KB of binary content" * bool(
        change.binary_bytes
    )
    return f"{lines} changed line{'s' * (lines != 1)}{binary} in {files} file{'s' * (files != 1)}"


def verdict(change: Change, limits: Limits) -> tuple[str, str]:
    """("fail" | "warn" | "ok", one line saying the size against the limits)."""
    lines, files = change.lines, len(change.files)
    size = size_text(change)
    over = []
    if lines > limits.max_lines:
        over.append(f"{lines} lines > limit {limits.max_lines}")
    if files > limits.max_files:
        over.append(f"{files} files > limit {limits.max_files}")
    if change.binary_bytes > limits.max_binary_kb * 1024:
        over.append(
            f"{kilobytes(change.binary_bytes)} KB of binary files > limit {limits.max_binary_kb} KB"
        )
    if over:
        return "fail", f"{size}: too big ({'; '.join(over)})"
    if lines > limits.warn_lines:
        return "warn", (
            f"{size}: getting big (more than {limits.warn_lines}; "
            f"the limit is {limits.max_lines} lines and {limits.max_files} files)"
        )
    return "ok", size


def excluded_text(change: Change) -> str:
    """What a change leaves out of the count, so that an exclusion stays visible."""
    lines = sum(f.lines for f in change.excluded)
    names = ", ".join(f.path for f in change.excluded[:5])
    more = f" and {len(change.excluded) - 5} more" if len(change.excluded) > 5 else ""
    return f"{lines} line{'s' * (lines != 1)} in {names}{more}"


def file_table(change: Change, top: int = 10) -> list[str]:
    """The biggest files of a change, one line each, then what was left out."""
    ranked = sorted(change.files, key=lambda f: (-f.lines, -f.size, f.path))
    rows = [f"    {f.describe()}" for f in ranked[:top]]
    if len(ranked) > top:
        rest = ranked[top:]
        rows.append(f"    ... and {len(rest)} more files with {sum(f.lines for f in rest)} lines")
    if change.excluded:
        rows.append(f"    not counted (excluded, generated or LFS): {excluded_text(change)}")
    return rows


HOW_TO_SPLIT = """\
Small commits get real reviews. Split this change into commits that each do one thing:
    git restore --staged <path>...   unstage whole files, commit the rest, then add them back
    git reset --patch                unstage single hunks
"""
COUNTING_RULES = """\
A rename, a mode change and a line-ending flip count no lines: commit them alone. Lines are
added + removed, counted from the files' content; notebooks count cell sources only; binary
files count their size (--max-binary-kb). A generated or vendored file can be excluded with
--exclude GLOB, or linguist-generated in a .gitattributes that is already committed (a change
cannot exempt itself)."""


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
        "--max-binary-kb",
        type=int,
        default=MAX_BINARY_KB,
        help="fail above this many kilobytes of binary files in one change (%(default)s)",
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
        help="also count lock files, Git LFS pointers and files marked linguist-generated",
    )


def limits_from(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Limits:
    """Limits from parsed options; a usage error (exit 2) if they contradict each other."""
    if args.warn_lines is None:
        args.warn_lines = args.max_lines // 2
    for name in ("max_lines", "max_files", "warn_lines", "max_binary_kb"):
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
        args.max_binary_kb,
    )


def _has_commits(repo: Path) -> bool:
    """Whether any branch, tag or remote-tracking ref has a commit (so HEAD is an orphan)."""
    return bool(git("rev-list", "-n", "1", "--all", cwd=repo).strip())


def main(argv: Sequence[str] | None = None) -> int:
    """Check the size of the staged change; exit 1 if it is over the limit."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv:
        import argparse  # only with options: pre-commit's usual call has none

        parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
        add_limit_arguments(parser)
        limits = limits_from(parser, parser.parse_args(argv))
    else:
        limits = Limits()  # the defaults that add_limit_arguments gives
    try:
        what, change = measure_staged(limits)
    except (GitError, OSError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    if change is None:
        # The root commit is a project's starting point (a generated template), not a
        # change to review.
        print(f"{PROG}: the first commit of a repository is not checked")
        return 0
    status, line = verdict(change, limits)
    if status == "ok":
        return 0
    if status == "warn":
        print(f"{PROG}: warning: {what} {line}.")
        return 0
    print(f"{PROG}: {what} {line}.", file=sys.stderr)
    print("\n".join(file_table(change)), file=sys.stderr)
    print(HOW_TO_SPLIT + COUNTING_RULES, file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
