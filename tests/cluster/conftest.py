# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the SLURM tests: one real one-node cluster for the session, a TensorFlow Python."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import tomllib

from tests.cluster.slurm import ROOT, SlurmCluster, SlurmUnavailable, ensure_installed


def unavailable(reason: str) -> NoReturn:
    """Skip where SLURM genuinely cannot be installed, saying why; CI must never skip."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the SLURM tests (run .ci/install-slurm first): {reason}")
    pytest.skip(f"SLURM cannot be installed here: {reason}")


@pytest.fixture(scope="session")
def slurm_installed() -> None:
    """munge and SLURM are installed: by .ci/install-slurm, or now with apt-get."""
    try:
        ensure_installed()
    except SlurmUnavailable as exc:
        unavailable(str(exc))


@pytest.fixture(scope="session")
def slurm_cluster(slurm_installed: None) -> Iterator[SlurmCluster]:
    """A running one-node SLURM cluster (2 CPUs) on loopback ports, stopped after the session."""
    cluster = SlurmCluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(autouse=True)
def _no_job_left_running(request: pytest.FixtureRequest) -> Iterator[None]:
    """Cancel what a test left in the queue, so the next test finds the node free."""
    yield
    if "slurm_cluster" in request.fixturenames:
        request.getfixturevalue("slurm_cluster").cancel_all()


def tensorflow_requirement() -> str:
    """The TensorFlow pin of the project's ``cpu`` extra: written once, in pyproject.toml."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        extras = tomllib.load(handle)["project"]["optional-dependencies"]
    (requirement,) = [r for r in extras["cpu"] if r.startswith("tensorflow")]
    return str(requirement)


@pytest.fixture(scope="session")
def tf_python() -> Iterator[str]:
    """A Python with TensorFlow: this one when it has it, else a venv made for the session."""
    if importlib.util.find_spec("tensorflow") is not None:
        yield sys.executable
        return
    venv = Path(tempfile.mkdtemp(prefix="dlc-tfenv-"))  # 1.6 GB: removed after the session
    python = venv / "bin" / "python"
    uv = shutil.which("uv")
    if uv:  # seconds from a warm cache
        commands = [
            [uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
            [uv, "pip", "install", "--quiet", "--python", str(python), tensorflow_requirement()],
        ]
    else:
        commands = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(python), "-m", "pip", "install", "--quiet", tensorflow_requirement()],
        ]
    try:
        for command in commands:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=900)
            if proc.returncode != 0:
                pytest.fail(f"{' '.join(command)} failed:\n{proc.stderr[-3000:]}")
        yield str(python)
    finally:
        shutil.rmtree(venv, ignore_errors=True)
