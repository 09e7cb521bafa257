# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small BibTeX reader for bibliography exports such as Paperpile's (standard library only)."""

from __future__ import annotations

import re
from pathlib import Path

from dlc_common.latex import latex_to_unicode

__all__ = ["BibTeXError", "Entry", "find_entry", "parse_bibtex", "read_bibtex", "to_text"]

_MONTHS = {
    m: str(i)
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_NAME = re.compile(r"[A-Za-z_][\w\-:.+/']*")
_SPACE = re.compile(r"\s+")


class BibTeXError(ValueError):
    """A BibTeX file or entry that cannot be used, with what to do about it."""


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


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.pos = 0
        self.macros = dict(_MONTHS)

    def error(self, message: str) -> BibTeXError:
        line = self.text.count("\n", 0, self.pos) + 1
        return BibTeXError(f"{self.source}:{line}: {message}")

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def expect(self, chars: str) -> str:
        self.skip_space()
        if self.pos >= len(self.text) or self.text[self.pos] not in chars:
            found = self.text[self.pos : self.pos + 1] or "end of file"
            raise self.error(f"expected {' or '.join(repr(c) for c in chars)}, found {found!r}")
        self.pos += 1
        return self.text[self.pos - 1]

    def name(self) -> str:
        self.skip_space()
        match = _NAME.match(self.text, self.pos)
        if not match:
            raise self.error("expected a name")
        self.pos = match.end()
        return match.group(0)

    def delimited(self, close: str) -> str:
        """Read up to the matching ``close``; the opening delimiter was consumed."""
        start, depth = self.pos, 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    if close == "}":
                        self.pos += 1
                        return self.text[start : self.pos - 1]
                    break  # a quoted value ran into the end of its entry
                depth -= 1
            elif char == close and depth == 0:
                self.pos += 1
                return self.text[start : self.pos - 1]
            self.pos += 1
        self.pos = start - 1
        raise self.error(f"unterminated value: the {close!r} that closes it is missing")

    def value(self) -> str:
        parts = []
        while True:
            self.skip_space()
            char = self.text[self.pos : self.pos + 1]
            if char == '"':
                self.pos += 1
                parts.append(self.delimited('"'))
            elif char == "{":
                self.pos += 1
                parts.append(self.delimited("}"))
            elif char.isdigit():
                match = re.compile(r"\d+").match(self.text, self.pos)
                assert match is not None
                self.pos = match.end()
                parts.append(match.group(0))
            elif char:
                macro = self.name()
                parts.append(self.macros.get(macro.lower(), macro))
            else:
                raise self.error("expected a field value")
            self.skip_space()
            if self.text[self.pos : self.pos + 1] != "#":
                return "".join(parts)
            self.pos += 1

    def entries(self) -> list[Entry]:
        found: list[Entry] = []
        while True:
            at = self.text.find("@", self.pos)
            if at < 0:
                return found
            self.pos = at + 1
            kind = self.name().lower()
            line = self.text.count("\n", 0, at) + 1
            if kind == "comment":
                continue
            opener = self.expect("{(")
            closer = "}" if opener == "{" else ")"
            if kind == "preamble":
                self.value()
                self.expect(closer)
                continue
            if kind == "string":
                macro = self.name()
                self.expect("=")
                self.macros[macro.lower()] = self.value()
                self.expect(closer)
                continue
            self.skip_space()
            end = self.pos
            while end < len(self.text) and self.text[end] not in ",\n" + closer:
                end += 1
            key = self.text[self.pos : end].strip()
            if not key:
                raise self.error(f"@{kind} entry has no citation key")
            self.pos = end
            entry = Entry(kind, key, line=line)
            while True:
                self.skip_space()
                if self.text[self.pos : self.pos + 1] == closer:
                    self.pos += 1
                    break
                self.expect(",")
                self.skip_space()
                if self.text[self.pos : self.pos + 1] == closer:
                    self.pos += 1
                    break
                field_name = self.name().lower()
                self.expect("=")
                entry.fields[field_name] = self.value()
            found.append(entry)


def parse_bibtex(text: str, source: str = "<bibtex>") -> list[Entry]:
    """Parse BibTeX text into its entries, in file order."""
    return _Parser(text, source).entries()


def read_bibtex(path: str | Path) -> list[Entry]:
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
    return parse_bibtex(text, str(path))


def find_entry(entries: list[Entry], key: str, source: str = "the file") -> Entry:
    """The entry with citation key ``key``; a missing key suggests the closest keys."""
    for entry in entries:
        if entry.key == key:
            return entry
    folded = {entry.key.lower(): entry for entry in entries}
    if key.lower() in folded:
        return folded[key.lower()]
    import difflib

    close = difflib.get_close_matches(key, [e.key for e in entries], n=3)
    hint = (
        f"; did you mean {', '.join(close)}?"
        if close
        else "; list the keys with: dlc name --bibtex FILE"
    )
    raise BibTeXError(f"no entry with key {key!r} in {source}{hint}")
