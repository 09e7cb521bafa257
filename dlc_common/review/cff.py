# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading CITATION.cff without PyYAML: the block YAML that CFF files are written in.

Block mappings and sequences (``- key: value`` items too), plain, single- and double-quoted
scalars (with YAML's escapes), literal and folded block scalars (``|``, ``>``, with ``-``/``+``),
flow sequences of scalars (``[a, "b"]``) and comments. Anchors, tags, flow mappings and
multi-document files are not CFF's and raise CffError, which names the line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["CffError", "parse_cff", "read_cff"]


class CffError(ValueError):
    """A CITATION.cff this reader cannot read; the message names the line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
    "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX = {"x": 2, "u": 4, "U": 8}
_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_KEY = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-?:,\[\]{}&*!|>%@`][^#]*?)"""
                  r"""\s*:(?:\s+|$)""")  # fmt: skip


def _double(text: str, line: int) -> str:
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        code = text[i + 1 : i + 2]
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
            i += 2
        elif code in _HEX:
            digits = text[i + 2 : i + 2 + _HEX[code]]
            if len(digits) != _HEX[code] or not re.fullmatch(r"[0-9a-fA-F]+", digits):
                raise CffError(line, f"bad escape \\{code}{digits} in a double-quoted string")
            out.append(chr(int(digits, 16)))
            i += 2 + _HEX[code]
        else:
            raise CffError(line, f"unknown escape \\{code} in a double-quoted string")
    return "".join(out)


def _quoted_end(text: str, quote: str) -> int:
    """The index of the closing quote of the string that ``text`` starts with, or -1."""
    i = 1
    while i < len(text):
        if quote == '"' and text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return -1


def _strip_comment(text: str) -> str:
    """The line without a trailing comment (a '#' after a space, outside quotes)."""
    quote = ""
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            if quote == '"' and char == "\\":
                i += 2
                continue
            if char == quote:
                quote = ""
        elif char in "\"'" and (i == 0 or text[i - 1] in " \t[,:-"):
            quote = char
        elif char == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
        i += 1
    return text.rstrip()


def _scalar(text: str, line: int) -> Any:
    text = text.strip()
    if not text:
        return None
    if text[0] == '"':
        if _quoted_end(text, '"') != len(text) - 1:
            raise CffError(line, f"a double-quoted string that does not end: {text[:40]}")
        return _double(text[1:-1], line)
    if text[0] == "'":
        if _quoted_end(text, "'") != len(text) - 1:
            raise CffError(line, f"a single-quoted string that does not end: {text[:40]}")
        return text[1:-1].replace("''", "'")
    if text[0] == "[":
        if not text.endswith("]"):
            raise CffError(line, "a flow sequence [...] must end on its line")
        inner = text[1:-1].strip()
        return [_scalar(part, line) for part in _split_flow(inner, line)] if inner else []
    if text[0] in "{&*!%@`":
        raise CffError(line, f"{text[0]!r} (flow mappings, anchors, tags) is not read here")
    if text in ("null", "Null", "NULL", "~"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def _split_flow(text: str, line: int) -> list[str]:
    parts, start, i = [], 0, 0
    while i < len(text):
        if text[i] in "\"'":
            end = _quoted_end(text[i:], text[i])
            if end < 0:
                raise CffError(line, "a quoted string in [...] that does not end")
            i += end + 1
            continue
        if text[i] in "[]{}":
            raise CffError(line, "nested flow collections are not read here")
        if text[i] == ",":
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


class _Parser:
    def __init__(self, text: str) -> None:
        self.raw = text.splitlines()
        self.lines: list[tuple[int, int, str]] = []  # (line number, indent, content)
        for number, line in enumerate(self.raw, start=1):
            if line.strip() in ("---", "..."):
                if self.lines:
                    raise CffError(number, "a second YAML document: CFF is one")
                continue
            body = line.lstrip(" ")
            if body.startswith("\t"):
                raise CffError(number, "a tab indents this line: YAML indents with spaces")
            content = _strip_comment(body)
            if content:
                self.lines.append((number, len(line) - len(body), content))

    def parse(self) -> Any:
        if not self.lines:
            return None
        value, end = self.block(0, self.lines[0][1])
        if end < len(self.lines):
            number, _, content = self.lines[end]
            raise CffError(number, f"unexpected indentation before {content[:40]!r}")
        return value

    def block(self, i: int, indent: int) -> tuple[Any, int]:
        content = self.lines[i][2]
        if content == "-" or content.startswith("- "):
            return self.sequence(i, indent)
        return self.mapping(i, indent)

    def sequence(self, i: int, indent: int) -> tuple[list[Any], int]:
        items = []
        while i < len(self.lines):
            number, here, content = self.lines[i]
            if here != indent or not (content == "-" or content.startswith("- ")):
                break
            rest = content[1:].lstrip(" ")
            if not rest:
                value, i = self.nested(i, indent)
            elif _KEY.match(rest) or rest == "-" or rest.startswith("- "):
                # "- key: value": a mapping (or sequence) indented where its first key starts.
                self.lines[i] = (number, indent + len(content) - len(rest), rest)
                value, i = self.block(i, self.lines[i][1])
            else:
                value, i = self.scalar_lines(i, rest, indent)
            items.append(value)
        return items, i

    def mapping(self, i: int, indent: int) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        while i < len(self.lines):
            number, here, content = self.lines[i]
            if here != indent or content == "-" or content.startswith("- "):
                break
            match = _KEY.match(content)
            if not match:
                raise CffError(number, f"expected 'key: value', found {content[:40]!r}")
            key = _scalar(match.group(1), number)
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                raise CffError(number, f"the key {key!r} appears twice")
            rest = content[match.end() :].strip()
            if not rest:
                nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
                if nxt is not None and nxt[1] == indent and nxt[2][:2] in ("- ", "-"):
                    value, i = self.sequence(i + 1, indent)
                else:
                    value, i = self.nested(i, indent)
            elif rest[0] in "|>":
                value, i = self.block_scalar(i, rest, indent)
            else:
                value, i = self.scalar_lines(i, rest, indent)
            result[key] = value
        return result, i

    def nested(self, i: int, indent: int) -> tuple[Any, int]:
        """The block below line i (more indented), or None when there is none."""
        if i + 1 < len(self.lines) and self.lines[i + 1][1] > indent:
            return self.block(i + 1, self.lines[i + 1][1])
        return None, i + 1

    def scalar_lines(self, i: int, first: str, indent: int) -> tuple[Any, int]:
        """A scalar that may go on over more indented lines (folded into one with spaces)."""
        number = self.lines[i][0]
        parts = [first]
        i += 1
        while i < len(self.lines) and self.lines[i][1] > indent:
            parts.append(self.lines[i][2])
            i += 1
        return _scalar(" ".join(parts), number), i

    def block_scalar(self, i: int, header: str, indent: int) -> tuple[str, int]:
        number = self.lines[i][0]
        style, chomp = header[0], header[1:].strip()
        if chomp not in ("", "-", "+"):
            raise CffError(number, f"block scalar header {header!r} is not read here")
        # The block is every raw line after the header that is blank or more indented.
        raw = self.raw[number:]
        body: list[str] = []
        for line in raw:
            if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
                break
            body.append(line)
        while i + 1 < len(self.lines) and self.lines[i + 1][0] <= number + len(body):
            i += 1
        width = min((len(s) - len(s.lstrip(" ")) for s in body if s.strip()), default=0)
        lines = [s[width:] if s.strip() else "" for s in body]
        trailing = len(lines) - len("\n".join(lines).rstrip("\n").split("\n")) if lines else 0
        kept = lines[: len(lines) - trailing] if trailing else lines
        if style == "|":
            text = "\n".join(kept)
        else:
            # Folded: a line break between two lines of text is a space, an empty line a break.
            text, after_text = "", False
            for line in kept:
                if not line:
                    text += "\n"
                elif after_text:
                    text += " " + line
                else:
                    text += line
                after_text = bool(line)
        if chomp == "-":
            return text, i + 1
        if chomp == "+":
            return text + "\n" * (trailing + 1), i + 1
        return text + "\n" if text else text, i + 1


def parse_cff(text: str) -> Any:
    """The data of a CFF (YAML) text; CffError names the line of what cannot be read."""
    return _Parser(text).parse()


def read_cff(path: str | Path) -> dict[str, Any]:
    """CITATION.cff as a mapping; CffError if it is not one, OSError if it cannot be read."""
    data = parse_cff(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise CffError(1, "the file is not a mapping of keys (cff-version: ..., title: ...)")
    return data
