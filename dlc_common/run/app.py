# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line of a replication package: ``python -m <package> train|evaluate|replicate``.

A replication's ``__main__.py`` is ``sys.exit(main(package=__package__))``. Its profiles
may declare experiments and their variants (``[experiments.<id>]``, see
``dlc_common.run.experiments``); a run is then every (experiment, variant, seed) task, each in
``<run_dir>/<experiment>/<variant>/seed-<n>``, and ``--only EXPERIMENT[/VARIANT]`` runs a part.
Without experiments a run is its seeds, in ``<run_dir>/seed-<n>``. Each experiment's module
(``<package>.experiment`` unless it names another) holds what is paper-specific; it gets the
task's resolved config (``config.experiment`` and ``config.variant`` name the task):

- ``load_data(config, seed)``: an object (or dict) with ``train``, ``validation`` and ``test``
  datasets (``validation`` may be None), for example made by ``dlc_common.data.pipeline``;
- ``build_model(config)``: a compiled ``keras.Model`` (called inside the strategy's scope);
- ``evaluate(model, data, config)`` (optional): the final metrics as ``{name: float}``; by
  default ``model.evaluate(data.test)`` with names prefixed ``test_``.

An experiment with its own training loop defines instead (then load_data and build_model are
not needed, and ``evaluate`` is not available as a command):

- ``run(config, seed, seed_dir)``: train and measure one task, return its final metrics as
  ``{name: float}``; it may write files into ``seed_dir`` (a ``history.jsonl`` is plotted).
  Finished tasks are not run again; a stop signal ends the run after the current task
  (exit 75), so a task should take minutes, not hours;
- ``figures(run_dir, metrics_by_seed, out_dir)`` (optional, either kind of experiment): draw
  the paper's figures as PNG files into ``out_dir``; returns ``[(caption, file name), ...]``,
  which the report embeds under "Figures". For a declared experiment it is called with
  ``run_dir/<experiment>`` and ``{variant: {seed: metrics}}``.

Exit status: 0 done (every judged claim reproduced), 1 the run finished and a claim was not
reproduced, inconclusive or not judgeable in a judged profile (a verdict, not a failure),
2 bad input (usage, config, claims, no claim), 3 the run failed (a crash, a seed whose loss
became NaN, missing data, a damaged or vanished run directory), 75 stopped by a signal with a
backup saved (run the same command again to resume).
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import errno
import importlib
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from dlc_common.config import Config, ConfigError, load_config, read_toml
from dlc_common.data.datasets import DatasetError
from dlc_common.judge.report import PlotsUnavailable
from dlc_common.run import stop
from dlc_common.run.experiments import DEFAULT_VARIANT, Experiment, Task, parse_only, plan
from dlc_common.run.experiments import tasks as make_tasks

__all__ = ["EXIT_BAD_INPUT", "EXIT_ERROR", "EXIT_FAILED", "EXIT_OK", "EXIT_STOPPED", "main"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_STOPPED = 0, 1, 2, 75  # 75: EX_TEMPFAIL, requeue
EXIT_ERROR = 3  # the run failed: never to be read as the verdict "not reproduced" (1)
PUBLISHED_PROFILE = "paper"  # the profile whose report goes to report/ and the README


class AppError(Exception):
    """An error to print as one line, with the exit status to return."""

    def __init__(self, message: str, status: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.status = status


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


def _title(root: Path, claims_paper: dict[str, Any], package: str) -> str:
    if claims_paper.get("title"):
        return str(claims_paper["title"])
    pyproject = root / "pyproject.toml"
    if pyproject.exists():
        try:
            description = read_toml(pyproject).get("project", {}).get("description")
        except ConfigError:
            description = None
        if description:
            return str(description)
    return package


def _pick_run_dir(args: argparse.Namespace, root: Path, config: Config, multi: bool) -> Path:
    runs = root / "runs" / config.profile
    if args.run_dir:
        return Path(args.run_dir).resolve()
    if multi and not os.environ.get("SLURM_JOB_ID"):
        # Every worker must see the chief's run directory (to skip the same finished seeds),
        # and a time stamp would differ between them.
        raise AppError("a multi-worker run needs --run-dir DIR, the same on every worker")
    if getattr(args, "resume", False) or args.command == "evaluate":
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


def _train_tasks(ctx: dict[str, Any], claims: Any = None) -> Results:
    """Train and evaluate every task not done yet; returns the final metrics of every task.

    With ``claims`` and a judged profile, a claim whose metric the first task of its
    experiment and variant did not measure stops the run then (the task is kept).
    """
    from dlc_common.files import write_json
    from dlc_common.run import runtime
    from dlc_common.run.environment import describe_environment
    from dlc_common.run.train import BACKUP_DIR, fit

    config, run_dir, chief, root = ctx["config"], ctx["run_dir"], ctx["chief"], ctx["root"]
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
    if chief:  # only the chief writes; the other workers read what it wrote
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
        # In the profile's order: the experiments, their variants and a grid's axes are read
        # back from it (by report and evaluate) in the order they were declared.
        write_json(
            run_dir / "config.json",
            {"profile": config.profile, "values": config.values, "overrides": config.overrides},
            sort_keys=False,
        )
    if len(todo) > len(config.seeds) or not todo[0].experiment.implicit:
        print(f"{len(todo)} tasks (experiment/variant/seed) in {run_dir}", flush=True)
    verbose = 1 if sys.stdout.isatty() else 2
    results: Results = {}
    for index, task in enumerate(todo):
        task_dir, seed, task_config = task.directory(run_dir), task.seed, task.config
        experiment = ctx["modules"][task.experiment.id]
        done = task_dir / "metrics.json"
        if done.exists():
            results.setdefault(task.key, {})[seed] = _read_metrics(done, run_dir)
            print(f"{task.label}: done earlier, metrics from {done}")
            continue
        runtime.seed_everything(seed)
        if chief and not task.experiment.implicit:
            task_dir.mkdir(parents=True, exist_ok=True)
            write_json(task_dir / "task.json", _task_record(task), sort_keys=False)
        if _own_loop(experiment):
            print(f"{task.label}: experiment.run into {task_dir}", flush=True)
            metrics = _run_own_loop(experiment, task, task_dir, chief, precision)
            results.setdefault(task.key, {})[seed] = metrics
            _check_claims_after(claims if config.judge else None, task, metrics)
            _stop_between_tasks(strategy, run_dir, todo[index + 1 :], task)
            continue
        print(f"{task.label}: training {task_config.epochs} epochs into {task_dir}", flush=True)
        data = experiment.load_data(task_config, seed)
        train, validation, _ = _splits(data)
        started = time.perf_counter()
        result = fit(
            lambda experiment=experiment, task_config=task_config: experiment.build_model(
                task_config
            ),
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
        results.setdefault(task.key, {})[seed] = metrics
        shown = ", ".join(f"{k}={v:.4g}" for k, v in metrics.items())
        print(f"{task.label}: {shown}", flush=True)
        _check_claims_after(claims if config.judge else None, task, metrics)
        _stop_between_tasks(strategy, run_dir, todo[index + 1 :], task)
    return results


def _claim_keys(claim: Any) -> list[tuple[str, str]]:
    """The (experiment, variant) pairs whose runs a claim is judged on."""
    keys = [(claim.experiment, claim.variant)]
    versus = getattr(claim, "versus", "")
    if versus:
        experiment, _, variant = versus.rpartition("/")
        keys.append((experiment or claim.experiment, variant))
    return keys


def _check_claims_after(claims: Any, task: Task, metrics: dict[str, float]) -> None:
    if claims is None:
        return
    # Every variant of an experiment is trained by the same module: a metric its first task
    # did not measure is misspelt for all of them.
    names = {(task.experiment.id, v): set(metrics) for v in task.experiment.variant_ids}
    unknown = _unknown_metrics(claims, names, "its runs measured")
    if unknown:
        raise AppError(f"after {task.label} (kept): {unknown}, then run the same command again")


def _stop_between_tasks(strategy: Any, run_dir: Path, later: Sequence[Task], task: Task) -> None:
    """Exit 75 after ``task`` if any worker was asked to stop and tasks remain to be trained.

    Every worker calls this at the end of every task it trained: under several workers the
    decision is a collective at that point, so they all stop after the same task.
    """
    from dlc_common.run.train import agree_to_stop

    signum = agree_to_stop(strategy)
    if signum and any(not (t.directory(run_dir) / "metrics.json").exists() for t in later):
        stop.ignore_further()
        raise AppError(
            f"stopped by {_signal_name(signum)} after {task.label} (its metrics are saved); "
            f"run the same command with --run-dir {run_dir} to resume",
            EXIT_STOPPED,
        )


def _signal_name(signum: int) -> str:
    try:
        return f"signal {signum} ({signal.Signals(signum).name})"
    except ValueError:
        return f"signal {signum}"


def _own_loop(experiment: ModuleType) -> bool:
    return callable(getattr(experiment, "run", None))


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


def _seconds(run_dir: Path, tasks: Sequence[Task]) -> float:
    """The wall time of the tasks' training and evaluation, from their metrics.json."""
    total = 0.0
    for task in tasks:
        path = task.directory(run_dir) / "metrics.json"
        if path.exists():
            total += float(json.loads(path.read_text(encoding="utf-8")).get("seconds", 0.0))
    return total


def _figures(ctx: dict[str, Any], results: Results, out: Path) -> list[tuple[str, str]]:
    """The experiments' own figures (``figures`` in their modules), checked to exist in ``out``.

    The implicit experiment's module gets ``figures(run_dir, {seed: metrics}, out_dir)``; a
    declared experiment's ``figures(run_dir / id, {variant: {seed: metrics}}, out_dir)``.
    """
    run_dir, figures = ctx["run_dir"], []
    for experiment in ctx["experiments"]:
        module = ctx["modules"][experiment.id]
        if not callable(getattr(module, "figures", None)):
            continue
        out.mkdir(parents=True, exist_ok=True)
        if experiment.implicit:
            drawn = module.figures(run_dir, results.get((experiment.id, DEFAULT_VARIANT), {}), out)
        else:
            by_variant = {v: results.get((experiment.id, v), {}) for v in experiment.variant_ids}
            drawn = module.figures(run_dir / experiment.id, by_variant, out)
        figures += [(str(c), str(n)) for c, n in drawn]
    missing = [name for _, name in figures if not (out / name).is_file()]
    if missing:
        raise AppError(f"experiment.figures named files it did not write in {out}: {missing}")
    return figures


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


def _histories(run_dir: Path, tasks: Sequence[Task]) -> dict[tuple[str, str], dict[int, Any]]:
    from dlc_common.run.train import HISTORY_FILE, read_history

    histories: dict[tuple[str, str], dict[int, Any]] = {}
    for task in tasks:
        path = task.directory(run_dir) / HISTORY_FILE
        histories.setdefault(task.key, {})[task.seed] = read_history(path)
    return histories


def _cmd_train(args: argparse.Namespace, ctx: dict[str, Any]) -> int:
    _print_summary(_train_tasks(ctx))
    return EXIT_OK


def _print_summary(results: Results) -> None:
    from dlc_common.judge.stats import summarize

    for (experiment, variant), metrics in results.items():
        prefix = "" if len(results) == 1 else f"{experiment}/{variant}: "
        names = sorted({m for values in metrics.values() for m in values})
        for name in names:
            summary = summarize([v[name] for v in metrics.values() if name in v])
            std = "" if summary.std is None else f" ± {summary.std:.3g}"
            print(f"{prefix}{name}: {summary.mean:.4g}{std} over {summary.n} seed(s)")


def _cmd_evaluate(args: argparse.Namespace, ctx: dict[str, Any]) -> int:
    import keras

    from dlc_common.files import write_json
    from dlc_common.run import runtime

    run_dir = ctx["run_dir"]
    results: Results = {}
    for task in ctx["tasks"]:
        experiment = ctx["modules"][task.experiment.id]
        if _own_loop(experiment):
            raise AppError(
                "this experiment trains with its own loop (experiment.run) and saves no model "
                f"to evaluate; its final metrics are in {task.directory(run_dir)}/metrics.json"
            )
        path = task.directory(run_dir) / "model.keras"
        if not path.exists():
            raise AppError(f"{path}: no trained model; run train first", EXIT_ERROR)
        runtime.seed_everything(task.seed)
        model = keras.saving.load_model(path)
        data = experiment.load_data(task.config, task.seed)
        metrics = _evaluate(experiment, model, data, task.config)
        results.setdefault(task.key, {})[task.seed] = metrics
        print(f"{task.label}: " + ", ".join(f"{k}={v:.4g}" for k, v in metrics.items()))
    if ctx["chief"]:
        implicit = len(results) == 1 and ctx["experiments"][0].implicit
        record = (
            {str(s): m for s, m in next(iter(results.values())).items()}
            if implicit
            else {f"{e}/{v}": {str(s): m for s, m in r.items()} for (e, v), r in results.items()}
        )
        write_json(run_dir / "evaluation.json", record)
    _print_summary(results)
    return EXIT_OK


def _claims(root: Path) -> Any:
    """The replication's claims; none registered is bad input (before any training)."""
    from dlc_common.judge.claims import load_claims

    claims = load_claims(root / "claims.toml")
    if not claims.claims:
        raise AppError(
            f"{root / 'claims.toml'} registers no claim: add a [[claims]] table with metric, "
            'value, tolerance, direction and where (for example where = "Table 2") for each '
            "result of the paper this replication tests"
        )
    return claims


def _unknown_metrics(
    claims: Any, names: dict[tuple[str, str], set[str]], origin: str
) -> str | None:
    """The claims whose metric their runs do not produce, as an error message.

    ``names`` maps (experiment, variant) to the metrics known for it: measured by its runs or
    declared by its module's METRICS. Pairs without names are not checked (yet).
    """
    lines = []
    for claim in claims.claims:
        if getattr(claim, "criterion", None):
            continue  # the metric is a series of the history, read when judging
        for key in _claim_keys(claim):
            known = names.get(key)
            if not known or claim.metric in known:
                continue
            close = difflib.get_close_matches(claim.metric, sorted(known), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"it has {', '.join(sorted(known))}"
            lines.append(
                f"claim {claim.id}: metric {claim.metric!r} is not one that {origin} ({hint})"
            )
            break
    return "; ".join(lines) + "; fix metric in claims.toml" if lines else None


def _claims_for(ctx: dict[str, Any]) -> Any:
    """claims.toml checked against the experiments: unknown ones fail before any training."""
    from dlc_common.judge.claims import resolve

    claims = _claims(ctx["root"])
    experiments = ctx["experiments"]
    declared: dict[str, set[str]] = {}
    for experiment in experiments:
        names = getattr(ctx["modules"][experiment.id], "METRICS", None)
        if names is not None:
            declared[experiment.id] = {str(name) for name in names}
    claims = resolve(claims, {e.id: e.variant_ids for e in experiments}, metrics=declared or None)
    by_key = {
        (e.id, v): declared[e.id] for e in experiments if e.id in declared for v in e.variant_ids
    }
    unknown = _unknown_metrics(claims, by_key, "its module's METRICS declares")
    if unknown:  # misspelt claim metrics found before any training
        raise AppError(unknown)
    return claims


def _part(claims: Any, tasks: Sequence[Task]) -> Any:
    """The claims about the tasks that run (``--only``): the others are left for later."""
    import dataclasses

    keys = {task.key for task in tasks}
    kept = [c for c in claims.claims if all(k in keys for k in _claim_keys(c))]
    if not kept:
        raise AppError(
            "--only: no claim is about only these experiments and variants; use train --only "
            "to train a part, and replicate without --only to judge"
        )
    return dataclasses.replace(claims, claims=kept)


def _cmd_replicate(args: argparse.Namespace, ctx: dict[str, Any]) -> int:
    from dlc_common.judge.report import require_matplotlib

    claims = _claims_for(ctx)
    if ctx["only"] is not None:
        claims = _part(claims, ctx["tasks"])
    require_matplotlib()  # before hours of training, not after
    _publishes(ctx["config"], args, {}, ctx["only"])  # a refusal comes before training too
    results = _train_tasks(ctx, claims)
    return _judge_and_report(args, ctx, claims, results)


def _cmd_report(args: argparse.Namespace, ctx: dict[str, Any]) -> int:
    """Judge and report a finished run again, from its saved metrics, without training."""
    from dlc_common.judge.report import require_matplotlib

    config, run_dir = ctx["config"], ctx["run_dir"]
    claims = _claims_for(ctx)
    require_matplotlib()
    results: Results = {}
    missing = []
    for task in ctx["tasks"]:
        path = task.directory(run_dir) / "metrics.json"
        if not path.is_file():
            missing.append(task.label)
            continue
        results.setdefault(task.key, {})[task.seed] = _read_metrics(path, run_dir)
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise AppError(
            f"{run_dir}: the run is not finished: no metrics.json for {shown}; finish it "
            f"with replicate --profile {config.profile} --run-dir {run_dir}"
        )
    return _judge_and_report(args, ctx, claims, results)


def _changes(root: Path, config: Config) -> dict[str, Any]:
    """The values of this run that differ from its profile's file as it is now."""
    profile = load_config(root / "configs", config.profile).values
    now = json.loads(json.dumps(config.values))  # as saved in config.json
    saved = json.loads(json.dumps(profile))
    return {k: now.get(k) for k in sorted(set(now) | set(saved)) if now.get(k) != saved.get(k)}


def _publishes(
    config: Config, args: argparse.Namespace, changes: dict[str, Any], only: Any = None
) -> bool:
    """Whether this run writes report/ and the README table: the paper's own settings only."""
    if only is not None:
        if getattr(args, "publish", False):
            raise AppError("--publish: a part of the run (--only) is never published")
        return False
    if config.profile != PUBLISHED_PROFILE:
        if getattr(args, "publish", False):
            raise AppError(
                f"--publish: only the {PUBLISHED_PROFILE!r} profile publishes; "
                f"run --profile {PUBLISHED_PROFILE}"
            )
        return False
    return not changes or getattr(args, "publish", False)


def _verdicts(claims: Any, results: Results, histories: Any, judged: bool) -> list[Any]:
    from dlc_common.judge.claims import judge, per_seed

    verdicts = []
    for claim in claims.claims:
        samples = [
            per_seed(claim, results.get(key, {}), histories.get(key, {}))
            for key in _claim_keys(claim)
        ]
        versus = samples[1] if len(samples) > 1 else None
        verdicts.append(judge(claim, samples[0], claims.confidence, judged=judged, versus=versus))
    return verdicts


def _judge_and_report(
    args: argparse.Namespace, ctx: dict[str, Any], claims: Any, results: Results
) -> int:
    from dlc_common.files import write_json
    from dlc_common.judge.claims import INCONCLUSIVE, NOT_JUDGED, REPRODUCED
    from dlc_common.judge.report import results_table, update_readme, write_report
    from dlc_common.run.environment import git_state

    root, config, run_dir, todo = ctx["root"], ctx["config"], ctx["run_dir"], ctx["tasks"]
    lost = [t.label for t in todo if not (t.directory(run_dir) / "metrics.json").is_file()]
    if ctx["chief"] and lost:
        raise AppError(
            f"{run_dir}: the metrics of {', '.join(lost[:10])} are gone (was the run directory "
            "moved or deleted during the run?); run again with a new --run-dir",
            EXIT_ERROR,
        )
    if config.judge:
        measured = {
            key: {m for v in by_seed.values() for m in v} for key, by_seed in results.items()
        }
        unknown = _unknown_metrics(claims, measured, "its runs measured")
        if unknown:
            raise AppError(unknown)
    histories = _histories(run_dir, todo)
    verdicts = _verdicts(claims, results, histories, config.judge)
    for verdict in verdicts:
        print(f"claim {verdict.claim.id}: {verdict.status} ({verdict.reason})")
    if not ctx["chief"]:
        return EXIT_OK
    write_json(run_dir / "verdicts.json", [v.as_dict() for v in verdicts])
    changes = _changes(root, config) if config.profile == PUBLISHED_PROFILE else {}
    published = _publishes(config, args, changes, ctx["only"])
    out = root / "report" if published else run_dir / "report"
    environment = _read_json(run_dir / "environment.json")
    figures = _figures(ctx, results, out)
    own_loop = any(_own_loop(module) for module in ctx["modules"].values())
    report = write_report(
        out,
        title=_title(root, claims.paper, ctx["package"]),
        profile=config.profile,
        run_dir=run_dir.relative_to(root) if run_dir.is_relative_to(root) else run_dir,
        config=config.values,
        claims=claims,
        verdicts=verdicts,
        experiments=ctx["experiments"],
        results=results,
        histories=histories,
        environment=environment,
        figures=figures,
        seconds=_seconds(run_dir, todo) if own_loop else None,
        changes=changes,
        drawn_with=git_state(root),
    )
    print(f"report: {report}")
    if published:
        readme = root / "README.md"
        try:
            update_readme(
                readme,
                results_table(verdicts, config.profile, changes, experiments=ctx["experiments"]),
            )
            print(f"README: results table rewritten in {readme}")
        except (OSError, ValueError) as exc:
            print(f"warning: README not updated: {exc}", file=sys.stderr)
    elif config.profile == PUBLISHED_PROFILE:
        changed = ", ".join(f"{k}={v!r}" for k, v in changes.items())
        print(
            "report/ and the README table are not rewritten: this run changes "
            f"configs/{PUBLISHED_PROFILE}.toml ({changed}); its report is in {out}. Run "
            "without overrides to publish, or add --publish to publish with them shown",
            file=sys.stderr,
        )
    if not config.judge:
        print(f"profile {config.profile!r} is not judged; run --profile paper for verdicts")
        return EXIT_OK
    failed = [v for v in verdicts if v.status != REPRODUCED]
    for verdict in failed:
        what = {
            NOT_JUDGED: "make it judgeable (see above)",
            INCONCLUSIVE: "run more seeds (seeds=N) to settle it",
        }.get(verdict.status, "see the report")
        print(f"claim {verdict.claim.id} {verdict.status}: {what}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The argument parser of a replication package's command line."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Train, evaluate and replicate this paper (dlc_common).",
        epilog=f"examples:  python -m {prog} replicate --profile smoke\n"
        f"           python -m {prog} train --profile paper epochs=5 seeds=[0,1]",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    helps = {
        "train": "train every seed of the profile; final metrics into the run directory",
        "evaluate": "evaluate the trained models of a run again",
        "replicate": "train, judge each claim, write the report (exit 1 if not reproduced)",
        "report": "judge and report a finished run again, without training (--run-dir RUN)",
    }
    for name, text in helps.items():
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("--profile", default="smoke", help="configs/PROFILE.toml (smoke)")
        command.add_argument("--run-dir", help="the run directory (resumed if it exists)")
        command.add_argument("--root", help="the repository root (default: found)")
        if name in ("train", "replicate"):
            command.add_argument(
                "--resume", action="store_true", help="continue the latest run of the profile"
            )
            command.add_argument(
                "--only",
                action="append",
                metavar="EXPERIMENT[/VARIANT]",
                help="run only this experiment or variant (repeatable); the rest of the run "
                "stays for later, and a part is never published",
            )
        if name in ("replicate", "report"):
            command.add_argument(
                "--publish",
                action="store_true",
                help="paper profile with overrides: still write report/ and the README table, "
                "showing the overrides (without them a paper run always publishes)",
            )
        command.add_argument(
            "overrides", nargs="*", metavar="KEY=VALUE", help="change a config value"
        )
    return parser


def main(argv: Sequence[str] | None = None, *, package: str) -> int:
    """Run a replication package's command line; returns the exit status."""
    prog = package.rsplit(".", 1)[0]
    args = build_parser(prog).parse_args(argv)
    if args.command in ("evaluate", "report"):  # no training to stop
        return _run_command(args, prog, package)
    # From here on SIGTERM, SIGUSR1 and Ctrl-C only ask the run to stop at its next safe point
    # (the end of an epoch or seed, agreed by every worker): also during start-up.
    with stop.catch():
        return _run_command(args, prog, package)


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


def _run_command(args: argparse.Namespace, prog: str, package: str) -> int:
    try:
        root = _find_root(args.root, package)
        config = load_config(root / "configs", args.profile, args.overrides)
        from dlc_common.run.cluster import cluster_from_environment

        cluster = cluster_from_environment()
        chief = cluster.is_chief
        run_dir = _pick_run_dir(args, root, config, cluster.multi_worker)
        if args.command in ("evaluate", "report"):
            if not (run_dir / "config.json").is_file():
                raise AppError(f"{run_dir}: no run there (no config.json); give --run-dir RUN")
            # Evaluate a run with the settings it was trained with (plus any given now).
            saved = _read_json(run_dir / "config.json")
            config = Config(
                saved["profile"], saved["values"], dict(saved.get("overrides") or {})
            ).override(args.overrides)
        else:
            _check_same_config(run_dir, config)
        import dlc_common.quiet  # noqa: F401  (before the experiment imports TensorFlow)

        experiments = plan(config)
        only = parse_only(getattr(args, "only", None), experiments)
        ctx = {
            "root": root,
            "config": config,
            "run_dir": run_dir,
            "chief": chief,
            "experiments": experiments,
            "only": only,
            "tasks": make_tasks(config, experiments, only),
            "modules": _modules(package, experiments),
            "package": prog,
        }
        print(f"{args.command} --profile {config.profile}: run directory {run_dir}", flush=True)
        handler = {
            "train": _cmd_train,
            "evaluate": _cmd_evaluate,
            "replicate": _cmd_replicate,
            "report": _cmd_report,
        }
        return handler[args.command](args, ctx)
    except (AppError, ConfigError, NotImplementedError) as exc:
        print(f"{prog} {args.command}: error: {exc}", file=sys.stderr)
        return getattr(exc, "status", EXIT_BAD_INPUT)
    except (PlotsUnavailable, DatasetError) as exc:
        print(f"{prog} {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT if isinstance(exc, PlotsUnavailable) else EXIT_ERROR
    except OSError as exc:
        if exc.errno not in _CANNOT_WRITE:
            return _crashed(prog, args, exc)
        print(
            f"{prog} {args.command}: error: cannot write {exc.filename or 'the run'}: "
            f"{exc.strerror}; give --run-dir a directory on a writable disk with free space "
            "(the seeds finished so far are kept)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except Exception as exc:  # a crash, in the experiment's code or ours
        return _crashed(prog, args, exc)


_CANNOT_WRITE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}


def _crashed(prog: str, args: argparse.Namespace, exc: Exception) -> int:
    """A crash: its traceback, and a line that says it is not a verdict; exit EXIT_ERROR."""
    train = sys.modules.get("dlc_common.run.train")  # not imported for this: it loads TensorFlow
    if train is not None and isinstance(exc, train.BackupError):
        print(f"{prog} {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    import traceback

    traceback.print_exc()  # the participant's code is where a crash usually comes from
    print(
        f"{prog} {args.command}: error: the run crashed ({type(exc).__name__}: {exc}); "
        f"exit status {EXIT_ERROR}, not a verdict: fix the error above and run the same "
        "command again (finished seeds are kept)",
        file=sys.stderr,
    )
    return EXIT_ERROR
