# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The hooks of .pre-commit-hooks.yaml, tested on throw-away git repositories."""
