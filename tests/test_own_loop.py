# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The engine with an experiment that trains itself (``run``) and draws its own ``figures``.

A tiny package in a temporary project, run in subprocesses as a participant runs it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "looppkg"
README = """# Loop

<!-- dlc:results:start -->
(no results yet)
<!-- dlc:results:end -->
"""
PAPER = """seeds = 3
epochs = 1
offset = 0.0
figure = "good"
sleep = 0.0
"""
CLAIMS = """[[claims]]
id = "score-high"
metric = "score"
value = 0.9
tolerance = 0.05
direction = "higher"
where = "Table 1"
"""
# run() counts its calls in calls.txt and returns a deterministic metric per seed; figures()
# draws one PNG (or, when told, names a file it did not write).
EXPERIMENT = """
import time
from pathlib import Path


def run(config, seed, seed_dir):
    time.sleep(config["sleep"])
    with open(Path(seed_dir).parent / "calls.txt", "a") as f:
        f.write(f"{seed}\\n")
    (Path(seed_dir) / "own.txt").write_text("written by run")
    if config["figure"] == "not a dict":
        return [0.9]
    return {"score": 0.95 + 0.01 * seed + config["offset"]}


def figures(run_dir, metrics_by_seed, out_dir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar(list(metrics_by_seed), [m["score"] for m in metrics_by_seed.values()])
    fig.savefig(Path(out_dir) / "scores.png")
    plt.close(fig)
    shown = [(f"Scores of {len(metrics_by_seed)} seeds", "scores.png")]
    if (Path(run_dir) / "ask-missing").exists():
        shown.append(("never drawn", "missing.png"))
    return shown
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "Loop2026"
    package = root / "src" / PACKAGE
    package.mkdir(parents=True)
    (root / "configs").mkdir()
    (root / "configs" / "paper.toml").write_text(PAPER)
    (root / "configs" / "smoke.toml").write_text('base = "paper"\nseeds = 2\njudge = false\n')
    (root / "claims.toml").write_text(CLAIMS)
    (root / "README.md").write_text(README)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(
        "import sys\nfrom dlc_common.run.app import main\nsys.exit(main(package=__package__))\n"
    )
    (package / "experiment.py").write_text(textwrap.dedent(EXPERIMENT))
    return root


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(project / "src"), str(ROOT)])}
    return subprocess.run(
        [sys.executable, "-m", PACKAGE, *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_paper_replication_with_own_loop_and_figures(project: Path) -> None:
    run_dir = project / "runs" / "one"
    result = run(project, "replicate", "--profile", "paper", "--run-dir", str(run_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    # run() was called once per seed, with the seed directory made for it.
    assert (run_dir / "calls.txt").read_text().split() == ["0", "1", "2"]
    for seed in range(3):
        saved = json.loads((run_dir / f"seed-{seed}" / "metrics.json").read_text())
        assert saved["metrics"] == {"score": pytest.approx(0.95 + 0.01 * seed)}
        assert saved["seconds"] >= 0
        assert (run_dir / f"seed-{seed}" / "own.txt").is_file()
    report = (project / "report" / "REPORT.md").read_text()
    assert "**Scores of 3 seeds**\n\n![Scores of 3 seeds](scores.png)" in report
    assert (project / "report" / "scores.png").read_bytes()[:4] == b"\x89PNG"
    # No history: the hint about learning curves gives way to the experiment's figures.
    assert "No learning curve" not in report
    readme = (project / "README.md").read_text()
    assert "(no results yet)" not in readme and "✅ reproduced" in readme

    # Run again into the same directory: finished seeds are not trained again.
    again = run(project, "replicate", "--profile", "paper", "--run-dir", str(run_dir))
    assert again.returncode == 0, again.stdout + again.stderr
    assert (run_dir / "calls.txt").read_text().split() == ["0", "1", "2"]
    assert "done earlier" in again.stdout


def test_a_claim_not_reproduced_still_writes_the_report(project: Path) -> None:
    run_dir = project / "runs" / "low"
    args = ["--profile", "paper", "--run-dir", str(run_dir), "offset=-0.5", "--publish"]
    result = run(project, "replicate", *args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "claim score-high not reproduced" in result.stderr
    readme = (project / "README.md").read_text()
    assert "❌ not reproduced" in readme and "this run changed `offset=-0.5`" in readme
    assert (project / "report" / "scores.png").is_file()


def test_own_loop_errors_name_the_fix(project: Path) -> None:
    bad = run(
        project,
        "train",
        "--profile",
        "smoke",
        "--run-dir",
        str(project / "r1"),
        'figure="not a dict"',
    )
    assert bad.returncode == 2
    assert "experiment.run must return {metric: float}, not list" in bad.stderr

    run_dir = project / "r2"
    run_dir.mkdir()
    (run_dir / "ask-missing").touch()
    missing = run(project, "replicate", "--profile", "smoke", "--run-dir", str(run_dir))
    assert missing.returncode == 2
    assert "experiment.figures named files it did not write" in missing.stderr
    assert "missing.png" in missing.stderr

    evaluate = run(project, "evaluate", "--profile", "smoke", "--run-dir", str(run_dir))
    assert evaluate.returncode == 2
    assert "own loop (experiment.run)" in evaluate.stderr


def test_a_stop_signal_finishes_the_seed_then_exits_75_and_resumes(project: Path) -> None:
    run_dir = project / "runs" / "stopped"
    args = ["replicate", "--profile", "paper", "--run-dir", str(run_dir)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(project / "src"), str(ROOT)])}
    process = subprocess.Popen(
        [sys.executable, "-m", PACKAGE, *args, "sleep=3.0"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (run_dir / "seed-0").is_dir():  # seed 0 is sleeping in run()
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 75, out + err
    assert "stopped by signal" in err and "to resume" in err
    assert (run_dir / "seed-0" / "metrics.json").is_file()  # the seed finished and was kept
    assert not (run_dir / "seed-1").exists()

    resumed = run(project, *args, "sleep=3.0")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert (run_dir / "calls.txt").read_text().split() == ["0", "1", "2"]
