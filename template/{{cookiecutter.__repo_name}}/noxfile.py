# SPDX-FileCopyrightText: {{ dlc().copyright }}
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sessions: ``nox -s test replicate`` runs the tests, then the smoke replication.

``nox -s replicate -- --profile paper`` runs the full replication and writes the report.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "licenses", "test", "replicate", "notebook"]

PACKAGE = {{ dlc().package_name | py_str }}
PYTHON = {{ dlc().python_version | py_str }}
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


def step_summary(markdown: str) -> None:
    """Append Markdown to the GitHub Actions job summary (nothing outside GitHub Actions)."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path and markdown.strip():
        with open(path, "a", encoding="utf-8") as summary:
            summary.write(markdown.rstrip() + "\n\n")


def newest_report(since: float) -> Path | None:
    """The report a run wrote after ``since``: the published one or a run directory's."""
    found = [Path("report/REPORT.md"), *Path("runs").glob("*/*/report/REPORT.md")]
    fresh = [p for p in found if p.is_file() and p.stat().st_mtime >= since]
    return max(fresh, key=lambda p: p.stat().st_mtime, default=None)


def results_section(report: Path) -> str:
    """The report's verdict table: its section "Results: paper versus replication", without
    the per-experiment tables after it."""
    text = report.read_text(encoding="utf-8")
    found = re.search(r"^## Results: paper versus replication\n.*?(?=^##|\Z)", text, re.M | re.S)
    if not found:
        return f"{report}: no results section"
    return f"{found.group(0).rstrip()}\n\n(from `{report}`)"


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
    """Replicate: the smoke profile by default, ``-- --profile paper`` for the real run.

    In GitHub Actions the verdict table of the run's report goes to the job summary.
    """
    install(session, "cpu")
    args = session.posargs or ["--profile", "smoke"]
    started = time.time()
    try:
        session.run("python", "-m", PACKAGE, "replicate", *args)
    finally:
        report = newest_report(since=started)
        if report is not None:
            step_summary(results_section(report))


@nox.session(python=PYTHON)
def audit(session: nox.Session) -> None:
    """Check the repository against the program's review checklist (``dlc audit``).

    In GitHub Actions the checklist goes to the job summary, and failing items are shown as
    a warning rather than a failed job: a pull request in progress is not yet up for review.
    """
    install(session)
    command = [str(Path(session.bin) / "dlc"), "audit", *session.posargs]
    if not os.environ.get("GITHUB_STEP_SUMMARY"):
        session.run(*command, external=True)
        return
    result = subprocess.run(command, capture_output=True, text=True)
    print(result.stdout, end="")
    print(result.stderr, end="", file=sys.stderr)
    if result.returncode not in (0, 1):
        session.error(f"dlc audit failed with exit status {result.returncode}")
    step_summary(result.stdout)
    if result.returncode:
        print("::warning title=dlc audit::required review items fail (see the job summary)")


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
