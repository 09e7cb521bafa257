# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Turn the LaTeX found in BibTeX fields into Unicode text, and Unicode into ASCII."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold_ascii", "latex_to_unicode"]

# Accent commands and the combining character each one puts on the following letter.
_ACCENTS = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "r": "\u030a",
    "H": "\u030b",
    "v": "\u030c",
    "d": "\u0323",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
}

# Commands that stand for a letter or a symbol on their own.
_LETTERS = {
    "l": "ł",
    "L": "Ł",
    "o": "ø",
    "O": "Ø",
    "i": "ı",
    "j": "ȷ",
    "ss": "ß",
    "SS": "SS",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "dh": "ð",
    "DH": "Ð",
    "dj": "đ",
    "DJ": "Đ",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "&": "&",
    "%": "%",
    "$": "$",
    "#": "#",
    "_": "_",
    "{": "{",
    "}": "}",
    " ": " ",
    "textendash": "–",
    "textemdash": "—",
    "textquoteright": "’",
    "textquoteleft": "‘",
}

# Formatting commands whose argument is kept and whose name is dropped.
_WRAPPERS = {"textbf", "textit", "emph", "textrm", "textsc", "texttt", "textsf", "mathrm", "url"}

# Sort-only commands, whose argument is never printed: a bibliography's @preamble defines
# them as \newcommand{\noopsort}[1]{} to steer BibTeX's sorting ({\noopsort{a}}Smith).
_DROPPED_WITH_ARGUMENT = {"noopsort", "sortnoop", "SortNoop", "noop", "NOOP", "nosort"}
# Commands that print nothing: a hyphenation point, an italic correction, \relax.
_DROPPED = {"-", "/", "@", "relax"}

_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.S)
_BRACES = re.compile(r"[{}]")
_MAX_ACCENTS = 4
_UNDOTTED = {"ı": "i", "ȷ": "j"}
_SPACES = re.compile(r" *")


def _brace_pairs(text: str) -> dict[int, int]:
    """The position of the ``}`` that closes each ``{`` (unclosed ones are left out)."""
    pairs, open_at = {}, []
    for match in _BRACES.finditer(text):
        if match.group(0) == "{":
            open_at.append(match.start())
        elif open_at:
            pairs[open_at.pop()] = match.start()
    return pairs


class _Scanner:
    """The argument spans of ``text``, with its braces matched once (not once per command)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._pairs: dict[int, int] | None = None

    def argument(self, pos: int) -> tuple[int, int]:
        """The span of one macro argument at ``pos``: a braced group, a command or a character."""
        text = self.text
        pos = _SPACES.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            return pos, pos
        if text[pos] == "{":
            if self._pairs is None:
                self._pairs = _brace_pairs(text)
            return pos, self._pairs.get(pos, len(text) - 1) + 1
        if text[pos] == "\\":
            match = _COMMAND.match(text, pos)
            return pos, match.end() if match else len(text)
        return pos, pos + 1


def latex_to_unicode(text: str) -> str:
    """Decode LaTeX accents and letter commands, drop grouping braces, keep everything else.

    One pass with an explicit stack of open accents, never a recursion: 3,000 (or 100,000)
    nested braces or accents are read like any other text, in linear time.
    """
    out: list[str] = []
    # Accents still waiting for their letter: (end of the argument, combining character).
    # The first text written before the argument ends gets them all, innermost first.
    accents: list[tuple[int, str]] = []
    scanner = _Scanner(text)
    pos, size = 0, len(text)

    def write(chunk: str) -> None:
        if accents and chunk:
            # An accent on a dotless i or j (\'{\i}) means the plain letter with the accent.
            letter = _UNDOTTED.get(chunk[0], chunk[0])
            # No script stacks more than a few accents on a letter; keeping the innermost few
            # bounds Unicode normalisation, which is quadratic in the marks on one letter.
            marks = "".join(mark for _, mark in accents[: -_MAX_ACCENTS - 1 : -1])
            accents.clear()
            chunk = letter + marks + chunk[1:]
        out.append(chunk)

    while pos < size:
        while accents and pos >= accents[-1][0]:
            accents.pop()  # an accent on nothing (\'{}) is dropped
        char = text[pos]
        if char in "{}":
            pos += 1
            continue
        if char == "~":
            write(" ")
            pos += 1
            continue
        if char != "\\":
            write(char)
            pos += 1
            continue
        match = _COMMAND.match(text, pos)
        if match is None:  # a lone backslash at the very end
            write(char)
            break
        name = match.group(1)
        pos = match.end()
        if name in _ACCENTS:
            pos, end = scanner.argument(pos)
            accents.append((end, _ACCENTS[name]))
            continue
        if name in _LETTERS or name in _DROPPED:
            write(_LETTERS.get(name, ""))
            # A space after a letter command only ends the command name.
            if name[0].isalpha() and pos < size and text[pos] == " ":
                pos += 1
            continue
        if name in _WRAPPERS:
            pos = scanner.argument(pos)[0]  # the argument is read as the text it is
            continue
        if name in _DROPPED_WITH_ARGUMENT:
            pos = scanner.argument(pos)[1]
            continue
        # An unknown command: keep its name as text rather than lose letters silently.
        write(name)
    return unicodedata.normalize("NFC", "".join(out))


# Letters that Unicode decomposition does not reduce to ASCII.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ȷ": "j",
        "ŋ": "ng",
        "Ŋ": "Ng",
        "ħ": "h",
        "Ħ": "H",
        "ŀ": "l",
        "Ŀ": "L",
    }
)


def fold_ascii(text: str) -> str:
    """Strip accents and spell special Latin letters in ASCII; other characters are kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
