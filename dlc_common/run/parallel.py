# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tasks side by side on one machine: ``--jobs N`` runs N worker processes on one run.

Each worker is the replication's own ``train`` command on the same run directory; it claims
each task before training it (``claiming``), so the N workers share the tasks without a
scheduler. Each gets its devices: one GPU each where there are GPUs (CUDA_VISIBLE_DEVICES),
otherwise an equal share of the CPU cores for TensorFlow's and OpenMP's thread pools, so that
N processes do not oversubscribe the cores. A worker's output goes to its log file; this
process prints one line per finished task and the progress. A stop signal is passed on to
every worker, which stops at its next safe point (exit 75, the same command resumes).

Standard library only: this process imports no TensorFlow of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dlc_common.run import stop
from dlc_common.run.exits import EXIT_ERROR, EXIT_OK, EXIT_STOPPED, AppError
from dlc_common.run.experiments import Task

__all__ = ["cores", "gpu_count", "resolve_jobs", "run_workers", "worker_environment"]

WORKERS_DIR = "workers"  # the workers' logs, in the run directory


def cores() -> int:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def gpu_count() -> int:
    """The GPUs this process may use, without TensorFlow: CUDA_VISIBLE_DEVICES or nvidia-smi."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return len([d for d in visible.split(",") if d.strip() and d.strip() != "-1"])
    if shutil.which("nvidia-smi") is None:
        return 0
    try:
        listing = subprocess.run(
            ["nvidia-smi", "-L"], capture_output=True, text=True, timeout=20, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    return sum(1 for line in listing.splitlines() if line.startswith("GPU "))


def resolve_jobs(value: str) -> int:
    """``--jobs``: a positive number, or ``auto`` (one per GPU, else one per CPU core)."""
    if value == "auto":
        return gpu_count() or cores()
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise AppError(f"--jobs: expected a number of processes (1, 2, ...) or auto, got {value!r}")
    return jobs


def worker_environment(index: int, jobs: int, gpus: int, cores: int) -> dict[str, str]:
    """The environment of worker ``index`` of ``jobs``: its GPU, or its share of the cores."""
    env = dict(os.environ)
    if gpus:
        visible = os.environ.get("CUDA_VISIBLE_DEVICES")
        devices = (
            [d.strip() for d in visible.split(",")] if visible else [str(i) for i in range(gpus)]
        )
        env["CUDA_VISIBLE_DEVICES"] = devices[index % gpus]
        return env
    threads = str(max(1, cores // jobs))
    env.update(
        TF_NUM_INTRAOP_THREADS=threads,
        TF_NUM_INTEROP_THREADS=threads,
        OMP_NUM_THREADS=threads,
        CUDA_VISIBLE_DEVICES="",  # no GPU: never let N processes reach for one
    )
    return env


def _finished(run_dir: Path, tasks: Sequence[Task]) -> dict[str, dict[str, Any]]:
    done = {}
    for task in tasks:
        path = task.directory(run_dir) / "metrics.json"
        if path.is_file():
            try:
                done[task.name] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # being written: seen on the next look
    return done


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _tail(path: Path, lines: int = 12) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join("    " + line for line in text.splitlines()[-lines:])


def run_workers(
    command: Sequence[str], run_dir: Path, tasks: Sequence[Task], jobs: int, poll: float = 0.5
) -> int:
    """Run ``jobs`` workers (each ``command``) on ``run_dir`` until every task is done.

    Returns EXIT_OK when all finished, EXIT_STOPPED when stopped by a signal (or a task is
    left to another process), else EXIT_ERROR, naming the worker's log.
    """
    logs = run_dir / WORKERS_DIR
    logs.mkdir(parents=True, exist_ok=True)
    gpus, ncores = gpu_count(), cores()
    placement = (
        f"one GPU each of {gpus}" if gpus else f"{max(1, ncores // jobs)} CPU thread(s) each"
    )
    before = _finished(run_dir, tasks)
    print(
        f"{jobs} worker processes ({placement}) on {len(tasks) - len(before)} task(s) left of "
        f"{len(tasks)}; their output in {logs}",
        flush=True,
    )
    workers = []
    for index in range(jobs):
        log = open(logs / f"worker-{index}.log", "a", encoding="utf-8")  # noqa: SIM115
        workers.append(
            (
                subprocess.Popen(
                    [*command],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={
                        **worker_environment(index, jobs, gpus, ncores),
                        "DLC_LOG": str(logs / f"worker-{index}.log"),
                    },
                ),
                log,
            )
        )
    started, seen, forwarded = time.monotonic(), set(before), False
    try:
        while True:
            running = [w for w, _ in workers if w.poll() is None]
            if stop.requested() and not forwarded:
                forwarded = True
                print("stopping: every worker finishes its current epoch or task", flush=True)
                for worker in running:
                    worker.send_signal(signal.SIGTERM)
            done = _finished(run_dir, tasks)
            for name in [n for n in done if n not in seen]:
                seen.add(name)
                count = len(seen) - len(before)
                elapsed = time.monotonic() - started
                left = len(tasks) - len(seen)
                eta = f", about {_clock(elapsed / count * left)} left" if left else ""
                metrics = done[name].get("metrics", {})
                shown = ", ".join(f"{k}={v:.4g}" for k, v in list(metrics.items())[:4])
                print(
                    f"{name}: {shown} [{len(seen)}/{len(tasks)} done, {_clock(elapsed)}{eta}]",
                    flush=True,
                )
            if not running:
                break
            time.sleep(poll)
    finally:
        for worker, log in workers:
            if worker.poll() is None:  # leaving by an exception: never leave workers behind
                worker.send_signal(signal.SIGTERM)
                worker.wait()
            log.close()
    codes = [worker.returncode for worker, _ in workers]
    failed = [(i, c) for i, c in enumerate(codes) if c not in (EXIT_OK, EXIT_STOPPED)]
    for index, code in failed:
        path = logs / f"worker-{index}.log"
        print(
            f"worker {index} failed (exit status {code}); the end of {path}:\n{_tail(path)}",
            file=sys.stderr,
        )
    if failed:
        return EXIT_ERROR
    missing = len(tasks) - len(_finished(run_dir, tasks))
    if missing or EXIT_STOPPED in codes:
        print(
            f"stopped with {missing} task(s) not done; run the same command with --run-dir "
            f"{run_dir} to resume (status shows where every task stands)",
            file=sys.stderr,
        )
        return EXIT_STOPPED
    return EXIT_OK
