# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""`python -m <package> train|evaluate|replicate --profile smoke|paper [key=value ...]`."""

import sys

from dlc_common.run.app import main

sys.exit(main(package=__package__ or __name__.rpartition(".")[0]))
