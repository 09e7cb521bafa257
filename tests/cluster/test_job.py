# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The generated cluster/job.sbatch, submitted with sbatch: two workers, preemption, requeue."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.cluster.slurm import SlurmCluster, free_ports

pytestmark = [pytest.mark.slurm, pytest.mark.slow]

# The job script asks for a GPU node for a day; the test node has two CPUs and a 30-minute limit.
ON_THE_TEST_NODE = ["--gres=none", "--ntasks-per-node=2", "--cpus-per-task=1", "--time=10"]
PACKAGE = "mikolovjoulinchopraetal2015"
# Long enough to be interrupted after a few epochs; deterministic, like every smoke run.
PREEMPTIBLE = ["--profile", "smoke", "seeds=1", "epochs=10", "backup_seconds=0"]


@pytest.fixture
def project(baked_default: Path, tmp_path: Path) -> Path:
    """A copy of the baked repository to run in (its package is installed in tf_python)."""
    copy = tmp_path / baked_default.name
    shutil.copytree(baked_default, copy, ignore=shutil.ignore_patterns("runs", ".git"))
    return copy


def submit(cluster: SlurmCluster, project: Path, tf_python: Path, *args: str) -> str:
    """sbatch cluster/job.sbatch from the repository root, with replicate's ``args``."""
    (port,) = free_ports(1)
    env = {"DLC_PYTHON": str(tf_python), "DLC_PORT_BASE": str(port), "TF_ENABLE_ONEDNN_OPTS": "0"}
    options = [f"--chdir={project}", f"--output={project}/slurm-%j.out", *ON_THE_TEST_NODE]
    script = project / "cluster" / "job.sbatch"
    return cluster.submit(script, *options, env=env, script_args=args)


def metrics(run_dir: Path) -> dict[str, float]:
    return json.loads((run_dir / "seed-0" / "metrics.json").read_text())["metrics"]


def test_the_job_script_replicates_on_two_workers(
    slurm_cluster: SlurmCluster, project: Path, tf_python: Path
) -> None:
    """sbatch with two tasks on the node: a smoke replication with MultiWorkerMirroredStrategy."""
    started = time.monotonic()
    job_id = submit(slurm_cluster, project, tf_python, "--profile", "smoke")
    job = slurm_cluster.wait(job_id, timeout=300)
    print(f"smoke replication on 2 SLURM workers: {time.monotonic() - started:.0f} s")
    assert (job.state, job.exit_code, job.restarts) == ("COMPLETED", 0, 0), str(job)
    run_dir = project / "runs" / "smoke" / f"slurm-{job_id}"
    environment = json.loads((run_dir / "environment.json").read_text())
    assert environment["strategy"] == "MultiWorkerMirroredStrategy"
    assert environment["distribution"] == {
        "strategy": "MultiWorkerMirroredStrategy",
        "workers": 2,
        "replicas": 2,
        "global_batch": 32,
        "per_replica_batch": 16,
    }
    # Both workers trained every seed; only the chief wrote, and wrote everything once.
    assert len(re.findall(r"^seed 0: test_accuracy=", job.output, re.M)) == 2, str(job)
    assert job.output.count("report: ") == 1, str(job)
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "config.json",
        "environment.json",
        "report",
        "seed-0",
        "seed-1",
        "verdicts.json",
    ]
    for seed in ("seed-0", "seed-1"):
        assert sorted(p.name for p in (run_dir / seed).iterdir()) == [
            "history.jsonl",
            "metrics.json",
            "model.keras",
        ]
        history = (run_dir / seed / "history.jsonl").read_text().splitlines()
        assert [json.loads(row)["epoch"] for row in history] == [1, 2, 3]
    assert sorted(p.name for p in (project / "runs").iterdir()) == ["smoke"]


def test_usr1_saves_requeues_and_the_resumed_run_matches_an_uninterrupted_one(
    slurm_cluster: SlurmCluster, project: Path, tf_python: Path
) -> None:
    """scancel --signal=USR1 --batch mid-training: save, exit 75, requeue, resume, same result."""
    job_id = submit(slurm_cluster, project, tf_python, *PREEMPTIBLE)
    run_dir = project / "runs" / "smoke" / f"slurm-{job_id}"
    history = run_dir / "seed-0" / "history.jsonl"
    deadline = time.monotonic() + 180
    while not (history.exists() and len(history.read_text().splitlines()) >= 2):
        assert time.monotonic() < deadline, slurm_cluster.job(job_id)
        time.sleep(0.1)
    slurm_cluster.signal(job_id, "USR1", batch=True)
    job = slurm_cluster.wait(job_id, timeout=300)
    assert (job.state, job.exit_code, job.restarts) == ("COMPLETED", 0, 1), str(job)
    first, _, second = job.output.partition("job.sbatch: requeued")
    assert "SIGUSR1: the workers save a backup" in first, str(job)
    assert "the workers exited with status 75" in first, str(job)
    stopped = re.search(r"stopped by signal 10 after epoch (\d+)", first)
    assert stopped and 2 <= int(stopped.group(1)) < 10, str(job)
    assert "start 2" in second and "the workers exited with status 0" in second, str(job)
    rows = [json.loads(row) for row in history.read_text().splitlines()]
    assert [row["epoch"] for row in rows] == list(range(1, 11))  # every epoch once
    assert not (run_dir / "seed-0" / "backup").exists()
    starts = json.loads((run_dir / "environment.json").read_text())["earlier_starts"]
    assert len(starts) == 1  # the interrupted start is on record

    reference = submit(slurm_cluster, project, tf_python, *PREEMPTIBLE)
    done = slurm_cluster.wait(reference, timeout=300)
    assert (done.state, done.exit_code, done.restarts) == ("COMPLETED", 0, 0), str(done)
    uninterrupted = metrics(project / "runs" / "smoke" / f"slurm-{reference}")
    resumed = metrics(run_dir)
    print(f"resumed: {resumed}\nuninterrupted: {uninterrupted}")
    assert resumed == pytest.approx(uninterrupted, rel=1e-6, abs=1e-7)


def test_a_job_that_keeps_being_stopped_gives_up(
    slurm_cluster: SlurmCluster, project: Path, tf_python: Path
) -> None:
    """DLC_MAX_REQUEUES=0: a stopped job is not requeued and fails with status 75."""
    (port,) = free_ports(1)
    env = {"DLC_PYTHON": str(tf_python), "DLC_PORT_BASE": str(port), "DLC_MAX_REQUEUES": "0"}
    options = [f"--chdir={project}", f"--output={project}/slurm-%j.out", *ON_THE_TEST_NODE]
    script = project / "cluster" / "job.sbatch"
    job_id = slurm_cluster.submit(script, *options, env=env, script_args=PREEMPTIBLE)
    history = project / "runs" / "smoke" / f"slurm-{job_id}" / "seed-0" / "history.jsonl"
    deadline = time.monotonic() + 180
    while not history.exists():
        assert time.monotonic() < deadline, slurm_cluster.job(job_id)
        time.sleep(0.1)
    slurm_cluster.signal(job_id, "USR1", batch=True)
    job = slurm_cluster.wait(job_id, timeout=120)
    assert (job.state, job.exit_code, job.restarts) == ("FAILED", 75, 0), str(job)
    assert "requeued 0 times already (DLC_MAX_REQUEUES=0): giving up" in job.output, str(job)
    assert (history.parent / "backup").is_dir()  # kept, for a later run to resume from
