# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ``dlc name`` command as a user runs it: output, exit status, messages, import cost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dlc_common.cli import main


def dlc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dlc_common", *args], capture_output=True, text=True, check=False
    )


def test_name_from_authors_and_year() -> None:
    result = dlc(
        "name", "Mikolov, Tomas and Joulin, Armand and Chopra, Sumit and Mathieu, M", "2015"
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "MikolovJoulinChopraEtAl2015\n",
        "",
    )
    result = dlc("name", "Laurens van der Maaten; Geoffrey Hinton", "2008", "--counter", "2")
    assert result.stdout == "VanDerMaatenHinton2008_2\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["name", "", "2015"], "dlc name: authors: the author list is empty"),
        (["name", "王小明", "2015"], "write it romanised"),
        (["name", "Smith, J", "15"], "dlc name: year: '15' is not a four-digit year"),
        (
            ["name", "Smith, J", "2015", "--counter", "0"],
            "dlc name: counter: '0' is not a positive",
        ),
        (["name", "Smith, J", "2015", "--counter", "x"], "counter"),
    ],
)
def test_bad_input_is_one_clear_line_not_a_traceback(args: list[str], message: str) -> None:
    result = dlc(*args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["name", "Smith, J"]) == 2
    assert "give AUTHORS and YEAR" in capsys.readouterr().err
    assert main([]) == 2


def test_bibtex_key_and_whole_file(tmp_path: Path, dlc_bib: Path) -> None:
    result = dlc("name", "--bibtex", str(dlc_bib), "Ororbia2017-rq")
    assert (result.returncode, result.stdout) == (0, "OrorbiaMikolovReitter2017\n")
    result = dlc("name", "--bibtex", str(dlc_bib), "Ororbia2017-rq", "--counter", "1")
    assert result.stdout == "OrorbiaMikolovReitter2017_1\n"

    missing = dlc("name", "--bibtex", str(dlc_bib), "Ororbia2017-rx")
    assert missing.returncode == 1
    assert "no entry with key 'Ororbia2017-rx'" in missing.stderr
    assert "did you mean Ororbia2017-rq" in missing.stderr

    no_year = dlc("name", "--bibtex", str(dlc_bib), "Luo_undated-qj")
    assert no_year.returncode == 1
    assert "year: entry 'Luo_undated-qj' has no year field" in no_year.stderr

    # A whole file: one line per entry that can be named; the others explained on stderr.
    everything = dlc("name", "--bibtex", str(dlc_bib))
    assert everything.returncode == 1
    assert len(everything.stdout.splitlines()) == 308
    assert "52 of 360 entries could not be named" in everything.stderr

    single = tmp_path / "one.bib"
    single.write_text(
        "@article{k, author = {Rumelhart, D and Hinton, G and Williams, R}, year = 1986}"
    )
    assert dlc("name", "--bibtex", str(single)).stdout == "RumelhartHintonWilliams1986\n"


def test_bad_bibtex_files(tmp_path: Path) -> None:
    result = dlc("name", "--bibtex", str(tmp_path / "nope.bib"))
    assert result.returncode == 1 and "no such BibTeX file" in result.stderr
    broken = tmp_path / "broken.bib"
    broken.write_text('@article{k,\n  title = "never closed,\n  year = 2017\n}\n')
    result = dlc("name", "--bibtex", str(broken))
    assert result.returncode == 1
    assert "broken.bib:" in result.stderr and "unterminated value" in result.stderr
    latin1 = tmp_path / "latin1.bib"
    latin1.write_bytes("@article{k, author = {M\xfcller, A}, year = 2017}".encode("latin-1"))
    result = dlc("name", "--bibtex", str(latin1))
    assert result.returncode == 1 and "not UTF-8" in result.stderr


def test_dlc_name_and_import_never_load_tensorflow() -> None:
    code = (
        "import sys, io, contextlib\n"
        "import dlc_common\n"
        "from dlc_common.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['name', 'Smith, J and Doe, J', '2015'])\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'numpy') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
