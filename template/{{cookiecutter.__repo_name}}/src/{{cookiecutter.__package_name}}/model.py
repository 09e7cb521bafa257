# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The model: replace this stub with the paper's architecture, optimizer, loss and metrics."""

from __future__ import annotations

import keras
from dlc_common.config import Config


def build_model(config: Config) -> keras.Model:
    """A compiled multilayer perceptron classifier (the stub; the paper's model goes here)."""
    inputs = keras.Input(shape=(config["data.features"],), name="features")
    x = inputs
    for i in range(config["model.hidden_layers"]):
        units = config["model.hidden_units"]
        x = keras.layers.Dense(units, activation="relu", name=f"hidden{i}")(x)
    # float32 output even under a mixed precision policy: softmax and loss need the range.
    outputs = keras.layers.Dense(
        config["data.classes"], activation="softmax", dtype="float32", name="classes"
    )(x)
    model = keras.Model(inputs, outputs, name="stub_mlp")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
