# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""A paper as a set of experiments, each a set of variants, each run over seeds.

A profile declares its experiments as ``[experiments.<id>]`` tables; without any, the run is
one experiment ``main`` with one variant ``default`` (and its seeds sit directly in the run
directory, as before experiments existed)::

    [experiments.lengths]
    where = "Table 2"                   # the paper's table or figure it reproduces
    description = "Error against sequence length, with and without dropout"
    module = "experiment"               # optional: <package>.<module> trains it (the default)
    seeds = 10                          # optional: else the profile's seeds
    [experiments.lengths.set]           # optional: config values for all its variants
    epochs = 20
    [experiments.lengths.grid]          # the variants: every combination of these values ...
    data.length = [100, 1000]
    model.dropout = [0.0, 0.5]

    [[experiments.ablation.variants]]   # ... or a list, each with an id or label
    id = "no-decay"
    label = "without weight decay"
    weight_decay = 0.0

Every key a variant (or ``set``) changes must be a key of the profile, of the same type. A
profile with a base may shrink an experiment: ``experiments.lengths.grid.data.length = [100]``,
``experiments.lengths.seeds = 2``, ``experiments.lengths.set.epochs = 2``.

The unit of work is a :class:`Task`, one (experiment, variant, seed), trained in its own
directory ``<run_dir>/<experiment>/<variant>/seed-<n>``: independent and resumable.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlc_common.config import EXPERIMENTS, RESERVED, Config, ConfigError, _coerce, _seed_list

__all__ = [
    "DEFAULT_EXPERIMENT",
    "DEFAULT_VARIANT",
    "Experiment",
    "Task",
    "Variant",
    "parse_only",
    "plan",
    "tasks",
]

DEFAULT_EXPERIMENT, DEFAULT_VARIANT = "main", "default"
_FIELDS = ("where", "description", "module", "seeds", "set", "grid", "variants")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._=,+-]*$")


@dataclass(frozen=True)
class Variant:
    """One row or column of an experiment's table: config values and a readable label."""

    id: str
    label: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Experiment:
    """One table or figure of the paper: its variants, its seeds, the module that trains it."""

    id: str
    where: str
    description: str
    module: str
    seeds: list[int]
    variants: list[Variant]
    implicit: bool = False  # no [experiments] table: the run directory's old layout

    def variant(self, variant_id: str) -> Variant:
        """The variant called ``variant_id``; an unknown id suggests the closest."""
        for variant in self.variants:
            if variant.id == variant_id:
                return variant
        raise ConfigError(_not_one_of(f"{self.id}/{variant_id}", variant_id, self.variant_ids))

    @property
    def variant_ids(self) -> list[str]:
        """The ids of its variants, in the order declared."""
        return [v.id for v in self.variants]


@dataclass(frozen=True)
class Task:
    """One training run: an experiment's variant on one seed, with its resolved config."""

    experiment: Experiment
    variant: Variant
    seed: int
    config: Config

    @property
    def name(self) -> str:
        """``experiment/variant/seed-N`` (``seed-N`` in a run without experiments)."""
        if self.experiment.implicit:
            return f"seed-{self.seed}"
        return f"{self.experiment.id}/{self.variant.id}/seed-{self.seed}"

    @property
    def label(self) -> str:
        """How the engine's messages name the task: ``seed 3`` or ``experiment/variant/seed-3``."""
        return f"seed {self.seed}" if self.experiment.implicit else self.name

    def directory(self, run_dir: Path) -> Path:
        """Where the task trains and keeps its metrics, history, backup and model."""
        return run_dir / self.name

    @property
    def key(self) -> tuple[str, str]:
        """(experiment id, variant id)."""
        return self.experiment.id, self.variant.id


def _not_one_of(what: str, given: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(given, list(known), n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}?" if close else f"there are: {', '.join(known)}"
    return f"{what}: no such experiment or variant; {hint}"


def _text(prefix: str, value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{prefix}.{name}: expected a string in quotes, got {value!r}")
    return value


def _check_id(where: str, value: str) -> str:
    if not _ID.match(value) or value in (".", ".."):
        raise ConfigError(
            f"{where}: {value!r} cannot name a directory; use letters, digits and . _ - = , +"
            " (for example 'no-decay')"
        )
    return value


def _setting(where: str, key: str, value: Any, base: Mapping[str, Any]) -> Any:
    """A config value an experiment or variant sets: a key of the profile, of its type."""
    if key.startswith(f"{EXPERIMENTS}.") or key in ("seeds", *RESERVED):
        what = "seeds are set by the experiment's seeds" if key == "seeds" else "not a setting"
        raise ConfigError(f"{where}: {what}; set a key of the paper's config")
    if key not in base:
        known = [k for k in base if not k.startswith(f"{EXPERIMENTS}.")]
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else "add the key to the paper profile first"
        raise ConfigError(f"{where}: not a key of the profile; {hint}")
    return _coerce(key, value, base[key], where)


def _flat(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "-".join(_show(v) for v in value)
    return str(value)


def _grid(where: str, grid: Mapping[str, Any], base: Mapping[str, Any]) -> list[Variant]:
    if not grid:
        raise ConfigError(f"{where}: an empty grid; give each key a list of values")
    axes: list[tuple[str, list[Any]]] = []
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ConfigError(
                f"{where}.{key}: expected a non-empty list of values, got {values!r}; write for "
                f"example {key} = [{_show(base.get(key, 1))}]"
            )
        checked = [_setting(f"{where}.{key}", key, v, base) for v in values]
        if len({repr(v) for v in checked}) != len(checked):
            raise ConfigError(f"{where}.{key}: a value is listed twice in {values!r}")
        axes.append((key, checked))
    leaves = [key.rsplit(".", 1)[-1] for key, _ in axes]
    names = leaves if len(set(leaves)) == len(leaves) else [key for key, _ in axes]
    variants = []
    for combination in itertools.product(*(values for _, values in axes)):
        parts = [f"{n}={_show(v)}" for n, v in zip(names, combination, strict=True)]
        ident = re.sub(r"[^A-Za-z0-9._=,+-]", "-", ",".join(parts))
        label = ", ".join(f"{n} {_show(v)}" for n, v in zip(names, combination, strict=True))
        values = {key: v for (key, _), v in zip(axes, combination, strict=True)}
        variants.append(Variant(ident, label, values))
    return variants


def _listed(where: str, tables: Any, base: Mapping[str, Any]) -> list[Variant]:
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{where}: write each variant as an [[{where}]] table with an id")
    variants = []
    for index, table in enumerate(tables, start=1):
        at = f"{where}[{index}]"
        if not isinstance(table, Mapping):
            raise ConfigError(f"{at}: expected a table with id, label and config values")
        values = _flat(table)
        ident, label = values.pop("id", None), values.pop("label", None)
        if ident is None and label is None:
            raise ConfigError(f'{at}: give the variant an id (id = "no-decay") or a label')
        label = _text(at, label if label is not None else ident, "label")
        if ident is None:
            ident = re.sub(r"[^A-Za-z0-9._=,+-]+", "-", label.strip().lower()).strip("-")
        ident = _check_id(f"{at}.id", _text(at, ident, "id"))
        settings = {k: _setting(f"{at}.{k}", k, v, base) for k, v in values.items()}
        variants.append(Variant(ident, label, settings))
    return variants


def plan(config: Config, default_module: str = "experiment") -> list[Experiment]:
    """The experiments a config declares, checked; one implicit experiment if it declares none.

    Errors name the key (``experiments.lengths.grid.data.lenght``) and the fix.
    """
    prefix = f"{EXPERIMENTS}."
    base = {k: v for k, v in config.values.items() if not k.startswith(prefix)}
    declared: dict[str, dict[str, Any]] = {}
    for key, value in config.values.items():
        if key.startswith(prefix):
            ident, _, rest = key[len(prefix) :].partition(".")
            if not rest:
                raise ConfigError(f"{key}: declare an experiment as a table: [{key}]")
            declared.setdefault(ident, {})[rest] = value
    if not declared:
        seeds = config.seeds
        variant = Variant(DEFAULT_VARIANT, "default")
        return [Experiment(DEFAULT_EXPERIMENT, "", "", default_module, seeds, [variant], True)]
    experiments = []
    for ident, fields in declared.items():
        where = f"{prefix}{ident}"
        _check_id(where, ident)
        for name in {name.split(".")[0] for name in fields}:
            if name not in _FIELDS:
                close = difflib.get_close_matches(name, _FIELDS, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"fields: {', '.join(_FIELDS)}"
                raise ConfigError(f"{where}.{name}: unknown field of an experiment; {hint}")
        grid = {k[5:]: v for k, v in fields.items() if k.startswith("grid.")}
        settings = {k[4:]: v for k, v in fields.items() if k.startswith("set.")}
        common = {k: _setting(f"{where}.set.{k}", k, v, base) for k, v in settings.items()}
        if grid and "variants" in fields:
            raise ConfigError(f"{where}: give either a grid or a list of variants, not both")
        if grid:
            variants = _grid(f"{where}.grid", grid, base)
        elif "variants" in fields:
            variants = _listed(f"{where}.variants", fields["variants"], base)
        else:
            variants = [Variant(DEFAULT_VARIANT, "default")]
        ids = [v.id for v in variants]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ConfigError(f"{where}: two variants are called {twice[0]!r}; give each an id")
        for variant in variants:
            clash = sorted(set(variant.values) & set(common))
            if clash:
                raise ConfigError(
                    f"{where}: {clash[0]} is set both for the whole experiment and by variant "
                    f"{variant.id!r}; set it in one place"
                )
        try:
            seeds = _seed_list(fields.get("seeds", config.values["seeds"]))
        except ConfigError as exc:
            raise ConfigError(f"{where}.{exc}") from None
        module = _text(where, fields.get("module", default_module), "module")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", module):
            raise ConfigError(f'{where}.module: {module!r} is not a module name like "experiment"')
        variants = [Variant(v.id, v.label, {**common, **v.values}) for v in variants]
        experiments.append(
            Experiment(
                ident,
                _text(where, fields.get("where", ""), "where"),
                _text(where, fields.get("description", ""), "description"),
                module,
                seeds,
                variants,
            )
        )
    return experiments


def parse_only(
    only: Sequence[str] | None, experiments: Sequence[Experiment]
) -> set[tuple[str, str]] | None:
    """The (experiment, variant) pairs that ``--only EXPERIMENT[/VARIANT]`` (repeatable) names.

    None (no ``--only``) means all of them.
    """
    if not only:
        return None
    chosen: set[tuple[str, str]] = set()
    by_id = {e.id: e for e in experiments}
    for part in (p.strip() for p in only):
        ident, _, variant = part.partition("/")
        if ident not in by_id:
            raise ConfigError(f"--only {part}: " + _not_one_of(ident, ident, list(by_id)))
        experiment = by_id[ident]
        if variant:
            experiment.variant(variant)  # an unknown variant is an error naming the known
            chosen.add((ident, variant))
        else:
            chosen.update((ident, v) for v in experiment.variant_ids)
    return chosen


def tasks(
    config: Config, experiments: Sequence[Experiment], only: set[tuple[str, str]] | None = None
) -> list[Task]:
    """Every (experiment, variant, seed) to run, in order, each with its resolved config."""
    prefix = f"{EXPERIMENTS}."
    base = {k: v for k, v in config.values.items() if not k.startswith(prefix)}
    result = []
    for experiment in experiments:
        for variant in experiment.variants:
            if only is not None and (experiment.id, variant.id) not in only:
                continue
            if experiment.implicit:  # exactly the profile's config, as before experiments
                values = dict(config.values)
            else:
                values = {**base, **variant.values, "seeds": list(experiment.seeds)}
            resolved = Config(
                config.profile, values, dict(config.overrides), experiment.id, variant.id
            )
            for seed in experiment.seeds:
                result.append(Task(experiment, variant, seed, resolved))
    return result
