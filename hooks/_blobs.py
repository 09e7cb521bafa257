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

import contextlib
from collections import Counter
from collections.abc import Iterable

from dlc_hooks._git import GitError, git

# typing.TYPE_CHECKING without importing typing (milliseconds on every commit).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

# Control bytes that text never holds (tab, LF, VT, FF, CR and ESC are text).
_CONTROL = bytes([*range(0, 9), *range(14, 27), *range(28, 32)])
# Git LFS pointers are small text files of this form (git-lfs spec: "less than 1024 bytes").
_LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\n"


def _parse_batch(out: bytes, wanted: list[str]) -> dict[str, bytes]:
    """``cat-file --batch`` output as name -> content; names that name nothing are left out."""
    found: dict[str, bytes] = {}
    pos = 0
    for name in wanted:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if header[-1] in (b"missing", b"ambiguous"):
            pos = header_end + 1
            continue
        size = int(header[2])
        found[name] = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return found


def _names(names: Iterable[str]) -> list[str]:
    """The names once each, without those that cannot be written on a line of cat-file input."""
    return [name for name in dict.fromkeys(names) if "\n" not in name]


def read_objects(repo: Path | str, names: Iterable[str]) -> dict[str, bytes]:
    """The contents of git objects (blob hashes or ``rev:path``), in one ``cat-file`` call.

    A name that names nothing (``HEAD:.gitattributes`` in a project without one) is left out.
    """
    wanted = _names(names)
    if not wanted:
        return {}
    stdin = "".join(f"{n}\n" for n in wanted).encode()
    return _parse_batch(git("cat-file", "--batch", "--buffer", cwd=repo, stdin=stdin), wanted)


class ObjectReader:
    """A ``git cat-file --batch`` started early, asked once, read when its answer is needed.

    Git starts and reads the objects while this process does other work (the ``git diff``
    before, the files on disk after): on a commit hook's path, that overlap is most of the
    time two git calls in a row would cost.
    """

    # Input up to this size fits a pipe's buffer: written at once, without waiting for git.
    PIPE_SIZE = 32768

    def __init__(self, repo: Path | str) -> None:
        import subprocess

        self._process = subprocess.Popen(
            ["git", "cat-file", "--batch", "--buffer"],
            cwd=repo,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._wanted: list[str] = []
        self._pending: bytes | None = None

    def ask(self, names: Iterable[str]) -> None:
        """Send the names of the objects wanted (once)."""
        self._wanted = _names(names)
        data = "".join(f"{n}\n" for n in self._wanted).encode()
        if len(data) > self.PIPE_SIZE:
            self._pending = data  # written by communicate(), reading as it writes
            return
        try:
            assert self._process.stdin is not None
            self._process.stdin.write(data)
            self._process.stdin.close()
        except BrokenPipeError:
            pass  # git has stopped already: answer() says why

    def answer(self) -> dict[str, bytes]:
        """name -> content of the objects asked for; GitError if git failed."""
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        assert process.stderr is not None
        if self._pending is not None:
            out, err = process.communicate(self._pending)
        else:
            if not process.stdin.closed:
                process.stdin.close()  # asked for nothing
            out, err = process.stdout.read(), process.stderr.read()
            process.wait()
            process.stdout.close()
            process.stderr.close()
        if process.returncode != 0:
            message = err.decode(errors="replace").strip() or f"exit {process.returncode}"
            raise GitError(f"git cat-file --batch: {message}")
        return _parse_batch(out, self._wanted)

    def close(self) -> None:
        """Stop git if the answer is not wanted after all (an error on the way)."""
        process = self._process
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None and not stream.closed:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()


def blob_hash(data: bytes) -> str:
    """The hash git gives a blob with this content (SHA-1 repositories)."""
    try:
        from _sha1 import sha1  # CPython's own: hashlib's OpenSSL loading costs milliseconds
    except ImportError:  # pragma: no cover - other interpreters
        from hashlib import sha1
    return sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_worktree(files: dict[str, str]) -> dict[str, bytes]:
    """blob hash -> content for the files (hash -> path) whose content on disk has that hash.

    A staged file left as staged is read from disk, much faster than from git's object
    store; the hash makes sure it is the staged content (a file changed since, or converted
    by core.autocrlf, is left to git).
    """
    found = {}
    for sha, path in files.items():
        try:
            with open(path, "rb", buffering=0) as stream:
                data = stream.readall()
        except OSError:
            continue
        if len(sha) == 40 and blob_hash(data) == sha:
            found[sha] = data
    return found


def read_blobs(
    repo: Path | str,
    shas: Iterable[str],
    worktree: dict[str, str] | None = None,
    extra: Iterable[str] = (),
) -> dict[str, bytes]:
    """Blobs by hash (from disk where ``worktree`` says, see read_worktree), and ``extra``."""
    shas = list(dict.fromkeys(shas))
    found = read_worktree({s: worktree[s] for s in shas if s in worktree}) if worktree else {}
    found.update(read_objects(repo, [*(s for s in shas if s not in found), *extra]))
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
    start = _head(old, new, min(len(old), len(new)))
    end = _tail(old, new, min(len(old), len(new)) - start)
    old, new = old[start : len(old) - end], new[start : len(new) - end]
    if not old or not new:
        return len(new), len(old)
    before, after = Counter(old), Counter(new)
    return sum((after - before).values()), sum((before - after).values())


# The common head and tail are found by halving with list comparisons, which run in C: a
# Python loop over every line of every file would cost more than all the rest of the count.
def _head(old: list, new: list, most: int) -> int:
    """The largest k <= most with old[:k] == new[:k]."""
    if old[:most] == new[:most]:
        return most
    low, high = 0, most  # equal up to low, different up to high
    while high - low > 1:
        middle = (low + high) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle
    return low


def _tail(old: list, new: list, most: int) -> int:
    """The largest k <= most with old[-k:] == new[-k:] (k = 0: nothing)."""
    a, b = len(old), len(new)
    if old[a - most :] == new[b - most :]:
        return most
    low, high = 0, most
    while high - low > 1:
        middle = (low + high) // 2
        if old[a - middle :] == new[b - middle :]:
            low = middle
        else:
            high = middle
    return low


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
