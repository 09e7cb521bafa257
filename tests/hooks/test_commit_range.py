# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""dlc-check-commit-range: every commit of a pull request or push, and shallow clones."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlc_hooks.commit_range import main

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


def test_merges_are_skipped(history: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    history.git("checkout", "-q", "main")
    history.git("checkout", "-q", "-b", "topic")
    history.write("d.py", lines(10))
    history.add()
    history.commit("Add d")
    history.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    status, output = run(capsys, "--base", "main", "--max-lines", "500")
    assert status == 0
    # The merge brings 750 lines into topic, yet only its four real commits are measured.
    assert "4 commits checked (1 merge skipped): 0 over the limit, 1 with a warning." in output
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
