# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``python -m dlc_common`` is the ``dlc`` command."""

import sys

from dlc_common.cli import main

sys.exit(main())
