# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The library's layout: a folder per concern, each installed, and the old names still import."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import dlc_common
from dlc_common.config import read_toml

ROOT = Path(__file__).resolve().parents[1]


def test_every_folder_of_the_library_is_installed() -> None:
    # setuptools lists packages explicitly: a folder missing from the list would be left out
    # of the wheel, and `import dlc_common.run` would fail after `pip install dlc-common`.
    listed = set(read_toml(ROOT / "pyproject.toml")["tool"]["setuptools"]["packages"])
    folders = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "dlc_common").rglob("__init__.py")
    }
    assert folders <= listed, sorted(folders - listed)


@pytest.mark.parametrize("old", sorted(dlc_common.MOVED))
def test_the_names_before_the_grouping_import_the_same_module(old: str) -> None:
    before = importlib.import_module(f"dlc_common.{old}")
    now = importlib.import_module(f"dlc_common.{dlc_common.MOVED[old]}")
    assert before is now
    assert now.__spec__.name == now.__name__ == f"dlc_common.{dlc_common.MOVED[old]}"


def test_an_unknown_name_is_still_an_import_error() -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("dlc_common.no_such_module")


def test_the_library_and_its_standard_library_modules_never_import_tensorflow() -> None:
    code = (
        "import sys\n"
        "import dlc_common, dlc_common.claims, dlc_common.run.app, dlc_common.run.experiments\n"
        "import dlc_common.make.bake, dlc_common.judge.report, dlc_common.data.datasets\n"
        "from dlc_common import data\n"
        "assert 'tensorflow' not in sys.modules, 'tensorflow imported'\n"
        "from dlc_common.data import pipeline\n"
        "assert 'tensorflow' in sys.modules\n"
        "assert pipeline.__module__ == 'dlc_common.data.pipelines'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
