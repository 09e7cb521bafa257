# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""TensorFlow's real dependency closure passes with the allow-list the template ships."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Repo

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ALLOW_LIST = ROOT / "hooks" / "data" / "dlc-licenses.toml"
TENSORFLOW = "tensorflow-cpu==2.21.0"


def uv() -> list[str]:
    """The uv command (a test dependency); fails, never skips, if it is missing."""
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    found = shutil.which("uv")
    if found is None:
        pytest.fail("uv is needed to build the TensorFlow environment: pip install uv")
    return [found]


@pytest.fixture(scope="module")
def tensorflow_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with tensorflow-cpu 2.21.0 and dlc-common, as a replication has."""
    venv = tmp_path_factory.mktemp("tfenv") / "venv"
    subprocess.run([*uv(), "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [*uv(), "pip", "install", "-q", "--python", str(python), TENSORFLOW, str(ROOT)],
        check=True,
    )
    return python


@pytest.mark.slow
def test_tensorflow_closure_passes_with_the_shipped_allow_list(
    repo: Repo, tensorflow_env: Path
) -> None:
    repo.write(
        "pyproject.toml",
        '[project]\nname = "MikolovJoulinChopraEtAl2015"\nversion = "0.1.0"\n'
        'dependencies = ["dlc-common"]\n\n[project.optional-dependencies]\n'
        f"cpu = [\"{TENSORFLOW}; sys_platform != 'darwin'\", "
        "\"tensorflow==2.21.0; sys_platform == 'darwin'\"]\n"
        'gpu = ["tensorflow[and-cuda]==2.21.0"]\n',
    )

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        # The console script installed with dlc-common, run as CI runs it.
        return subprocess.run(
            [str(tensorflow_env.parent / "dlc-check-dependency-licenses"), *args],
            cwd=repo.path,
            capture_output=True,
            text=True,
            check=False,
        )

    bare = check("--extra", "cpu", "-v")
    assert bare.returncode == 1, bare.stdout + bare.stderr
    # What TensorFlow 2.21 really brings that needs a person's review, and nothing else:
    assert "certifi" in bare.stderr and "weak copyleft: Mozilla Public License 2.0" in bare.stderr
    assert "namex 0.1.0: unknown: no licence metadata" in bare.stderr
    assert "dlc-common 0.1.0: strong copyleft: GPL-3.0-or-later (GPL)" in bare.stderr
    assert "3 problems." in bare.stderr
    # Free-text and classifier-only metadata is read, not refused:
    assert "keras 3.15.1: permissive: Apache License 2.0 (Apache) [License]" in bare.stdout
    assert "tensorflow_cpu 2.21.0: permissive" in bare.stdout
    assert "numpy" in bare.stdout and "protobuf" in bare.stdout

    shutil.copy(DEFAULT_ALLOW_LIST, repo.path / ".dlc-licenses.toml")
    passed = check("--extra", "cpu")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "0 problems." in passed.stdout
    assert "certifi (weak copyleft), dlc-common (strong copyleft), namex (unknown)" in passed.stdout

    # All extras by default: the gpu extra is not installed here, and that is said, not skipped.
    everything = check()
    assert everything.returncode == 1
    assert (
        "so their licences cannot be read:\n    tensorflow[and-cuda]==2.21.0  (from extra 'gpu')"
        in (everything.stderr)
    )
