# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The measurement script end to end, on a handful of short runs."""

from __future__ import annotations

import json

from rumelharthintonwilliams1986 import measure


def test_measure_writes_summary_runs_and_figures(tmp_path):
    args = ["--symmetry-seeds", "2", "--max-sweeps", "3000", "--family-seeds", "1"]
    args += ["--draws", "1", "--paper-rate-seeds", "1", "--out", str(tmp_path)]
    assert measure.main(args) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["symmetry"]["seeds"] == 2
    assert summary["family_trees"]["runs"] == 1
    for name in [
        "figure1_symmetry_weights.png",
        "figure4_person_encoding.png",
        "sweeps.png",
        "held_out.png",
        "symmetry_runs.json",
        "family_tree_runs.json",
        "person_encoding_weights.npz",
    ]:
        assert (tmp_path / name).stat().st_size > 0, name
