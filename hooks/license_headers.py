# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc-check-license-headers``: every source file says its licence and copyright (REUSE).

A source file (Python, shell, YAML, TOML, ...) starts with comment lines carrying
``SPDX-FileCopyrightText`` and ``SPDX-License-Identifier``, after a shebang or encoding line
and within its first lines. A file that cannot hold a comment (a notebook) is covered by a
``<file>.license`` companion or an annotation in REUSE.toml. The licence must be the project's
(pyproject.toml's ``license``) and not a deprecated id. ``--fix`` adds a missing header.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dlc_hooks import spdx
from dlc_hooks._project import ConfigError, load_toml

PROG = "dlc-check-license-headers"
DEFAULT_LICENSE = "GPL-3.0-or-later"  # the program's rule for every replication
WINDOW = 10  # the header must be within this many lines of the top
LICENSE_TAG = "SPDX-License-Identifier"
COPYRIGHT_TAG = "SPDX-FileCopyrightText"

# Files whose comments start with '#': by suffix, by name, or by a shebang line.
HASH_SUFFIXES = {
    ".py", ".pyi", ".pyw", ".sh", ".bash", ".zsh", ".ksh", ".bats", ".sbatch", ".slurm",
    ".yml", ".yaml", ".toml", ".cfg", ".ini", ".conf", ".r", ".pl", ".rb",
}  # fmt: skip
HASH_NAMES = {
    ".gitignore", ".gitattributes", ".dockerignore", "Dockerfile", "Makefile", "Containerfile",
    "CODEOWNERS", ".editorconfig", "Snakefile",
}  # fmt: skip

# PEP 263: the encoding declaration is a comment on line 1 or 2.
ENCODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
# The tags as REUSE reads them; in a header they must follow the comment sign.
TAG = re.compile(rf"({LICENSE_TAG}|{COPYRIGHT_TAG}):[ \t]*(.*?)[ \t]*$")
COMMENT_TAG = re.compile(rf"^[ \t]*#+[ \t]*({LICENSE_TAG}|{COPYRIGHT_TAG}):[ \t]*(.*?)[ \t]*$")


@dataclass
class Problem:
    """Something wrong with one file, and whether --fix can mend it."""

    path: str
    line: int | None
    message: str
    fixable: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def uses_hash_comments(path: Path, head: bytes) -> bool:
    """Whether a file's comments start with '#' (so it carries the header in itself)."""
    return (
        path.suffix.lower() in HASH_SUFFIXES
        or path.name in HASH_NAMES
        or head.startswith((b"#!", b"\xef\xbb\xbf#!"))
    )


@dataclass(frozen=True)
class Expected:
    """The licence every file must carry, and where it was declared (for messages)."""

    expression: str
    source: str


def expected_license(root: Path, override: str | None) -> Expected:
    """The project's licence: --license, else pyproject.toml's ``license``, else the rule."""
    rule = Expected(DEFAULT_LICENSE, "the program's rule")
    if override:
        expected = Expected(override, "--license")
    else:
        pyproject = root / "pyproject.toml"
        if not pyproject.is_file():
            return rule
        declared = load_toml(pyproject).get("project", {}).get("license")
        if isinstance(declared, dict):
            declared = declared.get("text")  # the old table form, PEP 621 before PEP 639
        if not isinstance(declared, str) or not declared.strip():
            return rule
        expected = Expected(declared.strip(), "pyproject.toml")
    try:
        stale = spdx.deprecated_ids(expected.expression)
    except spdx.SPDXSyntaxError as exc:
        raise ConfigError(
            f"{expected.source}: licence {expected.expression!r} is not an SPDX expression: {exc}"
        ) from None
    if stale:
        old, new = stale[0]
        raise ConfigError(f"{expected.source}: {old} is a deprecated SPDX id: write {new}")
    return expected


def check_license_value(path: str, line: int, value: str, expected: Expected) -> list[Problem]:
    """Problems with the licence written in a header: syntax, deprecated ids, mismatch."""
    try:
        stale = spdx.deprecated_ids(value)
    except spdx.SPDXSyntaxError as exc:
        return [Problem(path, line, f"{value!r} is not an SPDX licence expression: {exc}")]
    problems = [
        Problem(path, line, f"{old} is a deprecated SPDX id: write {new}") for old, new in stale
    ]
    modern = value
    for old, new in stale:
        modern = re.sub(rf"(?<![\w.+-]){re.escape(old)}(?![\w.+-])", new, modern)
    if spdx.canonical(modern) != spdx.canonical(expected.expression):
        problems.append(
            Problem(
                path,
                line,
                f"the licence {value} is not the project's {expected.expression} "
                f"({expected.source}): write SPDX-License-Identifier: {expected.expression}",
            )
        )
    return problems


def check_tags(path: str, found: dict[str, tuple[int, str]], expected: Expected) -> list[Problem]:
    """Problems with the two tags found (tag -> (line, value)) wherever they came from."""
    problems = []
    if COPYRIGHT_TAG in found:
        line, value = found[COPYRIGHT_TAG]
        if not value:
            problems.append(Problem(path, line, f"{COPYRIGHT_TAG} is empty: write year and holder"))
    if LICENSE_TAG in found:
        line, value = found[LICENSE_TAG]
        problems.extend(check_license_value(path, line, value, expected))
    return problems


def _header(lines: list[bytes]) -> tuple[int, dict[str, tuple[int, str]]]:
    """Where a header may be inserted, and the tags in the leading comment block."""
    insert_at = 0
    if lines and lines[0].startswith(b"#!"):
        insert_at = 1
    for index in (insert_at, insert_at + 1):
        if index < min(len(lines), 2) and ENCODING.match(lines[index]):
            insert_at = index + 1
    found: dict[str, tuple[int, str]] = {}
    for number, raw in enumerate(lines[:WINDOW], start=1):
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if text.strip() and not text.lstrip().startswith("#"):
            break  # the header is the comment block at the very top; code ends it
        match = COMMENT_TAG.match(text)
        if match and match.group(1) not in found:
            found[match.group(1)] = (number, match.group(2))
    return insert_at, found


def _misplaced(path: str, lines: list[bytes], tag: str) -> Problem:
    """Why a tag missing from the header is missing: absent, too far down, or not a comment."""
    for number, raw in enumerate(lines, start=1):
        text = raw.decode("utf-8", errors="replace")
        if tag + ":" not in text:
            continue
        if number > WINDOW:
            why = (
                f"{tag} is on line {number}, past the header window (the first {WINDOW} "
                "lines): move the header to the top of the file"
            )
        elif not COMMENT_TAG.match(text.rstrip("\r\n")):
            why = (
                f"{tag} on line {number} is not in a comment (a docstring or string does not "
                "count): the header is '#' comment lines at the top of the file"
            )
        else:
            why = (
                f"{tag} on line {number} comes after code: the header is the comment block at "
                "the top of the file"
            )
        return Problem(path, number, why, fixable=True)
    return Problem(path, None, f"no {tag} in the header", fixable=True)


def check_source(path: Path, data: bytes, expected: Expected) -> list[Problem]:
    """Problems of a file that carries its own header."""
    bom = data.startswith(b"\xef\xbb\xbf")
    lines = data[3 if bom else 0 :].splitlines(keepends=True)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return [Problem(str(path), None, "not UTF-8 text: cannot check its header")]
    _, found = _header(lines)
    problems = [
        _misplaced(str(path), lines, tag)
        for tag in (COPYRIGHT_TAG, LICENSE_TAG)
        if tag not in found
    ]
    problems.extend(check_tags(str(path), found, expected))
    return problems


def fix_source(path: Path, data: bytes, copyright_text: str, expected: Expected) -> bytes:
    """The file with the missing header lines inserted, its line endings and shebang kept."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    lines = data[len(bom) :].splitlines(keepends=True)
    insert_at, found = _header(lines)
    newline = b"\r\n" if lines and lines[0].endswith(b"\r\n") else b"\n"
    copyright_line = f"# {COPYRIGHT_TAG}: {copyright_text}".encode() + newline
    license_line = f"# {LICENSE_TAG}: {expected.expression}".encode() + newline
    if COPYRIGHT_TAG in found and LICENSE_TAG not in found:
        at, new = found[COPYRIGHT_TAG][0], [license_line]
    elif LICENSE_TAG in found and COPYRIGHT_TAG not in found:
        at, new = found[LICENSE_TAG][0] - 1, [copyright_line]
    elif not found:
        at, new = insert_at, [copyright_line, license_line]
    else:
        return data
    if at > 0 and not lines[at - 1].endswith((b"\n", b"\r")):
        lines[at - 1] += newline  # the line before ends the file without a newline
    lines[at:at] = new
    return bom + b"".join(lines)


# --- Files without comments: <file>.license and REUSE.toml ------------------------------------


def _reuse_glob(pattern: str) -> re.Pattern[str]:
    """REUSE.toml's globs: '*' stays within a directory, '**' crosses them, '\\*' is a star."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("\\*", i):
            out.append(re.escape("*"))
            i += 2
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def reuse_toml_tags(path: Path, root: Path) -> tuple[Path, dict[str, tuple[int, str]]] | None:
    """The tags a REUSE.toml annotation gives a file, from the nearest REUSE.toml covering it."""
    folder = path.parent
    while True:
        config = folder / "REUSE.toml"
        if config.is_file():
            relative = path.relative_to(folder).as_posix()
            for annotation in load_toml(config).get("annotations", []):
                globs = annotation.get("path", [])
                globs = [globs] if isinstance(globs, str) else globs
                if any(_reuse_glob(g).fullmatch(relative) for g in globs):
                    found = {}
                    for tag in (COPYRIGHT_TAG, LICENSE_TAG):
                        value = annotation.get(tag)
                        if isinstance(value, list):
                            value = "; ".join(str(v) for v in value)
                        if value is not None:
                            found[tag] = (0, str(value).strip())
                    return config, found
        if folder == root or folder == folder.parent:
            return None
        folder = folder.parent


def check_companion(path: Path, root: Path, expected: Expected) -> list[Problem]:
    """Problems of a file licensed by ``<file>.license`` or REUSE.toml."""
    companion = path.with_name(path.name + ".license")
    if companion.is_file():
        found: dict[str, tuple[int, str]] = {}
        text = companion.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = TAG.search(line)
            if match and match.group(1) not in found:
                found[match.group(1)] = (number, match.group(2))
        problems = [
            Problem(str(companion), None, f"no {tag} in this .license file")
            for tag in (COPYRIGHT_TAG, LICENSE_TAG)
            if tag not in found
        ]
        return problems + check_tags(str(companion), found, expected)
    covered = reuse_toml_tags(path.resolve(), root)
    if covered is None:
        return [
            Problem(
                str(path),
                None,
                f"no licence: a {path.suffix or 'file like this'} cannot carry a comment "
                f"header, so add {companion.name} (--fix writes it) or a REUSE.toml annotation",
                fixable=True,
            )
        ]
    config, found = covered
    problems = [
        Problem(str(path), None, f"the REUSE.toml annotation in {config} has no {tag}")
        for tag in (COPYRIGHT_TAG, LICENSE_TAG)
        if tag not in found
    ]
    return problems + check_tags(f"{config} (for {path})", found, expected)


def default_copyright(root: Path) -> str | None:
    """``<year> <authors>`` from pyproject.toml, for headers that --fix writes."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return None
    authors = load_toml(pyproject).get("project", {}).get("authors", [])
    names = [a["name"] for a in authors if isinstance(a, dict) and a.get("name")]
    if not names:
        return None
    return f"{datetime.date.today().year} {', '.join(names)}"


def _root(start: Path) -> Path:
    """The project root: the nearest folder upwards with pyproject.toml or .git."""
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return start


def main(argv: Sequence[str] | None = None) -> int:
    """Check (and with --fix, add) the SPDX headers of the files given; exit 1 if any lacks one."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE")
    parser.add_argument("--fix", action="store_true", help="insert missing headers")
    parser.add_argument(
        "--license", help="the licence every file must carry (default: pyproject.toml's license)"
    )
    parser.add_argument(
        "--copyright",
        metavar="TEXT",
        help="what --fix writes after SPDX-FileCopyrightText: (default: the year and "
        "pyproject.toml's authors)",
    )
    args = parser.parse_args(argv)
    root = _root(Path.cwd().resolve())
    try:
        expected = expected_license(root, args.license)
        copyright_text = args.copyright or default_copyright(root)
    except ConfigError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1

    problems: list[Problem] = []
    fixed: list[str] = []
    for path in args.files:
        if path.name.endswith(".license") or not path.is_file() or path.is_symlink():
            continue  # companions are read with their file; links point at checked files
        data = path.read_bytes()
        try:
            if uses_hash_comments(path, data[:5]):
                found = check_source(path, data, expected)
                if args.fix and copyright_text and any(p.fixable for p in found):
                    path.write_bytes(fix_source(path, data, copyright_text, expected))
                    fixed.append(str(path))
                    found = check_source(path, path.read_bytes(), expected)
            else:
                found = check_companion(path, root, expected)
                if args.fix and copyright_text and any(p.fixable for p in found):
                    companion = path.with_name(path.name + ".license")
                    header = f"{COPYRIGHT_TAG}: {copyright_text}\n"
                    header += f"{LICENSE_TAG}: {expected.expression}\n"
                    companion.write_text(header, encoding="utf-8")
                    fixed.append(str(companion))
                    found = check_companion(path, root, expected)
        except ConfigError as exc:
            found = [Problem(str(path), None, str(exc))]
        problems.extend(found)

    for name in fixed:
        print(f"{PROG}: added the SPDX header to {name}")
    for problem in problems:
        print(f"{PROG}: {problem}", file=sys.stderr)
    if problems:
        if any(p.fixable for p in problems):
            hint = (
                "run `dlc-check-license-headers --fix FILE...` to add it"
                if copyright_text
                else "--fix needs --copyright 'YEAR NAME' (pyproject.toml names no authors)"
            )
            print(
                f"Every source file starts with:\n"
                f"    # {COPYRIGHT_TAG}: {copyright_text or 'YEAR NAME'}\n"
                f"    # {LICENSE_TAG}: {expected.expression}\n"
                f"after a shebang or encoding line, within its first {WINDOW} lines; {hint}.",
                file=sys.stderr,
            )
        return 1
    return 1 if fixed else 0


if __name__ == "__main__":
    raise SystemExit(main())
