# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc audit``: a fresh bake, the model replication, and copies of it damaged one way each."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dlc_common.review.audit import Audit, audit, to_markdown

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "RumelhartHintonWilliams1986"
NAME = "RumelhartHintonWilliams1986"
PACKAGE = NAME.lower()


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return env


def git(repo: Path, *args: str) -> str:
    """git in a test repository, whatever the user's configuration says."""
    command = ["git", "-c", "user.name=Audit Test", "-c", "user.email=audit@example.org"]
    command += ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]
    result = subprocess.run(
        [*command, *args], cwd=repo, capture_output=True, text=True, env=_env(), check=True
    )
    return result.stdout


def commit(repo: Path, message: str, *paths: str) -> str:
    git(repo, "add", "--force", "--", *(paths or ["."]))
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def failing(result: Audit) -> set[str]:
    """The required items that fail."""
    return {item.id for item in result.items if item.required and item.status == "fail"}


@pytest.fixture(scope="module")
def replication(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model replication as a repository of its own: its committed files in one commit, then
    its report recorded as made from that commit (as a paper run of it would)."""
    repo = tmp_path_factory.mktemp("pristine") / NAME
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=EXAMPLE, capture_output=True, check=True, env=_env()
    )
    for name in filter(None, listing.stdout.decode().split("\0")):
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(EXAMPLE / name, target)
    git(repo, "init", "-q", "--initial-branch=main")
    code = commit(repo, "Initial commit: the model replication")
    metrics_path = repo / "report" / "metrics.json"
    metrics = json.loads(metrics_path.read_text("utf-8"))
    metrics["commit"] = code
    for state in [metrics["code"]["drawn"], *metrics["code"]["trained"]]:
        state["commit"] = code
    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n", "utf-8")
    commit(repo, "Report of the first commit's paper run", "report/metrics.json")
    return repo


@pytest.fixture
def copy(replication: Path, tmp_path: Path):
    """A copy of the replication (history included) to damage; named NAME unless told."""

    def make(name: str = NAME) -> Path:
        target = tmp_path / name
        shutil.copytree(replication, target, symlinks=True)
        return target

    return make


def test_the_undamaged_copy_passes(replication: Path) -> None:
    result = audit(replication)
    assert result.passed, to_markdown(result)
    assert failing(result) == set()
    assert result.item("report-current").status == "pass"
    assert result.item("results-table").evidence.startswith("the table is exactly")
    assert result.facts["repo_name"] == NAME and result.facts["package"] == PACKAGE
    assert result.facts["verdicts"] == {"reproduced": 8, "not reproduced": 3}


def test_wrong_name(copy) -> None:
    repo = copy("RumelhartHinton1986")
    result = audit(repo)
    assert failing(result) == {"naming"}
    item = result.item("naming")
    assert "RumelhartHinton1986" in item.evidence and NAME in item.evidence
    assert f"to {NAME}" in item.fix


def test_missing_licence_header(copy) -> None:
    repo = copy()
    path = repo / "benchmarks" / "fit_vs_loop.py"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "SPDX-" not in line), "utf-8")
    commit(repo, "Benchmark without its header", "benchmarks/fit_vs_loop.py")
    result = audit(repo)
    assert failing(result) == {"license-headers"}
    item = result.item("license-headers")
    assert "benchmarks/fit_vs_loop.py" in item.evidence
    assert "SPDX-FileCopyrightText" in item.evidence and "--fix" in item.fix


def test_markdown_without_licence_is_named(copy) -> None:
    repo = copy()
    (repo / "EXTRA.md").write_text("# Notes\n\nNo licence here.\n", "utf-8")
    commit(repo, "Notes without a licence", "EXTRA.md")
    item = audit(repo).item("license-headers")
    assert item.status == "fail" and "EXTRA.md" in item.evidence


def test_stale_report(copy) -> None:
    repo = copy()
    path = repo / "src" / PACKAGE / "training.py"
    path.write_text(path.read_text("utf-8") + "\n\nSWEEPS_SCALE = 2\n", "utf-8")
    sha = commit(repo, "Change the code after the report", f"src/{PACKAGE}/training.py")
    result = audit(repo)
    assert failing(result) == {"report-current"}
    item = result.item("report-current")
    assert sha[:7] in item.evidence and "Change the code after the report" in item.evidence
    assert f"src/{PACKAGE}/training.py" in item.evidence
    assert "--profile paper" in item.fix


def test_a_comment_after_the_report_keeps_it_current(copy) -> None:
    repo = copy()
    path = repo / "configs" / "paper.toml"
    path.write_text(path.read_text("utf-8") + "# A comment changes no setting.\n", "utf-8")
    commit(repo, "A comment in the config", "configs/paper.toml")
    item = audit(repo).item("report-current")
    assert item.status == "pass"
    assert "only comments or formatting" in item.evidence and "A comment in" in item.evidence


def test_a_changed_setting_after_the_report_makes_it_stale(copy) -> None:
    repo = copy()
    path = repo / "configs" / "paper.toml"
    text = path.read_text("utf-8")
    assert "\nepochs = 1500\n" in text
    path.write_text(text.replace("\nepochs = 1500\n", "\nepochs = 1400\n"), "utf-8")
    commit(repo, "Fewer epochs", "configs/paper.toml")
    item = audit(repo).item("report-current")
    assert item.status == "fail" and "configs/paper.toml" in item.evidence


def _edit_table(repo: Path, old: str, new: str) -> None:
    readme = repo / "README.md"
    text = readme.read_text("utf-8")
    start, end = text.index("<!-- dlc:results:start -->"), text.index("<!-- dlc:results:end -->")
    table = text[start:end]
    assert old in table
    readme.write_text(text[:start] + table.replace(old, new, 1) + text[end:], "utf-8")
    commit(repo, "Edit the results table by hand", "README.md")


def test_readme_verdict_edited_by_hand(copy) -> None:
    repo = copy()
    row = next(line for line in (repo / "README.md").read_text("utf-8").splitlines()
               if line.startswith("| family | Family trees: held-out"))  # fmt: skip
    _edit_table(repo, row, row.replace("❌ not reproduced", "✅ reproduced"))
    result = audit(repo)
    assert failing(result) == {"results-table"}
    item = result.item("results-table")
    assert "family-held-out (says reproduced; the report: not reproduced)" in item.evidence
    assert "report/REPORT.md" in item.fix


def test_readme_number_edited_by_hand(copy) -> None:
    repo = copy()
    _edit_table(repo, "0.52 ± 0.18 (n=100)", "0.92 ± 0.18 (n=100)")
    item = audit(repo).item("results-table")
    assert item.status == "fail"
    assert "0.92" in item.evidence and "0.52" in item.evidence


def test_committed_data_file(copy) -> None:
    repo = copy()
    (repo / "data").mkdir()
    (repo / "data" / "family_trees.npz").write_bytes(b"PK\x03\x04 not really data")
    commit(repo, "Commit the data", "data/family_trees.npz")
    result = audit(repo)
    # No licence covers the file either (REUSE): both items name it.
    assert failing(result) == {"committed-files", "license-headers"}
    assert "data/family_trees.npz" in result.item("license-headers").evidence
    item = result.item("committed-files")
    assert "data/family_trees.npz" in item.evidence and "git rm --cached" in item.fix


def test_data_removed_again_is_still_in_the_history(copy) -> None:
    repo = copy()
    (repo / "weights.h5").write_bytes(b"\x89HDF")
    commit(repo, "Commit weights", "weights.h5")
    git(repo, "rm", "-q", "weights.h5")
    git(repo, "commit", "-q", "-m", "Remove them")
    item = audit(repo).item("committed-files")
    assert item.status == "warn" and "weights.h5" in item.evidence and "history" in item.evidence


def test_file_over_the_size_limit(copy) -> None:
    repo = copy()
    (repo / "report" / "huge.png").write_bytes(b"\x89PNG" + bytes(1100 * 1024))
    commit(repo, "A big figure", "report/huge.png")
    result = audit(repo)
    assert failing(result) == {"file-sizes"}
    assert "report/huge.png (1101 KB)" in result.item("file-sizes").evidence


def test_outputs_in_the_notebook(copy) -> None:
    repo = copy()
    path = repo / "notebooks" / f"{NAME}.ipynb"
    notebook = json.loads(path.read_text("utf-8"))
    cells = notebook["cells"]
    first = next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")
    cells[first]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["42\n"]}]
    cells[first]["execution_count"] = 1
    path.write_text(json.dumps(notebook, indent=1) + "\n", "utf-8")
    commit(repo, "Notebook with its outputs", f"notebooks/{NAME}.ipynb")
    result = audit(repo)
    assert failing(result) == {"notebook"}
    item = result.item("notebook")
    assert f"outputs in cells {first + 1}" in item.evidence
    assert f"execution counts in cells {first + 1}" in item.evidence
    assert "nbstripout" in item.fix


def test_notebook_not_named_after_the_repository(copy) -> None:
    repo = copy()
    git(repo, "mv", f"notebooks/{NAME}.ipynb", "notebooks/replication.ipynb")
    git(repo, "commit", "-q", "-m", "Rename the notebook")
    item = audit(repo).item("notebook")
    assert item.status == "fail" and "notebooks/replication.ipynb" in item.evidence
    assert f"notebooks/{NAME}.ipynb" in item.fix


def test_licence_text_changed(copy) -> None:
    repo = copy()
    (repo / "LICENSE").write_text("MIT License\n\nCopyright (c) 2026\n", "utf-8")
    commit(repo, "Another licence", "LICENSE")
    result = audit(repo)
    assert failing(result) == {"license-file"}
    assert "MIT License" in result.item("license-file").evidence
