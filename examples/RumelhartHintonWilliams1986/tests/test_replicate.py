# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line end to end: the smoke replication ends in real verdicts, with the figures."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from dlc_common.config import Config, ConfigError
from dlc_common.judge.claims import load_claims
from dlc_common.run.experiments import plan, tasks

from rumelharthintonwilliams1986.experiment import EXPERIMENTS

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
    result = run("replicate", "--profile", "smoke", "--run-dir", str(run_dir), "seeds=6")
    verdicts = json.loads((run_dir / "verdicts.json").read_text())
    statuses = {v["claim"]["id"]: v["status"] for v in verdicts}
    # A real verdict on every claim of the paper: exit 0 only if all are reproduced.
    assert set(statuses) == {c.id for c in load_claims(ROOT / "claims.toml").claims}
    assert set(statuses.values()) <= {"reproduced", "not reproduced", "inconclusive"}, statuses
    all_reproduced = set(statuses.values()) == {"reproduced"}
    assert result.returncode == (0 if all_reproduced else 1), result.stdout + result.stderr
    # Each experiment's seeds in <run_dir>/<experiment>/default/seed-<n>, measuring its own.
    for experiment, names in EXPERIMENTS.items():
        for seed in range(6):
            record = json.loads(
                (run_dir / experiment / "default" / f"seed-{seed}" / "metrics.json").read_text()
            )
            assert record["experiment"] == experiment and record["seed"] == seed
            assert set(record["metrics"]) == set(names), experiment
            if experiment == "symmetry":
                assert record["metrics"]["symmetry_solved"] in (0.0, 1.0)
            else:
                assert 0 <= record["metrics"]["family_held_out_correct"] <= 1
    report = (run_dir / "report" / "REPORT.md").read_text()
    for name in (*FIGURES, "figure4_person_encoding.png"):
        assert (run_dir / "report" / name).read_bytes()[:4] == b"\x89PNG", name
        assert f"]({name})" in report, name
    assert "Sweeps to learn mirror symmetry over 6 seeds" in report
    assert "Held-out family-tree cases answered correctly over 12 runs (6 seeds" in report


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


def test_each_experiment_trains_only_its_own_networks(tmp_path: Path, smoke: Config) -> None:
    from rumelharthintonwilliams1986 import experiment

    short = smoke.override(["symmetry.max_sweeps=50", "epochs=30", "family.momentum_switch=10"])
    configs = {t.experiment.id: t.config for t in tasks(short, plan(short))}
    assert list(configs) == ["symmetry", "family", *experiment.ABLATIONS]
    files = {
        "symmetry": [experiment.SYMMETRY_FILE, experiment.WEIGHTS_FILE],
        "family": [experiment.FAMILY_FILE, experiment.WEIGHTS_FILE],
    }
    for name in EXPERIMENTS:
        config = configs[name]
        metrics = experiment.run(config, 3, tmp_path / name)
        assert set(metrics) == set(EXPERIMENTS[name])
        assert sorted(p.name for p in (tmp_path / name).iterdir()) == sorted(files[name])
    # Seed s of the family trees keeps its held-out draws 2s and 2s + 1.
    summaries = json.loads((tmp_path / "family" / experiment.FAMILY_FILE).read_text())
    assert [(r["seed"], r["draw"]) for r in summaries] == [(3, 6), (3, 7)]
    # A task outside the paper's two experiments is refused, naming them.
    with pytest.raises(ConfigError, match="'symmetry', 'family'"):
        experiment.run(dataclasses.replace(short, experiment="main"), 0, tmp_path / "main")
