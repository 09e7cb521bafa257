# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The family-tree data: both trees, the case count, the isomorphism, the encoding."""

from __future__ import annotations

import numpy as np
import pytest

from rumelharthintonwilliams1986 import family_trees as ft


@pytest.fixture(scope="module")
def english():
    return ft.relatives(ft.ENGLISH_FAMILIES)


@pytest.fixture(scope="module")
def italian():
    return ft.relatives(ft.ITALIAN_FAMILIES)


def test_the_trees_give_the_papers_104_cases(english, italian):
    assert len(english) == len(italian) == 52
    assert len(ft.all_cases()) == ft.REPORTED_CASES == 104
    assert len(ft.PEOPLE) == 24 and len(set(ft.PEOPLE)) == 24
    assert len(ft.RELATIONSHIPS) == 12


@pytest.mark.parametrize(
    ("person", "relationship", "answer"),
    [
        ("Colin", "aunt", {"Jennifer", "Margaret"}),
        ("Colin", "uncle", {"Arthur", "Charles"}),
        ("Colin", "father", {"James"}),
        ("Charlotte", "brother", {"Colin"}),
        ("Victoria", "husband", {"James"}),
        ("Christopher", "daughter", {"Victoria"}),
        ("Margaret", "nephew", {"Colin"}),
        ("Jennifer", "niece", {"Charlotte"}),
        ("Arthur", "sister", {"Victoria"}),
        ("Penelope", "son", {"Arthur"}),
        ("Sophia", "aunt", {"Angela", "Gina"}),
        ("Emilio", "mother", {"Maria"}),
    ],
)
def test_relatives_are_derived_from_the_tree(english, italian, person, relationship, answer):
    cases = english if person in ft.ENGLISH else italian
    assert cases[(person, relationship)] == answer


def test_people_outside_the_tree_have_no_such_relatives(english):
    # Married-in people have no parents in the tree; grandparents have no uncles.
    assert ("Margaret", "father") not in english
    assert ("Christopher", "uncle") not in english
    assert ("Colin", "son") not in english


def test_the_trees_are_isomorphic(english, italian):
    iso = ft.ISOMORPHISM
    assert set(iso) == set(ft.ENGLISH) and set(iso.values()) == set(ft.ITALIAN)
    mapped = {(iso[p], r): frozenset(iso[q] for q in ans) for (p, r), ans in english.items()}
    assert mapped == italian
    for e, i in iso.items():
        assert (e in ft.MALE) == (i in ft.MALE)


def test_relationships_are_each_others_inverses(english):
    inverse = {"uncle": ("nephew", "niece"), "aunt": ("nephew", "niece")}
    inverse |= {"father": ("son", "daughter"), "mother": ("son", "daughter")}
    for (p, r), answer in english.items():
        if r in inverse:
            for q in answer:
                back = english.get((q, inverse[r][0]), set()) | english.get(
                    (q, inverse[r][1]), set()
                )
                assert p in back, (p, r, q)


def test_encoding_is_one_hot_in_and_multi_hot_out():
    cases = ft.all_cases()
    (person, rel), target = ft.encode(cases, (0.2, 0.8))
    assert person.shape == (104, 24) and rel.shape == (104, 12) and target.shape == (104, 24)
    assert np.all(person.sum(1) == 1) and np.all(rel.sum(1) == 1)
    assert set(np.unique(target)) == {np.float32(0.2), np.float32(0.8)}
    colin = cases.index(ft.Case("Colin", "aunt", frozenset({"Jennifer", "Margaret"})))
    assert {ft.PEOPLE[i] for i in np.flatnonzero(target[colin] > 0.5)} == {"Jennifer", "Margaret"}


def test_held_out_split_is_100_plus_4_and_depends_on_the_draw():
    train, test = ft.held_out_split(3)
    assert len(train) == 100 and len(test) == 4
    assert set(train).isdisjoint(test)
    assert ft.held_out_split(3) == (train, test)
    assert ft.held_out_split(4)[1] != test


def test_correctness_criterion():
    cases = [ft.Case("Colin", "aunt", frozenset({"Jennifer", "Margaret"}))]
    out = np.full((1, 24), 0.1)
    out[0, ft.PEOPLE.index("Jennifer")] = 0.9
    assert not ft.correct(out, cases)[0] and ft.top_correct(out, cases)[0]
    out[0, ft.PEOPLE.index("Margaret")] = 0.6
    assert ft.correct(out, cases)[0]


def test_model_shapes():
    model = ft.build_model()
    assert [tuple(i.shape) for i in model.inputs] == [(None, 24), (None, 12)]
    assert tuple(model.output.shape) == (None, 24)
    sizes = {layer.name: layer.units for layer in model.layers if hasattr(layer, "units")}
    assert sizes == {
        "person1_encoding": 6,
        "relationship_encoding": 6,
        "central": 12,
        "person2_encoding": 6,
        "person2": 24,
    }
    assert model.count_params() == (24 + 1) * 6 + (12 + 1) * 6 + 13 * 12 + 13 * 6 + 7 * 24


def test_counterpart_similarity_is_one_for_shared_patterns_and_ignores_nationality():
    rng = np.random.default_rng(0)
    english = rng.normal(size=(12, 6))
    weights = np.zeros((24, 6))
    weights[[ft.PEOPLE.index(p) for p in ft.ENGLISH]] = english
    # The Italians: the same pattern, shifted on every unit (a nationality feature).
    weights[[ft.PEOPLE.index(p) for p in ft.ITALIAN]] = english + 5.0
    assert ft.counterpart_similarity(weights) == pytest.approx(1.0)
    weights[[ft.PEOPLE.index(p) for p in ft.ITALIAN]] = rng.normal(size=(12, 6))
    assert abs(ft.counterpart_similarity(weights)) < 0.5
