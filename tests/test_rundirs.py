# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a task stands, read from its directory alone (the status command)."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from dlc_common.config import Config
from dlc_common.run.experiments import plan, tasks
from dlc_common.run.rundirs import task_state


def test_every_state_of_a_task_is_read_from_its_directory(tmp_path: Path) -> None:
    config = Config("paper", {"seeds": 5, "epochs": 3})
    done, stopped, started, damaged, fresh = tasks(config, plan(config))
    (tmp_path / "seed-0").mkdir()
    (tmp_path / "seed-0" / "metrics.json").write_text('{"metrics": {}, "seconds": 2.25}')
    (tmp_path / "seed-1" / "backup" / "epoch-000002").mkdir(parents=True)
    (tmp_path / "seed-1" / "history.jsonl").write_text('{"epoch": 1}\n{"epoch": 2}\n')
    (tmp_path / "seed-2").mkdir()
    (tmp_path / "seed-2" / "history.jsonl").write_text('{"epoch": 1}\n')
    (tmp_path / "seed-3").mkdir()
    (tmp_path / "seed-3" / "metrics.json").write_text("{not json")
    assert task_state(tmp_path, done) == ("done", "in 2.2 s")
    assert task_state(tmp_path, stopped) == (
        "stopped",
        "backup of epoch 2 (2 epochs recorded): resumes there",
    )
    assert task_state(tmp_path, started)[0] == "started"
    assert task_state(tmp_path, started)[1].startswith("1 epochs recorded, no backup")
    assert task_state(tmp_path, damaged)[0] == "damaged"
    assert "remove it to train the task again" in task_state(tmp_path, damaged)[1]
    assert task_state(tmp_path, fresh) == ("not started", "")
    # Claimed by a live process (the tests' parent): running, and by whom.
    claim = {"host": socket.gethostname(), "pid": os.getppid(), "since": "now"}
    (tmp_path / "seed-2" / "claim.json").write_text(json.dumps(claim))
    state, detail = task_state(tmp_path, started)
    assert state == "running" and detail.startswith(f"by {socket.gethostname()}:{os.getppid()}")
