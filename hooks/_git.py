# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running git for the hooks, whatever the user's git configuration says."""

from __future__ import annotations

import os
import subprocess

# typing.TYPE_CHECKING without importing typing (milliseconds on every commit).
TYPE_CHECKING = False

if TYPE_CHECKING:  # pathlib costs start-up time the commit-size hook does not spend
    from pathlib import Path

# The empty tree: what a repository with no commits yet is compared against.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class GitError(Exception):
    """A git command failed; the message says which and why."""


def git(*args: str, cwd: Path | str | None = None, stdin: bytes | None = None) -> bytes:
    """Run git and return its standard output; raise GitError if it fails."""
    result = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip() or f"exit {result.returncode}"
        raise GitError(f"git {' '.join(args[:3])}: {message}")
    return result.stdout


def toplevel(cwd: Path | str | None = None) -> Path:
    """The root of the working tree that contains ``cwd``."""
    try:
        out = git("rev-parse", "--show-toplevel", cwd=cwd)
    except GitError as exc:
        raise GitError(f"not inside a git working tree ({exc})") from None
    from pathlib import Path

    return Path(os.fsdecode(out.rstrip(b"\n")))


def resolve(rev: str, cwd: Path) -> str | None:
    """The full hash of the commit ``rev`` names, or None if there is none."""
    result = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}"],
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    return result.stdout.decode().strip() if result.returncode == 0 else None


def git_path(name: str, cwd: Path) -> Path:
    """The path of a file inside the repository's git directory (``MERGE_HEAD``)."""
    from pathlib import Path

    out = os.fsdecode(git("rev-parse", "--git-path", name, cwd=cwd).rstrip(b"\n"))
    return Path(cwd) / out  # relative results are relative to cwd; absolute ones stay as they are
