# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""dlc-check-commit-size on real staged changes: what counts, the limits, the messages."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dlc_hooks.commit_size import Change, Limits, main, measure

from .conftest import Repo, lines, notebook


def staged(repo: Repo, limits: Limits | None = None) -> Change:
    """The staged change as the hook measures it."""
    return measure(repo.path, repo.head(), None, limits)


def counts(change: Change) -> dict[str, tuple[int, int, str]]:
    """path -> (added, removed, kind) for every counted file."""
    return {f.path: (f.added, f.removed, f.kind) for f in change.files}


@pytest.fixture
def based(repo: Repo) -> Repo:
    """A repository with a first commit (the root commit is never checked)."""
    repo.write("README.md", "# project\n")
    repo.add()
    repo.commit("first")
    return repo


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the hook in-process; its exit status and everything it printed."""
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out + out.err


def test_small_change_passes_silently(based: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    based.write("a.py", lines(10))
    based.add()
    assert run(capsys) == (0, "")


def test_exactly_at_the_line_limit_passes_and_one_more_fails(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    based.write("a.py", lines(400))
    based.add()
    status, output = run(capsys)
    assert status == 0
    # 400 is above the warning threshold (200): a passing commit still hears it is big.
    assert "warning: this commit has 400 changed lines in 1 file" in output

    based.write("a.py", lines(401))
    based.add()
    status, output = run(capsys)
    assert status == 1
    assert "401 changed lines in 1 file: too big (401 lines > limit 400)" in output
    assert re.search(r"^ +\+401 -0 +a\.py$", output, re.MULTILINE)
    assert "git restore --staged" in output and "git reset --patch" in output


def test_removed_lines_count_too(based: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    based.write("a.txt", lines(300))
    based.add()
    based.commit()
    based.write("a.txt", lines(300, prefix="other"))
    based.add()
    assert counts(staged(based)) == {"a.txt": (300, 300, "text")}
    status, output = run(capsys)
    assert status == 1 and "600 lines > limit 400" in output


def test_exactly_at_the_file_limit_passes_and_one_more_fails(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(20):
        based.write(f"f{i:02}.txt", "x\n")
    based.add()
    assert run(capsys) == (0, "")
    based.write("f20.txt", "x\n")
    based.add()
    status, output = run(capsys)
    assert status == 1
    assert "21 changed lines in 21 files: too big (21 files > limit 20)" in output
    assert "... and 11 more files with 11 lines" in output


def test_warning_threshold(based: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    based.write("a.py", lines(200))
    based.add()
    assert run(capsys) == (0, "")
    based.write("a.py", lines(201))
    based.add()
    status, output = run(capsys)
    assert status == 0
    assert "warning: this commit has 201 changed lines in 1 file: getting big" in output


def test_limits_are_configurable(based: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    based.write("a.py", lines(60))
    based.add()
    status, output = run(capsys, "--max-lines", "50")
    assert status == 1 and "60 lines > limit 50" in output
    assert run(capsys, "--max-lines", "100", "--warn-lines", "80") == (0, "")
    status, output = run(capsys, "--max-lines", "100")  # the warning defaults to half the limit
    assert status == 0 and "warning" in output and "more than 50" in output
    status, output = run(capsys, "--max-files", "0")
    assert status == 1 and "1 files > limit 0" in output


def test_contradictory_limits_are_a_usage_error(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--max-lines", "100", "--warn-lines", "150"])
    assert exit_info.value.code == 2
    assert "--warn-lines (150) is above --max-lines (100)" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--max-files", "-1"])


def test_binary_file_is_a_file_and_no_lines(based: Repo) -> None:
    based.write("weights.bin", bytes(range(256)) * 400)
    based.write("image.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 5000)
    based.add()
    assert counts(staged(based)) == {
        "weights.bin": (0, 0, "binary"),
        "image.png": (0, 0, "binary"),
    }
    based.commit()
    based.write("weights.bin", bytes(range(255, -1, -1)) * 400)
    based.add()
    assert counts(staged(based)) == {"weights.bin": (0, 0, "binary")}


def test_pure_rename_of_5000_lines_is_one_file_and_no_lines(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    based.write("src/old_name.py", lines(5000))
    based.add()
    based.commit()
    based.git("mv", "src/old_name.py", "src/new_name.py")
    change = staged(based)
    assert counts(change) == {"src/new_name.py": (0, 0, "text")}
    assert change.files[0].old_path == "src/old_name.py"
    assert run(capsys) == (0, "")

    # A rename with an edit counts the edit only.
    text = lines(5000).replace("line 7\n", "changed 7\n").replace("line 9\n", "changed 9\n")
    based.write("src/new_name.py", text)
    based.add()
    assert counts(staged(based)) == {"src/new_name.py": (2, 2, "text")}


def test_mode_only_change_counts_no_lines(based: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    based.write("run.sh", "#!/bin/sh\necho hi\n")
    based.add()
    based.commit()
    based.git("update-index", "--chmod=+x", "run.sh")
    change = staged(based)
    assert counts(change) == {"run.sh": (0, 0, "text")}
    status, output = run(capsys, "--max-files", "0")
    assert status == 1 and "run.sh  (mode 100644 -> 100755)" in output


def test_crlf_flip_counts_no_lines_but_real_edits_do(based: Repo) -> None:
    based.write("data.txt", lines(300))
    based.add()
    based.commit()
    based.write("data.txt", lines(300).replace("\n", "\r\n"))
    based.add()
    assert counts(staged(based)) == {"data.txt": (0, 0, "text")}
    based.write("data.txt", lines(300).replace("\n", "\r\n").replace("line 5\r", "five\r"))
    based.add()
    assert counts(staged(based)) == {"data.txt": (1, 1, "text")}


def test_symlink_is_a_file_with_its_target_as_one_line(based: Repo) -> None:
    based.write("target.txt", lines(1000))
    based.add()
    based.commit()
    os.symlink("target.txt", based.path / "link.txt")
    based.add()
    assert counts(staged(based)) == {"link.txt": (1, 0, "text")}
    based.commit()
    os.remove(based.path / "link.txt")
    os.symlink("README.md", based.path / "link.txt")
    based.add()
    assert counts(staged(based)) == {"link.txt": (1, 1, "text")}


def test_submodule_bump_is_one_file_and_no_lines(based: Repo, tmp_path: Path) -> None:
    library = Repo(tmp_path / "library")
    library.write("lib.py", lines(3000))
    library.add()
    first = library.commit("lib")
    library.write("lib.py", lines(3000, prefix="v2"))
    library.add()
    second = library.commit("lib v2")
    based.git("submodule", "add", "-q", str(library.path), "vendor/library")
    based.git("-C", "vendor/library", "checkout", "-q", first)
    based.add()
    based.commit("add the submodule")

    based.git("-C", "vendor/library", "checkout", "-q", second)
    based.add("vendor/library")
    assert counts(staged(based)) == {"vendor/library": (0, 0, "submodule")}


def test_empty_commit_passes(based: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert staged(based).files == []
    assert run(capsys, "--max-files", "0", "--max-lines", "0") == (0, "")


def test_first_commit_is_skipped_in_a_repository_without_commits(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("generated.py", lines(5000))
    repo.add()
    status, output = run(capsys)
    assert status == 0
    assert "the first commit of a repository is not checked" in output


def test_a_clean_merge_passes_and_an_evil_merge_fails(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    based.git("checkout", "-q", "-b", "feature")
    for i in range(3):  # three small commits, reviewed one by one
        based.write(f"part{i}.py", lines(300, prefix=f"p{i}"))
        based.add()
        based.commit(f"part {i}")
    based.git("checkout", "-q", "main")
    based.write("main.py", lines(100, prefix="main"))
    based.add()
    based.commit("main moves on")
    based.git("merge", "-q", "--no-ff", "--no-commit", "feature")
    assert staged(based).lines == 900  # a normal commit this size would fail
    # The merge brings nothing that its parents do not have.
    assert run(capsys) == (0, "")

    # Content written in the merge itself (an "evil merge") counts like any commit's.
    based.write("part1.py", lines(300, prefix="p1") + lines(450, prefix="evil"))
    based.write("README.md", "# an evil project\n")  # in both parents: removing counts too
    based.add()
    status, output = run(capsys)
    assert status == 1
    assert "this merge adds, beyond its parents, 452 changed lines in 2 files: too big" in output
    assert re.search(r"^ +\+450 -0 +part1\.py$", output, re.MULTILINE)
    assert re.search(r"^ +\+1 -1 +README\.md$", output, re.MULTILINE)


def test_a_merge_resolving_a_conflict_from_its_sides_counts_nothing(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    based.write("model.py", lines(300))
    based.add()
    based.commit("model")
    based.git("checkout", "-q", "-b", "feature")
    based.write("model.py", lines(300).replace("line 7\n", "feature 7\n"))
    based.add()
    based.commit("feature edit")
    based.git("checkout", "-q", "main")
    based.write("model.py", lines(300).replace("line 7\n", "main 7\n"))
    based.add()
    based.commit("main edit")
    based.git("merge", "-q", "feature", check=False)  # conflicts on line 7
    based.write("model.py", lines(300).replace("line 7\n", "main 7\nfeature 7\n"))
    based.add()
    assert run(capsys, "--max-lines", "0") == (0, "")
    based.write("model.py", lines(300).replace("line 7\n", "both 7\n"))
    based.add()
    status, output = run(capsys, "--max-lines", "0")
    assert status == 1 and "beyond its parents, 1 changed line in 1 file" in output


def test_an_orphan_branch_is_measured_from_nothing(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    based.git("checkout", "-q", "--orphan", "unrelated")
    based.git("rm", "-q", "-r", "--cached", ".")
    based.write("vendored.py", lines(2000))
    based.add("vendored.py")
    status, output = run(capsys)
    assert status == 1
    assert "this first commit of an orphan branch has 2000 changed lines in 1 file" in output
    based.write("vendored.py", lines(20))
    based.add("vendored.py")
    assert run(capsys) == (0, "")


def test_works_from_a_subdirectory(based: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    based.write("top.py", lines(300))
    based.write("pkg/deep/inner.py", lines(200))
    based.add()
    os.chdir(based.path / "pkg" / "deep")
    status, output = run(capsys)
    assert status == 1
    assert "500 changed lines in 2 files" in output
    assert "top.py" in output and "pkg/deep/inner.py" in output


def test_notebooks_count_cell_sources_not_outputs_or_metadata(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    source = "import numpy as np\nx = np.arange(10)\nprint(x)\n"
    based.write(
        "nb/analysis.ipynb",
        notebook(("markdown", "# Results\n"), ("code", source), outputs=lines(3000)),
    )
    based.add()
    # A new notebook: its 4 source lines, not its 3,000 lines of output.
    assert counts(staged(based)) == {"nb/analysis.ipynb": (4, 0, "notebook")}
    based.commit()

    based.write(
        "nb/analysis.ipynb",
        notebook(("markdown", "# Results\n"), ("code", source), outputs=lines(2000, "rerun")),
    )
    based.add()
    assert counts(staged(based)) == {"nb/analysis.ipynb": (0, 0, "notebook")}
    assert run(capsys) == (0, "")

    edited = source.replace("arange(10)", "arange(20)") + "y = x * 2\n"
    based.write(
        "nb/analysis.ipynb",
        notebook(("markdown", "# Results\n"), ("code", edited), ("code", "y\n"), outputs="x"),
    )
    based.add()
    assert counts(staged(based)) == {"nb/analysis.ipynb": (3, 1, "notebook")}


def test_a_broken_notebook_falls_back_to_its_lines(based: Repo) -> None:
    based.write("broken.ipynb", lines(50))
    based.add()
    assert counts(staged(based)) == {"broken.ipynb": (50, 0, "text")}


def test_lock_files_generated_files_and_lfs_pointers_are_excluded(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    based.write(".gitattributes", "report/** linguist-generated=true\n*.h5 filter=lfs\n")
    based.add()
    based.commit()
    based.write("uv.lock", lines(3000))
    based.write("poetry.lock", lines(3000))
    based.write("report/index.md", lines(3000))
    based.write("model.h5", "version https://git-lfs.github.com/spec/v1\noid sha256:ab\n")
    based.write("evil.lock", lines(10))  # not a lock file of a known tool: it counts
    based.write("src/model.py", lines(10))
    based.add()
    change = staged(based)
    assert counts(change) == {"src/model.py": (10, 0, "text"), "evil.lock": (10, 0, "text")}
    assert sorted(f.path for f in change.excluded) == [
        "model.h5",
        "poetry.lock",
        "report/index.md",
        "uv.lock",
    ]
    assert run(capsys) == (0, "")

    # Without the default exclusions they count; the output says which files were left out.
    status, output = run(capsys, "--no-default-excludes")
    assert status == 1 and "9022 changed lines in 6 files" in output
    based.write("data/train.csv", lines(500))
    based.add()
    status, output = run(capsys)
    assert status == 1
    assert "not counted (excluded, generated or LFS): " in output
    assert run(capsys, "--exclude", "data/*.csv") == (0, "")
    assert run(capsys, "--exclude", "*.csv") == (0, "")


def test_outside_a_repository_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    status, output = run(capsys)
    assert status == 1
    assert "not inside a git working tree" in output


def test_commit_all_is_checked_through_a_git_hook(based: Repo) -> None:
    """`git commit -a` stages through a temporary index: the hook must see that index."""
    hook = based.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m dlc_hooks.commit_size\n')
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    based.write("big.txt", lines(10))
    based.add()
    based.commit("small file")
    before = based.head()

    based.write("big.txt", lines(600))  # modified in the work tree, not staged
    result = subprocess.run(
        ["git", "commit", "-a", "-m", "too big"], cwd=based.path, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "590 changed lines in 1 file: too big" in result.stderr
    assert based.head() == before

    based.write("big.txt", lines(20))
    result = subprocess.run(
        ["git", "commit", "-a", "-m", "small"], cwd=based.path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert based.head() != before


def test_the_users_git_config_cannot_change_the_count(
    based: Repo, isolated_git: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """diff.renames=false, color.ui=always, diff.external, textconv, diff.relative and more."""
    based.write("src/old.py", lines(2000))
    based.write("data.txt", lines(100))
    based.write("nb.ipynb", notebook(("code", "a = 1\nb = 2\n"), outputs="out\n"))
    based.add()
    based.commit()
    based.git("mv", "src/old.py", "src/new.py")
    based.write("data.txt", lines(100).replace("\n", "\r\n").replace("line 3\r", "three\r"))
    based.write("nb.ipynb", notebook(("code", "a = 1\nb = 3\n"), outputs="other\n"))
    based.write("pkg/mod.py", lines(250))
    based.add()
    os.chdir(based.path / "pkg")
    clean = counts(staged(based))
    clean_run = run(capsys)
    assert clean == {
        "src/new.py": (0, 0, "text"),
        "data.txt": (1, 1, "text"),
        "nb.ipynb": (1, 1, "notebook"),
        "pkg/mod.py": (250, 0, "text"),
    }

    junk = tmp_path / "junk.sh"
    junk.write_text("#!/bin/sh\nseq 1 777\n")
    junk.chmod(0o755)
    attributes = tmp_path / "attributes"
    attributes.write_text("* diff=junk\n")
    with isolated_git.open("a") as config:
        config.write(
            "[diff]\n  renames = false\n  renameLimit = 1\n  relative = true\n"
            f"  external = {junk}\n  noprefix = true\n  mnemonicPrefix = true\n"
            "  ignoreSubmodules = all\n  algorithm = patience\n  context = 0\n"
            f'[diff "junk"]\n  textconv = {junk}\n'
            "[color]\n  ui = always\n  diff = always\n"
            f"[core]\n  quotePath = true\n  abbrev = 5\n  attributesFile = {attributes}\n"
            "[log]\n  showSignature = true\n"
        )
    # The hostile configuration really is in force for plain git commands:
    assert "\x1b[" in based.git("diff", "--cached", "--stat")
    assert based.git("-C", "pkg", "diff", "--cached", "--numstat") == "250\t0\tmod.py\n"
    assert "0\t2000\tsrc/old.py" in based.git("diff", "--cached", "--numstat")
    assert "777" in based.git("diff", "--cached")
    assert counts(staged(based)) == clean
    assert run(capsys) == clean_run


def test_a_staged_merge_of_an_unrelated_history_adds_nothing_itself(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The unrelated history's own root is what counts (the range check measures it)."""
    based.git("checkout", "-q", "--orphan", "vendor")
    based.git("rm", "-q", "-r", "--cached", ".")
    (based.path / "README.md").unlink()
    based.write("vendored.py", lines(3000))
    based.add("vendored.py")
    based.commit("vendor, committed without the hook")
    based.git("checkout", "-q", "-f", "main")
    based.git("merge", "-q", "--no-commit", "--allow-unrelated-histories", "vendor")
    assert staged(based).lines == 3000  # what the merge brings into main
    assert run(capsys) == (0, "")
    based.write("vendored.py", lines(3000) + lines(500, prefix="smuggled"))
    based.add("vendored.py")
    status, output = run(capsys)
    assert status == 1 and "beyond its parents, 500 changed lines in 1 file" in output


def test_an_octopus_merge_counts_only_what_no_parent_has(based: Repo) -> None:
    from dlc_hooks.commit_size import measure_merge

    for name in ("one", "two", "three"):
        based.git("checkout", "-q", "-b", name, "main")
        based.write(f"{name}.py", lines(300, prefix=name))
        based.add()
        based.commit(name)
    based.git("checkout", "-q", "main")
    based.git("merge", "-q", "--no-commit", "one", "two", "three")
    parents = ["HEAD", *based.git("rev-parse", "one", "two", "three").split()]
    assert measure_merge(based.path, parents, None).files == []
    based.write("two.py", lines(300, prefix="two") + "extra\n")
    based.add()
    change = measure_merge(based.path, parents, None)
    assert [(f.path, f.added, f.removed) for f in change.files] == [("two.py", 1, 0)]
