# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``fit``: keras.Model.fit with the callbacks every replication run needs.

Backup and restore at the end of epochs (a killed run resumes where it stopped, with its
optimizer state and learning-rate schedule), a NaN guard, a metric history that appends on
resume (JSON lines), TensorBoard logs, progress output, and a clean stop at the end of the
epoch when the job is told to stop (SIGTERM, SIGUSR1: preemption, time limits).

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
import functools
import importlib.util
import json
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# isort: off
import dlc_common.quiet  # noqa: F401  (must run before TensorFlow is imported)
import keras
import numpy as np
import tensorflow as tf

# isort: on

from dlc_common.data.pipelines import set_epoch
from dlc_common.files import write_text
from dlc_common.run import stop
from dlc_common.run.cluster import cluster_from_environment

__all__ = [
    "STOP_SIGNALS",
    "Backup",
    "BackupError",
    "FitResult",
    "MetricHistory",
    "NanGuard",
    "StepLoop",
    "StopOnSignal",
    "agree_to_stop",
    "fit",
    "read_history",
    "restore_backup",
]

# SIGUSR1 before a SLURM time limit, SIGTERM on preemption and scancel, SIGINT for Ctrl-C.
STOP_SIGNALS = stop.STOP_SIGNALS
HISTORY_FILE = "history.jsonl"
BACKUP_DIR = "backup"


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


def agree_to_stop(strategy: tf.distribute.Strategy) -> int:
    """The stop request of any worker (a signal number, 0 for none); every worker must call it.

    With one worker it is this process's request; under MultiWorkerMirroredStrategy it is a
    collective, so call it at the same point of the program on every worker.
    """
    mine = stop.requested() or 0
    if not _is_multi_worker(strategy):
        return mine
    return max(_all_workers(strategy, mine))


def _is_multi_worker(strategy: tf.distribute.Strategy) -> bool:
    return isinstance(
        strategy,
        (
            tf.distribute.MultiWorkerMirroredStrategy,
            tf.distribute.experimental.MultiWorkerMirroredStrategy,
        ),
    )


def _all_workers(strategy: tf.distribute.Strategy, value: int) -> list[int]:
    """``value`` of every replica of every worker: a collective that every worker must call."""
    gathered = _gather_fn(strategy)(tf.constant([value], tf.int64))
    return [int(v) for v in gathered.numpy()]


_GATHERS: dict[int, Any] = {}


def _gather_fn(strategy: tf.distribute.Strategy) -> Any:
    # In a tf.function: strategy.run in eager mode is slow under multi-worker strategies.
    if id(strategy) not in _GATHERS:

        @tf.function
        def gather(value: tf.Tensor) -> tf.Tensor:
            return strategy.gather(strategy.run(tf.identity, args=(value,)), axis=0)

        _GATHERS[id(strategy)] = gather
    return _GATHERS[id(strategy)]


def _agree_on_initial_epoch(strategy: tf.distribute.Strategy, epoch: int) -> None:
    epochs = _all_workers(strategy, epoch)
    if min(epochs) != max(epochs):
        raise RuntimeError(
            f"fit: the workers found backups of different epochs ({min(epochs)} to "
            f"{max(epochs)}); the run directory must be on a file system that every worker "
            "sees (all read it, the chief writes it)"
        )


class StepLoop:
    """Keras training under MultiWorkerMirroredStrategy: the small loop Keras 3 ``fit`` lacks.

    The same model, optimizer, loss and metrics as ``fit``; each replica computes the compiled
    loss on its part of the global batch and weighs it by its share of the examples (the
    global count is summed over replicas, so a short last batch weighs as in ``fit``); the
    optimizer sums the gradients over replicas. Callbacks see the same epochs and logs.
    """

    def __init__(self, model: keras.Model, strategy: tf.distribute.Strategy) -> None:
        self.model = model
        self.strategy = strategy
        with strategy.scope():
            if not model.optimizer.built:
                model.optimizer.build(model.trainable_variables)
        self._train = tf.function(self._train_step)
        self._test = tf.function(self._test_step)

    def _replica(self, batch: Any, training: bool) -> tuple[tf.Tensor, tf.Tensor]:
        model = self.model
        x, y, weight = keras.utils.unpack_x_y_sample_weight(batch)
        count = tf.cast(tf.shape(tf.nest.flatten(x)[0])[0], tf.float32)
        total = tf.distribute.get_replica_context().all_reduce(tf.distribute.ReduceOp.SUM, count)
        if training:
            with tf.GradientTape() as tape:
                pred = model(x, training=True)
                loss = model.compute_loss(x, y, pred, weight, training=True)
                share = self._share(loss, count, total)
                scaled = model.optimizer.scale_loss(share)
            variables = model.trainable_variables
            grads = tape.gradient(scaled, variables)
            model.optimizer.apply_gradients(zip(grads, variables, strict=True))
        else:
            pred = model(x, training=False)
            loss = model.compute_loss(x, y, pred, weight, training=False)
            share = self._share(loss, count, total)
        model.compute_metrics(x, y, pred, weight)
        return share, count

    def _share(self, loss: tf.Tensor, count: tf.Tensor, total: tf.Tensor) -> tf.Tensor:
        """This replica's share of the global batch's mean loss (compute_average_loss)."""
        # Keras's TensorFlow backend divides the compiled loss by the number of replicas (each
        # replica's mean then weighs equally); weigh by this replica's examples instead, so
        # that a short last batch, split unevenly, counts as in ``fit`` on one device.
        replicas = float(self.strategy.num_replicas_in_sync)
        return tf.cast(loss, tf.float32) * replicas * count / total

    def _train_step(self, batch: Any) -> tuple[tf.Tensor, tf.Tensor]:
        return self._reduce(self.strategy.run(self._replica, args=(batch, True)))

    def _test_step(self, batch: Any) -> tuple[tf.Tensor, tf.Tensor]:
        return self._reduce(self.strategy.run(self._replica, args=(batch, False)))

    def _reduce(self, shares: Any) -> tuple[tf.Tensor, tf.Tensor]:
        share, count = shares
        total = tf.distribute.ReduceOp.SUM
        return self.strategy.reduce(total, share, None), self.strategy.reduce(total, count, None)

    def _run_epoch(self, data: Any, step: Callable[[Any], Any], prefix: str) -> dict[str, float]:
        self.model.reset_metrics()
        loss_sum, count = tf.constant(0.0), tf.constant(0.0)
        for batch in data:
            loss, n = step(batch)
            loss_sum, count = loss_sum + loss * n, count + n  # fit's loss: mean over examples
        logs = {
            name: float(value)
            for name, value in self.model.get_metrics_result().items()
            if name != "loss"  # the tracker of keras's own train step, unused here
        }
        logs["loss"] = float(loss_sum / tf.maximum(count, 1.0))
        return {prefix + name: value for name, value in logs.items()}

    def fit(
        self,
        train_data: Any,
        *,
        epochs: int,
        initial_epoch: int,
        callbacks: Sequence[keras.callbacks.Callback],
        validation_data: Any = None,
        verbose: str | int = "auto",
        stopper: StopOnSignal | None = None,
    ) -> None:
        """Train from ``initial_epoch`` to ``epochs``, calling the callbacks as ``fit`` would."""
        strategy, model = self.strategy, self.model
        train = strategy.experimental_distribute_dataset(train_data)
        validation = None
        if validation_data is not None:
            validation = strategy.experimental_distribute_dataset(validation_data)
        hooks = keras.callbacks.CallbackList(list(callbacks), model=model)
        hooks.set_params({"epochs": epochs, "verbose": 0})
        chief = cluster_from_environment().is_chief
        show = verbose not in (0, "0") and chief
        model.stop_training = False
        if stopper is not None:
            stopper.collective = True
        hooks.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            hooks.on_epoch_begin(epoch)
            started = time.perf_counter()
            logs = self._run_epoch(train, self._train, "")
            if validation is not None:
                logs.update(self._run_epoch(validation, self._test, "val_"))
            if stopper is not None:
                # A signal may reach one worker and not the other, or reach it after the
                # others have read their flags: each worker hands in what it has now, at this
                # fixed point, and all decide on the same gathered value.
                stopper.agreed = agree_to_stop(strategy)
            hooks.on_epoch_end(epoch, logs)
            if show:
                values = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
                seconds = time.perf_counter() - started
                print(f"Epoch {epoch + 1}/{epochs} - {seconds:.1f}s - {values}", flush=True)
            if model.stop_training:
                # A barrier: no worker exits before the chief has saved its backup (a job
                # script may kill the remaining tasks as soon as one has exited).
                _all_workers(strategy, 0)
                break
        hooks.on_train_end()


@dataclass
class FitResult:
    """What ``fit`` returns: the trained model, its history, and how training ended."""

    model: keras.Model
    history: list[dict[str, Any]] = field(default_factory=list)
    initial_epoch: int = 0
    completed: bool = True
    diverged: bool = False
    stopped_by_signal: int | None = None


@stop.catching  # a signal from the start on is a request, never a crash in mid-set-up
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
    backup_seconds: float = 30.0,
    keep_backup: bool = False,
    verbose: str | int = "auto",
    **fit_kwargs: Any,
) -> FitResult:
    """Train with ``keras.Model.fit`` and the default callbacks, writing into ``run_dir``.

    ``model`` is a compiled model, or a function that builds and compiles one: it is called
    inside ``strategy``'s scope. A run directory that holds a backup resumes from it;
    ``backup_seconds=0`` backs up after every epoch. The backup is removed once training has
    finished, unless ``keep_backup`` (then it holds the final state, for a caller that still
    has work to do before the run counts as done). Only the chief process writes ``run_dir``;
    every worker resumes from the backup there; ``run_dir=None`` writes nothing lasting.
    Under MultiWorkerMirroredStrategy, where Keras 3 ``fit`` fails, ``model`` must be a builder
    and training runs in ``StepLoop`` with the same callbacks; the result's model is then a
    copy outside the strategy, which each worker may evaluate on its own.
    TensorBoard logs are written when the ``tensorboard`` package is installed (tensorflow-cpu
    does not bring it) unless ``tensorboard=False``.
    """
    strategy = strategy or tf.distribute.get_strategy()
    multi_worker = _is_multi_worker(strategy)
    builder = None
    if callable(model) and not isinstance(model, keras.Model):
        builder = model
    elif multi_worker:
        raise TypeError(
            "fit: under MultiWorkerMirroredStrategy pass a function that builds and compiles "
            "the model (it is called inside the strategy's scope), not a built model"
        )
    if builder is not None:
        with strategy.scope():
            model = builder()
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
    backup = Backup(out / BACKUP_DIR, backup_seconds)
    stopper = StopOnSignal(backup)
    # Every worker resumes from the chief's backup (on a file system they all see): their
    # replicas must start from the same state.
    source = out if run_dir is None else Path(run_dir)
    if scratch is not None and run_dir is not None and (source / HISTORY_FILE).exists():
        shutil.copyfile(source / HISTORY_FILE, out / HISTORY_FILE)  # to read, never to write back
    with strategy.scope():  # the optimizer's state is built in the scope of its model
        initial_epoch = restore_backup(model, source / BACKUP_DIR)
    if multi_worker:
        _agree_on_initial_epoch(strategy, initial_epoch)
    # The backup first: it must have saved an epoch before anything stops the process.
    defaults: list[keras.callbacks.Callback] = [
        backup,
        _EpochSync(),
        NanGuard(),
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
        if multi_worker:
            fit_kwargs.pop("shuffle")  # our pipelines shuffle
            if fit_kwargs:
                raise TypeError(
                    f"fit: {', '.join(sorted(fit_kwargs))} not supported under "
                    "MultiWorkerMirroredStrategy (dlc_common's step loop)"
                )
            train: Callable[..., Any] = functools.partial(
                StepLoop(model, strategy).fit, stopper=stopper
            )
        else:
            train = functools.partial(model.fit, **fit_kwargs)
        train(
            train_data,
            validation_data=validation_data,
            epochs=epochs,
            initial_epoch=initial_epoch,
            callbacks=all_callbacks,
            verbose=verbose,
        )
    finally:
        stopper.restore()  # Keras skips on_train_end when a callback or step raises
        history.close()
    rows = read_history(out / HISTORY_FILE)
    diverged = any(row.get("loss", 0.0) is None for row in rows)
    done = bool(rows) and rows[-1]["epoch"] >= epochs and not diverged
    if multi_worker and builder is not None:
        # Keras 3 cannot evaluate or predict under MultiWorkerMirroredStrategy either: hand
        # back a copy of the trained model outside the strategy, for each worker to use alone.
        with tf.distribute.get_strategy().scope():
            local = builder()
        local.set_weights(model.get_weights())
        model = local
    result = FitResult(
        model=model,
        history=rows,
        initial_epoch=initial_epoch,
        completed=done,
        diverged=diverged,
        stopped_by_signal=stopper.received,
    )
    if done and keep_backup and scratch is None:
        backup.save(epochs)  # a restart now skips straight to what comes after training
    elif done or diverged:
        shutil.rmtree(out / BACKUP_DIR, ignore_errors=True)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
    return result
