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

_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


def _read_argument(text: str, pos: int) -> tuple[str, int]:
    """Read one macro argument at ``pos``: a braced group or a single character."""
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos >= len(text):
        return "", pos
    if text[pos] == "{":
        depth = 0
        for end in range(pos, len(text)):
            if text[end] == "{":
                depth += 1
            elif text[end] == "}":
                depth -= 1
                if depth == 0:
                    return text[pos + 1 : end], end + 1
        return text[pos + 1 :], len(text)
    if text[pos] == "\\":
        match = _COMMAND.match(text, pos)
        assert match is not None
        return match.group(0), match.end()
    return text[pos], pos + 1


def latex_to_unicode(text: str) -> str:
    """Decode LaTeX accents and letter commands, drop grouping braces, keep everything else."""
    out: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char in "{}":
            pos += 1
            continue
        if char == "~":
            out.append(" ")
            pos += 1
            continue
        if char != "\\":
            out.append(char)
            pos += 1
            continue
        match = _COMMAND.match(text, pos)
        if match is None:  # a lone backslash at the very end
            out.append(char)
            break
        name = match.group(1)
        pos = match.end()
        if name in _ACCENTS:
            argument, pos = _read_argument(text, pos)
            # An accent on a dotless i or j (\'{\i}) means the plain letter with the accent.
            base = latex_to_unicode(argument).replace("ı", "i").replace("ȷ", "j")
            if base:
                out.append(base[0] + _ACCENTS[name] + base[1:])
            continue
        if name in _LETTERS:
            out.append(_LETTERS[name])
            # A space after a letter command only ends the command name.
            if name[0].isalpha() and pos < len(text) and text[pos] == " ":
                pos += 1
            continue
        if name in _WRAPPERS:
            argument, pos = _read_argument(text, pos)
            out.append(latex_to_unicode(argument))
            continue
        # An unknown command: keep its name as text rather than lose letters silently.
        out.append(name)
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
