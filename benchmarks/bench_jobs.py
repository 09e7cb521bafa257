# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tasks side by side: ``train --jobs 2`` against ``--jobs 1`` on a grid of small models.

1. The template's stub experiment (2 variants) with 4 seeds each, 8 tasks of a small MLP,
   trained by one process and by two worker processes (each with half the cores), on fresh
   run directories; prints both wall times and the speed-up (goal on 2 cores: at least 1.6),
   and whether the metrics are the same (they must be: the profile is deterministic).
2. What one process costs a task before and after it trains (interpreter, TensorFlow's
   import, the experiment's module, the run's records): the wall time of training one small
   task less the task's own training time in its metrics.json (goal: under 3 s). A job array
   index with one task pays it once per task; a ``--jobs`` worker once per run.

Run with ``nox -s bench`` or ``python benchmarks/bench_jobs.py [--runs N]``; no figure here is
a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template" / "{{cookiecutter.__repo_name}}"
PACKAGE = "benchstub"
GRID = ["--profile", "smoke", "seeds=[0,1,2,3]", "epochs=20", "data.samples=4000"]
ONE_TASK = ["--profile", "smoke", "seeds=[0]", "epochs=1", "--only", "depth/one-layer"]


def stub_project(where: Path) -> Path:
    """The template's stub as a repository under a plain package name (it holds no Jinja)."""
    root = where / "Bench2026"
    root.mkdir()
    shutil.copytree(TEMPLATE / "configs", root / "configs")
    shutil.copy(TEMPLATE / "claims.toml", root / "claims.toml")
    shutil.copytree(TEMPLATE / "src" / "{{cookiecutter.__package_name}}", root / "src" / PACKAGE)
    (root / "README.md").write_text("# Bench\n", encoding="utf-8")
    identity = ["-c", "user.name=B", "-c", "user.email=b@example.org"]
    for args in (["init", "-q"], ["add", "."], [*identity, "commit", "-q", "-m", "stub"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return root


def train(project: Path, run_dir: Path, *args: str) -> float:
    """Wall seconds of ``python -m PACKAGE train ARGS --run-dir RUN_DIR`` (which must pass)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(project / "src"), str(ROOT)]),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
    }
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", PACKAGE, "train", *args, "--run-dir", str(run_dir)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"train {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds


def metrics(run_dir: Path) -> dict[str, dict[str, float]]:
    return {
        str(p.parent.relative_to(run_dir)): json.loads(p.read_text())["metrics"]
        for p in sorted(run_dir.glob("depth/*/seed-*/metrics.json"))
    }


def speedup(project: Path, scratch: Path, runs: int) -> None:
    times: dict[int, list[float]] = {1: [], 2: []}
    results: dict[int, dict[str, dict[str, float]]] = {}
    for attempt in range(runs):  # interleaved; the fastest of each counts
        for jobs in (1, 2):
            run_dir = scratch / f"grid-{jobs}-{attempt}"
            times[jobs].append(train(project, run_dir, *GRID, "--jobs", str(jobs)))
            results[jobs] = metrics(run_dir)
    one, two = min(times[1]), min(times[2])
    ratio = one / two
    same = results[1] == results[2] and len(results[1]) == 8
    print(
        f"8 tasks (2 variants x 4 seeds, 20 epochs of 4,000 samples) on {os.cpu_count()} cores: "
        f"--jobs 1 {one:.1f} s, --jobs 2 {two:.1f} s (fastest of {runs}); speed-up "
        f"{ratio:.2f}x [goal >= 1.6x: {'met' if ratio >= 1.6 else 'NOT MET'}]; "
        f"metrics identical: {same}"
    )


def overhead(project: Path, scratch: Path, runs: int) -> None:
    costs = []
    for attempt in range(runs):
        run_dir = scratch / f"one-{attempt}"
        wall = train(project, run_dir, *ONE_TASK)
        (done,) = run_dir.glob("depth/*/seed-*/metrics.json")
        costs.append(wall - json.loads(done.read_text())["seconds"])
    median = statistics.median(costs)
    imports = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, capture_output=True)
        imports.append(time.perf_counter() - started)
    print(
        f"a fresh interpreter importing TensorFlow: {statistics.median(imports):.2f} s "
        f"(median of {runs})"
    )
    print(
        f"one process per task: {median:.2f} s beside the task's own training (median of "
        f"{runs}; max {max(costs):.2f} s), TensorFlow's import included "
        f"[goal < 3 s: {'met' if median < 3 else 'NOT MET'}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2, help="timings of each (default 2)")
    args, _ = parser.parse_known_args()  # nox -s bench passes every script the same arguments
    with tempfile.TemporaryDirectory() as tmp:
        project = stub_project(Path(tmp))
        overhead(project, Path(tmp) / "runs", max(args.runs, 3))
        speedup(project, Path(tmp) / "runs", args.runs)


if __name__ == "__main__":
    main()
