# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The task loop: train and evaluate every (experiment, variant, seed) not done yet, with
backups, stop signals between tasks, and each task's metrics saved as it finishes."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from dlc_common import stop
from dlc_common.config import Config
from dlc_common.run.claiming import claim_task, release_task
from dlc_common.run.exits import (
    EXIT_ERROR,
    EXIT_STOPPED,
    AppError,
    _signal_name,
)
from dlc_common.run.experiments import Task
from dlc_common.run.judging import (
    _check_claims_after,
)
from dlc_common.run.rundirs import (
    FAILURE_FILE,
    Results,
    _check_task_configs,
    _own_loop,
    _read_json,
    _read_metrics,
    _task_record,
)


def _splits(data: Any) -> tuple[Any, Any, Any]:
    def get(name: str) -> Any:
        return data.get(name) if isinstance(data, dict) else getattr(data, name, None)

    if get("train") is None:
        raise AppError("experiment.load_data must return train, validation and test datasets")
    return get("train"), get("validation"), get("test")


def _evaluate(experiment: ModuleType, model: Any, data: Any, config: Config) -> dict[str, float]:
    if hasattr(experiment, "evaluate"):
        metrics = experiment.evaluate(model, data, config)
    else:
        test = _splits(data)[2]
        if test is None:
            raise AppError("experiment.load_data returned no test data; add it or define evaluate")
        results = model.evaluate(test, return_dict=True, verbose=0)
        metrics = {f"test_{k}": v for k, v in results.items()}
    return {str(k): float(v) for k, v in metrics.items()}


def _train_tasks(ctx: dict[str, Any], claims: Any = None) -> Results:
    """Train and evaluate every task not done yet; returns the final metrics of every task.

    With ``claims`` and a judged profile, a claim whose metric the first task of its
    experiment and variant did not measure stops the run then (the task is kept).
    """
    from dlc_common.run import runtime

    config, run_dir, chief = ctx["config"], ctx["run_dir"], ctx["chief"]
    todo: list[Task] = ctx["tasks"]
    _check_task_configs(run_dir, todo)
    if config.deterministic:
        runtime.enable_determinism()
    precision = runtime.set_precision(config.precision)
    strategy = runtime.make_strategy()
    distribution = _distribution(config, strategy)
    print(
        "distribution: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in distribution.items()),
        flush=True,
    )
    # A --jobs worker: the parent recorded the start. Of a job array, index 0 records its
    # start beside submit's (the devices the tasks train on, not the login node's).
    if chief and (not ctx.get("worker") or ctx.get("array_index") == 0):
        record_start(ctx, precision, {**distribution, "strategy": _strategy_of(ctx, distribution)})
    if len(todo) > len(config.seeds) or not todo[0].experiment.implicit:
        print(f"{len(todo)} tasks (experiment/variant/seed) in {run_dir}", flush=True)
    verbose = 1 if sys.stdout.isatty() else 2
    results: Results = {}
    # Two processes never train the same task: each claims it first (not under several
    # workers, which train every task together and decide together).
    claiming = chief and not _is_multi_worker_env()
    elsewhere: list[Task] = []
    progress: list[Task] = []  # the tasks this process trained
    started = time.monotonic()

    def train(task: Task, later: Sequence[Task]) -> None:
        try:
            metrics = _train_one(ctx, task, strategy, precision, verbose)
        except BaseException as exc:
            if chief and _is_failure(exc):
                with contextlib.suppress(OSError):  # never hide the failure behind a disk error
                    record_failure(task.directory(run_dir), exc)
            raise
        finally:
            if claiming:
                release_task(task.directory(run_dir))
        (task.directory(run_dir) / FAILURE_FILE).unlink(missing_ok=True)
        results.setdefault(task.key, {})[task.seed] = metrics
        progress.append(task)
        if len(todo) > 1:
            print(_progress(run_dir, todo, len(progress), time.monotonic() - started), flush=True)
        _check_claims_after(claims if config.judge else None, task, metrics)
        _stop_between_tasks(strategy, run_dir, later, task)

    for index, task in enumerate(todo):
        done = task.directory(run_dir) / "metrics.json"
        if done.exists():
            results.setdefault(task.key, {})[task.seed] = _read_metrics(done, run_dir)
            print(f"{task.label}: done earlier, metrics from {done}")
            continue
        owner = claim_task(task.directory(run_dir)) if claiming else None
        if owner is not None:
            print(f"{task.label}: being trained by {owner}; left to it", flush=True)
            elsewhere.append(task)
            continue
        train(task, [*todo[index + 1 :], *elsewhere])
    if elsewhere and not ctx.get("worker"):  # a --jobs worker leaves them to its siblings
        _wait_for_others(run_dir, elsewhere, results, train)
    # In the run's order, whichever process trained which task when.
    ordered: Results = {}
    for task in todo:
        if task.seed in results.get(task.key, {}):
            ordered.setdefault(task.key, {})[task.seed] = results[task.key][task.seed]
    return ordered


def _progress(run_dir: Path, todo: Sequence[Task], trained: int, elapsed: float) -> str:
    """The progress line: tasks done of all, the time so far, and an estimate of what is left."""
    from dlc_common.run.parallel import clock

    done = sum(1 for t in todo if (t.directory(run_dir) / "metrics.json").is_file())
    left = len(todo) - done
    eta = f", about {clock(elapsed / trained * left)} left" if left and trained else ""
    return f"[{done}/{len(todo)} tasks done, {clock(elapsed)}{eta}]"


def _wait_for_others(
    run_dir: Path, waiting: list[Task], results: Results, train: Any, poll: float = 1.0
) -> None:
    """Wait for the tasks other processes are training: read each one's metrics once it is
    done, and train it here if its owner is gone. A stop signal ends the wait (exit 75)."""
    shown = ", ".join(t.label for t in waiting[:5]) + (
        f" and {len(waiting) - 5} more" if len(waiting) > 5 else ""
    )
    print(f"waiting for {len(waiting)} task(s) other processes are training: {shown}", flush=True)
    while waiting:
        signum = stop.requested()
        if signum:
            stop.ignore_further()
            raise AppError(
                f"stopped by {_signal_name(signum)} while {len(waiting)} task(s) were being "
                f"trained by other processes; run the same command with --run-dir {run_dir} "
                "again once they finish (status shows where every task stands)",
                EXIT_STOPPED,
            )
        for task in list(waiting):
            done = task.directory(run_dir) / "metrics.json"
            if done.exists():
                waiting.remove(task)
                results.setdefault(task.key, {})[task.seed] = _read_metrics(done, run_dir)
                print(f"{task.label}: done by another process, metrics from {done}", flush=True)
            elif claim_task(task.directory(run_dir)) is None:  # its owner is gone: ours now
                waiting.remove(task)
                print(f"{task.label}: its owner is gone; trained here", flush=True)
                train(task, waiting)
        if waiting:
            time.sleep(poll)


def _is_failure(exc: BaseException) -> bool:
    """Whether a task ended in a failure (a crash, NaN), not a stop or a refusal."""
    if isinstance(exc, AppError):
        return exc.status == EXIT_ERROR
    return isinstance(exc, Exception)


def log_path() -> str | None:
    """Where this process's output goes, if known: DLC_LOG, with SLURM's %j, %A and %a."""
    pattern = os.environ.get("DLC_LOG")
    if not pattern:
        return None
    for key, name in (("%A", "SLURM_ARRAY_JOB_ID"), ("%a", "SLURM_ARRAY_TASK_ID")):
        pattern = pattern.replace(key, os.environ.get(name, key))
    return pattern.replace("%j", os.environ.get("SLURM_JOB_ID", "%j"))


def record_failure(task_dir: Path, exc: BaseException) -> None:
    """Write the task's failure.json (the error, who, where its log is); status shows it."""
    import datetime
    import socket

    from dlc_common.files import write_json

    write_json(
        task_dir / FAILURE_FILE,
        {
            "error": f"{type(exc).__name__}: {exc}",
            "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
            "log": log_path(),
        },
    )


def record_start(ctx: dict[str, Any], precision: str, distribution: dict[str, Any]) -> None:
    """Write the run's config.json and environment.json (keeping every earlier start's), and
    add this start to claims.json (claims.toml's fingerprints and the time)."""
    from dlc_common.files import write_json
    from dlc_common.judge import preregistration
    from dlc_common.run.environment import describe_environment

    config, run_dir, root = ctx["config"], ctx["run_dir"], ctx["root"]
    # Made only now, when the input has been accepted: a refusal leaves no directory.
    run_dir.mkdir(parents=True, exist_ok=True)
    environment = describe_environment(root, config.seeds)
    environment.update(
        precision=precision, strategy=distribution["strategy"], distribution=distribution
    )
    earlier = run_dir / "environment.json"
    if earlier.exists():
        # A resumed run: keep where and how the earlier starts ran, newest last.
        before = _read_json(earlier)
        environment["earlier_starts"] = [*before.pop("earlier_starts", []), before]
    write_json(earlier, environment)
    # Beside environment.json, not in it: claims.json also grows at every judging (report
    # --run-dir too), and the history of the claims is read from it alone.
    preregistration.record_start(run_dir, root, config.profile, environment["git"].get("commit"))
    # In the profile's order: the experiments, their variants and a grid's axes are read
    # back from it (by report and evaluate) in the order they were declared.
    write_json(
        run_dir / "config.json",
        {"profile": config.profile, "values": config.values, "overrides": config.overrides},
        sort_keys=False,
    )


def _strategy_of(ctx: dict[str, Any], distribution: dict[str, Any]) -> str:
    if ctx.get("array_index") is None:
        return str(distribution["strategy"])
    return f"SLURM job array ({distribution['strategy']} per index)"


def _is_multi_worker_env() -> bool:
    from dlc_common.run.cluster import cluster_from_environment

    return cluster_from_environment().multi_worker


def _train_one(
    ctx: dict[str, Any], task: Task, strategy: Any, precision: str, verbose: int
) -> dict[str, float]:
    """Train and evaluate one task (claimed by this process); its metrics, saved."""
    from dlc_common.files import write_json
    from dlc_common.run import runtime
    from dlc_common.run.rundirs import BACKUP_DIR
    from dlc_common.run.train import fit

    run_dir, chief = ctx["run_dir"], ctx["chief"]
    task_dir, seed, task_config = task.directory(run_dir), task.seed, task.config
    experiment = ctx["modules"][task.experiment.id]
    done = task_dir / "metrics.json"
    runtime.seed_everything(seed)
    if chief and not task.experiment.implicit:
        task_dir.mkdir(parents=True, exist_ok=True)
        write_json(task_dir / "task.json", _task_record(task), sort_keys=False)
    if _own_loop(experiment):
        print(f"{task.label}: experiment.run into {task_dir}", flush=True)
        return _run_own_loop(experiment, task, task_dir, chief, precision)
    print(f"{task.label}: training {task_config.epochs} epochs into {task_dir}", flush=True)
    data = experiment.load_data(task_config, seed)
    train, validation, _ = _splits(data)
    started = time.perf_counter()
    result = fit(
        lambda: experiment.build_model(task_config),
        train,
        epochs=task_config.epochs,
        run_dir=task_dir,
        validation_data=validation,
        strategy=strategy,
        backup_seconds=float(task_config.backup_seconds),
        keep_backup=True,  # until metrics.json is written: a kill in evaluation costs no epoch
        verbose=verbose,
    )
    if result.stopped_by_signal is not None and not result.completed:
        stop.ignore_further()
        raise AppError(
            f"stopped by {_signal_name(result.stopped_by_signal)} after epoch "
            f"{result.history[-1]['epoch'] if result.history else 0}; the backup is in "
            f"{task_dir}; run the same command with --run-dir {run_dir} to resume",
            EXIT_STOPPED,
        )
    if result.diverged:
        raise AppError(
            f"{task.label}: the loss became NaN (history in {task_dir / 'history.jsonl'}); "
            "lower the learning rate or check the data",
            EXIT_ERROR,
        )
    metrics = _evaluate(experiment, result.model, data, task_config)
    if chief:
        _save_model(result.model, task_dir / "model.keras")
        write_json(
            done,
            {
                "seed": seed,
                "experiment": task.experiment.id,
                "variant": task.variant.id,
                "metrics": metrics,
                "epochs": task_config.epochs,
                "precision": precision,
                "seconds": round(time.perf_counter() - started, 2),
            },
        )
    if chief:  # the other workers read the chief's backup and never remove it
        shutil.rmtree(task_dir / BACKUP_DIR, ignore_errors=True)
    shown = ", ".join(f"{k}={v:.4g}" for k, v in metrics.items())
    print(f"{task.label}: {shown}", flush=True)
    return metrics


def _stop_between_tasks(strategy: Any, run_dir: Path, later: Sequence[Task], task: Task) -> None:
    """Exit 75 after ``task`` if any worker was asked to stop and tasks remain to be trained.

    Every worker calls this at the end of every task it trained: under several workers the
    decision is a collective at that point, so they all stop after the same task.
    """
    from dlc_common.run.steploop import agree_to_stop

    signum = agree_to_stop(strategy)
    if signum and any(not (t.directory(run_dir) / "metrics.json").exists() for t in later):
        stop.ignore_further()
        raise AppError(
            f"stopped by {_signal_name(signum)} after {task.label} (its metrics are saved); "
            f"run the same command with --run-dir {run_dir} to resume",
            EXIT_STOPPED,
        )


def _run_own_loop(
    experiment: ModuleType, task: Task, task_dir: Path, chief: bool, precision: str
) -> dict[str, float]:
    """One task of an experiment that trains itself: ``experiment.run``; saves metrics.json.

    A stop signal (SIGTERM, SIGUSR1, Ctrl-C) lets the task finish and keep its metrics, then
    stops with EXIT_STOPPED: the same command resumes at the next task.
    """
    from dlc_common.files import write_json

    task_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    raw = experiment.run(task.config, task.seed, task_dir)  # a stop signal is recorded meanwhile
    if not isinstance(raw, dict):
        raise AppError(f"experiment.run must return {{metric: float}}, not {type(raw).__name__}")
    metrics = {str(k): float(v) for k, v in raw.items()}
    if chief:
        write_json(
            task_dir / "metrics.json",
            {
                "seed": task.seed,
                "experiment": task.experiment.id,
                "variant": task.variant.id,
                "metrics": metrics,
                "epochs": task.config.epochs,
                "precision": precision,
                "seconds": round(time.perf_counter() - started, 2),
            },
        )
    shown = ", ".join(f"{k}={v:.4g}" for k, v in metrics.items())
    print(f"{task.label}: {shown}", flush=True)
    return metrics


def _distribution(config: Config, strategy: Any) -> dict[str, Any]:
    """How training is spread and the global batch split; a batch that does not divide fails."""
    from dlc_common.run.cluster import cluster_from_environment

    replicas = int(strategy.num_replicas_in_sync)
    workers = cluster_from_environment().num_workers
    # MultiWorkerMirroredStrategy is a subclass named CollectiveAllReduceStrategy.
    name = type(strategy).__name__
    name = {"CollectiveAllReduceStrategy": "MultiWorkerMirroredStrategy"}.get(name, name)
    record: dict[str, Any] = {
        "strategy": name,
        "workers": workers,
        "replicas": replicas,
    }
    batch = config.values.get("batch_size")
    if isinstance(batch, int):
        if batch % replicas:
            below, above = batch - batch % replicas, batch - batch % replicas + replicas
            nearest = f"{below} or {above}" if below else str(above)
            raise AppError(
                f"batch_size: {batch}, the global batch, does not divide among {replicas} "
                f"replicas ({workers} worker(s), {replicas // max(workers, 1)} device(s) each); "
                f"set batch_size to a multiple of {replicas} ({nearest}, and "
                "learning_rate to match if the paper's batch changes), or use a number of "
                f"GPUs that divides {batch}"
            )
        record.update(global_batch=batch, per_replica_batch=batch // replicas)
    return record


def _save_model(model: Any, path: Path) -> None:
    # Keras insists on the .keras suffix; write beside the target, then rename atomically.
    tmp = path.with_name(f".{path.stem}.tmp.keras")
    model.save(tmp)
    os.replace(tmp, path)
