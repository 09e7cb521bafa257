# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``submit`` and ``train --array`` without a cluster: the array's arithmetic, the sbatch
commands submit makes (recorded by a stand-in sbatch on PATH), and its refusals.

The real job array, preempted and requeued, runs in tests/cluster/test_array.py.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dlc_common.config import Config
from dlc_common.run.array import array_slice, array_spec
from dlc_common.run.exits import AppError
from dlc_common.run.experiments import plan, tasks
from tests.test_stub import PACKAGE, TEMPLATE, _env, project  # noqa: F401  (the stub repository)

pytestmark = pytest.mark.slow

# A stand-in for sbatch: records its arguments and DLC_* environment, prints a job id.
FAKE_SBATCH = """
import os, sys
from pathlib import Path
log = Path(os.environ["LOG"])
n = len(list(log.iterdir()))
env = [f"{k}={os.environ.get(k, '')}" for k in ("DLC_COMMAND", "DLC_LOG")]
(log / f"call-{n}").write_text("\\n".join([*sys.argv[1:], *env]) + "\\n")
if os.environ.get("FAIL_CALL") == str(n):
    sys.exit("sbatch: error: Batch job submission failed: Invalid account")
print(f"{4242 + n};dlctest")
"""


def test_array_arithmetic() -> None:
    assert array_spec(4, 1, None) == (4, "0-3")
    assert array_spec(5, 2, 3) == (3, "0-2%3")
    assert array_spec(1, 1, None) == (1, "0")
    for bad, field in (((4, 0, None), "--tasks-per-index"), ((4, 1, 0), "--throttle")):
        with pytest.raises(AppError, match=field):
            array_spec(*bad)
    config = Config("smoke", {"seeds": [0, 1, 2, 3, 4], "epochs": 1})
    five = tasks(config, plan(config))
    assert [t.seed for t in array_slice(five, 2, "0")] == [0, 1]
    assert [t.seed for t in array_slice(five, 2, "2")] == [4]
    with pytest.raises(AppError, match=r"index 3 has no tasks: the run has 5 task.*0 to 2"):
        array_slice(five, 2, "3")
    with pytest.raises(AppError, match="SLURM_ARRAY_TASK_ID is not set"):
        array_slice(five, 2, None)
    with pytest.raises(AppError, match="'x' is not a number"):
        array_slice(five, 2, "x")


def _submit(
    project: Path, tmp_path: Path, *args: str, fail: str = "", sbatch: bool = True  # noqa: F811
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    bin_dir, log = tmp_path / "bin", tmp_path / "calls"
    shutil.rmtree(log, ignore_errors=True)
    log.mkdir()
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "git").unlink(missing_ok=True)
    (bin_dir / "git").symlink_to(shutil.which("git") or "git")
    fake = bin_dir / "sbatch"
    fake.unlink(missing_ok=True)
    if sbatch:
        fake.write_text(f"#!{sys.executable}" + FAKE_SBATCH)
        fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    # Only these two directories: no sbatch of this machine's (nor /bin, often /usr/bin).
    path = os.pathsep.join([str(bin_dir), os.path.dirname(sys.executable)])
    shutil.copytree(TEMPLATE / "cluster", project / "cluster", dirs_exist_ok=True)
    env = {**_env(project), "PATH": path, "LOG": str(log), "FAIL_CALL": fail}
    proc = subprocess.run(
        [sys.executable, "-m", PACKAGE, "submit", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    calls = [p.read_text().splitlines() for p in sorted(log.iterdir())]
    return proc, calls


def test_submit_makes_an_array_and_a_report_job_after_it(
    project: Path, tmp_path: Path  # noqa: F811
) -> None:
    run_dir = project / "runs" / "smoke" / "array"
    proc, calls = _submit(
        project,
        tmp_path,
        "--profile",
        "smoke",
        "--run-dir",
        str(run_dir),
        "--throttle",
        "2",
        "--sbatch",
        "--partition=gpu --account='my project'",
        "--only",
        "depth/two-layers",
        "epochs=2",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"job array 4242 (2 task(s)) into {run_dir}" in proc.stdout
    assert "report job 4243, after every index of 4242 has ended" in proc.stdout, proc.stdout
    array, report = calls
    script = str(project / "cluster" / "job.sbatch")
    assert array[:6] == [
        "--parsable",
        "--array=0-1%2",
        f"--job-name={PACKAGE}-tasks",
        f"--chdir={project}",
        f"--output={run_dir}/workers/slurm-%A_%a.out",
        "--partition=gpu",
    ]
    assert array[6:] == [
        "--account=my project",
        script,
        *("--profile", "smoke", "--run-dir", str(run_dir), "--worker", "--array", "1"),
        *("--only", "depth/two-layers", "epochs=2"),
        "DLC_COMMAND=train",
        f"DLC_LOG={run_dir}/workers/slurm-%A_%a.out",
    ]
    assert report[:3] == ["--parsable", "--dependency=afterany:4242", "--kill-on-invalid-dep=yes"]
    assert "--gres=none" in report and "--time=1:00:00" in report
    assert report[report.index(script) + 1 :] == [
        *("--profile", "smoke", "--run-dir", str(run_dir), "--only", "depth/two-layers"),
        "DLC_COMMAND=report",
        "DLC_LOG=",
    ]
    # The start is recorded before any index runs: the run directory the indices share.
    saved = json.loads((run_dir / "config.json").read_text())
    assert saved["overrides"] == {"epochs": 2}
    environment = json.loads((run_dir / "environment.json").read_text())
    assert environment["strategy"] == "SLURM job array"


def test_submit_refusals_leave_no_run_behind(project: Path, tmp_path: Path) -> None:  # noqa: F811
    runs = project / "runs"
    no_sbatch, _ = _submit(project, tmp_path, "--profile", "smoke", sbatch=False)
    assert no_sbatch.returncode == 2, no_sbatch.stderr[-3000:]
    assert "sbatch is not on PATH: run submit on a SLURM cluster's login node" in no_sbatch.stderr
    assert not list(runs.glob("smoke/*"))
    refused, calls = _submit(project, tmp_path, "--profile", "smoke", fail="0")
    assert refused.returncode == 3, refused.stderr[-3000:]
    assert "sbatch refused the job (exit 1): sbatch: error: Batch job submission failed" in (
        refused.stderr
    )
    assert len(calls) == 1 and not list(runs.glob("smoke/*"))
    bad, _ = _submit(project, tmp_path, "--profile", "smoke", "--throttle", "0")
    assert bad.returncode == 2 and "--throttle: expected 1 or more" in bad.stderr
    unknown, _ = _submit(project, tmp_path, "--profile", "smoke", "--only", "width")
    assert unknown.returncode == 2 and "width" in unknown.stderr
    assert not list(runs.glob("smoke/*"))
    # The array went in, its report job did not: the message says what to do about the array.
    half, calls = _submit(project, tmp_path, "--profile", "smoke", fail="1")
    assert half.returncode == 3, half.stderr[-3000:]
    assert "The array 4242 is submitted; once it ends, run report --run-dir" in half.stderr
    assert "scancel 4242" in half.stderr
    dry, _ = _submit(project, tmp_path, "--profile", "smoke", "--dry-run", "--tasks-per-index", "3")
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert "4 task(s) in 2 array indices; would run:" in dry.stdout
    assert "--array=0-1" in dry.stdout and "--dependency=afterany:" in dry.stdout
