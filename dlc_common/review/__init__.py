# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Review for the certificate: ``dlc audit`` checks one replication against the program's
rules, ``dlc catalog`` indexes many.

Reading only, standard library only: nothing here imports TensorFlow.
"""
