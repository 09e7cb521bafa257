# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The SLURM test cluster does what the generated cluster job relies on, for real."""

from __future__ import annotations

import json
import re
import shlex
import sys
import time
from pathlib import Path

import pytest

from tests.cluster import slurm
from tests.cluster.slurm import FINAL_STATES, NODE, SlurmCluster, free_ports, parse_record

pytestmark = pytest.mark.slurm

# The exit status meaning "preempted and saved: requeue me" here; the engine may pick another.
REQUEUE_STATUS = 85

# A stand-in for a training run: counts steps, saves on USR1 or TERM, resumes from its save.
WORKER = """\
import os, pathlib, signal, sys, time
rank = int(os.environ["SLURM_PROCID"])
save = pathlib.Path(sys.argv[1]) / f"rank{rank}.step"
steps, pace, preempted = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
stop = []
signal.signal(signal.SIGUSR1, lambda *_: stop.append(True))
signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
step = int(save.read_text()) if save.exists() else 0
print(f"rank {rank} resumes at {step}", flush=True)
while step < steps:
    if stop:
        save.write_text(str(step))
        print(f"rank {rank} saved at {step}", flush=True)
        sys.exit(preempted)
    time.sleep(pace)
    step += 1
save.write_text(str(step))
print(f"rank {rank} finished at {step}", flush=True)
"""


def requeue_script(workload: str, *, max_restarts: int, header: str = "") -> str:
    """A batch script with the preemption protocol of the generated cluster job."""
    return f"""\
#!/bin/bash
#SBATCH --requeue
#SBATCH --open-mode=append
{header}
# USR1 reaches this shell alone (--signal=B:USR1@N, scancel --batch): pass it to the tasks.
# Set first: Slurm may signal as soon as the job starts, and an untrapped USR1 kills bash.
preempted=0
trap 'echo "run $restart got USR1"; preempted=1; [ -z "${{step:-}}" ] || kill -USR1 "$step"' USR1
restart=${{SLURM_RESTART_COUNT:-0}}
echo "run $restart starts"
srun {workload} &
step=$!
# A USR1 that came before srun started has not reached the tasks yet.
if [ "$preempted" -eq 1 ]; then kill -USR1 "$step"; fi
status=0
wait "$step" || status=$?
# A trapped signal ends wait before the step ends: wait again for the step's own status.
while kill -0 "$step" 2>/dev/null; do status=0; wait "$step" || status=$?; done
echo "run $restart: step exited $status"
# A task that saved exits {REQUEUE_STATUS}; one signalled before it could set its handler dies of
# USR1 (128 + 10) with nothing new to save: both are preempted, and the next run resumes.
if [[ $status -eq {REQUEUE_STATUS} || ( $preempted -eq 1 && $status -eq 138 ) ]]; then
  if [ "$restart" -lt {max_restarts} ]; then
    scontrol requeue "$SLURM_JOB_ID"
    exit 0
  fi
  echo "run $restart: giving up after {max_restarts} requeues"
  exit 3
fi
exit "$status"
"""


def worker(tmp_path: Path, steps: int, pace: float) -> str:
    """The srun command line of the stand-in training run, saving under ``tmp_path``."""
    program = tmp_path / "worker.py"
    program.write_text(WORKER)
    args = [sys.executable, str(program), str(tmp_path), str(steps), str(pace), str(REQUEUE_STATUS)]
    return shlex.join(args)


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


def test_usr1_to_the_batch_shell_saves_requeues_and_resumes(
    slurm_cluster: SlurmCluster, tmp_path: Path
) -> None:
    """scancel --signal=USR1 --batch: both tasks save, the job requeues, resumes and finishes."""
    steps = 120  # 6 s at 0.05 s a step: ample time to signal the first run
    script = requeue_script(worker(tmp_path, steps, 0.05), max_restarts=2)
    job_id = slurm_cluster.submit(script, "--ntasks=2")
    slurm_cluster.wait_output(job_id, r"^rank \d resumes at 0$", count=2)
    time.sleep(0.5)  # some steps done, so that resuming at the saved step shows
    slurm_cluster.signal(job_id, "USR1", batch=True)

    job = slurm_cluster.wait(job_id, timeout=90)
    assert (job.state, job.exit_code, job.restarts) == ("COMPLETED", 0, 1), job
    assert "run 0 got USR1" in job.output
    assert f"run 0: step exited {REQUEUE_STATUS}" in job.output
    assert "run 1 starts" in job.output and "run 1: step exited 0" in job.output
    for rank in (0, 1):
        (saved,) = re.findall(rf"^rank {rank} saved at (\d+)$", job.output, re.M)
        resumed = re.findall(rf"^rank {rank} resumes at (\d+)$", job.output, re.M)
        assert resumed == ["0", saved], job  # the second run starts where the first saved
        assert 0 < int(saved) < steps, job
        assert f"rank {rank} finished at {steps}" in job.output
        assert (tmp_path / f"rank{rank}.step").read_text() == str(steps)


def test_a_job_that_keeps_failing_stops_requeueing(slurm_cluster: SlurmCluster) -> None:
    """The script checks SLURM_RESTART_COUNT: two requeues, then the job fails for good."""
    workload = f"bash -c 'echo preempted again; exit {REQUEUE_STATUS}'"
    job = slurm_cluster.wait(
        slurm_cluster.submit(requeue_script(workload, max_restarts=2)), timeout=90
    )
    assert (job.state, job.exit_code, job.restarts) == ("FAILED", 3, 2), job
    runs = re.findall(r"^run (\d) starts$", job.output, re.M)
    assert runs == ["0", "1", "2"], job
    assert "run 2: giving up after 2 requeues" in job.output


def test_signal_before_the_time_limit_requeues(slurm_cluster: SlurmCluster, tmp_path: Path) -> None:
    """--signal=B:USR1@50 with a one-minute limit: the job is requeued before the limit."""
    # Slurm checks time limits about every 30 s and may signal up to 60 s early, so USR1 can
    # come at any time in a run's first 30 s, even before the worker has set its handler (the
    # next run may be signalled too: saving and resuming are tested with scancel above).
    script = requeue_script(
        worker(tmp_path, steps=100_000, pace=0.05),
        max_restarts=2,
        header="#SBATCH --time=1 --signal=B:USR1@50",
    )
    job_id = slurm_cluster.submit(script)
    output = slurm_cluster.wait_output(job_id, r"^run 1 starts$", timeout=100)
    job = slurm_cluster.job(job_id)
    assert job.restarts >= 1 and job.state not in FINAL_STATES, job
    run0 = output[: output.index("run 1 starts")]
    assert "run 0 got USR1" in run0, job
    assert re.search(rf"^run 0: step exited ({REQUEUE_STATUS}|138)$", run0, re.M), job
    slurm_cluster.cancel(job_id)


RESOLVER = """\
import json, sys
import tensorflow as tf

resolver = tf.distribute.cluster_resolver.SlurmClusterResolver(
    port_base=int(sys.argv[1]), gpus_per_node=2, gpus_per_task=1, auto_set_gpu=False
)
spec = resolver.cluster_spec().as_dict()
print("resolver", json.dumps([spec, resolver.task_type, resolver.task_id, resolver.master()]))
"""


@pytest.mark.slow
def test_slurm_cluster_resolver_sees_two_workers(
    slurm_cluster: SlurmCluster, tf_python: Path, tmp_path: Path
) -> None:
    """TensorFlow's SlurmClusterResolver in a 2-task step yields a 2-worker cluster."""
    program = tmp_path / "resolve.py"
    program.write_text(RESOLVER)
    (port,) = free_ports(1)
    script = f"#!/bin/bash\nsrun {shlex.join([str(tf_python), str(program), str(port)])}\n"
    quiet = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    job = slurm_cluster.wait(slurm_cluster.submit(script, "--ntasks=2", env=quiet), timeout=300)
    assert (job.state, job.exit_code) == ("COMPLETED", 0), job
    results = sorted(
        json.loads(line.removeprefix("resolver "))
        for line in job.output.splitlines()
        if line.startswith("resolver ")
    )
    workers = [f"{NODE}:{port}", f"{NODE}:{port + 1}"]
    assert results == [
        [{"worker": workers}, "worker", 0, f"grpc://{workers[0]}"],
        [{"worker": workers}, "worker", 1, f"grpc://{workers[1]}"],
    ], job


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
