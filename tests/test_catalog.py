# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc catalog``: one row per replication (the model replication, fresh bakes, broken ones)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dlc_common.review import catalog
from tests.bakery import ROOT, bake, isolated_env

EXAMPLE = ROOT / "examples" / "RumelhartHintonWilliams1986"
TRICKY = "Learning <Longer> & Memory"


@dataclass(frozen=True)
class FakeItem:
    id: str
    title: str
    status: str
    evidence: str = ""
    fix: str = ""
    required: bool = True


@dataclass(frozen=True)
class FakeAudit:
    path: Path
    items: tuple[FakeItem, ...]
    facts: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(i.status != "fail" for i in self.items if i.required)


def fake_audit(monkeypatch: pytest.MonkeyPatch, audit: object) -> None:
    """Replace the real audit by ``audit`` for this test only."""
    monkeypatch.setattr("dlc_common.review.audit.audit", audit)


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An organisation's clones: two fresh bakes, one broken repository, one half-made."""
    tmp = tmp_path_factory.mktemp("catalog")
    org = tmp / "org"
    org.mkdir()
    for number, answers in enumerate(({}, {"counter": "1", "title": TRICKY})):
        result = bake(tmp / f"bake{number}", answers)
        assert result.returncode == 0, result.stderr
        shutil.move(result.project, org / result.project.name)
    # Broken: a bake whose CITATION.cff lost a quote and whose report was cut off mid-write.
    broken = org / "BrokenRepo2020"
    shutil.copytree(org / "MikolovJoulinChopraEtAl2015", broken)
    cff = broken / "CITATION.cff"
    lines = cff.read_text("utf-8").splitlines(keepends=True)
    (title,) = [n for n, line in enumerate(lines) if line.startswith("title: ")]
    lines[title] = lines[title].replace('"\n', "\n")  # the closing quote lost
    cff.write_text("".join(lines), "utf-8")
    (broken / "report").mkdir()
    metrics = (EXAMPLE / "report" / "metrics.json").read_text("utf-8")
    (broken / "report" / "metrics.json").write_text(metrics[:500], "utf-8")
    # Half-made: nothing but an empty claims.toml.
    (org / "HalfMade").mkdir()
    (org / "HalfMade" / "claims.toml").write_text("")
    (org / "notes").mkdir()  # not a repository: no row
    return org


@pytest.fixture(scope="module")
def made(org: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The catalog of the model replication (in this checkout, its git history and all) and of
    ``org``, written by ``main`` with the real audit, and what it printed."""
    out = tmp_path_factory.mktemp("out") / "site"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert catalog.main([str(EXAMPLE), str(org)], output=out) == 0
    return out, printed.getvalue()


def rows(out: Path) -> dict[str, dict]:
    data = json.loads((out / "catalog.json").read_text("utf-8"))
    return {row["repository"]: row for row in data["replications"]}


@pytest.mark.slow
def test_one_row_per_repository_sorted_by_name(made: tuple[Path, str]) -> None:
    out, printed = made
    assert sorted(p.name for p in out.iterdir()) == ["catalog.html", "catalog.json", "catalog.md"]
    names = list(rows(out))
    assert names == [
        "BrokenRepo2020",
        "HalfMade",
        "MikolovJoulinChopraEtAl2015",
        "MikolovJoulinChopraEtAl2015_1",
        "RumelhartHintonWilliams1986",
    ]
    assert f"into {out.resolve()}" in printed
    assert "5 replications: 1 not reproduced, 2 no paper run yet, 2 broken" in printed


@pytest.mark.slow
def test_model_replication_row_reads_its_report(made: tuple[Path, str]) -> None:
    row = rows(made[0])["RumelhartHintonWilliams1986"]
    metrics = json.loads((EXAMPLE / "report" / "metrics.json").read_text("utf-8"))
    statuses = [v["status"] for v in metrics["verdicts"]]
    assert row["claims"]["total"] == len(statuses)
    assert row["claims"]["reproduced"] == statuses.count("reproduced")
    refuted = statuses.count("not reproduced")
    assert refuted, "the model replication refutes some claims: the row must say so"
    assert row["status"] == f"not reproduced ({refuted} of {len(statuses)})"
    assert row["problems"] == []
    assert row["paper_text"] == (
        "Learning representations by back-propagating errors — Rumelhart, Hinton, Williams (1986)"
    )
    assert row["kind"] == "paper"
    stamp = Path(metrics["run_dir"]).name  # e.g. 20261203-162913
    date = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}"
    assert row["last_paper_run"]["date"] == date
    assert row["last_paper_run"]["commit"] == metrics["commit"]
    assert row["run_text"] == f"{date[:10]} {date[11:16]} ({metrics['commit'][:8]})"
    minutes = re.search(
        r"; ([\d.]+) minutes\s+of\s+training", (EXAMPLE / "report/REPORT.md").read_text()
    )
    assert row["compute_text"] == f"{float(minutes.group(1)):g} min of training on CPU"
    assert row["compute"]["readme"]["hardware"] == "2-core CPU"  # the README's paper row too
    cruft = json.loads((EXAMPLE / ".cruft.json").read_text("utf-8"))
    assert row["template"]["commit"] == cruft["commit"]
    assert row["template_text"] == f"0.1.0 ({cruft['commit'][:8]})"


@pytest.mark.slow
def test_fresh_bakes_have_no_paper_run_yet(made: tuple[Path, str], org: Path) -> None:
    found = rows(made[0])
    for name, title in (
        ("MikolovJoulinChopraEtAl2015", "Learning Longer Memory in Recurrent Neural Networks"),
        ("MikolovJoulinChopraEtAl2015_1", TRICKY),
    ):
        row = found[name]
        assert row["status"] == "no paper run yet", row
        assert row["problems"] == []
        assert row["paper_text"] == f"{title} — Mikolov, Joulin, Chopra et al. (2015)"
        assert row["participant_text"] == "Latently Participant (@latently-participant)"
        assert row["last_paper_run"] is None and row["run_text"] == "none"
        assert row["compute_text"] == "not recorded"  # the README still says "to be measured"
        cruft = json.loads((org / name / ".cruft.json").read_text("utf-8"))
        assert row["template"] == {
            "version": "0.1.0",
            "commit": cruft["commit"],
            "source": cruft["template"],
            "text": f"0.1.0 ({cruft['commit'][:8]})",
        }


@pytest.mark.slow
def test_broken_repositories_say_what_is_broken(made: tuple[Path, str]) -> None:
    found = rows(made[0])
    broken = found["BrokenRepo2020"]["status"]
    assert broken.startswith("broken: CITATION.cff unreadable: line 6: "), broken
    assert "report/metrics.json unreadable: " in broken
    # What could still be read is shown: the answers in .cruft.json name the paper.
    assert found["BrokenRepo2020"]["paper"]["source"] == ".cruft.json"
    half = found["HalfMade"]
    assert half["status"] == "broken: no CITATION.cff; no README.md"
    assert half["paper_text"] == "unknown" and half["template_text"] == "unknown (no .cruft.json)"


@pytest.mark.slow
def test_json_round_trips_and_matches_the_markdown(made: tuple[Path, str]) -> None:
    out = made[0]
    text = (out / "catalog.json").read_text("utf-8")
    data = json.loads(text)
    assert data["schema"] == 1
    assert json.dumps(data, indent=2, allow_nan=False, default=str) + "\n" == text
    table = [
        line for line in (out / "catalog.md").read_text("utf-8").splitlines() if line[:2] == "| "
    ]
    assert table[0].startswith("| Repository | Paper | Kind | Participant | Status |")
    assert [line.split(" | ")[0][2:] for line in table[1:]] == [
        row["repository_text"] for row in data["replications"]
    ]
    assert [line.split(" | ")[4] for line in table[1:]] == [
        row["status"].replace("|", "\\|") for row in data["replications"]
    ]


@pytest.mark.slow
def test_html_and_markdown_escape_the_title(made: tuple[Path, str]) -> None:
    out = made[0]
    page = (out / "catalog.html").read_text("utf-8")
    assert "Learning &lt;Longer&gt; &amp; Memory" in page
    assert TRICKY not in page
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert page.count("<tr ") == 5
    md = (out / "catalog.md").read_text("utf-8")
    assert "Learning &lt;Longer&gt; &amp; Memory" in md and TRICKY not in md


@pytest.mark.slow
def test_audit_column_comes_from_the_audit(made: tuple[Path, str]) -> None:
    from dlc_common.review.audit import AuditError, audit

    found = rows(made[0])
    for name, row in found.items():
        try:
            result = audit(Path(row["path"]))
        except AuditError as exc:  # no git history to read: said in the cell
            assert row["audit_text"] == f"not audited: {exc}", name
            continue
        failed = [i for i in result.items if i.status == "fail"]
        assert row["audit"]["passed"] == result.passed, name
        assert row["audit"]["failed"] == [i.id for i in failed], name
        if not result.passed:
            assert row["audit_text"].startswith(f"{len(failed)} failed of {len(result.items)}")
    assert found["HalfMade"]["audit_text"].startswith("not audited: ")  # not a git repository
    assert found["MikolovJoulinChopraEtAl2015"]["audit"]["passed"] is False  # placeholders left


@pytest.mark.slow
def test_dlc_catalog_command(org: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dlc_common",
            "catalog",
            str(EXAMPLE),
            str(org),
            "--output",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "5 replications" in result.stdout
    assert len(rows(tmp_path)) == 5


def test_a_missing_dir_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out"
    assert catalog.main([str(EXAMPLE), str(tmp_path / "nowhere")], output=out) == 2
    err = capsys.readouterr().err
    assert f"DIR '{tmp_path / 'nowhere'}' does not exist" in err and "nothing was written" in err
    assert not out.exists()
    (tmp_path / "file").write_text("")
    assert catalog.main([str(tmp_path / "file")], output=out) == 2
    assert "is not a directory" in capsys.readouterr().err
    assert not out.exists()


def test_a_dir_may_be_one_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_audit(monkeypatch, lambda path: FakeAudit(path, (FakeItem("a", "A", "pass"),)))
    assert catalog.main([str(EXAMPLE), str(EXAMPLE)], output=tmp_path) == 0
    assert list(rows(tmp_path)) == ["RumelhartHintonWilliams1986"]  # given twice, one row
    assert rows(tmp_path)["RumelhartHintonWilliams1986"]["audit_text"] == "passed"


def test_an_audit_that_crashes_is_one_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(path: Path) -> FakeAudit:
        raise RuntimeError("boom")

    fake_audit(monkeypatch, crash)
    assert catalog.main([str(EXAMPLE)], output=tmp_path) == 0
    row = rows(tmp_path)["RumelhartHintonWilliams1986"]
    assert row["audit_text"] == "audit crashed: RuntimeError: boom"
    assert row["status"].startswith("not reproduced")  # the rest of the row stands


def test_audit_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    items = (
        FakeItem("name", "Name", "pass"),
        FakeItem("licence", "Licence", "fail"),
        FakeItem("readme", "README", "fail"),
        FakeItem("claims", "Claims", "warn", required=False),
    )
    fake_audit(monkeypatch, lambda path: FakeAudit(path, items))
    assert catalog.entry(EXAMPLE)["audit"] == {
        "text": "2 failed of 4, 1 warning",
        "passed": False,
        "items": 4,
        "failed": ["licence", "readme"],
        "warnings": ["claims"],
    }


def test_a_dir_without_repositories_is_named(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    data = catalog.build([tmp_path / "empty"])
    assert data["replications"] == []
    assert "no replication repository in it" in data["notes"][0]


def small_repo(root: Path, metrics: dict | None = None, compute_row: str = "") -> Path:
    """A replication with the model replication's CITATION.cff and a report of our own."""
    repo = root / "Small2020"
    (repo / "report").mkdir(parents=True)
    shutil.copy(EXAMPLE / "CITATION.cff", repo / "CITATION.cff")
    (repo / "claims.toml").write_text("")
    readme = "# Small\n\n## Compute\n\n| Profile | Hardware | Wall time |\n|---|---|---|\n"
    (repo / "README.md").write_text(
        readme + (compute_row or "| paper | to be measured | to be measured |\n")
    )
    if metrics is not None:
        (repo / "report" / "metrics.json").write_text(json.dumps(metrics))
    return repo


def verdicts(*statuses: str) -> list[dict]:
    return [{"claim": {"id": f"c{n}"}, "status": status} for n, status in enumerate(statuses)]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (("reproduced", "reproduced"), "reproduced"),
        (("reproduced", "inconclusive", "not judged"), "inconclusive (2 of 3)"),
        (("not reproduced", "inconclusive", "reproduced"), "not reproduced (1 of 3)"),
        ((), "inconclusive (no claims)"),
    ],
)
def test_status_from_the_verdicts(tmp_path: Path, statuses: tuple, expected: str) -> None:
    metrics = {"profile": "paper", "run_dir": "runs/paper/20250102-030405", "commit": "ab" * 20}
    row = catalog.entry(small_repo(tmp_path, {**metrics, "verdicts": verdicts(*statuses)}))
    assert row["status"] == expected
    assert row["run_text"] == "2025-01-02 03:04 (abababab)"


def test_a_smoke_report_is_no_paper_run(tmp_path: Path) -> None:
    metrics = {"profile": "smoke", "run_dir": "runs/smoke/20250102-030405", "verdicts": []}
    row = catalog.entry(small_repo(tmp_path, metrics))
    assert row["status"] == "no paper run yet (the published report is of the 'smoke' profile)"
    assert row["last_paper_run"] is None


def test_a_partial_run_of_uncommitted_code_says_so(tmp_path: Path) -> None:
    metrics = {
        "profile": "paper",
        "run_dir": "runs/paper/20250102-030405",
        "dirty": True,
        "incomplete": ["a/default/seed-1"],
        "verdicts": verdicts("reproduced"),
    }
    row = catalog.entry(small_repo(tmp_path, metrics))
    assert row["status"] == "reproduced, partial run (1 tasks without metrics)"
    assert row["run_text"] == "2025-01-02 03:04, uncommitted code"


def test_bad_verdicts_break_the_row(tmp_path: Path) -> None:
    row = catalog.entry(small_repo(tmp_path, {"profile": "paper", "verdicts": {"a": 1}}))
    assert row["status"] == (
        "broken: report/metrics.json: 'verdicts' is not a list of verdicts with a status"
    )


def test_run_date_from_git_when_the_run_dir_has_none(tmp_path: Path) -> None:
    metrics = {"profile": "paper", "run_dir": "/scratch/my-run", "verdicts": verdicts()}
    repo = small_repo(tmp_path, metrics)
    env = {**isolated_env(tmp_path / "home"), "GIT_COMMITTER_DATE": "2024-05-06T07:08:09+00:00"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "report"]):
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
            cwd=repo,
            env=env,
            check=True,
        )
    row = catalog.entry(repo)
    assert row["last_paper_run"]["date"] == "2024-05-06T07:08:09+00:00"
    assert row["last_paper_run"]["date_source"] == "commit of report/metrics.json"


def test_compute_from_the_readme_when_the_report_has_none(tmp_path: Path) -> None:
    row = catalog.entry(small_repo(tmp_path, compute_row="| paper | 8 A100 | 3 h 10 min |\n"))
    assert row["compute_text"] == "8 A100, 3 h 10 min (README)"
    assert catalog.entry(small_repo(tmp_path / "b"))["compute_text"] == "not recorded"


def test_catalog_imports_no_tensorflow() -> None:
    code = (
        "import sys, dlc_common.review.catalog; "
        "print(sorted({'tensorflow', 'keras', 'numpy'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stderr


def test_two_clones_of_one_name_are_told_apart(tmp_path: Path) -> None:
    first, second = small_repo(tmp_path / "org-a"), small_repo(tmp_path / "org-b")
    found = catalog.build([first.parent, second.parent])["replications"]
    assert [row["repository_text"] for row in found] == [
        f"Small2020 (in {first.parent})",
        f"Small2020 (in {second.parent})",
    ]
    assert catalog.build([first])["replications"][0]["repository_text"] == "Small2020"
