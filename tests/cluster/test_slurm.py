# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The SLURM test cluster does what the generated cluster job relies on, for real."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.cluster import slurm
from tests.cluster.slurm import FINAL_STATES, NODE, SlurmCluster, parse_record

pytestmark = pytest.mark.slurm

# The generated job script's protocol (cluster/job.sbatch): a worker that saved exits 75, and
# the script requeues the job. Here stand-in "Pythons" (DLC_PYTHON) play the workers, so that the
# requeue logic is tested quickly; tests/cluster/test_job.py trains for real.
STOPPED = 75
ON_THE_TEST_NODE = ["--gres=none", "--cpus-per-task=1"]
ALWAYS_STOPPED = f"""\
#!/bin/bash
echo "worker $SLURM_PROCID: stopped again"
exit {STOPPED}
"""
SAVES_ON_USR1 = f"""\
#!/bin/bash
trap 'echo "worker saved"; exit {STOPPED}' USR1 TERM
echo "worker started"
while true; do sleep 0.1; done
"""


def stand_in(tmp_path: Path, program: str) -> dict[str, str]:
    """The environment that makes the job script run ``program`` instead of Python."""
    path = tmp_path / "python"
    path.write_text(program)
    path.chmod(0o755)
    return {"DLC_PYTHON": str(path)}


def test_parse_record_keeps_values_that_contain_equals_signs() -> None:
    record = parse_record(
        "JobId=7 JobName=my job JobState=COMPLETED Reason=None ExitCode=3:0 "
        "TRES=cpu=1,node=1 Socks/Node=* StdOut=/tmp/x/slurm-7.out\n"
    )
    assert record["JobName"] == "my job"
    assert record["ExitCode"] == "3:0"
    assert record["TRES"] == "cpu=1,node=1"
    assert record["Socks/Node"] == "*"
    assert record["StdOut"] == "/tmp/x/slurm-7.out"


def test_two_tasks_on_the_node_see_the_step_environment(slurm_cluster: SlurmCluster) -> None:
    """srun starts two tasks with the variables SlurmClusterResolver reads."""
    script = """\
#!/bin/bash
#SBATCH --ntasks=2
srun bash -c 'echo "task $SLURM_PROCID $SLURM_STEP_NUM_TASKS $SLURM_STEP_NODELIST \
$SLURM_STEP_TASKS_PER_NODE pid=$$"'
"""
    job = slurm_cluster.wait(slurm_cluster.submit(script), timeout=60)
    assert (job.state, job.exit_code) == ("COMPLETED", 0), job
    tasks = sorted(line.split(" pid=") for line in job.output.splitlines() if line[:5] == "task ")
    assert [task for task, _ in tasks] == [f"task 0 2 {NODE} 2", f"task 1 2 {NODE} 2"], job
    assert len({pid for _, pid in tasks}) == 2, "the two tasks must be two processes"


def test_failing_script_reports_its_exit_status(slurm_cluster: SlurmCluster) -> None:
    job = slurm_cluster.wait(slurm_cluster.submit("#!/bin/bash\necho before\nexit 7\n"))
    assert (job.state, job.exit_code, job.output) == ("FAILED", 7, "before\n"), job


def test_a_job_that_keeps_being_stopped_stops_requeueing(
    slurm_cluster: SlurmCluster, baked_default: Path, tmp_path: Path
) -> None:
    """The job script counts its requeues (SLURM_RESTART_COUNT): two, then it gives up."""
    env = {**stand_in(tmp_path, ALWAYS_STOPPED), "DLC_MAX_REQUEUES": "2"}
    script = baked_default / "cluster" / "job.sbatch"
    options = [f"--chdir={tmp_path}", "--time=5", *ON_THE_TEST_NODE]
    job = slurm_cluster.wait(slurm_cluster.submit(script, *options, env=env), timeout=90)
    assert (job.state, job.exit_code, job.restarts) == ("FAILED", STOPPED, 2), str(job)
    assert re.findall(r"^job.sbatch: job \d+, start (\d)", job.output, re.M) == ["1", "2", "3"]
    assert job.output.count("job.sbatch: requeued; the next start resumes") == 2, str(job)
    assert "requeued 2 times already (DLC_MAX_REQUEUES=2): giving up" in job.output, str(job)


def test_signal_before_the_time_limit_requeues(
    slurm_cluster: SlurmCluster, baked_default: Path, tmp_path: Path
) -> None:
    """--signal=B:USR1@50 with a one-minute limit: the job is requeued before the limit."""
    # Slurm checks time limits about every 30 s and may signal up to 60 s early, so USR1 can
    # come at any time in a run's first 30 s, even before the worker has set its handler (the
    # next run may be signalled too: saving and resuming are tested in test_job.py).
    script = baked_default / "cluster" / "job.sbatch"
    options = [f"--chdir={tmp_path}", "--time=1", "--signal=B:USR1@50", *ON_THE_TEST_NODE]
    env = stand_in(tmp_path, SAVES_ON_USR1)
    job_id = slurm_cluster.submit(script, *options, env=env)
    output = slurm_cluster.wait_output(job_id, r"^job.sbatch: job \d+, start 2", timeout=100)
    job = slurm_cluster.job(job_id)
    assert job.restarts >= 1 and job.state not in FINAL_STATES, str(job)
    first = output[: output.index(", start 2")]
    assert "job.sbatch: SIGUSR1: the workers save a backup" in first, str(job)
    assert re.search(r"^job.sbatch: the workers exited with status (75|138)$", first, re.M), job
    slurm_cluster.cancel(job_id)


# Where a system-wide SLURM or munge would write: the test cluster must leave them alone.
SYSTEM_PATHS = [
    "/etc/slurm",
    "/etc/munge",
    "/run/munge",
    "/run/slurm",
    "/run/slurmctld",
    "/run/slurmd",
    "/var/spool/slurm",
    "/var/spool/slurmctld",
    "/var/spool/slurmd",
    "/var/lib/slurm",
    "/var/lib/munge",
    "/var/log/slurm",
    "/var/log/munge",
]


def snapshot() -> dict[str, tuple[int, int]]:
    """Size and modification time of everything under the system-wide SLURM and munge paths."""
    seen = {}
    for top in map(Path, SYSTEM_PATHS):
        for path in [top, *top.rglob("*")] if top.exists() else []:
            info = path.lstat()
            seen[str(path)] = (info.st_size, info.st_mtime_ns)
    return seen


def alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.usefixtures("slurm_installed")
def test_stop_kills_stubborn_processes_and_leaves_nothing_behind() -> None:
    """A task that ignores SIGTERM and one that escaped the job both die; no file is left."""
    before = snapshot()
    cluster = SlurmCluster.start()
    try:
        # Like a TF worker whose peer never came: deaf to SIGTERM. And a process that left
        # the job's process tree, which Slurm's proctrack/linuxproc can no longer find.
        script = """\
#!/bin/bash
( setsid bash -c 'trap "" TERM; echo "escaped $$"; exec sleep 300' </dev/null & )
srun bash -c 'trap "" TERM; echo "stubborn $$"; exec sleep 300'
"""
        job_id = cluster.submit(script)
        output = cluster.wait_output(job_id, r"^(escaped|stubborn) \d+$", count=2)
        pids = [int(pid) for pid in re.findall(r"^(?:escaped|stubborn) (\d+)$", output, re.M)]
        assert len(pids) == 2 and all(alive(pid) for pid in pids), output
        assert set(pids) <= set(cluster.processes())
        daemons = [proc.pid for proc in cluster.daemons.values()]
    finally:
        cluster.stop()
    assert not [pid for pid in pids + daemons if alive(pid)]
    assert cluster.processes() == []
    assert not cluster.root.exists()
    assert snapshot() == before


def test_missing_slurm_without_root_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slurm, "missing_commands", lambda: ["slurmd", "sbatch"])
    monkeypatch.setattr(slurm.os, "geteuid", lambda: 1000)
    with pytest.raises(slurm.SlurmUnavailable, match=r"slurmd, sbatch missing and not root"):
        slurm.ensure_installed()


def test_missing_slurm_without_apt_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slurm, "missing_commands", lambda: ["munged"])
    monkeypatch.setattr(slurm.os, "geteuid", lambda: 0)
    monkeypatch.setattr(slurm.shutil, "which", lambda name, path=None: None)
    with pytest.raises(slurm.SlurmUnavailable, match=r"munged missing and no apt-get"):
        slurm.ensure_installed()


@pytest.mark.usefixtures("slurm_installed")
def test_a_daemon_that_cannot_start_fails_fast_with_its_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = slurm.slurm_conf
    monkeypatch.setattr(slurm, "slurm_conf", lambda *a, **k: real(*a, **k) + "NoSuchOption=1\n")
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"node is idle: slurmctld(.|\n)*NoSuchOption") as error:
        SlurmCluster.start(timeout=60)
    assert time.monotonic() - started < 30, "a dead daemon must not be waited for until timeout"
    root = re.search(r"(/tmp/dlc-slurm-\w+)/munge", str(error.value))
    assert root and not Path(root.group(1)).exists(), "a failed start leaves nothing behind"
