# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading blobs from git and counting their lines the same way whatever they hold.

Lines are counted from the bytes themselves: a line ends at LF, CRLF or a lone CR, so a file
with old Mac line endings counts as many lines as it shows, and neither a NUL byte nor an
attribute such as ``-diff``, ``binary`` or ``linguist-generated`` can make text count as
nothing. A blob is binary only by its content: not UTF-8 and holding control bytes that no
text in any 8-bit encoding holds. Binary blobs are measured in bytes, not lines.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from dlc_hooks._git import git

# Control bytes that text never holds (tab, LF, VT, FF, CR and ESC are text).
_CONTROL = bytes([*range(0, 9), *range(14, 27), *range(28, 32)])
# Git LFS pointers are small text files of this form (git-lfs spec: "less than 1024 bytes").
_LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\n"


def read_objects(repo: Path, names: Iterable[str]) -> dict[str, bytes]:
    """The contents of git objects (blob hashes or ``rev:path``), in one ``cat-file`` call.

    A name that names nothing (``HEAD:.gitattributes`` in a project without one) is left out.
    """
    wanted = [name for name in dict.fromkeys(names) if "\n" not in name]
    if not wanted:
        return {}
    out = git(
        "cat-file",
        "--batch",
        "--buffer",
        cwd=repo,
        stdin="".join(f"{n}\n" for n in wanted).encode(),
    )
    found: dict[str, bytes] = {}
    pos = 0
    for name in wanted:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if header[-1] == b"missing" or header[-1] == b"ambiguous":
            pos = header_end + 1
            continue
        size = int(header[2])
        found[name] = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return found


def blob_hash(data: bytes) -> str:
    """The hash git gives a blob with this content (SHA-1 repositories)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_blobs(
    repo: Path,
    shas: Iterable[str],
    worktree: dict[str, str] | None = None,
    extra: Iterable[str] = (),
) -> dict[str, bytes]:
    """Blobs by hash, and the objects named in ``extra``.

    ``worktree`` maps a blob hash to a file in the working tree that probably holds it (a
    staged file left as staged): such a file is read from disk, much faster than from git's
    object store, and used only if its content hashes to that blob.
    """
    found: dict[str, bytes] = {}
    missing = []
    for sha in dict.fromkeys(shas):
        path = (worktree or {}).get(sha)
        if path is not None:
            try:
                with open(path, "rb") as stream:
                    data = stream.read()
            except OSError:
                data = None
            if data is not None and len(sha) == 40 and blob_hash(data) == sha:
                found[sha] = data
                continue
        missing.append(sha)
    found.update(read_objects(repo, [*missing, *extra]))
    return found


def is_binary(data: bytes) -> bool:
    """Whether a blob is binary: not UTF-8 (NUL bytes are UTF-8) and with control bytes."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return len(data.translate(None, _CONTROL)) != len(data)
    return False


def is_lfs_pointer(data: bytes) -> bool:
    """Whether a blob is a Git LFS pointer (the file's content lives outside the repository)."""
    return len(data) < 1024 and data.startswith(_LFS_POINTER) and b"\noid sha256:" in data


def split_lines(data: bytes) -> list[bytes]:
    """The lines of a text blob, without their ends; LF, CRLF and a lone CR all end a line."""
    return data.splitlines()


def changed_lines(old: list, new: list) -> tuple[int, int]:
    """(added, removed) between two versions of a file, as lists of lines.

    The common head and tail are dropped, then what is left is compared as multisets: the
    same counts as a line diff for edits, insertions and deletions anywhere, in linear time;
    only a block moved inside the changed part counts nothing.
    """
    start, shortest = 0, min(len(old), len(new))
    while start < shortest and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    old, new = old[start:end_old], new[start:end_new]
    if not old or not new:
        return len(new), len(old)
    before, after = Counter(old), Counter(new)
    return sum((after - before).values()), sum((before - after).values())


def beyond_parents(parents: list[list], result: list) -> tuple[int, int]:
    """(added, removed) lines of a merge result that none of its parents explain.

    Added: occurrences of a line beyond what the parent with the most of them has. Removed:
    occurrences every parent has and the result lacks. A merge that only combines its
    parents' lines counts nothing; content written in the merge itself counts.
    """
    counts = [Counter(lines) for lines in parents]
    after = Counter(result)
    added = sum(max(0, n - max(c[line] for c in counts)) for line, n in after.items())
    common = counts[0]
    for other in counts[1:]:
        common = common & other
    removed = sum((common - after).values())
    return added, removed


def cell_lines(blob: bytes) -> list[tuple[str, str]] | None:
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
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError):
        return None  # not a notebook after all: its plain line count stands


def notebook_changes(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> tuple[int, int]:
    """(added, removed) cell-source lines between two notebooks (cell markers not counted)."""
    import difflib

    added = removed = 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += sum(kind == "source" for kind, _ in old[i1:i2])
            added += sum(kind == "source" for kind, _ in new[j1:j2])
    return added, removed
