# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test set-up: quiet TensorFlow, deterministic ops, the package importable from src/."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# Until the baked repository installs the package, import it from the source tree.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
