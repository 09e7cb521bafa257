# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line end to end: the smoke replication ends in real verdicts, with the figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from dlc_common.claims import load_claims

PACKAGE = "rumelharthintonwilliams1986"
FIGURES = ("sweeps.png", "figure1_symmetry_weights.png", "held_out.png")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", PACKAGE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_smoke_replication_judges_every_claim_and_draws_the_figures(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    result = run("replicate", "--profile", "smoke", "--run-dir", str(run_dir), "seeds=4")
    verdicts = json.loads((run_dir / "verdicts.json").read_text())
    statuses = {v["claim"]["id"]: v["status"] for v in verdicts}
    # A real verdict on every claim of the paper: exit 0 only if all are reproduced.
    assert set(statuses) == {c.id for c in load_claims(ROOT / "claims.toml").claims}
    assert set(statuses.values()) <= {"reproduced", "not reproduced", "inconclusive"}, statuses
    all_reproduced = set(statuses.values()) == {"reproduced"}
    assert result.returncode == (0 if all_reproduced else 1), result.stdout + result.stderr
    for seed in range(4):
        metrics = json.loads((run_dir / f"seed-{seed}" / "metrics.json").read_text())["metrics"]
        assert 0 <= metrics["family_held_out_correct"] <= 1
        assert metrics["symmetry_solved"] in (0.0, 1.0)
    report = (run_dir / "report" / "REPORT.md").read_text()
    for name in (*FIGURES, "figure4_person_encoding.png"):
        assert (run_dir / "report" / name).read_bytes()[:4] == b"\x89PNG", name
        assert f"]({name})" in report, name
    assert "Sweeps to learn mirror symmetry over 4 seeds" in report


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("epoch=2", "did you mean 'epochs'?"),
        ("family.momentum_switch=1500", "family.momentum_switch: 1500 must be below epochs"),
        ("symmetry.eps=0", "symmetry.eps: expected a positive number"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(
    tmp_path: Path, override: str, message: str
) -> None:
    result = run("train", "--profile", "smoke", "--run-dir", str(tmp_path / "run"), override)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
