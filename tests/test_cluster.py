# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Who is who in a job, from TF_CONFIG or SLURM: the strategy and chief-only writes rest on it."""

from __future__ import annotations

import json

import pytest

from dlc_common.run.cluster import ClusterError, cluster_from_environment


def tf_config(cluster: dict, kind: str, index: int) -> dict[str, str]:
    return {"TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": kind, "index": index}})}


def test_alone() -> None:
    alone = cluster_from_environment({})
    assert (alone.source, alone.multi_worker, alone.is_chief) == ("local", False, True)
    # The batch shell of an sbatch job is one process: still local, but the job id is kept.
    batch = cluster_from_environment({"SLURM_JOB_ID": "42", "SLURM_NTASKS": "2"})
    assert (batch.source, batch.job_id, batch.is_chief) == ("local", "42", True)


def test_tf_config() -> None:
    workers = {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}
    first = cluster_from_environment(tf_config(workers, "worker", 0))
    second = cluster_from_environment(tf_config(workers, "worker", 1))
    assert first.multi_worker and first.num_workers == 2 and first.source == "TF_CONFIG"
    assert first.is_chief and not second.is_chief
    with_chief = {"chief": ["h:0"], "worker": ["h:1"]}
    assert cluster_from_environment(tf_config(with_chief, "chief", 0)).is_chief
    assert not cluster_from_environment(tf_config(with_chief, "worker", 0)).is_chief


def test_slurm() -> None:
    env = {"SLURM_JOB_ID": "7", "SLURM_STEP_NUM_TASKS": "4", "SLURM_PROCID": "0"}
    chief = cluster_from_environment(env)
    assert (chief.source, chief.num_workers, chief.is_chief, chief.job_id) == (
        "SLURM",
        4,
        True,
        "7",
    )
    assert not cluster_from_environment({**env, "SLURM_PROCID": "3"}).is_chief
    single = cluster_from_environment({**env, "SLURM_STEP_NUM_TASKS": "1"})
    assert not single.multi_worker and single.is_chief


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TF_CONFIG": "{not json"}, "TF_CONFIG: not a cluster description"),
        (tf_config({"worker": ["a:1"], "ps": ["b:2"]}, "worker", 0), "job types ps"),
        (tf_config({"worker": ["a:1"]}, "worker", 3), "task worker:3 is not in the cluster"),
        ({"SLURM_STEP_NUM_TASKS": "two", "SLURM_PROCID": "0"}, "expected integers"),
    ],
)
def test_bad_cluster_descriptions(env: dict[str, str], message: str) -> None:
    with pytest.raises(ClusterError, match=message):
        cluster_from_environment(env)
