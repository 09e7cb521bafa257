# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where this process stands in a training job: alone, or one worker of many (no TensorFlow).

Read from TF_CONFIG or from SLURM's environment, so that the decision which strategy to build
and whether this process may write files is made in one place and can be tested without
starting a cluster.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Cluster", "ClusterError", "cluster_from_environment"]


class ClusterError(ValueError):
    """A TF_CONFIG or SLURM environment that does not describe a usable cluster."""


@dataclass(frozen=True)
class Cluster:
    """This process's place in the job: ``source`` is "local", "TF_CONFIG" or "SLURM"."""

    source: str
    num_workers: int
    task_type: str
    task_id: int
    job_id: str | None = None
    has_chief: bool = False

    @property
    def multi_worker(self) -> bool:
        """True when several processes train together (MultiWorkerMirroredStrategy)."""
        return self.num_workers > 1

    @property
    def is_chief(self) -> bool:
        """True for the one process that writes checkpoints, logs and reports."""
        if self.task_type == "chief":
            return True
        return self.task_type == "worker" and self.task_id == 0 and not self.has_chief


def _tf_config(text: str) -> Cluster:
    try:
        config = json.loads(text)
        cluster, task = config["cluster"], config["task"]
        task_type, task_id = str(task["type"]), int(task["index"])
        sizes = {str(kind): len(addresses) for kind, addresses in cluster.items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise ClusterError(
            f"TF_CONFIG: not a cluster description ({exc}); expected "
            '{"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker", "index": 0}}'
        ) from None
    unsupported = sorted(set(sizes) - {"chief", "worker"})
    if unsupported:
        raise ClusterError(
            f"TF_CONFIG: job types {', '.join(unsupported)} are not supported; "
            "MultiWorkerMirroredStrategy uses only chief and worker"
        )
    if task_type not in sizes or not 0 <= task_id < sizes[task_type]:
        raise ClusterError(f"TF_CONFIG: task {task_type}:{task_id} is not in the cluster {sizes}")
    if sizes.get("chief", 0) > 1:
        raise ClusterError("TF_CONFIG: a cluster has at most one chief")
    return Cluster("TF_CONFIG", sum(sizes.values()), task_type, task_id, None, "chief" in sizes)


def cluster_from_environment(environ: Mapping[str, str] | None = None) -> Cluster:
    """Describe this process's place in the job from TF_CONFIG, else SLURM, else alone."""
    env = os.environ if environ is None else environ
    job_id = env.get("SLURM_JOB_ID") or None
    if env.get("TF_CONFIG", "").strip():
        cluster = _tf_config(env["TF_CONFIG"])
        return dataclasses.replace(cluster, job_id=job_id)
    # SLURM sets SLURM_STEP_NUM_TASKS inside `srun`; sbatch's batch shell has SLURM_NTASKS only
    # and is a single process, so one task there means local training.
    tasks = env.get("SLURM_STEP_NUM_TASKS")
    if tasks and "SLURM_PROCID" in env:
        try:
            num, rank = int(tasks), int(env["SLURM_PROCID"])
        except ValueError:
            raise ClusterError(
                f"SLURM_STEP_NUM_TASKS={tasks!r}, SLURM_PROCID={env['SLURM_PROCID']!r}: "
                "expected integers"
            ) from None
        if num > 1:
            return Cluster("SLURM", num, "worker", rank, job_id)
    return Cluster("local", 1, "chief", 0, job_id)
