# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The symmetry data, network, structure measure, and a real training run."""

from __future__ import annotations

import numpy as np
import pytest

from rumelharthintonwilliams1986 import symmetry as sym


def test_data_has_64_cases_of_which_8_are_symmetric():
    x, y = sym.symmetry_data()
    assert x.shape == (64, 6) and y.shape == (64, 1)
    assert len({tuple(r) for r in x}) == 64
    assert y.sum() == 8
    for row, target in zip(x, y[:, 0], strict=True):
        assert target == float(list(row) == list(row[::-1]))


def test_model_shapes():
    model = sym.build_model()
    assert [w.shape for w in model.get_weights()] == [(6, 2), (2,), (2, 1), (1,)]
    assert all(np.abs(w).max() <= 0.3 for w in model.get_weights())


def ideal(scale=1.0):
    """A hand-made network with exactly the structure the paper reports."""
    w = scale * np.array([1.0, 2.0, 4.0, -4.0, -2.0, -1.0])
    return sym.SymmetryWeights(
        np.stack([w, -w], axis=1), np.array([-0.5, -0.5]) * scale, np.array([-10.0, -10.0]), 5.0
    )


def test_the_reported_structure_scores_one_and_solves_the_task():
    w = ideal(3.0)
    s = sym.structure(w)
    assert s["reported"] and s["score"] == pytest.approx(1.0)
    x, y = sym.symmetry_data()
    h = 1 / (1 + np.exp(-(x @ w.hidden_w + w.hidden_b)))
    out = 1 / (1 + np.exp(-(h @ w.output_w + w.output_b)))
    assert np.all((out > 0.5) == (y[:, 0] > 0.5))


def break_mirror(w):
    w.hidden_w[0, 0] = 3.0


def break_ratio(w):
    w.hidden_w[2:4] *= 3  # 1:2:12 instead of 1:2:4


def break_opposite(w):
    w.hidden_w[:, 1] = w.hidden_w[:, 0]


def break_signs(w):
    w.hidden_b[0] = 1.0


@pytest.mark.parametrize(
    ("change", "failed"),
    [
        (break_mirror, "mirror_ok"),
        (break_ratio, "ratio_ok"),
        (break_opposite, "opposite_ok"),
        (break_signs, "signs_ok"),
    ],
)
def test_each_departure_from_the_structure_fails_its_check(change, failed):
    w = ideal()
    change(w)
    s = sym.structure(w)
    assert not s[failed] and not s["reported"] and s["score"] < 1.0


def test_a_short_run_learns_symmetry_with_the_reported_structure():
    run = sym.SymmetryTrainer().run(seed=1, max_sweeps=3000)
    assert run.solved and run.sweeps_to_correct < 3000
    assert run.sweeps_to_strict >= run.sweeps_to_correct
    assert run.structure["reported"]
