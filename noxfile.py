# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sessions of the template repository: ``nox -s lint test`` is what CI runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "test", "replicate"]
nox.options.error_on_missing_interpreters = False

PYTHON = "3.11"
LINT_TOOLS = ["black==26.10.1", "ruff==0.17.6"]


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check formatting (black) and lint (ruff) of the repository's own Python code."""
    session.install(*LINT_TOOLS)
    session.run("black", "--check", "--diff", ".")
    session.run("ruff", "check", ".")


@nox.session(python=PYTHON)
def test(session: nox.Session) -> None:
    """Run the test suite; extra arguments go to pytest (``nox -s test -- -k naming``)."""
    session.install("-e", ".[cpu,plots,test]")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def replicate(session: nox.Session) -> None:
    """Bake the default replication and run its replication: smoke, or ``-- --profile paper``.

    `nox -s test replicate` thus means here what it means in a replication: the tests, then a
    replication that ends in a verdict.
    """
    session.install("-e", ".[cpu,plots,new]")
    out = Path(session.create_tmp()) / "baked"
    shutil.rmtree(out, ignore_errors=True)
    session.run("dlc", "new", "--template", ".", "--no-input", "--output-dir", str(out))
    (project,) = out.iterdir()
    session.install("--no-deps", "-e", str(project))  # its TensorFlow is the one above
    args = session.posargs or ["--profile", "smoke"]
    with session.chdir(project):
        session.run("python", "-m", project.name.lower(), "replicate", *args)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run every benchmark in benchmarks/ and print its figures (never a pass/fail timing)."""
    # A regular install: what a participant's `dlc` command costs. TensorFlow for the engine's.
    session.install(".[test,cpu,plots]")
    # bench_hooks.py compares the hooks with pre-commit-hooks' check-added-large-files.
    session.install("pre-commit-hooks==6.0.0")
    for script in sorted(Path("benchmarks").glob("bench_*.py")):
        session.log(f"== {script.name}")
        session.run("python", str(script), *session.posargs)
