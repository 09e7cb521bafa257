# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The replication: model.py, data.py and experiment.py; run it with `python -m` this package."""

# Before TensorFlow is imported anywhere: silence its start-up noise (a user's settings win).
import dlc_common.quiet  # noqa: F401
