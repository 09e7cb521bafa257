# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The program's naming rule: examples from the issue, hard cases, bad input, DLC.bib."""

from __future__ import annotations

import pytest

from dlc_common.bibtex import parse_bibtex, read_bibtex
from dlc_common.latex import fold_ascii, latex_to_unicode
from dlc_common.naming import (
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
    assert named["Ororbia2017-rq"] == "OrorbiaMikolovReitter2017"
