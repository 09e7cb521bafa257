# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compiled training loops for small models: many epochs per call into the graph, and K
trials (seeds) of one model trained side by side in one graph.

Keras ``fit`` costs about a millisecond of Python per epoch and per call, which for a small
network is most of the time. ``compile(steps_per_execution=N)`` runs N steps per call, but at
most one epoch, so full-batch sweeps (one step per epoch) gain nothing from it. Here one
``tf.function`` runs a chunk of epochs: each step is the model's own public ``train_step``
(its forward pass, compiled loss, optimizer and metrics, in the same op order as ``fit``'s),
each epoch starts with ``reset_metrics`` and ends by reading ``get_metrics_result``. After the
call, the callbacks see every epoch of the chunk with its own logs; backups and stop requests
are taken at chunk boundaries, when the weights are those of the chunk's last epoch.

Trials side by side: the same step for K models, each with its own variables, optimizer
state, metrics and data, in one graph (TensorFlow runs the independent trials' ops on its
inter-op threads). A trial that diverges or meets its criterion stops updating at that exact
epoch while the others go on. Unlike stacking the K weight sets into one batched layer, this
leaves each trial's arithmetic exactly that of the model trained alone.

Importing this module imports TensorFlow and Keras.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# isort: off
import dlc_common.quiet  # noqa: F401  (must run before TensorFlow is imported)
import keras
import tensorflow as tf

# isort: on

from dlc_common.data.pipelines import set_epoch
from dlc_common.run import stop
from dlc_common.run.callbacks import (
    Backup,
    MetricHistory,
    NanGuard,
    StopOnSignal,
    read_history,
    restore_backup,
)
from dlc_common.run.rundirs import BACKUP_DIR, HISTORY_FILE

__all__ = ["CRITERION_KEY", "ChunkHistory", "StopWhen", "fit_trials"]

# ``stop_when(logs)``: logs of one epoch (tensors in the graph, floats under keras fit) -> a
# boolean; write it with operators that work on both: ``lambda logs: logs["loss"] < 0.01``.
StopWhen = Callable[[dict[str, Any]], Any]
# The history's column that records ``stop_when`` (1.0 at the epoch the criterion is met).
CRITERION_KEY = "stop_when"


class ChunkHistory(MetricHistory):
    """The metric history, with each epoch of a chunk given its share of the chunk's time."""

    share = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        super().on_epoch_begin(epoch, logs)
        self._started -= self.share  # the epoch ran inside the call, before its callbacks


class StopWhenCallback(keras.callbacks.Callback):
    """``stop_when`` under keras fit: evaluated on each epoch's logs, it stops training."""

    def __init__(self, stop_when: StopWhen) -> None:
        super().__init__()
        self.stop_when = stop_when

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            met = bool(self.stop_when(dict(logs)))
            logs[CRITERION_KEY] = float(met)
            if met:
                self.model.stop_training = True


def _sources(
    data: Any, batch_size: int | None, where: str
) -> tuple[str, Any, int, int | None, int]:
    """(kind, tensors or dataset, steps per epoch, full-batch size, remainder size)."""
    if isinstance(data, tf.data.Dataset):
        steps = int(data.cardinality())
        if steps < 0:
            raise ValueError(
                f"{where}: the dataset's length is unknown or infinite; the compiled loop needs "
                "a finite dataset (dlc_common.data.pipeline gives one) or arrays"
            )
        return "dataset", data, steps, None, 0
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple) or not 2 <= len(data) <= 3:
        raise TypeError(
            f"{where}: expected a tf.data.Dataset or a tuple (x, y) or (x, y, sample_weight) of "
            f"arrays, got {type(data).__name__}"
        )
    tensors = tf.nest.map_structure(tf.convert_to_tensor, data)
    lengths = {int(t.shape[0]) for t in tf.nest.flatten(tensors)}
    if len(lengths) != 1:
        raise ValueError(f"{where}: the arrays differ in length: {sorted(lengths)}")
    size = lengths.pop()
    batch = size if batch_size is None else int(batch_size)
    if batch < 1 or size < 1:
        raise ValueError(f"{where}: batch_size must be at least 1 and the arrays not empty")
    return "arrays", tensors, size // batch, batch, size % batch


def _build_state(model: keras.Model, batch: Any) -> None:
    """Create the optimizer's, loss's and metrics' variables outside the graph (public API)."""
    # Variables cannot be created inside the loop's graph; an eager forward pass at
    # training=False on one batch builds the compiled loss and metrics without touching the
    # random layers' seed state, and the metrics are reset before training counts anything.
    x, y, weight = keras.utils.unpack_x_y_sample_weight(batch)
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    pred = model(x, training=False)
    model.compute_loss(x, y, pred, weight, training=False)
    model.compute_metrics(x, y, pred, weight)
    model.reset_metrics()


class _Graph:
    """One tf.function that trains K compiled models for a chunk of epochs."""

    def __init__(
        self,
        models: Sequence[keras.Model],
        data: Sequence[Any],
        batch_size: int | None,
        stop_when: StopWhen | None,
        where: str,
    ) -> None:
        self.models = list(models)
        parsed = [_sources(d, batch_size, where) for d in data]
        kinds = {p[0] for p in parsed}
        shapes = {
            (p[2], p[3], p[4]) if p[0] == "arrays" else p[2] for p in parsed
        }  # steps and batch sizes
        if len(kinds) != 1 or len(shapes) != 1:
            raise ValueError(
                f"{where}: every trial's data must be of one kind (all datasets or all arrays) "
                f"with the same number of steps per epoch and batch size; got {sorted(shapes)}"
            )
        self.kind, _, self.steps, self.batch, self.rest = parsed[0]
        self.data = [p[1] for p in parsed]
        if self.kind == "dataset":
            first = [next(iter(d)) for d in self.data]
        else:
            first = [tf.nest.map_structure(lambda t: t[: self.batch or 1], d) for d in self.data]
        for model, batch in zip(self.models, first, strict=True):
            _build_state(model, batch)
        self.keys = list(self.models[0].get_metrics_result())
        self.stop_when = stop_when
        k = len(self.models)
        self.active = tf.Variable(tf.ones([k], tf.bool), trainable=False)
        self.starts = tf.Variable(tf.zeros([k], tf.int64), trainable=False)
        self.run = tf.function(self._chunk)

    def _step(self, act: tf.Tensor, batches: Sequence[Any]) -> None:
        if len(self.models) == 1:
            self.models[0].train_step(batches[0])  # the loop stops before a stopped trial
            return
        for k, (model, batch) in enumerate(zip(self.models, batches, strict=True)):

            def train(model: keras.Model = model, batch: Any = batch) -> tf.Tensor:
                model.train_step(batch)
                return tf.constant(True)

            tf.cond(act[k], train, lambda: tf.constant(False))

    def _slices(self, start: tf.Tensor, size: int) -> list[Any]:
        index = start + tf.range(size)
        return [tf.nest.map_structure(lambda t: tf.gather(t, index), d) for d in self.data]

    def _epoch(self, act: tf.Tensor) -> None:
        if self.kind == "dataset":
            zipped = self.data[0] if len(self.data) == 1 else tf.data.Dataset.zip(tuple(self.data))
            iterator = iter(zipped)
            for _ in tf.range(self.steps):
                element = next(iterator)
                self._step(act, [element] if len(self.data) == 1 else element)
            return
        if self.steps == 1 and self.rest == 0:
            self._step(act, self._slices(tf.constant(0), self.batch))  # full-batch sweep
            return
        for s in tf.range(self.steps):
            self._step(act, self._slices(s * self.batch, self.batch))
        if self.rest:
            self._step(act, self._slices(tf.constant(self.steps * self.batch), self.rest))

    def _chunk(self, first: tf.Tensor, count: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        """Up to ``count`` epochs from ``first``: logs [epoch, metric, trial], met, ran."""
        # Growing arrays: the loop may stop before ``count`` epochs (every trial finished).
        # One array of [metric, trial] per epoch: AutoGraph carries plain names, not dicts.
        log = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        met_log = tf.TensorArray(tf.bool, size=0, dynamic_size=True)
        ran_log = tf.TensorArray(tf.bool, size=0, dynamic_size=True)
        for i in tf.range(count):
            if not tf.reduce_any(self.active):
                break
            act = tf.logical_and(self.active, first + tf.cast(i, tf.int64) >= self.starts)
            for model in self.models:
                model.reset_metrics()
            self._epoch(act)
            results = [model.get_metrics_result() for model in self.models]
            values = {
                key: tf.stack([tf.cast(r[key], tf.float32) for r in results]) for key in self.keys
            }
            finite = tf.math.is_finite(values["loss"]) if "loss" in values else True
            met = tf.zeros_like(self.active)
            if self.stop_when is not None:
                met = tf.stack(
                    [
                        tf.cast(self.stop_when({k: v[j] for k, v in values.items()}), tf.bool)
                        for j in range(len(self.models))
                    ]
                )
            done = tf.logical_and(act, tf.logical_or(tf.logical_not(finite), met))
            self.active.assign(tf.logical_and(self.active, tf.logical_not(done)))
            log = log.write(i, tf.stack([values[key] for key in self.keys]))
            met_log = met_log.write(i, tf.logical_and(act, met))
            ran_log = ran_log.write(i, act)
        return log.stack(), met_log.stack(), ran_log.stack()


class _Trial:
    """One trial's model, its callbacks every epoch and its callbacks at chunk boundaries."""

    def __init__(
        self,
        model: keras.Model,
        every: Sequence[keras.callbacks.Callback],
        edge: Sequence[keras.callbacks.Callback],
        start: int,
        criterion: bool,
        finished: bool = False,
    ) -> None:
        self.model = model
        self.every = keras.callbacks.CallbackList(list(every), model=model)
        self.edge = keras.callbacks.CallbackList(list(edge), model=model)
        self.histories = [c for c in every if isinstance(c, ChunkHistory)]
        self.start = start
        self.criterion = criterion  # a stop_when is given: the history records it
        self.finished = finished  # diverged, met its criterion or told to stop: no more epochs
        self.met = False


def _drive(
    graph: _Graph, trials: Sequence[_Trial], *, epochs: int, per_call: int, verbose: Any
) -> None:
    """Run chunks of epochs until every trial is finished, calling each trial's callbacks."""
    for trial in trials:
        for hooks in (trial.every, trial.edge):
            hooks.set_params({"epochs": epochs, "verbose": 0})
        trial.model.stop_training = False
    graph.starts.assign([t.start for t in trials])
    graph.active.assign([not t.finished and t.start < epochs for t in trials])
    first = min([t.start for t in trials if not t.finished], default=epochs)
    set_epoch(first)  # the pipelines' shuffles: the epoch this (resumed) run starts at
    for trial in trials:
        trial.every.on_train_begin()
        trial.edge.on_train_begin()
    try:
        while first < epochs and bool(tf.reduce_any(graph.active)):
            count = min(per_call, epochs - first)
            started = time.perf_counter()
            logs, met, ran = graph.run(tf.constant(first, tf.int64), tf.constant(count))
            seconds = time.perf_counter() - started
            values = logs.numpy()
            logs = {key: values[:, j] for j, key in enumerate(graph.keys)}
            met, ran = met.numpy(), ran.numpy()
            for k, trial in enumerate(trials):
                _replay(trial, k, first, logs, met, ran, seconds / max(len(ran), 1))
            first += len(ran)
            if verbose not in (0, "0") and len(ran):
                _show(first, epochs, logs, ran)
            if stop.requested():
                break  # the boundary callbacks have saved every trial's backup
            active = [not t.finished for t in trials]
            graph.active.assign(tf.logical_and(graph.active, tf.constant(active)))
    finally:
        for trial in trials:
            trial.edge.on_train_end()
            trial.every.on_train_end()


def _replay(
    trial: _Trial,
    k: int,
    first: int,
    logs: dict[str, Any],
    met: Any,
    ran: Any,
    share: float,
) -> None:
    """Trial ``k``'s epochs of the chunk: its callbacks, with each epoch's own logs."""
    rows = [i for i in range(len(ran)) if ran[i][k]]
    for history in trial.histories:
        history.share = share
    row: dict[str, float] = {}
    for i in rows:
        row = {key: float(value[i][k]) for key, value in logs.items()}
        if graph_met := bool(met[i][k]):
            trial.met = True
        if trial.criterion:
            row[CRITERION_KEY] = float(graph_met)
        trial.every.on_epoch_begin(first + i)
        trial.every.on_epoch_end(first + i, row)
    if rows:
        trial.edge.on_epoch_end(first + rows[-1], row)
        loss = row.get("loss", 0.0)
        if trial.met or not math.isfinite(loss) or trial.model.stop_training:
            trial.finished = True


def _show(done: int, epochs: int, logs: dict[str, Any], ran: Any) -> None:
    last = {key: value[-1] for key, value in logs.items()}
    trials = len(ran[-1])
    if trials == 1:
        values = " - ".join(f"{key}: {value[0]:.4f}" for key, value in last.items())
    else:
        values = f"{int(ran[-1].sum())} of {trials} trials training"
    print(f"Epoch {done}/{epochs} - {values}", flush=True)


def _split(
    callbacks: Sequence[keras.callbacks.Callback],
) -> tuple[list[keras.callbacks.Callback], list[keras.callbacks.Callback]]:
    """(every epoch, chunk boundaries only): backups and stop checks need the chunk's weights."""
    every, edge = [], []
    for callback in callbacks:
        if isinstance(callback, (Backup, StopOnSignal)):
            edge.append(callback)
        elif type(callback).__name__ != "_EpochSync":  # _drive sets the pipelines' epoch
            every.append(callback)
    return every, edge


def train_one(
    model: keras.Model,
    train_data: Any,
    *,
    epochs: int,
    initial_epoch: int,
    callbacks: Sequence[keras.callbacks.Callback],
    epochs_per_call: int,
    validation_data: None = None,
    batch_size: int | None = None,
    stop_when: StopWhen | None = None,
    verbose: Any = "auto",
) -> None:
    """``fit``'s compiled path: train ``model`` from ``initial_epoch`` in chunks of epochs."""
    if epochs_per_call < 1:
        raise ValueError(f"fit: epochs_per_call must be at least 1, got {epochs_per_call}")
    graph = _Graph([model], [train_data], batch_size, stop_when, "fit: train_data")
    every, edge = _split(callbacks)
    trial = _Trial(model, every, edge, initial_epoch, criterion=stop_when is not None)
    _drive(graph, [trial], epochs=epochs, per_call=epochs_per_call, verbose=verbose)


def _criterion_met(rows: Sequence[dict[str, Any]]) -> bool:
    return bool(rows) and bool(rows[-1].get(CRITERION_KEY))


def _check_model(model: Any, seed: int, reference: keras.Model | None) -> keras.Model:
    if not isinstance(model, keras.Model):
        raise TypeError(f"fit_trials: builder: expected a keras.Model, got {model!r} (seed {seed})")
    if not model.compiled:
        raise ValueError(
            f"fit_trials: builder: the model of seed {seed} is not compiled; call "
            "model.compile(...) in the builder"
        )
    if reference is not None:
        shapes = [tuple(v.shape) for v in model.trainable_variables]
        if shapes != [tuple(v.shape) for v in reference.trainable_variables]:
            raise ValueError(
                f"fit_trials: builder: the model of seed {seed} has other weight shapes than the "
                "first one; trials side by side must share their shapes"
            )
    return model


@stop.catching
def fit_trials(
    builder: Callable[[], keras.Model] | Sequence[Callable[[], keras.Model]],
    data_per_trial: Sequence[Any],
    *,
    seeds: Sequence[int],
    epochs: int,
    run_dirs: Sequence[str | Path | None] | None = None,
    stop_when: StopWhen | None = None,
    epochs_per_call: int = 100,
    batch_size: int | None = None,
    backup_seconds: float = 30.0,
    keep_backup: bool = False,
    verbose: str | int = 0,
) -> list[Any]:
    """Train one model per seed side by side in one graph; one ``FitResult`` per trial.

    Trial k is ``builder()`` called after ``keras.utils.set_random_seed(seeds[k])``, trained
    on ``data_per_trial[k]`` (a finite tf.data.Dataset, e.g. ``dlc_common.data.pipeline`` with
    that trial's seed, or a tuple of arrays cut into ``batch_size`` batches in order, default
    one full batch): the same weights as ``fit(builder, data_per_trial[k], ...)`` under that
    seed. Each trial writes its history and backups into ``run_dirs[k]`` (None: nothing lasting)
    and resumes from there. ``stop_when(logs)`` is a trial's criterion, read at the end of each
    of its epochs in the graph (``lambda logs: logs["loss"] < 0.01``): a trial that meets it,
    or whose loss is NaN, stops at that epoch while the others go on. Epochs run in chunks of
    ``epochs_per_call``; the callbacks see every epoch, backups and stop signals act between
    chunks. ``builder`` may also be one builder per seed: K variants (learning rates, say)
    whose weights have the same shapes.
    """
    from dlc_common.run.train import FitResult  # train imports this module

    seeds = list(seeds)
    if not seeds:
        raise ValueError("fit_trials: seeds: expected at least one seed, got none")
    if len(data_per_trial) != len(seeds):
        raise ValueError(
            f"fit_trials: data_per_trial: expected one entry per seed ({len(seeds)}), got "
            f"{len(data_per_trial)}"
        )
    dirs = list(run_dirs) if run_dirs is not None else [None] * len(seeds)
    if len(dirs) != len(seeds):
        raise ValueError(f"fit_trials: run_dirs: expected {len(seeds)} entries, got {len(dirs)}")
    if epochs_per_call < 1:
        raise ValueError(f"fit_trials: epochs_per_call must be at least 1, got {epochs_per_call}")
    builders = [builder] * len(seeds) if callable(builder) else list(builder)
    if len(builders) != len(seeds):
        raise ValueError(
            f"fit_trials: builder: expected one builder or one per seed ({len(seeds)}), got "
            f"{len(builders)}"
        )
    models: list[keras.Model] = []
    for seed, build in zip(seeds, builders, strict=True):
        keras.utils.set_random_seed(seed)
        models.append(_check_model(build(), seed, models[0] if models else None))
    scratch = [Path(tempfile.mkdtemp(prefix="dlc-trial-")) if d is None else None for d in dirs]
    outs = [Path(d) if s is None else s for d, s in zip(dirs, scratch, strict=True)]
    trials, backups, stoppers = [], [], []
    try:
        for model, out in zip(models, outs, strict=True):
            out.mkdir(parents=True, exist_ok=True)
            start = restore_backup(model, out / BACKUP_DIR)
            rows = [r for r in read_history(out / HISTORY_FILE) if r.get("epoch", 0) <= start]
            backup = Backup(out / BACKUP_DIR, backup_seconds)
            stopper = StopOnSignal(backup)
            every = [ChunkHistory(out / HISTORY_FILE), NanGuard()]
            finished = start > 0 and _criterion_met(rows)
            trials.append(
                _Trial(
                    model,
                    every,
                    [backup, stopper],
                    start,
                    criterion=stop_when is not None,
                    finished=finished,
                )
            )
            backups.append(backup)
            stoppers.append(stopper)
        where = "fit_trials: data_per_trial"
        graph = _Graph(models, data_per_trial, batch_size, stop_when, where)
        _drive(graph, trials, epochs=epochs, per_call=epochs_per_call, verbose=verbose)
        results = []
        for trial, out, backup, stopper in zip(trials, outs, backups, stoppers, strict=True):
            rows = read_history(out / HISTORY_FILE)
            diverged = any(row.get("loss", 0.0) is None for row in rows)
            met = _criterion_met(rows)
            done = bool(rows) and not diverged and (rows[-1]["epoch"] >= epochs or met)
            if done and keep_backup and rows:
                backup.save(rows[-1]["epoch"])
            elif done or diverged:
                shutil.rmtree(out / BACKUP_DIR, ignore_errors=True)
            results.append(
                FitResult(
                    model=trial.model,
                    history=rows,
                    initial_epoch=trial.start,
                    completed=done,
                    diverged=diverged,
                    stopped_by_signal=stopper.received,
                    criterion_met=met,
                )
            )
        return results
    finally:
        for trial in trials:
            for history in trial.histories:
                history.close()
        for path in scratch:
            if path is not None:
                shutil.rmtree(path, ignore_errors=True)
