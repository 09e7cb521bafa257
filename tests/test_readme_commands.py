# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Both READMEs, followed word for word on a fresh machine.

The commands are read from the READMEs' code blocks and run unchanged by bash, in a new virtual
environment of the machine's own Python (an activated venv: ``python3`` and ``pip`` are its
own) with a HOME of their own. The one substitution is github.com, which this machine cannot
reach: git fetches it from local repositories (tests/fake_github.py), the template being this
checkout's working tree tagged with its version. uv's cache is the machine's, so TensorFlow
installs in seconds. A command that stops working fails the test.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.bakery import bake
from tests.fake_github import ROOT, TEMPLATE_REPO, FakeGitHub, clean_env, fresh_venv

pytestmark = pytest.mark.slow

# Questions are answered with their defaults (the program's own example) wherever one is asked.
DEFAULTS = "\n" * 80
# `nox -s test` in the template's checkout runs this file too, which would run itself again:
# there it runs one quick test file (the outer suite runs the rest).
INNER_TESTS = "tests/test_naming.py -p no:cacheprovider"
# The baked README's commands not run here: the paper profile's full replication.
NOT_RUN = ("--profile paper",)


def section(markdown: str, heading: str) -> str:
    """The text of the ``## heading`` section, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"the README has no section '## {heading}'"
    return match.group(1)


def code_blocks(markdown: str) -> list[str]:
    """The code blocks (indented by four spaces, or fenced) of a piece of Markdown."""
    blocks: list[str] = []
    current: list[str] = []
    fenced = False
    previous_blank = True
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            if fenced:
                blocks.append("\n".join(current).strip("\n"))
                current = []
            fenced = not fenced
        elif fenced:
            current.append(line)
        elif line.startswith("    ") and (current or previous_blank):
            current.append(line[4:])
        elif not line.strip() and current:
            current.append("")
        elif current:
            blocks.append("\n".join(current).strip("\n"))
            current = []
        previous_blank = not line.strip()
    if current:
        blocks.append("\n".join(current).strip("\n"))
    return [block for block in blocks if block]


def steps(block: str) -> list[tuple[str, str]]:
    """A block's steps: each comment line and the commands under it."""
    found: list[tuple[str, str]] = []
    for line in block.splitlines():
        if line.startswith("#"):
            found.append((line, ""))
        elif line.strip():
            comment, commands = found.pop() if found else ("", "")
            found.append((comment, commands + line + "\n"))
    return [(comment, commands) for comment, commands in found if commands]


def sh(script: str, cwd: Path, env: dict[str, str], timeout: int = 1200) -> str:
    """Run README lines with bash as a user would type them; fail with their output."""
    start = time.monotonic()
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        input=DEFAULTS,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    print(f"{time.monotonic() - start:6.1f} s  {script.strip()}", flush=True)
    assert result.returncode == 0, (
        f"README command failed (exit {result.returncode}) in {cwd}:\n{script}\n"
        f"--- stdout\n{clip(result.stdout)}\n--- stderr\n{clip(result.stderr)}"
    )
    return result.stdout + result.stderr


def clip(text: str, keep: int = 3000) -> str:
    """The start and the end of a long output: the first error and the last words."""
    return text if len(text) <= 2 * keep else f"{text[:keep]}\n[...]\n{text[-keep:]}"


def made(directory: Path) -> Path:
    """The one repository a bake made in directory."""
    (project,) = [p for p in directory.iterdir() if (p / "pyproject.toml").exists()]
    return project


@pytest.fixture(scope="module")
def github(tmp_path_factory: pytest.TempPathFactory) -> FakeGitHub:
    """github.com with Latently/dlc-template: this working tree, tagged with its version."""
    where = tmp_path_factory.mktemp("github")
    fake = FakeGitHub.create(where)
    fake.publish_template(where / "scratch")
    return fake


def test_root_readme_quickstart_and_dlc_new(
    github: FakeGitHub, tmp_path: Path, dlc_bib: Path
) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    env = clean_env(tmp_path / "home", github, fresh_venv(tmp_path / "venv"))
    # "In a checkout": a clone of the template repository and nothing beside it; its tests
    # read the data shipped in tests/data.
    checkouts = tmp_path / "checkouts"
    checkouts.mkdir()
    subprocess.run(
        ["git", "clone", "-q", f"https://github.com/{TEMPLATE_REPO}"],
        cwd=checkouts,
        env=env,
        check=True,
    )
    checkout = checkouts / TEMPLATE_REPO.split("/")[1]
    work = tmp_path / "work"
    work.mkdir()

    (quickstart,) = code_blocks(section(readme, "Quickstart"))
    ran = steps(quickstart)
    assert len(ran) >= 2, quickstart
    for comment, commands in ran:
        if "in a checkout" in comment:
            out = sh(commands, checkout, env | {"PYTEST_ADDOPTS": INNER_TESTS})
            for session in re.findall(r"nox -s ([\w ]+)", commands)[0].split():
                assert f"Session {session} was successful" in out, session
        else:
            sh(commands, work, env)
    # Step 1 answered every question with its default: the program's own example.
    assert made(work).name == "MikolovJoulinChopraEtAl2015"

    # Creating a replication: the library from its tag, then `dlc new` from a BibTeX export,
    # each form in a directory of its own with the export in it.
    (create,) = code_blocks(section(readme, "Creating a replication"))
    lines = [line for line in create.splitlines() if line.strip()]
    news = [line for line in lines if line.startswith("dlc new")]
    assert news and any("pip install" in line for line in lines)
    sh("\n".join(line for line in lines if line not in news), work, env)
    for number, line in enumerate(news):
        directory = tmp_path / f"new-{number}"
        directory.mkdir()
        shutil.copy(dlc_bib, directory / "DLC.bib")
        sh(line, directory, env)
        project = made(directory)
        assert (project / ".git").is_dir() and (project / "README.md").exists()
    # `cruft check` tells whether the template has moved on: it has not.
    assert "cruft check" in readme
    assert "up to date" in sh("cruft check", made(tmp_path / "new-0"), env).lower()

    # The naming rule's examples print what the README shows.
    (examples,) = code_blocks(section(readme, "The naming rule"))
    shown = re.findall(r"^\$ (.+)\n((?:(?!\$ ).*\n?)*)", examples, re.M)
    assert len(shown) >= 3, examples
    for command, output in shown:
        assert sh(command, tmp_path / "new-0", env).strip() == output.strip(), command


def test_baked_readme_set_up_and_commands(github: FakeGitHub, tmp_path: Path) -> None:
    result = bake(tmp_path / "bake")
    assert result.returncode == 0, result.stdout + result.stderr
    baked = result.project
    readme = (baked / "README.md").read_text("utf-8")
    how = section(readme, "How to run")
    env = clean_env(tmp_path / "home", github, fresh_venv(tmp_path / "venv"))
    # First steps: create the empty repository on GitHub, then push with the README's commands.
    url = re.search(r"git clone (https://github\.com/(\S+?))(?:\.git)?\s", how)
    assert url, "the set-up block clones the repository"
    github.create_repository(url.group(2))
    pushes = re.findall(r"`(git (?:remote|push)[^`]*)`", section(readme, "First steps"))
    assert any(command.startswith("git push") for command in pushes), pushes
    for command in pushes:
        sh(command, baked, env)
    user = tmp_path / "user"
    user.mkdir()
    set_up = code_blocks(how)[0]
    # The set-up ends where the commands run (its `cd`): print that directory after it.
    out = sh(set_up + '\necho "README-CWD=$PWD"\n', user, env)
    (cwd,) = re.findall(r"^README-CWD=(.+)$", out, re.M)
    repository = Path(cwd)
    assert (repository / "pyproject.toml").exists()

    rows = [line for line in how.splitlines() if line.startswith("|")]
    commands = [c for row in rows for c in re.findall(r"`(nox [^`]+)`", row)]
    assert "nox -s test" in commands and "nox -s audit" in commands, commands
    # As in the repository's CI: the job summary gets the smoke verdicts and the checklist
    # (which a fresh repository fails, as a warning rather than a failed session).
    summary = tmp_path / "step-summary.md"
    env = env | {"GITHUB_STEP_SUMMARY": str(summary)}
    outs: dict[str, str] = {}
    for command in commands:
        if any(skip in command for skip in NOT_RUN):
            continue
        out = outs[command] = sh(command, repository, env)
        for session in re.findall(r"-s ([\w-]+)", command):
            assert f"Session {session} was successful" in out, command
    assert "::warning title=dlc audit::" in outs["nox -s audit"]
    written = summary.read_text("utf-8")
    assert "## Results: paper versus replication" in written and "not judged" in written
    assert "## dlc audit:" in written, written[-3000:]
    assert re.search(r"^- ❌ fail `claims`", written, re.M), written[-3000:]
