# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The hooks as participants meet them: installed by pre-commit from this repository.

pre-commit installs a hook repository from a git commit, so the tests commit a snapshot of
this checkout (uncommitted edits included) to a throw-away repository and point pre-commit at
it: with ``try-repo``, and with a ``.pre-commit-config.yaml`` behind real ``git commit`` and
``git push``. Nothing is fetched from GitHub.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import CLEAN_CONFIG, Repo, lines

ROOT = Path(__file__).resolve().parents[2]
HEADER = (
    "# SPDX-FileCopyrightText: 2026 Ada Lovelace\n# SPDX-License-Identifier: GPL-3.0-or-later\n"
)
PYPROJECT = (
    HEADER + '[project]\nname = "LovelaceBabbage1843"\nversion = "0.1.0"\n'
    'license = "GPL-3.0-or-later"\ndependencies = ["dlc-common"]\n'
)
HOOK_IDS = ("dlc-commit-size", "dlc-commit-range", "dlc-license-headers", "dlc-dependency-licenses")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without GIT_* and PRE_COMMIT_* variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    return {**env, **extra}


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """This checkout's files committed to a throw-away repository: (path, commit)."""
    snapshot = tmp_path_factory.mktemp("dlc-template")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        env=clean_env(),
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():  # deleted but not yet staged files are listed too
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    config = tmp_path_factory.mktemp("snapshot-git") / "config"
    config.write_text(CLEAN_CONFIG)
    env = clean_env(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *command], cwd=snapshot, check=True, env=env)
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=snapshot, capture_output=True, text=True, env=env
    ).stdout.strip()
    yield snapshot, sha


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(repo: Repo, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run pre-commit (the test environment's) in a repository."""
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"},
    )


def test_manifest_is_valid_and_names_every_console_script(
    repo: Repo, pre_commit_home: Path
) -> None:
    result = pre_commit(
        repo, pre_commit_home, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (ROOT / ".pre-commit-hooks.yaml").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    for hook_id in HOOK_IDS:
        assert f"- id: {hook_id}\n" in manifest
        script = hook_id.replace("dlc-", "dlc-check-")
        assert re.search(rf"^  entry: {script}( --[a-z-]+)*\n", manifest, re.MULTILINE)
        assert f'{script} = "dlc_hooks.' in pyproject


@pytest.mark.slow
def test_try_repo_runs_the_hooks_from_this_repository(
    repo: Repo, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    repo.write("README.md", "# first\n")
    repo.add()
    repo.commit("first")
    repo.write("pyproject.toml", PYPROJECT)
    repo.write("src/model.py", lines(500))  # too big, and no header
    repo.write("notebooks/explore.ipynb", "{}\n")
    repo.add()
    result = pre_commit(repo, pre_commit_home, "try-repo", str(hook_repo[0]), "--verbose")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "508 changed lines in 3 files: too big (508 lines > limit 400)" in output
    assert "src/model.py: no SPDX-License-Identifier in the header" in output
    assert "notebooks/explore.ipynb: no licence" in output
    # dlc-common, as pre-commit installed it, is GPL: it needs its reviewed allow-list entry.
    assert "dlc-common 0.1.0: strong copyleft: GPL-3.0-or-later (GPL)" in output
    for hook_id in ("dlc-commit-size", "dlc-license-headers", "dlc-dependency-licenses"):
        assert f"- hook id: {hook_id}\n" in output
    assert "- hook id: dlc-commit-range" not in output  # a pre-push hook


@pytest.mark.slow
def test_git_commit_and_git_push_through_an_installed_config(
    repo: Repo, hook_repo: tuple[Path, str], pre_commit_home: Path, tmp_path: Path
) -> None:
    path, sha = hook_repo
    # verbose: the range check's summary shows even when it passes.
    hooks = "".join(f"      - id: {hook_id}\n        verbose: true\n" for hook_id in HOOK_IDS)
    repo.write(
        ".pre-commit-config.yaml",
        HEADER + "default_install_hook_types: [pre-commit, pre-push]\n"
        f"repos:\n  - repo: {path}\n    rev: {sha}\n    hooks:\n{hooks}",
    )
    repo.write("pyproject.toml", PYPROJECT)
    shutil.copy(ROOT / "hooks" / "data" / "dlc-licenses.toml", repo.path / ".dlc-licenses.toml")
    repo.write("src/generated.py", HEADER + lines(3000))  # the first commit: a baked project
    repo.add()
    installed = pre_commit(repo, pre_commit_home, "install", "--install-hooks")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        # Git sends what hooks print to stderr: read both, in order.
        return subprocess.run(
            ["git", *args],
            cwd=repo.path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            env={
                **os.environ,
                "PRE_COMMIT_HOME": str(pre_commit_home),
                "PRE_COMMIT_COLOR": "never",
            },
        )

    first = git("commit", "-m", "Baked from dlc-template")
    assert first.returncode == 0, first.stdout
    assert "the first commit of a repository is not checked" in first.stdout

    repo.write("src/model.py", HEADER + lines(450))
    repo.add()
    too_big = git("commit", "-m", "Everything at once")
    assert too_big.returncode == 1
    assert "dlc-commit-size" in too_big.stdout and "452 changed lines in 1 file" in too_big.stdout

    repo.write("src/model.py", HEADER + lines(120))
    repo.write("src/data.py", "import os\n")
    repo.add()
    no_header = git("commit", "-m", "Model and data")
    assert no_header.returncode == 1
    assert "src/data.py: no SPDX-FileCopyrightText in the header" in no_header.stdout

    repo.write("src/data.py", HEADER + "import os\n")
    repo.add()
    good = git("commit", "-m", "Model and data")
    assert good.returncode == 0, good.stdout
    assert "warning" not in good.stdout  # 125 lines: below the warning threshold

    # A commit that skipped the hooks is caught when it is pushed.
    repo.write("src/train.py", HEADER + lines(700))
    repo.add()
    assert git("commit", "--no-verify", "-m", "Training, unchecked").returncode == 0
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git("remote", "add", "origin", str(remote))
    pushed = git("push", "-q", "origin", "HEAD:refs/heads/main")
    assert pushed.returncode == 1
    assert "Training, unchecked\n  702 changed lines in 1 file: too big" in pushed.stdout
    assert "2 commits checked (the first commit skipped): 1 over the limit" in pushed.stdout
    assert git("ls-remote", "origin").stdout == ""

    # Pushed without it, then redone in two commits: the second push checks only those two.
    assert git("push", "-q", "origin", "HEAD~1:refs/heads/main").returncode == 0
    git("reset", "-q", "--hard", "HEAD~1")
    repo.write("src/train.py", HEADER + lines(350))
    repo.add()
    assert git("commit", "-m", "Training loop").returncode == 0
    repo.write("src/train.py", HEADER + lines(700))
    repo.add()
    assert git("commit", "-m", "Training schedule").returncode == 0
    pushed = git("push", "origin", "HEAD:refs/heads/main")
    assert pushed.returncode == 0, pushed.stdout
    assert "2 commits checked: 0 over the limit, 2 with a warning." in pushed.stdout
    assert git("ls-remote", "origin").stdout.startswith(git("rev-parse", "HEAD").stdout.strip())


@pytest.mark.slow
def test_pre_commit_gives_the_header_hook_every_kind_of_source_file(
    repo: Repo, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """C, C++, CUDA, Dockerfile, Makefile and SLURM scripts reach the hook; prose does not."""
    repo.write("pyproject.toml", PYPROJECT)
    sources = [
        "kernels/matmul.cu", "kernels/matmul.cuh", "csrc/ops.cpp", "csrc/ops.h", "csrc/util.c",
        "Dockerfile", "docker/Dockerfile.gpu", "Makefile", "build/rules.mk", "CMakeLists.txt",
        "cluster/job.sbatch", "setup.cfg", "scripts/run",
    ]  # fmt: skip
    for name in sources:
        repo.write(name, "#!/bin/sh\necho hi\n" if name == "scripts/run" else "int x;\n")
    repo.write("README.md", "# No header needed here\n")
    repo.write("data/table.csv", "a,b\n1,2\n")
    repo.add()
    result = pre_commit(
        repo, pre_commit_home, "try-repo", str(hook_repo[0]), "dlc-license-headers", "--all-files"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    for name in sources:
        assert f"{name}: no SPDX-FileCopyrightText in the header" in output, name
    assert "README.md" not in output and "table.csv" not in output
