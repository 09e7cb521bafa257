# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Judging and reporting: the paper's claims, intervals over seeds, the report and README table.

Standard library only (matplotlib for the figures, imported when drawing).
"""
