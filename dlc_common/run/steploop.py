# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Training across workers: the agreement on when to stop and where to start, and the step
loop that trains under MultiWorkerMirroredStrategy, where Keras 3 ``fit`` cannot.

Importing this module imports TensorFlow and Keras.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

# isort: off
import dlc_common.quiet  # noqa: F401  (must run before TensorFlow is imported)
import keras
import tensorflow as tf

# isort: on

from dlc_common.run import stop
from dlc_common.run.callbacks import StopOnSignal
from dlc_common.run.cluster import cluster_from_environment


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
