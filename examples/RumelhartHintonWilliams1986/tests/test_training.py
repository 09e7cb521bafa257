# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The update rule: Keras SGD with momentum on the summed error is the paper's rule."""

from __future__ import annotations

import numpy as np
import pytest

from rumelharthintonwilliams1986 import family_trees as ft
from rumelharthintonwilliams1986 import symmetry as sym
from rumelharthintonwilliams1986.training import (
    Phase,
    SummedSquaredError,
    SweepLoop,
    decayed,
    fit_sweeps,
    paper_sgd,
    uniform_init,
)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def numpy_gradients(params, x, d, margin=0.0):
    """dE/dw of the 6-2-1 network by hand: the paper's backward pass, E summed over cases."""
    w1, b1, w2, b2 = params
    h = sigmoid(x @ w1 + b1)
    y = sigmoid(h @ w2 + b2)
    e = y - d
    if margin:
        e = np.where(d > 0.5, np.minimum(e + margin, 0), np.maximum(e - margin, 0))
    dy = e * y * (1 - y)  # dE/dx at the output unit
    dh = (dy @ w2.T) * h * (1 - h)
    return [x.T @ dh, dh.sum(0), h.T @ dy, dy.sum(0)]


def paper_updates(
    params, x, d, sweeps, eps, alpha, decay=0.0, margin=0.0, averaged=False, decay_biases=True
):
    """dw(t) = -eps dE/dw + alpha dw(t-1); then every weight shrinks by ``decay``.

    ``averaged``: E divided by the number of cases; ``decay_biases=False``: only the weight
    matrices shrink (params alternate weight matrix, bias vector).
    """
    params = [p.astype("float64") for p in params]
    dw = [np.zeros_like(p) for p in params]
    scale = 1 / len(x) if averaged else 1.0
    shrink = [1 - decay if decay_biases or p.ndim > 1 else 1.0 for p in params]
    for _ in range(sweeps):
        g = numpy_gradients(params, x, d, margin)
        dw = [-eps * scale * gi + alpha * di for gi, di in zip(g, dw, strict=True)]
        params = [(p + di) * k for p, di, k in zip(params, dw, shrink, strict=True)]
    return params


@pytest.mark.parametrize(
    ("sweeps", "decay", "margin", "averaged", "decay_biases"),
    [
        (1, 0.0, 0.0, False, True),
        (2, 0.0, 0.0, False, True),
        (3, 0.002, 0.2, False, True),
        (3, 0.0, 0.2, True, True),
        (3, 0.05, 0.0, False, False),
        (3, 0.05, 0.2, True, False),
    ],
)
def test_sweep_loop_performs_the_papers_update(sweeps, decay, margin, averaged, decay_biases):
    x, d = sym.symmetry_data()
    model = sym.build_model()
    uniform_init(model, seed=5, init_range=0.3)
    start = [w.copy() for w in model.get_weights()]
    loss = SummedSquaredError(margin, averaged)
    loop = SweepLoop(model, paper_sgd(0.1, 0.9), x, d, decay, loss, decay_biases)
    hist = loop.run(sweeps, 0.1, 0.9)
    want = paper_updates(start, x, d, sweeps, 0.1, 0.9, decay, margin, averaged, decay_biases)
    for got, exp in zip(model.get_weights(), want, strict=True):
        np.testing.assert_allclose(got, exp, rtol=2e-5, atol=2e-6)
    assert hist.sweeps == sweeps and len(hist.loss) == sweeps + 1
    y0 = sigmoid(sigmoid(x @ start[0] + start[1]) @ start[2] + start[3])
    if not margin:
        summed = 0.5 * np.sum((y0 - d) ** 2)
        assert hist.loss[0] == pytest.approx(summed / len(x) if averaged else summed, rel=1e-5)
    if not decay_biases:  # a decay sparing the biases differs from one that shrinks them
        shrunk = paper_updates(start, x, d, sweeps, 0.1, 0.9, decay, margin, averaged)
        assert not np.allclose(model.get_weights()[1], shrunk[1], rtol=1e-4, atol=1e-5)


def test_summed_error_is_summed_over_cases_and_units():
    d = np.array([[1.0, 0.0], [0.0, 0.0]], "float32")
    y = np.array([[0.5, 0.5], [0.9, 0.1]], "float32")
    assert float(SummedSquaredError()(d, y)) == pytest.approx(0.5 * (0.25 + 0.25 + 0.81 + 0.01))
    # With a margin of 0.2, only the outputs outside 0.8 (on) / 0.2 (off) count.
    assert float(SummedSquaredError(0.2)(d, y)) == pytest.approx(0.5 * (0.09 + 0.09 + 0.49))
    # Averaged: divided by the 2 cases, not by the 4 outputs.
    assert float(SummedSquaredError(averaged=True)(d, y)) == pytest.approx(0.25 * 1.32)
    assert float(SummedSquaredError(0.2, True)(d, y)) == pytest.approx(0.25 * 0.67)


def test_weight_decay_can_spare_the_biases():
    model = ft.build_model()
    kept = decayed(model.trainable_variables, biases=False)
    assert kept and all(v.name == "kernel" for v in kept)
    assert (
        len(decayed(model.trainable_variables)) == len(model.trainable_variables) == 2 * len(kept)
    )


def test_fit_and_the_sweep_loop_give_identical_weights():
    train, _ = ft.held_out_split(0)
    x, d = ft.encode(train)
    schedule = (Phase(3, 0.1, 0.5), Phase(4, 0.1, 0.9))
    models = [ft.build_model(), ft.build_model()]
    for m in models:
        uniform_init(m, seed=1, init_range=1.5)
    loss = SummedSquaredError(0.2)
    fit_sweeps(models[0], x, d, schedule, 0.002, loss)
    SweepLoop(models[1], paper_sgd(0.1, 0.5), x, d, 0.002, loss).run_schedule(schedule)
    for a, b in zip(models[0].get_weights(), models[1].get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_fit_and_the_sweep_loop_agree_on_averaged_error_and_decay_sparing_biases():
    train, _ = ft.held_out_split(0)
    x, d = ft.encode(train)
    schedule = (Phase(2, 0.5, 0.5), Phase(3, 0.5, 0.9))
    models = [ft.build_model(), ft.build_model()]
    for m in models:
        uniform_init(m, seed=2, init_range=1.0)
    loss = SummedSquaredError(0.2, averaged=True)
    fit_sweeps(models[0], x, d, schedule, 0.05, loss, decay_biases=False)
    loop = SweepLoop(models[1], paper_sgd(0.5, 0.5), x, d, 0.05, loss, decay_biases=False)
    loop.run_schedule(schedule)
    for a, b in zip(models[0].get_weights(), models[1].get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_loop_stops_at_the_first_sweep_meeting_the_criterion():
    x, d = sym.symmetry_data()
    model = sym.build_model()
    uniform_init(model, seed=1, init_range=0.3)
    loop = SweepLoop(model, paper_sgd(0.1, 0.9), x, d)
    hist = loop.run(5000, 0.1, 0.9, stop_below=0.4)
    assert hist.sweeps < 5000
    assert hist.max_abs_error[-1] < 0.4 and np.all(hist.max_abs_error[:-1] >= 0.4)
    assert hist.sweeps_to_within(0.4) == hist.sweeps
