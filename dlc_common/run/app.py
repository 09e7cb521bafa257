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

``--jobs N`` trains the tasks in N worker processes (``parallel``), each claiming a task
before training it (``claiming``): two processes never train the same task, a task whose
owner died is taken over, and a process that finds tasks held by another waits for them and
judges the whole run. ``submit`` sends the tasks to SLURM as a job array of
``cluster/job.sbatch`` (each index ``train --array K``) and the report as a job that depends
on it (``array``). ``status`` prints where every task stands; ``report`` refuses an
unfinished run, naming each missing task, and ``report --partial`` judges what is there.

This module is the command line; beside it, by role: ``rundirs`` (the repository, run
directories, saved configs and metrics, the experiment modules), ``tasks`` (the task loop),
``parallel`` and ``array`` (the tasks in worker processes, or as a SLURM job array),
``judging`` (claims checked before training, verdicts, report, README) and ``exits``.

Exit status: 0 done (every judged claim reproduced), 1 the run finished and a claim was not
reproduced, inconclusive or not judgeable in a judged profile (a verdict, not a failure),
2 bad input (usage, config, claims, no claim), 3 the run failed (a crash, a seed whose loss
became NaN, missing data, a damaged or vanished run directory), 75 stopped by a signal with a
backup saved (run the same command again to resume).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from dlc_common import stop
from dlc_common.config import Config, ConfigError, load_config
from dlc_common.data.datasets import DatasetError
from dlc_common.judge.report import PlotsUnavailable
from dlc_common.run.exits import (
    EXIT_BAD_INPUT,
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_STOPPED,
    AppError,
)
from dlc_common.run.experiments import Task, parse_only, plan
from dlc_common.run.experiments import tasks as make_tasks
from dlc_common.run.judging import (
    _claims_for,
    _judge_and_report,
    _publishes,
)
from dlc_common.run.parallel import resolve_jobs, start_workers
from dlc_common.run.rundirs import (
    Results,
    _check_same_config,
    _check_task_configs,
    _find_root,
    _modules,
    _own_loop,
    _pick_run_dir,
    _read_json,
    _read_metrics,
    task_state,
)
from dlc_common.run.tasks import (
    _evaluate,
    _train_tasks,
    record_start,
)

__all__ = ["EXIT_BAD_INPUT", "EXIT_ERROR", "EXIT_FAILED", "EXIT_OK", "EXIT_STOPPED", "main"]


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


def _cmd_replicate(args: argparse.Namespace, ctx: dict[str, Any]) -> int:
    from dlc_common.judge.report import require_matplotlib

    claims = _claims_for(ctx)
    require_matplotlib()  # before hours of training, not after
    _publishes(ctx["config"], args, {}, ctx["only"])  # a refusal comes before training too
    results = _train_tasks(ctx, claims)
    return _judge_and_report(args, ctx, claims, results)


def _cmd_report(args: argparse.Namespace, ctx: dict[str, Any]) -> int:
    """Judge and report a finished run again, from its saved metrics, without training."""
    from dlc_common.judge.report import require_matplotlib

    claims = _claims_for(ctx)
    require_matplotlib()
    if not getattr(args, "partial", False):
        return _judge_and_report(args, ctx, claims, _load_results(ctx))
    results, missing = _load_done(ctx)
    if not results:
        raise AppError(f"{ctx['run_dir']}: report --partial: no task is done yet")
    labels = [label for label, _, _ in missing]
    ctx = {**ctx, "tasks": [t for t in ctx["tasks"] if t.label not in set(labels)]}
    return _judge_and_report(args, ctx, claims, results, incomplete=labels)


def _load_done(ctx: dict[str, Any]) -> tuple[Results, list[tuple[str, str, str]]]:
    """The saved metrics of the tasks that are done, and (label, state, detail) of the others."""
    run_dir = ctx["run_dir"]
    results: Results = {}
    missing: list[tuple[str, str, str]] = []
    for task in ctx["tasks"]:
        path = task.directory(run_dir) / "metrics.json"
        if not path.is_file():
            missing.append((task.label, *task_state(run_dir, task)))
            continue
        results.setdefault(task.key, {})[task.seed] = _read_metrics(path, run_dir)
    return results, missing


def _load_results(ctx: dict[str, Any]) -> Results:
    """The saved metrics of every task; a task without them is an error naming where it
    stands (running where, stopped, failed with its log) and how to finish the run."""
    config, run_dir = ctx["config"], ctx["run_dir"]
    results, missing = _load_done(ctx)
    if missing:
        shown = "\n".join(
            f"  {label}: {state}" + (f", {detail}" if detail else "")
            for label, state, detail in missing[:20]
        )
        more = f"\n  and {len(missing) - 20} more" if len(missing) > 20 else ""
        tally = _tally(state for _, state, _ in missing)
        raise AppError(
            f"{run_dir}: the run is not finished ({len(missing)} of {len(ctx['tasks'])} "
            f"task(s) without metrics: {tally}):\n{shown}{more}\nFinish it with replicate "
            f"--profile {config.profile} --run-dir {run_dir} (or submit), or judge what is "
            "there with report --partial (an incomplete report, never published)"
        )
    return results


def _tally(states: Iterable[str]) -> str:
    """'3 done, 1 running': how many tasks are in each state, in the order first seen."""
    return ", ".join(f"{n} {state}" for state, n in Counter(states).items())


def _cmd_parallel(args: argparse.Namespace, ctx: dict[str, Any], jobs: int, package: str) -> int:
    """train or replicate with --jobs N: N worker processes train, this one judges.

    The workers start first: while they import TensorFlow and the experiments, this process
    does the same and checks the input (claims, plots, publishing). A refusal then kills them
    and leaves no new run directory behind, as a refusal without --jobs does.
    """
    import shutil

    from dlc_common.judge.report import require_matplotlib

    config, run_dir = ctx["config"], ctx["run_dir"]
    _check_task_configs(run_dir, ctx["tasks"])
    print(f"{args.command} --profile {config.profile}: run directory {run_dir}", flush=True)
    command = [sys.executable, "-m", package, "train", "--profile", config.profile]
    command += ["--run-dir", str(run_dir), "--root", str(ctx["root"]), "--worker"]
    for part in args.only or ():
        command += ["--only", part]
    fresh = not run_dir.exists()
    workers = start_workers([*command, *args.overrides], run_dir, ctx["tasks"], jobs)
    claims = None
    try:
        ctx = {**ctx, "modules": _modules(package, ctx["experiments"]), "worker": False}
        if args.command == "replicate":  # refusals before any result is judged
            claims = _claims_for(ctx)
            require_matplotlib()
            _publishes(config, args, {}, ctx["only"])
        distribution = {"strategy": f"{jobs} worker processes", "workers": 1, "jobs": jobs}
        record_start(ctx, config.precision, distribution)
    except BaseException:
        workers.kill()
        if fresh:
            shutil.rmtree(run_dir, ignore_errors=True)
        raise
    status = workers.watch()
    if status != EXIT_OK:
        return status
    results = _load_results(ctx)
    if claims is None:
        _print_summary(results)
        return EXIT_OK
    return _judge_and_report(args, ctx, claims, results)


def _cmd_submit(args: argparse.Namespace, ctx: dict[str, Any]) -> int:
    """The run's tasks as a SLURM job array, and its report as a job after it (``array``)."""
    from dlc_common.run.array import submit_array

    config, run_dir = ctx["config"], ctx["run_dir"]
    _claims_for(ctx)  # refusals before anything is submitted, as for replicate
    _check_task_configs(run_dir, ctx["tasks"])
    train_args = list(args.overrides)
    fresh = not run_dir.exists()
    if not args.dry_run:
        distribution = {
            "strategy": "SLURM job array",
            "workers": 1,
            "tasks_per_index": args.tasks_per_index,
        }
        record_start(ctx, config.precision, distribution)
    try:
        array_id, report_id = submit_array(
            root=ctx["root"],
            run_dir=run_dir,
            profile=config.profile,
            tasks=len(ctx["tasks"]),
            per_index=args.tasks_per_index,
            throttle=args.throttle,
            sbatch_options=args.sbatch,
            train_args=train_args,
            only_parts=args.only or (),
            name=ctx["package"],
            dry_run=args.dry_run,
        )
    except AppError:
        if fresh and not args.dry_run:  # nothing was submitted: leave no run behind
            import shutil

            shutil.rmtree(run_dir, ignore_errors=True)
        raise
    if args.dry_run:
        return EXIT_OK
    print(f"submitted: job array {array_id} ({len(ctx['tasks'])} task(s)) into {run_dir}")
    print(f"submitted: report job {report_id}, after every index of {array_id} has ended")
    print(
        f"follow it with: python -m {ctx['package']} status --run-dir {run_dir}   "
        f"(logs in {run_dir / 'workers'})"
    )
    return EXIT_OK


def _cmd_status(run_dir: Path, tasks: Sequence[Task]) -> int:
    """Print where every task of the run stands, then a count per state."""
    print(f"run {run_dir}: {len(tasks)} task(s)")
    states = []
    for task in tasks:
        state, detail = task_state(run_dir, task)
        states.append(state)
        print(f"  {task.label}: {state}" + (f", {detail}" if detail else ""))
    print(_tally(states))
    return EXIT_OK


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
        "status": "where every task of a run stands: done, running, failed, stopped, ...",
        "submit": "submit the tasks as a SLURM job array and the report as a job after it",
    }
    for name, text in helps.items():
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("--profile", default="smoke", help="configs/PROFILE.toml (smoke)")
        command.add_argument(
            "--run-dir",
            help="the run directory (resumed if it exists; status: the latest run of the profile)",
        )
        command.add_argument("--root", help="the repository root (default: found)")
        if name == "submit":
            command.add_argument(
                "--tasks-per-index",
                type=int,
                default=1,
                metavar="K",
                help="tasks each array index trains one after another (default 1)",
            )
            command.add_argument(
                "--throttle",
                type=int,
                metavar="M",
                help="at most M array indices running at once (sbatch --array=...%%M)",
            )
            command.add_argument(
                "--sbatch",
                default="",
                metavar="OPTIONS",
                help='more sbatch options for both jobs, one string: "--partition=gpu -A proj"',
            )
            command.add_argument(
                "--dry-run", action="store_true", help="print the sbatch commands only"
            )
        if name in ("train", "replicate", "report", "submit"):
            command.add_argument(
                "--only",
                action="append",
                metavar="EXPERIMENT[/VARIANT]",
                help="run only this experiment or variant (repeatable); the rest of the run "
                "stays for later, and a part is never published",
            )
        if name == "train":
            command.add_argument(
                "--array",
                type=int,
                metavar="K",
                help="one index of a job array made by submit: train K tasks from "
                "$SLURM_ARRAY_TASK_ID × K",
            )
        if name in ("train", "replicate"):
            command.add_argument(
                "--resume", action="store_true", help="continue the latest run of the profile"
            )
            command.add_argument(
                "--jobs",
                default="1",
                metavar="N",
                help="train up to N tasks at once, each in its own process (one GPU each, or "
                "a share of the CPU cores); auto: one per GPU, else one per core (default 1)",
            )
            command.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
        if name in ("replicate", "report"):
            command.add_argument(
                "--publish",
                action="store_true",
                help="paper profile with overrides: still write report/ and the README table, "
                "showing the overrides (without them a paper run always publishes)",
            )
        if name == "report":
            command.add_argument(
                "--partial",
                action="store_true",
                help="judge the tasks that are done, in a report marked incomplete "
                "(never published)",
            )
        if name != "status":
            command.add_argument(
                "overrides", nargs="*", metavar="KEY=VALUE", help="change a config value"
            )
    return parser


def main(argv: Sequence[str] | None = None, *, package: str) -> int:
    """Run a replication package's command line; returns the exit status."""
    prog = package.rsplit(".", 1)[0]
    args = build_parser(prog).parse_args(argv)
    if args.command in ("evaluate", "report", "status", "submit"):  # no training to stop
        return _run_command(args, prog, package)
    # From here on SIGTERM, SIGUSR1 and Ctrl-C only ask the run to stop at its next safe point
    # (the end of an epoch or seed, agreed by every worker): also during start-up.
    with stop.catch():
        return _run_command(args, prog, package)


def _run_command(args: argparse.Namespace, prog: str, package: str) -> int:
    try:
        root = _find_root(args.root, package)
        overrides = getattr(args, "overrides", [])
        config = load_config(root / "configs", args.profile, overrides)
        from dlc_common.run.cluster import cluster_from_environment

        cluster = cluster_from_environment()
        chief = cluster.is_chief
        run_dir = _pick_run_dir(args, root, config, cluster.multi_worker)
        if args.command in ("evaluate", "report", "status"):
            if not (run_dir / "config.json").is_file():
                raise AppError(f"{run_dir}: no run there (no config.json); give --run-dir RUN")
            # Evaluate a run with the settings it was trained with (plus any given now).
            saved = _read_json(run_dir / "config.json")
            config = Config(
                saved["profile"], saved["values"], dict(saved.get("overrides") or {})
            ).override(overrides)
        else:
            _check_same_config(run_dir, config)
        if args.command == "status":  # reads the run directory only: no experiment imported
            return _cmd_status(run_dir, make_tasks(config, plan(config)))
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
            "package": prog,
        }
        if args.command in ("train", "replicate") and not args.worker:
            jobs = resolve_jobs(args.jobs)
            if jobs > 1:
                if cluster.multi_worker:
                    raise AppError(
                        "--jobs: a multi-worker run trains each task on all its workers "
                        "together; run --jobs 1, or submit the tasks as separate jobs"
                    )
                # Before this process imports the experiments (and TensorFlow): the workers
                # start up meanwhile.
                return _cmd_parallel(args, ctx, jobs, package)
        ctx["modules"] = _modules(package, experiments)
        if args.command == "submit":
            return _cmd_submit(args, ctx)
        if getattr(args, "array", None) is not None:
            from dlc_common.run.array import ARRAY_INDEX, array_slice

            index = os.environ.get(ARRAY_INDEX)
            ctx["tasks"] = array_slice(ctx["tasks"], args.array, index)
            ctx["array_index"] = int(index or 0)
        print(f"{args.command} --profile {config.profile}: run directory {run_dir}", flush=True)
        if args.command in ("train", "replicate"):
            ctx["worker"] = args.worker
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
