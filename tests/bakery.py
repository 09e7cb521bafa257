# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Baking the template in tests, the way a participant does: cookiecutter in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def isolated_env(home: Path) -> dict[str, str]:
    """An environment whose HOME, temp dir and git config belong to the test alone."""
    home.mkdir(parents=True, exist_ok=True)
    tmp = home / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "COOKIECUTTER"))}
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),  # cookiecutter leaves its rendered hook scripts there
        GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        PYTHONPATH="",  # the template must find dlc_common in its own checkout
    )
    return env


@dataclass
class Bake:
    """The outcome of one bake: the exit status, what was printed, what was made."""

    returncode: int
    stdout: str
    stderr: str
    output_dir: Path

    @property
    def projects(self) -> list[Path]:
        return sorted(p for p in self.output_dir.iterdir() if p.is_dir())

    @property
    def project(self) -> Path:
        (only,) = self.projects
        return only


def bake(
    tmp: Path,
    answers: Mapping[str, str] | None = None,
    *,
    no_input: bool = True,
    stdin: str | None = None,
    command: list[str] | None = None,
) -> Bake:
    """Bake the template from the repository root with cookiecutter's own command line."""
    out = tmp / "out"
    out.mkdir(parents=True, exist_ok=True)
    args = command or [sys.executable, "-m", "cookiecutter", str(ROOT)]
    args = [*args, "--output-dir", str(out)]
    if no_input:
        args.append("--no-input")
    args += [f"{key}={value}" for key, value in (answers or {}).items()]
    result = subprocess.run(
        args,
        input=stdin,
        capture_output=True,
        text=True,
        env=isolated_env(tmp / "home"),
        cwd=tmp,
        check=False,
        timeout=120,
    )
    return Bake(result.returncode, result.stdout, result.stderr, out)


def project_files(project: Path) -> set[str]:
    """Every file of a baked project (relative, POSIX), .git excluded."""
    return {
        p.relative_to(project).as_posix()
        for p in project.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(project).parts[:1]
    }
