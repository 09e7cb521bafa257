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

from tests.cluster.slurm import Job, SlurmCluster, free_ports

pytestmark = [pytest.mark.slurm, pytest.mark.slow]

# The job script asks for a GPU node for a day; the test node has two CPUs and a 30-minute limit.
ON_THE_TEST_NODE = ["--gres=none", "--ntasks-per-node=2", "--cpus-per-task=1", "--time=10"]
# The smoke profile, long enough to be interrupted after a few epochs; deterministic, like every
# smoke run, and backed up after every epoch; one variant of the stub's experiment (the one its
# accuracy claim is about), so that the two workers train two tasks.
SMOKE = ["--profile", "smoke", "epochs=5", "backup_seconds=0", "--only", "depth/two-layers"]
SEEDS = ("depth/two-layers/seed-0", "depth/two-layers/seed-1")


@pytest.fixture(scope="module")
def project(baked_default: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the baked repository to run in (its package is installed in tf_python)."""
    copy = tmp_path_factory.mktemp("job") / baked_default.name
    shutil.copytree(baked_default, copy, ignore=shutil.ignore_patterns("runs", ".git"))
    return copy


def submit(cluster: SlurmCluster, project: Path, tf_python: Path, *args: str) -> str:
    """sbatch cluster/job.sbatch from the repository root, with replicate's ``args``."""
    (port,) = free_ports(1)
    env = {"DLC_PYTHON": str(tf_python), "DLC_PORT_BASE": str(port), "TF_ENABLE_ONEDNN_OPTS": "0"}
    options = [f"--chdir={project}", f"--output={project}/slurm-%j.out", *ON_THE_TEST_NODE]
    script = project / "cluster" / "job.sbatch"
    return cluster.submit(script, *options, env=env, script_args=args)


@pytest.fixture(scope="module")
def uninterrupted(slurm_cluster: SlurmCluster, project: Path, tf_python: Path) -> tuple[Job, Path]:
    """The smoke replication as a two-task job, run to the end: the job and its run directory."""
    started = time.monotonic()
    job_id = submit(slurm_cluster, project, tf_python, *SMOKE)
    job = slurm_cluster.wait(job_id, timeout=300)
    print(f"smoke replication on 2 SLURM workers: {time.monotonic() - started:.0f} s")
    return job, project / "runs" / "smoke" / f"slurm-{job_id}"


def metrics(run_dir: Path) -> dict[str, dict[str, float]]:
    return {s: json.loads((run_dir / s / "metrics.json").read_text())["metrics"] for s in SEEDS}


def test_the_job_script_replicates_on_two_workers(
    uninterrupted: tuple[Job, Path], project: Path
) -> None:
    """sbatch with two tasks on the node: a smoke replication with MultiWorkerMirroredStrategy."""
    job, run_dir = uninterrupted
    assert (job.state, job.exit_code, job.restarts) == ("COMPLETED", 0, 0), str(job)
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
    assert len(re.findall(rf"^{SEEDS[0]}: test_accuracy=", job.output, re.M)) == 2, str(job)
    assert job.output.count("report: ") == 1, str(job)
    assert sorted(p.name for p in run_dir.iterdir()) == [
        ".report.lock",
        "claims.json",
        "config.json",
        "depth",
        "environment.json",
        "report",
        "verdicts.json",
    ]
    assert sorted(str(p.relative_to(run_dir)) for p in run_dir.glob("*/*/seed-*")) == [*SEEDS]
    for seed in SEEDS:
        # No claim on the tasks: the workers train every task together and decide together.
        assert sorted(p.name for p in (run_dir / seed).iterdir()) == [
            "history.jsonl",
            "metrics.json",
            "model.keras",
            "task.json",
        ]
        history = (run_dir / seed / "history.jsonl").read_text().splitlines()
        assert [json.loads(row)["epoch"] for row in history] == [1, 2, 3, 4, 5]
    assert sorted(p.name for p in (project / "runs").iterdir()) == ["smoke"]


def test_usr1_saves_requeues_and_the_resumed_run_matches_an_uninterrupted_one(
    slurm_cluster: SlurmCluster, project: Path, tf_python: Path, uninterrupted: tuple[Job, Path]
) -> None:
    """scancel --signal=USR1 --batch mid-training: save, exit 75, requeue, resume, same result."""
    job_id = submit(slurm_cluster, project, tf_python, *SMOKE)
    run_dir = project / "runs" / "smoke" / f"slurm-{job_id}"
    history = run_dir / SEEDS[0] / "history.jsonl"
    deadline = time.monotonic() + 180
    while not (history.exists() and len(history.read_text().splitlines()) >= 2):
        assert time.monotonic() < deadline, str(slurm_cluster.job(job_id))
        time.sleep(0.1)
    slurm_cluster.signal(job_id, "USR1", batch=True)
    job = slurm_cluster.wait(job_id, timeout=300)
    assert (job.state, job.exit_code, job.restarts) == ("COMPLETED", 0, 1), str(job)
    first, _, second = job.output.partition("job.sbatch: requeued")
    assert "SIGUSR1: the workers save a backup" in first, str(job)
    # Both workers exited 75: the one that exited last was not killed by srun meanwhile.
    assert "the workers exited with status 75" in first, str(job)
    assert "Terminated" not in first, str(job)
    stopped = re.search(r"stopped by signal 10 \(SIGUSR1\) after epoch (\d+)", first)
    assert stopped and 2 <= int(stopped.group(1)) < 5, str(job)
    assert "start 2" in second and "the workers exited with status 0" in second, str(job)
    for seed in SEEDS:
        rows = (run_dir / seed / "history.jsonl").read_text().splitlines()
        assert [json.loads(row)["epoch"] for row in rows] == [1, 2, 3, 4, 5]  # each once
        assert not (run_dir / seed / "backup").exists()
    starts = json.loads((run_dir / "environment.json").read_text())["earlier_starts"]
    assert len(starts) == 1  # the interrupted start is on record
    resumed, reference = metrics(run_dir), metrics(uninterrupted[1])
    print(f"resumed: {resumed}\nuninterrupted: {reference}")
    for seed in SEEDS:
        assert resumed[seed] == pytest.approx(reference[seed], rel=1e-6, abs=1e-7)
