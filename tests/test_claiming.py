# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Claims on tasks: one owner at a time, stale claims of gone owners taken over."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dlc_common.run.claiming import CLAIM_FILE, claim_task, owner_of, release_task
from dlc_common.run.exits import AppError
from dlc_common.run.parallel import resolve_jobs, worker_environment


def _claim_as(task_dir: Path, **record: object) -> None:
    task_dir.mkdir(parents=True, exist_ok=True)
    base = {"host": socket.gethostname(), "pid": os.getppid(), "since": "earlier"}
    (task_dir / CLAIM_FILE).write_text(json.dumps({**base, **record}))


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_task_is_claimed_once_and_released_by_its_owner(tmp_path: Path) -> None:
    task = tmp_path / "exp" / "v" / "seed-0"
    assert claim_task(task) is None and owner_of(task) is None  # ours: nobody else's
    record = json.loads((task / CLAIM_FILE).read_text())
    assert record["pid"] == os.getpid() and record["host"] == socket.gethostname()
    assert claim_task(task) is None  # this process again: still ours
    release_task(task)
    assert not (task / CLAIM_FILE).exists()


def test_a_live_owner_keeps_its_claim_and_a_gone_one_loses_it(tmp_path: Path) -> None:
    task = tmp_path / "seed-0"
    _claim_as(task)  # the parent process of the tests: alive, on this host
    owner = claim_task(task)
    assert owner is not None and f":{os.getppid()} since earlier" in owner
    assert f"remove {task / CLAIM_FILE}" in owner and owner_of(task) is not None
    release_task(task)  # not ours: left alone
    assert json.loads((task / CLAIM_FILE).read_text())["pid"] == os.getppid()
    _claim_as(task, pid=_dead_pid())
    assert owner_of(task) is None and claim_task(task) is None  # stale: taken over
    assert json.loads((task / CLAIM_FILE).read_text())["pid"] == os.getpid()
    (task / CLAIM_FILE).write_text("{half a cl")  # unreadable: taken over too
    assert claim_task(task) is None


def test_another_hosts_claim_stands_unless_it_was_this_jobs_earlier_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = tmp_path / "seed-0"
    _claim_as(task, host="node-7", pid=1234, slurm_job_id="99", slurm_restart_count="0")
    assert "node-7:1234 since earlier, SLURM job 99" in (claim_task(task) or "")
    monkeypatch.setenv("SLURM_JOB_ID", "99")
    monkeypatch.setenv("SLURM_RESTART_COUNT", "0")
    assert claim_task(task) is not None  # the same run of the job on another node: alive
    monkeypatch.setenv("SLURM_RESTART_COUNT", "1")  # requeued since: that run is gone
    assert claim_task(task) is None


def test_of_many_processes_exactly_one_claims(tmp_path: Path) -> None:
    # Each process tries to claim, then holds what it got for a while, as a trainer would.
    task = tmp_path / "seed-0"
    code = (
        "import sys, time\n"
        "from dlc_common.run.claiming import claim_task\n"
        f"won = claim_task({str(task)!r}) is None\n"
        "print('won' if won else 'lost', flush=True)\n"
        "time.sleep(2)\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    outcomes = sorted(p.communicate(timeout=60)[0].strip() for p in processes)
    assert outcomes == ["lost"] * 5 + ["won"]


def test_jobs_and_worker_placement(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_jobs("3") == 3 and resolve_jobs("auto") >= 1
    for bad in ("0", "-2", "two"):
        with pytest.raises(AppError, match="--jobs: expected a number of processes"):
            resolve_jobs(bad)
    cpu = worker_environment(1, 2, gpus=0, cores=8)
    assert cpu["TF_NUM_INTRAOP_THREADS"] == "4" and cpu["OMP_NUM_THREADS"] == "4"
    assert cpu["CUDA_VISIBLE_DEVICES"] == ""
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,5")
    assert worker_environment(3, 4, gpus=2, cores=8)["CUDA_VISIBLE_DEVICES"] == "5"
