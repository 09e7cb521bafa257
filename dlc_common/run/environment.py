# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a run ran on: code version, packages, TensorFlow build, devices, job, command line."""

from __future__ import annotations

import datetime
import hashlib
import os
import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["ENGINE_OUTPUTS", "PACKAGES", "describe_environment", "git_state"]

PACKAGES = ("dlc-common", "tensorflow", "tensorflow-cpu", "keras", "numpy", "matplotlib")


# Written by the engine itself: they never make the code "dirty" (the README only outside
# its results table, which each paper run rewrites).
ENGINE_OUTPUTS = ("runs", "report")
README = "README.md"
_RESULTS = re.compile(r"<!-- dlc:results:start -->.*?<!-- dlc:results:end -->", re.S)


def git_state(directory: str | Path) -> dict[str, Any]:
    """The git commit of ``directory``, its uncommitted changes and a fingerprint of the code.

    ``changed`` lists the paths that differ from the commit (runs/, report/ and the README's
    results table excluded); ``fingerprint`` is a SHA-256 of the commit and of the content of
    every change, so that two states with the same commit but other edits differ.
    """

    def git(*args: str, text: bool = True) -> Any:
        try:
            result = subprocess.run(
                ["git", *args], cwd=directory, capture_output=True, text=text, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        if result.returncode != 0:
            return None
        return result.stdout.strip() if text else result.stdout

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None, "note": "not a git repository (or no commit yet)"}
    excluded = [f":(exclude){name}" for name in (*ENGINE_OUTPUTS, README)]
    status = git(
        "status", "--porcelain", "-z", "--untracked-files=all", "--", ".", *excluded, text=False
    )
    entries = (status or b"").decode("utf-8", errors="replace").split("\0")
    changed = sorted({entry[3:] for entry in entries if len(entry) > 3 and entry[2] == " "})
    digest = hashlib.sha256(commit.encode())
    digest.update(git("diff", "HEAD", "--binary", "--", ".", *excluded, text=False) or b"")
    top = Path(git("rev-parse", "--show-toplevel") or directory)  # porcelain paths start here
    for name in changed:
        path = top / name
        if path.is_file() and git("ls-files", "--", f":(top){name}") == "":  # untracked
            digest.update(name.encode() + b"\0" + path.read_bytes())
    readme = Path(directory) / README
    if readme.is_file():
        committed = git("show", f"HEAD:./{README}")
        now = readme.read_text(encoding="utf-8", errors="replace")
        if committed is None or _RESULTS.sub("", committed) != _RESULTS.sub("", now.strip()):
            changed.append(README)
            digest.update(_RESULTS.sub("", now).encode())
    return {
        "commit": commit,
        "dirty": bool(changed),
        "changed": changed,
        "fingerprint": digest.hexdigest(),
        "branch": git("branch", "--show-current"),
    }


def _versions(extra: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for name in (*PACKAGES, *extra):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


# The instruction-set extensions that decide which CPU kernels TensorFlow (oneDNN, Eigen) runs,
# and so the last bits of a float result: two machines differing here may differ there.
CPU_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_bf16", "amx_tile")


def cpu_description(cpuinfo: str | None = None) -> dict[str, Any]:
    """The CPU's model and its kernel-relevant flags, from /proc/cpuinfo (Linux) or platform."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            cpuinfo = ""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() not in fields:
            fields[key.strip()] = value.strip()
        if not line.strip() and fields:
            break  # the first processor's block describes them all
    flags = set(fields.get("flags", "").split())
    return {
        "model": fields.get("model name") or platform.processor() or platform.machine(),
        "flags": [flag for flag in CPU_FLAGS if flag in flags],
    }


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
        "cpu": cpu_description(),
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
                "TF_NUM_INTRAOP_THREADS",
                "TF_NUM_INTEROP_THREADS",
                "OMP_NUM_THREADS",
                "DLC_DATA_DIR",
            )
            if k in os.environ
        },
    }
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        from dlc_common.run.runtime import devices

        build = dict(tf.sysconfig.get_build_info())
        record["tensorflow"] = {
            "version": tf.__version__,
            "build": {k: v for k, v in build.items() if isinstance(v, (str, bool, int))},
            "devices": devices(),
        }
    return record
