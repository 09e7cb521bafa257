# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared library of the Latently Deep Learning Certificate replications.

Importing this package is cheap: it never imports TensorFlow. The modules that train do,
when they are imported themselves:

- standard library only: ``naming``, ``bibtex``, ``cli`` (the ``dlc`` command), ``config``
  (per-profile TOML configs), ``claims`` and ``stats`` (verdicts over seeds), ``report``
  (REPORT.md, README table; matplotlib only for plots), ``datasets`` (download, SHA-256,
  cache), ``cluster`` (TF_CONFIG / SLURM), ``environment``, ``files`` (atomic writes),
  ``app`` (a replication's ``python -m <package>`` command line), ``quiet``;
- NumPy: ``synthetic`` (small datasets);
- TensorFlow and Keras: ``runtime`` (seeds, determinism, precision, strategy), ``data``
  (tf.data pipelines), ``train`` (``fit`` with backup, history, NaN guard, signals).
"""

__version__ = "0.1.0"
