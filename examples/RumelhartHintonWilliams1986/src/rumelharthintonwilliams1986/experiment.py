# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The paper's two experiments, as dlc_common.run.app drives them: one seed, its final metrics.

configs/paper.toml declares them: ``symmetry`` (Experiment 1, Figure 1) and ``family``
(Experiment 2, Figures 2-4), each one variant run over the seeds, each seed a task in
``<run_dir>/<experiment>/default/seed-<n>``. ``run`` dispatches on ``config.experiment``: a
seed of ``symmetry`` trains one 6-2-1 network from the seed's initial weights; a seed of
``family`` trains ``family.draws_per_seed`` family-tree networks from the seed's initial
weights, each on its own random choice of the 4 held-out cases (seed s uses draws s*D to
s*D + D - 1). ``figures`` is called once per experiment and draws that experiment's figures.

Two ablations of the family trees (``ABLATIONS``) train seeds exactly as ``family`` does, one
network per seed, each variant with other settings: ``ablation`` at the paper's learning rate
crossed with the choices the paper leaves open (initial range, summed or averaged error, how
weight decay applies), ``ablation-20x`` the same open choices at our 20 times the rate.

The engine's own ``fit`` loop costs milliseconds per epoch, and these networks need up to
50,000 one-step epochs (sweeps), so both experiments train with their own graph sweep loop
(``training.SweepLoop``, tested to match ``keras.Model.fit``) through the engine's ``run``
hook.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from dlc_common.config import Config, ConfigError
from dlc_common.run.experiments import DEFAULT_VARIANT

from . import family_trees, symmetry
from .training import Phase

__all__ = ["EXPERIMENTS", "METRICS", "figures", "run"]

SYMMETRY_FILE = "symmetry.json"
FAMILY_FILE = "family_trees.json"
WEIGHTS_FILE = "weights.npz"
# The final metrics of a seed of each experiment (``run`` returns exactly these).
EXPERIMENTS = {
    "symmetry": (
        "symmetry_solved",
        "symmetry_sweeps",
        "symmetry_log2_sweeps_over_reported",
        "symmetry_mirror_structure",
        "symmetry_reported_structure",
        "symmetry_structure_score",
    ),
    "family": (
        "family_train_correct",
        "family_held_out_correct",
        "family_held_out_all_correct",
        "family_counterpart_similarity",
        "family_train_learned",
    ),
}
# The ablations of configs/paper.toml and the experiment whose seeds they train.
ABLATIONS = {"ablation": "family", "ablation-20x": "family"}
# For the engine: claims.toml's metrics are checked against these before any training.
METRICS = tuple(name for names in EXPERIMENTS.values() for name in names)
ERRORS = ("summed", "averaged")
DECAYS = ("all", "weights", "none")


def _positive(config: Config, key: str, kind: type = float) -> Any:
    value = config[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(
            f"{key}: expected a positive number, got {value!r}; see configs/paper.toml"
        )
    if kind is int and value != int(value):
        raise ConfigError(f"{key}: expected a whole number, got {value!r}")
    return kind(value)


@cache
def _symmetry_trainer(eps: float, alpha: float) -> symmetry.SymmetryTrainer:
    # One trainer per process: its sweep loop is traced once and reused by every seed.
    return symmetry.SymmetryTrainer(eps, alpha)


@cache
def _traced_family_trainer(setup: family_trees.Setup) -> family_trees.FamilyTreeTrainer:
    return family_trees.FamilyTreeTrainer(setup)


def _family_trainer(setup: family_trees.Setup) -> family_trees.FamilyTreeTrainer:
    # Variants that differ only in eps or initial range share one model and traced loop: each
    # new trace costs about a second, the run of a network about half of one.
    key = dataclasses.replace(
        setup, schedule=family_trees.SCHEDULE, init_range=family_trees.INIT_RANGE
    )
    return _traced_family_trainer(key).retarget(setup)


def family_setup(config: Config) -> family_trees.Setup:
    """The family-tree training of the config: two momentum phases, decay, init, margin."""
    sweeps = _positive(config, "epochs", int)
    switch = _positive(config, "family.momentum_switch", int)
    if switch >= sweeps:
        raise ConfigError(
            f"family.momentum_switch: {switch} must be below epochs ({sweeps}), the sweeps"
        )
    eps = _positive(config, "family.eps")
    schedule = (
        Phase(switch, eps, float(config["family.alpha_start"])),
        Phase(sweeps - switch, eps, float(config["family.alpha"])),
    )
    error, decay = (
        _one_of(config, k, v) for k, v in (("family.error", ERRORS), ("family.decay", DECAYS))
    )
    return family_trees.Setup(
        schedule=schedule,
        weight_decay=0.0 if decay == "none" else float(config["family.weight_decay"]),
        init_range=_positive(config, "family.init_range"),
        margin=float(config["family.margin"]),
        averaged=error == "averaged",
        decay_biases=decay != "weights",
    )


def _one_of(config: Config, key: str, choices: tuple[str, ...]) -> str:
    value = config[key]
    if value not in choices:
        raise ConfigError(
            f"{key}: expected one of {', '.join(repr(c) for c in choices)}, got {value!r}; "
            "see configs/paper.toml"
        )
    return value


def _symmetry_settings(config: Config) -> dict[str, Any]:
    return {
        "eps": _positive(config, "symmetry.eps"),
        "alpha": float(config["symmetry.alpha"]),
        "max_sweeps": _positive(config, "symmetry.max_sweeps", int),
        "init_range": _positive(config, "symmetry.init_range"),
        "strict": _positive(config, "symmetry.strict_tolerance"),
    }


def _run_symmetry(config: Config, seed: int, seed_dir: Path) -> dict[str, float]:
    """Experiment 1: one 6-2-1 network from the seed's initial weights; sweeps, structure."""
    settings = _symmetry_settings(config)
    cap = settings["max_sweeps"]
    sym = _symmetry_trainer(settings["eps"], settings["alpha"])
    s = sym.run(seed, max_sweeps=cap, init_range=settings["init_range"], strict=settings["strict"])
    seed_dir.mkdir(parents=True, exist_ok=True)
    (seed_dir / SYMMETRY_FILE).write_text(json.dumps(s.summary(), indent=1), encoding="utf-8")
    w = s.weights
    np.savez(
        seed_dir / WEIGHTS_FILE,
        hidden_w=w.hidden_w,
        hidden_b=w.hidden_b,
        output_w=w.output_w,
        output_b=np.array(w.output_b),
    )
    st = s.structure
    # A run stuck at the cap counts as needing the cap: the median and the rate of runs
    # needing at most 1,425 sweeps treat it correctly (more than any solved run).
    sweeps = s.sweeps_to_correct if s.solved else cap
    return {
        "symmetry_solved": float(s.solved),
        "symmetry_sweeps": float(sweeps),
        "symmetry_log2_sweeps_over_reported": math.log2(sweeps / symmetry.REPORTED_SWEEPS),
        "symmetry_mirror_structure": float(
            bool(st) and all(st[k] for k in ("mirror_ok", "opposite_ok", "signs_ok"))
        ),
        "symmetry_reported_structure": float(bool(st) and bool(st["reported"])),
        "symmetry_structure_score": float(st.get("score", 0.0)),
    }


def _run_family(config: Config, seed: int, seed_dir: Path) -> dict[str, float]:
    """Experiment 2: ``family.draws_per_seed`` networks, each on its own 4 held-out cases."""
    draws = _positive(config, "family.draws_per_seed", int)
    fam = _family_trainer(family_setup(config))
    # Each run of each seed gets its own held-out draw: seed s uses draws s*D ... s*D + D - 1.
    f_runs = [fam.run(seed, seed * draws + k) for k in range(draws)]
    seed_dir.mkdir(parents=True, exist_ok=True)
    (seed_dir / FAMILY_FILE).write_text(
        json.dumps([r.summary() for r in f_runs], indent=1), encoding="utf-8"
    )
    np.savez(
        seed_dir / WEIGHTS_FILE,
        **{f"person_encoding_draw{r.draw}": r.person_weights for r in f_runs},
    )
    n_test = len(f_runs[0].test_outputs)
    return {
        "family_train_correct": float(np.mean([r.train_correct for r in f_runs])),
        "family_held_out_correct": float(np.mean([r.test_correct / n_test for r in f_runs])),
        "family_held_out_all_correct": float(np.mean([r.test_correct == n_test for r in f_runs])),
        "family_counterpart_similarity": float(np.mean([r.counterpart_similarity for r in f_runs])),
        # Every training case right: 0 or 1 per network, a rate over seeds at one draw a seed.
        "family_train_learned": float(np.mean([r.train_correct == 1.0 for r in f_runs])),
    }


_RUNS = {"symmetry": _run_symmetry, "family": _run_family}


def _experiment(name: str, what: str) -> str:
    """The paper's experiment that ``name`` trains: itself, or the one an ablation varies."""
    kind = ABLATIONS.get(name, name)
    if kind not in _RUNS:
        raise ConfigError(
            f"{what} {name!r}: this module trains the experiments "
            f"{', '.join(repr(e) for e in (*_RUNS, *ABLATIONS))} declared in configs/paper.toml "
            "([experiments.symmetry], [experiments.family] and the ablations)"
        )
    return kind


def run(config: Config, seed: int, seed_dir: Path) -> dict[str, float]:
    """Train one seed of the task's experiment (``config.experiment``); its final metrics.

    Every setting of both experiments is checked first, so that a bad value is refused by the
    first task of the run, not after the other experiment's seeds have trained.
    """
    name = _experiment(config.experiment, "experiment")
    _symmetry_settings(config)
    _positive(config, "family.draws_per_seed", int)
    family_setup(config)
    return _RUNS[name](config, seed, seed_dir)


def _variant(by_variant: Mapping[str, Mapping[int, Any]]) -> tuple[str, Mapping[int, Any]]:
    """The variant whose seeds the paper's figures show: ``default`` (the paper's settings)."""
    name = DEFAULT_VARIANT if DEFAULT_VARIANT in by_variant else next(iter(by_variant))
    return name, by_variant[name]


def _load_runs(
    experiment_dir: Path, by_variant: Mapping[str, Mapping[int, Any]], file: str
) -> tuple[list[Any], dict[int, dict[str, np.ndarray]]]:
    """The per-seed summaries (``file``) and weights of the seeds of an experiment's variant.

    Read from ``<experiment_dir>/<variant>/seed-<n>``; ``file`` holds one record (symmetry) or
    a list of records (family trees, one per held-out draw), which is flattened. Weights are
    keyed by seed.
    """
    variant, by_seed = _variant(by_variant)
    records: list[Any] = []
    weights: dict[int, dict[str, np.ndarray]] = {}
    for seed in sorted(by_seed):
        d = Path(experiment_dir) / variant / f"seed-{seed}"
        data = json.loads((d / file).read_text(encoding="utf-8"))
        records.extend(data if isinstance(data, list) else [data])
        with np.load(d / WEIGHTS_FILE) as npz:
            weights[seed] = {k: npz[k] for k in npz.files}
    return records, weights


def figures(
    experiment_dir: Path,
    metrics: Mapping[str, Mapping[int, Mapping[str, float]]],
    out_dir: Path,
) -> list[tuple[str, str]]:
    """One experiment's figures as PNGs in ``out_dir``: the engine calls it per experiment.

    ``experiment_dir`` is ``<run_dir>/<experiment>``, ``metrics`` its {variant: {seed:
    metrics}}; the figures show the seeds of its ``default`` variant. Symmetry: the sweeps
    over seeds and Figure 1; family trees: the held-out cases correct over runs and Figure 4.
    """
    name = _experiment(Path(experiment_dir).name, "figures for experiment")
    if Path(experiment_dir).name in ABLATIONS:  # its table of rates says it all; seeds.csv
        return []
    draw = _symmetry_figures if name == "symmetry" else _family_figures
    return draw(Path(experiment_dir), metrics, Path(out_dir))


def _symmetry_figures(
    experiment_dir: Path, metrics: Mapping[str, Mapping[int, Any]], out_dir: Path
) -> list[tuple[str, str]]:
    from . import plots

    sym, weights = _load_runs(experiment_dir, metrics, SYMMETRY_FILE)
    cap = max(r["sweeps"] for r in sym)
    solved = [r for r in sym if r["sweeps_to_correct"] is not None]
    shown: list[tuple[str, str]] = []
    if not solved:  # nothing to draw: no solution, no distribution of sweeps to learn
        return []
    plots.sweeps_histogram([r["sweeps_to_correct"] for r in sym], cap, out_dir / "sweeps.png")
    values = np.array([r["sweeps_to_correct"] for r in solved], dtype=float)
    q = np.percentile(values, [10, 25, 50, 75, 90])
    at_most = np.mean(values <= symmetry.REPORTED_SWEEPS) * len(solved) / len(sym)
    shown.append(
        (
            f"Sweeps to learn mirror symmetry over {len(sym)} seeds ({len(solved)} solved): "
            f"median {q[2]:,.0f} (paper's run: {symmetry.REPORTED_SWEEPS:,}); quartiles "
            f"{q[1]:,.0f}-{q[3]:,.0f}; 10th-90th percentile {q[0]:,.0f}-{q[4]:,.0f}; "
            f"{at_most:.0%} of runs needed at most {symmetry.REPORTED_SWEEPS:,}.",
            "sweeps.png",
        )
    )
    # A typical solved run: the one whose sweep count is nearest the median.
    median = float(np.median(values))
    typical = min(solved, key=lambda r: (abs(r["sweeps_to_correct"] - median), r["seed"]))
    w = weights[typical["seed"]]
    plots.symmetry_weights(
        symmetry.SymmetryWeights(w["hidden_w"], w["hidden_b"], w["output_w"], float(w["output_b"])),
        out_dir / "figure1_symmetry_weights.png",
        f"Mirror symmetry, seed {typical['seed']}: learned in "
        f"{typical['sweeps_to_correct']:,} sweeps (paper: {symmetry.REPORTED_SWEEPS:,})",
    )
    reported = np.mean([bool(r["structure"].get("reported")) for r in solved])
    shown.append(
        (
            f"Figure 1 replicated: incoming weights (white positive, black negative, area "
            f"~ |w|) of the typical solved run, seed {typical['seed']}. {reported:.0%} of "
            "solved runs have the paper's structure (mirror weights equal and opposite, "
            "1:2:4, opposite hidden units, the paper's signs).",
            "figure1_symmetry_weights.png",
        )
    )
    return shown


def _family_figures(
    experiment_dir: Path, metrics: Mapping[str, Mapping[int, Any]], out_dir: Path
) -> list[tuple[str, str]]:
    from . import plots

    fam, weights = _load_runs(experiment_dir, metrics, FAMILY_FILE)
    seeds = len(weights)
    n_test = len(fam[0]["test_outputs"])
    correct = [r["test_correct"] for r in fam]
    plots.held_out_histogram(correct, out_dir / "held_out.png", n_test)
    shown = [
        (
            f"Held-out family-tree cases answered correctly over {len(fam)} runs "
            f"({seeds} seeds, each run with its own draw of {n_test} held-out cases): "
            f"{np.mean(correct) / n_test:.0%} correct on average; {n_test} of {n_test} in "
            f"{np.mean(np.array(correct) == n_test):.0%} of runs (paper's run: {n_test} of "
            f"{n_test}).",
            "held_out.png",
        )
    ]
    # Like the paper's run: the first that learned every training case and all held-out ones.
    best = sorted(fam, key=lambda r: (-(r["train_correct"] == 1.0), -r["test_correct"]))[0]
    plots.person_encoding(
        weights[best["seed"]][f"person_encoding_draw{best['draw']}"],
        out_dir / "figure4_person_encoding.png",
        f"Person-1 encoding weights, seed {best['seed']}, draw {best['draw']}: "
        f"{best['test_correct']}/{n_test} held-out correct",
    )
    shown.append(
        (
            "Figure 4 replicated: weights from the 24 people to the 6 person-encoding units, "
            f"English above their Italian counterparts (seed {best['seed']}, draw "
            f"{best['draw']}; counterpart similarity {best['counterpart_similarity']:.2f}).",
            "figure4_person_encoding.png",
        )
    )
    return shown
