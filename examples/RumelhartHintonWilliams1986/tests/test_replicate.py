# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line end to end: a smoke replication leaves its evidence; bad input is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = "rumelharthintonwilliams1986"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", PACKAGE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_smoke_replication_leaves_evidence(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    result = run("replicate", "--profile", "smoke", "--run-dir", str(run_dir))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    for name in ("config.json", "environment.json", "verdicts.json"):
        assert (run_dir / name).is_file(), name
    verdicts = json.loads((run_dir / "verdicts.json").read_text())
    assert verdicts and {v["status"] for v in verdicts} == {"not judged"}
    assert (run_dir / "report" / "REPORT.md").is_file()


def test_unknown_setting_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    result = run("train", "--profile", "smoke", "--run-dir", str(tmp_path / "run"), "epoch=2")
    assert result.returncode == 2
    assert "epochs" in result.stderr  # the closest valid key
