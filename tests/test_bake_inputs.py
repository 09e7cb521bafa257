# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bakes from hostile or incomplete input: wrong papers never cited, nothing lands elsewhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

from dlc_common.bake import answers_from_entry
from dlc_common.bibtex import read_bibtex
from dlc_common.naming import NamingError, name_from_entry
from tests.bakery import ROOT, bake, isolated_env

EXAMPLE_ID = "1412.7753"  # the template's example paper (Mikolov et al. 2015)

BIB = r"""
@article{NoId2017, title = {A paper without identifiers}, author = {Smith, John and Doe, Jane},
  year = 2017, journal = {Phys. Life Rev.}}
@article{UrlOnly2017, title = {A paper with only a url}, author = {Smith, John and Doe, Jane},
  year = 2017, url = {https://example.org/paper.pdf https://example.org/mirror.pdf}}
@article{Scholar2017, title = {Google Scholar's form}, author = {Smith, John}, year = 2017,
  journal = {arXiv preprint arXiv:1703.08864}}
@article{Dblp2017, title = {dblp's form}, author = {Smith, John}, year = 2017,
  eprinttype = {arXiv}, eprint = {1703.08864}}
@article{DoiUrl2017, title = {A DOI only as url}, author = {Smith, John}, year = 2017,
  url = {https://doi.org/10.1038/323533a0}}
@misc{News2017, title = {A news item}, author = {Smith, John}, year = 2017,
  howpublished = {\url{https://news.example.org/item}}}
@patent{NoNumber2019, title = {A patent without its number}, author = {Doe, Jane}, year = 2019,
  eprint = {1412.7753}, doi = {10.1000/xyz}}
@patent{Numbered2019, title = {A patent with its number}, author = {Doe, Jane}, year = 2019,
  number = {US 9,740,680 B1}, assignee = {Acme Corp}, eprint = {1412.7753}}
"""


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "cases.bib"
    path.write_text(BIB, "utf-8")
    return path


def dlc_new(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = isolated_env(tmp_path / "home")
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "dlc_common", "new", "--template", str(ROOT), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        input=stdin,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("key", "identifier", "url"),
    [
        ("NoId2017", "", ""),
        ("UrlOnly2017", "", "https://example.org/paper.pdf"),
        ("Scholar2017", "arXiv:1703.08864", ""),
        ("Dblp2017", "arXiv:1703.08864", ""),
        ("DoiUrl2017", "10.1038/323533a0", "https://doi.org/10.1038/323533a0"),
        ("News2017", "", "https://news.example.org/item"),
        ("NoNumber2019", "", ""),
        ("Numbered2019", "US 9,740,680 B1", ""),
    ],
)
def test_identifier_and_url_come_from_the_entry_alone(
    bib: Path, key: str, identifier: str, url: str
) -> None:
    (entry,) = [e for e in read_bibtex(bib) if e.key == key]
    answers = answers_from_entry(entry)
    assert (answers["identifier"], answers["url"]) == (identifier, url)


def test_no_entry_of_the_program_bibliography_gets_the_example_paper(dlc_bib: Path) -> None:
    named = 0
    for entry in read_bibtex(dlc_bib):
        try:
            name_from_entry(entry)
        except NamingError:
            continue
        named += 1
        answers = answers_from_entry(entry)
        own = " ".join(entry.fields.values())
        for value in (answers["identifier"], answers["url"]):
            assert EXAMPLE_ID not in value or EXAMPLE_ID in own, entry.key
        if entry.type == "patent":
            assert answers["identifier"] == (entry.text("number") or ""), entry.key
    assert named == 308


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("NoId2017", "entry 'NoId2017' has no eprint, doi or url field"),
        ("NoNumber2019", "entry 'NoNumber2019' has no number field"),
    ],
)
def test_dlc_new_refuses_an_entry_that_names_no_paper(
    tmp_path: Path, bib: Path, key: str, hint: str
) -> None:
    result = dlc_new(tmp_path, "--bibtex", str(bib), key, "--no-input", "-o", "out")
    assert result.returncode == 1
    assert f"dlc new: identifier: {hint}" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_an_identifier_given_by_hand_completes_the_entry(tmp_path: Path, bib: Path) -> None:
    args = ["--bibtex", str(bib), "NoNumber2019", "--no-input", "-o", "out"]
    result = dlc_new(tmp_path, *args, "identifier=US 10,000,001 B2")
    assert result.returncode == 0, result.stderr
    citation = yaml.safe_load((tmp_path / "out" / "Doe2019" / "CITATION.cff").read_text("utf-8"))
    reference = citation["references"][0]
    assert reference["number"] == "US 10,000,001 B2"
    assert "doi" not in reference and "identifiers" not in reference
    assert EXAMPLE_ID not in (tmp_path / "out" / "Doe2019" / "CITATION.cff").read_text("utf-8")


def test_an_entry_with_only_a_url_is_cited_by_it_with_a_note(tmp_path: Path, bib: Path) -> None:
    result = dlc_new(tmp_path, "--bibtex", str(bib), "UrlOnly2017", "--no-input", "-o", "out")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "out" / "SmithDoe2017"
    for name in ("CITATION.cff", "pyproject.toml", "README.md"):
        assert EXAMPLE_ID not in (project / name).read_text("utf-8"), name
    text = (project / "CITATION.cff").read_text("utf-8")
    reference = yaml.safe_load(text)["references"][0]
    assert reference["url"] == "https://example.org/paper.pdf"
    assert "doi" not in reference and "identifiers" not in reference
    assert "No arXiv id or DOI was given" in text
    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["urls"]["Paper"] == "https://example.org/paper.pdf"
    readme = (project / "README.md").read_text("utf-8")
    assert "- Paper: <https://example.org/paper.pdf>" in readme
    assert "no arXiv id or DOI was given" in readme
    cffconvert = Path(sys.executable).parent / "cffconvert"
    check = subprocess.run(
        [str(cffconvert), "--validate", "-i", "CITATION.cff"], cwd=project, capture_output=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_plain_cookiecutter_offers_the_example_id_only_for_the_example(tmp_path: Path) -> None:
    default = bake(tmp_path / "default")
    assert default.returncode == 0, default.stderr
    assert f"arXiv:{EXAMPLE_ID}" in (default.project / "CITATION.cff").read_text("utf-8")
    for answers in ({"title": "Another paper"}, {"year": "2016"}, {"kind": "patent"}):
        other = bake(tmp_path / next(iter(answers)), answers)
        assert other.returncode == 1, answers
        assert "identifier: " in other.stdout + other.stderr
        assert other.projects == []
