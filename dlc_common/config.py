# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Typed per-profile configs from TOML, overridable from the command line as ``key=value``.

A profile is ``configs/<profile>.toml``. It may name another profile as its ``base`` and then
lists only what differs; it cannot add keys the base does not have (so a typo is an error, not
a silently ignored setting). Nested tables become dotted keys (``optimizer.learning_rate``).
The type of a key is the type of its value in the files: an override must parse as that type.
"""

from __future__ import annotations

import difflib
import math
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "EXPERIMENTS",
    "PRECISIONS",
    "Config",
    "ConfigError",
    "UnknownKeyError",
    "load_config",
    "parse_overrides",
    "read_toml",
]

PRECISIONS = ("auto", "float32", "mixed_bfloat16", "mixed_float16")
# Keys the engine reads itself; everything else belongs to the paper and is passed through.
_ENGINE_DEFAULTS: dict[str, Any] = {
    "deterministic": False,
    "precision": "auto",
    "judge": True,
    "backup_seconds": 30.0,
}
_REQUIRED = ("seeds", "epochs")
EXPERIMENTS = "experiments"  # [experiments.<id>] tables: read by dlc_common.run.experiments
# Attributes of a task's Config, never keys: config.experiment and config.variant.
RESERVED = ("experiment", "variant")


class ConfigError(ValueError):
    """A config file or override that cannot be used, naming the key and the fix."""


class UnknownKeyError(ConfigError, KeyError):
    """A key that no profile defines; the message suggests the closest valid key."""

    def __str__(self) -> str:
        return str(self.args[0])


def read_toml(path: Path, what: str = "TOML file") -> dict[str, Any]:
    """Parse a TOML file; a syntax error names the file and line."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such {what}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean (true or false)"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _new_key_type(key: str, known: Mapping[str, Any]) -> tuple[bool, Any]:
    """Whether a profile or override may add ``key`` though its base lacks it, and its type.

    An experiment's own ``seeds`` and its ``set.<key>`` values may be added by any profile
    (a smoke profile runs an experiment on fewer seeds or epochs than the paper).
    """
    parts = key.split(".")
    if len(parts) < 3 or parts[0] != EXPERIMENTS:
        return False, None
    declared = any(k.startswith(f"{EXPERIMENTS}.{parts[1]}.") for k in known)
    if not declared:
        return False, None
    if parts[2:] == ["seeds"]:
        return True, 1
    setting = ".".join(parts[3:])
    if parts[2] == "set" and setting in known:
        return True, known[setting]
    if parts[2] == "set" and setting in _ENGINE_DEFAULTS:
        return True, _ENGINE_DEFAULTS[setting]
    return False, None


def _coerce(key: str, value: Any, like: Any, source: str) -> Any:
    """``value`` converted to the type of ``like``, or a ConfigError that says what to write."""
    if key == "seeds" or (key.startswith(f"{EXPERIMENTS}.") and key.endswith(".seeds")):
        return value  # a count or a list, either way: checked by _seed_list
    if isinstance(like, bool) or isinstance(value, bool):
        ok = isinstance(like, bool) and isinstance(value, bool)
    elif isinstance(like, float) and isinstance(value, int):
        return float(value)  # 1 where 1.0 is meant: harmless, and TOML users write it
    elif isinstance(like, (int, float, str, list)):
        ok = type(value) is type(like)
    else:
        ok = True
    if not ok:
        raise ConfigError(
            f"{key}: expected {_type_name(like)} as in the base profile, got {value!r} "
            f"({source}); write for example {key}={_example(like)}"
        )
    return value


def _example(like: Any) -> str:
    if isinstance(like, bool):
        return "true" if like else "false"
    if isinstance(like, str):
        return like or "text"
    if isinstance(like, list):
        return (
            "[" + ", ".join(str(v).lower() if isinstance(v, bool) else repr(v) for v in like) + "]"
        )
    return repr(like)


def _unknown(key: str, known: Sequence[str], source: str) -> UnknownKeyError:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; valid keys: {', '.join(sorted(known))}"
    return UnknownKeyError(f"{key}: unknown key ({source}){hint}")


def parse_overrides(items: Sequence[str]) -> dict[str, Any]:
    """Parse ``key=value`` strings; values are TOML (``10``, ``1e-3``, ``true``, ``[1, 2]``)."""
    parsed: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"{item!r}: an override is key=value, for example epochs=3")
        text = text.strip()
        try:
            value = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            value = text  # a bare word is a string: optimizer=adam
        parsed[key] = value
    return parsed


def _load_profile(directory: Path, profile: str, seen: tuple[str, ...]) -> dict[str, Any]:
    path = directory / f"{profile}.toml"
    if not path.is_file():
        available = sorted(p.stem for p in directory.glob("*.toml"))
        close = difflib.get_close_matches(profile, available, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"profiles: {', '.join(available)}"
        raise ConfigError(f"profile {profile!r}: no file {path}; {hint}")
    if profile in seen:
        raise ConfigError(f"{path}: base profiles form a cycle: {' -> '.join((*seen, profile))}")
    values = _flatten(read_toml(path, "config file"))
    base = values.pop("base", None)
    if base is None:
        return values
    if not isinstance(base, str):
        raise ConfigError(f'{path}: base: expected a profile name such as "paper", got {base!r}')
    merged = _load_profile(directory, base, (*seen, profile))
    for key, value in values.items():
        addable, like = _new_key_type(key, merged)
        if key not in merged and key not in _ENGINE_DEFAULTS and not addable:
            raise _unknown(key, list(merged), f"in {path}; a profile only changes keys of its base")
        like = merged.get(key, _ENGINE_DEFAULTS.get(key, like))
        merged[key] = _coerce(key, value, like, f"in {path}")
    return merged


def _seed_list(value: Any) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return list(range(value))
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        and len(set(value)) == len(value)
    ):
        return list(value)
    raise ConfigError(
        f"seeds: expected a count (seeds=5 means seeds 0 to 4) or a list of distinct "
        f"non-negative integers (seeds=[1, 2, 3]), got {value!r}"
    )


def _validate(values: dict[str, Any], source: str) -> None:
    for key in RESERVED:
        if key in values or any(k.startswith(f"{key}.") for k in values):
            raise ConfigError(
                f"{key}: a reserved name ({source}): config.{key} is the id of the task's "
                f"{key}; rename the key (for example {key}_name)"
            )
    for key in _REQUIRED:
        if key not in values:
            raise ConfigError(f"{key}: missing from {source}; add for example {key} = 3")
    _seed_list(values["seeds"])
    for key in ("epochs", "batch_size"):
        value = values.get(key, 1)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{key}: expected a positive integer, got {value!r}")
    if values["precision"] not in PRECISIONS:
        raise ConfigError(
            f"precision: {values['precision']!r} is not one of {', '.join(PRECISIONS)}"
        )
    backup = values["backup_seconds"]
    if isinstance(backup, bool) or not isinstance(backup, (int, float)) or backup < 0:
        raise ConfigError(f"backup_seconds: expected a number of seconds >= 0, got {backup!r}")
    for key in ("deterministic", "judge"):
        if not isinstance(values[key], bool):
            raise ConfigError(f"{key}: expected true or false, got {values[key]!r}")
    for key, value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{key}: {value!r} ({source}) is not a finite number; give a number")
    rate = values.get("learning_rate")
    if isinstance(rate, (int, float)) and not isinstance(rate, bool) and rate <= 0:
        raise ConfigError(f"learning_rate: expected a number > 0, got {rate!r} ({source})")


@dataclass(frozen=True)
class Config(Mapping[str, Any]):
    """A resolved profile: flat dotted keys to plain values, read as ``config.epochs``."""

    profile: str
    values: dict[str, Any]
    overrides: dict[str, Any] = field(default_factory=dict)
    experiment: str = ""  # the task's experiment and variant ids ("" outside a task)
    variant: str = ""

    def __getitem__(self, key: str) -> Any:
        try:
            return self.values[key]
        except KeyError:
            raise _unknown(key, list(self.values), f"profile {self.profile!r}") from None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("profile", "values", "overrides", *RESERVED):
            raise AttributeError(name)
        if name in self.values:
            return self.values[name]
        prefix = f"{name}."
        section = {k[len(prefix) :]: v for k, v in self.values.items() if k.startswith(prefix)}
        if section:
            return Config(self.profile, section)
        raise AttributeError(str(_unknown(name, list(self.values), f"profile {self.profile!r}")))

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def seeds(self) -> list[int]:
        """The seeds to run, one training run each."""
        return _seed_list(self.values["seeds"])

    def override(self, overrides: Sequence[str] | Mapping[str, Any]) -> Config:
        """A copy with ``key=value`` strings (or a mapping) applied, checked as on the CLI."""
        if not isinstance(overrides, Mapping):
            overrides = parse_overrides(overrides)
        return _apply(self, overrides, "on the command line") if overrides else self

    def replace(self, **changes: Any) -> Config:
        """A copy with some keys changed (types checked as for overrides)."""
        return _apply(self, {k.replace("__", "."): v for k, v in changes.items()}, "replace()")

    def as_dict(self) -> dict[str, Any]:
        """The values as nested tables, as a TOML file would hold them."""
        nested: dict[str, Any] = {}
        for key, value in self.values.items():
            *parents, leaf = key.split(".")
            table = nested
            for parent in parents:
                table = table.setdefault(parent, {})
            table[leaf] = value
        return nested


def _apply(config: Config, overrides: Mapping[str, Any], source: str) -> Config:
    values = dict(config.values)
    for key, value in overrides.items():
        addable, like = _new_key_type(key, values)
        if key not in values and not addable:
            raise _unknown(key, list(values), source)
        values[key] = _coerce(key, value, values.get(key, like), source)
    _validate(values, source)
    return Config(
        config.profile,
        values,
        {**config.overrides, **overrides},
        config.experiment,
        config.variant,
    )


def load_config(
    configs_dir: str | Path, profile: str, overrides: Sequence[str] | Mapping[str, Any] = ()
) -> Config:
    """Load ``<configs_dir>/<profile>.toml`` (and its base), then apply ``key=value`` overrides."""
    directory = Path(configs_dir)
    if not directory.is_dir():
        raise ConfigError(f"{directory}: no configs directory; run from the repository root")
    values = _load_profile(directory, profile, ())
    values = {**_ENGINE_DEFAULTS, "judge": profile != "smoke", **values}
    _validate(values, f"{directory / profile}.toml")
    return Config(profile, values).override(overrides)
