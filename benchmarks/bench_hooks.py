# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Wall time of the commit-time hooks on a big staged change, beside check-added-large-files.

Builds a repository of 2,000 files, stages a change of 5,000 lines over 200 of them, and
prints the median wall time of each hook's console script as pre-commit would run it (the
staged file names as arguments where the hook takes them). The goals: each commit-time hook
under 150 ms, and dlc-check-commit-size at most 1.25 times check-added-large-files, printed
side by side with the ratio and the number of git processes each runs. Run with
``nox -s bench``; no figure here is a pass/fail test.

The commands run in turns (one run of each, then the next round), so that a machine busy
with other work slows them alike. Bytecode is cached as after a pip install (which is how
pre-commit installs hooks), in a folder of the benchmark's own (PYTHONPYCACHEPREFIX);
``--no-bytecode-cache`` times the compiling of the hooks' modules on every run instead (as
with PYTHONDONTWRITEBYTECODE and an install that wrote no .pyc).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

RUNS = 21
FILES = 2000
CHANGED_FILES = 200
LINES_PER_CHANGE = 25  # 200 files x 25 added lines = 5,000 changed lines
HEADER = "# SPDX-FileCopyrightText: 2026 Bench\n# SPDX-License-Identifier: GPL-3.0-or-later\n"
BIN = Path(sys.executable).parent
TENSORFLOW = "tensorflow-cpu==2.21.0"


def median_ms(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Median wall time in milliseconds over RUNS runs, after one warm-up run."""
    return in_turns({"one": command}, cwd, env)["one"]


def in_turns(commands: dict[str, list[str]], cwd: Path, env: dict[str, str]) -> dict[str, float]:
    """Median wall time (ms) of each command over RUNS rounds that run each once, in turn."""
    for command in commands.values():  # warm-up: disk cache, bytecode cache
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def git_processes(command: list[str], cwd: Path, env: dict[str, str], folder: Path) -> int:
    """How many git processes one run of the command starts (a logging git first on PATH)."""
    shims, log = folder / "shims", folder / "git-calls.log"
    shims.mkdir(exist_ok=True)
    real = shutil.which("git", path=env.get("PATH"))
    shim = shims / "git"
    shim.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    log.write_text("")
    path = f"{shims}{os.pathsep}{env.get('PATH', '')}"
    subprocess.run(command, cwd=cwd, env={**env, "PATH": path}, capture_output=True, check=False)
    return len(log.read_text().splitlines())


def git(repo: Path, env: dict[str, str], *args: str) -> None:
    """Run git quietly in the benchmark repository."""
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def build_repository(repo: Path, env: dict[str, str]) -> list[str]:
    """2,000 committed files, then 5,000 staged lines over 200 of them; the staged names."""
    git(repo, env, "init", "-q")
    names = []
    for i in range(FILES):
        name = f"src/pkg{i // 100:02}/module{i:04}.py"
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"value_{i}_{j} = {j}\n" for j in range(40))
        path.write_text(HEADER + f'"""Module {i}."""\n' + body)
        names.append(name)
    (repo / "pyproject.toml").write_text(
        HEADER + '[project]\nname = "bench"\nversion = "0"\nlicense = "GPL-3.0-or-later"\n'
        'dependencies = ["pre-commit", "pre-commit-hooks"]\n'
    )
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "2,000 files")
    staged = names[:: FILES // CHANGED_FILES]
    for name in staged:
        with (repo / name).open("a") as stream:
            stream.writelines(f"added_{j} = {j}\n" for j in range(LINES_PER_CHANGE))
    git(repo, env, "add", "-A")
    return staged


def tensorflow_python(folder: Path) -> Path | None:
    """An environment with tensorflow-cpu 2.21.0 made with uv, or None without uv."""
    uv = shutil.which("uv") or shutil.which("uv", path=str(BIN))
    if uv is None:
        return None
    venv = folder / "tfenv"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([uv, "pip", "install", "-q", "--python", str(python), TENSORFLOW], check=True)
    return python


def main() -> None:
    """Build the repository, time each hook, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="compile the hooks' modules on every run (PYTHONDONTWRITEBYTECODE, no .pyc)",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "gitconfig"
        config.write_text("[user]\n  name = Bench\n  email = bench@example.invalid\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
        env.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
        if options.no_bytecode_cache:
            # The standard library keeps its own .pyc files; the hooks' are not written.
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            cache = "no bytecode cache: the hooks' modules compiled on every run"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
            cache = "bytecode cached, as after a pip install"
        repo = folder / "repo"
        repo.mkdir()
        staged = build_repository(repo, env)

        version = metadata.version("pre-commit-hooks")
        anchor = [str(BIN / "check-added-large-files"), *staged]
        size = [str(BIN / "dlc-check-commit-size")]
        side_by_side = in_turns(
            {"python": [sys.executable, "-c", "pass"], "anchor": anchor, "size": size}, repo, env
        )
        calls = {
            name: git_processes(c, repo, env, folder)
            for name, c in (("anchor", anchor), ("size", size))
        }
        rows = [("python -c pass (interpreter start-up, for scale)", side_by_side["python"])]
        rows.append(
            (
                f"check-added-large-files (pre-commit-hooks {version}), {len(staged)} files, "
                f"{calls['anchor']} git processes",
                side_by_side["anchor"],
            )
        )
        rows.append((f"dlc-check-commit-size, {calls['size']} git processes", side_by_side["size"]))
        ratio = side_by_side["size"] / side_by_side["anchor"]
        rows.append(
            (
                f"dlc-check-commit-size / check-added-large-files = {ratio:.2f} "
                "(goal: at most 1.25)",
                None,
            )
        )
        rows.append(
            (
                f"dlc-check-license-headers, {len(staged)} files",
                median_ms([str(BIN / "dlc-check-license-headers"), *staged], repo, env),
            )
        )
        rows.append(
            (
                "dlc-check-dependency-licenses, this environment (pre-commit, pre-commit-hooks)",
                median_ms([str(BIN / "dlc-check-dependency-licenses")], repo, env),
            )
        )
        python = tensorflow_python(folder)
        if python is not None:
            (repo / "tf.toml").write_text(
                '[project]\nname = "bench"\nversion = "0"\n' f'dependencies = ["{TENSORFLOW}"]\n'
            )
            command = [
                str(BIN / "dlc-check-dependency-licenses"),
                "--pyproject",
                "tf.toml",
                "--python",
                str(python),
            ]
            rows.append(
                (
                    f"dlc-check-dependency-licenses, {TENSORFLOW} env (--python)",
                    median_ms(command, repo, env),
                )
            )
        else:
            rows.append(("dlc-check-dependency-licenses, TensorFlow env: skipped, no uv", 0.0))

    lines = CHANGED_FILES * LINES_PER_CHANGE
    print(
        f"Commit-time hooks on a repository of {FILES} files with {lines} staged lines over "
        f"{CHANGED_FILES} files; median of {RUNS} runs taken in turns; {cache} "
        "(goal: < 150 ms)"
    )
    width = max(len(name) for name, _ in rows)
    for name, ms in rows:
        print(f"  {name.ljust(width)}  {ms:7.1f} ms" if ms is not None else f"  {name}")


if __name__ == "__main__":
    main()
