# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared library of the Latently Deep Learning Certificate replications.

Importing this package is cheap: it never imports TensorFlow. Its modules are grouped by
the concern a reader looks for:

- ``make``: making a replication's repository: ``naming`` (the program's naming rule),
  ``bibtex`` and ``latex`` (reading the paper's entry), ``answers`` (the questions and their
  checks), ``bake`` (the template's hooks);
- ``run``: running one: ``app`` (a replication's ``python -m <package>`` command line),
  ``experiments`` (experiments, variants and seeds as tasks), ``train`` (``fit`` with backup,
  history, NaN guard, signals), ``runtime`` (seeds, determinism, precision, strategy),
  ``stop`` (stop signals), ``cluster`` (TF_CONFIG / SLURM), ``environment`` (what ran where);
- ``data``: ``pipeline`` (tf.data pipelines, in ``data.pipelines``), ``datasets`` (download,
  SHA-256, cache), ``synthetic`` (small datasets);
- ``judge``: judging and reporting: ``claims`` (claims.toml and verdicts), ``stats``
  (intervals over seeds), ``report`` (REPORT.md, figures, the README table);
- shared by all: ``config`` (per-profile TOML configs), ``files`` (atomic writes), ``quiet``
  (TensorFlow's start-up noise off), ``cli`` (the ``dlc`` command).

Only ``run.runtime``, ``run.train`` and ``data.pipelines`` import TensorFlow, when imported
themselves. The modules' names before the grouping (``dlc_common.claims``, ...) still import,
as the same module objects, so a replication written against them keeps working.
"""

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

__version__ = "0.1.0"

# Where each module lived before the grouping, for replications that import the old names.
MOVED = {
    **{name: f"make.{name}" for name in ("naming", "bibtex", "latex", "answers", "bake")},
    **{
        name: f"run.{name}"
        for name in ("app", "experiments", "train", "runtime", "stop", "cluster", "environment")
    },
    **{name: f"judge.{name}" for name in ("claims", "stats", "report")},
    **{name: f"data.{name}" for name in ("datasets", "synthetic")},
}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``dlc_common.<old>`` as the module now at ``dlc_common.<group>.<old>``."""

    def __init__(self) -> None:
        self._specs: dict[str, importlib.machinery.ModuleSpec] = {}

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        prefix, _, name = fullname.partition(".")
        if prefix != __name__ or name not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = importlib.import_module(f"{__name__}.{MOVED[spec.name.partition('.')[2]]}")
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the module was imported under its own name, whose spec it keeps."""
        # The import system has just set the alias's spec on the module: give it back its own.
        module.__spec__ = self._specs.pop(module.__spec__.name)


if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
    sys.meta_path.append(_Alias())
