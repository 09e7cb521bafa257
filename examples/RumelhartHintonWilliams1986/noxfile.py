# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sessions: ``nox -s test replicate`` runs the tests, then the smoke replication.

``nox -s replicate -- --profile paper`` runs the full replication and writes the report.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "licenses", "test", "replicate", "notebook"]

PACKAGE = "rumelharthintonwilliams1986"
PYTHON = "3.11"
LINT_TOOLS = ["black==26.10.1", "ruff==0.17.6"]


def install(session: nox.Session, extras: str = "") -> None:
    """Install this repository with its pinned TensorFlow and dlc-common.

    dlc-common comes from the tag of the dlc-template version pinned in pyproject.toml.
    DLC_COMMON_SOURCE (a path or URL of dlc-template) installs it from there instead, for
    testing the template against its own checkout.
    """
    target = f".[{extras}]" if extras else "."
    source = os.environ.get("DLC_COMMON_SOURCE")
    if not source:
        session.install("-e", target)
        return
    url = source if "://" in source else Path(source).resolve().as_uri()
    if session.venv_backend == "uv":  # an override replaces the pinned tag
        # Beside the environment, not in session.create_tmp(): that would move TMPDIR.
        override = Path(session.virtualenv.location) / "dlc-common-source.txt"
        override.write_text(f"dlc-common @ {url}\n", encoding="utf-8")
        session.install("--override", str(override), "-e", target)
        return
    # pip has no overrides: the source and the other requirements, then this repository.
    project = nox.project.load_toml("pyproject.toml")["project"]
    wanted = list(project["dependencies"])
    for extra in filter(None, extras.split(",")):
        wanted += project["optional-dependencies"][extra]
    others = [r for r in wanted if _name(r) != "dlc-common"]
    session.install(f"dlc-common @ {url}", *others)
    session.install("--no-deps", "-e", target)


def _name(requirement: str) -> str:
    """The normalised project name of a PEP 508 requirement."""
    name = re.split(r"[\s\[@=<>!~;(]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def source_files() -> list[str]:
    """The files that must carry an SPDX header (the file types the pre-commit hook checks)."""
    suffixes = {".py", ".pyi", ".sh", ".sbatch", ".yml", ".yaml", ".toml", ".ipynb"}
    try:
        listing = subprocess.run(["git", "ls-files"], capture_output=True, text=True, check=True)
        files = [Path(name) for name in listing.stdout.splitlines()]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every file
        skip = {".git", ".nox", ".venv", "runs", "build", "dist"}
        files = [p for p in Path(".").rglob("*") if p.is_file() and not skip & set(p.parts)]
    return [str(p) for p in files if p.suffix in suffixes]


@nox.session(python=PYTHON)
def test(session: nox.Session) -> None:
    """Run the tests (arguments after -- go to pytest)."""
    install(session, "cpu,dev")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def replicate(session: nox.Session) -> None:
    """Replicate: the smoke profile by default, ``-- --profile paper`` for the real run."""
    install(session, "cpu")
    args = session.posargs or ["--profile", "smoke"]
    session.run("python", "-m", PACKAGE, "replicate", *args)


@nox.session(python=PYTHON)
def notebook(session: nox.Session) -> None:
    """Run the notebook top to bottom in a fresh kernel (outputs are not saved)."""
    install(session, "cpu,dev")
    for path in sorted(Path("notebooks").glob("*.ipynb")):
        session.log(f"running {path}")
        session.run(
            "python",
            "-c",
            "import sys, nbformat; from nbclient import NotebookClient\n"
            "nb = nbformat.read(sys.argv[1], as_version=4)\n"
            "NotebookClient(nb, timeout=900, kernel_name='python3',\n"
            "               resources={'metadata': {'path': '.'}}).execute()\n",
            str(path),
        )


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check formatting (black), lint (ruff) and the SPDX licence header of every file."""
    install(session)
    session.install(*LINT_TOOLS)
    session.run("black", "--check", "--diff", ".")
    session.run("ruff", "check", ".")
    session.run("dlc-check-license-headers", *source_files())


@nox.session(python=PYTHON)
def licenses(session: nox.Session) -> None:
    """Check the licences of every installed dependency (no strong copyleft)."""
    install(session, "cpu,dev")
    session.run("dlc-check-dependency-licenses", "--extra", "cpu", "--extra", "dev")


@nox.session(python=PYTHON)
def commits(session: nox.Session) -> None:
    """Check the size of every commit since a base: ``nox -s commits -- --base origin/main``."""
    install(session)
    session.run("dlc-check-commit-range", *session.posargs)
