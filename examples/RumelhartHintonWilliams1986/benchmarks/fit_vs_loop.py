# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Time one sweep with keras fit and with the graph sweep loop, and check they agree.

Run: PYTHONPATH=src python benchmarks/fit_vs_loop.py
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np

from rumelharthintonwilliams1986 import family_trees as ft
from rumelharthintonwilliams1986 import symmetry as sym
from rumelharthintonwilliams1986.training import (
    Phase,
    SummedSquaredError,
    SweepLoop,
    fit_sweeps,
    paper_sgd,
    uniform_init,
)


def bench(name, build, x, y, schedule, decay, loss, seed=0):
    """Print seconds per sweep of both engines and the largest weight difference."""
    sweeps = sum(p.sweeps for p in schedule)
    fit_model = build()
    uniform_init(fit_model, seed, 0.3)
    t0 = time.perf_counter()
    fit_sweeps(fit_model, x, y, schedule, decay, loss)
    t_fit = time.perf_counter() - t0

    loop_model = build()
    uniform_init(loop_model, seed, 0.3)
    loop = SweepLoop(loop_model, paper_sgd(schedule[0].eps, schedule[0].alpha), x, y, decay, loss)
    t0 = time.perf_counter()
    for p in schedule:  # first call: includes tracing
        loop._run_fn(p.alpha)
    t_trace = time.perf_counter() - t0
    t0 = time.perf_counter()
    loop.run_schedule(schedule)
    t_loop = time.perf_counter() - t0

    diff = max(
        float(np.abs(a - b).max())
        for a, b in zip(fit_model.get_weights(), loop_model.get_weights(), strict=True)
    )
    print(
        f"{name}: {sweeps} sweeps  fit {1e3 * t_fit / sweeps:.2f} ms/sweep ({t_fit:.1f} s)  "
        f"loop {1e3 * t_loop / sweeps:.3f} ms/sweep ({t_loop:.2f} s, +{t_trace:.1f} s tracing)  "
        f"max |w_fit - w_loop| = {diff:.2e}"
    )


def main() -> None:
    """Benchmark both experiments."""
    x, y = sym.symmetry_data()
    bench(
        "symmetry",
        sym.build_model,
        x,
        y,
        [Phase(2000, sym.EPS, sym.ALPHA)],
        0.0,
        SummedSquaredError(),
    )
    train, _ = ft.held_out_split(0)
    fx, fy = ft.encode(train)
    bench(
        "family trees",
        ft.build_model,
        fx,
        fy,
        ft.SCHEDULE,
        ft.WEIGHT_DECAY,
        SummedSquaredError(ft.MARGIN),
    )


if __name__ == "__main__":
    main()
