# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pre-commit hooks of dlc-template, installed as ``dlc_hooks``.

Standard library only: pre-commit installs them without TensorFlow, Keras or numpy, and each
hook starts in a few tens of milliseconds. One module per hook, each with ``main(argv)``.
"""
