# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Silence TensorFlow's start-up noise before TensorFlow is imported (users' settings win)."""

import os

__all__: list[str] = []

# Only the two together silence the absl and oneDNN lines that otherwise fill every log and
# notebook output (measured, see FACTS.md); setdefault keeps a user's own choice.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
