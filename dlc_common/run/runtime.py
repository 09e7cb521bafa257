# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The training runtime: seeds, determinism, precision policy and distribution strategy.

Importing this module imports TensorFlow and Keras.
"""

from __future__ import annotations

import os
from typing import Any

# isort: off
import dlc_common.quiet  # noqa: F401  (must run before TensorFlow is imported)
import keras
import tensorflow as tf

# isort: on

from dlc_common.config import PRECISIONS
from dlc_common.run.cluster import Cluster, cluster_from_environment

__all__ = [
    "devices",
    "enable_determinism",
    "make_strategy",
    "resolve_precision",
    "seed_everything",
    "set_precision",
]


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy, TensorFlow and Keras from one integer."""
    # keras.utils.set_random_seed seeds random, numpy.random and the backend (tf.random) at
    # once; Keras layers draw their own seeds from it.
    keras.utils.set_random_seed(int(seed))


def enable_determinism() -> None:
    """Make TensorFlow ops (and so tf.data and training) deterministic: same seed, same bits."""
    tf.config.experimental.enable_op_determinism()


def _supports_bfloat16(gpu: Any) -> bool:
    details = tf.config.experimental.get_device_details(gpu)
    # bfloat16 tensor cores arrived with compute capability 8.0 (Ampere).
    return tuple(details.get("compute_capability", (0, 0))) >= (8, 0)


def resolve_precision(policy: str = "auto") -> str:
    """The Keras dtype policy that ``policy`` means here ("auto": mixed_bfloat16 on new GPUs)."""
    if policy not in PRECISIONS:
        raise ValueError(f"precision: {policy!r} is not one of {', '.join(PRECISIONS)}")
    if policy != "auto":
        return policy
    gpus = tf.config.list_physical_devices("GPU")
    return "mixed_bfloat16" if gpus and all(_supports_bfloat16(g) for g in gpus) else "float32"


def set_precision(policy: str = "auto") -> str:
    """Set Keras's global dtype policy and return the one chosen, for the run's record."""
    resolved = resolve_precision(policy)
    keras.mixed_precision.set_global_policy(resolved)
    return resolved


def devices() -> list[dict[str, Any]]:
    """The physical devices TensorFlow sees, with GPU names and compute capabilities."""
    found = []
    for device in tf.config.list_physical_devices():
        entry: dict[str, Any] = {"name": device.name, "type": device.device_type}
        if device.device_type == "GPU":
            details = tf.config.experimental.get_device_details(device)
            entry.update({k: v for k, v in details.items() if isinstance(v, (str, int, tuple))})
        found.append(entry)
    return found


def make_strategy(cluster: Cluster | None = None) -> tf.distribute.Strategy:
    """The strategy for this process: one device, MirroredStrategy, or multi-worker."""
    cluster = cluster or cluster_from_environment()
    if cluster.multi_worker:
        if cluster.source == "SLURM":
            resolver = _slurm_resolver()
        else:
            resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
        return tf.distribute.MultiWorkerMirroredStrategy(cluster_resolver=resolver)
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy([g.name for g in gpus])
    return tf.distribute.get_strategy()  # the default strategy: one device, no overhead


def _slurm_resolver() -> Any:
    """SlurmClusterResolver, set up so that it also works on nodes without GPUs."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES", "")
    gpus = len([d for d in visible.split(",") if d.strip()])
    port = int(os.environ.get("DLC_PORT_BASE", "8888"))
    if gpus == 0:
        # gpus_per_node=0 crashes the resolver on CPU nodes (FACTS.md), and it insists on one
        # "GPU" per task of a node: as many as the step has tasks, never assigned
        # (auto_set_gpu=False), work.
        tasks = int(os.environ.get("SLURM_STEP_NUM_TASKS") or 1)
        return tf.distribute.cluster_resolver.SlurmClusterResolver(
            port_base=port, gpus_per_node=tasks, gpus_per_task=1, auto_set_gpu=False
        )
    return tf.distribute.cluster_resolver.SlurmClusterResolver(port_base=port)
