# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The paper's learning procedure in Keras 3: summed squared error, full-batch momentum sweeps.

One sweep is one weight change computed from all cases at once. The update is the paper's
dw(t) = -eps dE/dw + alpha dw(t-1), which is exactly what ``keras.optimizers.SGD`` with
``momentum=alpha`` does (m <- alpha m - eps g; w <- w + m) when the loss is the *summed* error.

Two engines drive the same model, optimizer and loss:

- ``SweepLoop``: many sweeps inside one ``tf.function`` (a graph while-loop), stopping at the
  exact sweep where a criterion is met. This is what the replication runs: Keras ``fit`` costs
  milliseconds per epoch in Python, and the symmetry task needs thousands of one-step epochs.
- ``fit_sweeps``: ``keras.Model.fit`` with ``batch_size`` = number of cases, ``epochs`` = sweeps
  and callbacks for the momentum schedule, weight decay and stopping. Kept as the reference the
  loop is tested against, and for readers who know ``fit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf
from keras import ops


class SummedSquaredError(keras.losses.Loss):
    """The paper's error E = 1/2 sum over cases and output units of (y - d)^2.

    With ``margin`` m > 0 (targets 0/1), an output counts as no error once it is within m of its
    target: above 1 - m when it should be on, below m when it should be off. With ``averaged``
    the error is divided by the number of cases (the mean over cases instead of the sum): the
    same weight changes as the summed error at eps / cases.
    """

    def __init__(
        self, margin: float = 0.0, averaged: bool = False, name: str = "summed_squared_error"
    ) -> None:
        # reduction="sum": the paper's eps applies to the summed error, not a batch mean.
        super().__init__(name=name, reduction="sum_over_batch_size" if averaged else "sum")
        self.margin = margin
        self.averaged = averaged

    def call(self, y_true, y_pred):
        """Per-case error 1/2 sum_j e_j^2; the reduction sums over cases."""
        diff = y_pred - y_true
        if self.margin:
            # Targets are 0/1: an on-unit errs only below 1 - m, an off-unit only above m.
            diff = ops.where(y_true > 0.5, ops.minimum(diff + self.margin, 0.0), diff)
            diff = ops.where(y_true > 0.5, diff, ops.maximum(diff - self.margin, 0.0))
        return 0.5 * ops.sum(ops.square(diff), axis=-1)

    def get_config(self) -> dict:
        """Serialisable configuration."""
        return {**super().get_config(), "margin": self.margin, "averaged": self.averaged}


def paper_sgd(eps: float, alpha: float) -> keras.optimizers.SGD:
    """Keras SGD that performs dw(t) = -eps dE/dw + alpha dw(t-1)."""
    return keras.optimizers.SGD(learning_rate=eps, momentum=alpha, nesterov=False)


def uniform_init(model: keras.Model, seed: int, init_range: float) -> None:
    """Set every weight and bias of ``model`` uniform in [-init_range, init_range]."""
    # numpy's generator, not Keras's seed state: the same seed gives the same network whether
    # the model is fresh or reused across runs (reuse avoids retracing the loop per run).
    rng = np.random.default_rng(seed)
    for var in model.trainable_variables:
        var.assign(rng.uniform(-init_range, init_range, size=tuple(var.shape)).astype("float32"))


def decayed(variables: Sequence[keras.Variable], biases: bool = True) -> list[keras.Variable]:
    """The variables weight decay shrinks: all, or only the kernels (``biases=False``)."""
    # A Dense layer's bias is its one-dimensional variable.
    return [v for v in variables if biases or len(v.shape) > 1]


def reset_optimizer(optimizer: keras.optimizers.SGD) -> None:
    """Zero SGD's state (last weight changes, step count) so a reused model starts afresh."""
    # Not optimizer.variables: that list also holds the learning rate.
    for var in [optimizer.iterations, *optimizer.momentums]:
        var.assign(np.zeros(tuple(var.shape), dtype=var.dtype))


@dataclass
class SweepHistory:
    """Per-sweep record; entry k describes the network after k weight changes."""

    loss: np.ndarray
    max_abs_error: np.ndarray
    all_correct: np.ndarray

    @property
    def sweeps(self) -> int:
        """Number of weight changes made."""
        return len(self.loss) - 1

    def first(self, mask: np.ndarray) -> int | None:
        """The first sweep count at which ``mask`` holds, or None."""
        hits = np.flatnonzero(mask)
        return int(hits[0]) if hits.size else None

    def sweeps_to_correct(self) -> int | None:
        """Sweeps until every output is on the target's side of 0.5."""
        return self.first(self.all_correct)

    def sweeps_to_within(self, tolerance: float) -> int | None:
        """Sweeps until every output is within ``tolerance`` of its target."""
        return self.first(self.max_abs_error < tolerance)

    def extend(self, other: SweepHistory) -> SweepHistory:
        """Join a later phase, whose first entry repeats this one's last."""
        pairs = zip(self.astuple(), other.astuple(), strict=True)
        return SweepHistory(*(np.concatenate([a, b[1:]]) for a, b in pairs))

    def astuple(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The three arrays in field order."""
        return self.loss, self.max_abs_error, self.all_correct


class SweepLoop:
    """Full-batch training of a Keras model, many sweeps per ``tf.function`` call."""

    def __init__(
        self,
        model: keras.Model,
        optimizer: keras.optimizers.SGD,
        x: np.ndarray | Sequence[np.ndarray],
        targets: np.ndarray,
        weight_decay: float = 0.0,
        loss: keras.losses.Loss | None = None,
        decay_biases: bool = True,
    ) -> None:
        self.model = model
        self.optimizer = optimizer
        # Variables, not constants, so that another case set of the same shape (another
        # held-out draw) reuses the traced loop: see set_data.
        self.x = tf.nest.map_structure(lambda a: tf.Variable(a, dtype=tf.float32), x)
        self.targets = tf.Variable(targets, dtype=tf.float32)
        self.loss_fn = loss or SummedSquaredError()
        # The paper shrinks every weight by this fraction after each weight change.
        self.keep = 1.0 - weight_decay
        # A bias is a weight from an always-on unit; ``decay_biases=False`` spares them.
        self.decayed = decayed(model.trainable_variables, decay_biases)
        optimizer.build(model.trainable_variables)
        # One traced function per momentum value: Keras SGD reads its momentum as a Python
        # float when tracing, so a schedule switches between functions (each traced once).
        self._runs: dict[float, tf.types.experimental.PolymorphicFunction] = {}

    def set_data(self, x: np.ndarray | Sequence[np.ndarray], targets: np.ndarray) -> None:
        """Train on other cases of the same shapes from now on."""
        tf.nest.map_structure(lambda v, a: v.assign(a), self.x, x)
        self.targets.assign(targets)

    def _run_fn(self, momentum: float):
        if momentum not in self._runs:
            self.optimizer.momentum = momentum
            self._runs[momentum] = tf.function(self._sweeps, reduce_retracing=True)
            # Trace now, while optimizer.momentum holds this value.
            self._runs[momentum].get_concrete_function(
                tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.float32)
            )
        return self._runs[momentum]

    def _sweeps(self, max_sweeps, stop_below):
        variables = self.model.trainable_variables
        x = tf.nest.map_structure(tf.convert_to_tensor, self.x)
        targets = tf.convert_to_tensor(self.targets)
        out = [tf.TensorArray(tf.float32, size=0, dynamic_size=True) for _ in range(2)]
        correct = tf.TensorArray(tf.bool, size=0, dynamic_size=True)
        k = tf.constant(0)
        done = tf.constant(False)
        while not done:
            with tf.GradientTape() as tape:
                y = self.model(x, training=True)
                loss = self.loss_fn(targets, y)
            err = tf.reduce_max(tf.abs(y - targets))
            ok = tf.reduce_all((y > 0.5) == (targets > 0.5))
            out[0] = out[0].write(k, loss)
            out[1] = out[1].write(k, err)
            correct = correct.write(k, ok)
            done = tf.logical_or(k >= max_sweeps, err < stop_below)
            if not done:
                grads = tape.gradient(loss, variables)
                self.optimizer.apply_gradients(zip(grads, variables, strict=True))
                if self.keep != 1.0:
                    for v in self.decayed:
                        v.assign(v * self.keep)
                k += 1
        return out[0].stack(), out[1].stack(), correct.stack()

    def run(
        self, max_sweeps: int, eps: float, alpha: float, stop_below: float = 0.0
    ) -> SweepHistory:
        """Make up to ``max_sweeps`` weight changes; stop early once every |y - d| < stop_below."""
        fn = self._run_fn(alpha)
        # The learning rate is a variable of the optimizer: changing it needs no retrace.
        self.optimizer.learning_rate = eps
        loss, err, ok = fn(tf.constant(max_sweeps, tf.int32), tf.constant(stop_below, tf.float32))
        return SweepHistory(loss.numpy(), err.numpy(), ok.numpy())

    def run_schedule(self, schedule: Sequence[Phase], stop_below: float = 0.0) -> SweepHistory:
        """Run the phases in order, keeping the optimizer's momentum state between them."""
        history: SweepHistory | None = None
        for phase in schedule:
            part = self.run(phase.sweeps, phase.eps, phase.alpha, stop_below)
            history = part if history is None else history.extend(part)
            if part.sweeps < phase.sweeps:  # stopped early: the criterion was met
                break
        assert history is not None, "the schedule must have at least one phase"
        return history


class Phase(NamedTuple):
    """A stretch of sweeps with one learning rate and momentum."""

    sweeps: int
    eps: float
    alpha: float


class SweepSchedule(keras.callbacks.Callback):
    """Set SGD's learning rate and momentum at the start of each phase (epoch = sweep)."""

    def __init__(self, schedule: Sequence[Phase]) -> None:
        super().__init__()
        starts = np.cumsum([0] + [p.sweeps for p in schedule[:-1]])
        self.starts = {int(s): p for s, p in zip(starts, schedule, strict=True)}

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if epoch in self.starts:
            phase = self.starts[epoch]
            self.model.optimizer.learning_rate = phase.eps
            self.model.optimizer.momentum = phase.alpha
            # The train function baked the old momentum in when it was traced.
            self.model.make_train_function(force=True)


class WeightDecay(keras.callbacks.Callback):
    """Shrink every weight by ``fraction`` after each weight change, as the paper does."""

    def __init__(self, fraction: float, biases: bool = True) -> None:
        super().__init__()
        self.keep = 1.0 - fraction
        self.biases = biases

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        for v in decayed(self.model.trainable_variables, self.biases):
            v.assign(v * self.keep)


def fit_sweeps(
    model: keras.Model,
    x: np.ndarray | Sequence[np.ndarray],
    targets: np.ndarray,
    schedule: Sequence[Phase],
    weight_decay: float = 0.0,
    loss: keras.losses.Loss | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    decay_biases: bool = True,
) -> keras.callbacks.History:
    """Train with ``keras.Model.fit``: one epoch = one full-batch sweep."""
    optimizer = paper_sgd(schedule[0].eps, schedule[0].alpha)
    model.compile(optimizer=optimizer, loss=loss or SummedSquaredError())
    cbs = [SweepSchedule(schedule), *callbacks]
    if weight_decay:
        cbs.append(WeightDecay(weight_decay, decay_biases))
    n = len(targets)
    return model.fit(
        list(x) if isinstance(x, tuple) else x,
        targets,
        batch_size=n,
        epochs=sum(p.sweeps for p in schedule),
        shuffle=False,
        verbose=0,
        callbacks=cbs,
    )
