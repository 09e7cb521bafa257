# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared library of the Latently Deep Learning Certificate replications.

Importing this package is cheap: it never imports TensorFlow. The training modules do,
when they are imported themselves.
"""

__version__ = "0.1.0"
