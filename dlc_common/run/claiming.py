# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Claims on tasks: two processes never train the same (experiment, variant, seed).

Before it trains a task, a process writes ``claim.json`` into the task's directory (its host,
pid, start time and SLURM ids) and removes it when the task ends, done or stopped. The check
and the write happen under an exclusive ``flock`` on ``.claim.lock`` beside it, so that of two
processes only one claims the task. A claim whose owner is gone is stale and taken over: an
owner on this host whose pid no longer runs, or an earlier run of this same SLURM job (a
requeued job keeps its id and counts its restarts). A claim from another host whose owner
cannot be checked from here stands until that owner removes it; the message names the file
to remove if it is gone.

Standard library only (POSIX: fcntl).
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dlc_common.files import write_json

__all__ = ["CLAIM_FILE", "claim_task", "owner_of", "release_task", "reporting"]

CLAIM_FILE = "claim.json"
_LOCK_FILE = ".claim.lock"


def _me() -> dict[str, Any]:
    return {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "since": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
        "slurm_array_job_id": os.environ.get("SLURM_ARRAY_JOB_ID"),
        "slurm_array_task_id": os.environ.get("SLURM_ARRAY_TASK_ID"),
        "slurm_restart_count": os.environ.get("SLURM_RESTART_COUNT", "0"),
    }


@contextlib.contextmanager
def _locked(task_dir: Path, name: str = _LOCK_FILE) -> Iterator[None]:
    task_dir.mkdir(parents=True, exist_ok=True)
    with open(task_dir / name, "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # unreadable: written outside the lock, so nobody's; taken over
    return record if isinstance(record, dict) else {}


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process with that pid
    return True


def _stale(record: dict[str, Any]) -> bool:
    """Whether the owner of a claim is known to be gone (or is this very process)."""
    me = _me()
    if not record:
        return True
    if record.get("host") == me["host"]:
        return record.get("pid") == me["pid"] or not _alive(record.get("pid"))
    # On another host: gone only if it was an earlier run of this SLURM job, requeued since.
    job = record.get("slurm_job_id")
    return bool(job) and job == me["slurm_job_id"] and _count(me) > _count(record)


def _count(record: dict[str, Any]) -> int:
    try:
        return int(record.get("slurm_restart_count") or 0)
    except ValueError:
        return 0


def _describe(record: dict[str, Any]) -> str:
    text = f"{record.get('host', '?')}:{record.get('pid', '?')} since {record.get('since', '?')}"
    if record.get("slurm_job_id"):
        text += f", SLURM job {record['slurm_job_id']}"
        if record.get("slurm_array_task_id"):
            text += f" (array task {record['slurm_array_task_id']})"
    return text


def claim_task(task_dir: str | Path) -> str | None:
    """Claim a task for this process: None when it is ours now, else who holds it."""
    task_dir = Path(task_dir)
    path = task_dir / CLAIM_FILE
    with _locked(task_dir):
        record = _read(path)
        if record is not None and not _stale(record):
            return f"{_describe(record)} (if that process is gone, remove {path})"
        write_json(path, _me())
    return None


def owner_of(task_dir: str | Path) -> str | None:
    """Who holds a live claim on the task, or None (no claim, or its owner is gone)."""
    path = Path(task_dir) / CLAIM_FILE
    record = _read(path)
    if record is None or _stale(record):
        return None
    return _describe(record)


def release_task(task_dir: str | Path) -> None:
    """Remove this process's claim on a task (a claim of another owner is left alone)."""
    task_dir = Path(task_dir)
    path = task_dir / CLAIM_FILE
    with _locked(task_dir):
        record = _read(path)
        if record and record.get("pid") == os.getpid() and record.get("host") == _me()["host"]:
            path.unlink()


@contextlib.contextmanager
def reporting(run_dir: str | Path) -> Iterator[None]:
    """Hold the run's report lock: two processes that finish one run judge it one at a time
    (each writes the same verdicts and report, never into the other's half-written files)."""
    with _locked(Path(run_dir), ".report.lock"):
        yield
