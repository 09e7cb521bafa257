# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""dlc-check-commit-range: every commit of a pull request or push, and shallow clones."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlc_hooks.commit_range import main
from dlc_hooks.commit_size import measure_merge

from .conftest import Repo, lines


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the hook in-process; its exit status and everything it printed."""
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out + out.err


@pytest.fixture
def history(repo: Repo) -> Repo:
    """main with a first commit; a feature branch with three commits, the second too big."""
    repo.write("README.md", "# project\n")
    repo.add()
    repo.commit("first")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("a.py", lines(50))
    repo.add()
    repo.commit("Add a")
    repo.write("b.py", lines(450))
    repo.add()
    repo.commit("Add b, far too much at once")
    repo.write("c.py", lines(250))
    repo.add()
    repo.commit("Add c")
    return repo


def test_each_commit_is_checked_and_the_range_summarised(
    history: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    status, output = run(capsys, "--base", "main")
    assert status == 1
    big = history.git("rev-parse", "HEAD~1").strip()[:12]
    assert f"{big} Add b, far too much at once\n  450 changed lines in 1 file: too big" in output
    assert "Add c\n  warning: 250 changed lines in 1 file" in output
    assert "Add a" not in output
    assert "3 commits checked: 1 over the limit, 1 with a warning." in output
    assert "The whole range: 750 changed lines in 3 files." in output
    assert "git rebase -i main" in output

    assert run(capsys, "--base", "main", "--max-lines", "450")[0] == 0
    status, output = run(capsys, "--base", "HEAD~1")
    assert status == 0
    assert "1 commit checked: 0 over the limit, 1 with a warning." in output


def test_clean_merges_pass(history: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    history.git("checkout", "-q", "main")
    history.git("checkout", "-q", "-b", "topic")
    history.write("d.py", lines(10))
    history.add()
    history.commit("Add d")
    history.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    status, output = run(capsys, "--base", "main", "--max-lines", "500")
    assert status == 0
    # The merge brings 750 lines into topic, all from commits measured one by one: the merge
    # itself adds nothing beyond its parents.
    assert (
        "5 commits checked (1 merge by what it adds beyond the parents): 0 over the limit, "
        "1 with a warning." in output
    )
    assert "Merge feature" not in output


def test_empty_commits_and_an_empty_range_pass(
    history: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    history.commit("nothing", "--allow-empty")
    status, output = run(capsys, "--base", "HEAD~1", "--max-lines", "0", "--max-files", "0")
    assert (status, output.strip()) == (
        0,
        "dlc-check-commit-range: 1 commit checked: 0 over the limit, 0 with a warning. "
        "The whole range: 0 changed lines in 0 files.",
    )
    status, output = run(capsys, "--base", "HEAD")
    assert status == 0 and "0 commits checked" in output


def test_missing_base_fails_loudly(history: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    status, output = run(capsys, "--base", "0123456789abcdef0123456789abcdef01234567")
    assert status == 1
    assert "is not a commit in this clone, so nothing could be checked" in output
    assert "fetch-depth: 0" in output
    status, output = run(capsys, "--base", "no-such-branch")
    assert status == 1 and "'no-such-branch' is not a commit" in output


def test_shallow_clone_fails_instead_of_checking_nothing(
    history: Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = history.git("rev-parse", "main").strip()
    url = f"file://{history.path}"
    # actions/checkout's default: the pull request's head only, one commit deep.
    only_head = tmp_path / "only-head"
    history.git("clone", "-q", "--depth", "1", "--branch", "feature", url, str(only_head))
    monkeypatch.chdir(only_head)
    status, output = run(capsys, "--base", base)
    assert status == 1
    assert f"the base {base!r} is not a commit in this clone" in output
    assert "fetch-depth: 0" in output

    # The base fetched too, but the branch's history cut short between them.
    both = tmp_path / "both"
    history.git("clone", "-q", "--depth", "1", "--no-single-branch", url, str(both))
    monkeypatch.chdir(both)
    status, output = run(capsys, "--base", "origin/main")
    assert status == 1
    assert "is cut short at" in output and "(a shallow clone)" in output
    assert "git fetch --unshallow" in output

    Repo(both, init=False).git("fetch", "-q", "--unshallow")
    status, output = run(capsys, "--base", "origin/main")
    assert status == 1 and "3 commits checked: 1 over the limit" in output


def test_pre_push_range_comes_from_pre_commit(
    history: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", history.git("rev-parse", "HEAD~1").strip())
    monkeypatch.setenv("PRE_COMMIT_TO_REF", history.head())
    status, output = run(capsys)
    assert status == 0 and "1 commit checked" in output
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", history.git("rev-parse", "main").strip())
    assert run(capsys)[0] == 1


def test_first_push_checks_the_whole_history_but_not_the_root(
    history: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # pre-commit gives no range when the push creates the remote branch with its root commit.
    monkeypatch.setenv("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/feature")
    status, output = run(capsys)
    assert status == 1
    assert "3 commits checked (the first commit skipped): 1 over the limit" in output
    # Pushing an older commit: the history up to that commit only.
    monkeypatch.setenv("PRE_COMMIT_LOCAL_BRANCH", "HEAD~2")
    status, output = run(capsys)
    assert status == 0 and "1 commit checked (the first commit skipped)" in output
    monkeypatch.delenv("PRE_COMMIT_REMOTE_BRANCH")
    assert run(capsys, "--all")[0] == 1


def test_a_range_is_required(history: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "give --base REF" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--all", "--base", "main"])


def test_an_evil_merge_fails_and_is_named(
    history: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    history.git("checkout", "-q", "main")
    history.git("checkout", "-q", "-b", "topic")
    history.write("d.py", lines(10))
    history.add()
    history.commit("Add d")
    history.git("merge", "-q", "--no-ff", "--no-commit", "feature")
    history.write("b.py", lines(450) + lines(600, prefix="smuggled"))
    history.add()
    evil = history.commit("Merge feature")
    status, output = run(capsys, "--base", "main", "--max-lines", "500")
    assert status == 1
    assert (
        f"{evil[:12]} Merge feature\n  a merge, counting what it adds beyond its parents: "
        "600 changed lines in 1 file: too big (600 lines > limit 500)" in output
    )
    assert (
        "5 commits checked (1 merge by what it adds beyond the parents): 1 over the limit" in output
    )


def test_a_merge_of_a_renamed_and_edited_file_adds_nothing(
    history: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    history.git("checkout", "-q", "main")
    history.write("model.py", lines(300))
    history.add()
    history.commit("Add model")
    history.git("checkout", "-q", "-b", "rename")
    history.git("mv", "model.py", "network.py")
    history.commit("Rename the model")
    history.git("checkout", "-q", "main")
    history.write("model.py", lines(300).replace("line 8\n", "line eight\n"))
    history.add()
    history.commit("Edit the model")
    history.git("merge", "-q", "--no-ff", "-m", "Merge rename", "rename")
    assert "line eight" in (history.path / "network.py").read_text()
    parents = history.git("rev-parse", "HEAD^1", "HEAD^2").split()
    assert measure_merge(history.path, parents, history.head()).files == []
    status, output = run(capsys, "--base", "HEAD~2", "--max-lines", "2")
    assert status == 0, output
    assert "3 commits checked (1 merge by what it adds beyond the parents)" in output


def test_an_unrelated_history_merged_in_fails_at_its_root(
    history: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An orphan root commit is content like any other: measured from nothing."""
    history.git("checkout", "-q", "--orphan", "vendor")
    history.git("rm", "-q", "-r", "--cached", ".")
    for name in ("a.py", "b.py", "c.py"):
        (history.path / name).unlink()
    history.write("vendored/lib.py", lines(20000))
    history.add("vendored/lib.py")
    orphan = history.commit("Vendor a library")
    history.git("checkout", "-q", "-f", "main")
    history.git("merge", "-q", "--allow-unrelated-histories", "-m", "Merge vendor", "vendor")
    status, output = run(capsys, "--base", "HEAD~1")
    assert status == 1
    assert (
        f"{orphan[:12]} Vendor a library\n  a root commit of an unrelated history" in output
        and "20000 changed lines in 1 file: too big" in output
    )
    assert (
        "2 commits checked (1 merge by what it adds beyond the parents; 1 root commit of an "
        "unrelated history): 1 over the limit" in output
    )
    assert "The whole range: 20000 changed lines in 1 file." in output

    # Checking the whole history: the project's own first commit is skipped, the orphan not.
    status, output = run(capsys, "--all")
    assert status == 1
    assert f"{orphan[:12]} Vendor a library" in output
    assert "1 root commit of an unrelated history; the first commit skipped" in output


def test_a_range_cannot_mark_its_own_files_generated(
    history: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    history.git("checkout", "-q", "main")
    history.git("checkout", "-q", "-b", "sneaky")
    history.write(".gitattributes", "src/** linguist-generated\n")
    history.add()
    history.commit("Attributes")
    history.write("src/payload.py", lines(3000))
    history.add()
    payload = history.commit("Payload")
    status, output = run(capsys, "--base", "main")
    assert status == 1
    assert f"{payload[:12]} Payload\n  3000 changed lines in 1 file: too big" in output

    # Once the attributes are on the target branch (reviewed there), they apply, visibly.
    status, output = run(capsys, "--base", "HEAD~1")
    assert status == 0, output
    assert "Not counted (excluded or generated): 3000 lines in src/payload.py." in output


def test_line_endings_nul_bytes_and_attributes_count_in_a_range(
    history: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    history.git("checkout", "-q", "main")
    history.write(".gitattributes", "*.txt -diff\n")
    history.add()
    history.commit("Attributes")
    history.git("checkout", "-q", "-b", "walkaround")
    history.write("a.txt", lines(300))
    history.write("b.py", lines(300).replace("\n", "\r"))
    history.write("c.py", "\0" + lines(300))
    history.add()
    history.commit("Hidden lines")
    status, output = run(capsys, "--base", "main")
    assert status == 1
    assert "Hidden lines\n  900 changed lines in 3 files: too big" in output


def test_a_base_with_no_common_history(history: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    history.git("checkout", "-q", "--orphan", "other")
    history.git("rm", "-q", "-r", "--cached", ".")
    history.write("other.py", lines(5))
    history.add("other.py")
    history.commit("Other root")
    status, output = run(capsys, "--base", "other", "--head", "feature")
    # Seen from an unrelated base, feature's own root is new content too.
    assert status == 1
    assert "Add b, far too much at once" in output
    assert "4 commits checked (1 root commit of an unrelated history): 1 over the limit" in output
    assert "The whole range: 751 changed lines in 4 files." in output
