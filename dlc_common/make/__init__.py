# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Making a replication's repository: the naming rule, the paper's BibTeX, the answers, the bake.

Standard library only: ``dlc new`` and the template's hooks run before anything is installed.
"""
