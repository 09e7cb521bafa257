# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The callbacks every replication run needs: a metric history that appends on resume (JSON
lines), a NaN guard, backup and restore at the end of epochs, and a clean stop on a signal.

The backup is ours rather than keras.callbacks.BackupAndRestore for three reasons. Keras
writes the weights and then the epoch number as two files, in place: a kill between the two,
or during the first, leaves a backup that resumes at the wrong epoch or not at all. It does
not save the random layers' seed states (Dropout), so a resumed run drops other units than an
uninterrupted one. And it saves every epoch, which costs tens of milliseconds each time, so
runs of many short epochs would spend more time backing up than training. Here each backup is
one directory named after its epoch (weights with optimizer state, plus seed states), renamed
into place when complete; it is written at the end of an epoch once ``backup_seconds`` have
passed since the last one (every epoch when epochs are longer than that), and always when a
stop signal arrives.

Importing this module imports TensorFlow and Keras.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# isort: off
import dlc_common.quiet  # noqa: F401  (must run before TensorFlow is imported)
import keras
import numpy as np

# isort: on

from dlc_common.data.pipelines import set_epoch
from dlc_common.files import write_text
from dlc_common.run import stop

# SIGUSR1 before a SLURM time limit, SIGTERM on preemption and scancel, SIGINT for Ctrl-C.
STOP_SIGNALS = stop.STOP_SIGNALS


def read_history(path: str | Path) -> list[dict[str, Any]]:
    """The epochs recorded in a history file (JSON lines), in order; empty if none."""
    path = Path(path)
    if not path.exists():
        return []
    rows = []
    # A damaged byte reads as a damaged line (the history stops there), never as a crash.
    for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line cut short by a kill: the epochs after it were not recorded either
    return rows


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None  # JSON has no NaN


class MetricHistory(keras.callbacks.Callback):
    """Append each epoch's logs to a JSON-lines file; on resume, drop epochs to be redone."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.first_epoch: int | None = None
        self._started = 0.0
        self._handle: Any = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.first_epoch = None

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.first_epoch is None:
            self.first_epoch = epoch
            # A process killed after writing epoch e's line but before its backup redoes e:
            # keep only the epochs before the one this (resumed) fit starts at.
            rows = [row for row in read_history(self.path) if row.get("epoch", 0) <= epoch]
            write_text(self.path, "".join(json.dumps(row) + "\n" for row in rows))
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (closed below)
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        row = {"epoch": epoch + 1, "seconds": round(time.perf_counter() - self._started, 4)}
        row.update({key: _number(value) for key, value in (logs or {}).items()})
        self._handle.write(json.dumps(row) + "\n")
        self._handle.flush()  # in the OS's hands: survives a kill of this process

    def close(self) -> None:
        """Close the history file (also after an error)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.close()


class NanGuard(keras.callbacks.Callback):
    """Stop training at the end of an epoch whose loss is NaN or infinite.

    Unlike keras.callbacks.TerminateOnNaN it looks once per epoch, not once per batch: a
    per-batch look makes Keras wait for every step's result, which slows short steps.
    """

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"dlc: epoch {epoch + 1}: loss is {float(loss)}; stopping", file=sys.stderr)
            self.model.stop_training = True


class _EpochSync(keras.callbacks.Callback):
    """Tell dlc_common pipelines the epoch a (resumed) fit starts at."""

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._first = True

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self._first:
            set_epoch(epoch)
            self._first = False


def _backups(directory: Path) -> list[tuple[int, Path]]:
    found = []
    for path in directory.glob("epoch-*"):
        stem = path.name[len("epoch-") :]
        if stem.isdigit() and path.is_dir():
            found.append((int(stem), path))
    return sorted(found, reverse=True)


def _rng_variables(model: keras.Model) -> list[Any]:
    """The model's variables that save_weights leaves out: the layers' random seed states."""
    # Dropout and other random layers keep a SeedGenerator state, which model.save_weights
    # does not save; without it a resumed run would drop different units than an
    # uninterrupted one.
    saved = {id(v) for v in model.weights}
    return [v for v in model.variables if id(v) not in saved]


def restore_backup(model: keras.Model, directory: str | Path) -> int:
    """Load the newest readable backup into ``model``; returns its epoch (0 if none)."""
    if not model.built:
        raise ValueError(
            "fit: the model is not built, so a backup cannot be restored into it; give the "
            "model an input shape (keras.Input) in its builder"
        )
    damaged = []
    for epoch, path in _backups(Path(directory)):
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)  # its state is in the backup too
        try:
            model.load_weights(path / "model.weights.h5")
            states = path / "rng.npz"
            if states.exists():
                with np.load(states) as saved:
                    values = [saved[f"arr_{i}"] for i in range(len(saved.files))]
                variables = _rng_variables(model)
                if [tuple(v.shape) for v in variables] != [x.shape for x in values]:
                    raise ValueError("the model's random layers differ from the backup's")
                for variable, value in zip(variables, values, strict=True):
                    variable.assign(value)
        except Exception as exc:  # damaged (h5py, zip, shapes): try an older one
            print(f"dlc: backup {path} unreadable ({exc}); trying an older one", file=sys.stderr)
            damaged.append(path)
            continue
        return epoch
    if damaged:
        # Starting again from epoch 0 would append a second history to the first.
        raise BackupError(
            f"{Path(directory)}: every backup is damaged ({', '.join(p.name for p in damaged)}); "
            "start over with --run-dir NEW (or remove that backup directory and the "
            "history.jsonl beside it to retrain this seed from the start)"
        )
    return 0


class BackupError(RuntimeError):
    """No backup of a run directory can be read: the run cannot resume."""


class Backup(keras.callbacks.Callback):
    """Save weights, optimizer and seed states at epoch ends, atomically, every few seconds."""

    def __init__(self, directory: str | Path, min_seconds: float = 30.0) -> None:
        super().__init__()
        self.directory = Path(directory)
        self.min_seconds = min_seconds
        self.saved_epoch = -1
        self._last = 0.0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._last = time.monotonic()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if time.monotonic() - self._last >= self.min_seconds:
            self.save(epoch + 1)

    def save(self, epoch: int) -> None:
        """Back up the state after ``epoch`` completed epochs; older backups are removed."""
        target = self.directory / f"epoch-{epoch:06d}"
        if epoch == self.saved_epoch or target.exists():
            return  # this very state is backed up already (a resumed run that had finished)
        # Write a directory beside the target, then rename it: a kill leaves the old backup
        # or the new one, never half of one.
        tmp = self.directory / f".tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self.model.save_weights(tmp / "model.weights.h5")
        states = _rng_variables(self.model)
        if states:
            np.savez(tmp / "rng.npz", *[keras.ops.convert_to_numpy(v) for v in states])
        os.replace(tmp, target)
        for older, path in _backups(self.directory):
            if older < epoch:
                shutil.rmtree(path, ignore_errors=True)
        self.saved_epoch, self._last = epoch, time.monotonic()


class StopOnSignal(keras.callbacks.Callback):
    """On SIGTERM, SIGUSR1 or Ctrl-C, finish the current epoch (so it is backed up) and stop.

    The signal is only recorded (``dlc_common.run.stop``); the decision is taken at the end of an
    epoch. Under several workers the step loop sets ``collective`` and hands in ``agreed``, the
    request of any worker gathered at that same point by all of them, so they all stop after
    the same epoch: no worker decides on a flag that a signal set while the others trained.
    """

    def __init__(self, backup: Backup | None = None, signals: Sequence[int] = STOP_SIGNALS) -> None:
        super().__init__()
        self.backup = backup
        self.signals = tuple(signals)
        self.received: int | None = None  # the signal training stopped for
        self.collective = False
        self.agreed = 0
        self._catch: contextlib.ExitStack | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.received = None
        self.restore()
        self._catch = contextlib.ExitStack()
        self._catch.enter_context(stop.catch(self.signals))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        decision = self.agreed if self.collective else (stop.requested() or 0)
        if decision:
            self.received = decision
            if self.backup is not None:
                self.backup.save(epoch + 1)
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.restore()

    def restore(self) -> None:
        """Put back the signal handlers there were before training (also after an error)."""
        if self._catch is not None:
            self._catch.close()
            self._catch = None
