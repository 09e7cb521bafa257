# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bakes from hostile or incomplete input: wrong papers never cited, nothing lands elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

from dlc_common.make.bake import answers_from_entry
from dlc_common.make.bibtex import read_bibtex
from dlc_common.make.naming import NamingError, name_from_entry
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
    for answers in ({"authors": "Doe, Jane"}, {"year": "2016"}, {"kind": "patent"}):
        other = bake(tmp_path / next(iter(answers)), answers)
        assert other.returncode == 1, answers
        assert "identifier: " in other.stdout + other.stderr
        assert other.projects == []


def _files_under(path: Path) -> set[Path]:
    return {p for p in path.rglob("*") if "home" not in p.relative_to(path).parts[:1]}


@pytest.mark.parametrize(
    ("key", "value", "hint"),
    [
        ("__repo_name", "../../escaped-{tmp}", "derived from authors, year and counter"),
        ("__repo_name", "{tmp_path}/absolute", "derived from authors, year and counter"),
        ("__package_name", "os", "derived from authors, year and counter"),
        ("__package_name", "../../escaped-{tmp}", "derived from authors, year and counter"),
        ("_new_lines", "\r\n", "a setting of the template itself"),
        ("_example_identifier", "arXiv:1703.08864", "a setting of the template itself"),
        (
            "particpant_name",
            "Ada",
            "not a question of this template; did you mean participant_name?",
        ),
        ("githubuser", "ada", "did you mean github_user?"),
        ("shape", "round", "the questions are: kind, title, authors, year, identifier"),
    ],
)
def test_derived_private_and_unknown_keys_are_refused(
    tmp_path: Path, key: str, value: str, hint: str
) -> None:
    value = value.format(tmp=tmp_path.name, tmp_path=tmp_path)
    result = bake(tmp_path, {key: value})
    message = result.stdout + result.stderr
    assert result.returncode == 1, message
    assert f"  {key}: " in message and hint in message
    assert "Traceback" not in message
    assert result.projects == []
    assert _files_under(tmp_path) == {tmp_path / "out"}
    assert not list(tmp_path.parent.glob(f"escaped-{tmp_path.name}*"))


def test_overrides_are_refused_by_every_route(tmp_path: Path) -> None:
    # The API's extra context, as a tool that calls cookiecutter would pass it.
    escape = f"../escaped-{tmp_path.name}"
    code = (
        "import sys\n"
        "from cookiecutter.main import cookiecutter\n"
        "from cookiecutter.exceptions import FailedHookException\n"
        "try:\n"
        f"    cookiecutter({str(ROOT)!r}, no_input=True, output_dir='out',\n"
        f"                 extra_context={{'__repo_name': {escape!r}}})\n"
        "except FailedHookException as error:\n"
        "    print(error)\n"
        "    sys.exit(3)\n"
    )
    env = isolated_env(tmp_path / "home")
    api = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert api.returncode == 3, api.stderr
    assert "__repo_name: is derived from authors, year and counter" in api.stdout
    # The user's own cookiecutter configuration (default_context).
    config = tmp_path / "config.yaml"
    config.write_text(f'default_context:\n  __repo_name: "{escape}"\n', "utf-8")
    configured = bake(
        tmp_path,
        command=[sys.executable, "-m", "cookiecutter", str(ROOT), "--config-file", str(config)],
    )
    assert configured.returncode == 1
    assert "__repo_name: is derived" in configured.stdout + configured.stderr
    # dlc new refuses before cookiecutter runs.
    result = dlc_new(tmp_path, "--no-input", "-o", "new", f"__repo_name={escape}")
    assert result.returncode == 1
    assert result.stderr.startswith("dlc new: __repo_name: is derived from authors, year")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "new").exists()
    assert (
        configured.projects == []
        and not (tmp_path / "out" / "MikolovJoulinChopraEtAl2015").exists()
    )
    assert not list(tmp_path.parent.glob(f"escaped-{tmp_path.name}*"))


MARKER_TITLE = "Forged <!-- dlc:results:start --> table <!-- dlc:results:end --> and <!-- a comment"


def test_an_answer_cannot_forge_the_results_marker(tmp_path: Path) -> None:
    from dlc_common.judge.report import README_END, README_START, update_readme

    answers = {
        "title": MARKER_TITLE,
        "assignee": "Eve <!-- dlc:results:end -->",
    }
    result = bake(tmp_path, answers)
    assert result.returncode == 0, result.stdout + result.stderr
    readme = result.project / "README.md"
    text = readme.read_text("utf-8")
    assert text.count(README_START) == text.count(README_END) == 1
    assert "<!-- a comment" not in text  # no answer opens an HTML comment that hides the rest
    assert "&lt;!-- dlc:results:start --&gt;" in text
    update_readme(readme, "| new | table |")
    after = readme.read_text("utf-8")
    assert "| new | table |" in after
    # Only the table changed: every line outside the markers is kept.
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    assert (
        after.replace(
            "| new | table |", text[start + len(README_START) + 1 : end - len(README_END) - 1]
        )
        == text
    )
    citation = yaml.safe_load((result.project / "CITATION.cff").read_text("utf-8"))
    assert citation["references"][0]["title"] == MARKER_TITLE  # other files keep it exactly


def test_rebake_with_force_never_commits_the_users_files(tmp_path: Path) -> None:
    first = bake(tmp_path)
    project = first.project
    (project / "notes.txt").write_text("mine", "utf-8")
    git = ["git", "-C", str(project)]
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    # Over an existing repository: the template's files are written, nothing is committed.
    again = bake(tmp_path, command=[sys.executable, "-m", "cookiecutter", str(ROOT), "-f"])
    assert again.returncode == 0, again.stderr
    assert (
        "already was a git repository" in again.stderr and "nothing was committed" in again.stderr
    )
    assert (
        subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout == head
    )
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == "?? notes.txt\n"
    # Over a directory without git: the first commit holds the template's files only.
    subprocess.run(["rm", "-rf", str(project / ".git")], check=True)
    third = bake(tmp_path, command=[sys.executable, "-m", "cookiecutter", str(ROOT), "-f"])
    assert third.returncode == 0, third.stderr
    tracked = subprocess.run([*git, "ls-files"], capture_output=True, text=True).stdout.split()
    assert "notes.txt" not in tracked and "README.md" in tracked and ".cruft.json" in tracked
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == "?? notes.txt\n"
    assert (project / "notes.txt").read_text("utf-8") == "mine"


def _in_a_mount(tmp_path: Path, options: str, command: list[str]) -> subprocess.CompletedProcess:
    """Run ``command`` with tmp_path/mnt a fresh tmpfs mounted with ``options`` (own namespace)."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    script = 'mount -t tmpfs -o "$1" tmpfs "$2" && shift 2 && exec "$@"'
    unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    env = isolated_env(tmp_path / "home")
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [*unshare, "sh", "-c", script, "sh", options, str(mount), *command],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )


DLC_NEW = [sys.executable, "-m", "dlc_common", "new", "--template", str(ROOT), "--no-input"]
COOKIECUTTER = [sys.executable, "-m", "cookiecutter", str(ROOT), "--no-input"]


@pytest.mark.parametrize("command", [DLC_NEW, COOKIECUTTER], ids=["dlc-new", "cookiecutter"])
def test_a_read_only_output_directory_is_one_clear_line(tmp_path: Path, command: list[str]) -> None:
    result = _in_a_mount(tmp_path, "ro", [*command, "-o", str(tmp_path / "mnt" / "out")])
    message = result.stdout + result.stderr
    assert result.returncode == 1, message
    assert f"{tmp_path / 'mnt'} is not writable; choose another output directory" in message
    assert "Traceback" not in message


def test_a_full_disk_leaves_nothing_half_made(tmp_path: Path) -> None:
    # The mount lives as long as its namespace: bake and look inside it in one shell.
    script = '"$@" -o "$0/out"; echo "status=$?"; ls -A "$0"'
    mnt = str(tmp_path / "mnt")
    result = _in_a_mount(tmp_path, "size=64k", ["sh", "-c", script, mnt, *DLC_NEW])
    assert result.stdout == "status=1\n"  # nothing listed: the half-made repository is gone
    assert result.stderr.startswith("dlc new: cannot write")
    assert "No space left on device; nothing was kept" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["_extensions=[]"], "dlc new: _extensions: is a setting of the template itself"),
        (["__package_name=os"], "dlc new: __package_name: is derived from authors, year"),
        (["__prompts__={}"], "dlc new: __prompts__: is a setting of the template itself"),
    ],
)
def test_dlc_new_refuses_what_cookiecutter_would_crash_on(
    tmp_path: Path, args: list[str], hint: str
) -> None:
    result = dlc_new(tmp_path, "--no-input", "-o", "out", *args)
    assert result.returncode in (1, 2)
    assert result.stderr.startswith(hint), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_plain_cookiecutter_with_extensions_overridden_writes_nothing(tmp_path: Path) -> None:
    # Cookiecutter checks _extensions before any code of the template runs, so the template
    # cannot word this error (see dlc new above); it must still fail and write nothing.
    result = bake(tmp_path, {"_extensions": "[]"})
    assert result.returncode != 0
    assert "_extensions" in result.stdout + result.stderr
    assert result.projects == []


def test_dlc_new_into_an_existing_repository_is_one_line(tmp_path: Path) -> None:
    assert dlc_new(tmp_path, "--no-input", "-o", "out").returncode == 0
    readme = tmp_path / "out" / "MikolovJoulinChopraEtAl2015" / "README.md"
    readme.write_text("my work", "utf-8")
    again = dlc_new(tmp_path, "--no-input", "-o", "out")
    assert again.returncode == 1
    assert "already exists; choose another --output-dir" in again.stderr
    assert len(again.stderr.splitlines()) == 1
    assert readme.read_text("utf-8") == "my work"


STEP_ORDER = ["Claims", "Model", "Data", "Paper config", "First paper run", "GitHub"]


@pytest.mark.parametrize("how", ["cookiecutter", "dlc-new"])
def test_the_bake_ends_with_what_it_made_and_the_next_steps(tmp_path: Path, how: str) -> None:
    if how == "cookiecutter":
        result = bake(tmp_path)
        output, project = result.stdout, result.project
    else:
        result = dlc_new(tmp_path, "--no-input", "-o", "out")
        output, project = result.stdout, tmp_path / "out" / "MikolovJoulinChopraEtAl2015"
    assert result.returncode == 0, result.stderr
    lines = output.strip().splitlines()
    assert lines[0].startswith("Created ") and "MikolovJoulinChopraEtAl2015" in lines[0]
    assert "28 files, first commit on branch main" in lines[0]
    assert lines[1] == "Next steps (also at the top of its README.md):"
    assert lines[2].startswith("  0. cd ") and str(project.name) in lines[2]
    steps = lines[3:]
    assert [line.split(":")[0] for line in steps] == [
        f"  {n}. {name}" for n, name in enumerate(STEP_ORDER, start=1)
    ]
    assert "git push -u origin main" in steps[-1]
    assert "https://github.com/Latently/MikolovJoulinChopraEtAl2015.git" in steps[-1]


def test_the_readme_opens_with_the_ordered_first_steps(tmp_path: Path) -> None:
    result = bake(tmp_path, {"github_org": "ada-lab"})
    readme = (result.project / "README.md").read_text("utf-8")
    section = readme.index("## First steps")
    assert section < readme.index("## Claims tested") < readme.index("git clone")
    assert readme[:section].count("\n## ") == 0  # the first section of the README
    numbered = [
        line for line in readme[section:].splitlines() if line[:1].isdigit() and ". **" in line
    ]
    assert [line.split("**")[1] for line in numbered] == STEP_ORDER
    assert [line.split(".")[0] for line in numbered] == ["1", "2", "3", "4", "5", "6"]
    assert "`src/mikolovjoulinchopraetal2015/model.py`" in numbered[1]
    assert "git remote add origin https://github.com/ada-lab/MikolovJoulinChopraEtAl2015.git" in (
        numbered[5]
    )


def test_dlc_new_refuses_a_misspelt_answer_with_a_suggestion(tmp_path: Path) -> None:
    result = dlc_new(tmp_path, "--no-input", "-o", "out", "particpant_name=Ada Lovelace")
    assert result.returncode == 1
    assert result.stderr.startswith("dlc new: Cannot create the repository:\n")
    assert (
        "  particpant_name: is not a question of this template; did you mean participant_name?"
        in (result.stderr)
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_offline_dlc_new_says_how_to_use_a_local_template(tmp_path: Path) -> None:
    # No network: github.com is redirected to a closed local port (never reached for real).
    home = tmp_path / "home"
    env = isolated_env(home)
    (home / "gitconfig").write_text(
        '[url "https://127.0.0.1:9/"]\n\tinsteadOf = https://github.com/\n'
        "[http]\n\tproxy = http://127.0.0.1:9\n",
        "utf-8",
    )
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "dlc_common", "new", "--no-input", "-o", "out"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("dlc new: cannot fetch the template gh:Latently/dlc-template at v0.1.0")
    assert "127.0.0.1" in line  # git's own reason
    assert line.endswith(
        "without network, use a local copy of dlc-template: dlc new --template PATH ..."
    )
    assert not (tmp_path / "out").exists()


def test_a_tampered_replay_file_cannot_move_the_repository(tmp_path: Path) -> None:
    assert bake(tmp_path).returncode == 0
    replay = tmp_path / "home" / ".cookiecutter_replay" / "template.json"
    record = json.loads(replay.read_text("utf-8"))
    assert record["cookiecutter"]["__repo_name"] == "MikolovJoulinChopraEtAl2015"
    record["cookiecutter"]["__repo_name"] = f"../escaped-{tmp_path.name}"
    replay.write_text(json.dumps(record), "utf-8")
    command = [sys.executable, "-m", "cookiecutter", str(ROOT), "--replay"]
    result = subprocess.run(
        [*command, "--directory", "template", "--output-dir", str(tmp_path / "again")],
        capture_output=True,
        text=True,
        env=isolated_env(tmp_path / "home"),
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert "__repo_name: is derived from authors, year and counter" in result.stdout
    assert not (tmp_path / "again").exists()
    assert not list(tmp_path.parent.glob(f"escaped-{tmp_path.name}*"))
