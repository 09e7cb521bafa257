# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""One run of the replication, as dlc_common.run.app drives it: data, model, final metrics.

The engine seeds everything, picks the distribution strategy and precision, trains with
backup and restore, and judges claims.toml on the metrics that evaluate() returns.
"""

from __future__ import annotations

import keras
from dlc_common.config import Config

from .data import Data, load_data
from .model import build_model

__all__ = ["build_model", "evaluate", "load_data"]


def evaluate(model: keras.Model, data: Data, config: Config) -> dict[str, float]:
    """The final metrics of a trained model; claims.toml names them as its metrics."""
    results = model.evaluate(data.test, return_dict=True, verbose=0)
    return {"test_accuracy": float(results["accuracy"]), "test_loss": float(results["loss"])}
