# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc audit``: a fresh bake, the model replication, and copies of it damaged one way each."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from dlc_common import cli
from dlc_common.review import audit as audit_module
from dlc_common.review import checks_readme
from dlc_common.review.audit import Audit, AuditError, audit, to_json, to_markdown
from dlc_common.review.cff import CffError, parse_cff

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "RumelhartHintonWilliams1986"
NAME = "RumelhartHintonWilliams1986"
PACKAGE = NAME.lower()
TEMPLATE = ROOT / "template" / "{{cookiecutter.__repo_name}}"


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


def test_a_hosted_remote_of_another_name_is_named_and_a_local_one_is_not(copy) -> None:
    repo = copy()
    git(repo, "remote", "add", "origin", "https://github.com/Latently/RumelhartHinton1986.git")
    result = audit(repo)
    assert failing(result) == {"naming"}
    assert "github.com/Latently/RumelhartHinton1986.git" in result.item("naming").evidence
    # A clone of a local path (as CI clones this repository) says nothing of the name.
    git(repo, "remote", "set-url", "origin", str(repo.parent / "elsewhere"))
    assert failing(audit(repo)) == set()
    git(repo, "remote", "set-url", "origin", f"git@github.com:Latently/{NAME}.git")
    assert failing(audit(repo)) == set()


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


def test_half_made_repository_gets_items_not_a_traceback(tmp_path: Path) -> None:
    """A repository of an old template or half made: every item says what it lacks."""
    repo = tmp_path / NAME
    repo.mkdir()
    (repo / "README.md").write_text(f"# {NAME}\n\nSomething.\n", "utf-8")
    git(repo, "init", "-q", "--initial-branch=main")
    commit(repo, "Only a README")
    result = audit(repo)
    assert len(result.items) == len(audit_module.CHECKS)
    crashed = [item.id for item in result.items if "the check itself failed" in item.evidence]
    assert crashed == []
    assert {"naming", "license-file", "citation", "claims", "report", "notebook"} <= failing(result)
    for item in result.items:
        assert item.evidence
        if item.status != "pass":
            assert item.fix, item
    assert "there is no CITATION.cff" in result.item("citation").evidence
    assert "there is no claims.toml" in result.item("claims").evidence


def test_repository_without_commits(tmp_path: Path) -> None:
    repo = tmp_path / NAME
    repo.mkdir()
    git(repo, "init", "-q")
    result = audit(repo)
    crashed = [item.id for item in result.items if "the check itself failed" in item.evidence]
    assert crashed == [] and not result.passed


@pytest.mark.slow
def test_fresh_bake_fails_placeholders_claims_and_report(tmp_path: Path) -> None:
    from tests.bakery import bake

    baked = bake(tmp_path)
    assert baked.returncode == 0, baked.stderr
    result = audit(baked.project)
    assert {
        "readme-placeholders",
        "claims",
        "experiments",
        "report",
        "report-current",
        "results-table",
        "report-text",
    } <= failing(result)
    for item_id in ("naming", "license-file", "license-headers", "citation", "notebook"):
        assert result.item(item_id).status == "pass", result.item(item_id)
    placeholders = result.item("readme-placeholders")
    for phrase in ("First steps", "in progress", "no paper-profile run", "to be measured"):
        assert phrase in placeholders.evidence
    assert "None yet." in placeholders.evidence and "synthetic" in placeholders.evidence
    assert "stub-accuracy, stub-depth" in result.item("claims").evidence
    # The stub marks no value as the paper's: a warning that says how to mark one.
    assert result.item("deviations").status == "warn"
    assert "paper_<key>" in result.item("deviations").fix
    assert "claims.toml" in result.item("claims").fix
    assert "report/metrics.json" in result.item("report").evidence
    assert "nox -s replicate -- --profile paper" in result.item("report").fix
    for item in result.items:
        if item.status == "fail":
            assert item.fix.endswith("."), item


def test_model_replication_in_its_subdirectory() -> None:
    """The model replication, audited where it lives (a subdirectory of this repository): it
    passes, and what it lacks is stated."""
    result = audit(EXAMPLE)
    assert result.passed, to_markdown(result)
    assert result.facts["repo_name"] == NAME
    # What it truly lacks: 9 of the commits that touched it are over the commit-size limit
    # (the dlc-template history it grew in), no environment here to read its dependencies'
    # licences from.
    sizes = result.item("commit-sizes")
    assert sizes.status == "warn" and "over the limit" in sizes.evidence
    assert "touch examples/RumelhartHintonWilliams1986" in sizes.evidence
    assert result.item("dependency-licenses").status == "warn"
    assert "nox -s licenses" in result.item("dependency-licenses").fix
    # Its one value marked as the paper's (family.paper_eps) is written under Deviations.
    deviations = result.item("deviations")
    assert deviations.status == "pass" and "family.eps" in deviations.evidence


def test_a_deviation_not_written_down(copy) -> None:
    repo = copy()
    readme = repo / "README.md"
    text = readme.read_text("utf-8")
    start = text.index("1. **Family trees: learning rate 0.1")
    end = text.index("2. Family trees: initial weights")
    readme.write_text(text[:start] + text[end:], "utf-8")
    commit(repo, "Deviations without the learning rate", "README.md")
    result = audit(repo)
    assert failing(result) == {"deviations"}
    item = result.item("deviations")
    assert "family.eps = 0.1 (paper: 0.005)" in item.evidence
    assert "Deviations in README.md" in item.fix


def test_a_setting_marked_as_the_papers_but_equal_warns(copy) -> None:
    repo = copy()
    config = repo / "configs" / "paper.toml"
    text = config.read_text("utf-8").replace(
        "momentum_switch = 20\n", "momentum_switch = 20\npaper_momentum_switch = 20\n"
    )
    config.write_text(text, "utf-8")
    item = audit(repo).item("deviations")
    assert item.status == "warn" and "family.momentum_switch" in item.evidence


def test_no_tensorflow_is_imported() -> None:
    code = (
        "import sys; from dlc_common.review.audit import audit, to_json; "
        f"to_json(audit({str(EXAMPLE)!r})); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('tensorflow', 'keras', 'numpy', 'matplotlib')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_exit_status_markdown_and_json(copy, capsys: pytest.CaptureFixture[str]) -> None:
    repo = copy()
    assert cli.main(["audit", str(repo)]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith(f"## dlc audit: {NAME}") and "**Passed**" in markdown
    assert cli.main(["audit", "--json", str(repo)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == json.loads(json.dumps(to_json(audit(repo)), default=str))
    # The same items, with the same statuses, in both.
    lines = re.findall(r"^- \S+ (pass|fail|warn) `([a-z-]+)`", markdown, re.M)
    assert [(i["status"], i["id"]) for i in data["items"]] == lines
    damaged = copy("RumelhartHinton1986")
    assert cli.main(["audit", "--json", str(damaged)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False
    assert [i["id"] for i in data["items"] if i["status"] == "fail"] == ["naming"]


def test_cli_audits_the_current_directory(
    copy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(copy())
    assert cli.main(["audit"]) == 0
    assert f"## dlc audit: {NAME}" in capsys.readouterr().out


@pytest.mark.parametrize("case", ["missing", "file", "not-git"])
def test_bad_path_is_one_line_and_exit_2(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "there"
    if case == "file":
        path.write_text("x", "utf-8")
    elif case == "not-git":
        path.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above it
    assert cli.main(["audit", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dlc audit: ")
    expected = {
        "missing": "no such directory",
        "file": "not a directory",
        "not-git": "not in a git repository",
    }
    assert expected[case] in lines[0]
    with pytest.raises(AuditError):
        audit(path)


def test_catalog_subcommand_calls_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    fake = types.ModuleType("dlc_common.review.catalog")
    fake.main = lambda dirs, output: calls.append((list(dirs), output)) or 7  # type: ignore
    monkeypatch.setitem(sys.modules, "dlc_common.review.catalog", fake)
    assert cli.main(["catalog", "a", "b", "-o", "out"]) == 7
    assert cli.main(["catalog", "c"]) == 7
    assert calls == [(["a", "b"], "out"), (["c"], ".")]


def test_cli_stays_fast_to_import() -> None:
    code = "import sys, dlc_common.cli; print('dlc_common.review.audit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- The pieces --------------------------------------------------------------------------------


def test_placeholders_are_the_templates_own_text() -> None:
    """The phrases the audit looks for are what the template writes (kept in step with it)."""
    readme = " ".join((TEMPLATE / "README.md").read_text("utf-8").split())
    answers = json.loads((ROOT / "template" / "cookiecutter.json").read_text("utf-8"))
    for phrase, _, _ in checks_readme.README_PLACEHOLDERS:
        if phrase == answers["participant_name"]:
            continue  # the default answer, not README text
        assert " ".join(phrase.split()) in readme, phrase
    for sentence in checks_readme.CLAIMS_GENERIC:
        assert " ".join(sentence.format(kind="{{ d.kind }}").split()) in readme, sentence
    for heading, _ in checks_readme.README_SECTIONS:
        assert f"## {heading.format(kind='{{ d.kind }}')}\n" in (TEMPLATE / "README.md").read_text(
            "utf-8"
        )
    claims = (TEMPLATE / "claims.toml").read_text("utf-8")
    for claim_id in checks_readme.STUB_CLAIM_IDS:
        assert f'id = "{claim_id}"' in claims
    for text in checks_readme.STUB_REPORT_TEXT:
        assert text in claims


def test_cff_reader_agrees_with_pyyaml(baked_default: Path) -> None:
    yaml = pytest.importorskip("yaml")
    for path in (EXAMPLE / "CITATION.cff", baked_default / "CITATION.cff"):
        text = path.read_text("utf-8")
        assert parse_cff(text) == yaml.safe_load(text)
    text = (
        "title: 'It''s'\n"
        "abstract: >-\n  folded\n  lines\n\n  paragraph\n"
        "notes: |\n  kept\n  lines\n"
        'escaped: "caf\\u00e9 \\"q\\"" # a comment\n'
        "keywords: [a, 'b, c']\n"
        "authors:\n- family-names: Doe\n  given-names: Jane\n-\n  name: ACME\n"
    )
    assert parse_cff(text) == yaml.safe_load(text)


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: 1\nb:\n\t- x\n", 3), ('a: 1\nb: "open\n', 2), ("a: 1\na: 2\n", 2), ("a: {x: 1}\n", 1)],
)
def test_cff_reader_names_the_line(text: str, line: int) -> None:
    with pytest.raises(CffError) as error:
        parse_cff(text)
    assert error.value.line == line and str(error.value).startswith(f"line {line}: ")


def test_a_broken_citation_is_a_failed_item(copy) -> None:
    repo = copy()
    header = "".join((repo / "CITATION.cff").read_text("utf-8").splitlines(keepends=True)[:2])
    (repo / "CITATION.cff").write_text(header + 'cff-version: 1.2.0\ntitle: "open\n', "utf-8")
    commit(repo, "Break the citation", "CITATION.cff")
    result = audit(repo)
    assert failing(result) == {"citation", "license-metadata"}
    assert "line 4" in result.item("citation").evidence
    # The name still follows from the bake's answers, said as a warning.
    naming = result.item("naming")
    assert naming.status == "warn" and ".cruft.json" in naming.evidence


def test_tolerance_changed_after_the_paper_run(copy) -> None:
    repo = copy()
    path = repo / "claims.toml"
    text = path.read_text("utf-8")
    start = text.index('id = "family-held-out"')
    old = re.compile(r"tolerance = 0\.25\n").search(text, start)
    assert old is not None
    path.write_text(text[: old.start()] + "tolerance = 0.5\n" + text[old.end() :], "utf-8")
    commit(repo, "Loosen a tolerance after the run", "claims.toml")
    result = audit(repo)
    # The report no longer matches the claims, and the change is shown as not pre-registered.
    assert failing(result) == {"report-current"}
    item = result.item("claims-preregistered")
    if "this library version cannot" in item.evidence:
        pytest.skip("dlc_common.judge.preregistration is not part of this library yet")
    assert item.status == "warn"
    assert "family-held-out: tolerance 0.25 → 0.5" in item.evidence


def test_big_commit_is_named(copy) -> None:
    repo = copy()
    lines = "".join(f"VALUE_{i} = {i}\n" for i in range(450))
    (repo / "tests" / "big_table.py").write_text(
        "# SPDX-FileCopyrightText: 2026 Audit Test\n# SPDX-License-Identifier: GPL-3.0-or-later\n"
        + lines,
        "utf-8",
    )
    commit(repo, "One commit far too big", "tests/big_table.py")
    result = audit(repo)
    assert result.passed  # the history cannot be changed now: a reviewer weighs it
    item = result.item("commit-sizes")
    assert item.status == "warn" and "One commit far too big" in item.evidence
    assert "452 lines > limit 400" in item.evidence


def test_dependency_licences_read_the_repositorys_environment(copy) -> None:
    """With an environment of its own (.venv), the licence hook's check runs over it."""
    repo = copy()
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / "python").symlink_to(sys.executable)
    item = audit(repo).item("dependency-licenses")
    assert item.status in ("pass", "fail")
    assert "distributions checked in" in item.evidence
    if item.status == "fail":  # this interpreter lacks some of the replication's packages
        assert "not installed" in item.evidence or "licence" in item.evidence


def test_audit_writes_nothing(copy) -> None:
    """Reading only: not a file of the work tree or of .git changes (git's index included)."""
    repo = copy()
    readme = repo / "README.md"
    readme.write_text(readme.read_text("utf-8") + "\nAn uncommitted line.\n", "utf-8")
    os.utime(repo / "claims.toml")  # a stat change that git status would record in the index

    def snapshot() -> dict[str, tuple[int, int]]:
        return {
            str(path.relative_to(repo)): (path.stat().st_mtime_ns, path.stat().st_size)
            for path in repo.rglob("*")
            if path.is_file()
        }

    before = snapshot()
    result = audit(repo)
    assert snapshot() == before
    assert "README.md" in result.item("worktree").evidence
