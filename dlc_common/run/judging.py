# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The judging step: claims checked against the experiments before training, verdicts from
the tasks' metrics, the report and (for the paper's own settings) the README table."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dlc_common.config import Config, ConfigError, load_config, read_toml
from dlc_common.run.exits import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_OK,
    AppError,
)
from dlc_common.run.experiments import DEFAULT_VARIANT, Task
from dlc_common.run.rundirs import (
    Results,
    _histories,
    _own_loop,
    _read_json,
    _seconds,
)

PUBLISHED_PROFILE = "paper"  # the profile whose report goes to report/ and the README


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


def _claim_keys(claim: Any) -> list[tuple[str, str]]:
    """The (experiment, variant) pairs whose runs a claim is judged on."""
    keys = [(claim.experiment, claim.variant)]
    versus = getattr(claim, "versus", "")
    if versus:
        experiment, _, variant = versus.rpartition("/")
        keys.append((experiment or claim.experiment, variant))
    return keys


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
    """claims.toml checked against the experiments (unknown ones fail before any training),
    and with ``--only`` the claims about that part alone (``_part``)."""
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
    if ctx.get("only") is not None:
        claims = _part(claims, ctx["tasks"])
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


def _check_claims_after(claims: Any, task: Task, metrics: dict[str, float]) -> None:
    if claims is None:
        return
    # Every variant of an experiment is trained by the same module: a metric its first task
    # did not measure is misspelt for all of them.
    names = {(task.experiment.id, v): set(metrics) for v in task.experiment.variant_ids}
    unknown = _unknown_metrics(claims, names, "its runs measured")
    if unknown:
        raise AppError(f"after {task.label} (kept): {unknown}, then run the same command again")


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
    args: argparse.Namespace,
    ctx: dict[str, Any],
    claims: Any,
    results: Results,
    incomplete: Sequence[str] = (),
) -> int:
    """Judge every claim on ``results``, write verdicts.json and the report; the exit status.

    ``incomplete`` names the tasks without metrics (``report --partial``): the report says it
    is incomplete, is never published, and the exit status is never 0.
    """
    if not ctx["chief"]:
        return _judge_and_write(args, ctx, claims, results, incomplete)
    from dlc_common.run.claiming import reporting

    with reporting(ctx["run_dir"]):
        return _judge_and_write(args, ctx, claims, results, incomplete)


def _judge_and_write(
    args: argparse.Namespace,
    ctx: dict[str, Any],
    claims: Any,
    results: Results,
    incomplete: Sequence[str],
) -> int:
    from dlc_common.files import write_json
    from dlc_common.judge.claims import INCONCLUSIVE, NOT_JUDGED, REPRODUCED
    from dlc_common.judge.preregistration import preregistration, record_judged
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
    if incomplete and getattr(args, "publish", False):
        raise AppError("--publish: an incomplete run (--partial) is never published")
    published = not incomplete and _publishes(config, args, changes, ctx["only"])
    drawn_with = git_state(root)
    # This judging joins the run's claims.json first, so that the history read next knows it
    # (a claim judged for the first time is first judged here).
    record_judged(
        run_dir,
        root,
        config.profile,
        verdicts,
        command=str(getattr(args, "command", "")),
        commit=drawn_with.get("commit"),
        judged=bool(config.judge),
        published=published,
        incomplete=bool(incomplete),
    )
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
        drawn_with=drawn_with,
        incomplete=incomplete,
        preregistration=preregistration(root, also=[run_dir]),
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
    if incomplete:
        print(
            f"the report is incomplete: {len(incomplete)} task(s) without metrics; finish the "
            "run and report again for the verdicts of the whole run",
            file=sys.stderr,
        )
    if not config.judge:
        print(f"profile {config.profile!r} is not judged; run --profile paper for verdicts")
        return EXIT_FAILED if incomplete else EXIT_OK
    failed = [v for v in verdicts if v.status != REPRODUCED]
    for verdict in failed:
        what = {
            NOT_JUDGED: "make it judgeable (see above)",
            INCONCLUSIVE: "run more seeds (seeds=N) to settle it",
        }.get(verdict.status, "see the report")
        print(f"claim {verdict.claim.id} {verdict.status}: {what}", file=sys.stderr)
    return EXIT_FAILED if failed or incomplete else EXIT_OK
