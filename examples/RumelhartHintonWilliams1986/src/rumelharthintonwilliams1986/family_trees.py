# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Experiment 2 (Figures 2 to 4): two isomorphic family trees and the five-layer network."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import keras
import numpy as np

from .training import (
    Phase,
    SummedSquaredError,
    SweepLoop,
    paper_sgd,
    reset_optimizer,
    uniform_init,
)


class Family(NamedTuple):
    """A married couple and their children."""

    husband: str
    wife: str
    children: tuple[str, ...] = ()


# The people of each tree in the same order, so ENGLISH[i] and ITALIAN[i] are counterparts.
ENGLISH = (
    "Christopher", "Penelope", "Andrew", "Christine", "Margaret", "Arthur",
    "Victoria", "James", "Jennifer", "Charles", "Colin", "Charlotte",
)  # fmt: skip
ITALIAN = (
    "Roberto", "Maria", "Pierro", "Francesca", "Gina", "Emilio",
    "Lucia", "Marco", "Angela", "Tomaso", "Alfonso", "Sophia",
)  # fmt: skip
PEOPLE = ENGLISH + ITALIAN
ENGLISH_FAMILIES = (
    Family("Christopher", "Penelope", ("Arthur", "Victoria")),
    Family("Andrew", "Christine", ("James", "Jennifer")),
    Family("Arthur", "Margaret"),
    Family("James", "Victoria", ("Colin", "Charlotte")),
    Family("Charles", "Jennifer"),
)
ITALIAN_FAMILIES = (
    Family("Roberto", "Maria", ("Emilio", "Lucia")),
    Family("Pierro", "Francesca", ("Marco", "Angela")),
    Family("Emilio", "Gina"),
    Family("Marco", "Lucia", ("Alfonso", "Sophia")),
    Family("Tomaso", "Angela"),
)
# Husbands are men and wives women; only the unmarried grandchildren need stating.
MALE = frozenset([f.husband for f in ENGLISH_FAMILIES + ITALIAN_FAMILIES] + ["Colin", "Alfonso"])
RELATIONSHIPS = (
    "father", "mother", "husband", "wife", "son", "daughter",
    "uncle", "aunt", "brother", "sister", "nephew", "niece",
)  # fmt: skip
ISOMORPHISM = dict(zip(ENGLISH, ITALIAN, strict=True))
REPORTED_CASES = 104
N_TRAIN = 100

# The paper's training procedure: 1,500 sweeps, momentum 0.5 for 20 sweeps then 0.9, and every
# weight shrunk by 0.2% after each weight change.
SWEEPS = 1500
PAPER_EPS = 0.005
WEIGHT_DECAY = 0.002
# Deviation (measured by the paper profile's ablation, see the report): with eps = 0.005 no
# seed learns the training cases in 1,500 sweeps, whatever the initial range (0.3 to 1.5),
# summed or averaged error and weight decay: the decay wins over the tiny gradients that
# reach the encoding layers. Twenty times the rate learns them in every run (init 1.5).
EPS_FACTOR = 20
SCHEDULE = (
    Phase(20, EPS_FACTOR * PAPER_EPS, 0.5),
    Phase(SWEEPS - 20, EPS_FACTOR * PAPER_EPS, 0.9),
)
PAPER_SCHEDULE = (Phase(20, PAPER_EPS, 0.5), Phase(SWEEPS - 20, PAPER_EPS, 0.9))
# Our choices where the paper is open (measured; see the deviations list).
# Initial weights uniform in [-1.5, 1.5]: 0.3 trains no run fully at this rate, 1.5 almost all.
INIT_RANGE = 1.5
# The error of an output counts as zero once it is above 0.8 (should be on) or below 0.2
# (should be off): our reading of the paper, and the only target choice of three that learned.
MARGIN = 0.2


@dataclass(frozen=True)
class Setup:
    """How a family-tree network is trained; the defaults are the replication's choices."""

    schedule: tuple[Phase, ...] = SCHEDULE
    weight_decay: float = WEIGHT_DECAY
    init_range: float = INIT_RANGE
    # Error counted as zero once an output is within ``margin`` of its 0/1 target.
    margin: float = MARGIN
    # Alternatively, plain squared error on softened targets such as (0.2, 0.8).
    targets: tuple[float, float] = (0.0, 1.0)
    # The error averaged over the cases instead of summed (the paper's eps is on the sum).
    averaged: bool = False
    # Weight decay shrinks the biases too (a bias is a weight from an always-on unit).
    decay_biases: bool = True


def relatives(families: tuple[Family, ...]) -> dict[tuple[str, str], frozenset[str]]:
    """Every (person 1, relationship) -> set of person 2 that the tree defines, derived from it."""
    people = {p for f in families for p in (f.husband, f.wife, *f.children)}
    spouse = {f.husband: f.wife for f in families} | {f.wife: f.husband for f in families}
    parents = {c: (f.husband, f.wife) for f in families for c in f.children}
    children = {p: set() for p in people}
    for f in families:
        children[f.husband] |= set(f.children)
        children[f.wife] |= set(f.children)

    def siblings(p: str) -> set[str]:
        return children[parents[p][0]] - {p} if p in parents else set()

    def in_laws_too(group: set[str]) -> set[str]:
        # Uncles and aunts include those who married in (Margaret is Colin's aunt).
        return group | {spouse[s] for s in group if s in spouse}

    def kin(p: str) -> dict[str, set[str]]:
        mine = siblings(p) | (siblings(spouse[p]) if p in spouse else set())
        return {
            "parent": set(parents.get(p, ())),
            "spouse": {spouse[p]} if p in spouse else set(),
            "child": children[p],
            "sibling": siblings(p),
            "uncle/aunt": set().union(*(in_laws_too(siblings(q)) for q in parents.get(p, ()))),
            "nephew/niece": set().union(*(children[s] for s in mine)),
        }

    by_sex = {  # relationship -> (kind of kin, sex of person 2)
        "father": ("parent", True),
        "mother": ("parent", False),
        "husband": ("spouse", True),
        "wife": ("spouse", False),
        "son": ("child", True),
        "daughter": ("child", False),
        "uncle": ("uncle/aunt", True),
        "aunt": ("uncle/aunt", False),
        "brother": ("sibling", True),
        "sister": ("sibling", False),
        "nephew": ("nephew/niece", True),
        "niece": ("nephew/niece", False),
    }
    cases = {}
    for p in sorted(people, key=PEOPLE.index):
        k = kin(p)
        for rel in RELATIONSHIPS:
            kind, male = by_sex[rel]
            answer = frozenset(q for q in k[kind] if (q in MALE) == male)
            if answer:
                cases[(p, rel)] = answer
    return cases


@dataclass(frozen=True)
class Case:
    """One training case: (person 1, relationship) and every correct person 2."""

    person1: str
    relationship: str
    person2: frozenset[str]


def all_cases() -> list[Case]:
    """The cases of both trees, English first, in people and relationship order."""
    return [
        Case(p, r, ans)
        for fams in (ENGLISH_FAMILIES, ITALIAN_FAMILIES)
        for (p, r), ans in relatives(fams).items()
    ]


def encode(
    cases: list[Case], targets: tuple[float, float] = (0.0, 1.0)
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """One-hot person 1 (24) and relationship (12) inputs; person-2 targets (24)."""
    off, on = targets
    person = np.zeros((len(cases), len(PEOPLE)), "float32")
    rel = np.zeros((len(cases), len(RELATIONSHIPS)), "float32")
    out = np.full((len(cases), len(PEOPLE)), off, "float32")
    for i, c in enumerate(cases):
        person[i, PEOPLE.index(c.person1)] = 1
        rel[i, RELATIONSHIPS.index(c.relationship)] = 1
        out[i, [PEOPLE.index(q) for q in c.person2]] = on
    return (person, rel), out


def build_model(init_range: float = INIT_RANGE) -> keras.Model:
    """The five layers: 24->6 and 12->6, both->12, ->6, ->24; all logistic."""
    init = keras.initializers.RandomUniform(-init_range, init_range)

    def dense(n: int, name: str) -> keras.layers.Dense:
        return keras.layers.Dense(
            n, "sigmoid", kernel_initializer=init, bias_initializer=init, name=name
        )

    person = keras.Input((len(PEOPLE),), name="person1")
    rel = keras.Input((len(RELATIONSHIPS),), name="relationship")
    both = keras.layers.Concatenate(name="encodings")(
        [dense(6, "person1_encoding")(person), dense(6, "relationship_encoding")(rel)]
    )
    central = dense(12, "central")(both)
    out = dense(len(PEOPLE), "person2")(dense(6, "person2_encoding")(central))
    return keras.Model([person, rel], out, name="family_trees")


def correct(outputs: np.ndarray, cases: list[Case]) -> np.ndarray:
    """Per case: every correct person-2 unit above 0.5 and every other unit below 0.5."""
    want = encode(cases)[1] > 0.5
    return np.all((outputs > 0.5) == want, axis=1)


def top_correct(outputs: np.ndarray, cases: list[Case]) -> np.ndarray:
    """Per case, a weaker criterion: the most active output unit is a correct person 2."""
    want = encode(cases)[1] > 0.5
    return want[np.arange(len(cases)), outputs.argmax(axis=1)]


def counterpart_similarity(person_weights: np.ndarray) -> float:
    """Correlation of English and Italian counterparts' encoding weights (Figure 4), in [-1, 1].

    Each unit's mean over each tree is removed first, so a unit that only tells the nationality
    apart neither helps nor hurts; 1 means counterparts have identical patterns, 0 unrelated.
    """
    eng = person_weights[[PEOPLE.index(p) for p in ENGLISH]]
    ita = person_weights[[PEOPLE.index(p) for p in ITALIAN]]
    eng = eng - eng.mean(axis=0)
    ita = ita - ita.mean(axis=0)
    return float(np.sum(eng * ita) / np.sqrt(np.sum(eng**2) * np.sum(ita**2)))


def held_out_split(draw: int, n_test: int = len(all_cases()) - N_TRAIN) -> tuple[list, list]:
    """Training and held-out cases: ``n_test`` cases drawn at random (paper: which is unknown)."""
    cases = all_cases()
    test_idx = set(np.random.default_rng(10_000 + draw).choice(len(cases), n_test, False))
    train = [c for i, c in enumerate(cases) if i not in test_idx]
    test = [c for i, c in enumerate(cases) if i in test_idx]
    return train, test


@dataclass
class FamilyRun:
    """Outcome of one (seed, held-out draw)."""

    seed: int
    draw: int
    held_out: list[str]
    train_correct: float  # fraction of the training cases correct
    test_correct: int  # held-out cases correct (of 4)
    test_top_correct: int  # held-out cases whose most active output is a correct person
    final_loss: float
    counterpart_similarity: float
    test_outputs: list[list[float]] = field(default_factory=list)
    person_weights: np.ndarray | None = None  # (24, 6): person 1 -> its 6 encoding units

    def summary(self) -> dict:
        """A JSON-friendly record without the weights."""
        d = asdict(self)
        d.pop("person_weights")
        return d


class FamilyTreeTrainer:
    """Train many (seed, draw) pairs on one model, so each momentum phase is traced once."""

    def __init__(self, setup: Setup = Setup()) -> None:
        self.setup = setup
        self.model = build_model(setup.init_range)
        train, _ = held_out_split(0)
        x, y = encode(train, setup.targets)
        first = setup.schedule[0]
        self.loop = SweepLoop(
            self.model,
            paper_sgd(first.eps, first.alpha),
            x,
            y,
            setup.weight_decay,
            SummedSquaredError(setup.margin, setup.averaged),
            setup.decay_biases,
        )

    def retarget(self, setup: Setup) -> FamilyTreeTrainer:
        """This trainer's model and traced loop for ``setup``, which may differ only in its
        learning rates, momenta, sweeps and initial range (none of them is traced in)."""
        traced = ("weight_decay", "margin", "targets", "averaged", "decay_biases")
        if any(getattr(setup, k) != getattr(self.setup, k) for k in traced):
            raise ValueError(f"retarget: {setup} differs from {self.setup} in {traced}")
        other = copy.copy(self)
        other.setup = setup
        return other

    def run(self, seed: int, draw: int) -> FamilyRun:
        """Train from seed's initial weights on draw's 100 cases; test on its 4 held-out cases."""
        train, test = held_out_split(draw)
        self.loop.set_data(*encode(train, self.setup.targets))
        uniform_init(self.model, seed, self.setup.init_range)
        reset_optimizer(self.loop.optimizer)
        hist = self.loop.run_schedule(self.setup.schedule)
        y_train = np.asarray(self.model(encode(train)[0]))
        y_test = np.asarray(self.model(encode(test)[0]))
        person_weights = self.model.get_layer("person1_encoding").get_weights()[0]
        return FamilyRun(
            seed=seed,
            draw=draw,
            held_out=[f"{c.person1} {c.relationship}" for c in test],
            train_correct=float(correct(y_train, train).mean()),
            test_correct=int(correct(y_test, test).sum()),
            test_top_correct=int(top_correct(y_test, test).sum()),
            final_loss=float(hist.loss[-1]),
            counterpart_similarity=counterpart_similarity(person_weights),
            test_outputs=y_test.round(3).tolist(),
            person_weights=person_weights,
        )
