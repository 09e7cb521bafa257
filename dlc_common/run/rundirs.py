# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a run lives and what it holds: the repository, run directories, saved configs
and metrics, and the experiment modules that train its tasks."""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from dlc_common.config import Config
from dlc_common.run.exits import (
    AppError,
)
from dlc_common.run.experiments import Experiment, Task

HISTORY_FILE = "history.jsonl"  # a task's metric history, one JSON line per epoch
BACKUP_DIR = "backup"  # a task's backups, one epoch-NNNNNN directory each
METRICS_FILE = "metrics.json"  # a task's final metrics: the task is done
FAILURE_FILE = "failure.json"  # why a task's last attempt failed, and where its log is


def _find_root(explicit: str | None, package: str) -> Path:
    if explicit:
        root = Path(explicit)
    elif (Path.cwd() / "configs").is_dir():
        root = Path.cwd()
    else:
        # src layout: <root>/src/<package>/__init__.py, installed in editable mode.
        module = sys.modules.get(package) or importlib.import_module(package)
        root = Path(module.__file__ or ".").resolve().parents[2]
    if not (root / "configs").is_dir():
        raise AppError(f"{root}: no configs/ directory; run from the repository root or use --root")
    name = package.split(".")[0]
    src = root / "src"
    if src.is_dir() and not (src / name).is_dir():
        # Another replication's repository: its configs, claims and commit are not ours.
        others = sorted(p.name for p in src.iterdir() if (p / "__init__.py").is_file())
        raise AppError(
            f"{root} is the repository of {', '.join(others) or 'another package'}, not of "
            f"{name}: run python -m {name} from its own repository (or give it --root)"
        )
    return root.resolve()


def _pick_run_dir(args: argparse.Namespace, root: Path, config: Config, multi: bool) -> Path:
    runs = root / "runs" / config.profile
    if args.run_dir:
        return Path(args.run_dir).resolve()
    if multi and not os.environ.get("SLURM_JOB_ID"):
        # Every worker must see the chief's run directory (to skip the same finished seeds),
        # and a time stamp would differ between them.
        raise AppError("a multi-worker run needs --run-dir DIR, the same on every worker")
    if getattr(args, "resume", False) or args.command in ("evaluate", "status"):
        existing = sorted(p for p in runs.glob("*") if (p / "config.json").exists())
        if not existing:
            raise AppError(f"no run of profile {config.profile!r} in {runs}; train one first")
        return existing[-1]
    job = os.environ.get("SLURM_JOB_ID")
    if job:
        # A requeued SLURM job keeps its id, so it finds its own run directory and resumes.
        return runs / f"slurm-{job}"
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate, n = runs / stamp, 1
    while candidate.exists():  # two runs started within the same second stay apart
        n += 1
        candidate = runs / f"{stamp}-{n}"
    return candidate


def _read_json(path: Path) -> Any:
    """A JSON file the engine wrote; a damaged one is a clear error, not a traceback."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AppError(
            f"{path}: cannot be read ({exc}); it is damaged: start over with --run-dir NEW, "
            "or restore the file"
        ) from None


def _check_same_config(run_dir: Path, config: Config) -> None:
    saved = run_dir / "config.json"
    if not saved.exists():
        return
    record = _read_json(saved)
    if not isinstance(record, dict) or not isinstance(record.get("values"), dict):
        raise AppError(f"{saved}: not a run's config.json; start over with --run-dir NEW")
    before = record["values"]
    now = json.loads(json.dumps(config.values))
    if before != now:
        changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
        raise AppError(
            f"{run_dir} holds a run with a different config (differs in: {', '.join(changed)}); "
            "resume it with the same settings or choose a new --run-dir"
        )


Results = dict[tuple[str, str], dict[int, dict[str, float]]]  # (experiment, variant) -> seed


def _read_metrics(path: Path, run_dir: Path) -> dict[str, float]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8"))["metrics"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise AppError(
            f"{path}: not a metrics file ({exc}); remove it and resume the run with "
            f"replicate --run-dir {run_dir} to train that task again"
        ) from None


def _task_record(task: Task) -> dict[str, Any]:
    return {
        "experiment": task.experiment.id,
        "variant": task.variant.id,
        "label": task.variant.label,
        "seed": task.seed,
        "values": task.config.values,
    }


def _check_task_configs(run_dir: Path, tasks: Sequence[Task]) -> None:
    """Refuse, before any training, a task whose saved config differs from its config now."""
    for task in tasks:
        saved = task.directory(run_dir) / "task.json"
        if task.experiment.implicit or not saved.is_file():
            continue
        before = _read_json(saved).get("values")
        now = json.loads(json.dumps(task.config.values))
        if before != now:
            changed = sorted(k for k in set(before or {}) | set(now) if before.get(k) != now.get(k))
            raise AppError(
                f"{task.directory(run_dir)} holds task {task.name} trained with another config "
                f"(differs in: {', '.join(changed)}); resume it with the same settings or "
                "choose a new --run-dir"
            )


def _seconds(run_dir: Path, tasks: Sequence[Task]) -> float:
    """The wall time of the tasks' training and evaluation, from their metrics.json."""
    total = 0.0
    for task in tasks:
        path = task.directory(run_dir) / "metrics.json"
        if path.exists():
            total += float(json.loads(path.read_text(encoding="utf-8")).get("seconds", 0.0))
    return total


def _histories(run_dir: Path, tasks: Sequence[Task]) -> dict[tuple[str, str], dict[int, Any]]:
    from dlc_common.run.callbacks import read_history

    histories: dict[tuple[str, str], dict[int, Any]] = {}
    for task in tasks:
        path = task.directory(run_dir) / HISTORY_FILE
        histories.setdefault(task.key, {})[task.seed] = read_history(path)
    return histories


def _own_loop(experiment: ModuleType) -> bool:
    return callable(getattr(experiment, "run", None))


def _modules(package: str, experiments: Sequence[Experiment]) -> dict[str, ModuleType]:
    """The module that trains each experiment, checked to define what the engine calls."""
    modules = {}
    for experiment in experiments:
        name = f"{package}.{experiment.module}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name not in (name, package):
                raise  # the module exists and imports something missing: a crash to show
            where = "" if experiment.implicit else f"experiments.{experiment.id}.module: "
            raise AppError(
                f"{where}no module {name}: add src/{package}/{experiment.module.replace('.', '/')}"
                ".py or name the module that trains it"
            ) from None
        for needed in () if _own_loop(module) else ("load_data", "build_model"):
            if not callable(getattr(module, needed, None)):
                raise AppError(f"{name} must define {needed}(config, ...) or run(config, ...)")
        modules[experiment.id] = module
    return modules


def task_state(run_dir: Path, task: Task) -> tuple[str, str]:
    """Where a task stands, read from its directory: (state, detail), without TensorFlow.

    ``done`` (its metrics are saved), ``running`` (claimed by a live process: which),
    ``failed`` (its last attempt crashed: the error and the log), ``stopped`` (a backup to
    resume from), ``started`` (a history but neither a claim nor a
    backup: killed before its first backup), ``not started``.
    """
    directory = task.directory(run_dir)
    done = directory / METRICS_FILE
    if done.is_file():
        try:
            record = json.loads(done.read_text(encoding="utf-8"))
            return "done", f"in {float(record.get('seconds', 0.0)):.1f} s"
        except (OSError, ValueError, TypeError, AttributeError):
            return "damaged", f"{done} cannot be read: remove it to train the task again"
    epochs = 0
    if (directory / HISTORY_FILE).is_file():
        text = (directory / HISTORY_FILE).read_text(encoding="utf-8", errors="replace")
        epochs = sum(1 for line in text.splitlines() if line.strip())
    backups = sorted((directory / BACKUP_DIR).glob("epoch-*")) if directory.is_dir() else []
    from dlc_common.run.claiming import owner_of

    owner = owner_of(directory) if directory.is_dir() else None
    if owner is not None:
        return "running", f"by {owner.split(' (if that')[0]}, {epochs} epochs recorded"
    if (directory / FAILURE_FILE).is_file():
        try:
            failure = json.loads((directory / FAILURE_FILE).read_text(encoding="utf-8"))
            error, log = str(failure.get("error", "?")), failure.get("log")
        except (OSError, ValueError, TypeError, AttributeError):
            error, log = f"{directory / FAILURE_FILE} cannot be read", None
        where = f"; its log: {log}" if log else ""
        return "failed", f"{error}{where}; fix it and run again to retrain the task"
    if backups:
        epoch = backups[-1].name.removeprefix("epoch-").lstrip("0") or "0"
        return "stopped", f"backup of epoch {epoch} ({epochs} epochs recorded): resumes there"
    if epochs or (directory.is_dir() and any(directory.iterdir())):
        return "started", f"{epochs} epochs recorded, no backup: killed before its first"
    return "not started", ""
