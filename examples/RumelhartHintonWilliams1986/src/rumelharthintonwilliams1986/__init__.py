# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Replication of Rumelhart, Hinton & Williams (1986), "Learning representations by
back-propagating errors": mirror symmetry and family trees in Keras 3."""

__version__ = "0.1.0"
