# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""dlc-check-license-headers: where the header must be, what it must say, and --fix."""

from __future__ import annotations

import datetime

import pytest

from dlc_hooks.license_headers import main

from .conftest import Repo, lines

YEAR = datetime.date.today().year
HEADER = (
    "# SPDX-FileCopyrightText: 2026 Ada Lovelace\n# SPDX-License-Identifier: GPL-3.0-or-later\n"
)
PYPROJECT = """\
# SPDX-FileCopyrightText: 2026 Ada Lovelace
# SPDX-License-Identifier: GPL-3.0-or-later
[project]
name = "LovelaceBabbage1843"
license = "{license}"
authors = [{{ name = "Ada Lovelace" }}, {{ name = "Charles Babbage" }}]
"""


@pytest.fixture
def project(repo: Repo) -> Repo:
    """A repository whose pyproject.toml declares GPL-3.0-or-later and two authors."""
    repo.write("pyproject.toml", PYPROJECT.format(license="GPL-3.0-or-later"))
    return repo


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the hook in-process; its exit status and everything it printed."""
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out + out.err


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plain.py", HEADER + '"""Docstring."""\n'),
        ("script.py", "#!/usr/bin/env python3\n" + HEADER + "print(1)\n"),
        ("coded.py", "#!/usr/bin/python\n# -*- coding: utf-8 -*-\n" + HEADER),
        ("spaced.py", "\n# Some words first.\n#\n" + HEADER.replace("# ", "#  ") + "x = 1\n"),
        ("config.yaml", HEADER + "key: value\n"),
        ("settings.toml", HEADER + "\n[table]\nkey = 1\n"),
        ("run", "#!/bin/bash\n" + HEADER + "echo hi\n"),
        ("job.sbatch", "#!/bin/bash\n#SBATCH --nodes=1\n" + HEADER + "srun true\n"),
        ("windows.py", HEADER.replace("\n", "\r\n") + "x = 1\r\n"),
        ("or_later_in_lower_case.py", HEADER.replace("GPL-3.0-or-later", "gpl-3.0-or-later")),
        ("at_the_edge.py", "#\n" * 8 + HEADER + "x = 1\n"),  # lines 9 and 10: inside
    ],
)
def test_good_headers_pass(
    project: Repo, capsys: pytest.CaptureFixture[str], name: str, content: str
) -> None:
    project.write(name, content)
    assert run(capsys, name) == (0, "")


def test_missing_header_fails_and_fix_adds_it_once(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("model.py", '"""A model."""\nimport os\n')
    status, output = run(capsys, "model.py")
    assert status == 1
    assert "model.py: no SPDX-FileCopyrightText in the header" in output
    assert "model.py: no SPDX-License-Identifier in the header" in output
    assert "# SPDX-License-Identifier: GPL-3.0-or-later" in output  # shows what to write
    assert "--fix" in output

    status, output = run(capsys, "--fix", "model.py")
    assert status == 1  # files changed: pre-commit must stop the commit so they get staged
    assert "added the SPDX header to model.py" in output
    fixed = (project.path / "model.py").read_text()
    assert fixed == (
        f"# SPDX-FileCopyrightText: {YEAR} Ada Lovelace, Charles Babbage\n"
        "# SPDX-License-Identifier: GPL-3.0-or-later\n"
        '"""A model."""\nimport os\n'
    )
    assert run(capsys, "--fix", "model.py") == (0, "")
    assert (project.path / "model.py").read_text() == fixed
    assert run(capsys, "model.py") == (0, "")


def test_fix_keeps_shebang_encoding_line_and_crlf(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    original = b"#!/usr/bin/env python3\r\n# -*- coding: latin-1 -*-\r\nprint('hi')\r\n"
    project.write("tool.py", original)
    assert run(capsys, "--fix", "--copyright", "2026 Ada Lovelace", "tool.py")[0] == 1
    assert (project.path / "tool.py").read_bytes() == (
        b"#!/usr/bin/env python3\r\n# -*- coding: latin-1 -*-\r\n"
        b"# SPDX-FileCopyrightText: 2026 Ada Lovelace\r\n"
        b"# SPDX-License-Identifier: GPL-3.0-or-later\r\n"
        b"print('hi')\r\n"
    )
    project.write("bare.sh", b"#!/bin/sh")  # a shebang and no final newline
    assert run(capsys, "--fix", "bare.sh")[0] == 1
    assert (project.path / "bare.sh").read_text().splitlines() == [
        "#!/bin/sh",
        f"# SPDX-FileCopyrightText: {YEAR} Ada Lovelace, Charles Babbage",
        "# SPDX-License-Identifier: GPL-3.0-or-later",
    ]
    project.write("bom.py", b"\xef\xbb\xbfx = 1\n")
    assert run(capsys, "--fix", "bom.py")[0] == 1
    assert (
        (project.path / "bom.py").read_bytes().startswith(b"\xef\xbb\xbf# SPDX-FileCopyrightText: ")
    )
    project.write("no_final_newline.py", b"x = 1")
    assert run(capsys, "--fix", "no_final_newline.py")[0] == 1
    assert (project.path / "no_final_newline.py").read_bytes().endswith(b"\nx = 1")
    project.write("empty.py", b"")
    assert run(capsys, "--fix", "empty.py")[0] == 1
    assert run(capsys, "empty.py", "bom.py", "bare.sh", "tool.py") == (0, "")


def test_fix_adds_only_the_missing_line_next_to_the_present_one(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("a.py", "# SPDX-FileCopyrightText: 2020 Ada\nx = 1\n")
    project.write("b.py", "# SPDX-License-Identifier: GPL-3.0-or-later\nx = 1\n")
    project.write("c.py", "# SPDX-FileCopyrightText: 2020 Ada")  # no final newline
    status, output = run(capsys, "a.py", "b.py")
    assert status == 1
    assert "a.py: no SPDX-License-Identifier" in output
    assert "b.py: no SPDX-FileCopyrightText" in output
    assert "a.py: no SPDX-FileCopyrightText" not in output
    run(capsys, "--fix", "a.py", "b.py", "c.py")
    assert (project.path / "c.py").read_text() == (
        "# SPDX-FileCopyrightText: 2020 Ada\n# SPDX-License-Identifier: GPL-3.0-or-later\n"
    )
    assert (project.path / "a.py").read_text() == (
        "# SPDX-FileCopyrightText: 2020 Ada\n# SPDX-License-Identifier: GPL-3.0-or-later\nx = 1\n"
    )
    assert (project.path / "b.py").read_text() == (
        f"# SPDX-FileCopyrightText: {YEAR} Ada Lovelace, Charles Babbage\n"
        "# SPDX-License-Identifier: GPL-3.0-or-later\nx = 1\n"
    )


def test_header_just_past_the_window_fails(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("late.py", "#\n" * 9 + HEADER + "x = 1\n")  # lines 10 and 11
    status, output = run(capsys, "late.py")
    assert status == 1
    assert "late.py:11: SPDX-License-Identifier is on line 11, past the header window" in output
    assert "SPDX-FileCopyrightText" not in output.split("Every source file")[0]


def test_spdx_string_inside_a_docstring_does_not_count(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("doc.py", '"""Module.\n\n' + HEADER.replace("# ", "") + '"""\n')
    project.write("hashdoc.py", '"""\n' + HEADER + '"""\n')
    status, output = run(capsys, "doc.py", "hashdoc.py")
    assert status == 1
    assert "doc.py:4: SPDX-License-Identifier on line 4 is not in a comment" in output
    assert "hashdoc.py:3: SPDX-License-Identifier on line 3 comes after code" in output


def test_deprecated_ids_are_errors(project: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("plus.py", HEADER.replace("GPL-3.0-or-later", "GPL-3.0+"))
    project.write("bare.py", HEADER.replace("GPL-3.0-or-later", "GPL-3.0"))
    status, output = run(capsys, "plus.py", "bare.py")
    assert status == 1
    assert "plus.py:2: GPL-3.0+ is a deprecated SPDX id: write GPL-3.0-or-later" in output
    assert "bare.py:2: GPL-3.0 is a deprecated SPDX id: write GPL-3.0-only" in output
    # GPL-3.0 means GPL-3.0-only, which is not the project's licence either.
    assert "bare.py:2: the licence GPL-3.0 is not the project's GPL-3.0-or-later" in output
    assert "plus.py:2: the licence" not in output
    # --fix never rewrites a licence a person wrote.
    assert run(capsys, "--fix", "plus.py")[0] == 1
    assert "GPL-3.0+" in (project.path / "plus.py").read_text()


def test_licence_must_match_pyproject(project: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("mit.py", HEADER.replace("GPL-3.0-or-later", "MIT"))
    project.write("only.py", HEADER.replace("GPL-3.0-or-later", "GPL-3.0-only"))
    project.write("junk.py", HEADER.replace("GPL-3.0-or-later", "GPL 3"))
    project.write("empty_holder.py", HEADER.replace("2026 Ada Lovelace", ""))
    status, output = run(capsys, "mit.py", "only.py", "junk.py", "empty_holder.py")
    assert status == 1
    assert (
        "mit.py:2: the licence MIT is not the project's GPL-3.0-or-later (pyproject.toml): "
        "write SPDX-License-Identifier: GPL-3.0-or-later"
    ) in output
    assert "only.py:2: the licence GPL-3.0-only is not the project's" in output
    assert "junk.py:2: 'GPL 3' is not an SPDX licence expression" in output
    assert "empty_holder.py:1: SPDX-FileCopyrightText is empty" in output

    project.write("pyproject.toml", PYPROJECT.format(license="GPL-3.0-only"))
    status, output = run(capsys, "only.py")
    assert status == 0
    project.write("good.py", HEADER)
    status, output = run(capsys, "good.py")
    assert status == 1
    assert "the licence GPL-3.0-or-later is not the project's GPL-3.0-only (pyproject.toml)" in (
        output
    )
    assert run(capsys, "--license", "GPL-3.0-or-later", "good.py") == (0, "")


def test_a_deprecated_id_in_pyproject_is_an_error(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("pyproject.toml", PYPROJECT.format(license="GPL-3.0+"))
    project.write("good.py", HEADER)
    status, output = run(capsys, "good.py")
    assert status == 1
    assert "pyproject.toml: GPL-3.0+ is a deprecated SPDX id: write GPL-3.0-or-later" in output


def test_without_pyproject_the_programs_licence_is_expected(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("good.py", HEADER)
    repo.write("mit.py", HEADER.replace("GPL-3.0-or-later", "MIT"))
    assert run(capsys, "good.py") == (0, "")
    status, output = run(capsys, "--fix", "mit.py", "new.py")
    assert status == 1
    assert "the project's GPL-3.0-or-later (the program's rule)" in output
    repo.write("bare.py", "x = 1\n")
    status, output = run(capsys, "--fix", "bare.py")
    assert status == 1 and "--fix needs --copyright 'YEAR NAME'" in output
    assert (repo.path / "bare.py").read_text() == "x = 1\n"


def test_notebooks_need_a_license_file_or_reuse_toml(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("notebooks/explore.ipynb", "{}\n")
    project.write("analysis.ipynb", "{}\n")
    status, output = run(capsys, "notebooks/explore.ipynb", "analysis.ipynb")
    assert status == 1
    assert "analysis.ipynb: no licence: a .ipynb cannot carry a comment header" in output
    assert "add analysis.ipynb.license" in output

    project.write(
        "REUSE.toml",
        HEADER
        + 'version = 1\n\n[[annotations]]\npath = ["notebooks/**", "**/*.json"]\n'
        + 'precedence = "aggregate"\nSPDX-FileCopyrightText = "2026 Ada Lovelace"\n'
        + 'SPDX-License-Identifier = "GPL-3.0-or-later"\n',
    )
    project.write("analysis.ipynb.license", HEADER.replace("# ", ""))
    assert run(capsys, "notebooks/explore.ipynb", "analysis.ipynb") == (0, "")

    # '**/*.json' needs a folder; '*' never crosses one.
    project.write("top.json", "{}")
    project.write("data/x/deep.json", "{}")
    status, output = run(capsys, "top.json", "data/x/deep.json")
    assert status == 1 and "top.json: no licence" in output and "deep.json" not in output

    project.write("analysis.ipynb.license", "SPDX-License-Identifier: MIT\n")
    status, output = run(capsys, "analysis.ipynb")
    assert status == 1
    assert "analysis.ipynb.license: no SPDX-FileCopyrightText in this .license file" in output
    assert "analysis.ipynb.license:1: the licence MIT is not the project's" in output


def test_reuse_toml_annotation_must_carry_the_right_licence(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write(
        "REUSE.toml",
        'version = 1\n[[annotations]]\npath = "notebooks/*.ipynb"\n'
        'SPDX-License-Identifier = "GPL-3.0"\n',
    )
    project.write("notebooks/explore.ipynb", "{}\n")
    status, output = run(capsys, "notebooks/explore.ipynb")
    assert status == 1
    assert "REUSE.toml has no SPDX-FileCopyrightText" in output
    assert "GPL-3.0 is a deprecated SPDX id: write GPL-3.0-only" in output


def test_fix_writes_a_license_file_for_a_notebook(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("analysis.ipynb", "{}\n")
    status, output = run(capsys, "--fix", "analysis.ipynb")
    assert status == 1 and "added the SPDX header to analysis.ipynb.license" in output
    assert (project.path / "analysis.ipynb.license").read_text() == (
        f"SPDX-FileCopyrightText: {YEAR} Ada Lovelace, Charles Babbage\n"
        "SPDX-License-Identifier: GPL-3.0-or-later\n"
    )
    assert run(capsys, "--fix", "analysis.ipynb") == (0, "")


def test_not_utf8_is_reported_not_crashed_on(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("latin.py", "# caf\xe9\n".encode("latin-1") + lines(3).encode())
    status, output = run(capsys, "--fix", "latin.py")
    assert status == 1 and "latin.py: not UTF-8 text: cannot check its header" in output
    assert (project.path / "latin.py").read_bytes().startswith(b"# caf\xe9")
