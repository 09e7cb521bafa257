# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The data: the stub uses synthetic two-spirals data; the paper's dataset goes here."""

from __future__ import annotations

from dataclasses import dataclass

import tensorflow as tf
from dlc_common.config import Config
from dlc_common.data import pipeline
from dlc_common.data.synthetic import spirals, split


@dataclass
class Data:
    """The batched datasets of one run."""

    train: tf.data.Dataset
    validation: tf.data.Dataset
    test: tf.data.Dataset


def load_data(config: Config, seed: int) -> Data:
    """Training, validation and test data; the training order is shuffled by ``seed``."""
    # The data themselves are fixed by data.seed, so that seeds vary only the training run.
    # A real dataset: path = dlc_common.data.datasets.fetch(RemoteFile(name, url, sha256)).
    x, y = spirals(
        n=config["data.samples"],
        classes=config["data.classes"],
        noise=config["data.noise"],
        seed=config["data.seed"],
    )
    parts = split(x, y, validation=0.2, test=0.2, seed=config["data.seed"])
    batch = config.batch_size
    return Data(
        train=pipeline(parts.train, batch_size=batch, training=True, seed=seed),
        validation=pipeline(parts.validation, batch_size=batch, training=False),
        test=pipeline(parts.test, batch_size=batch, training=False),
    )
