# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures shared by the template's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The program's real bibliography lives beside the checkout in ../shared/data.
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def dlc_bib() -> Path:
    """The program's own Paperpile export (360 entries)."""
    path = SHARED_DATA / "DLC.bib"
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests need ../shared/data beside the checkout")
    return path


@pytest.fixture(scope="session")
def tf_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Python environment with TensorFlow for the whole test run.

    Baked repositories are installed into it without their dependencies, so TensorFlow (a
    1.6 GB install) is set up once per run, whatever the number of bakes. uv makes it quick
    (seconds with a warm cache); dlc-common comes from this checkout.
    """
    import shutil
    import subprocess
    import sys

    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is needed for the end-to-end tests: python3 -m pip install uv")
    venv = tmp_path_factory.mktemp("tf-env") / "venv"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(python), str(ROOT), *E2E_PACKAGES],
        check=True,
    )
    return python


# What a baked repository's [cpu,dev] extras bring, pinned as the template pins them.
E2E_PACKAGES = [
    "tensorflow-cpu==2.21.0",
    "matplotlib>=3.8",
    "pytest>=8",
    "nbclient>=0.10",
    "ipykernel>=6.29",
]
