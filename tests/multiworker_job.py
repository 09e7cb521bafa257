# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""One worker of a multi-worker test run: ``python multiworker_job.py OUT RUN_DIR EPOCHS``.

Trains a small classifier on two-spirals data with ``dlc_common.run.train.fit`` and the strategy
that ``dlc_common.run.runtime.make_strategy`` builds from this process's environment (TF_CONFIG,
or none: one device), then writes the final weights and history to OUT (an .npz file).
As a replication's command does, it takes stop signals as requests from its first line on
(printing "ready" once it does) and exits 75 when one stopped training before the end.
"""

from __future__ import annotations

import json
import os
import sys

from dlc_common.run import stop

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
import numpy as np

from dlc_common.data import pipeline
from dlc_common.data.synthetic import spirals, split
from dlc_common.run import runtime
from dlc_common.run.train import fit

GLOBAL_BATCH = 32
EXIT_STOPPED = 75


def build() -> keras.Model:
    inputs = keras.Input(shape=(2,))
    x = keras.layers.Dense(16, activation="relu")(inputs)
    outputs = keras.layers.Dense(2, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def main(out: str, run_dir: str, epochs: int) -> bool:
    runtime.enable_determinism()
    runtime.seed_everything(7)
    strategy = runtime.make_strategy()
    parts = split(*spirals(n=300, classes=2, noise=0.3, seed=1), validation=0.2, test=0.0, seed=1)
    result = fit(
        build,
        pipeline(parts.train, batch_size=GLOBAL_BATCH, training=True, seed=7),
        validation_data=pipeline(parts.validation, batch_size=GLOBAL_BATCH, training=False),
        epochs=epochs,
        run_dir=run_dir,
        strategy=strategy,
        backup_seconds=0,
        verbose=0,
    )
    weights = {f"w{i}": w for i, w in enumerate(result.model.get_weights())}
    np.savez(
        out,
        **weights,
        history=json.dumps(result.history),
        replicas=strategy.num_replicas_in_sync,
        completed=result.completed,
        signal=result.stopped_by_signal or 0,
    )
    return result.stopped_by_signal is not None and not result.completed


if __name__ == "__main__":
    with stop.catch():
        print("ready", flush=True)
        stopped = main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
        if stopped:
            stop.ignore_further()
    sys.exit(EXIT_STOPPED if stopped else 0)
