# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real one-node SLURM cluster for tests: Debian's slurm-wlm and munge on loopback ports."""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = ROOT / ".ci" / "install-slurm"

# The daemons live in sbin, which a non-login PATH may lack.
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("munge", "sbatch", "srun", "squeue", "scancel", "scontrol", "sinfo")

NODE = "localhost"
# States after which a job never runs again; a requeued job passes through PENDING instead.
FINAL_STATES = frozenset(
    {
        "BOOT_FAIL",
        "CANCELLED",
        "COMPLETED",
        "DEADLINE",
        "FAILED",
        "NODE_FAIL",
        "OUT_OF_MEMORY",
        "PREEMPTED",
        "TIMEOUT",
    }
)
# Environment of an enclosing allocation (the tests may themselves run inside a SLURM job):
# it would make our sbatch and srun talk about the wrong job.
FOREIGN_PREFIXES = ("SLURM_", "SBATCH_", "SRUN_", "SALLOC_", "SQUEUE_", "SINFO_", "SCONTROL_")


class SlurmUnavailable(RuntimeError):
    """SLURM and munge are not installed and cannot be installed on this machine."""


def missing_commands() -> list[str]:
    """The SLURM and munge commands that are not on this machine."""
    return [name for name in DAEMONS + CLIENTS if shutil.which(name, path=SEARCH_PATH) is None]


def ensure_installed(timeout: float = 600) -> None:
    """Install munge and SLURM with .ci/install-slurm when missing, or raise SlurmUnavailable."""
    missing = missing_commands()
    if not missing:
        return
    what = ", ".join(missing)
    if os.geteuid() != 0:
        raise SlurmUnavailable(f"{what} missing and not root: run .ci/install-slurm as root")
    if shutil.which("apt-get") is None:
        raise SlurmUnavailable(f"{what} missing and no apt-get to install Debian's slurm-wlm")
    proc = subprocess.run(
        ["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=timeout
    )
    still = missing_commands()
    if proc.returncode != 0 or still:
        raise SlurmUnavailable(
            f"{INSTALL_SCRIPT.name} could not install {', '.join(still) or what}"
            f" (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}"
        )


def free_ports(count: int) -> list[int]:
    """Distinct free TCP ports on the loopback interface, held open together while picked."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def parse_record(line: str) -> dict[str, str]:
    """Split one line of ``scontrol show -o`` into its Key=Value fields."""
    # Values may contain '=' (TRES=cpu=1,node=1), so a key starts only after whitespace.
    return dict(re.findall(r"(?:^|\s)([^\s=]+)=(.*?)(?=\s+[^\s=]+=|\s*$)", line.strip()))


@dataclass(frozen=True)
class Job:
    """What SLURM says about one job, and what it printed."""

    job_id: str
    state: str
    exit_code: int  # the batch script's exit status
    signal: int  # the signal that ended the batch script, 0 if none
    restarts: int  # how often the job was requeued: SLURM_RESTART_COUNT of its last run
    output: str
    fields: Mapping[str, str] = field(repr=False)

    def __str__(self) -> str:
        head = f"job {self.job_id}: {self.state}, exit {self.exit_code}:{self.signal}"
        return f"{head}, {self.restarts} restarts; output:\n{self.output}"


def slurm_conf(root: Path, *, ctld_port: int, slurmd_port: int, cpus: int) -> str:
    """The slurm.conf of a one-node cluster whose every file lives under ``root``."""
    munge_socket = root / "munge" / "munge.socket"
    user = pwd.getpwuid(os.getuid()).pw_name
    return f"""\
# A one-node test cluster: every path is under {root}, every port on loopback.
ClusterName=dlctest
SlurmctldHost={NODE}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
# The daemons run as whoever starts them (root in CI): jobs then run as that user too.
SlurmUser={user}
SlurmdUser={user}
AuthType=auth/munge
CredType=cred/munge
# cred_expire is also how long a requeued job waits before it may start again (default 120 s);
# 5 is the smallest value Slurm 22.05 accepts.
AuthInfo=socket={munge_socket},cred_expire=5
StateSaveLocation={root / "state"}
SlurmdSpoolDir={root / "spool"}
SlurmctldPidFile={root / "run" / "slurmctld.pid"}
SlurmdPidFile={root / "run" / "slurmd.pid"}
SlurmctldLogFile={root / "log" / "slurmctld.log"}
SlurmdLogFile={root / "log" / "slurmd.log"}
PlugStackConfig={root / "plugstack.conf"}
MailProg=/bin/true
# No cgroups: containers and CI machines often cannot delegate them.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
# CPUs are the only consumable, so jobs need no --mem and two one-task jobs can share the node.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# The main scheduler and backfill run every second (defaults 60 s and 30 s), so a requeued
# job starts as soon as it is eligible again.
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1
# The node counts as configured even where the hardware differs (one core, more cores).
SlurmdParameters=config_overrides
ReturnToService=2
JobRequeue=1
# Keep finished jobs visible to scontrol for a day (there is no accounting database for sacct;
# 0, "never purge", is refused by 22.05).
MinJobAge=86400
# Seconds between SIGTERM and SIGKILL when a job is cancelled, requeued or out of time.
KillWait=5
NodeName={NODE} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory=1024 State=UNKNOWN
PartitionName=debug Nodes={NODE} Default=YES DefaultTime=5 MaxTime=30 State=UP
"""


class SlurmCluster:
    """munged, slurmctld and slurmd for one node, started and stopped by the tests."""

    def __init__(self, root: Path, *, cpus: int = 2) -> None:
        self.root = root
        self.cpus = cpus
        self.conf = root / "slurm.conf"
        self.jobs = root / "jobs"
        self.munge_socket = root / "munge" / "munge.socket"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_PREFIXES)}
        self.env.update(PATH=SEARCH_PATH, SLURM_CONF=str(self.conf))
        self.daemons: dict[str, subprocess.Popen[bytes]] = {}
        self.stopped = False

    @classmethod
    def start(cls, root: Path | None = None, *, cpus: int = 2, timeout: float = 30) -> SlurmCluster:
        """Write the configuration under ``root`` (a new temp dir by default) and start."""
        ensure_installed()
        if root is None:
            # A short path: munge's socket path must fit in a sockaddr_un (108 bytes).
            root = Path(tempfile.mkdtemp(prefix="dlc-slurm-", dir="/tmp"))
        cluster = cls(root, cpus=cpus)
        atexit.register(cluster.stop)  # daemons must not outlive a crashed test session
        try:
            cluster._configure()
            cluster._start_daemons(timeout)
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _configure(self) -> None:
        # munged insists that everyone may traverse the directories that lead to its socket.
        self.root.chmod(0o755)
        for name in ("munge", "state", "spool", "log", "run", "jobs"):
            (self.root / name).mkdir(mode=0o755, exist_ok=True)
        key = self.root / "munge" / "munge.key"
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
        with os.fdopen(fd, "wb") as out:
            out.write(os.urandom(1024))
        ctld_port, slurmd_port = free_ports(2)
        self.conf.write_text(
            slurm_conf(self.root, ctld_port=ctld_port, slurmd_port=slurmd_port, cpus=self.cpus)
        )
        # Read from beside slurm.conf, so no system-wide file in /etc/slurm is ever used.
        (self.root / "cgroup.conf").write_text(
            "# No cgroup plugin is configured; this file only shadows any system one.\n"
            "CgroupPlugin=autodetect\nIgnoreSystemd=yes\n"
        )
        (self.root / "plugstack.conf").write_text("")

    def _start_daemons(self, timeout: float) -> None:
        munge_dir = self.root / "munge"
        # In the foreground munged logs to stderr, which _spawn keeps in log/munged.console.
        self._spawn(
            "munged",
            "--foreground",
            f"--socket={self.munge_socket}",
            f"--key-file={munge_dir / 'munge.key'}",
            f"--pid-file={munge_dir / 'munged.pid'}",
            f"--seed-file={munge_dir / 'munged.seed'}",
        )
        self._until(
            "munged answers",
            lambda: self.run("munge", "-n", "-S", str(self.munge_socket), check=False).returncode
            == 0,
            timeout,
        )
        self._spawn("slurmctld", "-D", "-f", str(self.conf))
        self._spawn("slurmd", "-D", "-f", str(self.conf), "-N", NODE)
        self._until("the node is idle", lambda: self.node_state() == "idle", timeout)

    def _spawn(self, name: str, *args: str) -> None:
        program = shutil.which(name, path=SEARCH_PATH)
        assert program is not None, f"{name} is not installed"
        console = (self.root / "log" / f"{name}.console").open("wb")
        with console:
            # A session of its own: a Ctrl-C meant for pytest must not kill the cluster mid-test.
            self.daemons[name] = subprocess.Popen(
                [program, *args],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _until(self, what: str, ready: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            dead = [name for name, proc in self.daemons.items() if proc.poll() is not None]
            if dead or time.monotonic() > deadline:
                why = f"{', '.join(dead)} exited" if dead else f"not within {timeout:.0f} s"
                raise RuntimeError(
                    f"SLURM test cluster: waiting until {what}: {why}\n{self.logs()}"
                )
            time.sleep(0.1)

    def run(
        self, *args: str, timeout: float = 30, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a SLURM client command (``sinfo``, ``scontrol``...) against this cluster."""
        proc = subprocess.run(
            list(args),
            env=self.env,
            cwd=self.jobs,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if check and proc.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}\n{self.logs()}"
            )
        return proc

    def node_state(self) -> str:
        """The node's state as sinfo prints it (``idle``, ``mixed``, ``allocated``...)."""
        proc = self.run("sinfo", "-h", "-N", "-n", NODE, "-o", "%T", check=False, timeout=10)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    def submit(
        self,
        script: str | Path,
        *args: str,
        env: Mapping[str, str] | None = None,
        script_args: Sequence[str] = (),
    ) -> str:
        """Submit a batch script (its text, or a file) with sbatch options; return the job id.

        ``script_args`` follow the script on sbatch's command line: the script's own arguments.
        """
        if isinstance(script, Path):
            path = script
        else:
            handle, name = tempfile.mkstemp(prefix="job-", suffix=".sh", dir=self.jobs)
            with os.fdopen(handle, "w") as out:
                out.write(script)
            path = Path(name)
        options = list(args)
        if not any(a == "-o" or a.startswith(("-o", "--output")) for a in options):
            options.insert(0, f"--output={self.jobs / 'slurm-%j.out'}")
        proc = subprocess.run(
            ["sbatch", "--parsable", *options, str(path), *script_args],
            env={**self.env, **(env or {})},  # sbatch exports its whole environment to the job
            cwd=self.jobs,
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"sbatch {' '.join(options)} failed: {proc.stderr.strip()}")
        return proc.stdout.strip().split(";")[0]

    def show(self, job_id: str) -> dict[str, str]:
        """The job's record from ``scontrol show job``."""
        proc = self.run("scontrol", "show", "job", "-o", job_id, timeout=10)
        return parse_record(proc.stdout)

    def output(self, job_id: str) -> str:
        """What the job has written to its output file so far."""
        path = Path(self.show(job_id).get("StdOut", ""))
        return path.read_text(errors="replace") if path.is_file() else ""

    def job(self, job_id: str) -> Job:
        """The job's current state, exit status and output."""
        record = self.show(job_id)
        status, _, sig = record.get("ExitCode", "0:0").partition(":")
        path = Path(record.get("StdOut", ""))
        return Job(
            job_id=job_id,
            state=record.get("JobState", "UNKNOWN"),
            exit_code=int(status),
            signal=int(sig or 0),
            restarts=int(record.get("Restarts", "0")),
            output=path.read_text(errors="replace") if path.is_file() else "",
            fields=record,
        )

    def wait(self, job_id: str, timeout: float = 120) -> Job:
        """Wait until the job ends for good (not merely requeued) and return it."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if job.state in FINAL_STATES:
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"{job} still {job.state} after {timeout:.0f} s\n{self.logs()}")
            time.sleep(0.25)

    def wait_output(self, job_id: str, pattern: str, timeout: float = 60, count: int = 1) -> str:
        """Wait until the job's output has ``count`` lines matching ``pattern``; return it."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if len(re.findall(pattern, job.output, re.M)) >= count:
                return job.output
            if job.state in FINAL_STATES or time.monotonic() > deadline:
                raise TimeoutError(f"{job}\nnever printed {count} of {pattern!r}\n{self.logs()}")
            time.sleep(0.1)

    def signal(self, job_id: str, sig: str = "USR1", *, batch: bool = True) -> None:
        """Send a signal with scancel: to the batch shell alone, or to every step."""
        self.run("scancel", f"--signal={sig}", *(["--batch"] if batch else []), job_id)

    def cancel(self, job_id: str) -> None:
        """Cancel the job: SIGTERM to its processes, SIGKILL after KillWait."""
        self.run("scancel", job_id)

    def cancel_all(self, timeout: float = 20) -> None:
        """Cancel every job and wait until none is left (KillWait is 5 s)."""
        listing = self.run("squeue", "-h", "-o", "%i", check=False, timeout=10)
        ids = listing.stdout.split()
        if not ids:
            return
        self.run("scancel", *ids, check=False, timeout=10)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.run("squeue", "-h", "-o", "%i", check=False, timeout=10).stdout.strip():
                return
            time.sleep(0.25)

    def logs(self, lines: int = 30) -> str:
        """The last lines of each daemon's log, for error messages."""
        # A daemon's console repeats its log file, but also holds what it said before it
        # could open that file (a bad slurm.conf): show it only where there is no log file.
        log = self.root / "log"
        consoles = [p for p in log.glob("*.console") if not p.with_suffix(".log").exists()]
        parts = []
        for path in sorted([*log.glob("*.log"), *consoles]):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    def processes(self) -> list[int]:
        """Every process started by this cluster: daemons, job steps and what they ran."""
        # slurmd double-forks slurmstepd, so parentage cannot find job processes; the
        # environment they all inherit from us can (TF workers may even ignore SIGTERM).
        marker = f"SLURM_CONF={self.conf}".encode()
        spared = {os.getpid(), os.getppid()}
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) in spared:
                continue
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
            except OSError:  # gone already, or a process we may not read
                continue
            if marker in environ:
                found.append(int(entry.name))
        return found

    def stop(self, *, keep: bool = False) -> None:
        """Cancel jobs, stop the daemons, SIGKILL whatever is left, remove the directory."""
        if self.stopped:
            return
        self.stopped = True
        if self.daemons.get("slurmctld") and self.daemons["slurmctld"].poll() is None:
            # Should cancelling fail, the SIGKILL sweep below still ends every job process.
            with contextlib.suppress(OSError, RuntimeError, subprocess.TimeoutExpired):
                self.cancel_all()
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self.daemons.get(name)
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for _ in range(10):
            leftovers = self.processes()
            if not leftovers:
                break
            for pid in leftovers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)
