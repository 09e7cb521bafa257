# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check built distributions of dlc-common: the wheel works in a clean venv, without TensorFlow.

``python3 .github/scripts/check_dist.py dist [--version X.Y.Z]``: the release workflow runs it on
what it is about to publish, and tests/test_release.py on a fresh build. Standard library only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
import venv
from pathlib import Path

AUTHORS = "Mikolov, Tomas and Joulin, Armand and Chopra, Sumit and Mathieu, Michael"
NAME = "MikolovJoulinChopraEtAl2015"
# What a user's `pip install dlc-common` must bring: the command, the library, the hooks.
COMMANDS = ["dlc", "dlc-check-commit-size", "dlc-check-license-headers"]
SDIST_FILES = ["pyproject.toml", "LICENSE", "README.md", "dlc_common/__init__.py"]


def fail(message: str) -> None:
    """Stop with a message that names what is wrong."""
    raise SystemExit(f"check_dist: {message}")


def run(command: list[str]) -> str:
    """Run a command, echo it, and return its output; stop if it fails."""
    print("+", " ".join(command), flush=True)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        fail(f"{command[0]} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return result.stdout


def check(dist: Path, version: str | None) -> None:
    """Check the one wheel and the one sdist in ``dist``."""
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        fail(f"{dist} must hold one wheel and one sdist, not {wheels + sdists}")
    wheel, sdist = wheels[0], sdists[0]
    found = wheel.name.split("-")[1]
    if version is not None and found != version:
        fail(f"the wheel is version {found}, the tag says {version}")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[-1] for name in archive.getnames()}
    missing = [name for name in SDIST_FILES if name not in names]
    if missing:
        fail(f"{sdist.name} lacks {missing}")
    with tempfile.TemporaryDirectory() as tmp:
        env = Path(tmp) / "venv"
        venv.create(env, with_pip=True)
        bindir = env / ("Scripts" if sys.platform == "win32" else "bin")
        python = str(bindir / "python")
        run([python, "-m", "pip", "install", "--quiet", str(wheel)])
        for command in COMMANDS:
            run([str(bindir / command), "--help"])
        shown = run([str(bindir / "dlc"), "--version"]).strip()
        if shown != f"dlc-common {found}":
            fail(f"dlc --version says {shown!r}, the wheel is {found}")
        named = run([str(bindir / "dlc"), "name", AUTHORS, "2015"]).strip()
        if named != NAME:
            fail(f"dlc name gave {named!r}, expected {NAME}")
        # The fast paths never need TensorFlow: it is not installed, and nothing imports it.
        probe = "import importlib.util as u, dlc_common.cli; print(u.find_spec('tensorflow'))"
        if run([python, "-c", probe]).strip() != "None":
            fail("TensorFlow came along with the wheel; it must stay an extra")
    print(f"check_dist: {wheel.name} and {sdist.name} are good")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="directory with the wheel and sdist")
    parser.add_argument("--version", help="the version they must have (the tag without v)")
    args = parser.parse_args(argv)
    check(args.dist, args.version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
