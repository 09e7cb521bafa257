# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``submit``: the tasks of a baked repository as a SLURM job array, and the report job after it.

On the one-node test cluster (2 CPUs, so two indices run at a time): one index preempted with
USR1 and requeued; the dependent report job runs once every index has ended; the metrics equal
a sequential run's. A cancelled index leaves the report job refusing, naming the missing task.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.cluster.slurm import Job, SlurmCluster

pytestmark = [pytest.mark.slurm, pytest.mark.slow]

PACKAGE = "mikolovjoulinchopraetal2015"
# The test node has two CPUs and no GPU; each index one CPU, so two indices run side by side.
ON_THE_TEST_NODE = "--gres=none --cpus-per-task=1 --time=10"
# The smoke profile: 4 tasks (2 variants x 2 seeds), each long enough to be interrupted after a
# few epochs, backed up after every epoch, deterministic.
SMOKE = ["--profile", "smoke", "epochs=8", "backup_seconds=0"]
TASKS = [f"depth/{v}/seed-{s}" for v in ("one-layer", "two-layers") for s in (0, 1)]


@pytest.fixture(scope="module")
def project(baked_default: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the baked repository to submit from (its package is installed in tf_python)."""
    copy = tmp_path_factory.mktemp("array") / baked_default.name
    shutil.copytree(baked_default, copy, ignore=shutil.ignore_patterns("runs", ".git"))
    return copy


def submit(
    cluster: SlurmCluster, project: Path, tf_python: Path, *args: str
) -> tuple[str, str, Path]:
    """``python -m <package> submit`` on the test cluster: (array job, report job, run dir)."""
    env = {**cluster.env, "DLC_PYTHON": str(tf_python), "TF_ENABLE_ONEDNN_OPTS": "0"}
    proc = subprocess.run(
        [str(tf_python), "-m", PACKAGE, "submit", *args, "--sbatch", ON_THE_TEST_NODE],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    array = re.search(r"job array (\d+) \((\d+) task", proc.stdout)
    report = re.search(r"report job (\d+),", proc.stdout)
    run_dir = re.search(r"\) into (\S+)", proc.stdout)
    assert array and report and run_dir, proc.stdout
    return array.group(1), report.group(1), Path(run_dir.group(1))


def metrics(run_dir: Path) -> dict[str, dict[str, float]]:
    return {t: json.loads((run_dir / t / "metrics.json").read_text())["metrics"] for t in TASKS}


def test_an_array_with_a_preempted_index_and_its_report_job_equal_a_sequential_run(
    slurm_cluster: SlurmCluster, project: Path, tf_python: Path
) -> None:
    started = time.monotonic()
    array, report, run_dir = submit(slurm_cluster, project, tf_python, *SMOKE)
    # The report job waits for the array: it is pending with a dependency.
    assert slurm_cluster.show(report)["JobState"] == "PENDING"
    assert "afterany" in slurm_cluster.show(report)["Dependency"]
    # Preempt index 1 once its task has a few epochs behind it.
    history = run_dir / TASKS[1] / "history.jsonl"
    deadline = time.monotonic() + 180
    while not (history.exists() and len(history.read_text().splitlines()) >= 2):
        assert time.monotonic() < deadline, str(slurm_cluster.job(f"{array}_1"))
        time.sleep(0.1)
    slurm_cluster.signal(f"{array}_1", "USR1", batch=True)
    done = slurm_cluster.wait(report, timeout=420)
    seconds = time.monotonic() - started
    print(f"4 tasks as a SLURM array with one requeue, and the report: {seconds:.0f} s")
    indices = {i: slurm_cluster.job(f"{array}_{i}") for i in range(4)}
    for index, job in indices.items():
        assert (job.state, job.exit_code) == ("COMPLETED", 0), str(job)
        # The preempted index was requeued; on this test cluster a requeued index is at
        # times sent a second USR1 as it starts again (by SLURM, not by the test), which
        # costs one more requeue under the same contract.
        assert (1 <= job.restarts <= 3) if index == 1 else job.restarts == 0, str(job)
    assert (done.state, done.exit_code) == ("COMPLETED", 0), str(done)
    assert "report: " in done.output, str(done)
    # The report job started after every index had ended.
    ended = max(indices[i].fields["EndTime"] for i in indices)
    assert done.fields["StartTime"] >= ended, (done.fields, ended)

    preempted = (run_dir / "workers" / f"slurm-{array}_1.out").read_text()
    first, _, _ = preempted.partition("job.sbatch: requeued")
    last = preempted.rpartition("job.sbatch: requeued")[2]
    assert "SIGUSR1: the workers save a backup" in first, preempted
    assert re.search(r"stopped by signal 10 \(SIGUSR1\) after epoch [2-7]\b", first), preempted
    assert "the workers exited with status 0" in last, preempted
    # Every task trained exactly once, each epoch once, no backup or claim left behind.
    for task in TASKS:
        rows = (run_dir / task / "history.jsonl").read_text().splitlines()
        assert [json.loads(row)["epoch"] for row in rows] == list(range(1, 9)), task
        assert sorted(p.name for p in (run_dir / task).iterdir()) == [
            ".claim.lock",
            "history.jsonl",
            "metrics.json",
            "model.keras",
            "task.json",
        ], task
    logs = sorted(p.name for p in (run_dir / "workers").iterdir())
    assert logs == [f"report-{report}.out", *(f"slurm-{array}_{i}.out" for i in range(4))]
    environment = json.loads((run_dir / "environment.json").read_text())
    assert environment["strategy"].startswith("SLURM job array"), environment["strategy"]
    # submit's start (on the login node), then index 0's (where the tasks train).
    assert environment["earlier_starts"][0]["strategy"] == "SLURM job array"
    status = subprocess.run(
        [str(tf_python), "-m", PACKAGE, "status", "--run-dir", str(run_dir)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.stdout.strip().endswith("4 done"), status.stdout + status.stderr

    # The same tasks, one after another in one process on this machine: the same numbers.
    sequential = project / "runs" / "sequential"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    proc = subprocess.run(
        [str(tf_python), "-m", PACKAGE, "train", *SMOKE, "--run-dir", str(sequential)],
        cwd=project,
        env={**env, "TF_ENABLE_ONEDNN_OPTS": "0"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    arrayed, reference = metrics(run_dir), metrics(sequential)
    for task in TASKS:
        assert arrayed[task] == pytest.approx(reference[task], rel=1e-6, abs=1e-7), task


def test_the_report_job_of_an_array_with_a_cancelled_index_names_what_is_missing(
    slurm_cluster: SlurmCluster, project: Path, tf_python: Path
) -> None:
    # One index at a time, so that index 1 is still pending when it is cancelled; a part of
    # the run (--only), which its report job judges alone.
    args = ["--profile", "smoke", "--only", "depth/two-layers", "--throttle", "1"]
    array, report, run_dir = submit(slurm_cluster, project, tf_python, *args)
    slurm_cluster.cancel(f"{array}_1")
    done: Job = slurm_cluster.wait(report, timeout=300)
    assert slurm_cluster.job(f"{array}_0").state == "COMPLETED"
    done = Job(
        **{**done.__dict__, "output": (run_dir / "workers" / f"report-{report}.out").read_text()}
    )
    assert (done.state, done.exit_code) == ("FAILED", 2), str(done)
    assert "the run is not finished (1 of 2 task(s) without metrics: 1 not started)" in (
        done.output
    ), str(done)
    assert "depth/two-layers/seed-1: not started" in done.output, str(done)
    assert "report --partial" in done.output, str(done)
    assert not (run_dir / "report").exists()
