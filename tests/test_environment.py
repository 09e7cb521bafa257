# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The environment record of a run, and the clear message when matplotlib is missing."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

from dlc_common.judge import report
from dlc_common.run.environment import cpu_description, describe_environment, git_state


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_git_commit_and_dirty_flag(tmp_path: Path) -> None:
    assert git_state(tmp_path)["commit"] is None
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "model.py").write_text("x = 1\n")
    git(tmp_path, "add", "model.py")
    git(tmp_path, "commit", "-q", "-m", "first")
    state = git_state(tmp_path)
    assert len(state["commit"]) == 40 and state["dirty"] is False and state["branch"] == "main"
    # The run's own outputs do not make the code dirty; a changed source file does.
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "x.json").write_text("{}")
    assert git_state(tmp_path)["dirty"] is False
    (tmp_path / "model.py").write_text("x = 2\n")
    assert git_state(tmp_path)["dirty"] is True


README = """# Paper

<!-- dlc:results:start -->
(no results yet)
<!-- dlc:results:end -->
"""


def test_what_the_engine_writes_never_makes_the_next_run_dirty(tmp_path: Path) -> None:
    repo = tmp_path / "outer"
    project = repo / "examples" / "Paper2020"  # a replication inside a larger repository
    project.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (project / "model.py").write_text("x = 1\n")
    (project / "README.md").write_text(README)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    clean = git_state(project)
    assert clean["dirty"] is False and clean["changed"] == []
    # A paper run rewrites report/ and the README's results table: still the same code.
    (project / "report").mkdir()
    (project / "report" / "REPORT.md").write_text("# report\n")
    (project / "README.md").write_text(README.replace("(no results yet)", "| a | b |"))
    assert git_state(project) == clean
    # The README outside its table is the participant's text: a change there counts.
    (project / "README.md").write_text(README + "\nA new paragraph.\n")
    assert git_state(project)["changed"] == ["README.md"]
    (project / "README.md").write_text(README)


def test_the_fingerprint_tells_apart_two_edits_of_the_same_commit(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "model.py").write_text("x = 1\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    (tmp_path / "model.py").write_text("x = 2\n")
    (tmp_path / "new.py").write_text("y = 1\n")
    first = git_state(tmp_path)
    assert first["dirty"] and first["changed"] == ["model.py", "new.py"]
    (tmp_path / "new.py").write_text("y = 2\n")  # an untracked file edited
    second = git_state(tmp_path)
    assert second["changed"] == first["changed"]
    assert second["fingerprint"] != first["fingerprint"]
    (tmp_path / "new.py").write_text("y = 1\n")
    assert git_state(tmp_path)["fingerprint"] == first["fingerprint"]


def test_environment_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLURM_JOB_ID", "4242")
    record = describe_environment(tmp_path, [0, 1])
    assert record["seeds"] == [0, 1] and record["slurm_job_id"] == "4242"
    assert record["slurm"]["SLURM_JOB_ID"] == "4242"
    assert record["packages"]["dlc-common"] and record["command"]
    assert record["git"]["commit"] is None
    assert record["cpu"]["model"] and isinstance(record["cpu"]["flags"], list)


CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 9B14
flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512_bf16 ht

processor\t: 1
model name\t: something else
flags\t\t: fpu
"""


def test_the_cpu_model_and_the_flags_that_choose_kernels_are_recorded() -> None:
    # Float results on a CPU can differ in their last bits between instruction sets.
    cpu = cpu_description(CPUINFO)
    assert cpu == {
        "model": "AMD EPYC 9B14",
        "flags": ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_bf16"],
    }
    assert cpu_description("")["model"]  # no /proc/cpuinfo: platform's word for it


def test_missing_matplotlib_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name)
    )
    with pytest.raises(report.PlotsUnavailable, match=r"pip install matplotlib .*\[plots\]"):
        report.require_matplotlib()
