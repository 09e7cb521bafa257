# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The BibTeX reader: linear time, BibTeX's own rules, malformed entries skipped, crossref."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from dlc_common.make.bibtex import (
    BibTeXError,
    BibTeXWarning,
    find_entry,
    parse_bibtex,
    read_bibtex,
)
from dlc_common.make.naming import name_from_entry


def repeated_export(dlc_bib: Path, entries: int) -> str:
    """DLC.bib repeated until it has ``entries`` entries, each copy's keys made fresh."""
    source = dlc_bib.read_text("utf-8-sig")
    # Every key of the export starts a line: "@ARTICLE{Key," becomes "@ARTICLE{Key-N,".
    marked = re.sub(r"^(@\w+\{[^,\s]+),", "\\1-\x00,", source, flags=re.M)
    starts = [m.start() for m in re.finditer(r"^@", marked, re.M)]
    copies, rest = divmod(entries, len(starts))
    text = "".join(marked.replace("\x00", str(n)) for n in range(copies))
    return text + marked[: starts[rest] if rest else 0].replace("\x00", str(copies))


def test_a_50000_entry_export_is_read_in_linear_time(tmp_path: Path, dlc_bib: Path) -> None:
    # Quadratic reading took over 10 minutes on this file; linear reading takes seconds.
    # Not a timed test: it guards the fix by finishing at all (bench_bibtex.py prints times).
    big = tmp_path / "big.bib"
    big.write_text(repeated_export(dlc_bib, 50_000), "utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # DLC.bib has no malformed entry: no warning at all
        entries = read_bibtex(big)
    assert len(entries) == 50_000
    # 138 whole copies and 320 entries of the 139th; DLC.bib itself repeats 2 keys.
    assert len({entry.key for entry in entries}) == 50_000 - 2 * 139
    last = find_entry(entries, "Ororbia2017-rq-138", str(big))
    assert name_from_entry(last) == "OrorbiaMikolovReitter2017"
    # Line numbers are still exact at the far end of the file.
    text = big.read_text("utf-8")
    assert last.line == text.count("\n", 0, text.index("{Ororbia2017-rq-138,")) + 1


def test_dlc_bib_reads_as_before(dlc_bib: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        entries = read_bibtex(dlc_bib)
    assert len(entries) == 360 and not entries.skipped
    by_key = {e.key: e for e in entries}
    # A lone \} in an abstract (Paperpile's escape) does not end the value early ...
    assert "through read}, compose" in by_key["Munkhdalai2016-tf"].text("abstract")
    # ... and {\"u} inside a quoted value is an umlaut, not the end of the value.
    assert by_key["Klambauer2017-mf"].text("author").startswith("Klambauer, Günter")
    assert by_key["Pascanu2017-jl"].line == 4
    assert by_key["Pascanu2017-jl"].fields["month"] == "19~7"


MALFORMED = """\
@article{good1, author = {Hinton, Geoffrey}, year = 2006}
@article{broken, author = {Hinton, Geoffrey, year = 2006
@article{good2, author = "LeCun, Yann", year = 1998}
@article{, author = "Nobody", year = 1999}
@article{nocomma author = "Bengio, Yoshua", year = 2003}
@article{good3, author = "Bengio, Yoshua" year = 2003}
@article{good4, author = "Vaswani, Ashish", year = 2017,}
"""


def test_a_malformed_entry_is_skipped_with_a_warning_and_the_others_stay_usable() -> None:
    with pytest.warns(BibTeXWarning) as caught:
        entries = parse_bibtex(MALFORMED, "x.bib")
    assert [e.key for e in entries] == ["good1", "good2", "good4"]
    assert [name_from_entry(e) for e in entries] == ["Hinton2006", "LeCun1998", "Vaswani2017"]
    messages = [str(w.message) for w in caught]
    assert len(messages) == 4
    # An unclosed brace stops at the line where the next entry starts.
    assert messages[0].startswith(
        "x.bib:2: unterminated value: the '}' that closes it is missing before the entry on line 3"
    )
    assert "skipped this entry 'broken' (line 2)" in messages[0]
    assert messages[1].startswith("x.bib:4: @article entry has no citation key")
    assert "x.bib:5: expected ',' or '}' after the key, found 'a'" in messages[2]
    assert "x.bib:6: expected ',' or '}' after the value of 'author', found 'y'" in messages[3]
    assert [(s.key, s.line) for s in entries.skipped] == [
        ("broken", 2),
        (None, 4),
        ("nocomma", 5),
        ("good3", 6),
    ]
    # Asking for a skipped entry says why it is missing instead of "no such key".
    with pytest.raises(
        BibTeXError, match=r"'good3' of x.bib is malformed and was skipped: x.bib:6"
    ):
        find_entry(entries, "good3", "x.bib")
    with pytest.raises(BibTeXError, match=r"no entry with key 'good5'.*did you mean"):
        find_entry(entries, "good5", "x.bib")


def test_a_file_with_no_readable_entry_is_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.bib"
    broken.write_text('@article{k,\n  title = "never closed,\n  year = 2017\n}\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the error alone, not a warning about it as well
        with pytest.raises(BibTeXError) as info:
            read_bibtex(broken)
    assert str(info.value) == (
        f"{broken}:2: unterminated value: the '\"' that closes it is missing before the '}}' "
        "on line 4 that ends the entry"
    )
    assert parse_bibtex("% only a comment\n") == []  # no entry at all is not an error


@pytest.mark.parametrize(
    "text",
    ["@", "@article", "@article{k", "@article{k,", "@article{k, title", "@article{k, title ="],
)
def test_truncated_files_are_errors_not_crashes(text: str) -> None:
    with pytest.raises(BibTeXError, match="<bibtex>:1: expected"):
        parse_bibtex(text)


def test_a_backslash_quote_ends_a_quoted_value_as_in_bibtex() -> None:
    # BibTeX ends "..." at the first " outside braces, backslash or not: M\"uller inside
    # quotes is a malformed entry (skipped, with the fix), never the umlaut it looks like.
    text = '@article{bad, author = "M\\"uller, Hans", year = 2001}\n@article{ok, year = 1}'
    with pytest.warns(BibTeXWarning, match=r'write the accent in braces, as in \{\\"u\}'):
        entries = parse_bibtex(text)
    assert [e.key for e in entries] == ["ok"]
    # The same name with the accent in braces, or in a braced value, is read as Müller.
    for value in ['"M{\\"u}ller, Hans"', '{M\\"uller, Hans}', '{M{\\"u}ller, Hans}']:
        entry = parse_bibtex(f"@article{{k, author = {value}, year = 2001}}")[0]
        assert entry.text("author") == "Müller, Hans"
        assert name_from_entry(entry) == "Muller2001"
    # A quote closed right after a line break \\ is no such mistake: no hint, no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        entry = parse_bibtex('@misc{k, note = "a\\\\", year = 1}')[0]
    assert entry.fields["note"] == "a\\\\"


def test_escaped_braces_and_values_bibtex_allows() -> None:
    text = r"""
    @string(acl = {Association for {C}omputational Linguistics})
    @preamble{ "\newcommand{\noopsort}[1]{}" }
    @comment{ this is ignored }
    @inproceedings(paren,
      author = {O'Neil, Cathy},
      title = "A \{lone brace and a ) paren",
      booktitle = "Proc. " # acl # { } # 2019,
      year = "20" # {19},
      title = {a repeated field: BibTeX keeps the first},
    )
    @MISC { spaced , AUTHOR = {Mnih, Volodymyr} , YEAR = {2015} }
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        entries = {e.key: e for e in parse_bibtex(text)}
    assert list(entries) == ["paren", "spaced"]
    paren = entries["paren"]
    assert paren.type == "inproceedings"
    assert paren.fields["title"] == r"A \{lone brace and a ) paren"
    assert paren.text("title") == "A {lone brace and a ) paren"
    assert paren.text("booktitle") == "Proc. Association for Computational Linguistics 2019"
    assert name_from_entry(paren) == "ONeil2019"
    assert name_from_entry(entries["spaced"]) == "Mnih2015"


CROSSREF = """\
@inproceedings{Child2017, author = {Vaswani, Ashish and Shazeer, Noam},
  title = {Attention Is All You Need}, crossref = {NIPS2017}}
@inproceedings{Overrides, author = {Shazeer, Noam}, year = 2016, crossref = {nips2017}}
@inproceedings{Grandchild, author = {Parmar, Niki}, crossref = {Child2017}}
@inproceedings{Lost, author = {Uszkoreit, Jakob}, crossref = {NIPS2099}}
@inproceedings{LoopA, author = {Jones, Llion}, crossref = {LoopB}}
@proceedings{LoopB, year = 2020, crossref = {LoopA}}
@proceedings{NIPS2017, title = {Advances in Neural Information Processing Systems 30},
  year = 2017, editor = {Guyon, I}}
"""


def test_crossref_is_followed() -> None:
    with pytest.warns(BibTeXWarning) as caught:
        entries = {e.key: e for e in parse_bibtex(CROSSREF, "c.bib")}
    # The proceedings come after the paper (as BibTeX wants) and the key's case may differ.
    assert name_from_entry(entries["Child2017"]) == "VaswaniShazeer2017"
    assert entries["Child2017"].text("title") == "Attention Is All You Need"
    assert entries["Child2017"].text("editor") == "Guyon, I"
    assert name_from_entry(entries["Overrides"]) == "Shazeer2016"  # its own year wins
    assert name_from_entry(entries["Grandchild"]) == "Parmar2017"  # through two crossrefs
    assert name_from_entry(entries["LoopA"]) == "Jones2020"
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 3
    assert messages[0].startswith("c.bib:5: entry 'Lost' has crossref 'NIPS2099'")
    assert messages[1].startswith("c.bib:6: the crossrefs of entry 'LoopA' go round in a circle")
    assert "(LoopA -> LoopB -> LoopA)" in messages[1]
    assert messages[2].startswith("c.bib:7: the crossrefs of entry 'LoopB' go round")
    with pytest.raises(Exception, match="no year field"):
        name_from_entry(entries["Lost"])


def test_a_key_two_entries_share_is_refused(dlc_bib: Path) -> None:
    entries = read_bibtex(dlc_bib)
    with pytest.raises(BibTeXError, match=r"2 entries of DLC.bib have the key .*3566, 4373"):
        find_entry(entries, "noauthor_undated-gt", "DLC.bib")
    assert find_entry(entries, "ororbia2017-RQ").key == "Ororbia2017-rq"  # case is forgiven


@pytest.mark.parametrize("opener", ['"{', "{{"])
def test_many_unclosed_values_are_read_in_linear_time(opener: str) -> None:
    # Each unclosed value once rescanned the rest of the file: 4,000 of them took 44 s.
    # No value reaches beyond a line that starts an entry, so 20,000 take well under a second.
    bad = "".join(
        f"@article{{k{n}, author = {{Smith, J}}, title = {opener}x, year = 2000}}\n"
        for n in range(20_000)
    )
    with pytest.warns(BibTeXWarning) as caught:
        entries = parse_bibtex(bad + "@article{ok, author = {Doe, Jane}, year = 2001}\n")
    assert [e.key for e in entries] == ["ok"] and name_from_entry(entries[0]) == "Doe2001"
    assert len(entries.skipped) == len(caught) == 20_000
    assert "missing before the entry on line 2" in str(caught[0].message)


def test_a_value_line_that_starts_an_entry_ends_the_value() -> None:
    # BibTeX would read this abstract whole; we stop it where a line starts "@name{", which no
    # exporter writes inside a value, and say so.
    text = (
        "@article{a, author = {Hinton, G}, abstract = {see\n  @article{x} for more}, year = 1}\n"
        "@article{b, author = {LeCun, Y}, year = 1998}\n"
    )
    with pytest.warns(BibTeXWarning, match="missing before the entry on line 2"):
        entries = parse_bibtex(text)
    # The line that looks like an entry is read as one, as BibTeX reads any "@" outside an
    # entry: here an empty entry x.
    assert [(e.key, e.fields) for e in entries] == [("x", {}), ("b", entries[1].fields)]
    # An "@" inside a line of a value is just text.
    entry = parse_bibtex("@misc{c, note = {mail a@b.org\n or @c{d} }, year = 2}")[0]
    assert entry.fields["note"] == "mail a@b.org\n or @c{d} "
