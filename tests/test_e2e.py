# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end, for real: a baked repository installs, tests, replicates, runs its notebook."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bakery import ROOT

pytestmark = pytest.mark.slow

NOTEBOOK_RUNNER = (
    "import sys, nbformat\n"
    "from nbclient import NotebookClient\n"
    "nb = nbformat.read(sys.argv[1], as_version=4)\n"
    "NotebookClient(nb, timeout=600, kernel_name='python3',\n"
    "               resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
    "errors = [o for c in nb.cells for o in c.get('outputs', []) if o.output_type == 'error']\n"
    "print('cells run:', sum(c.cell_type == 'code' for c in nb.cells), 'errors:', len(errors))\n"
)


def run(
    command: list[str], cwd: Path, timeout: int = 900, **env: str
) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment.update(env)
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=environment
    )


def test_baked_repository_passes_its_tests_smoke_replication_and_notebook(
    baked_default: Path, tf_python: Path, tmp_path: Path
) -> None:
    project = baked_default
    package = project.name.lower()
    readme_before = (project / "README.md").read_text("utf-8")

    tests = run([str(tf_python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
    assert " passed" in tests.stdout and "skipped" not in tests.stdout

    smoke = run([str(tf_python), "-m", package, "replicate", "--profile", "smoke"], project)
    assert smoke.returncode == 0, smoke.stdout[-3000:] + smoke.stderr[-3000:]
    assert "not judged" in smoke.stdout
    # Only the paper profile publishes: the smoke run leaves README and report/ alone.
    assert (project / "README.md").read_text("utf-8") == readme_before
    assert not (project / "report").exists()

    notebook = project / "notebooks" / f"{project.name}.ipynb"
    ran = run([str(tf_python), "-c", NOTEBOOK_RUNNER, str(notebook), str(notebook.parent)], project)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert "errors: 0" in ran.stdout
    # The committed notebook stays without outputs; git sees only the run outputs it ignores.
    status = run(["git", "status", "--porcelain"], project)
    assert status.stdout == ""


def test_baked_repository_nox_sessions(baked_default: Path, tmp_path: Path) -> None:
    """The sessions its README does not list, through DLC_COMMON_SOURCE (the offline path).

    tests/test_readme_commands.py runs the README's own commands (nox -s test, replicate,
    notebook, lint) word for word with dlc-common from the release tag.
    """
    project = tmp_path / baked_default.name
    shutil.copytree(baked_default, project, ignore=shutil.ignore_patterns("runs", ".nox"))
    sessions = ["lint", "licenses"]
    result = run(
        [sys.executable, "-m", "nox", "-s", *sessions],
        project,
        timeout=1800,
        DLC_COMMON_SOURCE=str(ROOT),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    for session in sessions:
        assert f"Session {session} was successful" in result.stderr, session

    # Outside GitHub Actions the checklist's verdict is the session's: a fresh repository
    # fails it on the stub's claims and the missing report.
    audit = run(
        [sys.executable, "-m", "nox", "-s", "audit"],
        project,
        timeout=600,
        DLC_COMMON_SOURCE=str(ROOT),
        GITHUB_STEP_SUMMARY="",
    )
    assert audit.returncode != 0, audit.stdout[-4000:] + audit.stderr[-4000:]
    assert "Session audit failed" in audit.stderr, audit.stderr[-4000:]
    for item in ("claims", "report", "readme-placeholders"):
        assert re.search(rf"^- ❌ fail `{item}`", audit.stdout, re.M), audit.stdout[-4000:]
