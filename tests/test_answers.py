# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The template's answers: literal encoders round-trip every string; derived values; errors."""

from __future__ import annotations

import ast
import json
import random
from datetime import date

import pytest
import tomllib
import yaml

from dlc_common.make.answers import (
    AnswerError,
    check_package_name,
    default_identifier,
    derive,
    json_str,
    md_text,
    md_url,
    py_str,
    toml_str,
    yaml_str,
)

NASTY = [
    "",
    'plain "quoted" \\ back\\slash',
    "{{ 7*7 }} {% raw %}{% endraw %} {# c #} ${{ github.token }}",
    "line\nbreak\r\nand\ttab\x00nul\x1fus\x7fdel",
    "Ünïcödé 漢字 😀 \u2028 line sep \u2029 para \ufeff bom \u200b zwsp \ue000 private",
    "''' \"\"\" : - # & * ! | > % @ `",
    "  leading and trailing spaces  ",
]


def random_strings(count: int = 300) -> list[str]:
    rng = random.Random(1986)
    alphabet = [chr(c) for c in [*range(0, 0x80), 0x85, 0xA0, 0x2028, 0x2029, 0xFEFF, 0x1F600]]
    alphabet += list("éłø漢{}%#")
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(count)]


@pytest.mark.parametrize("text", NASTY + random_strings())
def test_encoders_round_trip(text: str) -> None:
    assert tomllib.loads(f"x = {toml_str(text)}")["x"] == text
    assert yaml.safe_load(f"x: {yaml_str(text)}")["x"] == text
    assert json.loads(json_str(text)) == text
    assert ast.literal_eval(py_str(text)) == text


ANSWERS = {
    "kind": "paper",
    "title": "Learning representations by back-propagating errors",
    "authors": "Rumelhart, David E and Hinton, Geoffrey E and Williams, Ronald J",
    "year": "1986",
    "identifier": "10.1038/323533a0",
    "url": "",
    "assignee": "",
    "counter": "0",
    "participant_name": "Ada King Lovelace",
    "participant_email": "ada@example.org",
    "github_user": "ada-lovelace",
    "github_org": "Latently",
    "python_version": "3.11",
    "tensorflow_version": "2.21.0",
}


def test_derived_values() -> None:
    d = derive(ANSWERS, today=date(2026, 11, 23))
    assert d["repo_name"] == "RumelhartHintonWilliams1986"
    assert d["package_name"] == "rumelharthintonwilliams1986"
    assert d["doi"] == "10.1038/323533a0" and d["url"] == "https://doi.org/10.1038/323533a0"
    assert d["authors"][1] == {"family-names": "Hinton", "given-names": "Geoffrey E"}
    assert d["participant"]["cff"] == {"family-names": "Lovelace", "given-names": "Ada King"}
    assert d["copyright"] == "2026 Ada King Lovelace"
    assert d["repo_url"] == "https://github.com/Latently/RumelhartHintonWilliams1986"
    arxiv = derive({**ANSWERS, "identifier": "arXiv:1412.7753v2", "counter": "1"})
    assert arxiv["arxiv"] == "1412.7753v2" and arxiv["url"] == "https://arxiv.org/abs/1412.7753v2"
    assert arxiv["repo_name"] == "RumelhartHintonWilliams1986_1"
    patent = derive({**ANSWERS, "kind": "patent", "identifier": "US 9,740,680 B1"})
    assert patent["url"] == "https://patents.google.com/patent/US9740680B1"
    particle = derive({**ANSWERS, "authors": "Laurens van der Maaten and Geoffrey Hinton"})
    assert particle["authors"][0] == {
        "family-names": "Maaten",
        "given-names": "Laurens",
        "name-particle": "van der",
    }


def test_gpu_runner_labels() -> None:
    assert derive(ANSWERS)["gpu_runner_labels"] == ["self-hosted", "linux", "x64", "gpu"]
    custom = derive({**ANSWERS, "gpu_runner_labels": " self-hosted,gpu-a100 , ,cluster.2 "})
    assert custom["gpu_runner_labels"] == ["self-hosted", "gpu-a100", "cluster.2"]
    for bad, hint in [
        ("self-hosted, two words", "'two words' is not a runner label"),
        (" , ", "no runner label given"),
        ("gpu, ${{ github.token }}", "is not a runner label"),
    ]:
        with pytest.raises(AnswerError) as info:
            derive({**ANSWERS, "gpu_runner_labels": bad})
        ((field, message),) = info.value.problems
        assert field == "gpu_runner_labels" and hint in message
        assert "separated by commas, e.g. self-hosted, linux, x64, gpu" in message


def test_every_bad_answer_is_reported_at_once() -> None:
    bad = {**ANSWERS, "title": "", "year": "86", "kind": "book", "github_org": "-x-"}
    with pytest.raises(AnswerError) as info:
        derive(bad)
    fields = [field for field, _ in info.value.problems]
    assert fields == ["kind", "title", "year", "github_org"]
    assert str(info.value).startswith("Cannot create the repository:\n  kind: 'book'")


def test_a_paper_is_cited_by_its_url_when_it_has_no_identifier() -> None:
    d = derive({**ANSWERS, "identifier": "", "url": "https://example.org/p.pdf"})
    assert (d["identifier"], d["arxiv"], d["doi"]) == ("", "", "")
    assert d["url"] == "https://example.org/p.pdf"
    with pytest.raises(AnswerError) as info:
        derive({**ANSWERS, "identifier": "", "url": ""})
    ((field, message),) = info.value.problems
    assert field == "identifier" and "no identifier and no url" in message
    with pytest.raises(AnswerError) as info:
        derive({**ANSWERS, "kind": "patent", "identifier": "", "url": "https://example.org/"})
    assert info.value.problems[0][0] == "identifier"
    assert "a patent needs its number" in info.value.problems[0][1]


def test_the_example_identifier_is_offered_for_the_example_paper_only() -> None:
    template = {
        "kind": "paper",
        "title": "Learning Longer Memory",
        "authors": "Mikolov, Tomas",
        "year": "2015",
        "_example_identifier": "arXiv:1412.7753",
    }
    assert default_identifier(template, template) == "arXiv:1412.7753"
    assert default_identifier({**template, "title": " Learning  Longer Memory"}, template) == (
        "arXiv:1412.7753"
    )
    assert default_identifier({**template, "title": "Other title"}, template) == "arXiv:1412.7753"
    for key, value in [("authors", "Doe, J"), ("year", "2016")]:
        assert default_identifier({**template, key: value}, template) == ""
    assert default_identifier({**template, "kind": "patent"}, template) == ""


@pytest.mark.parametrize("name", ["os", "sys", "json", "typing", "numpy", "keras", "dlc_common"])
def test_a_package_may_not_shadow_what_it_imports(name: str) -> None:
    from dlc_common.make.naming import NamingError

    with pytest.raises(NamingError, match="would shadow the module"):
        check_package_name(name)


def test_package_names_of_the_naming_rule_are_accepted() -> None:
    assert check_package_name("mikolovjoulinchopraetal2015_1") == "mikolovjoulinchopraetal2015_1"
    for bad in ("1abc", "a-b", "../x", "/tmp/x", ""):
        with pytest.raises(ValueError, match="not a Python package name"):
            check_package_name(bad)


def test_markdown_text_holds_no_html_and_stays_one_line() -> None:
    title = "A <!-- dlc:results:start --> & </script>\n b"
    assert md_text(title) == "A &lt;!-- dlc:results:start --&gt; &amp; &lt;/script&gt; b"
    assert md_url("https://x.org/a_(b)<c>[d]") == "https://x.org/a_%28b%29%3Cc%3E%5Bd%5D"
    d = derive({**ANSWERS, "title": title, "assignee": "<b>", "url": "https://x.org/(1)"})
    assert "<" not in "".join([d["md"]["title"], d["md"]["assignee"], *d["md"]["authors"]])
    assert d["md"]["url"] == "https://x.org/%281%29"  # one link target
    with pytest.raises(AnswerError, match=r"participant_name: .* write your name as plain text"):
        derive({**ANSWERS, "participant_name": "Eve -->"})


def test_first_steps_follow_the_order_of_the_work() -> None:
    steps = derive(ANSWERS)["first_steps"]
    names = [step.split("**")[1] for step in steps]
    assert names == ["Claims", "Model", "Data", "Paper config", "First paper run", "GitHub"]
    assert "src/rumelharthintonwilliams1986/data.py" in steps[2]
    assert "https://github.com/Latently/RumelhartHintonWilliams1986.git" in steps[5]
