# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Wall time of the commit-time hooks on a big staged change, beside check-added-large-files.

Builds a repository of 2,000 files, stages a change of 5,000 lines over 200 of them, and
prints the median wall time of each hook's console script as pre-commit would run it (the
staged file names as arguments where the hook takes them). The goal: each commit-time hook
under 150 ms. Run with ``nox -s bench``; no figure here is a pass/fail test.
"""

from __future__ import annotations

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
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


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
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "gitconfig"
        config.write_text("[user]\n  name = Bench\n  email = bench@example.invalid\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
        env.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
        repo = folder / "repo"
        repo.mkdir()
        staged = build_repository(repo, env)

        baseline = median_ms([sys.executable, "-c", "pass"], repo, env)
        rows = [("python -c pass (interpreter start-up, for scale)", baseline)]
        version = metadata.version("pre-commit-hooks")
        rows.append(
            (
                f"check-added-large-files (pre-commit-hooks {version}), {len(staged)} files",
                median_ms([str(BIN / "check-added-large-files"), *staged], repo, env),
            )
        )
        rows.append(
            (
                "dlc-check-commit-size",
                median_ms([str(BIN / "dlc-check-commit-size")], repo, env),
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
        f"{CHANGED_FILES} files; median of {RUNS} runs (goal: < 150 ms)"
    )
    width = max(len(name) for name, _ in rows)
    for name, ms in rows:
        print(f"  {name.ljust(width)}  {ms:7.1f} ms")


if __name__ == "__main__":
    main()
