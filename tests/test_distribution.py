# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The global batch is the paper's and divides among the replicas, or the run stops at once."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from dlc_common.config import Config
from dlc_common.run.exits import AppError
from dlc_common.run.rundirs import _pick_run_dir
from dlc_common.run.tasks import _distribution


def strategy(replicas: int) -> SimpleNamespace:
    return SimpleNamespace(num_replicas_in_sync=replicas)


def test_the_per_replica_batch_is_derived_from_the_global_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TF_CONFIG", raising=False)
    monkeypatch.setenv("SLURM_STEP_NUM_TASKS", "2")
    monkeypatch.setenv("SLURM_PROCID", "1")
    record = _distribution(Config("paper", {"batch_size": 32}), strategy(8))
    assert record == {
        "strategy": "SimpleNamespace",
        "workers": 2,
        "replicas": 8,
        "global_batch": 32,
        "per_replica_batch": 4,
    }


def test_a_batch_that_does_not_divide_names_the_field_and_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("TF_CONFIG", "SLURM_STEP_NUM_TASKS", "SLURM_PROCID"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(AppError) as error:
        _distribution(Config("paper", {"batch_size": 32}), strategy(3))
    message = str(error.value)
    assert message.startswith("batch_size: 32, the global batch, does not divide among 3")
    assert "multiple of 3 (30 or 33" in message and "learning_rate" in message
    with pytest.raises(AppError, match=r"multiple of 4 \(4, and"):
        _distribution(Config("paper", {"batch_size": 2}), strategy(4))


def test_every_worker_of_a_tf_config_run_needs_the_same_run_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SLURM_JOB_ID", raising=False)
    config = Config("paper", {"batch_size": 32})
    args = SimpleNamespace(run_dir=None, command="train", resume=False)
    # The chief too: a time-stamped directory of its own would differ from the others'.
    with pytest.raises(AppError, match="needs --run-dir DIR, the same on every worker"):
        _pick_run_dir(args, tmp_path, config, True)
    given = SimpleNamespace(run_dir=str(tmp_path / "shared"), command="train", resume=False)
    assert _pick_run_dir(given, tmp_path, config, True) == tmp_path / "shared"
    monkeypatch.setenv("SLURM_JOB_ID", "77")  # a (requeued) SLURM job: its id names the run
    assert _pick_run_dir(args, tmp_path, config, True) == tmp_path / "runs" / "paper" / "slurm-77"
