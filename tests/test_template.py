# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Baking the template: names, file set, literal answers, valid files, bad answers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

from dlc_common.make.answers import md_text
from tests.bakery import ROOT, bake, isolated_env, project_files

HOSTILE_TITLE = (
    '{{ 7*7 }} {LSTM}: A "Search" Space {% raw %}Odyssey{% endraw %} \\ {{BERT}}\n'
    "{# c #} ${{ github.token }} ''' \"\"\" </script> — Ünïcödé 漢字 {{ cycler.__init__ }}"
)

PATENT = {
    "kind": "patent",
    "title": "Neural network for processing graph data",
    "authors": "Doe, Jane and Roe, Richard",
    "year": "2019",
    "identifier": "US 9,740,680 B1",
    "assignee": "Acme Corp",
}
MATRIX = {
    "default": ({}, "MikolovJoulinChopraEtAl2015"),
    "patent": (PATENT, "DoeRoe2019"),
    "counter": ({"counter": "2"}, "MikolovJoulinChopraEtAl2015_2"),
    "particles-and-accents": (
        {
            "title": "Visualizing Data using t-SNE",
            "authors": r"Laurens van der Maaten and Ko{\v c}isk{\'y}, Tom{\'a}{\v s}",
            "year": "2008",
            "identifier": "https://www.jmlr.org/papers/v9/vandermaaten08a.html",
            "url": "https://www.jmlr.org/papers/v9/vandermaaten08a.html",
            "participant_name": "Zoë D'Årby-Ñúñez",
            "github_user": "zoe-n",
        },
        "VanDerMaatenKocisky2008",
    ),
    "hostile": (
        {
            "title": HOSTILE_TITLE,
            "authors": "O'Neil, Cathy and de Freitas, Nando and others",
            "identifier": "10.1038/323533a0",
            "participant_name": 'Robert "{{ Bobby }}" Tables',
        },
        "ONeilDeFreitasEtAl2015",
    ),
}


def expected_files(repo: str) -> set[str]:
    """The exact file set of a freshly baked repository."""
    package = f"src/{repo.lower()}"
    return {
        "claims.toml",
        "configs/paper.toml",
        "configs/smoke.toml",
        f"{package}/__init__.py",
        f"{package}/__main__.py",
        f"{package}/data.py",
        f"{package}/experiment.py",
        f"{package}/model.py",
        ".cruft.json",
        ".dlc-licenses.toml",
        ".gitattributes",
        ".github/actionlint.yaml",
        ".github/pull_request_template.md",
        ".github/workflows/ci.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "CITATION.cff",
        "LICENSE",
        "LICENSES/GPL-3.0-or-later.txt",
        "README.md",
        "REUSE.toml",
        "cluster/job.sbatch",
        f"notebooks/{repo}.ipynb",
        "tests/conftest.py",
        "tests/test_model_and_data.py",
        "tests/test_replicate.py",
        "noxfile.py",
        "pyproject.toml",
    }


@pytest.fixture(scope="module", params=list(MATRIX))
def baked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    answers, name = MATRIX[request.param]
    result = bake(tmp_path_factory.mktemp(request.param), answers)
    assert result.returncode == 0, result.stdout + result.stderr
    return request.param, answers, name, result


def test_name_file_set_and_first_commit(baked) -> None:
    _, _, name, result = baked
    project = result.project
    assert project.name == name
    assert project_files(project) == expected_files(name)
    git = ["git", "-C", str(project)]
    assert (
        subprocess.run([*git, "branch", "--show-current"], capture_output=True, text=True).stdout
        == "main\n"
    )
    log = subprocess.run([*git, "log", "--format=%s"], capture_output=True, text=True).stdout
    assert log.splitlines() == ["Initial commit from dlc-template 0.1.0"]
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""


def test_every_data_file_parses_and_answers_are_literal(baked) -> None:
    _, answers, name, result = baked
    project = result.project
    title = answers.get("title", "Learning Longer Memory in Recurrent Neural Networks")
    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["name"] == name.lower()
    assert pyproject["project"]["license"] == "GPL-3.0-or-later"
    kind = answers.get("kind", "paper")
    assert (
        pyproject["project"]["description"]
        == f"Replication of the {kind} {' '.join(title.split())}"
    )
    assert (
        "dlc-common @ git+https://github.com/Latently/dlc-template@v0.1.0"
        in pyproject["project"]["dependencies"]
    )
    for path in [project / "REUSE.toml"]:
        tomllib.loads(path.read_text("utf-8"))
    citation = yaml.safe_load((project / "CITATION.cff").read_text("utf-8"))
    assert citation["references"][0]["title"] == title
    assert citation["title"].startswith(f"{name}: ")
    assert citation["license"] == "GPL-3.0-or-later"
    if "participant_name" in answers:
        person = citation["authors"][0]
        assert " ".join([person["given-names"], person["family-names"]]) == " ".join(
            answers["participant_name"].split()
        )
    for path in project.rglob("*.yml"):
        yaml.safe_load(path.read_text("utf-8"))
    yaml.safe_load((project / ".pre-commit-config.yaml").read_text("utf-8"))
    cruft = json.loads((project / ".cruft.json").read_text("utf-8"))
    recorded = cruft["context"]["cookiecutter"]
    for key, value in answers.items():
        assert recorded[key] == value, key
    assert cruft["template"] == str(ROOT) and cruft["directory"] == "template"
    readme = (project / "README.md").read_text("utf-8")
    assert md_text(title) in readme  # one Markdown line, HTML and markup escaped
    assert (
        readme.count("<!-- dlc:results:start -->") == readme.count("<!-- dlc:results:end -->") == 1
    )


def test_no_template_syntax_survives(baked) -> None:
    _, answers, _, result = baked
    # The hostile answers hold template syntax on purpose; elsewhere none may survive.
    hostile = [v for v in answers.values() if "{" in v]
    for path in result.project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            text = _without_answers(path.read_text("utf-8"), hostile)
            text = re.sub(r"\$\{\{.*?\}\}", "", text)  # GitHub expressions
            assert "{{" not in text and "{%" not in text and "{#" not in text, path


def _without_answers(text: str, answers: list[str]) -> str:
    """The text with the given answers, whole or in words, removed in every encoded form."""
    for answer in answers:
        pieces = [answer, *answer.split("\n"), *answer.split()]
        for piece in sorted(pieces, key=len, reverse=True):
            for form in (piece, json.dumps(piece, ensure_ascii=False)[1:-1], md_text(piece)):
                if len(form.strip()) > 2:  # a bare "{{" word must not hide a leftover
                    text = text.replace(form, "")
    return text


def test_generated_python_is_black_and_ruff_clean(baked) -> None:
    project = baked[3].project
    for tool in (["black", "--check", "-q", "."], ["ruff", "check", "-q", "."]):
        result = subprocess.run(
            [sys.executable, "-m", *tool], cwd=project, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case", ["default", "hostile"])
def test_workflow_precommit_citation_and_reuse_checks(case: str, tmp_path: Path) -> None:
    answers, _ = MATRIX[case]
    project = bake(tmp_path, answers).project
    bindir = Path(sys.executable).parent
    checks = [
        [str(bindir / "actionlint"), "-no-color"],
        [str(bindir / "zizmor"), "--offline", "--no-progress", ".github/workflows"],
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        [str(bindir / "cffconvert"), "--validate", "-i", "CITATION.cff"],
        [str(bindir / "reuse"), "lint"],
    ]
    for check in checks:
        result = subprocess.run(
            check, cwd=project, capture_output=True, text=True, env=isolated_env(tmp_path / "h")
        )
        assert result.returncode == 0, f"{check}\n{result.stdout}\n{result.stderr}"


def test_typed_answers_stay_literal(tmp_path: Path) -> None:
    # Interactive: the template index asks for the template, then the 15 questions.
    lines = ["1", "patent", HOSTILE_TITLE.replace("\n", " "), "Doe, Jane and Roe, R", "2019"]
    lines += ["US 9,740,680 B1", "", "Acme {{ Corp }}", "0", "Zoë Ünicode", "zoe@example.org"]
    lines += ["zoe", "", "", "", "self-hosted, gpu-a100"]
    result = bake(tmp_path, no_input=False, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    project = result.project
    assert project.name == "DoeRoe2019"
    citation = yaml.safe_load((project / "CITATION.cff").read_text("utf-8"))
    assert citation["references"][0]["title"] == HOSTILE_TITLE.replace("\n", " ")
    assert citation["references"][0]["type"] == "patent"
    assert citation["references"][0]["institution"]["name"] == "Acme {{ Corp }}"
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    assert workflow["jobs"]["paper"]["runs-on"] == ["self-hosted", "gpu-a100"]


@pytest.mark.parametrize(
    ("answers", "field", "hint"),
    [
        ({"title": " "}, "title", "the title is empty"),
        ({"authors": ""}, "authors", "the author list is empty"),
        ({"authors": "王小明 and Doe, J"}, "authors", "romanised"),
        ({"authors": "Ранзато, Марк"}, "authors", "romanised"),
        ({"year": "15"}, "year", "four-digit year"),
        ({"counter": "-1"}, "counter", "positive integer"),
        ({"counter": "two"}, "counter", "positive integer"),
        ({"kind": "book"}, "kind", "write paper or patent"),
        ({"identifier": "not an id"}, "identifier", "is neither an arXiv id"),
        ({"participant_email": "nobody"}, "participant_email", "not an e-mail address"),
        ({"participant_name": "Eve <!-- -->"}, "participant_name", "write your name as plain text"),
        ({"python_version": "2.7"}, "python_version", "3.10, 3.11, 3.12 or 3.13"),
        ({"gpu_runner_labels": "gpu, a b"}, "gpu_runner_labels", "'a b' is not a runner label"),
    ],
)
def test_bad_answers_stop_with_the_fix_and_leave_nothing(
    answers: dict[str, str], field: str, hint: str, tmp_path: Path
) -> None:
    result = bake(tmp_path, answers)
    assert result.returncode == 1
    message = result.stdout + result.stderr
    assert f"{field}: " in message and hint in message
    assert "Traceback" not in message
    assert result.projects == []


def test_existing_directory_is_not_overwritten(tmp_path: Path) -> None:
    first = bake(tmp_path)
    assert first.returncode == 0
    readme = first.project / "README.md"
    readme.write_text("my work", "utf-8")
    second = bake(tmp_path)
    assert second.returncode == 1
    assert "already exists" in second.stdout + second.stderr
    assert readme.read_text("utf-8") == "my work"


def test_dlc_new_from_bibtex(tmp_path: Path, dlc_bib: Path) -> None:
    command = [sys.executable, "-m", "dlc_common", "new", "--template", str(ROOT)]
    env = isolated_env(tmp_path / "home")
    env["PYTHONPATH"] = str(ROOT)
    out = tmp_path / "out"
    result = subprocess.run(
        [
            *command,
            "--bibtex",
            str(dlc_bib),
            "Ororbia2017-rq",
            "--no-input",
            "-o",
            str(out),
            "participant_name=Ada Lovelace",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    project = out / "OrorbiaMikolovReitter2017"
    citation = yaml.safe_load((project / "CITATION.cff").read_text("utf-8"))
    reference = citation["references"][0]
    assert reference["title"] == (
        "Learning Simpler Language Models with the Delta Recurrent Neural Network Framework"
    )
    assert [a["family-names"] for a in reference["authors"]] == ["Ororbia", "Mikolov", "Reitter"]
    assert reference["url"] == "https://arxiv.org/abs/1703.08864"
    assert citation["authors"][0]["family-names"] == "Lovelace"

    # An entry without a year fails before cookiecutter runs, naming the field and the fix.
    result = subprocess.run(
        [*command, "--bibtex", str(dlc_bib), "Luo_undated-qj", "--no-input", "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "year: entry 'Luo_undated-qj' has no year field" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["OrorbiaMikolovReitter2017"]


def test_bibtex_markup_becomes_plain_text(tmp_path: Path) -> None:
    bib = tmp_path / "lstm.bib"
    bib.write_text(
        "@article{Greff2017,\n"
        "  title = {{LSTM}: A Search Space {O}dyssey},\n"
        "  author = {Greff, Klaus and Srivastava, Rupesh K and Koutn{\\'\\i}k, Jan and "
        'Steunebrink, Bas R and Schmidhuber, J{\\"u}rgen},\n'
        "  year = 2017, doi = {10.1109/TNNLS.2016.2582924}\n}\n",
        "utf-8",
    )
    env = isolated_env(tmp_path / "home")
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dlc_common",
            "new",
            "--template",
            str(ROOT),
            "--bibtex",
            str(bib),
            "--no-input",
            "-o",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    project = tmp_path / "out" / "GreffSrivastavaKoutnikEtAl2017"
    citation = yaml.safe_load((project / "CITATION.cff").read_text("utf-8"))
    assert citation["references"][0]["title"] == "LSTM: A Search Space Odyssey"
    assert citation["references"][0]["doi"] == "10.1109/TNNLS.2016.2582924"
    assert citation["references"][0]["authors"][4]["family-names"] == "Schmidhuber"
    assert citation["references"][0]["authors"][2]["family-names"] == "Koutník"


def test_answers_are_checked_in_python_not_jinja() -> None:
    # One source of truth: the template's computed name comes from dlc_common.make.naming.
    config = json.loads((ROOT / "template" / "cookiecutter.json").read_text("utf-8"))
    computed = {k: v for k, v in config.items() if k.startswith("__") and k != "__prompts__"}
    assert computed == {
        "__repo_name": "{{ cookiecutter | dlc_repo_name }}",
        "__package_name": "{{ cookiecutter | dlc_package_name }}",
    }
    assert shutil.which("git"), "baking makes a git repository: git must be installed"
