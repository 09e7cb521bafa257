# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures shared by the template's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Real data the tests read, shipped with the repository (provenance: tests/data/README.md).
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def dlc_bib() -> Path:
    """The program's own Paperpile export (360 entries)."""
    path = DATA / "DLC.bib"
    if not path.exists():
        pytest.fail(f"{path} is missing: it is part of the repository (git checkout it again)")
    return path


@pytest.fixture(scope="session")
def baked_default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template's default repository (MikolovJoulinChopraEtAl2015), baked once per run."""
    from tests.bakery import bake

    result = bake(tmp_path_factory.mktemp("baked-default"))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.project


def announce(config: pytest.Config, text: str) -> None:
    """A line on the terminal now, also while output is captured: what a long wait is for."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"[dlc tests] {text}")


@pytest.fixture(scope="session")
def dlc_common_override(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A uv overrides file that installs dlc-common from this checkout.

    A baked repository pins dlc-common to its template version's tag on GitHub; with
    ``uv pip install --override FILE`` (or UV_OVERRIDE=FILE) the tests take this checkout
    instead, offline.
    """
    path = tmp_path_factory.mktemp("override") / "dlc-common.txt"
    path.write_text(f"dlc-common @ {ROOT.as_uri()}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tf_python(
    tmp_path_factory: pytest.TempPathFactory,
    baked_default: Path,
    dlc_common_override: Path,
    pytestconfig: pytest.Config,
) -> Path:
    """One Python environment with TensorFlow for the whole test run.

    It holds dlc-common from this checkout (through the override) and the default baked
    repository with its [cpu,dev] extras, so TensorFlow (a 1.6 GB install) is set up once per
    run from the versions the template pins; other baked repositories go in without their
    dependencies. uv makes this take seconds with a warm cache.
    """
    import shutil
    import subprocess
    import sys

    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is needed for the end-to-end tests: python3 -m pip install uv")
    announce(pytestconfig, "installing TensorFlow for the end-to-end tests (seconds to a minute)")
    venv = tmp_path_factory.mktemp("tf-env") / "venv"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            str(python),
            "--override",
            str(dlc_common_override),
            # uv keys its cache of a local project on pyproject.toml's mtime, not on the code:
            # build this checkout's dlc-common afresh, never an earlier build of it.
            "--reinstall-package",
            "dlc-common",
            "-e",
            f"{baked_default}[cpu,dev]",
        ],
        check=True,
    )
    return python
