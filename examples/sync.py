# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keep an example replication in step with the template: ``nox -s sync_example``.

The example is re-baked from the answers recorded in its ``.cruft.json``. Every baked file is
template-owned (workflow, pre-commit config, licence, noxfile, pyproject, ...) unless the
example implements it (EXAMPLE_OWNED: README, claims, configs, notebook, experiment, its
replicate test) or deliberately drops it (REMOVED: the stub's data and model).

    python examples/sync.py            copy the template-owned files into the example
    python examples/sync.py --check    list the drifted files; exit 1 if there are any
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "RumelhartHintonWilliams1986"
# What the example implements itself, as glob patterns relative to its root.
EXAMPLE_OWNED = (
    "README.md",
    "claims.toml",
    "configs/*.toml",
    "notebooks/*.ipynb",
    "src/*/experiment.py",
    "tests/test_replicate.py",
)
# Stub files of the template that the example replaces by its own modules and tests.
REMOVED = ("src/*/data.py", "src/*/model.py", "tests/test_model_and_data.py")
RECORD = ".cruft.json"
SYNC_COMMAND = "nox -s sync_example"


class SyncError(Exception):
    """The example cannot be re-baked; the message says why and what to do."""


def _matches(path: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch(path, pattern) for pattern in patterns)


def answers(example: Path) -> dict[str, str]:
    """The template's answers recorded in the example's .cruft.json."""
    path = example / RECORD
    try:
        context = json.loads(path.read_text(encoding="utf-8"))["context"]["cookiecutter"]
    except FileNotFoundError:
        raise SyncError(f"{path}: missing; bake the example with `dlc new` first") from None
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise SyncError(f"{path}: no context.cookiecutter answers ({exc})") from None
    return {k: str(v) for k, v in context.items() if not k.startswith("_")}


def bake(example: Path, work: Path) -> Path:
    """Bake the template of this checkout with the example's answers into ``work``."""
    home = work / "home"
    (home / "tmp").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "COOKIECUTTER"))}
    # A throw-away HOME keeps cookiecutter's replay files and git config out of the user's.
    env.update(HOME=str(home), TMPDIR=str(home / "tmp"), GIT_CONFIG_NOSYSTEM="1", PYTHONPATH="")
    out = work / "out"
    command = [sys.executable, "-m", "cookiecutter", str(ROOT), "--no-input"]
    command += ["--output-dir", str(out)]
    command += [f"{k}={v}" for k, v in answers(example).items()]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SyncError(f"baking the template failed:\n{result.stdout}{result.stderr}")
    (project,) = out.iterdir()
    if project.name != example.name:
        raise SyncError(f"the answers bake {project.name}, not {example.name}: fix {RECORD}")
    return project


def template_files(baked: Path) -> list[str]:
    """The template-owned files of a bake, relative POSIX paths, sorted."""
    files = []
    for path in baked.rglob("*"):
        rel = path.relative_to(baked).as_posix()
        if not path.is_file() or rel.split("/")[0] == ".git" or rel == RECORD:
            continue
        if not _matches(rel, EXAMPLE_OWNED + REMOVED):
            files.append(rel)
    return sorted(files)


def drift(example: Path, baked: Path) -> list[str]:
    """Template-owned files that differ from the bake or are missing, and removed ones present."""
    changed = [
        rel
        for rel in template_files(baked)
        if not (example / rel).is_file() or not filecmp.cmp(example / rel, baked / rel, False)
    ]
    back = [
        path.relative_to(example).as_posix()
        for pattern in REMOVED
        for path in example.glob(pattern)
    ]
    return sorted(changed + back)


def _template_commit() -> str | None:
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return head.stdout.strip() if head.returncode == 0 else None


def sync(example: Path, baked: Path) -> list[str]:
    """Copy the drifted template-owned files into the example; returns what changed."""
    changed = drift(example, baked)
    for rel in changed:
        if _matches(rel, REMOVED):
            (example / rel).unlink()
            continue
        (example / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(baked / rel, example / rel)
    record = json.loads((example / RECORD).read_text(encoding="utf-8"))
    record["commit"] = _template_commit()  # the template version the example now matches
    (example / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Check or bring the example in step with the template; exit 1 on drift with --check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list drifted files")
    parser.add_argument("--example", type=Path, default=EXAMPLE, help="the example's root")
    args = parser.parse_args(argv)
    example = args.example.resolve()
    try:
        with tempfile.TemporaryDirectory(prefix="dlc-sync-") as work:
            baked = bake(example, Path(work))
            if args.check:
                changed = drift(example, baked)
                for rel in changed:
                    print(f"{example.name}/{rel}: differs from the template", file=sys.stderr)
                if changed:
                    print(f"bring the example in step with: {SYNC_COMMAND}", file=sys.stderr)
                    return 1
                print(f"{example.name}: every template-owned file matches the template")
                return 0
            changed = sync(example, baked)
    except SyncError as exc:
        print(f"sync: error: {exc}", file=sys.stderr)
        return 2
    for rel in changed:
        print(f"updated {example.name}/{rel}")
    print(f"{example.name}: in step with the template ({len(changed)} file(s) updated)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
