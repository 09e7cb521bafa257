# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Throw-away git repositories whose behaviour no user or CI git configuration can change."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

CLEAN_CONFIG = """\
[user]
    name = Hook Test
    email = hooks@example.invalid
[init]
    defaultBranch = main
[commit]
    gpgsign = false
[protocol "file"]
    allow = always
"""


class Repo:
    """A git repository in a temporary folder, with helpers to write, stage and commit."""

    def __init__(self, path: Path, init: bool = True) -> None:
        self.path = path
        if init:
            path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q")

    def git(self, *args: str, check: bool = True) -> str:
        """Run git in the repository and return its output."""
        result = subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, text=True, check=False
        )
        if check and result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def write(self, name: str, content: str | bytes) -> Path:
        """Write a file (folders made as needed)."""
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, newline="")
        return path

    def add(self, *names: str) -> None:
        """Stage files (everything if none are named)."""
        self.git("add", "-A", *(["--", *names] if names else []))

    def commit(self, message: str = "change", *flags: str) -> str:
        """Commit what is staged; return the new commit's hash."""
        self.git("commit", "-q", "--no-verify", "-m", message, *flags)
        return self.git("rev-parse", "HEAD").strip()

    def head(self) -> str:
        """The hash of HEAD."""
        return self.git("rev-parse", "HEAD").strip()


def lines(count: int, prefix: str = "line") -> str:
    """``count`` distinct lines of text."""
    return "".join(f"{prefix} {i}\n" for i in range(count))


def notebook(*cells: tuple[str, str], outputs: str = "") -> str:
    """An nbformat-4 notebook; each cell (type, source); code cells get ``outputs`` text."""
    body = []
    for kind, source in cells:
        cell: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            cell["execution_count"] = 1
            cell["outputs"] = (
                [{"output_type": "stream", "name": "stdout", "text": outputs}] if outputs else []
            )
        body.append(cell)
    document = {"cells": body, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1) + "\n"


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git configuration of the tests' own: neither the user's nor the system's leaks in.

    GIT_* and PRE_COMMIT_* variables are dropped too: the suite may itself run inside a git
    hook, where GIT_INDEX_FILE and GIT_DIR point at another repository.
    """
    for name in list(os.environ):
        if name.startswith(("GIT_", "PRE_COMMIT")):
            monkeypatch.delenv(name)
    config = tmp_path_factory.mktemp("gitconfig") / "config"
    config.write_text(CLEAN_CONFIG)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return config


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    """An empty repository, made the current directory (as git runs hooks)."""
    repository = Repo(tmp_path / "repo")
    monkeypatch.chdir(repository.path)
    yield repository
