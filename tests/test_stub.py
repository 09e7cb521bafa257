# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The template's stub package, run as a participant runs it: train, evaluate, replicate.

The stub is copied out of template/ under a plain package name (it holds no Jinja), and run
in subprocesses: the kill-and-resume test kills a real training process with SIGKILL.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template" / "{{cookiecutter.__repo_name}}"
PACKAGE = "stubpkg"
README = """# Stub

<!-- dlc:results:start -->
(no results yet)
<!-- dlc:results:end -->

The end.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "Stub2026"
    root.mkdir()
    shutil.copytree(TEMPLATE / "configs", root / "configs")
    shutil.copy(TEMPLATE / "claims.toml", root / "claims.toml")
    shutil.copytree(TEMPLATE / "src" / "{{cookiecutter.__package_name}}", root / "src" / PACKAGE)
    (root / "README.md").write_text(README)
    identity = ["-c", "user.name=T", "-c", "user.email=t@example.org"]
    for args in (["init", "-q"], ["add", "."], [*identity, "commit", "-q", "-m", "baked"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return root


def run(project: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", PACKAGE, *args],
        cwd=project,
        env=_env(project),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _env(project: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(project / "src"), str(ROOT)])}


# The stub's experiment and its variants (configs/paper.toml): every task is one of them and
# a seed, in runs/<profile>/<run>/depth/<variant>/seed-<n>.
VARIANTS = ("one-layer", "two-layers")
FIRST = Path("depth", "one-layer")  # the variant trained first
ONLY_FIRST = ["--only", "depth/one-layer"]


def only_run_dir(project: Path, profile: str) -> Path:
    (run_dir,) = (project / "runs" / profile).iterdir()
    return run_dir


def test_stub_files_hold_no_jinja() -> None:
    stub = [
        *(TEMPLATE / "src").rglob("*"),
        *(TEMPLATE / "configs").rglob("*"),
        TEMPLATE / "claims.toml",
    ]
    for path in stub:
        if path.is_file():
            text = path.read_text()
            assert "{{" not in text and "{%" not in text, path
            assert "SPDX-License-Identifier: GPL-3.0-or-later" in text, path


def test_smoke_replicate_leaves_evidence_and_is_not_judged(project: Path) -> None:
    result = run(project, "replicate", "--profile", "smoke")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "claim stub-accuracy: not judged" in result.stdout
    assert "TF_ENABLE_ONEDNN_OPTS" not in result.stderr  # TensorFlow's start-up noise is off
    run_dir = only_run_dir(project, "smoke")
    config = json.loads((run_dir / "config.json").read_text())
    assert config["profile"] == "smoke" and config["values"]["epochs"] == 3
    env = json.loads((run_dir / "environment.json").read_text())
    assert env["seeds"] == [0, 1] and env["precision"] == "float32"
    assert {"git", "packages", "command", "slurm_job_id", "tensorflow"} <= set(env)
    assert env["tensorflow"]["devices"] and "keras" in env["packages"]
    assert len(env["git"]["commit"]) == 40 and env["git"]["dirty"] is False
    tasks = [Path("depth", variant, f"seed-{seed}") for variant in VARIANTS for seed in (0, 1)]
    assert sorted(p.relative_to(run_dir) for p in run_dir.glob("depth/*/seed-*")) == sorted(tasks)
    for task in tasks:
        seed_dir = run_dir / task
        assert json.loads((seed_dir / "task.json").read_text())["variant"] == task.parts[1]
        history = [
            json.loads(line) for line in (seed_dir / "history.jsonl").read_text().splitlines()
        ]
        assert [row["epoch"] for row in history] == [1, 2, 3]
        assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(history[0])
        metrics = json.loads((seed_dir / "metrics.json").read_text())["metrics"]
        assert set(metrics) == {"test_accuracy", "test_loss"}
        assert (seed_dir / "model.keras").is_file() and not (seed_dir / "backup").exists()
    verdicts = json.loads((run_dir / "verdicts.json").read_text())
    assert [v["status"] for v in verdicts] == ["not judged", "not judged"]
    report = (run_dir / "report" / "REPORT.md").read_text()
    assert "## Results: paper versus replication" in report and "not judged" in report
    assert (run_dir / "report" / "depth-test_accuracy.png").is_file()  # a curve per variant
    # The smoke profile publishes nothing: no report/ at the root, README untouched.
    assert not (project / "report").exists()
    assert (project / "README.md").read_text() == README

    evaluated = run(project, "evaluate", "--profile", "smoke")
    assert evaluated.returncode == 0, evaluated.stderr[-3000:]
    again = json.loads((run_dir / "evaluation.json").read_text())
    for task in tasks:
        saved = json.loads((run_dir / task / "metrics.json").read_text())["metrics"]
        variant = again[f"depth/{task.parts[1]}"]
        assert variant[task.name.removeprefix("seed-")] == pytest.approx(saved, rel=1e-6)


def test_paper_profile_judges_claims_and_rewrites_the_readme(project: Path) -> None:
    # The shipped paper profile, as a participant would run it first.
    result = run(project, "replicate", "--profile", "paper")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "claim stub-accuracy: reproduced" in result.stdout
    run_dir = only_run_dir(project, "paper")
    report = (project / "report" / "REPORT.md").read_text()
    assert "✅ reproduced" in report and "(n=5)" in report
    assert {p.name for p in (project / "report").iterdir()} == {
        "REPORT.md",
        "metrics.json",
        "seeds.csv",
        "depth-test_accuracy.png",
        "depth-test_accuracy-seeds.png",
        "depth-loss.png",
    }
    assert "claim stub-depth: reproduced (paired over the same 5 seeds" in result.stdout
    assert "| 1 hidden layer | " in report and "95% paired t: [" in report
    readme = (project / "README.md").read_text()
    assert "(no results yet)" not in readme and "✅ reproduced" in readme
    assert readme.startswith("# Stub\n") and readme.endswith("The end.\n")
    # The run records the claims it started with and judged (fingerprints, fields, time).
    record = json.loads((run_dir / "claims.json").read_text())
    assert record["profile"] == "paper" and len(record["starts"]) == len(record["judged"]) == 1
    judged = record["judged"][0]
    assert judged["command"] == "replicate" and judged["judged"] and judged["time"]
    assert judged["claims"]["stub-accuracy"]["fields"]["tolerance"] == 0.05
    assert judged["claims"]["stub-accuracy"]["status"] == "reproduced"
    assert judged["fingerprint"] == record["starts"][0]["fingerprint"]
    assert "### Pre-registration\n\nEvery claim's value, tolerance" in report

    # A claim the stub cannot meet: judged on the same runs (no retraining), exit 1.
    claims = project / "claims.toml"
    claims.write_text(
        claims.read_text()
        .replace("value = 0.9\n", "value = 0.9999\n", 1)
        .replace("tolerance = 0.05", "tolerance = 0.0")
    )
    failed = run(project, "replicate", "--profile", "paper", "--run-dir", str(run_dir))
    assert failed.returncode == 1, failed.stderr[-3000:]
    assert "done earlier" in failed.stdout and ": training" not in failed.stdout
    assert "claim stub-accuracy not reproduced" in failed.stderr
    assert "❌ not reproduced" in (project / "README.md").read_text()
    # Judged again with another value and tolerance: the report marks it, from the record.
    tuned = (project / "report" / "REPORT.md").read_text()
    assert (
        "- **stub-accuracy**: not reproduced — " in tuned
        and "**changed after the first paper run**: value 0.9 → 0.9999; tolerance 0.05 → 0 "
        in tuned
    )
    assert len(json.loads((run_dir / "claims.json").read_text())["judged"]) == 2
    # The first run rewrote report/ and the README's table: of the second run's code only
    # the edited claims.toml counts as changed.
    environment = json.loads((run_dir / "environment.json").read_text())
    assert environment["git"]["changed"] == ["claims.toml"]
    assert "Judged and drawn with the same code." in (project / "report" / "REPORT.md").read_text()

    # No claim at all: refused before any training, with what to do, and nothing left behind.
    good_claims = claims.read_text()
    claims.write_text("# no claims yet\n")
    before = sorted((project / "runs" / "paper").iterdir())
    empty = run(project, "replicate", "--profile", "paper")
    assert empty.returncode == 2
    assert "registers no claim: add a [[claims]] table" in empty.stderr
    assert sorted((project / "runs" / "paper").iterdir()) == before
    claims.write_text(good_claims)


def test_only_the_papers_settings_publish_and_report_redraws_a_run(project: Path) -> None:
    readme = project / "README.md"
    # The paper profile with changed settings: judged, but its report stays in its run.
    quick = project / "runs" / "quick"
    args = ["replicate", "--profile", "paper", "--run-dir", str(quick), "epochs=2", "seeds=[0,1]"]
    result = run(project, *args)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert not (project / "report").exists() and readme.read_text() == README
    assert "not rewritten: this run changes configs/paper.toml (epochs=2, seeds=[0, 1])" in (
        result.stderr
    )
    own = (quick / "report" / "REPORT.md").read_text()
    assert "**Not the settings of `configs/paper.toml`**: this run changed `epochs=2`" in own
    # --publish publishes it all the same, the changed settings shown in report and README.
    history = (quick / FIRST / "seed-0" / "history.jsonl").read_text()
    published = run(project, "report", "--run-dir", str(quick), "--publish")
    assert published.returncode == result.returncode, published.stderr[-3000:]
    assert "Not the settings of configs/paper.toml" in readme.read_text()
    assert "`seeds=[0, 1]`" in (project / "report" / "REPORT.md").read_text()
    assert (quick / FIRST / "seed-0" / "history.jsonl").read_text() == history  # nothing retrained
    # report --run-dir redraws a run's report from its saved metrics, without training.
    for path in (quick / "report").iterdir():
        path.unlink()
    again = run(project, "report", "--run-dir", str(quick))
    assert again.returncode == result.returncode, again.stderr[-3000:]
    assert (quick / "report" / "REPORT.md").read_text() == own
    assert "training" not in again.stdout and "seed 0:" not in again.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--profile", "paper"], "no run there (no config.json)"),
        (["replicate", "--profile", "smoke", "--publish"], "only the 'paper' profile publishes"),
    ],
)
def test_report_and_publish_refusals(project: Path, args: list[str], message: str) -> None:
    result = run(project, *args, "--run-dir", str(project / "runs" / "none"))
    assert result.returncode == 2, result.stderr[-3000:]
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (project / "runs" / "none").exists()


def test_a_package_run_in_another_replications_repository_is_refused(
    project: Path, tmp_path: Path
) -> None:
    other = tmp_path / "OtherEtAl2021"
    shutil.copytree(project / "configs", other / "configs")
    (other / "src" / "otherpkg").mkdir(parents=True)
    (other / "src" / "otherpkg" / "__init__.py").write_text("")
    result = subprocess.run(
        [sys.executable, "-m", PACKAGE, "train", "--profile", "smoke"],
        cwd=other,
        env=_env(project),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stderr[-3000:]
    assert f"{other} is the repository of otherpkg, not of {PACKAGE}" in result.stderr
    assert not (other / "runs").exists()


def test_report_of_an_unfinished_run_says_how_to_finish_it(project: Path) -> None:
    run_dir = project / "runs" / "half"
    trained = run(project, "train", "--profile", "smoke", "--run-dir", str(run_dir), "seeds=[0,1]")
    assert trained.returncode == 0, trained.stderr[-3000:]
    (run_dir / FIRST / "seed-1" / "metrics.json").unlink()
    shutil.rmtree(run_dir / "depth" / "two-layers" / "seed-0")
    result = run(project, "report", "--run-dir", str(run_dir))
    assert result.returncode == 2, result.stderr[-3000:]
    assert "not finished (2 of 4 task(s) without metrics: 1 started, 1 not started):" in (
        result.stderr
    )
    assert "\n  depth/one-layer/seed-1: started, 3 epochs recorded" in result.stderr
    assert "\n  depth/two-layers/seed-0: not started\n" in result.stderr
    assert f"replicate --profile smoke --run-dir {run_dir}" in result.stderr
    assert "report --partial" in result.stderr and not (run_dir / "report").exists()
    # On request, what is there: an incomplete report, never published, never exit 0.
    partial = run(project, "report", "--run-dir", str(run_dir), "--partial")
    assert partial.returncode == 1, partial.stderr[-3000:]
    assert "the report is incomplete: 2 task(s) without metrics" in partial.stderr
    text = (run_dir / "report" / "REPORT.md").read_text()
    assert "**Incomplete run**: 2 task(s) had no metrics when this report was drawn" in text
    assert "`depth/one-layer/seed-1`, `depth/two-layers/seed-0`" in text
    record = json.loads((run_dir / "report" / "metrics.json").read_text())
    assert record["incomplete"] == ["depth/one-layer/seed-1", "depth/two-layers/seed-0"]
    assert sorted(record["results"]) == ["depth/one-layer", "depth/two-layers"]
    assert sorted(record["results"]["depth/one-layer"]) == ["0"]
    (run_dir / "config.json").write_text("{not json")
    damaged = run(project, "report", "--run-dir", str(run_dir))
    assert damaged.returncode == 2 and "config.json: cannot be read" in damaged.stderr
    assert "Traceback" not in damaged.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["train", "--profile", "smoke", "epoch=2"],
            "epoch: unknown key (on the command line); " "did you mean 'epochs'?",
        ),
        (["train", "--profile", "smoke", "epochs=two"], "epochs: expected an integer"),
        (["train", "--profile", "smok"], "did you mean 'smoke'?"),
        (["evaluate", "--profile", "paper"], "no run of profile 'paper'"),
        (["replicate", "--profile", "paper", "learning_rate=nan"], "nan (on the command line)"),
        (["replicate", "--profile", "paper", "learning_rate=inf"], "is not a finite number"),
        (["train", "--profile", "smoke", "learning_rate=-0.1"], "expected a number > 0"),
    ],
)
def test_bad_input_is_one_line(project: Path, args: list[str], message: str) -> None:
    result = run(project, *args)
    assert result.returncode == 2, result.stderr[-3000:]
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def final_weights(path: Path) -> list:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras

    return keras.saving.load_model(path).get_weights()


def test_kill_and_resume_gives_the_uninterrupted_weights(project: Path, tmp_path: Path) -> None:
    import numpy as np

    settings = ["--profile", "smoke", *ONLY_FIRST, "seeds=[0]", "epochs=8", "data.samples=2000"]
    settings.append("backup_seconds=0")  # back up every epoch, so that the kill has one
    straight = tmp_path / "straight"
    again = tmp_path / "again"
    killed = tmp_path / "killed"
    # The reference run also trains seed 1, to show that the weight comparison can fail.
    result = run(project, "train", "--run-dir", str(straight), *settings, "seeds=[0, 1]")
    assert result.returncode == 0, result.stderr[-3000:]
    result = run(project, "train", "--run-dir", str(again), *settings)
    assert result.returncode == 0, result.stderr[-3000:]

    # Start a run and SIGKILL it once it has finished two epochs: no chance to clean up.
    history = killed / FIRST / "seed-0" / "history.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", PACKAGE, "train", "--run-dir", str(killed), *settings],
        cwd=project,
        env=_env(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if history.exists() and len(history.read_text().splitlines()) >= 2:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    epochs_before = len(history.read_text().splitlines())
    assert 2 <= epochs_before < 8 and not (killed / FIRST / "seed-0" / "metrics.json").exists()

    resumed = run(project, "train", "--run-dir", str(killed), *settings)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Epoch 1/8" not in resumed.stdout  # it resumed, it did not start over
    rows = [json.loads(line) for line in history.read_text().splitlines()]
    assert [row["epoch"] for row in rows] == list(range(1, 9))  # appended, each epoch once

    reference = final_weights(straight / FIRST / "seed-0" / "model.keras")
    # Determinism: two uninterrupted runs give bit-identical weights...
    for a, b in zip(
        reference, final_weights(again / FIRST / "seed-0" / "model.keras"), strict=True
    ):
        assert np.array_equal(a, b)
    # ...and so does the killed and resumed one.
    for a, b in zip(
        reference, final_weights(killed / FIRST / "seed-0" / "model.keras"), strict=True
    ):
        assert np.array_equal(a, b)
    # The comparison can fail: another seed gives other weights.
    assert not np.array_equal(
        reference[0], final_weights(straight / FIRST / "seed-1" / "model.keras")[0]
    )


def test_help_is_fast_and_never_imports_tensorflow(project: Path) -> None:
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['{PACKAGE}', 'replicate', '--help']\n"
        "try:\n"
        f"    runpy.run_module('{PACKAGE}', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'numpy', 'matplotlib') "
        "if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, env=_env(project), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "--profile" in result.stdout and "KEY=VALUE" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_sigterm_stops_at_the_epoch_end_with_exit_75(project: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "stopped"
    history = run_dir / FIRST / "seed-0" / "history.jsonl"
    args = [
        "train",
        "--run-dir",
        str(run_dir),
        *ONLY_FIRST,
        "seeds=[0]",
        "epochs=200",
        "data.samples=2000",
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", PACKAGE, *args],
        cwd=project,
        env=_env(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None and not history.exists():
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)  # what SLURM sends on preemption
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 75, stderr[-3000:]  # EX_TEMPFAIL: requeue me
    assert f"--run-dir {run_dir} to resume" in stderr
    epochs = len(history.read_text().splitlines())
    assert 1 <= epochs < 200
    # The backup was forced at the stop although backup_seconds (30) had not passed.
    backups = [p.name for p in (run_dir / FIRST / "seed-0" / "backup").iterdir()]
    assert backups == [f"epoch-{epochs:06d}"]


# A launcher that gives the command a real terminal: pty.spawn copies what the test writes to
# its stdin into the terminal, where the line discipline turns Ctrl-C (\x03) into SIGINT for
# the foreground process group, as when a person presses it; it prints how the command ended.
TERMINAL = (
    "import os, pty, sys\n"
    "status = pty.spawn(sys.argv[1:])\n"
    "print(f'\\nexit status {os.waitstatus_to_exitcode(status)}', flush=True)\n"
)


def _in_terminal(project: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", TERMINAL, sys.executable, "-m", PACKAGE, *args],
        cwd=project,
        env=_env(project),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _press(process: subprocess.Popen[bytes], keys: bytes) -> None:
    assert process.stdin is not None
    process.stdin.write(keys)
    process.stdin.flush()


def _wait_for(path: Path, process: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)


def test_ctrl_c_in_a_terminal_saves_and_exits_75_then_the_run_resumes(
    project: Path, tmp_path: Path
) -> None:
    run_dir = tmp_path / "interrupted"
    history = run_dir / FIRST / "seed-0" / "history.jsonl"
    args = [
        "train",
        "--run-dir",
        str(run_dir),
        *ONLY_FIRST,
        "seeds=[0]",
        "epochs=200",
        "data.samples=2000",
    ]
    process = _in_terminal(project, *args)
    _wait_for(history, process)
    _press(process, b"\x03")
    out = process.communicate(timeout=120)[0].decode(errors="replace")
    assert "exit status 75" in out, out[-3000:]
    assert "Traceback" not in out and "KeyboardInterrupt" not in out, out[-3000:]
    assert "Ctrl-C again to abort" in out and f"--run-dir {run_dir} to resume" in out
    epochs = len(history.read_text().splitlines())
    assert 1 <= epochs < 200
    assert [p.name for p in (run_dir / FIRST / "seed-0" / "backup").iterdir()] == [
        f"epoch-{epochs:06d}"
    ]
    # The same command goes on from the saved epoch, not from epoch 1; Ctrl-C stops it again.
    process = _in_terminal(project, *args)
    deadline = time.monotonic() + 300
    while len(history.read_text().splitlines()) <= epochs:
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    _press(process, b"\x03")
    out = process.communicate(timeout=120)[0].decode(errors="replace")
    assert "exit status 75" in out and "Traceback" not in out, out[-3000:]
    rows = [json.loads(line) for line in history.read_text().splitlines()]
    assert [row["epoch"] for row in rows] == list(range(1, len(rows) + 1))
    assert epochs < len(rows) < 200


def test_a_second_ctrl_c_aborts_at_once_without_a_traceback(project: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "aborted"
    args = ["train", "--run-dir", str(run_dir), "seeds=[0]", "epochs=2000", "data.samples=2000"]
    process = _in_terminal(project, *args)
    _wait_for(run_dir / FIRST / "seed-0" / "history.jsonl", process)
    _press(process, b"\x03")
    time.sleep(0.5)
    _press(process, b"\x03")
    out = process.communicate(timeout=60)[0].decode(errors="replace")
    assert f"exit status -{int(signal.SIGINT)}" in out, out[-3000:]  # SIGINT's own ending
    assert "Traceback" not in out and "KeyboardInterrupt" not in out, out[-3000:]


def test_a_crash_is_exit_3_never_the_verdict_not_reproduced(project: Path) -> None:
    experiment = project / "src" / PACKAGE / "experiment.py"
    experiment.write_text(
        experiment.read_text()
        + "\n\ndef load_data(config, seed):\n    raise RuntimeError('boom in load_data')\n"
    )
    result = run(project, "replicate", "--profile", "paper", "seeds=[0]")
    assert result.returncode == 3, result.stderr[-3000:]
    assert "the run crashed (RuntimeError: boom in load_data); exit status 3, not a verdict" in (
        result.stderr
    )
    assert "Traceback" in result.stderr  # the participant's bug, shown where it is
    # status names the failed task and its error; the failure is cleared by a good retrain.
    status = run(project, "status", "--profile", "paper")
    assert "depth/one-layer/seed-0: failed, RuntimeError: boom in load_data; fix it" in (
        status.stdout
    ), status.stdout
    assert status.stdout.strip().endswith("1 failed, 1 not started"), status.stdout


def test_a_misspelt_claim_metric_stops_after_the_first_seed(project: Path) -> None:
    claims = project / "claims.toml"
    claims.write_text(claims.read_text().replace('"test_accuracy"', '"test_acuracy"', 1))
    run_dir = project / "runs" / "misspelt"
    args = ["replicate", "--profile", "paper", "--run-dir", str(run_dir), "epochs=2"]
    result = run(project, *args, "seeds=[0,1,2]")
    assert result.returncode == 2, result.stderr[-3000:]
    assert "metric 'test_acuracy' is not one that its runs measured" in result.stderr
    assert "did you mean 'test_accuracy'?" in result.stderr
    # Found after the experiment's first task, though the claim is about its other variant.
    assert (run_dir / FIRST / "seed-0" / "metrics.json").is_file()
    assert not (run_dir / FIRST / "seed-1").exists()


def test_a_run_directory_that_cannot_be_written_is_one_line(project: Path) -> None:
    # /sys refuses new directories even to root, as a read-only or full disk would.
    result = run(project, "train", "--profile", "smoke", "--run-dir", "/sys/dlc-test-run")
    assert result.returncode == 3, result.stderr[-3000:]
    assert "error: cannot write /sys/dlc-test-run: Operation not permitted; give --run-dir" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


GRID = """
[experiments.width]
where = "Table 1 (a second experiment)"
description = "The stub with narrow and wide hidden layers"
[experiments.width.grid]
model.hidden_units = [4, 16]
"""
GRID_PROFILE = """base = "paper"
seeds = 3
epochs = 3
deterministic = true
[data]
samples = 400
"""
GRID_CLAIM = """
[[claims]]
id = "wide-beats-narrow"
experiment = "width"
variant = "hidden_units=16"
versus = "hidden_units=4"
metric = "test_accuracy"
value = 0.0
tolerance = 0.0
direction = "higher"
where = "Table 1"
"""


def _finished(run_dir: Path) -> int:
    return len(list(run_dir.glob("*/*/seed-*/metrics.json")))


def test_a_grid_stopped_midway_resumes_to_the_same_verdicts_and_report(
    project: Path, tmp_path: Path
) -> None:
    # Two experiments x two variants x 3 seeds: 12 tasks, judged.
    paper = project / "configs" / "paper.toml"
    paper.write_text(paper.read_text() + GRID)
    (project / "configs" / "grid.toml").write_text(GRID_PROFILE)
    claims = project / "claims.toml"
    claims.write_text(
        claims.read_text().replace("\n# The free text", GRID_CLAIM + "\n# The free text")
    )
    straight, stopped = tmp_path / "straight", tmp_path / "stopped"
    whole = run(project, "replicate", "--profile", "grid", "--run-dir", str(straight))
    assert whole.returncode in (0, 1), whole.stderr[-3000:]
    assert _finished(straight) == 12

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            PACKAGE,
            "replicate",
            "--profile",
            "grid",
            "--run-dir",
            str(stopped),
        ],
        cwd=project,
        env=_env(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None and _finished(stopped) < 5:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 75, stderr[-3000:]
    assert 5 <= _finished(stopped) < 12 and not (stopped / "verdicts.json").exists()

    # status reads where every task stands from the run directory, without TensorFlow.
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['{PACKAGE}', 'status', '--run-dir', {str(stopped)!r}]\n"
        "try:\n"
        f"    runpy.run_module('{PACKAGE}', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "print('tensorflow imported' if 'tensorflow' in sys.modules else 'no tensorflow')\n"
    )
    status = subprocess.run(
        [sys.executable, "-c", code], cwd=project, env=_env(project), capture_output=True, text=True
    )
    assert status.returncode == 0, status.stderr[-3000:]
    lines = status.stdout.strip().splitlines()
    assert lines[0] == f"run {stopped}: 12 task(s)" and lines[-1] == "no tensorflow"
    assert "  depth/one-layer/seed-0: done, in " in status.stdout
    done = sum(": done, in " in line for line in lines)
    assert done == _finished(stopped) and f"{done} done" in lines[-2]
    assert "not started" in lines[-2] or "stopped" in lines[-2]

    resumed = run(project, "replicate", "--profile", "grid", "--run-dir", str(stopped))
    assert resumed.returncode == whole.returncode, resumed.stderr[-3000:]
    assert "done earlier" in resumed.stdout and _finished(stopped) == 12
    verdicts = [json.loads((d / "verdicts.json").read_text()) for d in (straight, stopped)]
    assert verdicts[0] == verdicts[1]
    assert {v["claim"]["id"] for v in verdicts[0]} == {
        "stub-accuracy",
        "stub-depth",
        "wide-beats-narrow",
    }
    reports = [d / "report" for d in (straight, stopped)]
    assert (reports[0] / "seeds.csv").read_text() == (reports[1] / "seeds.csv").read_text()
    assert (reports[0] / "seeds.csv").read_text().count("\nwidth,hidden_units=16,") == 3
    texts = [(r / "REPORT.md").read_text() for r in reports]
    # The same report but for where the run lives and how long it took.
    results = [
        t[t.index("## Results: paper versus replication") : t.index("## Figures")] for t in texts
    ]
    assert results[0] == results[1] and "### width: Table 1 (a second experiment)" in results[0]
    assert {p.name for p in reports[0].iterdir()} == {p.name for p in reports[1].iterdir()}

    # A part of the grid: --only trains only it, and a part is never published.
    part = tmp_path / "part"
    only = run(
        project,
        "train",
        "--profile",
        "grid",
        "--run-dir",
        str(part),
        "--only",
        "width/hidden_units=4",
    )
    assert only.returncode == 0, only.stderr[-3000:]
    assert sorted(p.parent.parent.name + "/" + p.parent.name for p in part.glob("*/*/seed-0")) == [
        "width/hidden_units=4"
    ]
    bad = run(
        project,
        "train",
        "--profile",
        "grid",
        "--run-dir",
        str(part),
        "--only",
        "width/hidden_units=5",
    )
    assert bad.returncode == 2 and "did you mean 'hidden_units=4'?" in bad.stderr


def test_a_refusal_after_the_workers_started_ends_them_and_leaves_no_run(project: Path) -> None:
    # --jobs starts its workers before this process imports TensorFlow and checks claims.toml:
    # a refusal then kills them and removes the run directory they began, as without --jobs.
    claims = project / "claims.toml"
    claims.write_text(claims.read_text() + "\n[[claims]\n", encoding="utf-8")
    run_dir = project / "runs" / "refused"
    refused = run(
        project, "replicate", "--profile", "smoke", "--run-dir", str(run_dir), "--jobs", "2"
    )
    assert refused.returncode == 2, refused.stdout[-2000:] + refused.stderr[-3000:]
    assert "claims.toml" in refused.stderr and "Traceback" not in refused.stderr
    assert not run_dir.exists()
    left = subprocess.run(["pgrep", "-f", str(run_dir)], capture_output=True, text=True)
    assert left.stdout == "", f"workers left running: {left.stdout}"


def test_jobs_2_gives_the_sequential_numbers_and_a_killed_worker_is_recovered(
    project: Path, tmp_path: Path
) -> None:
    # The smoke profile, judged: 2 variants x 2 seeds, deterministic.
    judged = ["--profile", "smoke", "judge=true"]
    one, two = tmp_path / "one", tmp_path / "two"
    sequential = run(project, "replicate", *judged, "--run-dir", str(one))
    assert sequential.returncode in (0, 1), sequential.stderr[-3000:]
    parallel = run(project, "replicate", *judged, "--run-dir", str(two), "--jobs", "2")
    assert parallel.returncode == sequential.returncode, parallel.stderr[-3000:]
    assert "2 worker processes (1 CPU thread(s) each) on 4 task(s) left of 4" in parallel.stdout
    assert "[4/4 done, " in parallel.stdout and "Epoch 1/3" not in parallel.stdout
    assert sorted(p.name for p in (two / "workers").iterdir()) == ["worker-0.log", "worker-1.log"]
    csv = [(d / "report" / "seeds.csv").read_text() for d in (one, two)]
    assert csv[0] == csv[1] and csv[0].count("\n") == 5  # parallelism never changes a number
    verdicts = [json.loads((d / "verdicts.json").read_text()) for d in (one, two)]
    assert verdicts[0] == verdicts[1]
    assert not list(two.glob("depth/*/seed-*/claim.json"))  # every claim released

    # SIGKILL one worker in the middle of its task: the others finish theirs, the run fails
    # (exit 3, naming the worker's log), and the same command finishes it from the backup.
    slow = ["--profile", "smoke", "epochs=12", "data.samples=2000", "backup_seconds=0"]
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    reference = run(project, "train", *slow, "--run-dir", str(straight))
    assert reference.returncode == 0, reference.stderr[-3000:]
    process = subprocess.Popen(
        [sys.executable, "-m", PACKAGE, "train", *slow, "--run-dir", str(killed), "--jobs", "2"],
        cwd=project,
        env=_env(project),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline, victim = time.monotonic() + 300, None
    while victim is None and time.monotonic() < deadline and process.poll() is None:
        for history in killed.glob("depth/*/seed-*/history.jsonl"):
            claim = history.parent / "claim.json"
            if len(history.read_text().splitlines()) >= 3 and claim.exists():
                victim = json.loads(claim.read_text())["pid"]
                os.kill(victim, signal.SIGKILL)
                break
        time.sleep(0.05)
    assert victim is not None, "no worker reached its third epoch"
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 3, stderr[-3000:]
    assert "failed (exit status -9); the end of" in stderr and "worker-" in stderr
    resumed = run(project, "train", *slow, "--run-dir", str(killed), "--jobs", "2")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    for task in straight.glob("depth/*/seed-*"):
        again = killed / task.relative_to(straight)
        metrics = [json.loads((d / "metrics.json").read_text())["metrics"] for d in (task, again)]
        assert metrics[0] == metrics[1], task


def test_two_replicate_commands_on_one_run_directory_train_every_task_once(
    project: Path, tmp_path: Path
) -> None:
    # The same command twice at once (a second terminal, a requeued job beside a live one):
    # each task is claimed by one of them; each waits for the tasks of the other, and both
    # judge the whole run.
    judged = ["--profile", "smoke", "judge=true", "epochs=6", "backup_seconds=0"]
    shared, alone = tmp_path / "shared", tmp_path / "alone"
    both = [
        subprocess.Popen(
            [sys.executable, "-m", PACKAGE, "replicate", *judged, "--run-dir", str(shared)],
            cwd=project,
            env=_env(project),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=600) for process in both]
    codes = [process.returncode for process in both]
    reference = run(project, "replicate", *judged, "--run-dir", str(alone))
    assert codes == [reference.returncode] * 2, [err[-3000:] for _, err in outputs]
    trained = [out.count(": training 6 epochs into") for out, _ in outputs]
    assert sum(trained) == 4, trained  # each task exactly once, by one of the two
    for task in alone.glob("depth/*/seed-*"):
        rows = (shared / task.relative_to(alone) / "history.jsonl").read_text().splitlines()
        assert [json.loads(row)["epoch"] for row in rows] == [1, 2, 3, 4, 5, 6], task
    assert not list(shared.glob("depth/*/seed-*/claim.json"))
    # Both judged the whole run, as one process alone does.
    verdicts = [json.loads((d / "verdicts.json").read_text()) for d in (shared, alone)]
    assert verdicts[0] == verdicts[1]
    for out, _ in outputs:
        assert out.count("claim stub-accuracy: ") == 1, out
    csv = [(d / "report" / "seeds.csv").read_text() for d in (shared, alone)]
    assert csv[0] == csv[1]
