# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tasks of a run as a SLURM job array, and its report as a job that depends on it.

``python -m <package> submit --profile paper`` (on the cluster's login node, from the
repository root) plans the run's (experiment, variant, seed) tasks, records the run's start in
a new run directory, and submits two jobs with ``sbatch``, both running the repository's
``cluster/job.sbatch``:

1. a job array, one index per ``--tasks-per-index`` tasks (default 1), at most ``--throttle``
   indices running at once (SLURM's ``%``): index *i* runs ``train --array K``, which trains
   tasks *i·K* to *i·K + K − 1* of the run. Each index is an ordinary job for SLURM: the
   script's preemption contract holds (USR1/TERM: backup, exit 75, requeue, capped by
   DLC_MAX_REQUEUES), and each task is claimed before it is trained (``claiming``), so a
   requeued index never trains a task beside a live copy of itself;
2. the report job, ``report`` on the same run directory, with ``--dependency=afterany`` on the
   array: it runs once every index has ended (done, failed or cancelled) and refuses to judge
   while a task is missing, naming each one and where it stands (its log, if it failed).
   ``report --partial`` judges what is there and marks the report incomplete.

The logs are ``<run_dir>/workers/slurm-<array job>_<index>.out`` and ``report-<job>.out``.
The single job (``sbatch cluster/job.sbatch``) remains the way to train one large model on
many GPUs at once (MultiWorkerMirroredStrategy); an array is for many small runs.

Standard library only: the login node imports no TensorFlow.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from dlc_common.run.exits import EXIT_ERROR, AppError
from dlc_common.run.experiments import Task

__all__ = ["array_slice", "array_spec", "submit_array"]

ARRAY_INDEX = "SLURM_ARRAY_TASK_ID"
# The report job needs no GPU and little time: it reads the saved metrics and draws plots.
REPORT_OPTIONS = ("--gres=none", "--nodes=1", "--ntasks-per-node=1", "--cpus-per-task=2")
REPORT_TIME = "--time=1:00:00"


def array_spec(tasks: int, per_index: int, throttle: int | None) -> tuple[int, str]:
    """The number of array indices for ``tasks`` and sbatch's ``--array`` value."""
    if per_index < 1:
        raise AppError(f"--tasks-per-index: expected 1 or more, got {per_index}")
    if throttle is not None and throttle < 1:
        raise AppError(f"--throttle: expected 1 or more running indices, got {throttle}")
    indices = -(-tasks // per_index)
    spec = f"0-{indices - 1}" if indices > 1 else "0"
    return indices, spec + (f"%{throttle}" if throttle else "")


def array_slice(tasks: Sequence[Task], per_index: int, index: str | None) -> list[Task]:
    """The tasks of one array index: ``per_index`` of them, from index × per_index."""
    if index is None:
        raise AppError(
            f"--array: {ARRAY_INDEX} is not set: --array is for the indices of a job array "
            "that submit made; run train without it"
        )
    try:
        number = int(index)
    except ValueError:
        raise AppError(f"--array: {ARRAY_INDEX}={index!r} is not a number") from None
    if per_index < 1:
        raise AppError(f"--array: expected 1 or more tasks per index, got {per_index}")
    part = list(tasks[number * per_index : (number + 1) * per_index]) if number >= 0 else []
    if not part:
        last = -(-len(tasks) // per_index) - 1
        raise AppError(
            f"--array: index {number} has no tasks: the run has {len(tasks)} task(s), "
            f"{per_index} per index, so indices 0 to {last}; submit the array again with submit"
        )
    return part


def _sbatch() -> str:
    found = shutil.which("sbatch")
    if found is None:
        raise AppError(
            "submit: sbatch is not on PATH: run submit on a SLURM cluster's login node (or "
            "train with --jobs N on this machine)"
        )
    return found


def _run(command: Sequence[str], env: dict[str, str]) -> str:
    """Run sbatch --parsable; the job id, or an error with sbatch's own message."""
    proc = subprocess.run(
        list(command), capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL
    )
    if proc.returncode != 0:
        raise AppError(
            f"submit: sbatch refused the job (exit {proc.returncode}): "
            f"{proc.stderr.strip() or proc.stdout.strip()}; the command was: {shlex.join(command)}",
            EXIT_ERROR,
        )
    return proc.stdout.strip().split(";")[0]


def submit_array(
    *,
    root: Path,
    run_dir: Path,
    profile: str,
    tasks: int,
    per_index: int,
    throttle: int | None,
    sbatch_options: str,
    train_args: Sequence[str],
    only_parts: Sequence[str] = (),
    name: str,
    dry_run: bool = False,
) -> tuple[str, str]:
    """Submit the array and its dependent report job; their job ids (``-`` in a dry run).

    ``train_args`` (overrides) go to every index's ``train`` after ``--profile``,
    ``--run-dir``, ``--array`` and ``only_parts`` (``--only``, also given to the report);
    ``sbatch_options`` (one string, split like a shell) to both sbatch calls.
    """
    script = root / "cluster" / "job.sbatch"
    if not script.is_file():
        raise AppError(f"submit: {script} is missing; the job array runs that script")
    try:
        extra = shlex.split(sbatch_options)
    except ValueError as exc:
        raise AppError(f"--sbatch: {exc} in {sbatch_options!r}") from None
    indices, spec = array_spec(tasks, per_index, throttle)
    logs = run_dir / "workers"
    only = [a for part in only_parts for a in ("--only", part)]
    train = [
        "--profile",
        profile,
        "--run-dir",
        str(run_dir),
        "--worker",
        "--array",
        str(per_index),
        *only,
        *train_args,
    ]
    array = [
        "sbatch",
        "--parsable",
        f"--array={spec}",
        f"--job-name={name}-tasks",
        f"--chdir={root}",
        f"--output={logs}/slurm-%A_%a.out",
        *extra,
        str(script),
        *train,
    ]
    env = {
        **os.environ,
        "DLC_COMMAND": "train",
        "DLC_LOG": str(logs / "slurm-%A_%a.out"),
    }
    report_args = ["--profile", profile, "--run-dir", str(run_dir), *only]

    def report(array_id: str) -> list[str]:
        return [
            "sbatch",
            "--parsable",
            f"--dependency=afterany:{array_id}",
            "--kill-on-invalid-dep=yes",
            f"--job-name={name}-report",
            f"--chdir={root}",
            f"--output={logs}/report-%j.out",
            *REPORT_OPTIONS,
            REPORT_TIME,
            *extra,
            str(script),
            *report_args,
        ]

    if dry_run:
        print(f"{tasks} task(s) in {indices} array indices; would run:")
        for command in (array, report("<the array's job id>")):
            print("  " + shlex.join(command[:1] + command[2:]))
        return "-", "-"
    sbatch = _sbatch()
    logs.mkdir(parents=True, exist_ok=True)
    array_id = _run([sbatch, *array[1:]], env)
    try:
        report_id = _run([sbatch, *report(array_id)[1:]], {**os.environ, "DLC_COMMAND": "report"})
    except AppError as exc:
        raise AppError(
            f"{exc}. The array {array_id} is submitted; once it ends, run report "
            f"--run-dir {run_dir} yourself (or scancel {array_id})",
            EXIT_ERROR,
        ) from None
    return array_id, report_id
