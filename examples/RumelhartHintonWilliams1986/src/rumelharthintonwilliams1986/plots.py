# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The paper's figures: Hinton diagrams of the learned weights, and run statistics.

matplotlib is imported inside each function, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .family_trees import ENGLISH, ITALIAN, PEOPLE
from .symmetry import REPORTED_SWEEPS, SymmetryWeights


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on a cluster node or in CI
    import matplotlib.pyplot as plt

    return plt


def _hinton(ax, matrix: np.ndarray, scale: float, origin: tuple[float, float] = (0, 0)) -> None:
    """Draw ``matrix`` as squares of area ~ |w|: white positive, black negative, on grey."""
    from matplotlib.patches import Rectangle

    x0, y0 = origin
    rows, cols = matrix.shape
    ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), cols, rows, color="0.55", zorder=0))
    for (r, c), w in np.ndenumerate(matrix):
        side = 0.95 * np.sqrt(min(abs(w) / scale, 1.0))
        colour = "white" if w > 0 else "black"
        ax.add_patch(
            Rectangle((x0 + c - side / 2, y0 + r - side / 2), side, side, color=colour, zorder=1)
        )


def _finish(ax) -> None:
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def symmetry_weights(w: SymmetryWeights, path: Path, title: str = "") -> Path:
    """Figure 1 as a Hinton diagram: each unit's incoming weights and bias, with values."""
    plt = _pyplot()
    rows = [
        ("hidden 1", np.append(w.hidden_w[:, 0], w.hidden_b[0])),
        ("hidden 2", np.append(w.hidden_w[:, 1], w.hidden_b[1])),
        ("output", np.array([w.output_w[0], w.output_w[1], w.output_b])),
    ]
    scale = max(abs(v).max() for _, v in rows)
    fig, axes = plt.subplots(3, 1, figsize=(7, 4.8))
    labels = [[f"in {i + 1}" for i in range(6)] + ["bias"], ["hid 1", "hid 2", "bias"]]
    for ax, (name, values) in zip(axes, rows, strict=True):
        _hinton(ax, values[None, :], scale)
        _finish(ax)
        ax.set_ylabel(name, rotation=0, ha="right", va="center")
        for c, v in enumerate(values):
            ax.text(c, 0.75, f"{v:.1f}", ha="center", va="top", fontsize=8)
            ax.text(c, -0.65, labels[name == "output"][c], ha="center", va="bottom", fontsize=8)
        ax.set_ylim(1.2, -1.0)
    fig.suptitle(title or "Mirror symmetry: incoming weights and biases of each unit")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def person_encoding(weights: np.ndarray, path: Path, title: str = "") -> Path:
    """Figure 4: weights from the 24 people to the 6 encoding units, English above Italian."""
    plt = _pyplot()
    order = [PEOPLE.index(p) for p in ENGLISH], [PEOPLE.index(p) for p in ITALIAN]
    scale = np.abs(weights).max()
    fig, axes = plt.subplots(6, 1, figsize=(8, 9))
    for unit, ax in enumerate(axes):
        grid = np.stack([weights[order[0], unit], weights[order[1], unit]])
        _hinton(ax, grid, scale)
        _finish(ax)
        ax.set_ylabel(f"unit {unit + 1}", rotation=0, ha="right", va="center")
        ax.set_ylim(1.6, -0.6)
    for c, (e, i) in enumerate(zip(ENGLISH, ITALIAN, strict=True)):
        axes[0].text(c, -0.6, e, rotation=60, ha="left", va="bottom", fontsize=7)
        axes[-1].text(c, 1.6, i, rotation=-60, ha="left", va="top", fontsize=7)
    fig.suptitle(title or "Family trees: person-1 encoding weights (English top, Italian below)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def sweeps_histogram(
    sweeps: Sequence[int | None], cap: int, path: Path, reported: int = REPORTED_SWEEPS
) -> Path:
    """Distribution of sweeps to learn symmetry over seeds, against the paper's single run."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    solved = np.array([s for s in sweeps if s is not None], dtype=float)
    failed = len(sweeps) - len(solved)
    fig, ax = plt.subplots(figsize=(7, 4))
    bins = np.logspace(np.log10(max(solved.min(), 10) / 1.2), np.log10(cap), 30)
    ax.hist(solved, bins=bins, color="0.4", label=f"solved runs ({len(solved)})")
    ax.set_xscale("log")
    ax.axvline(reported, color="crimson", lw=2, label=f"paper: {reported:,} sweeps")
    ax.axvline(np.median(solved), color="navy", ls="--", label=f"median: {np.median(solved):,.0f}")
    ax.set_xlabel("sweeps until every output is on the right side of 0.5")
    ax.set_ylabel("runs")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"Mirror symmetry over {len(sweeps)} seeds; {failed} not solved in {cap:,}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def held_out_histogram(correct: Sequence[int], path: Path, n_test: int = 4) -> Path:
    """How many of the held-out family-tree cases each run answers correctly."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    counts = np.bincount(np.asarray(correct, dtype=int), minlength=n_test + 1)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.bar(range(n_test + 1), counts, color="0.4")
    ax.bar([n_test], [counts[n_test]], color="crimson", label=f"paper's run: {n_test} of {n_test}")
    ax.set_xlabel(f"held-out cases correct (of {n_test})")
    ax.set_ylabel("runs")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"Family trees over {len(correct)} runs: mean {np.mean(correct):.2f} of {n_test}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
