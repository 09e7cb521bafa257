# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The program's repository-naming rule, written once (standard library only).

A replication repository is named after the last names of the paper's first three authors,
``EtAl`` when there are more than three, the four-digit year, and ``_N`` only when another
replication already has that name: ``MikolovJoulinChopraEtAl2015``,
``OrorbiaMikolovReitter2017``, ``MikolovJoulinChopraEtAl2015_1``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, NamedTuple

from dlc_common.make.latex import fold_ascii, latex_to_unicode

if TYPE_CHECKING:  # the naming rule must stay cheap to import
    from dlc_common.make.bibtex import Entry

__all__ = [
    "MAX_LENGTH",
    "NAME_PATTERN",
    "Author",
    "NamingError",
    "check_repo_name",
    "name_from_entry",
    "package_name",
    "parse_authors",
    "parse_counter",
    "parse_year",
    "repo_name",
    "surname_key",
]

NAME_PATTERN = re.compile(r"^[A-Z][A-Za-z0-9]*[0-9]{4}(_[1-9][0-9]*)?$")
MAX_LENGTH = 100
ET_AL = "EtAl"
AUTHORS_IN_NAME = 3

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"}
# After a comma a lone "V" is more likely an initial (Mnih, V) than "the fifth".
_SUFFIXES_AFTER_COMMA = _SUFFIXES - {"v"}
_APOSTROPHES = "'’ʼ‘`´"
_PIECE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—.]+")
# BibTeX's separator, also at the very start or end of the list ("and Smith, J").
_AND = re.compile(r"(?:^|\s+)and(?=\s|$)", re.IGNORECASE)
_OTHERS = {"others", "et al", "et al.", "etal"}
_WORD_START = re.compile(r"(^|[\s\-‐‑‒–—.'’ʼ‘`´])(\w)")


class NamingError(ValueError):
    """An input the naming rule cannot use, with the field and what to write instead."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Author(NamedTuple):
    """One parsed author name (BibTeX parts, LaTeX not yet decoded)."""

    first: str
    von: str
    last: str
    jr: str = ""  # a generational suffix (Jr, III), never part of the repository name

    @property
    def surname(self) -> str:
        """Particle plus last name, as written: ``van der Maaten``."""
        return " ".join(part for part in (self.von, self.last) if part)

    @property
    def display(self) -> str:
        """The name as a reader would write it: ``Laurens van der Maaten``."""
        text = " ".join(part for part in (self.first, self.von, self.last) if part)
        return " ".join(latex_to_unicode(text).split())


def _split_top_level(text: str, separator: re.Pattern[str] | str) -> list[str]:
    """Split on ``separator`` where it stands outside braces."""
    parts, depth, start, pos = [], 0, 0, 0
    while pos < len(text):
        char = text[pos]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            if isinstance(separator, str):
                match_end = pos + len(separator) if text.startswith(separator, pos) else -1
            else:
                match = separator.match(text, pos)
                match_end = match.end() if match else -1
            if match_end > pos:
                parts.append(text[start:pos])
                start = pos = match_end
                continue
        pos += 1
    parts.append(text[start:])
    return parts


def _is_lower(token: str) -> bool:
    """BibTeX's test for a "von" word: its first letter, outside a plain brace group, is lower."""
    if token.startswith("{") and not token.startswith("{\\"):
        return False  # {Van} Gogh: a braced word counts as upper case
    decoded = latex_to_unicode(token)
    for char in decoded:
        if char.isalpha():
            return char.islower()
    return False


def _is_suffix(text: str, suffixes: set[str] = _SUFFIXES) -> bool:
    return text.strip().replace("{", "").replace("}", "").lower() in suffixes


def _suffix(text: str) -> str:
    """A generational suffix as printed: Paperpile's ``Iii`` is ``III``."""
    text = text.strip()
    return text.upper() if text.lower() in {"ii", "iii", "iv", "v"} else text


def _tokens_and_suffix(text: str) -> tuple[list[str], str]:
    tokens = [t for t in _split_top_level(text.strip(), re.compile(r"\s+")) if t]
    if len(tokens) > 1 and _is_suffix(tokens[-1]):
        return tokens[:-1], _suffix(tokens[-1])  # Hal Daumé III, "Ororbia II, Alexander"
    return tokens, ""


def _first_von_last(text: str, jr: str = "") -> Author:
    tokens, suffix = _tokens_and_suffix(text)
    jr = jr or suffix
    if len(tokens) == 1:
        return Author("", "", tokens[0], jr)
    lower = [i for i, token in enumerate(tokens[:-1]) if _is_lower(token)]
    if not lower:
        return Author(" ".join(tokens[:-1]), "", tokens[-1], jr)
    start, end = lower[0], lower[-1]
    return Author(
        " ".join(tokens[:start]),
        " ".join(tokens[start : end + 1]),
        " ".join(tokens[end + 1 :]),
        jr,
    )


def _von_last(text: str) -> tuple[str, str, str]:
    # "Ororbia II, Alexander G" is "Ororbia, II, Alexander G", whatever the exporter wrote.
    tokens, jr = _tokens_and_suffix(text)
    lower = [i for i, token in enumerate(tokens[:-1]) if _is_lower(token)]
    if not lower:
        return "", " ".join(tokens), jr
    end = lower[-1]
    return " ".join(tokens[: end + 1]), " ".join(tokens[end + 1 :]), jr


def parse_name(text: str) -> Author:
    """Parse one name: "First von Last", "von Last, First" or "von Last, Jr, First"."""
    text = " ".join(text.split())
    parts = [p.strip() for p in _split_top_level(text, ",")]
    if len(parts) == 1:
        return _first_von_last(parts[0])
    if len(parts) == 2:
        before, after = parts
        if _is_suffix(before) and after:
            return _first_von_last(after, _suffix(before))  # Paperpile's "Iii, Hal Daum{\'e}"
        if _is_suffix(after, _SUFFIXES_AFTER_COMMA) and before:
            return _first_von_last(before, _suffix(after))  # "Martin Luther King, Jr"
        von, last, jr = _von_last(before)
        return Author(after, von, last, jr)
    if len(parts) == 3:
        if _is_suffix(parts[0]) and parts[2]:
            return _first_von_last(parts[2], _suffix(parts[0]))
        von, last, jr = _von_last(parts[0])
        return Author(parts[2], von, last, _suffix(parts[1]) or jr)
    raise NamingError(
        "authors",
        f"{text!r} has {len(parts) - 1} commas; write each name as 'Last, First', "
        "'Last, Jr, First' or 'First Last', and separate names with ' and ' or ';'",
    )


def parse_authors(authors: str) -> tuple[list[Author], bool]:
    """Split an author list into names; the flag says a trailing "others" stood for more."""
    text = " ".join(authors.split())
    if not text:
        raise NamingError(
            "authors", "the author list is empty; write e.g. 'Mikolov, Tomas and Joulin, Armand'"
        )
    names = []
    for chunk in _split_top_level(text, ";"):
        names.extend(p.strip() for p in _split_top_level(chunk, _AND))
    names = [n for n in names if n]  # "and" at the start or end, or twice, names no one
    more = False
    while names and names[-1].lower() in _OTHERS:
        more = True
        names.pop()
    misplaced = [n for n in names if n.lower() in _OTHERS]
    if misplaced:
        raise NamingError(
            "authors",
            f"{misplaced[0]!r} stands in the middle of the author list, where the names it "
            "stands for are unknown; list the authors in the paper's order and end the list "
            "with 'and others' if it is cut short",
        )
    if not names:
        raise NamingError(
            "authors", "no author name given; write e.g. 'Mikolov, Tomas and Joulin, Armand'"
        )
    return [parse_name(name) for name in names], more


def _normal_case(surname: str) -> str:
    """The surname decoded, each word in capitals (``SMITH``) turned to ``Smith``.

    An export in capitals must give the same name as one in the paper's own case. A word in
    braces keeps its case (``{IBM}``): braces are how BibTeX protects case.
    """
    words = []
    for word in _split_top_level(surname.strip(), re.compile(r"\s+")):
        decoded = latex_to_unicode(word)
        letters = [c for c in decoded if c.isalpha()]
        protected = word.startswith("{") and not word.startswith("{\\")
        if len(letters) > 1 and not protected and all(c.isupper() for c in letters):
            decoded = _WORD_START.sub(lambda m: m.group(1) + m.group(2).upper(), decoded.lower())
        words.append(decoded)
    return " ".join(words)


def surname_key(surname: str) -> str:
    """The surname as it appears in a repository name: ``van der Maaten`` → ``VanDerMaaten``."""
    decoded = _normal_case(surname)
    folded = fold_ascii(decoded)
    for char in _APOSTROPHES:
        folded = folded.replace(char, "")
    pieces = []
    for piece in _PIECE_SEPARATORS.split(folded):
        kept = "".join(c for c in piece if c.isascii() and c.isalnum())
        if any(not c.isascii() and c.isalpha() for c in piece):
            script = _script_of(piece)
            raise NamingError(
                "authors",
                f"the surname {decoded.strip()!r} has {script} letters that have no ASCII form; "
                "write it romanised in Latin letters, as in the paper's English byline",
            )
        if kept:
            pieces.append(kept[0].upper() + kept[1:])
    key = "".join(pieces)
    if not any(c.isalpha() for c in key):
        raise NamingError(
            "authors",
            f"the surname {decoded.strip() or surname!r} has no Latin letters; "
            "write it romanised (Latin letters)",
        )
    if not key[0].isalpha():
        raise NamingError(
            "authors",
            f"the surname {decoded.strip()!r} starts with a digit; a name must start with a letter",
        )
    return key


def _script_of(text: str) -> str:
    for char in text:
        if not char.isascii() and char.isalpha():
            try:
                script = unicodedata.name(char).split()[0]
                return "CJK" if script == "CJK" else script.title()
            except ValueError:
                return "non-Latin"
    return "non-Latin"


def parse_year(year: int | str) -> int:
    """A four-digit year of publication."""
    text = str(year).strip()
    if not re.fullmatch(r"[12][0-9]{3}", text):
        raise NamingError(
            "year", f"{text!r} is not a four-digit year; write the year of publication, e.g. 2015"
        )
    return int(text)


def parse_counter(counter: int | str | None) -> int | None:
    """None for the first replication of a paper, else a positive integer N for ``_N``."""
    if counter is None:
        return None
    text = str(counter).strip()
    if not re.fullmatch(r"[1-9][0-9]*", text):
        raise NamingError(
            "counter",
            f"{text!r} is not a positive integer; give 1 for the second replication of a paper, "
            "2 for the third, or leave it out for the first",
        )
    return int(text)


def repo_name(authors: str, year: int | str, counter: int | str | None = None) -> str:
    """The repository name for a paper: ``MikolovJoulinChopraEtAl2015`` (``_N`` with a counter)."""
    parsed, more = parse_authors(authors)
    year_number = parse_year(year)
    number = parse_counter(counter)
    keys = [surname_key(author.surname) for author in parsed[:AUTHORS_IN_NAME]]
    name = "".join(keys)
    if len(parsed) > AUTHORS_IN_NAME or more:
        name += ET_AL
    name += str(year_number)
    if number is not None:
        name += f"_{number}"
    if len(name) > MAX_LENGTH:
        raise NamingError(
            "authors",
            f"the name {name!r} has {len(name)} characters, more than {MAX_LENGTH}; "
            "write the surnames in their shortest romanised form",
        )
    check_repo_name(name)
    return name


def check_repo_name(name: str) -> str:
    """Raise NamingError unless ``name`` has the shape of a repository name."""
    if len(name) > MAX_LENGTH or not NAME_PATTERN.match(name):
        raise NamingError(
            "name",
            f"{name!r} is not a repository name: it must match {NAME_PATTERN.pattern} "
            f"(e.g. MikolovJoulinChopraEtAl2015) and have at most {MAX_LENGTH} characters",
        )
    return name


def package_name(name: str) -> str:
    """The Python package of a replication: its repository name in lower case."""
    return check_repo_name(name).lower()


def name_from_entry(entry: Entry, counter: int | str | None = None) -> str:
    """The repository name for a BibTeX entry."""
    key = entry.key
    authors = entry.fields.get("author") or entry.fields.get("inventor")
    if not authors or not authors.strip():
        raise NamingError(
            "author",
            f"entry {key!r} has no author field; add author = {{Last, First and ...}} to it",
        )
    year = entry.fields.get("year")
    if not year or not year.strip():
        raise NamingError("year", f"entry {key!r} has no year field; add year = {{YYYY}} to it")
    try:
        return repo_name(authors, latex_to_unicode(year), counter)
    except NamingError as exc:
        raise NamingError(exc.field, f"entry {key!r}: {exc.message}") from None
