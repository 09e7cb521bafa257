# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The program's naming rule: examples from the issue, hard cases, bad input, DLC.bib."""

from __future__ import annotations

import re

import pytest

from dlc_common.make.bibtex import parse_bibtex, read_bibtex
from dlc_common.make.latex import fold_ascii, latex_to_unicode
from dlc_common.make.naming import (
    NAME_PATTERN,
    NamingError,
    check_repo_name,
    name_from_entry,
    package_name,
    parse_authors,
    repo_name,
    surname_key,
)

MIKOLOV = (
    "Mikolov, Tomas and Joulin, Armand and Chopra, Sumit and Mathieu, Michael and "
    "Ranzato, Marc'aurelio"
)


@pytest.mark.parametrize(
    ("authors", "year", "expected"),
    [
        (MIKOLOV, 2015, "MikolovJoulinChopraEtAl2015"),
        (
            "Ororbia, II, Alexander G and Mikolov, Tomas and Reitter, David",
            2017,
            "OrorbiaMikolovReitter2017",
        ),
        (
            "Seo, Minjoon and Kembhavi, Aniruddha and Farhadi, Ali and Hajishirzi, Hannaneh",
            2017,
            "SeoKembhaviFarhadiEtAl2017",
        ),
        ("Laurens van der Maaten and Geoffrey Hinton", 2008, "VanDerMaatenHinton2008"),
        (
            r"Hermann, Karl Moritz and Ko{\v c}isk{\'y}, Tom{\'a}{\v s} and Grefenstette, Edward"
            " and Espeholt, Lasse",
            2015,
            "HermannKociskyGrefenstetteEtAl2015",
        ),
        ("Nando de Freitas and Cathy O'Neil", 2020, "DeFreitasONeil2020"),
        # Paperpile's mangled suffix: "Iii, Hal Daum{\'e}" is Hal Daumé III.
        (r"Iii, Hal Daum{\'e} and Davis, Larry", 2017, "DaumeDavis2017"),
        ("Hal Daumé III and Larry Davis", "2017", "DaumeDavis2017"),
        ("Martin Luther King, Jr and Rosa Parks", 1963, "KingParks1963"),
        (
            "Rumelhart, David E and Hinton, Geoffrey E and Williams, Ronald J",
            1986,
            "RumelhartHintonWilliams1986",
        ),
        ("Yann LeCun and Yoshua Bengio", 1995, "LeCunBengio1995"),
        ("Sohl-Dickstein, Jascha and Ganguli, Surya", 2015, "SohlDicksteinGanguli2015"),
        ("Carreira-Perpi{\\~n}{\\'a}n, Miguel {\\'A}", 2017, "CarreiraPerpinan2017"),
        ("Doyne Farmer, J and Lafond, Fran{\\c c}ois", 2016, "DoyneFarmerLafond2016"),
        ("van den Hengel, Anton", 2016, "VanDenHengel2016"),
        # Semicolons separate names as well; "others" means more authors.
        ("Mikolov, Tomas; Joulin, Armand", 2015, "MikolovJoulin2015"),
        ("Mikolov, Tomas and others", 2015, "MikolovEtAl2015"),
        ("A, B and C, D and E, F and others", 2015, "ACEEtAl2015"),
        # Braces group a corporate author; a braced word is not a particle.
        ("{Google Brain Team}", 2017, "GoogleBrainTeam2017"),
        ("{van} Gogh, Vincent", 1888, "VanGogh1888"),
        ("Vincent {van Gogh}", 1888, "VanGogh1888"),
        # Folding special letters, LaTeX and Unicode alike.
        (
            r"{\L}ukasiewicz, Jan and S{\o}gaard, Anders and Stra{\ss}e, Hans",
            2001,
            "LukasiewiczSogaardStrasse2001",
        ),
        (
            "Łukasiewicz, Jan and Søgaard, Anders and Straße, Hans",
            2001,
            "LukasiewiczSogaardStrasse2001",
        ),
        ("Ærø, Æ and Œuvre, Ö and Đokić, Đ", 2001, "AeroOeuvreDokic2001"),
        ("Þórsson, Þ and Aðalsteinn, A and Yıldız, Y", 2001, "ThorssonAdalsteinnYildiz2001"),
        (
            r"G{\"u}nter Klambauer and \c{C}a\u{g}lar G{\"u}l{\c c}ehre",
            2017,
            "KlambauerGulcehre2017",
        ),
        ("D’Amour, Alexander and O’Brien, Pat", 2020, "DAmourOBrien2020"),
        ("St. Clair, Ann", 2020, "StClair2020"),
        ("Mc Sherry, Frank", 2020, "McSherry2020"),
    ],
)
def test_names(authors: str, year: int | str, expected: str) -> None:
    name = repo_name(authors, year)
    assert name == expected
    assert NAME_PATTERN.match(name)


def test_counter_appends_suffix_and_package_is_lower_case() -> None:
    assert repo_name(MIKOLOV, 2015, 1) == "MikolovJoulinChopraEtAl2015_1"
    assert repo_name(MIKOLOV, 2015, "12") == "MikolovJoulinChopraEtAl2015_12"
    assert package_name("MikolovJoulinChopraEtAl2015_1") == "mikolovjoulinchopraetal2015_1"
    assert package_name("MikolovJoulinChopraEtAl2015_1").isidentifier()


def test_author_parts() -> None:
    authors, more = parse_authors("Laurens van der Maaten and Hinton, Geoffrey E and others")
    assert more
    assert [(a.first, a.von, a.last) for a in authors] == [
        ("Laurens", "van der", "Maaten"),
        ("Geoffrey E", "", "Hinton"),
    ]
    assert authors[0].display == "Laurens van der Maaten"


# The same paper as different exporters write it gives one name (issue 16, item 7).
@pytest.mark.parametrize(
    ("forms", "year", "expected"),
    [
        (
            [
                "Ororbia, II, Alexander G and Mikolov, Tomas and Reitter, David",  # Paperpile
                "Ororbia II, Alexander G and Mikolov, Tomas and Reitter, David",  # Zotero, Google
                "Alexander G. Ororbia II and Tomas Mikolov and David Reitter",
                "ORORBIA II, ALEXANDER G and MIKOLOV, TOMAS and REITTER, DAVID",
            ],
            2017,
            "OrorbiaMikolovReitter2017",
        ),
        (
            [
                r"Daum{\'e} III, Hal",
                r"Daum{\'e}, III, Hal",
                r"Iii, Hal Daum{\'e}",  # Paperpile
                r"Hal Daum{\'e} III",
                "Hal Daumé III",
                "DAUMÉ III, HAL",
                r"DAUM{\'E} III, Hal",
            ],
            2005,
            "Daume2005",
        ),
        (
            ["SMITH, John", "Smith, John", "John SMITH", "smith, John", "Smith Jr., John"],
            2020,
            "Smith2020",
        ),
        (
            ["King Jr., Martin Luther", "King, Jr., Martin Luther", "Martin Luther King Jr"],
            1963,
            "King1963",
        ),
        (["Smith IV, John", "Smith, IV, John", "Smith V, John", "John Smith V"], 2020, "Smith2020"),
        (
            ["O'NEIL, CATHY", "O'Neil, Cathy", "O’NEIL, Cathy"],
            2016,
            "ONeil2016",
        ),
        (["SOHL-DICKSTEIN, JASCHA", "Sohl-Dickstein, Jascha"], 2015, "SohlDickstein2015"),
        (["DE FREITAS, NANDO", "de Freitas, Nando", "Nando de Freitas"], 2016, "DeFreitas2016"),
        (["VAN DER MAATEN, L", "van der Maaten, L", "van der MAATEN, L"], 2008, "VanDerMaaten2008"),
        (["LI, Yujia", "Li, Yujia"], 2017, "Li2017"),
        ([r"M{\"U}LLER, Hans", r"M{\"u}ller, Hans", "MÜLLER, Hans"], 2001, "Muller2001"),
        # Sort-only macros print nothing: {\noopsort{a}}Smith is Smith.
        (
            [
                r"{\noopsort{a}}Smith, John",
                r"\noopsort{b}Smith, John",
                r"{\SortNoop{zz}}Smith, John",
                r"John {\sortnoop{1}}Smith",
                r"{\noop{Smith}}Smith, John",
                r"Smi\-th, John",
            ],
            2020,
            "Smith2020",
        ),
        # "and" at the start or the end, or twice, names no one.
        (
            [
                "and Smith, John and Doe, Jane",
                "Smith, John and Doe, Jane and",
                "Smith, John and and Doe, Jane",
                "AND Smith, John AND Doe, Jane",
                "Smith, John and\nDoe, Jane",
            ],
            2020,
            "SmithDoe2020",
        ),
        (["Smith, John and others and others", "Smith, John and others"], 2020, "SmithEtAl2020"),
    ],
)
def test_every_exporter_gives_the_same_name(forms: list[str], year: int, expected: str) -> None:
    assert {form: repo_name(form, year) for form in forms} == dict.fromkeys(forms, expected)


def test_case_in_braces_and_mixed_case_are_kept() -> None:
    # Braces are how BibTeX protects case: {IBM} stays IBM, a bare IBM reads as a surname.
    assert repo_name("{IBM}", 2020) == "IBM2020"
    assert repo_name("{{IBM} Research}", 2020) == "IBMResearch2020"
    assert repo_name("IBM", 2020) == "Ibm2020"
    assert (
        repo_name("LeCun, Yann and DiCarlo, J and McSherry, F", 2020) == "LeCunDiCarloMcSherry2020"
    )
    assert repo_name("A, B and C, D", 2020) == "AC2020"  # one capital is not "in capitals"


def test_generational_suffix_is_kept_apart_from_the_surname() -> None:
    for text in ["Ororbia II, Alexander G", "Ororbia, II, Alexander G", "Alexander G Ororbia II"]:
        (author,), _ = parse_authors(text)
        assert (author.first, author.von, author.last, author.jr) == (
            "Alexander G",
            "",
            "Ororbia",
            "II",
        )
    (author,), _ = parse_authors(r"Iii, Hal Daum{\'e}")
    assert (author.last, author.jr, author.display) == (r"Daum{\'e}", "III", "Hal Daumé")
    (author,), _ = parse_authors("King, Jr., Martin Luther")
    assert (author.first, author.last, author.jr) == ("Martin Luther", "King", "Jr.")
    (author,), _ = parse_authors("Mnih, V")  # after a comma a lone V is an initial
    assert (author.first, author.last, author.jr) == ("V", "Mnih", "")


@pytest.mark.parametrize(
    ("args", "field", "hint"),
    [
        (("", 2015), "authors", "empty"),
        (("   ", 2015), "authors", "empty"),
        (("others", 2015), "authors", "no author"),
        (("王小明", 2015), "authors", "romanised"),
        (("Ранзато, Марк and Mikolov, Tomas", 2015), "authors", "Cyrillic"),
        (("Müller王", 2015), "authors", "romanised"),
        (("'''", 2015), "authors", "no Latin letters"),
        (("{3M}", 2015), "authors", "starts with a digit"),
        (("A, B, C, D", 2015), "authors", "commas"),
        (("Smith, John and others and Doe, Jane", 2015), "authors", "middle of the author list"),
        (("Smith, J and et al. and Doe, J", 2015), "authors", "end the list with 'and others'"),
        (("and", 2015), "authors", "no author"),
        (("others and others", 2015), "authors", "no author"),
        ((r"{\noopsort{a}}", 2015), "authors", "no Latin letters"),
        ((MIKOLOV, "15"), "year", "four-digit"),
        ((MIKOLOV, "20155"), "year", "four-digit"),
        ((MIKOLOV, "year"), "year", "four-digit"),
        ((MIKOLOV, ""), "year", "four-digit"),
        ((MIKOLOV, 2015, 0), "counter", "positive integer"),
        ((MIKOLOV, 2015, "-1"), "counter", "positive integer"),
        ((MIKOLOV, 2015, "one"), "counter", "positive integer"),
        ((MIKOLOV, 2015, "01"), "counter", "positive integer"),
        (
            (
                "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessenschafts"
                "warenwohlgepflegeundsorgfaltigkeitbeschutzenvonangreifendurchihrraubgierigfeinde",
                2015,
            ),
            "authors",
            "more than 100",
        ),
    ],
)
def test_bad_input_names_the_field_and_the_fix(args: tuple, field: str, hint: str) -> None:
    with pytest.raises(NamingError) as info:
        repo_name(*args)
    assert info.value.field == field
    assert hint in str(info.value)
    assert str(info.value).startswith(f"{field}: ")


def test_check_repo_name_rejects_malformed_names() -> None:
    for bad in [
        "mikolov2015",
        "Mikolov15",
        "Mikolov2015_0",
        "Mikolov2015_",
        "Mi-kolov2015",
        "A" * 97 + "2015",
    ]:
        with pytest.raises(NamingError, match="not a repository name"):
            check_repo_name(bad)
    assert check_repo_name("MikolovJoulinChopraEtAl2015_1")


def test_latex_decoding_and_folding() -> None:
    assert latex_to_unicode(r"Ko{\v c}isk{\'y}, Tom{\'a}{\v s}") == "Kočiský, Tomáš"
    assert (
        latex_to_unicode(r"{\L}ukasz \c c {\o}ystein \'{\i} \ss{} \AE") == "Łukasz ç øystein í ß Æ"
    )
    assert (
        latex_to_unicode(r"\textbf{Bold} {LSTM}: 50\% \& more~here") == "Bold LSTM: 50% & more here"
    )
    assert fold_ascii("Kočiský Łukasz ørsted Straße æon œuvre đ ð þ ı") == (
        "Kocisky Lukasz orsted Strasse aeon oeuvre d d th i"
    )
    assert surname_key("O'Neil") == "ONeil"
    assert surname_key("LeCun") == "LeCun"
    assert surname_key("van der Maaten") == "VanDerMaaten"


@pytest.mark.parametrize("depth", [3_000, 100_000])
def test_deeply_nested_latex_is_read_without_recursion(depth: int) -> None:
    # A RecursionError once; now one pass with an explicit stack, linear in the depth.
    assert latex_to_unicode("{" * depth + "Smith" + "}" * depth) == "Smith"
    assert latex_to_unicode("\\emph{" * depth + "Smith" + "}" * depth) == "Smith"
    assert latex_to_unicode("\\noopsort{" * depth + "a" + "}" * depth + "Smith") == "Smith"
    accented = latex_to_unicode("\\'{" * depth + "e" + "}" * depth)
    assert accented == "é" + "\u0301" * 3  # at most four accents on one letter
    assert repo_name("\\textbf{" * depth + "Smith" + "}" * depth + ", John", 2020) == "Smith2020"
    entry = parse_bibtex(
        "@article{deep, author = {" + "{" * depth + "Smith" + "}" * depth + ", John},"
        " title = {" + "\\textit{" * depth + "T" + "}" * depth + "}, year = 2020}"
    )[0]
    assert entry.text("title") == "T"
    assert name_from_entry(entry) == "Smith2020"


def test_latex_accents_and_commands_that_print_nothing() -> None:
    assert latex_to_unicode(r"\"{\'{e}}") == "é\u0308"  # innermost accent first
    assert latex_to_unicode(r"\'\"e") == "ë\u0301"  # an accent on an accent
    assert latex_to_unicode(r"\'{}x \v{}") == "x "  # an accent on nothing is dropped
    assert latex_to_unicode(r"Hin\-ton it\/ \relax x") == "Hinton it x"
    assert latex_to_unicode(r"\noopsort{1999}Title \foo{x}") == "Title foox"
    assert latex_to_unicode("\\'") == ""  # a lone accent at the end of the text
    assert latex_to_unicode("a\\") == "a\\"  # a lone backslash at the end is kept
    assert latex_to_unicode(r"\'{\i}\'\i\^{\j}") == "ííĵ"


BIB = r"""
% a comment line
@string{nips = "Advances in Neural Information Processing Systems"}
@ARTICLE{Mikolov2014-ry,
  title         = "Learning Longer Memory in Recurrent Neural Networks",
  author        = "Mikolov, Tomas and Joulin, Armand and Chopra, Sumit and
                   Mathieu, Michael and Ranzato, Marc'aurelio",
  month         =  "19~" # dec,
  year          =  2014,
  booktitle     = nips,
  eprint        = "1412.7753"
}
@inproceedings{braces,
  title = {{LSTM}: A Search Space {O}dyssey},
  author = {Greff, Klaus and Srivastava, Rupesh K and Koutn{\'\i}k, Jan},
  year = {2017},
}
@misc{noauthor_undated-xx, title = "No one"}
@misc(noyear, author = "Luo, Ping")
"""


def test_bibtex_parsing() -> None:
    entries = {e.key: e for e in parse_bibtex(BIB)}
    assert list(entries) == ["Mikolov2014-ry", "braces", "noauthor_undated-xx", "noyear"]
    mikolov = entries["Mikolov2014-ry"]
    assert mikolov.type == "article"
    assert mikolov.fields["year"] == "2014"
    assert mikolov.fields["month"] == "19~12"
    assert mikolov.text("booktitle") == "Advances in Neural Information Processing Systems"
    assert name_from_entry(mikolov) == "MikolovJoulinChopraEtAl2014"
    assert name_from_entry(mikolov, 1) == "MikolovJoulinChopraEtAl2014_1"
    assert entries["braces"].text("title") == "LSTM: A Search Space Odyssey"
    assert name_from_entry(entries["braces"]) == "GreffSrivastavaKoutnik2017"
    with pytest.raises(NamingError, match="no author field"):
        name_from_entry(entries["noauthor_undated-xx"])
    with pytest.raises(NamingError, match="no year field"):
        name_from_entry(entries["noyear"])


def test_dlc_bib_every_entry_named_or_clear_error(dlc_bib) -> None:
    entries = read_bibtex(dlc_bib)
    assert len(entries) == 360
    named, refused = {}, []
    for entry in entries:
        try:
            named[entry.key] = name_from_entry(entry)
        except NamingError as exc:  # anything else fails the test
            refused.append(exc)
    for name in named.values():
        assert NAME_PATTERN.match(name) and len(name) <= 100, name
    # Every refusal is a missing author or year: the file has no other unusable entry.
    assert {exc.field for exc in refused} == {"author", "year"}
    with_both = [e for e in entries if e.fields.get("author") and e.fields.get("year")]
    assert len(entries) - len(refused) == len(with_both) == 308
    # Spot checks against the program's own papers.
    assert named["Iyyer2016-ab"] == "IyyerManjunathaGuhaEtAl2016"
    assert named["Ororbia2017-rq"] == "OrorbiaMikolovReitter2017"  # Ororbia, II, Alexander G
    # No name on the file keeps a generational suffix, a sort macro or a word in capitals.
    assert not [n for n in named.values() if re.search(r"II|Iii|Jr|Noop|[A-Z]{3}", n)]
