# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ablation behind the learning-rate deviation (issue 19): what it varies and how it trains."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from dlc_common.config import Config, ConfigError, load_config
from dlc_common.judge.claims import load_claims
from dlc_common.run.experiments import plan, tasks

from rumelharthintonwilliams1986 import experiment
from rumelharthintonwilliams1986 import family_trees as ft

SHORT = ["epochs=30", "family.momentum_switch=10"]


@pytest.fixture(scope="module")
def paper() -> Config:
    return load_config(ROOT / "configs", "paper")


def test_the_ablation_is_the_papers_procedure_crossed_with_the_open_choices(paper: Config):
    by_id = {e.id: e for e in plan(paper)}
    ablation = by_id["ablation"]
    assert len(ablation.seeds) >= 20
    configs = [t.config for t in tasks(paper, [ablation]) if t.seed == ablation.seeds[0]]
    for config in configs:
        setup = experiment.family_setup(config)
        # The paper's rate and momentum schedule, 1,500 sweeps, its 0.2% decay (unless "none").
        assert setup.schedule == ft.PAPER_SCHEDULE
        assert setup.weight_decay in (0.0, ft.WEIGHT_DECAY)
        assert config["family.draws_per_seed"] == 1
    ranges = {c["family.init_range"] for c in configs}
    assert {0.3, 0.5} <= ranges and len(ranges) >= 3
    assert {(c["family.error"], c["family.decay"]) for c in configs} == {
        (e, d) for e in experiment.ERRORS for d in experiment.DECAYS
    }
    # Every claim names a variant that the paper profile and the smoke profile both run.
    smoke = {e.id: e for e in plan(load_config(ROOT / "configs", "smoke"))}
    for claim in load_claims(ROOT / "claims.toml").claims:
        if claim.experiment in experiment.ABLATIONS:
            by_id[claim.experiment].variant(claim.variant)
            smoke[claim.experiment].variant(claim.variant)


@pytest.mark.parametrize(
    ("error", "decay", "averaged", "weight_decay", "decay_biases"),
    [
        ("summed", "all", False, 0.002, True),
        ("averaged", "all", True, 0.002, True),
        ("summed", "weights", False, 0.002, False),
        ("averaged", "none", True, 0.0, True),
    ],
)
def test_the_error_and_decay_settings_reach_the_training(
    smoke: Config, error, decay, averaged, weight_decay, decay_biases
):
    config = smoke.override([f"family.error={error}", f"family.decay={decay}"])
    setup = experiment.family_setup(config)
    assert (setup.averaged, setup.weight_decay, setup.decay_biases) == (
        averaged,
        weight_decay,
        decay_biases,
    )
    loop = experiment._family_trainer(setup).loop
    assert loop.loss_fn.averaged is averaged
    assert len(loop.decayed) == (10 if decay_biases else 5)


@pytest.mark.parametrize(("key", "value"), [("family.error", "mean"), ("family.decay", "bias")])
def test_an_unknown_error_or_decay_is_refused_naming_the_field(smoke: Config, key, value):
    with pytest.raises(ConfigError, match=f"{key}: expected one of"):
        experiment.family_setup(smoke.override([f"{key}={value}"]))


def test_variants_sharing_a_traced_loop_give_the_numbers_of_a_fresh_trainer(smoke: Config):
    first = experiment.family_setup(smoke.override(SHORT))
    other = experiment.family_setup(
        smoke.override([*SHORT, "family.eps=0.005", "family.init_range=0.3"])
    )
    experiment._family_trainer(first).run(0, 0)
    shared = experiment._family_trainer(other)
    assert shared.model is experiment._family_trainer(first).model
    got, want = shared.run(4, 9), ft.FamilyTreeTrainer(other).run(4, 9)
    assert got.final_loss == want.final_loss
    np.testing.assert_array_equal(got.person_weights, want.person_weights)
    with pytest.raises(ValueError, match="retarget"):
        shared.retarget(ft.Setup(weight_decay=0.0))


def test_an_ablation_seed_trains_one_network_and_says_whether_it_learned(
    smoke: Config, tmp_path: Path
):
    short = smoke.override(SHORT)
    ablation = [e for e in plan(short) if e.id == "ablation"]
    task = tasks(short, ablation)[0]
    metrics = experiment.run(task.config, 5, tmp_path)
    assert set(metrics) == set(experiment.EXPERIMENTS["family"])
    assert metrics["family_train_learned"] == float(metrics["family_train_correct"] == 1.0)
    summaries = json.loads((tmp_path / experiment.FAMILY_FILE).read_text())
    assert [(r["seed"], r["draw"]) for r in summaries] == [(5, 5)]
    assert experiment.figures(tmp_path / "ablation", {}, tmp_path) == []
