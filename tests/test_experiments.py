# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Experiments and variants declared in the profiles: the grid, the list, shrinking, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlc_common.config import ConfigError, load_config
from dlc_common.run.experiments import parse_only, plan, tasks

PAPER = """
seeds = 3
epochs = 10
learning_rate = 0.1
[data]
length = 100
[model]
dropout = 0.0
units = 8

[experiments.lengths]
where = "Table 2"
description = "Error against length"
[experiments.lengths.set]
epochs = 4
[experiments.lengths.grid]
data.length = [100, 1000]
model.dropout = [0.0, 0.5]

[experiments.ablation]
where = "Figure 3"
module = "ablation"
seeds = [7, 8]
[[experiments.ablation.variants]]
id = "small"
label = "8 units"
model.units = 8
[[experiments.ablation.variants]]
label = "Wide Net"
model = { units = 64 }
"""


@pytest.fixture
def configs(tmp_path: Path) -> Path:
    (tmp_path / "paper.toml").write_text(PAPER)
    (tmp_path / "smoke.toml").write_text(
        'base = "paper"\nseeds = 1\nexperiments.lengths.grid.data.length = [100]\n'
        "experiments.lengths.seeds = 2\nexperiments.ablation.set.epochs = 1\n"
    )
    return tmp_path


def test_a_grid_and_a_list_become_tasks_with_resolved_configs(configs: Path) -> None:
    config = load_config(configs, "paper")
    lengths, ablation = plan(config)
    assert (lengths.id, lengths.where, lengths.module) == ("lengths", "Table 2", "experiment")
    assert lengths.variant_ids == [
        "length=100,dropout=0",
        "length=100,dropout=0.5",
        "length=1000,dropout=0",
        "length=1000,dropout=0.5",
    ]
    assert lengths.variants[1].label == "length 100, dropout 0.5"
    assert lengths.seeds == [0, 1, 2] and ablation.seeds == [7, 8]
    assert ablation.variant_ids == ["small", "wide-net"] and ablation.module == "ablation"
    assert ablation.variants[1].label == "Wide Net"
    every = tasks(config, [lengths, ablation])
    assert len(every) == 4 * 3 + 2 * 2
    task = every[3 * 3 + 1]  # length=1000,dropout=0.5, seed 1
    assert task.name == "lengths/length=1000,dropout=0.5/seed-1"
    assert task.config["data.length"] == 1000 and task.config.model.dropout == 0.5
    assert task.config.epochs == 4 and task.config.learning_rate == 0.1
    assert (task.config.experiment, task.config.variant) == ("lengths", "length=1000,dropout=0.5")
    assert not any(k.startswith("experiments.") for k in task.config)
    assert every[-1].config.model.units == 64 and every[-1].config.epochs == 10
    assert every[-1].directory(Path("/r")) == Path("/r/ablation/wide-net/seed-8")


def test_a_profile_shrinks_an_experiment(configs: Path) -> None:
    smoke = load_config(configs, "smoke")
    lengths, ablation = plan(smoke)
    assert lengths.variant_ids == ["length=100,dropout=0", "length=100,dropout=0.5"]
    # The profile's seeds are the default; an experiment's own seeds stay until a profile
    # changes them.
    assert lengths.seeds == [0, 1] and ablation.seeds == [7, 8]
    assert tasks(smoke, [ablation])[0].config.epochs == 1
    again = smoke.override(["experiments.ablation.seeds=3", "experiments.lengths.set.epochs=2"])
    lengths, ablation = plan(again)
    assert ablation.seeds == [0, 1, 2] and tasks(again, [lengths])[0].config.epochs == 2


def test_no_experiments_is_one_implicit_experiment_in_the_old_layout(tmp_path: Path) -> None:
    (tmp_path / "paper.toml").write_text("seeds = 2\nepochs = 3\n")
    config = load_config(tmp_path, "paper")
    (main,) = plan(config)
    assert main.implicit and main.id == "main" and main.variant_ids == ["default"]
    first, second = tasks(config, [main])
    assert first.directory(Path("/r")) == Path("/r/seed-0") and second.name == "seed-1"
    assert first.config.values == config.values


def test_only_picks_experiments_and_variants(configs: Path) -> None:
    experiments = plan(load_config(configs, "paper"))
    assert parse_only(None, experiments) is None
    assert parse_only(["ablation"], experiments) == {
        ("ablation", "small"),
        ("ablation", "wide-net"),
    }
    chosen = parse_only(["ablation/small", "lengths/length=100,dropout=0"], experiments)
    assert chosen == {("ablation", "small"), ("lengths", "length=100,dropout=0")}
    with pytest.raises(ConfigError, match="did you mean 'ablation'"):
        parse_only(["ablaton"], experiments)
    with pytest.raises(ConfigError, match="did you mean 'small'"):
        parse_only(["ablation/smal"], experiments)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("[experiments.x.grid]\nmodel.unit = [1]", "experiments.x.grid.model.unit: not a key of "),
        ("[experiments.x.grid]\nmodel.units = 8", "expected a non-empty list of values"),
        ("[experiments.x.grid]\nmodel.units = []", "expected a non-empty list"),
        ("[experiments.x.grid]\nmodel.units = [1, 1]", "listed twice"),
        ('[experiments.x.grid]\nmodel.units = ["a"]', "expected an integer as in the base"),
        ("[experiments.x]\nwhre = 'Table 1'", "experiments.x.whre: unknown field of an experim"),
        ("[experiments.x]\nseeds = 0", "experiments.x.seeds: expected a count"),
        ("[experiments.x]\nwhere = 3", "experiments.x.where: expected a string"),
        ("[experiments.x]\nmodule = 'my-mod'", "not a module name"),
        ("[experiments.x.set]\nseeds = 2", "seeds are set by the experiment's seeds"),
        ("[experiments.x.set]\nmodel.units = 2\n[experiments.x.grid]\nmodel.units = [1, 2]", "set"),
        ("[[experiments.x.variants]]\nmodel.units = 2", "give the variant an id"),
        ("[[experiments.x.variants]]\nid = 'a/b'", "cannot name a directory"),
        ("[[experiments.x.variants]]\nid = 'a'\n[[experiments.x.variants]]\nid = 'a'", "two var"),
        ("[experiments.x]\nvariants = 3", "write each variant as an"),
        ("[experiments.x.grid]\nmodel.units=[1]\n[[experiments.x.variants]]\nid='a'", "either"),
    ],
)
def test_bad_experiments_name_the_key_and_the_fix(
    tmp_path: Path, change: str, message: str
) -> None:
    (tmp_path / "paper.toml").write_text(f"seeds = 2\nepochs = 3\n[model]\nunits = 4\n{change}\n")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace(".", r"\.")):
        plan(load_config(tmp_path, "paper"))


def test_a_profile_cannot_add_other_experiment_keys(configs: Path) -> None:
    (configs / "bad.toml").write_text('base = "paper"\nexperiments.lengths.module = "x"\n')
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(configs, "bad")
    (configs / "bad.toml").write_text('base = "paper"\nexperiments.nope.seeds = 2\n')
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(configs, "bad")
    (configs / "bad.toml").write_text('base = "paper"\nexperiments.lengths.set.nope = 2\n')
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(configs, "bad")


def test_reserved_names(tmp_path: Path) -> None:
    (tmp_path / "paper.toml").write_text("seeds = 2\nepochs = 3\nvariant = 'a'\n")
    with pytest.raises(ConfigError, match="variant: a reserved name"):
        load_config(tmp_path, "paper")


@pytest.mark.parametrize("sort_keys", [False, True])
def test_a_saved_config_plans_the_same_tasks_in_the_same_order(
    configs: Path, tmp_path: Path, sort_keys: bool
) -> None:
    # report and evaluate plan the run again from its config.json: the experiments, variants
    # and grid axes must come back in the order they were declared (ablation after lengths).
    import json

    from dlc_common.config import Config
    from dlc_common.files import write_json

    config = load_config(configs, "paper")
    path = write_json(tmp_path / "config.json", {"values": config.values}, sort_keys=sort_keys)
    again = Config("paper", json.loads(path.read_text())["values"])
    same = [t.name for t in tasks(again, plan(again))] == [
        t.name for t in tasks(config, plan(config))
    ]
    assert same is not sort_keys  # sorted keys would put ablation first: the engine never sorts
