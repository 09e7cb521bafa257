# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""github.com made of local git repositories, and a clean machine, for following the READMEs.

git is told, in a git config of the test's own, to fetch ``https://github.com/OWNER/REPO`` from
``BASE/OWNER/REPO`` instead (``url.<base>.insteadOf``). pip, uv and cookiecutter all fetch
through git, so a command that names GitHub (``gh:Latently/dlc-template``, ``git clone``,
``dlc-common @ git+https://github.com/...@vX``) runs word for word, offline. Nothing else is
substituted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dlc_common import __version__

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_REPO = "Latently/dlc-template"
TAG = f"v{__version__}"
# Commits of the test's own, whatever the machine's git identity.
IDENTITY = ["-c", "user.name=DLC tests", "-c", "user.email=tests@example.org"]


def git(*args: str, cwd: Path | None = None) -> str:
    """Run git quietly (no user or system config) and return its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    result = subprocess.run(
        ["git", *IDENTITY, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


@dataclass
class FakeGitHub:
    """A directory of repositories standing in for github.com, and the git config that says so."""

    base: Path
    gitconfig: Path

    @classmethod
    def create(cls, where: Path) -> FakeGitHub:
        base = where / "github.com"
        base.mkdir(parents=True)
        gitconfig = where / "gitconfig"
        gitconfig.write_text(
            f'[url "{base.as_uri()}/"]\n\tinsteadOf = https://github.com/\n'
            "[init]\n\tdefaultBranch = main\n"
            "[advice]\n\tdetachedHead = false\n",
            encoding="utf-8",
        )
        return cls(base, gitconfig)

    def path(self, repo: str) -> Path:
        """Where OWNER/REPO lives; OWNER/REPO.git is the same repository."""
        return self.base / repo

    def create_repository(self, repo: str) -> Path:
        """An empty OWNER/REPO, as GitHub's "new repository" makes it, ready for a push."""
        target = self.path(repo)
        target.parent.mkdir(parents=True, exist_ok=True)
        git("init", "-q", "--bare", "-b", "main", str(target))
        (target.parent / f"{target.name}.git").symlink_to(target.name)
        return target

    def push(self, source: Path, repo: str) -> Path:
        """Publish the git repository ``source`` as OWNER/REPO (a bare clone, all its refs)."""
        target = self.path(repo)
        target.parent.mkdir(parents=True, exist_ok=True)
        git("clone", "-q", "--mirror", str(source), str(target))
        (target.parent / f"{target.name}.git").symlink_to(target.name)
        return target

    def publish_template(self, scratch: Path, *, later_version: str | None = None) -> str:
        """Publish this checkout's working tree as Latently/dlc-template, tagged vVERSION.

        The tree is what the tests test: tracked and new files, with uncommitted changes, none
        of the ignored ones. With ``later_version``, a later commit on main says that version,
        so that whatever follows main instead of the tag installs the wrong version and is
        caught. Returns the tagged commit.
        """
        tree = copy_working_tree(scratch / "dlc-template")
        git("init", "-q", "-b", "main", cwd=tree)
        git("add", "-A", cwd=tree)
        git("commit", "-q", "-m", f"Release {__version__}", cwd=tree)
        git("tag", TAG, cwd=tree)
        tagged = git("rev-parse", "HEAD", cwd=tree)
        if later_version is not None:
            init = tree / "dlc_common" / "__init__.py"
            text = init.read_text(encoding="utf-8")
            init.write_text(text.replace(f'"{__version__}"', f'"{later_version}"'), "utf-8")
            git("commit", "-q", "-am", "Work after the release", cwd=tree)
        self.push(tree, TEMPLATE_REPO)
        return tagged


def copy_working_tree(dest: Path) -> Path:
    """Copy this checkout's files (tracked and new, with their changes; not ignored) to dest."""
    listing = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():  # a deleted file is still listed until committed
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def base_python() -> str:
    """The machine's own Python (not a virtual environment's), as on a fresh machine."""
    for name in (f"python{sys.version_info.major}.{sys.version_info.minor}", "python3"):
        candidate = Path(sys.base_prefix) / "bin" / name
        if candidate.exists():
            return str(candidate)
    return sys.executable


def _in_a_venv(directory: str) -> bool:
    return (Path(directory).parent / "pyvenv.cfg").exists()


def clean_env(home: Path, github: FakeGitHub, venv: Path | None = None) -> dict[str, str]:
    """The environment of a fresh machine: its own HOME, no virtual environment, no test knobs.

    Kept from this machine: its package index settings (PIP_*) and the uv and pip caches, which
    make TensorFlow install in seconds. ``venv`` (a fresh one) comes first on PATH, as an
    activated environment does.
    """
    home.mkdir(parents=True, exist_ok=True)
    # A short temp path: black's and TensorFlow's sockets must fit AF_UNIX's 108 bytes.
    tmp = tempfile.mkdtemp(prefix="dlc-fresh-")
    drop = ("GIT_", "COOKIECUTTER", "UV_", "NOX", "DLC_", "PYTEST", "VIRTUAL_ENV", "CONDA")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"):
        env.pop(name, None)
    real_cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    env.update(
        HOME=str(home),
        TMPDIR=tmp,  # cookiecutter leaves its rendered hook scripts there
        GIT_CONFIG_GLOBAL=str(github.gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        UV_CACHE_DIR=os.environ.get("UV_CACHE_DIR", str(real_cache / "uv")),
        PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR", str(real_cache / "pip")),
        # uv asks GitHub's API for a tag's commit before it asks git: not here.
        UV_NO_GITHUB_FAST_PATH="1",
        UV_PYTHON_DOWNLOADS="never",
        TF_CPP_MIN_LOG_LEVEL="3",
        TF_ENABLE_ONEDNN_OPTS="0",
    )
    path = [d for d in env.get("PATH", "").split(os.pathsep) if d and not _in_a_venv(d)]
    if venv is not None:
        path.insert(0, str(venv / "bin"))
    env["PATH"] = os.pathsep.join(path)
    return env


def fresh_venv(where: Path) -> Path:
    """A new virtual environment with pip, from the machine's own Python."""
    subprocess.run([base_python(), "-m", "venv", str(where)], check=True, timeout=300)
    return where
