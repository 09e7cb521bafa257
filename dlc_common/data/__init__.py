# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Data: tf.data pipelines (``pipelines``), downloads with checksums (``datasets``), synthetic sets.

``from dlc_common.data import pipeline`` imports TensorFlow (the pipelines); importing
``dlc_common.data.datasets`` or ``dlc_common.data.synthetic`` does not.
"""

from typing import Any

__all__ = ["pipeline", "set_epoch"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from dlc_common.data import pipelines

        return getattr(pipelines, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
