# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small BibTeX reader for bibliography exports such as Paperpile's (standard library only)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from dlc_common.make.latex import latex_to_unicode

__all__ = [
    "BibTeXError",
    "BibTeXWarning",
    "Bibliography",
    "Entry",
    "SkippedEntry",
    "find_entry",
    "parse_bibtex",
    "read_bibtex",
    "to_text",
]

_MONTHS = {
    m: str(i)
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_NAME = re.compile(r"[A-Za-z_][\w\-:.+/']*")
_SPACE = re.compile(r"\s+")
_SPACE_OR_NOTHING = re.compile(r"\s*")
_DIGITS = re.compile(r"[0-9]+")
# What matters inside a value: braces, the closing quote, and the escaped braces \{ \} (and
# \\, so that the brace after a line break \\ still counts). Plain BibTeX counts \} as a
# brace, but exporters (Paperpile) write \} for a lone brace in an abstract, as LaTeX does.
_BRACE = re.compile(r"\\[\\{}]|[{}]")
_BRACE_OR_QUOTE = re.compile(r'\\[\\{}]|[{}"]')
# BibTeX's citation key: everything up to white space, a comma or the entry's closer.
_KEY_IN_BRACES = re.compile(r"[^\s,}]+")
_KEY_IN_PARENS = re.compile(r"[^\s,)]+")
# A line that starts an entry. No value reaches beyond one: BibTeX would let an unclosed
# value swallow the rest of the file, and rescanning the rest after each such value would
# make reading a file with many of them quadratic. (No exporter starts a line of a value
# with "@name{".)
_ENTRY_START = re.compile(r"\n[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]")
# A field whose value has nothing to interpret ("text", {text} or digits, no "#" after it).
_SIMPLE_FIELD = re.compile(
    r"""\s*,\s*([A-Za-z_][\w\-:.+/']*)\s*=\s*"""
    r'(?:"([^"{}\\]*)"|\{([^{}\\]*)\}|([0-9]+))(?=\s*(?:[^\s#]|$))'
)


class BibTeXError(ValueError):
    """A BibTeX file or entry that cannot be used, with what to do about it."""


class BibTeXWarning(UserWarning):
    """A malformed entry skipped, or a crossref that leads nowhere; the rest is still read."""


class Entry:
    """One BibTeX entry: its type, citation key and raw field values (braces kept)."""

    def __init__(self, type: str, key: str, fields: dict[str, str] | None = None, line: int = 0):
        self.type = type
        self.key = key
        self.fields: dict[str, str] = fields if fields is not None else {}
        self.line = line

    def __repr__(self) -> str:
        return f"Entry({self.type!r}, {self.key!r}, line={self.line})"

    def text(self, name: str) -> str | None:
        """The field as plain Unicode text (LaTeX decoded, braces dropped), or None."""
        value = self.fields.get(name.lower())
        return None if value is None else to_text(value)


def to_text(value: str) -> str:
    """Turn a raw BibTeX value into plain text: LaTeX decoded, braces and extra spaces gone."""
    return _SPACE.sub(" ", latex_to_unicode(value)).strip()


class SkippedEntry(NamedTuple):
    """An entry that could not be read and was left out, as BibTeX leaves it out."""

    key: str | None
    line: int
    message: str


class Bibliography(list[Entry]):
    """The entries of a BibTeX file in file order, and the malformed ones that were skipped."""

    def __init__(self, entries: Iterable[Entry] = (), skipped: Iterable[SkippedEntry] = ()) -> None:
        super().__init__(entries)
        self.skipped: list[SkippedEntry] = list(skipped)


class _Parser:
    """BibTeX's own grammar, scanned with regular expressions so that reading is linear."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.pos = 0
        self.macros = dict(_MONTHS)
        # Line numbers are counted incrementally from the last one asked for: counting from
        # the start of the file for every entry made reading quadratic in the file size.
        self._line_pos = 0
        self._line = 1
        self.key: str | None = None
        self.quote_closed_by_backslash = False
        self.notes: list[str] = []  # warnings, given by the public functions to their caller
        self._limit = 0  # where the next entry starts: no value reaches beyond it

    def line_at(self, pos: int) -> int:
        if pos >= self._line_pos:
            self._line += self.text.count("\n", self._line_pos, pos)
        else:
            self._line -= self.text.count("\n", pos, self._line_pos)
        self._line_pos = pos
        return self._line

    def error(self, message: str, pos: int | None = None) -> BibTeXError:
        line = self.line_at(self.pos if pos is None else pos)
        return BibTeXError(f"{self.source}:{line}: {message}")

    def skip_space(self) -> None:
        self.pos = _SPACE_OR_NOTHING.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def peek(self) -> str:
        return self.text[self.pos : self.pos + 1]

    def expect(self, chars: str, after: str = "") -> str:
        self.skip_space()
        char = self.peek()
        if not char or char not in chars:
            found = char or "end of file"
            wanted = " or ".join(repr(c) for c in chars)
            message = f"expected {wanted}{after}, found {found!r}"
            if self.quote_closed_by_backslash:
                message += (
                    '; in BibTeX a " inside a "..." value ends the value, even after a '
                    'backslash: write the accent in braces, as in {\\"u}'
                )
            raise self.error(message)
        self.pos += 1
        return char

    def name(self, what: str = "a name") -> str:
        self.skip_space()
        match = _NAME.match(self.text, self.pos)
        if not match:
            found = self.peek() or "end of file"
            raise self.error(f"expected {what}, found {found!r}")
        self.pos = match.end()
        return match.group(0)

    def delimited(self, close: str) -> str:
        """Read up to the matching ``close``; the opening delimiter was consumed.

        BibTeX's rules: braces nest, and a quoted value ends at the first ``"`` outside braces,
        even after a backslash (so an umlaut inside quotes is ``{\\"u}``, never ``\\"u``).
        """
        start, depth, escaped_until = self.pos, 0, -1
        pattern = _BRACE if close == "}" else _BRACE_OR_QUOTE
        if start >= self._limit:
            match = _ENTRY_START.search(self.text, start)
            self._limit = match.start() if match else len(self.text)
        for match in pattern.finditer(self.text, start, self._limit):
            char = match.group(0)
            if char[0] == "\\":
                escaped_until = match.end()
            elif char == "{":
                depth += 1
            elif depth:
                depth -= char == "}"  # a quote inside braces is text: {\\"u}
            elif char == close:
                self.pos = match.end()
                at = match.start()
                self.quote_closed_by_backslash = (
                    close == '"' and self.text[at - 1] == "\\" and escaped_until != at
                )
                return self.text[start:at]
            else:  # a "}" closing nothing inside a quoted value: the entry ended in it
                where = f"the '}}' on line {self.line_at(match.start())} that ends the entry"
                break
        else:
            where = "the end of the file"
            if self._limit < len(self.text):
                where = f"the entry on line {self.line_at(self._limit + 1)}"
        raise self.error(
            f"unterminated value: the {close!r} that closes it is missing before {where}",
            pos=start - 1,
        )

    def value(self) -> str:
        parts = []
        while True:
            self.skip_space()
            self.quote_closed_by_backslash = False
            char = self.peek()
            if char == '"':
                self.pos += 1
                parts.append(self.delimited('"'))
            elif char == "{":
                self.pos += 1
                parts.append(self.delimited("}"))
            elif char.isdigit():
                match = _DIGITS.match(self.text, self.pos)
                assert match is not None
                self.pos = match.end()
                parts.append(match.group(0))
            elif char:
                macro = self.name("a field value")
                parts.append(self.macros.get(macro.lower(), macro))
            else:
                raise self.error("expected a field value, found end of file")
            self.skip_space()
            if self.peek() != "#":
                return "".join(parts)
            self.pos += 1

    def entry(self, at: int, found: list[Entry]) -> None:
        """Read the entry whose ``@`` is at ``at``; append it to ``found`` if it is one."""
        self.pos = at + 1
        self.key = None
        kind = self.name("an entry type after '@'").lower()
        if kind == "comment":
            return  # BibTeX ignores the word and goes on looking for the next "@"
        opener = self.expect("{(", f" after @{kind}")
        closer = "}" if opener == "{" else ")"
        if kind == "preamble":
            self.value()
            self.expect(closer, " at the end of the @preamble")
            return
        if kind == "string":
            macro = self.name("a @string name")
            self.expect("=", f" after @string name {macro!r}")
            self.macros[macro.lower()] = self.value()
            self.expect(closer, " at the end of the @string")
            return
        self.skip_space()
        match = (_KEY_IN_BRACES if closer == "}" else _KEY_IN_PARENS).match(self.text, self.pos)
        if not match:
            raise self.error(f"@{kind} entry has no citation key")
        self.key = match.group(0)
        self.pos = match.end()
        entry = Entry(kind, self.key, line=self.line_at(at))
        text, fields, last_field = self.text, entry.fields, None
        while True:
            # The fast path, for the usual field: one regular expression for its name and a
            # value without braces, backslashes or "#" (a tenth of the time of the general path).
            simple = _SIMPLE_FIELD.match(text, self.pos)
            if simple is not None:
                self.pos = simple.end()
                last_field = simple.group(1).lower()
                fields.setdefault(last_field, simple.group(simple.lastindex))  # type: ignore[arg-type]
                continue
            # The general path, which also finds the end of the entry and explains errors.
            after = f" after the value of {last_field!r}" if last_field else " after the key"
            if self.expect("," + closer, after) == closer:
                break
            self.skip_space()
            if self.peek() == closer:
                self.pos += 1
                break
            field_name = self.name("a field name").lower()
            self.expect("=", f" after the field name {field_name!r}")
            value = self.value()
            # BibTeX keeps the first of repeated fields and ignores the others.
            fields.setdefault(field_name, value)
            last_field = field_name
        found.append(entry)

    def entries(self) -> Bibliography:
        found: list[Entry] = []
        skipped: list[SkippedEntry] = []
        while True:
            at = self.text.find("@", self.pos)
            if at < 0:
                break
            try:
                self.entry(at, found)
            except BibTeXError as exc:
                # As BibTeX does: report it, skip the rest of this entry, go on from the
                # next "@", so that one bad entry leaves every other key usable.
                what = f"entry {self.key!r}" if self.key else "entry"
                skipped.append(SkippedEntry(self.key, self.line_at(at), str(exc)))
                self.notes.append(
                    f"{exc}; skipped this {what} (line {self.line_at(at)}), read the others"
                )
                self.pos = at + 1
        _follow_crossrefs(found, self.source, self.notes)
        return Bibliography(found, skipped)


def _follow_crossrefs(entries: list[Entry], source: str, notes: list[str]) -> None:
    """Fill each entry's missing fields from the entry its ``crossref`` names, as BibTeX does."""
    by_key: dict[str, Entry] = {}
    for entry in entries:
        by_key.setdefault(entry.key.lower(), entry)
    for entry in entries:
        seen, path = {entry.key.lower()}, [entry.key]
        child = entry
        while "crossref" in child.fields:
            target = to_text(child.fields["crossref"])
            parent = by_key.get(target.lower())
            if parent is None:
                notes.append(
                    f"{source}:{child.line}: entry {child.key!r} has crossref {target!r}, "
                    "but no entry has that key; add it or remove the crossref"
                )
                break
            path.append(parent.key)
            if parent.key.lower() in seen:
                notes.append(
                    f"{source}:{entry.line}: the crossrefs of entry {entry.key!r} go round in "
                    f"a circle ({' -> '.join(path)}); remove one of these crossref fields"
                )
                break
            seen.add(parent.key.lower())
            for name, value in parent.fields.items():
                if name != "crossref":
                    entry.fields.setdefault(name, value)
            child = parent


def parse_bibtex(text: str, source: str = "<bibtex>") -> Bibliography:
    """Parse BibTeX text into its entries, in file order; a malformed entry is skipped.

    Each skipped entry is a BibTeXWarning and is listed in the result's ``skipped``; a text
    in which every entry is malformed is a BibTeXError (it is not a usable BibTeX file).
    """
    return _parse(text, source, stacklevel=3)


def _parse(text: str, source: str, stacklevel: int) -> Bibliography:
    parser = _Parser(text, source)
    entries = parser.entries()
    if entries.skipped and not entries:  # nothing usable: an error, not a list of warnings
        raise BibTeXError(entries.skipped[0].message)
    for note in parser.notes:
        warnings.warn(note, BibTeXWarning, stacklevel=stacklevel)
    return entries


def read_bibtex(path: str | Path) -> Bibliography:
    """Read a BibTeX file; a missing or unreadable file is a BibTeXError that says which."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BibTeXError(f"{path}: no such BibTeX file; give the path of a .bib export") from None
    except UnicodeDecodeError as exc:
        raise BibTeXError(f"{path}: not UTF-8 text ({exc.reason}); export it as UTF-8") from None
    except OSError as exc:
        raise BibTeXError(f"{path}: cannot read it ({exc.strerror})") from None
    return _parse(text, str(path), stacklevel=3)


def find_entry(entries: list[Entry], key: str, source: str = "the file") -> Entry:
    """The entry with citation key ``key``; a missing key suggests the closest keys.

    A key that two entries share, or that names an entry skipped as malformed, is a
    BibTeXError that says so: the wrong paper must never be picked silently.
    """
    matches = [entry for entry in entries if entry.key == key]
    if not matches:
        matches = [entry for entry in entries if entry.key.lower() == key.lower()]
    if len(matches) > 1:
        lines = ", ".join(str(entry.line) for entry in matches)
        raise BibTeXError(
            f"{len(matches)} entries of {source} have the key {key!r} (lines {lines}); "
            "give each one its own key"
        )
    if matches:
        return matches[0]
    for skipped in getattr(entries, "skipped", ()):
        if skipped.key is not None and skipped.key.lower() == key.lower():
            raise BibTeXError(
                f"the entry {skipped.key!r} of {source} is malformed and was skipped: "
                f"{skipped.message}"
            )
    import difflib

    close = difflib.get_close_matches(key, [e.key for e in entries], n=3)
    hint = (
        f"; did you mean {', '.join(close)}?"
        if close
        else "; list the keys with: dlc name --bibtex FILE"
    )
    raise BibTeXError(f"no entry with key {key!r} in {source}{hint}")
