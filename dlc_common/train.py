# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``fit``: keras.Model.fit with the callbacks every replication run needs.

Backup and restore every epoch (a killed run resumes where it stopped, with its optimizer
state and learning-rate schedule), a NaN guard, a metric history that appends on resume
(JSON lines), TensorBoard logs, progress output, and a clean stop at the end of the epoch
when the job is told to stop (SIGTERM, SIGUSR1: preemption, time limits).

Importing this module imports TensorFlow and Keras.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# isort: off
import dlc_common.quiet  # noqa: F401  (must run before TensorFlow is imported)
import keras
import tensorflow as tf

# isort: on

from dlc_common.cluster import cluster_from_environment
from dlc_common.data import set_epoch
from dlc_common.files import write_text

__all__ = ["STOP_SIGNALS", "FitResult", "MetricHistory", "StopOnSignal", "fit", "read_history"]

# SLURM sends SIGUSR1 before a time limit when asked (--signal=B:USR1@120), and SIGTERM on
# preemption and scancel.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGUSR1)
HISTORY_FILE = "history.jsonl"
BACKUP_DIR = "backup"


def read_history(path: str | Path) -> list[dict[str, Any]]:
    """The epochs recorded in a history file (JSON lines), in order; empty if none."""
    path = Path(path)
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
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

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.first_epoch = None

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.first_epoch is None:
            self.first_epoch = epoch
            # A process killed after writing epoch e's line but before its backup redoes e:
            # keep only the epochs before the one this (resumed) fit starts at.
            rows = [row for row in read_history(self.path) if row.get("epoch", 0) <= epoch]
            write_text(self.path, "".join(json.dumps(row) + "\n" for row in rows))
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        row = {"epoch": epoch + 1, "seconds": round(time.perf_counter() - self._started, 4)}
        row.update({key: _number(value) for key, value in (logs or {}).items()})
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")


class _EpochSync(keras.callbacks.Callback):
    """Tell dlc_common pipelines the epoch a (resumed) fit starts at."""

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._first = True

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self._first:
            set_epoch(epoch)
            self._first = False


class StopOnSignal(keras.callbacks.Callback):
    """On SIGTERM or SIGUSR1, finish the current epoch (so it is backed up) and stop."""

    def __init__(self, signals: Sequence[int] = STOP_SIGNALS) -> None:
        super().__init__()
        self.signals = tuple(signals)
        self.received: int | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: Any) -> None:
        self.received = signum

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.received = None
        if threading.current_thread() is threading.main_thread():  # signals need the main thread
            for signum in self.signals:
                self._previous[signum] = signal.signal(signum, self._handle)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.received is not None:
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.restore()

    def restore(self) -> None:
        """Put back the signal handlers there were before training (also after an error)."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()


@dataclass
class FitResult:
    """What ``fit`` returns: the trained model, its history, and how training ended."""

    model: keras.Model
    history: list[dict[str, Any]] = field(default_factory=list)
    initial_epoch: int = 0
    completed: bool = True
    diverged: bool = False
    stopped_by_signal: int | None = None


def fit(
    model: keras.Model | Callable[[], keras.Model],
    train_data: Any,
    *,
    epochs: int,
    run_dir: str | Path | None,
    validation_data: Any = None,
    strategy: tf.distribute.Strategy | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    tensorboard: bool | None = None,
    verbose: str | int = "auto",
    **fit_kwargs: Any,
) -> FitResult:
    """Train with ``keras.Model.fit`` and the default callbacks, writing into ``run_dir``.

    ``model`` is a compiled model, or a function that builds and compiles one: it is called
    inside ``strategy``'s scope. A run directory that holds a backup resumes from it. Only
    the chief process writes ``run_dir``; ``run_dir=None`` writes nothing lasting.
    TensorBoard logs are written when the ``tensorboard`` package is installed (tensorflow-cpu
    does not bring it) unless ``tensorboard=False``.
    """
    strategy = strategy or tf.distribute.get_strategy()
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        # Keras 3 fit fails under MultiWorkerMirroredStrategy (keras-team/keras#20585).
        raise NotImplementedError(
            "fit: Keras 3 cannot fit under MultiWorkerMirroredStrategy; multi-worker training "
            "needs dlc_common's distributed step loop (issue 6). Run one worker per job for now."
        )
    if callable(model) and not isinstance(model, keras.Model):
        with strategy.scope():
            model = model()
    if not isinstance(model, keras.Model):
        raise TypeError(f"fit: expected a keras.Model or a function returning one, got {model!r}")
    if not model.compiled:
        raise ValueError("fit: the model is not compiled; call model.compile(...) in its builder")

    scratch = None
    if run_dir is None or not cluster_from_environment().is_chief:
        # Other workers keep their backups in a private place that cannot clash with the chief's.
        scratch = Path(tempfile.mkdtemp(prefix="dlc-fit-"))
    out = Path(run_dir) if scratch is None else scratch
    out.mkdir(parents=True, exist_ok=True)
    history = MetricHistory(out / HISTORY_FILE)
    stopper = StopOnSignal()
    # BackupAndRestore first: it must have saved the epoch before anything stops the process.
    # delete_checkpoint=False: Keras would delete the backup on a stop by signal too; we
    # delete it ourselves once training has really finished.
    defaults: list[keras.callbacks.Callback] = [
        keras.callbacks.BackupAndRestore(str(out / BACKUP_DIR), delete_checkpoint=False),
        _EpochSync(),
        keras.callbacks.TerminateOnNaN(),
        history,
    ]
    if tensorboard is None:
        tensorboard = importlib.util.find_spec("tensorboard") is not None
    if tensorboard and scratch is None:
        defaults.append(keras.callbacks.TensorBoard(str(out / "tensorboard")))
    all_callbacks = [*defaults, *callbacks, stopper]
    # Our pipelines shuffle; Keras's own shuffle=True would only warn about a Dataset.
    fit_kwargs.setdefault("shuffle", False)
    try:
        model.fit(
            train_data,
            validation_data=validation_data,
            epochs=epochs,
            callbacks=all_callbacks,
            verbose=verbose,
            **fit_kwargs,
        )
    finally:
        stopper.restore()  # Keras skips on_train_end when a callback or step raises
    rows = read_history(out / HISTORY_FILE)
    diverged = any(row.get("loss", 0.0) is None for row in rows)
    done = bool(rows) and rows[-1]["epoch"] >= epochs and not diverged
    result = FitResult(
        model=model,
        history=rows,
        initial_epoch=history.first_epoch or 0,
        completed=done,
        diverged=diverged,
        stopped_by_signal=stopper.received,
    )
    if done or diverged:
        shutil.rmtree(out / BACKUP_DIR, ignore_errors=True)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
    return result
