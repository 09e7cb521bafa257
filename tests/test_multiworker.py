# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two worker processes on 127.0.0.1 (TF_CONFIG) train as one process does, and stop together."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.cluster.slurm import free_ports
from tests.conftest import announce

pytestmark = pytest.mark.slow

JOB = Path(__file__).with_name("multiworker_job.py")
EPOCHS = 8
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def start(
    python: Path, out: Path, run_dir: Path, workers: int, epochs: int = EPOCHS
) -> list[subprocess.Popen[str]]:
    """Start the job's workers (one process without TF_CONFIG when ``workers`` is 1)."""
    ports = free_ports(workers)
    procs = []
    for index in range(workers):
        env = {**os.environ, **QUIET}
        env.pop("TF_CONFIG", None)
        if workers > 1:
            cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
            env["TF_CONFIG"] = json.dumps(
                {"cluster": cluster, "task": {"type": "worker", "index": index}}
            )
        args = [str(python), str(JOB), str(out / f"worker{index}.npz"), str(run_dir), str(epochs)]
        log = (out / f"worker{index}.log").open("w")
        procs.append(
            subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        )
        log.close()
    return procs


def finish(
    procs: list[subprocess.Popen[str]], out: Path, timeout: float = 180, expect: int | None = 0
) -> list[int]:
    """Wait for every worker; SIGKILL all of them on a timeout (a worker alone ignores SIGTERM).

    Every worker must exit with ``expect`` (with the same status, whatever it is, for None).
    """
    deadline = time.monotonic() + timeout
    try:
        for proc in procs:
            proc.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    logs = "\n".join(p.read_text() for p in sorted(out.glob("worker*.log")))
    codes = [p.returncode for p in procs]
    assert codes == [codes[0] if expect is None else expect] * len(procs), logs
    return codes


def ready(out: Path, workers: int, procs: list[subprocess.Popen[str]]) -> None:
    """Wait until every worker has printed "ready": it takes stop signals as requests."""
    deadline = time.monotonic() + 120
    logs = [out / f"worker{i}.log" for i in range(workers)]
    while not all(log.exists() and "ready" in log.read_text() for log in logs):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.02)


def train(python: Path, out: Path, workers: int, epochs: int = EPOCHS) -> list[dict]:
    out.mkdir()
    finish(start(python, out, out / "run", workers, epochs), out)
    return [load(out / f"worker{i}.npz") for i in range(workers)]


def load(path: Path) -> dict:
    with np.load(path) as saved:
        return {
            "weights": [
                saved[f"w{i}"] for i in range(len([k for k in saved.files if k[0] == "w"]))
            ],
            "history": json.loads(str(saved["history"])),
            "replicas": int(saved["replicas"]),
            "completed": bool(saved["completed"]),
            "signal": int(saved["signal"]),
        }


def max_difference(a: dict, b: dict) -> float:
    return max(float(np.abs(x - y).max()) for x, y in zip(a["weights"], b["weights"], strict=True))


def metrics(run: dict) -> list[list[float]]:
    keys = ("loss", "accuracy", "val_loss", "val_accuracy")
    return [[row[k] for k in keys] for row in run["history"]]


@pytest.fixture(scope="module")
def two_workers(tf_python: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    return train(tf_python, tmp_path_factory.mktemp("mw") / "two", workers=2)


def test_two_workers_match_one_worker_with_the_same_global_batch(
    tf_python: Path, two_workers: list[dict], tmp_path: Path
) -> None:
    (one,) = train(tf_python, tmp_path / "one", workers=1)
    chief, other = two_workers
    assert (one["replicas"], chief["replicas"]) == (1, 2)
    assert chief["completed"] and other["completed"]
    # The replicas of a step end with the same weights, bit for bit.
    assert max_difference(chief, other) == 0.0
    # Each worker took half of every global batch of 32: same updates as one process, up to
    # float rounding (sums in another order); Keras fit's history, and the step loop's, agree.
    difference = max_difference(chief, one)
    print(f"2 workers vs 1: largest weight difference {difference:.2e} after {EPOCHS} epochs")
    assert difference < 1e-5
    assert np.allclose(metrics(chief), metrics(one), rtol=1e-5, atol=1e-6)
    assert [row["epoch"] for row in chief["history"]] == list(range(1, EPOCHS + 1))


def test_a_signal_to_one_worker_stops_both_after_the_same_epoch(
    tf_python: Path, tmp_path: Path
) -> None:
    """SIGUSR1 to the non-chief alone: both stop after the same epoch, the chief saves."""
    out, run_dir = tmp_path / "stopped", tmp_path / "run"
    out.mkdir()
    procs = start(tf_python, out, run_dir, workers=2)
    history = run_dir / "history.jsonl"
    deadline = time.monotonic() + 120
    while not (history.exists() and len(history.read_text().splitlines()) >= 2):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.05)
    procs[1].send_signal(signal.SIGUSR1)
    finish(procs, out, expect=75)
    stopped = [load(out / f"worker{i}.npz") for i in range(2)]
    assert [(r["completed"], r["signal"]) for r in stopped] == [(False, signal.SIGUSR1)] * 2
    epoch = stopped[0]["history"][-1]["epoch"]
    assert 2 <= epoch < EPOCHS and stopped[1]["history"][-1]["epoch"] == epoch
    # Only the chief wrote the run directory: its backup of the epoch it stopped after.
    assert sorted(p.name for p in (run_dir / "backup").iterdir()) == [f"epoch-{epoch:06d}"]
    # Resuming from it and matching an uninterrupted run: tests/cluster/test_job.py, on SLURM.


# Runs that a stop signal ends, over one or more resumed chains: 8 in every test run (about 7
# minutes on 2 loaded cores, each run two TensorFlow start-ups), more for a longer hunt
# (DLC_STRESS_STOPS=30, about 25 minutes). The seed changes every run, so CI runs add up.
STRESS_STOPS = int(os.environ.get("DLC_STRESS_STOPS", "8"))
STRESS_EPOCHS = 40  # short epochs: most runs are stopped before the end
STOPS = (signal.SIGUSR1, signal.SIGTERM, signal.SIGINT)


def test_stop_signals_at_random_moments_under_load_end_in_75_and_resume_exactly(
    tf_python: Path, tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    """Random stop signals to random workers, at random moments, while the CPU is loaded.

    Every run ends with both workers exiting 75 after the same epoch, the chief's backup of
    that epoch on disk (or, when the signal came after the last epoch was agreed, with both
    done and exiting 0); each chain of resumed runs ends with the uninterrupted run's weights,
    bit for bit. A signal that reached one worker while the other was already in an all-reduce
    once made both abort ("Collective instance ... expected type 0 ... but got type 2").
    """
    seed = int(os.environ.get("DLC_STRESS_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    announce(
        pytestconfig,
        f"stop-signal stress test: {STRESS_STOPS} stopped runs of two workers, several minutes "
        f"(DLC_STRESS_SEED={seed} repeats it)",
    )
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])  # the load
    stops, runs, chains, window = 0, 0, 0, 8.0
    started = time.monotonic()
    try:
        reference, _ = train(tf_python, tmp_path / "reference", 2, STRESS_EPOCHS)
        while stops < STRESS_STOPS:
            chains += 1
            run_dir, epoch = tmp_path / f"chain{chains}" / "run", 0
            while True:
                runs += 1
                assert runs <= 2 * STRESS_STOPS, "too few signals landed before training ended"
                out = tmp_path / f"chain{chains}" / f"start{runs}"
                out.mkdir(parents=True)
                procs = start(tf_python, out, run_dir, 2, STRESS_EPOCHS)
                ready(out, 2, procs)
                # Any moment from start-up (TensorFlow's import, strategy set-up with the peer
                # not there yet) on; mostly early, so that a run costs a start and an epoch or
                # two, and now and then late (the last epochs, the final barrier, the exit).
                time.sleep(rng.uniform(0.0, 3.0 if rng.random() < 0.8 else window))
                targets = rng.choice([[0], [1], [0, 1]])
                for target in targets:
                    if procs[target].poll() is None:
                        procs[target].send_signal(rng.choice(STOPS))
                if rng.random() < 0.3:  # a second request to one of them, a moment later
                    time.sleep(rng.uniform(0.0, 0.5))
                    target = rng.choice(targets)
                    if procs[target].poll() is None:
                        procs[target].send_signal(rng.choice(STOPS[:2]))
                code, _ = finish(procs, out, expect=None)
                result = [load(out / f"worker{i}.npz") for i in range(2)]
                last = [r["history"][-1]["epoch"] if r["history"] else epoch for r in result]
                assert last[0] == last[1], f"run {runs}: workers stopped after epochs {last}"
                assert last[0] > epoch, f"run {runs}: no epoch trained since epoch {epoch}"
                if code == 0:
                    assert all(r["completed"] for r in result) and last[0] == STRESS_EPOCHS
                    window *= 0.7  # the signal came too late: aim earlier
                    break
                assert code == 75, f"run {runs}: both workers exited {code}"
                assert not any(r["completed"] for r in result) and last[0] < STRESS_EPOCHS
                backups = sorted(p.name for p in (run_dir / "backup").iterdir())
                assert backups == [f"epoch-{last[0]:06d}"], backups
                stops, epoch = stops + 1, last[0]
                if stops >= STRESS_STOPS:  # the last chain is finished without a signal
                    code, _ = finish(start(tf_python, out, run_dir, 2, STRESS_EPOCHS), out)
                    result = [load(out / f"worker{i}.npz") for i in range(2)]
                    break
            chief, other = result
            assert max_difference(chief, other) == 0.0
            assert max_difference(chief, reference) == 0.0, f"chain {chains} differs"
            history = [json.loads(line) for line in (run_dir / "history.jsonl").open()]
            assert [row["epoch"] for row in history] == list(range(1, STRESS_EPOCHS + 1))
            assert metrics({"history": history}) == metrics(reference)
    finally:
        burner.kill()
        burner.wait()
    print(
        f"{stops} runs stopped by signals, all resumed: {runs} runs in {chains} chain(s), "
        f"{time.monotonic() - started:.0f} s"
    )
