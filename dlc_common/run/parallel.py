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

__all__ = [
    "Workers",
    "clock",
    "cores",
    "gpu_count",
    "resolve_jobs",
    "run_workers",
    "start_workers",
    "worker_environment",
]

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


def clock(seconds: float) -> str:
    """'4:05' or '1:02:03': a duration as a person reads it on a progress line."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _tail(path: Path, lines: int = 12) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join("    " + line for line in text.splitlines()[-lines:])


class Workers:
    """``jobs`` worker processes started on a run directory (``start_workers``); ``watch``
    follows them until every task is done, ``kill`` ends them at once (a refusal)."""

    def __init__(
        self, command: Sequence[str], run_dir: Path, tasks: Sequence[Task], jobs: int
    ) -> None:
        self.run_dir, self.tasks, self.jobs = run_dir, tasks, jobs
        self.logs = run_dir / WORKERS_DIR
        self.logs.mkdir(parents=True, exist_ok=True)
        self.gpus, self.cores = gpu_count(), cores()
        self.before = _finished(run_dir, tasks)
        placement = (
            f"one GPU each of {self.gpus}"
            if self.gpus
            else f"{max(1, self.cores // jobs)} CPU thread(s) each"
        )
        print(
            f"{jobs} worker processes ({placement}) on {len(tasks) - len(self.before)} task(s) "
            f"left of {len(tasks)}; their output in {self.logs}",
            flush=True,
        )
        self.started = time.monotonic()
        self.procs: list[tuple[subprocess.Popen, Any]] = []
        for index in range(jobs):
            log = open(self.logs / f"worker-{index}.log", "a", encoding="utf-8")  # noqa: SIM115
            env = {
                **worker_environment(index, jobs, self.gpus, self.cores),
                "DLC_LOG": str(self.logs / f"worker-{index}.log"),
            }
            proc = subprocess.Popen(
                [*command], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env
            )
            self.procs.append((proc, log))

    def kill(self) -> None:
        """End every worker now and wait for it (nothing of theirs is to be kept)."""
        for proc, log in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            log.close()

    def watch(self, poll: float = 0.5) -> int:
        """Print one line per finished task until every worker has ended; the run's status.

        EXIT_OK when all finished, EXIT_STOPPED when stopped by a signal (or a task is left to
        another process), else EXIT_ERROR, naming the worker's log.
        """
        run_dir, tasks, logs, before = self.run_dir, self.tasks, self.logs, self.before
        workers = self.procs
        started, seen, forwarded = self.started, set(before), False
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
                    eta = f", about {clock(elapsed / count * left)} left" if left else ""
                    metrics = done[name].get("metrics", {})
                    shown = ", ".join(f"{k}={v:.4g}" for k, v in list(metrics.items())[:4])
                    print(
                        f"{name}: {shown} [{len(seen)}/{len(tasks)} done, {clock(elapsed)}{eta}]",
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


def start_workers(
    command: Sequence[str], run_dir: Path, tasks: Sequence[Task], jobs: int
) -> Workers:
    """Start ``jobs`` workers (each ``command``, a ``train --worker``) on ``run_dir``'s
    ``tasks``, each on its devices (``worker_environment``), its output in
    ``run_dir/workers/worker-K.log``."""
    return Workers(command, run_dir, tasks, jobs)


def run_workers(
    command: Sequence[str], run_dir: Path, tasks: Sequence[Task], jobs: int, poll: float = 0.5
) -> int:
    """Run ``jobs`` workers (each ``command``) on ``run_dir`` until every task is done."""
    return start_workers(command, run_dir, tasks, jobs).watch(poll)
