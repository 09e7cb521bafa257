# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Experiment 1 (Figure 1): detecting mirror symmetry with a 6-2-1 logistic network."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field

import keras
import numpy as np

from .training import SweepHistory, SweepLoop, paper_sgd, reset_optimizer, uniform_init

N_INPUTS = 6
N_HIDDEN = 2
EPS = 0.1
ALPHA = 0.9
INIT_RANGE = 0.3
REPORTED_SWEEPS = 1425
# Our choices where the paper is open (see the deviations list).
MAX_SWEEPS = 50_000
STRICT_TOLERANCE = 0.2


def symmetry_data() -> tuple[np.ndarray, np.ndarray]:
    """All 64 binary 6-vectors and their targets (1 when symmetric about the centre)."""
    x = np.array(list(itertools.product([0, 1], repeat=N_INPUTS)), dtype="float32")
    y = np.all(x == x[:, ::-1], axis=1).astype("float32")[:, None]
    return x, y


def build_model(init_range: float = INIT_RANGE) -> keras.Model:
    """The 6-2-1 network: logistic units, full connections, biases on hidden and output."""
    init = keras.initializers.RandomUniform(-init_range, init_range)
    inputs = keras.Input((N_INPUTS,), name="inputs")
    hidden = keras.layers.Dense(
        N_HIDDEN, "sigmoid", kernel_initializer=init, bias_initializer=init, name="hidden"
    )(inputs)
    output = keras.layers.Dense(
        1, "sigmoid", kernel_initializer=init, bias_initializer=init, name="output"
    )(hidden)
    return keras.Model(inputs, output, name="symmetry")


@dataclass
class SymmetryWeights:
    """The learned parameters in the paper's terms."""

    hidden_w: np.ndarray  # (6, 2): input i -> hidden unit h
    hidden_b: np.ndarray  # (2,)
    output_w: np.ndarray  # (2,)
    output_b: float

    @classmethod
    def of(cls, model: keras.Model) -> SymmetryWeights:
        """Read the weights of a model made by ``build_model``."""
        hw, hb = model.get_layer("hidden").get_weights()
        ow, ob = model.get_layer("output").get_weights()
        return cls(hw, hb, ow[:, 0], float(ob[0]))


# Tolerances of the structure checks. Loose enough for a finite run of gradient descent,
# tight enough that a network without the reported structure fails them.
MIRROR_TOL = 0.1  # |w_i + w_mirror(i)| <= 10% of the unit's mean |w|
RATIO_RANGE = (1.5, 2.5)  # each successive magnitude ratio near 2 (1:2:4 ideal)
OPPOSITE_COS = -0.9  # the two hidden units' input weight vectors point opposite ways


def structure(w: SymmetryWeights) -> dict[str, float | bool]:
    """Measure how close a network is to the reported solution: components in [0, 1] and checks.

    Components (1 = exactly the paper's structure):
    - mirror: 1 - |w + reversed(w)| / (2 |w|), averaged over hidden units (equal, opposite);
    - ratio: exp(-sum |log2(m_{k+1}/m_k) - 1|) over the sorted mirror-pair magnitudes m (1:2:4);
    - opposite: (1 - cos(w_1, w_2)) / 2 for the two hidden units' input weights;
    - signs: the fraction of hidden biases < 0, output bias > 0, hidden->output weights < 0.
    ``score`` is their mean; ``reported`` is True when every check passes.
    """
    hw = w.hidden_w
    rev = hw[::-1]
    norms = np.linalg.norm(hw, axis=0)
    mirror = float(np.mean(1.0 - np.linalg.norm(hw + rev, axis=0) / (2 * norms)))
    mirror_dev = np.abs(hw + rev).max(axis=0) / np.abs(hw).mean(axis=0)
    # Magnitude of each mirror pair (inner, middle, outer), averaged over both hidden units.
    pairs = (np.abs(hw[:3]) + np.abs(rev[:3])) / 2
    mags = np.sort(pairs.mean(axis=1))
    ratios = mags[1:] / mags[:-1]
    ratio = float(np.exp(-np.abs(np.log2(ratios) - 1.0).sum()))
    cos = float(hw[:, 0] @ hw[:, 1] / (norms[0] * norms[1]))
    sign_ok = [*(w.hidden_b < 0), w.output_b > 0, *(w.output_w < 0)]
    components = {
        "mirror": mirror,
        "ratio": ratio,
        "opposite": (1.0 - cos) / 2,
        "signs": float(np.mean(sign_ok)),
    }
    checks = {
        "mirror_ok": bool(np.all(mirror_dev <= MIRROR_TOL)),
        "ratio_ok": bool(np.all((ratios >= RATIO_RANGE[0]) & (ratios <= RATIO_RANGE[1]))),
        "opposite_ok": cos <= OPPOSITE_COS,
        "signs_ok": bool(all(sign_ok)),
    }
    return {
        **components,
        "score": float(np.mean(list(components.values()))),
        **checks,
        "reported": all(checks.values()),
        "ratio_small": float(ratios[0]),
        "ratio_large": float(ratios[1]),
    }


@dataclass
class SymmetryRun:
    """Outcome of one seed."""

    seed: int
    sweeps_to_correct: int | None  # every output on the right side of 0.5 (primary criterion)
    sweeps_to_strict: int | None  # every output within STRICT_TOLERANCE of its target
    sweeps: int  # weight changes made (stopped at the strict criterion or the cap)
    final_loss: float
    structure: dict[str, float | bool] = field(default_factory=dict)
    weights: SymmetryWeights | None = None

    @property
    def solved(self) -> bool:
        """Learned by the primary criterion within the cap."""
        return self.sweeps_to_correct is not None

    def summary(self) -> dict:
        """A JSON-friendly record without the weights."""
        d = asdict(self)
        d.pop("weights")
        return d


class SymmetryTrainer:
    """Train many seeds on one model, so the sweep loop is traced once."""

    def __init__(self, eps: float = EPS, alpha: float = ALPHA) -> None:
        self.x, self.y = symmetry_data()
        self.model = build_model()
        self.eps, self.alpha = eps, alpha
        self.loop = SweepLoop(self.model, paper_sgd(eps, alpha), self.x, self.y)

    def run(
        self,
        seed: int,
        max_sweeps: int = MAX_SWEEPS,
        init_range: float = INIT_RANGE,
        strict: float = STRICT_TOLERANCE,
    ) -> SymmetryRun:
        """Train from seed's initial weights until the strict criterion or ``max_sweeps``."""
        uniform_init(self.model, seed, init_range)
        reset_optimizer(self.loop.optimizer)
        hist: SweepHistory = self.loop.run(max_sweeps, self.eps, self.alpha, stop_below=strict)
        weights = SymmetryWeights.of(self.model)
        run = SymmetryRun(
            seed=seed,
            sweeps_to_correct=hist.sweeps_to_correct(),
            sweeps_to_strict=hist.sweeps_to_within(strict),
            sweeps=hist.sweeps,
            final_loss=float(hist.loss[-1]),
            weights=weights,
        )
        if bool(hist.all_correct[-1]):
            run.structure = structure(weights)
        return run
