# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``fit``: keras.Model.fit with the callbacks every replication run needs.

Backup and restore at the end of epochs (a killed run resumes where it stopped, with its
optimizer state and learning-rate schedule), a NaN guard, a metric history that appends on
resume (JSON lines), TensorBoard logs, progress output, and a clean stop at the end of the
epoch when the job is told to stop (SIGTERM, SIGUSR1: preemption, time limits).

The callbacks (backup, history, NaN guard, stop) are in ``callbacks``, the multi-worker
step loop in ``steploop``; this module composes them and re-exports their public names.

Importing this module imports TensorFlow and Keras.
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# isort: off
import dlc_common.quiet  # noqa: F401  (must run before TensorFlow is imported)
import keras
import tensorflow as tf

# isort: on

from dlc_common.run import stop
from dlc_common.run.callbacks import (
    STOP_SIGNALS,
    Backup,
    BackupError,
    MetricHistory,
    NanGuard,
    StopOnSignal,
    _EpochSync,
    read_history,
    restore_backup,
)
from dlc_common.run.cluster import cluster_from_environment
from dlc_common.run.compiled import (
    ChunkHistory,
    StopWhen,
    StopWhenCallback,
    _criterion_met,
    fit_trials,
    train_one,
)
from dlc_common.run.rundirs import BACKUP_DIR, HISTORY_FILE
from dlc_common.run.steploop import (
    StepLoop,
    _agree_on_initial_epoch,
    _is_multi_worker,
    agree_to_stop,
)

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
    "fit_trials",
    "read_history",
    "restore_backup",
]


@dataclass
class FitResult:
    """What ``fit`` returns: the trained model, its history, and how training ended."""

    model: keras.Model
    history: list[dict[str, Any]] = field(default_factory=list)
    initial_epoch: int = 0
    completed: bool = True
    diverged: bool = False
    stopped_by_signal: int | None = None
    criterion_met: bool = False  # training stopped because ``stop_when`` held


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
    epochs_per_call: int | None = None,
    stop_when: StopWhen | None = None,
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

    ``stop_when(logs)`` ends training after the first epoch whose logs meet it (a criterion
    such as ``lambda logs: logs["loss"] < 0.01``, written with operators that work on tensors);
    the history's ``stop_when`` column records it and the result's ``criterion_met``. As in
    ``fit``, an epoch's logs are computed in its steps, before each step's update: the weights
    that met the criterion are those before the epoch's last update, which has been applied.

    ``epochs_per_call=N`` trains in dlc_common's compiled loop (``compiled``) instead of
    ``keras.Model.fit``, for small models whose epochs are short: N epochs per call into the
    graph, each step the model's own ``train_step``, so the weights are those of ``fit``.
    ``train_data`` is then a finite tf.data.Dataset or a tuple of arrays cut into
    ``batch_size`` batches in order (default: one full batch per epoch); no validation data.
    Callbacks see every epoch with its own logs, but after the call that ran it: a callback
    that reads or changes the weights or the optimizer sees them every N epochs, and a
    callback's stop request takes effect after the chunk. Backups and stop signals act every N
    epochs, a NaN loss stops at its own epoch. The loop is not XLA-compiled (on a GPU, Keras's
    ``jit_compile="auto"`` may compile ``fit``'s steps, and then the last bits can differ).
    For mini-batches, Keras's own ``compile(steps_per_execution=S)`` already runs S steps (at
    most one epoch) per call on the default path.
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
    history = (MetricHistory if epochs_per_call is None else ChunkHistory)(out / HISTORY_FILE)
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
    if stop_when is not None and epochs_per_call is None:
        # Before the history, which then records the criterion in its row.
        all_callbacks.insert(all_callbacks.index(history), StopWhenCallback(stop_when))
    try:
        if epochs_per_call is not None:
            if multi_worker or validation_data is not None or fit_kwargs.pop("shuffle"):
                raise TypeError(
                    "fit: epochs_per_call (the compiled loop) takes no validation_data, no "
                    "shuffle (shuffle in the pipeline) and no MultiWorkerMirroredStrategy"
                )
            batch_size = fit_kwargs.pop("batch_size", None)
            if fit_kwargs:
                raise TypeError(
                    f"fit: {', '.join(sorted(fit_kwargs))} not supported with epochs_per_call"
                )
            train: Callable[..., Any] = functools.partial(
                train_one,
                model,
                epochs_per_call=epochs_per_call,
                batch_size=batch_size,
                stop_when=stop_when,
            )
        elif multi_worker:
            fit_kwargs.pop("shuffle")  # our pipelines shuffle
            if fit_kwargs:
                raise TypeError(
                    f"fit: {', '.join(sorted(fit_kwargs))} not supported under "
                    "MultiWorkerMirroredStrategy (dlc_common's step loop)"
                )
            train = functools.partial(StepLoop(model, strategy).fit, stopper=stopper)
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
    met = _criterion_met(rows)
    done = bool(rows) and (rows[-1]["epoch"] >= epochs or met) and not diverged
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
        criterion_met=met,
    )
    if done and keep_backup and scratch is None:
        backup.save(epochs)  # a restart now skips straight to what comes after training
    elif done or diverged:
        shutil.rmtree(out / BACKUP_DIR, ignore_errors=True)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
    return result
