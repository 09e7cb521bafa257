# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Small synthetic datasets for stubs, tests and notebooks: offline, seeded, made in milliseconds.

NumPy only (no TensorFlow). Each generator returns float32 features and int32 labels, and the
same seed gives the same arrays on every machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Split", "markov_sequences", "spirals", "split"]


@dataclass(frozen=True)
class Split:
    """Train, validation and test parts of one dataset, each a tuple of arrays."""

    train: tuple[np.ndarray, ...]
    validation: tuple[np.ndarray, ...]
    test: tuple[np.ndarray, ...]


def spirals(
    n: int = 2000, classes: int = 2, noise: float = 0.2, turns: float = 1.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved 2-D spirals, one per class: not linearly separable, easy for a small MLP."""
    if n < classes or classes < 2:
        raise ValueError(
            f"spirals: need classes >= 2 and n >= classes, got n={n}, classes={classes}"
        )
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % classes
    radius = rng.uniform(0.05, 1.0, n)
    angle = radius * turns * 2 * math.pi + labels * (2 * math.pi / classes)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x += rng.normal(0.0, noise * 0.1, x.shape)
    order = rng.permutation(n)
    return x[order].astype(np.float32), labels[order].astype(np.int32)


def markov_sequences(
    n: int = 1000, length: int = 32, vocab: int = 16, concentration: float = 0.3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, float]:
    """Token sequences from a random first-order Markov chain, for next-token prediction.

    Returns inputs, targets (inputs shifted by one) and the chain's entropy rate in nats: the
    lowest mean cross-entropy any model can reach, a known answer to test a language model on.
    """
    rng = np.random.default_rng(seed)
    # Sparse-ish rows (small Dirichlet concentration) make the chain learnable but not trivial.
    transition = rng.dirichlet(np.full(vocab, concentration), size=vocab)
    cumulative = np.cumsum(transition, axis=1)
    tokens = np.empty((n, length + 1), dtype=np.int32)
    tokens[:, 0] = rng.integers(0, vocab, n)
    draws = rng.random((n, length))
    for t in range(length):
        rows = cumulative[tokens[:, t]]
        tokens[:, t + 1] = np.minimum((rows < draws[:, t : t + 1]).sum(axis=1), vocab - 1)
    # Entropy rate: sum over states of stationary probability times the row's entropy.
    values, vectors = np.linalg.eig(transition.T)
    stationary = np.real(vectors[:, np.argmin(np.abs(values - 1.0))])
    stationary = stationary / stationary.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        row_entropy = -np.nansum(np.where(transition > 0, transition * np.log(transition), 0), 1)
    return tokens[:, :-1], tokens[:, 1:], float(stationary @ row_entropy)


def split(*arrays: np.ndarray, validation: float = 0.1, test: float = 0.1, seed: int = 0) -> Split:
    """Split arrays of equal length into train, validation and test parts (shuffled, seeded)."""
    if not arrays:
        raise ValueError("split: give at least one array")
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"split: arrays differ in length: {[len(a) for a in arrays]}")
    if validation < 0 or test < 0 or validation + test >= 1:
        raise ValueError(
            f"split: need validation, test >= 0 and their sum < 1, got {validation}, {test}"
        )
    order = np.random.default_rng(seed).permutation(n)
    n_val, n_test = round(n * validation), round(n * test)
    parts = np.split(order, [n - n_val - n_test, n - n_test])
    return Split(*(tuple(a[p] for a in arrays) for p in parts))
