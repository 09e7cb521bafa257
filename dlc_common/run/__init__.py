# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running a replication: its command line, experiments and tasks, training, runtime, cluster.

``app`` (the command line) composes ``rundirs`` (where a run lives), ``experiments`` (what its
tasks are), ``tasks`` (the loop that trains them) and ``judging`` (verdicts and report).

``app`` and ``experiments`` need the standard library only; ``runtime`` and ``train`` import
TensorFlow, when imported themselves.
"""
