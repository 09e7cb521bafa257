# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""dlc-check-license-headers: where the header must be, what it must say, and --fix."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

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


AUTHORS_PYPROJECT = """\
# SPDX-FileCopyrightText: 2026 Ada Lovelace
# SPDX-License-Identifier: GPL-3.0-or-later
[project]
name = "LovelaceBabbage1843"
license = "GPL-3.0-or-later"
{authors}
"""


@pytest.mark.parametrize(
    ("authors", "problem"),
    [
        ('authors = [{ name = "Ada" }, { name = "Eve\\nimport os" }]', "a line break ('\\n'"),
        ('authors = [{ name = "Ada" }, { name = """Eve\nos.system("x")""" }]', "a line break"),
        ('authors = [{ name = "Ada" }, { name = "Eve\\rimport os" }]', "a line break ('\\r'"),
        ('authors = [{ name = "Ada" }, { name = "Eve\\u2028import os" }]', "a line break"),
        ('authors = [{ name = "Ada" }, { name = "Eve\\u0085x" }]', "a line break"),
        ('authors = [{ name = "Ada" }, { name = "Eve\\u202e" }]', "a bidirectional control"),
        ('authors = [{ name = "Ada" }, { name = "Eve\\u001b[31m" }]', "a control or unassigned"),
        ('authors = [{ name = "Ada" }, { name = "Eve\\\\" }]', "ends with a backslash"),
        (
            'authors = [{ name = "Ada" }, { name = "Eve SPDX-License-Identifier: MIT" }]',
            "an SPDX or REUSE tag",
        ),
        ('authors = [{ name = "Ada" }, { name = "' + "E" * 400 + '" }]', "400 characters long"),
        ('authors = [{ name = "Ada" }, { name = 7 }]', "is not a string"),
    ],
)
def test_fix_refuses_author_names_it_cannot_write_safely(
    repo: Repo, capsys: pytest.CaptureFixture[str], authors: str, problem: str
) -> None:
    repo.write("pyproject.toml", AUTHORS_PYPROJECT.format(authors=authors))
    repo.write("a.py", "x = 1\n")
    repo.write("b.cpp", "int x;\n")
    status, output = run(capsys, "--fix", "a.py", "b.cpp")
    assert status == 1
    assert "pyproject.toml: the name of author 2 (project.authors)" in output
    assert problem in output
    assert "--copyright 'YEAR NAME'" in output
    # Nothing written: the refusal comes before any file is touched.
    assert (repo.path / "a.py").read_text() == "x = 1\n"
    assert (repo.path / "b.cpp").read_text() == "int x;\n"
    assert output.count("\n") == 1  # one clear line, no traceback


@pytest.mark.parametrize(
    ("authors", "message"),
    [
        ('authors = "Ada Lovelace"', "project.authors must be an array of tables"),
        ('authors = ["Ada Lovelace"]', "author 1 of project.authors is not a table"),
    ],
)
def test_mistyped_authors_are_a_clear_error(
    repo: Repo, capsys: pytest.CaptureFixture[str], authors: str, message: str
) -> None:
    repo.write("pyproject.toml", AUTHORS_PYPROJECT.format(authors=authors))
    repo.write("a.py", "x = 1\n")
    status, output = run(capsys, "--fix", "a.py")
    assert status == 1 and message in output and "Traceback" not in output
    repo.write("pyproject.toml", 'project = "LovelaceBabbage1843"\n')
    status, output = run(capsys, "--fix", "a.py")
    assert status == 1 and "'project' must be a table" in output
    assert (repo.path / "a.py").read_text() == "x = 1\n"


@pytest.mark.parametrize(
    "text", ["2026 Ada\nimport os", "2026 Ada\r\nimport os", "", "   ", "2026 \x00Ada"]
)
def test_fix_refuses_a_copyright_option_it_cannot_write_safely(
    project: Repo, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    project.write("a.py", "x = 1\n")
    status, output = run(capsys, "--fix", "--copyright", text, "a.py")
    assert status == 1
    assert output.startswith("dlc-check-license-headers: --copyright ")
    assert "write --copyright as one line of plain text" in output
    assert (project.path / "a.py").read_text() == "x = 1\n"


def test_a_licence_on_several_lines_is_refused(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("pyproject.toml", PYPROJECT.format(license="GPL-3.0-or-later OR\\nMIT"))
    project.write("a.py", "x = 1\n")
    status, output = run(capsys, "--fix", "a.py")
    assert status == 1
    assert "pyproject.toml's license holds a line break" in output
    assert (project.path / "a.py").read_text() == "x = 1\n"
    status, output = run(capsys, "--fix", "--license", "MIT OR\nMIT", "a.py")
    assert status == 1 and "--license holds a line break" in output


def test_fix_writes_names_in_any_script_on_one_comment_line(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    names = '{ name = "Zoë Müller" }, { name = "李雷" }, { name = "Ali\\u200cReza; import os" }'
    repo.write("pyproject.toml", AUTHORS_PYPROJECT.format(authors=f"authors = [{names}]"))
    repo.write("tool.py", "print('ran')\n")
    assert run(capsys, "--fix", "tool.py")[0] == 1
    text = (repo.path / "tool.py").read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        f"# SPDX-FileCopyrightText: {YEAR} Zoë Müller, 李雷, Ali\u200cReza; import os"
    )
    result = subprocess.run([sys.executable, "tool.py"], cwd=repo.path, capture_output=True)
    assert result.stdout == b"ran\n" and result.returncode == 0


def test_c_family_files_carry_slash_comment_headers(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    slash = HEADER.replace("# ", "// ")
    block = (
        "/*\n * SPDX-FileCopyrightText: 2026 Ada\n"
        " * SPDX-License-Identifier: GPL-3.0-or-later\n */\n"
    )
    project.write("ok.cu", slash + "__global__ void k() {}\n")
    project.write("ok.hpp", block + "#pragma once\n")
    project.write("ok.c", "/* SPDX-FileCopyrightText: 2026 Ada */\n"
                  "/* SPDX-License-Identifier: GPL-3.0-or-later */\nint x;\n")  # fmt: skip
    assert run(capsys, "ok.cu", "ok.hpp", "ok.c") == (0, "")
    # '#' starts a preprocessor line in C, not a comment: this is no header.
    project.write("hash.cpp", HEADER + "int x;\n")
    project.write("bare.cu", "#include <cuda.h>\n__global__ void k() {}\n")
    status, output = run(capsys, "hash.cpp", "bare.cu")
    assert status == 1
    assert "hash.cpp:1: SPDX-FileCopyrightText on line 1 is not in a comment" in output
    assert "the header is '//' comment lines" in output
    assert "bare.cu: no SPDX-License-Identifier in the header" in output
    assert run(capsys, "--fix", "bare.cu")[0] == 1
    assert (project.path / "bare.cu").read_text() == (
        f"// SPDX-FileCopyrightText: {YEAR} Ada Lovelace, Charles Babbage\n"
        "// SPDX-License-Identifier: GPL-3.0-or-later\n"
        "#include <cuda.h>\n__global__ void k() {}\n"
    )
    assert run(capsys, "bare.cu") == (0, "")


def test_dockerfile_parser_directives_stay_first(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("Dockerfile", "# syntax=docker/dockerfile:1\n# escape=`\nFROM python:3.11\n")
    project.write("Makefile", "all:\n\ttrue\n")
    assert run(capsys, "--fix", "Dockerfile", "Makefile")[0] == 1
    assert (project.path / "Dockerfile").read_text().splitlines()[:4] == [
        "# syntax=docker/dockerfile:1",
        "# escape=`",
        f"# SPDX-FileCopyrightText: {YEAR} Ada Lovelace, Charles Babbage",
        "# SPDX-License-Identifier: GPL-3.0-or-later",
    ]
    assert (project.path / "Makefile").read_text().startswith("# SPDX-FileCopyrightText: ")
    assert run(capsys, "Dockerfile", "Makefile") == (0, "")


def test_skip_unknown_leaves_prose_and_data_alone(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("README.md", "# Read me\n")
    project.write("data.json", "{}\n")
    project.write("analysis.ipynb", "{}\n")
    project.write("run", "#!/bin/sh\necho hi\n")
    status, output = run(
        capsys, "--skip-unknown", "README.md", "data.json", "analysis.ipynb", "run"
    )
    assert status == 1
    assert "README.md" not in output and "data.json" not in output
    assert "analysis.ipynb: no licence" in output and "run: no SPDX-FileCopyrightText" in output
    status, output = run(capsys, "README.md")  # named on its own, it is checked
    assert status == 1 and "README.md: no licence" in output


def test_an_unreadable_file_is_reported_not_crashed_on(
    project: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tests run as root, which reads any file: the refusal is the operating system's.
    real = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "secret.py":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    project.write("secret.py", "x = 1\n")
    project.write("fine.py", HEADER)
    status, output = run(capsys, "secret.py", "fine.py")
    assert status == 1 and "secret.py: cannot be read: Permission denied" in output
    assert "Traceback" not in output and "fine.py" not in output
