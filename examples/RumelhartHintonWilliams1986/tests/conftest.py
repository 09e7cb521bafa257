# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared fixtures: the repository root and the smoke profile's configuration."""

from __future__ import annotations

from pathlib import Path

import dlc_common.quiet  # noqa: F401  (before TensorFlow: silence its start-up messages)
import pytest
from dlc_common.config import Config, load_config

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def smoke() -> Config:
    """The smoke profile: the paper's settings made small enough for a CPU test."""
    return load_config(ROOT / "configs", "smoke")
