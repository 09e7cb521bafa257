# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a run ran on: code version, packages, TensorFlow build, devices, job, command line."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["PACKAGES", "describe_environment", "git_state"]

PACKAGES = ("dlc-common", "tensorflow", "tensorflow-cpu", "keras", "numpy", "matplotlib")


def git_state(directory: str | Path) -> dict[str, Any]:
    """The git commit of ``directory`` and whether the work tree has uncommitted changes."""

    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(
                ["git", *args], cwd=directory, capture_output=True, text=True, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None, "note": "not a git repository (or no commit yet)"}
    # runs/ and report/ are outputs of the run itself; they do not make the code dirty.
    status = git("status", "--porcelain", "--", ".", ":(exclude)runs", ":(exclude)report")
    return {"commit": commit, "dirty": bool(status), "branch": git("branch", "--show-current")}


def _versions(extra: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for name in (*PACKAGES, *extra):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def describe_environment(
    project_dir: str | Path, seeds: list[int], extra_packages: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The environment record of a run (TensorFlow details only if it is already imported)."""
    record: dict[str, Any] = {
        "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": [sys.executable, *sys.argv],
        "cwd": os.getcwd(),
        "seeds": seeds,
        "git": git_state(project_dir),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "hostname": platform.node(),
        "cpu_count": os.cpu_count(),
        "packages": _versions(extra_packages),
        "slurm": {k: v for k, v in os.environ.items() if k.startswith("SLURM_") and "JOB" in k},
        "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
        "env": {
            k: os.environ[k]
            for k in (
                "CUDA_VISIBLE_DEVICES",
                "TF_CONFIG",
                "TF_CPP_MIN_LOG_LEVEL",
                "TF_ENABLE_ONEDNN_OPTS",
                "TF_DETERMINISTIC_OPS",
                "DLC_DATA_DIR",
            )
            if k in os.environ
        },
    }
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        from dlc_common.runtime import devices

        build = dict(tf.sysconfig.get_build_info())
        record["tensorflow"] = {
            "version": tf.__version__,
            "build": {k: v for k, v in build.items() if isinstance(v, (str, bool, int))},
            "devices": devices(),
        }
    return record
