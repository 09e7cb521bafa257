# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""dlc-common as users get it: the built wheel, the release workflow, a baked repository's pin."""

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

from dlc_common import __version__
from tests.bakery import bake
from tests.fake_github import (
    ROOT,
    TAG,
    TEMPLATE_REPO,
    FakeGitHub,
    clean_env,
    copy_working_tree,
)

RELEASE = ROOT / ".github" / "workflows" / "release.yml"
CHECK_DIST = ROOT / ".github" / "scripts" / "check_dist.py"
# The one source a baked repository's dlc-common comes from: its template version's tag.
PIN = f"dlc-common @ git+https://github.com/{TEMPLATE_REPO}@{TAG}"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)@(\S+)(.*)$", re.MULTILINE)
WORKFLOWS = [
    RELEASE,
    ROOT / ".github" / "workflows" / "ci.yml",
    ROOT / "template" / "{{cookiecutter.__repo_name}}" / ".github" / "workflows" / "ci.yml",
]


def uv() -> str:
    found = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    assert Path(found).exists(), "uv is needed: python3 -m pip install uv"
    return found


def installed(python: Path, name: str) -> tuple[str, dict]:
    """The version of an installed distribution and its direct_url.json (PEP 610)."""
    probe = (
        "import importlib.metadata as m, sys; d = m.distribution(sys.argv[1]);"
        "print(d.version); print(d.read_text('direct_url.json') or '{}')"
    )
    out = subprocess.run(
        [str(python), "-I", "-c", probe, name], capture_output=True, text=True, check=True
    ).stdout
    version, _, direct_url = out.partition("\n")
    return version, json.loads(direct_url)


def test_the_built_wheel_installs_and_runs_without_tensorflow(tmp_path: Path) -> None:
    # Built from a copy of the checkout, as CI's clean clone would: no build/ or egg-info here.
    tree = copy_working_tree(tmp_path / "tree")
    dist = tmp_path / "dist"
    subprocess.run([uv(), "build", "-q", "--out-dir", str(dist), str(tree)], check=True)
    result = subprocess.run(
        [sys.executable, str(CHECK_DIST), str(dist), "--version", __version__],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"dlc_common-{__version__}-py3-none-any.whl" in result.stdout
    # The same script refuses a build whose version is not the tag's.
    wrong = subprocess.run(
        [sys.executable, str(CHECK_DIST), str(dist), "--version", "9.9.9"],
        capture_output=True,
        text=True,
    )
    assert wrong.returncode != 0 and "the tag says 9.9.9" in wrong.stderr


def test_release_workflow_is_clean_under_actionlint_and_zizmor(tmp_path: Path) -> None:
    bindir = Path(sys.executable).parent
    for check in (
        [str(bindir / "actionlint"), "-no-color", str(RELEASE)],
        [str(bindir / "zizmor"), "--offline", "--no-progress", str(RELEASE)],
    ):
        result = subprocess.run(check, cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, f"{check}\n{result.stdout}\n{result.stderr}"


def test_release_workflow_builds_tests_and_publishes_a_tag_with_least_privilege() -> None:
    workflow = yaml.safe_load(RELEASE.read_text("utf-8"))
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert trigger == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert set(jobs) == {"build", "test", "publish"}
    assert jobs["test"]["needs"] == "build" and set(jobs["publish"]["needs"]) == {"build", "test"}
    for name, job in jobs.items():
        wanted = {"id-token": "write"} if name == "publish" else {"contents": "read"}
        assert job["permissions"] == wanted, name
    assert jobs["publish"]["environment"]["name"] == "pypi"
    publish = [step.get("uses", "") for step in jobs["publish"]["steps"]]
    assert publish[-1].startswith("pypa/gh-action-pypi-publish@")
    assert not any("password" in step.get("with", {}) for step in jobs["publish"]["steps"])
    runs = [step.get("run", "") for step in jobs["test"]["steps"]]
    assert any(".github/scripts/check_dist.py dist" in run for run in runs)


def test_actions_are_pinned_to_one_commit_each_with_its_version() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for action, ref, rest in USES.findall(path.read_text("utf-8")):
            assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{path.name}: {action}@{ref}"
            assert re.fullmatch(r"\s*# v\d+(\.\d+)*", rest), f"{path.name}: {action} {rest!r}"
            pins.setdefault(action, set()).add(f"{ref}{rest.strip()}")
    assert "pypa/gh-action-pypi-publish" in pins
    assert all(len(refs) == 1 for refs in pins.values()), pins


@pytest.mark.parametrize(("tag", "ok"), [(TAG, True), ("v999.0.0", False)])
def test_release_refuses_a_tag_that_is_not_the_library_version(tag: str, ok: bool) -> None:
    (step,) = [
        s
        for s in yaml.safe_load(RELEASE.read_text("utf-8"))["jobs"]["build"]["steps"]
        if "dlc_common.__version__" in s.get("run", "")
    ]
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "TAG": tag},
    )
    assert (result.returncode == 0) == ok, result.stdout + result.stderr


def test_the_readme_installs_the_library_version_from_its_tag() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    versions = re.findall(r"dlc-template@v(\d[^\s\"'`]*)", readme)
    versions += re.findall(r"dlc-common==(\d[^\s\"'`]*)", readme)
    assert versions == [__version__], "the README names the version once: dlc_common.__version__"
    assert f'pip install "dlc-common[new] @ git+https://github.com/{TEMPLATE_REPO}@{TAG}"' in readme
    # The extra the README installs holds what the README tells users to run.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    extra = " ".join(pyproject["project"]["optional-dependencies"]["new"])
    for tool in ("cookiecutter", "cruft"):
        assert re.search(rf"\b{tool}\b", extra), tool
        assert f"`{tool}" in readme or f" {tool} " in readme


@pytest.fixture(scope="module")
def baked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = bake(tmp_path_factory.mktemp("release-bake"))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.project


@pytest.mark.slow
def test_a_baked_repository_pins_dlc_common_to_its_template_version_tag(
    baked: Path, tmp_path: Path
) -> None:
    pyproject = tomllib.loads((baked / "pyproject.toml").read_text("utf-8"))
    assert PIN in pyproject["project"]["dependencies"]
    # Resolved for real, with no environment variable: git fetches the tag, not main, whose
    # later commit says another version. (GitHub is a local stand-in; see fake_github.)
    github = FakeGitHub.create(tmp_path)
    tagged = github.publish_template(tmp_path / "scratch", later_version="999.0.0.dev0")
    env = clean_env(tmp_path / "home", github)
    venv = tmp_path / "venv"
    subprocess.run([uv(), "venv", "-q", str(venv)], env=env, check=True)
    python = venv / "bin" / "python"
    install = [uv(), "pip", "install", "-q", "--python", str(python), "-e", str(baked)]
    result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    version, source = installed(python, "dlc-common")
    assert version == __version__
    assert source["url"] == f"https://github.com/{TEMPLATE_REPO}"
    assert source["vcs_info"]["requested_revision"] == TAG
    assert source["vcs_info"]["commit_id"] == tagged


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["uv", "virtualenv"])
def test_dlc_common_source_installs_the_local_checkout_offline(
    baked: Path, tmp_path: Path, backend: str
) -> None:
    project = tmp_path / baked.name
    shutil.copytree(baked, project)
    # A GitHub with nothing on it: any attempt to fetch the pinned tag fails.
    github = FakeGitHub.create(tmp_path / "empty")
    env = clean_env(tmp_path / "home", github) | {"DLC_COMMON_SOURCE": str(ROOT)}
    command = [sys.executable, "-m", "nox", "--force-venv-backend", backend, "-s", "lint"]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    python = project / ".nox" / "lint" / "bin" / "python"
    version, source = installed(python, "dlc-common")
    assert version == __version__ and source["url"] == ROOT.as_uri()
    if backend != "uv":
        return
    # Without the variable the same session goes for the tag, and so fails here.
    del env["DLC_COMMON_SOURCE"]
    shutil.rmtree(project / ".nox")
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert f"github.com/{TEMPLATE_REPO}" in result.stdout + result.stderr
