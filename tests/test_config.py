# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-profile configs: bases, types, overrides, and errors that name the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlc_common.config import ConfigError, UnknownKeyError, load_config, parse_overrides

PAPER = """
seeds = 5
epochs = 40
batch_size = 32
learning_rate = 0.01
optimizer = "adam"
layers = [64, 32]

[model]
hidden_units = 32
"""


@pytest.fixture
def configs(tmp_path: Path) -> Path:
    (tmp_path / "paper.toml").write_text(PAPER)
    (tmp_path / "smoke.toml").write_text(
        'base = "paper"\nseeds = [7, 8]\nepochs = 2\n[model]\nhidden_units = 4\n'
    )
    return tmp_path


def test_profiles_inherit_and_read_as_attributes(configs: Path) -> None:
    paper = load_config(configs, "paper")
    assert paper.epochs == 40 and paper.seeds == [0, 1, 2, 3, 4]
    assert paper.judge is True and paper.deterministic is False and paper.precision == "auto"
    assert paper["model.hidden_units"] == 32 and paper.model.hidden_units == 32
    smoke = load_config(configs, "smoke")
    assert smoke.seeds == [7, 8] and smoke.epochs == 2 and smoke["model.hidden_units"] == 4
    assert smoke.learning_rate == 0.01  # from the base
    assert smoke.judge is False  # the smoke profile is never judged unless it says so
    assert smoke.as_dict()["model"] == {"hidden_units": 4}


def test_overrides_are_typed_like_the_files(configs: Path) -> None:
    config = load_config(
        configs,
        "paper",
        ["epochs=3", "learning_rate=1e-3", "optimizer=sgd", "seeds=[1, 2]", "model.hidden_units=8"],
    )
    assert (config.epochs, config.learning_rate, config.optimizer) == (3, 0.001, "sgd")
    assert config.seeds == [1, 2] and config["model.hidden_units"] == 8
    assert config.overrides["epochs"] == 3
    # An integer where a float is expected is fine; the value becomes a float.
    assert load_config(configs, "paper", ["learning_rate=1"]).learning_rate == 1.0
    assert isinstance(load_config(configs, "paper", ["learning_rate=1"]).learning_rate, float)
    assert load_config(configs, "paper", {"deterministic": True}).deterministic is True


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["epoch=3"], "epoch: unknown key (on the command line); did you mean 'epochs'?"),
        (["model.hiden_units=3"], "did you mean 'model.hidden_units'?"),
        (["epochs=ten"], "epochs: expected an integer as in the base profile, got 'ten'"),
        (["epochs=2.5"], "write for example epochs=40"),
        (["learning_rate=fast"], "learning_rate: expected a number"),
        (["deterministic=1"], "deterministic: expected a boolean (true or false)"),
        (["layers=64"], "layers: expected a list"),
        (["epochs=0"], "epochs: expected a positive integer"),
        (["seeds=0"], "seeds: expected a count"),
        (["seeds=[1, 1]"], "distinct"),
        (["precision=fp16"], "precision: 'fp16' is not one of auto, float32"),
        (["epochs"], "an override is key=value"),
    ],
)
def test_bad_overrides_name_the_key_and_the_fix(
    configs: Path, overrides: list[str], message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(configs, "paper", overrides)
    assert message in str(info.value)


def test_bad_files(configs: Path) -> None:
    with pytest.raises(ConfigError, match=r"profile 'papr': no file .*did you mean 'paper'"):
        load_config(configs, "papr")
    (configs / "typo.toml").write_text('base = "paper"\nepoks = 3\n')
    with pytest.raises(UnknownKeyError, match=r"epoks: unknown key .*did you mean 'epochs'"):
        load_config(configs, "typo")
    (configs / "loop.toml").write_text('base = "loop"\n')
    with pytest.raises(ConfigError, match="cycle"):
        load_config(configs, "loop")
    (configs / "broken.toml").write_text("seeds = [1,\n")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML"):
        load_config(configs, "broken")
    (configs / "bare.toml").write_text("epochs = 2\n")
    with pytest.raises(ConfigError, match=r"seeds: missing .* add for example seeds = 3"):
        load_config(configs, "bare")
    with pytest.raises(ConfigError, match="no configs directory"):
        load_config(configs / "nope", "paper")


def test_config_lookup_errors(configs: Path) -> None:
    config = load_config(configs, "paper")
    with pytest.raises(KeyError, match="did you mean 'epochs'"):
        config["epoch"]
    with pytest.raises(AttributeError, match="did you mean 'epochs'"):
        _ = config.epoch
    assert config.get("epoch", "default") == "default"
    assert config.replace(epochs=7, model__hidden_units=2)["model.hidden_units"] == 2


def test_parse_overrides_values() -> None:
    assert parse_overrides(["a=1", "b=true", "c=[1, 2]", "d=hello world", 'e="x"']) == {
        "a": 1,
        "b": True,
        "c": [1, 2],
        "d": "hello world",
        "e": "x",
    }
