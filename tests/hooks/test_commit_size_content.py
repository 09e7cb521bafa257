# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""dlc-check-commit-size counts from the content: line endings, NUL bytes, attributes, binaries.

Each case here is a way that once made thousands of lines count as one or as none.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from dlc_hooks import _attributes, _blobs
from dlc_hooks.commit_size import Change, Limits, main, measure

from .conftest import Repo, lines


def staged(repo: Repo, limits: Limits | None = None) -> Change:
    """The staged change as the hook measures it."""
    return measure(repo.path, repo.head(), None, limits)


def counts(change: Change) -> dict[str, tuple[int, int, str]]:
    """path -> (added, removed, kind) for every counted file."""
    return {f.path: (f.added, f.removed, f.kind) for f in change.files}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the hook in-process; its exit status and everything it printed."""
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out + out.err


@pytest.fixture
def based(repo: Repo) -> Repo:
    """A repository with a first commit (the root commit is never checked)."""
    repo.write("README.md", "# project\n")
    repo.add()
    repo.commit("first")
    return repo


def random_bytes(size: int, seed: int = 0) -> bytes:
    """Incompressible bytes, as in an image or a weights file."""
    return random.Random(seed).randbytes(size)


def test_cr_only_line_endings_count_every_line(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    based.write("old_mac.py", lines(500).replace("\n", "\r"))
    based.add()
    assert counts(staged(based)) == {"old_mac.py": (500, 0, "text")}
    status, output = run(capsys)
    assert status == 1 and "500 changed lines in 1 file: too big" in output

    # Flipping the same lines to LF, or CRLF, changes nothing a reviewer reads.
    based.write("old_mac.py", lines(20).replace("\n", "\r"))
    based.add()
    based.commit()
    based.write("old_mac.py", lines(20))
    based.add()
    assert counts(staged(based)) == {"old_mac.py": (0, 0, "text")}
    based.write("old_mac.py", lines(20).replace("\n", "\r\n").replace("line 3\r", "three\r"))
    based.add()
    assert counts(staged(based)) == {"old_mac.py": (1, 1, "text")}


def test_a_nul_byte_does_not_hide_the_lines(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    based.write("hidden.py", "# \0\n" + lines(2000))
    based.add()
    assert counts(staged(based)) == {"hidden.py": (2001, 0, "text")}
    status, output = run(capsys)
    assert status == 1 and "2001 changed lines in 1 file" in output
    based.commit()
    based.write("hidden.py", "# \0\n" + lines(2000).replace("line 9\n", "nine\n"))
    based.add()
    assert counts(staged(based)) == {"hidden.py": (1, 1, "text")}


@pytest.mark.parametrize("attribute", ["-diff", "binary", "diff=nonexistent", "-text"])
@pytest.mark.parametrize("committed_first", [True, False])
def test_attributes_that_hide_a_diff_do_not_hide_the_lines(
    based: Repo, capsys: pytest.CaptureFixture[str], attribute: str, committed_first: bool
) -> None:
    based.write(".gitattributes", f"*.py {attribute}\n")
    if committed_first:
        based.add()
        based.commit("attributes")
    based.write("model.py", lines(3000))
    based.add()
    # git itself now calls it binary: "-\t-\tmodel.py" (except for -text and an unknown diff).
    numstat = based.git("diff", "--cached", "--numstat")
    assert ("-\t-\tmodel.py" in numstat) == (attribute in ("-diff", "binary"))
    change = staged(based)
    assert counts(change)["model.py"] == (3000, 0, "text")
    status, output = run(capsys)
    assert status == 1 and "lines > limit 400" in output


def test_linguist_generated_counts_only_when_already_committed(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A change cannot exempt itself: the attributes come from the commit it starts from."""
    based.write(".gitattributes", "* linguist-generated\n")
    based.write("payload.py", lines(3000))
    based.add()
    assert counts(staged(based)) == {
        ".gitattributes": (1, 0, "text"),
        "payload.py": (3000, 0, "text"),
    }
    status, output = run(capsys)
    assert status == 1 and "3001 changed lines in 2 files" in output

    # Committed on its own (a one-line change a reviewer sees), it applies to the next change,
    # and the output says what it left out.
    based.git("restore", "--staged", "payload.py")
    based.commit("Mark the report as generated")
    based.add()
    change = staged(based)
    assert change.files == [] and [f.path for f in change.excluded] == ["payload.py"]
    assert run(capsys) == (0, "")
    status, output = run(capsys, "--max-files", "0", "--no-default-excludes")
    assert status == 1 and "3000 changed lines in 1 file" in output
    # Unmarking the files in the same change does not help either way: HEAD's attributes hold.
    based.write(".gitattributes", "* -linguist-generated\n")
    based.add()
    assert [f.path for f in staged(based).excluded] == [".gitattributes", "payload.py"]


def test_attributes_outside_the_repository_do_not_exempt(
    based: Repo, isolated_git: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """.git/info/attributes and core.attributesFile are in no commit: no reviewer sees them."""
    (based.path / ".git" / "info").mkdir(exist_ok=True)
    (based.path / ".git" / "info" / "attributes").write_text("* linguist-generated -diff\n")
    global_attributes = tmp_path / "attributes"
    global_attributes.write_text("* linguist-generated filter=lfs\n")
    with isolated_git.open("a") as config:
        config.write(f"[core]\n  attributesFile = {global_attributes}\n")
    based.write("payload.py", lines(1000))
    based.add()
    assert based.git("check-attr", "linguist-generated", "payload.py").endswith(": set\n")
    assert counts(staged(based)) == {"payload.py": (1000, 0, "text")}
    assert run(capsys)[0] == 1


def test_the_attribute_reader_agrees_with_git(based: Repo) -> None:
    based.write(
        ".gitattributes",
        "report/** linguist-generated=true\n"
        "*.gen linguist-generated\n"
        "src/keep.gen -linguist-generated\n"
        "**/out/*.json linguist-generated\n"
        "/top.txt linguist-generated\n"
        "doc/*.md linguist-generated\n"
        "data?.csv linguist-generated\n"
        "[ab].bin linguist-generated\n"
        "folder/ linguist-generated\n"
        "*.off linguist-generated=false\n"
        "# *.py linguist-generated\n",
    )
    based.write(
        "sub/.gitattributes",
        "*.txt linguist-generated\nz.txt !linguist-generated\nkeep.gen -linguist-generated\n",
    )
    paths = [
        "report/a.md", "report/x/y.png", "reporta/b", "a.gen", "d/e.gen", "src/keep.gen",
        "out/a.json", "x/out/b.json", "x/out/c/b.json", "top.txt", "sub/top.txt", "doc/a.md",
        "doc/x/a.md", "x/doc/a.md", "data1.csv", "data12.csv", "a.bin", "c.bin", "folder/x",
        "a.off", "b.py", "sub/z.txt", "sub/y.txt", "sub/keep.gen", "sub/deep/q.txt",
    ]  # fmt: skip
    for path in paths:
        based.write(path, "x\n")
    based.add()
    based.commit("attributes and files")
    answer = based.git("check-attr", "-z", "linguist-generated", "--", *paths).split("\0")
    by_git = {answer[i] for i in range(0, len(answer) - 2, 3) if answer[i + 2] in ("set", "true")}
    files = {
        name: based.git("show", f"HEAD:{name}").encode()
        for name in (".gitattributes", "sub/.gitattributes")
    }
    assert _attributes.generated(paths, files) == by_git
    assert "sub/deep/q.txt" in by_git and "x/doc/a.md" not in by_git  # the cases are real


def test_binary_files_count_their_size_not_lines(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    based.write("figure.png", b"\x89PNG\r\n\x1a\n" + random_bytes(100 * 1024))
    based.add()
    change = staged(based)
    assert counts(change) == {"figure.png": (0, 0, "binary")}
    assert change.binary_bytes == 100 * 1024 + 8
    assert run(capsys) == (0, "")  # one figure: well under the limit

    based.write("weights.h5", random_bytes(300 * 1024, seed=1))
    based.add()
    status, output = run(capsys)
    assert status == 1
    assert "0 changed lines and 401 KB of binary content in 2 files: too big" in output
    assert "401 KB of binary files > limit 256 KB" in output
    assert "weights.h5  (binary, 300 KB)" in output
    assert run(capsys, "--max-binary-kb", "500") == (0, "")
    assert run(capsys, "--exclude", "*.h5") == (0, "")

    # Replacing a binary counts the new content; deleting one counts nothing.
    based.commit()
    based.write("weights.h5", random_bytes(300 * 1024, seed=2))
    based.add()
    assert staged(based).binary_bytes == 300 * 1024
    based.git("rm", "-q", "--cached", "weights.h5", "figure.png")
    assert staged(based).binary_bytes == 0 and run(capsys) == (0, "")


def test_text_in_a_legacy_encoding_is_text(based: Repo) -> None:
    based.write("latin1.py", lines(600, prefix="caf\xe9").encode("latin-1"))
    based.write("utf16.txt", lines(600).encode("utf-16"))  # NUL bytes and no UTF-8: binary
    based.add()
    change = staged(based)
    assert counts(change)["latin1.py"] == (600, 0, "text")
    assert counts(change)["utf16.txt"] == (0, 0, "binary")


def test_a_file_turned_binary_counts_its_old_lines_as_removed(based: Repo) -> None:
    based.write("data.txt", lines(30))
    based.add()
    based.commit()
    based.write("data.txt", random_bytes(2000))
    based.add()
    assert counts(staged(based)) == {"data.txt": (0, 30, "binary")}


def test_lfs_pointers_are_recognised_by_content_not_by_attributes(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    pointer = (
        "version https://git-lfs.github.com/spec/v1\n" f"oid sha256:{'a' * 64}\nsize 123456789\n"
    )
    based.write("model.h5", pointer)
    based.add()
    change = staged(based)
    assert change.files == [] and [f.path for f in change.excluded] == ["model.h5"]
    # filter=lfs without git-lfs installed stores the real content: it counts.
    based.write(".gitattributes", "*.csv filter=lfs diff=lfs merge=lfs -text\n")
    based.add()
    based.commit()
    based.write("train.csv", lines(900))
    based.add()
    assert counts(staged(based)) == {"train.csv": (900, 0, "text")}
    assert run(capsys)[0] == 1
    # Text that merely starts like a pointer is no pointer.
    based.write("train.csv", pointer + lines(900))
    based.add()
    assert counts(staged(based)) == {"train.csv": (903, 0, "text")}


def test_partly_staged_files_count_what_is_staged(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The working tree can differ from the index: only the staged content counts."""
    based.write("big.py", lines(900))
    based.add()
    based.write("big.py", lines(10))  # not staged
    assert counts(staged(based)) == {"big.py": (900, 0, "text")}
    assert run(capsys)[0] == 1
    based.write("small.py", lines(10))
    based.add("small.py")
    based.git("restore", "--staged", "big.py")
    based.write("small.py", lines(900))  # not staged
    assert counts(staged(based)) == {"small.py": (10, 0, "text")}
    assert run(capsys) == (0, "")


def test_symlinked_and_unreadable_work_tree_files_still_count_their_blob(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    based.write("target.py", lines(900))
    based.add()
    based.commit()
    # A staged copy whose work-tree file is then replaced by a folder: read from git instead.
    based.write("copy.py", lines(900, prefix="copy"))
    based.add()
    (based.path / "copy.py").unlink()
    (based.path / "copy.py").mkdir()
    assert counts(staged(based)) == {"copy.py": (900, 0, "text")}
    assert run(capsys)[0] == 1


def test_a_commit_through_git_with_a_nul_and_cr_file_fails(based: Repo) -> None:
    """The same through a real pre-commit git hook, not only in-process."""
    import sys

    hook = based.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m dlc_hooks.commit_size\n')
    hook.chmod(0o755)
    based.write(".gitattributes", "*.dat binary\n")
    based.add()
    based.commit("attributes")
    based.write("a.dat", lines(300).replace("\n", "\r"))
    based.write("b.dat", "\0" + lines(300))
    based.add()
    result = subprocess.run(
        ["git", "commit", "-m", "sneaky"], cwd=based.path, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "600 changed lines in 2 files: too big" in result.stderr


def reference_changed_lines(old: list[bytes], new: list[bytes]) -> tuple[int, int]:
    """The same rule, written the slow and obvious way."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    middle_old, middle_new = old[start : len(old) - end], new[start : len(new) - end]
    added = sum(max(0, middle_new.count(x) - middle_old.count(x)) for x in set(middle_new))
    removed = sum(max(0, middle_old.count(x) - middle_new.count(x)) for x in set(middle_old))
    return (added, removed) if middle_old and middle_new else (len(middle_new), len(middle_old))


def test_the_fast_line_count_agrees_with_the_obvious_one() -> None:
    generator = random.Random(7)
    for _ in range(2000):
        old = [bytes([generator.randrange(4)]) for _ in range(generator.randrange(12))]
        new = list(old)
        for _ in range(generator.randrange(4)):
            where = generator.randrange(len(new) + 1)
            if generator.random() < 0.5 or not new:
                new.insert(where, bytes([generator.randrange(6)]))
            else:
                del new[min(where, len(new) - 1)]
        assert _blobs.changed_lines(old, new) == reference_changed_lines(old, new), (old, new)
    # Insertions and edits in several places count as a line diff would.
    text = [b"line %d" % i for i in range(1000)]
    edited = [*text[:10], b"new", *text[10:500], b"changed", *text[501:], b"end"]
    assert _blobs.changed_lines(text, edited) == (3, 1)


def test_exclusion_globs_match_as_fnmatch_does() -> None:
    import fnmatch

    from dlc_hooks.commit_size import matches

    paths = [
        "uv.lock", "sub/uv.lock", "pylock.toml", "pylock.dev.toml", "pylock..toml", "pylock.toml.x",
        "a/pylock.x.toml", "data/train.csv", "train.csv", "data/x/train.csv", "report.md", "x",
        "aXbXc", "ab", "abc", "data/a.csv.gz", "*", "a*b", "q?.txt", "q1.txt", "[a].txt", "a.txt",
    ]  # fmt: skip
    patterns = [
        "uv.lock", "pylock.*.toml", "*.csv", "data/*.csv", "data/*", "a*b*c", "*", "a*", "*b",
        "ab*", "**", "q?.txt", "[a].txt", "[!q]*.txt", "*.csv.*", "x",
    ]  # fmt: skip
    for pattern in patterns:
        for path in paths:
            name = path.rsplit("/", 1)[-1]
            expected = fnmatch.fnmatchcase(path if "/" in pattern else name, pattern)
            assert matches(path, [pattern]) == expected, (pattern, path)


def test_a_change_too_big_for_one_pipe_write_is_read_whole(
    based: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Over 32 KB of object names: git is fed while it answers, and nothing hangs."""
    for i in range(1000):
        based.write(f"data/f{i:04}.txt", f"line {i}\n")
    based.add()
    based.commit("a thousand files")
    for i in range(1000):
        based.write(f"data/f{i:04}.txt", f"line {i}\nmore {i}\n")
    based.add()
    change = staged(based)
    assert len(change.files) == 1000 and change.lines == 1000
    status, output = run(capsys)
    assert status == 1 and "1000 changed lines in 1000 files: too big" in output
