# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sessions of the template repository: ``nox -s lint test`` is what CI runs."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "test"]
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
def bench(session: nox.Session) -> None:
    """Run every benchmark in benchmarks/ and print its figures (never a pass/fail timing)."""
    # A regular install: what a participant's `dlc` command costs. TensorFlow for the engine's.
    session.install(".[test,cpu,plots]")
    # bench_hooks.py compares the hooks with pre-commit-hooks' check-added-large-files.
    session.install("pre-commit-hooks==6.0.0")
    for script in sorted(Path("benchmarks").glob("bench_*.py")):
        session.log(f"== {script.name}")
        session.run("python", str(script), *session.posargs)
