# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc-check-license-headers``: every source file says its licence and copyright (REUSE).

A source file (Python, shell, YAML, TOML, Dockerfile, Makefile, C, C++, CUDA, ...) starts with
comment lines carrying ``SPDX-FileCopyrightText`` and ``SPDX-License-Identifier``, after a
shebang or encoding line and within its first lines. A file that cannot hold a comment (a
notebook) is covered by a ``<file>.license`` companion or an annotation in REUSE.toml. The
licence must be the project's (pyproject.toml's ``license``) and not a deprecated id.
``--fix`` adds a missing header; it writes only one line of plain text per tag, and refuses a
copyright holder (pyproject.toml's authors, ``--copyright``) it could not write safely.
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
HASH_SUFFIXES |= {".mk", ".cmake", ".dockerfile", ".containerfile", ".smk"}
HASH_NAMES = {
    ".gitignore", ".gitattributes", ".dockerignore", "Dockerfile", "Makefile", "Containerfile",
    "CODEOWNERS", ".editorconfig", "Snakefile", "GNUmakefile", "makefile", "CMakeLists.txt",
}  # fmt: skip
# Files whose comments start with '//' (and may be /* ... */): the C family and CUDA.
SLASH_SUFFIXES = {
    ".c", ".h", ".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++", ".cu", ".cuh",
    ".inl", ".ipp", ".metal", ".cl",
}  # fmt: skip
# Companion-licensed kinds: what --skip-unknown keeps besides files with comments.
COMPANION_SUFFIXES = {".ipynb"}

# PEP 263: the encoding declaration is a comment on line 1 or 2.
ENCODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
# The tags as REUSE reads them; in a header they must follow the comment sign.
TAG = re.compile(rf"({LICENSE_TAG}|{COPYRIGHT_TAG}):[ \t]*(.*?)[ \t]*$")
COMMENT_TAG = re.compile(rf"^[ \t]*#+[ \t]*({LICENSE_TAG}|{COPYRIGHT_TAG}):[ \t]*(.*?)[ \t]*$")
SLASH_TAG = re.compile(
    rf"^[ \t]*(?://+|/\*+|\*+)[ \t]*({LICENSE_TAG}|{COPYRIGHT_TAG}):"
    r"[ \t]*(.*?)[ \t]*(?:\*/)?[ \t]*$"
)


@dataclass(frozen=True)
class Syntax:
    """How a kind of file writes comments: the sign --fix writes, a comment line, a tag line."""

    sign: str
    comment: re.Pattern[str]
    tag: re.Pattern[str]
    shebang: bool  # whether a shebang or encoding line may come first


HASH = Syntax("#", re.compile(r"^[ \t]*#"), COMMENT_TAG, True)
SLASH = Syntax("//", re.compile(r"^[ \t]*(?://|/\*|\*)"), SLASH_TAG, False)

# Characters that must never reach a source file through --fix: line and paragraph breaks
# (a name with a newline would become a line of code), and the bidirectional controls that
# make code display differently from how it runs ("Trojan Source", CVE-2021-42574).
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MAX_HOLDER = 300


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


def comment_syntax(path: Path, head: bytes) -> Syntax | None:
    """How a file writes comments (so it carries the header in itself), or None if it cannot."""
    suffix, name = path.suffix.lower(), path.name
    if suffix in SLASH_SUFFIXES:
        return SLASH
    if (
        suffix in HASH_SUFFIXES
        or name in HASH_NAMES
        or name.startswith(("Dockerfile.", "Containerfile.", "Makefile."))
        or head.startswith((b"#!", b"\xef\xbb\xbf#!"))
    ):
        return HASH
    return None


def safe_text(value: str, field: str, fix: str = "") -> str:
    """``value`` if --fix can write it as one comment line; a ConfigError naming the field if not.

    Only printable text on one line: no line or paragraph break, no control character, no
    bidirectional control, no SPDX or REUSE tag of its own, no backslash at the end (it
    continues a comment onto the next line in C and make).
    """
    import unicodedata  # only when a header is written or shown

    fix = fix or f"write {field} as one line of plain text"
    text = value.strip()
    if not text:
        raise ConfigError(f"{field} is empty: {fix}")
    for position, char in enumerate(text, start=1):
        category = unicodedata.category(char)
        if char in "\r\n\x0b\x0c\x1c\x1d\x1e\x85" or category in ("Zl", "Zp"):
            what = "a line break"
        elif char in BIDI_CONTROLS:
            what = "a bidirectional control character"
        elif category in ("Cc", "Cs", "Co", "Cn"):
            what = "a control or unassigned character"
        else:
            continue
        raise ConfigError(
            f"{field} holds {what} ({char!r} at character {position}), which --fix would write "
            f"into source files as code: {fix}"
        )
    if text.endswith("\\"):
        raise ConfigError(
            f"{field} ends with a backslash, which continues a comment onto the next line in C "
            f"and make: {fix}, without it"
        )
    if re.search(r"SPDX-|REUSE-Ignore", text, re.IGNORECASE):
        raise ConfigError(
            f"{field} holds an SPDX or REUSE tag of its own, which would add a declaration to "
            f"every header: {fix}, without the tag"
        )
    if len(text) > MAX_HOLDER:
        raise ConfigError(f"{field} is {len(text)} characters long: {fix} of at most {MAX_HOLDER}")
    return text


@dataclass(frozen=True)
class Expected:
    """The licence every file must carry, and where it was declared (for messages)."""

    expression: str
    source: str


def _project_table(pyproject: Path) -> dict:
    """pyproject.toml's [project] table (empty if there is none); ConfigError if mistyped."""
    project = load_toml(pyproject).get("project", {})
    if not isinstance(project, dict):
        raise ConfigError(f"{pyproject}: 'project' must be a table ([project], PEP 621)")
    return project


def expected_license(root: Path, override: str | None) -> Expected:
    """The project's licence: --license, else pyproject.toml's ``license``, else the rule."""
    rule = Expected(DEFAULT_LICENSE, "the program's rule")
    if override:
        expected = Expected(override, "--license")
    else:
        pyproject = root / "pyproject.toml"
        if not pyproject.is_file():
            return rule
        declared = _project_table(pyproject).get("license")
        if isinstance(declared, dict):
            declared = declared.get("text")  # the old table form, PEP 621 before PEP 639
        if not isinstance(declared, str) or not declared.strip():
            return rule
        expected = Expected(declared.strip(), "pyproject.toml")
    field = "--license" if override else "pyproject.toml's license"
    safe_text(expected.expression, field, f"write {field} as an SPDX expression on one line")
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


# Dockerfile parser directives (``# syntax=...``) count only before any other comment.
DIRECTIVE = re.compile(rb"^#[ \t]*[A-Za-z]+[ \t]*=")


def _header(
    lines: list[bytes], syntax: Syntax = HASH, directives: bool = False
) -> tuple[int, dict[str, tuple[int, str]]]:
    """Where a header may be inserted, and the tags in the leading comment block."""
    insert_at = 0
    if syntax.shebang:
        if lines and lines[0].startswith(b"#!"):
            insert_at = 1
        for index in (insert_at, insert_at + 1):
            if index < min(len(lines), 2) and ENCODING.match(lines[index]):
                insert_at = index + 1
    if directives:
        while insert_at < len(lines) and DIRECTIVE.match(lines[insert_at]):
            insert_at += 1
    found: dict[str, tuple[int, str]] = {}
    for number, raw in enumerate(lines[:WINDOW], start=1):
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if text.strip() and not syntax.comment.match(text):
            break  # the header is the comment block at the very top; code ends it
        match = syntax.tag.match(text)
        if match and match.group(1) not in found:
            found[match.group(1)] = (number, match.group(2))
    return insert_at, found


def _misplaced(path: str, lines: list[bytes], tag: str, syntax: Syntax = HASH) -> Problem:
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
        elif not syntax.tag.match(text.rstrip("\r\n")):
            why = (
                f"{tag} on line {number} is not in a comment (a docstring or string does not "
                f"count): the header is '{syntax.sign}' comment lines at the top of the file"
            )
        else:
            why = (
                f"{tag} on line {number} comes after code: the header is the comment block at "
                "the top of the file"
            )
        return Problem(path, number, why, fixable=True)
    return Problem(path, None, f"no {tag} in the header", fixable=True)


def _is_dockerfile(path: Path) -> bool:
    name = path.name
    return (
        name in ("Dockerfile", "Containerfile")
        or name.startswith(("Dockerfile.", "Containerfile."))
        or path.suffix.lower() in (".dockerfile", ".containerfile")
    )


def check_source(
    path: Path, data: bytes, expected: Expected, syntax: Syntax = HASH
) -> list[Problem]:
    """Problems of a file that carries its own header."""
    bom = data.startswith(b"\xef\xbb\xbf")
    lines = data[3 if bom else 0 :].splitlines(keepends=True)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return [Problem(str(path), None, "not UTF-8 text: cannot check its header")]
    _, found = _header(lines, syntax, _is_dockerfile(path))
    problems = [
        _misplaced(str(path), lines, tag, syntax)
        for tag in (COPYRIGHT_TAG, LICENSE_TAG)
        if tag not in found
    ]
    problems.extend(check_tags(str(path), found, expected))
    return problems


def fix_source(
    path: Path, data: bytes, copyright_text: str, expected: Expected, syntax: Syntax = HASH
) -> bytes:
    """The file with the missing header lines inserted, its line endings and shebang kept."""
    # Checked again here, whoever calls: what is written must stay one comment line.
    copyright_text = safe_text(copyright_text, "the copyright text")
    expression = safe_text(expected.expression, "the licence")
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    lines = data[len(bom) :].splitlines(keepends=True)
    insert_at, found = _header(lines, syntax, _is_dockerfile(path))
    newline = b"\r\n" if lines and lines[0].endswith(b"\r\n") else b"\n"
    copyright_line = f"{syntax.sign} {COPYRIGHT_TAG}: {copyright_text}".encode() + newline
    license_line = f"{syntax.sign} {LICENSE_TAG}: {expression}".encode() + newline
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
            annotations = load_toml(config).get("annotations", [])
            for annotation in annotations if isinstance(annotations, list) else []:
                if not isinstance(annotation, dict):
                    continue
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
    """``<year> <authors>`` from pyproject.toml, for headers that --fix writes.

    Each name must be one line of plain text (``safe_text``): a ConfigError names the author
    otherwise, before any file is touched.
    """
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return None
    authors = _project_table(pyproject).get("authors", [])
    example = 'authors = [{ name = "Ada Lovelace" }]'
    if not isinstance(authors, list):
        raise ConfigError(f"{pyproject}: project.authors must be an array of tables: {example}")
    names = []
    for number, author in enumerate(authors, start=1):
        if not isinstance(author, dict):
            raise ConfigError(
                f"{pyproject}: author {number} of project.authors is not a table: {example}"
            )
        name = author.get("name")
        if name is None:
            continue  # an author given by e-mail only
        field = f"{pyproject.name}: the name of author {number} (project.authors)"
        fix = "write it on one line of plain text there, or pass --copyright 'YEAR NAME'"
        if not isinstance(name, str):
            raise ConfigError(f"{field} is not a string: {fix}")
        if name.strip():
            names.append(safe_text(name, field, fix))
    if not names:
        return None
    text = f"{datetime.date.today().year} {', '.join(names)}"
    return safe_text(text, f"{pyproject.name}: project.authors", "pass --copyright 'YEAR NAME'")


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
        "pyproject.toml's authors); one line of plain text",
    )
    parser.add_argument(
        "--skip-unknown",
        action="store_true",
        help="skip files that can neither carry a comment header nor need a .license file "
        "(notebooks): how pre-commit runs the hook on every text file",
    )
    args = parser.parse_args(argv)
    root = _root(Path.cwd().resolve())
    try:
        expected = expected_license(root, args.license)
        if args.copyright is not None:
            copyright_text: str | None = safe_text(args.copyright, "--copyright")
        else:
            copyright_text = default_copyright(root)
    except ConfigError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1

    problems: list[Problem] = []
    fixed: list[str] = []
    for path in args.files:
        if path.name.endswith(".license") or not path.is_file() or path.is_symlink():
            continue  # companions are read with their file; links point at checked files
        try:
            syntax = comment_syntax(path, b"")
            if syntax is None:  # a shebang may still say: read only the first bytes
                with path.open("rb") as stream:
                    syntax = comment_syntax(path, stream.read(5))
            skip = args.skip_unknown and path.suffix.lower() not in COMPANION_SUFFIXES
            if syntax is None and skip:
                continue  # prose, data: pre-commit passes every text file
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(str(path), None, f"cannot be read: {exc.strerror}"))
            continue
        try:
            if syntax is not None:
                found = check_source(path, data, expected, syntax)
                if args.fix and copyright_text and any(p.fixable for p in found):
                    path.write_bytes(fix_source(path, data, copyright_text, expected, syntax))
                    fixed.append(str(path))
                    found = check_source(path, path.read_bytes(), expected, syntax)
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
