# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""SPDX licence expressions: parsing, and sorting licences into copyleft classes.

The grammar is the one of SPDX 3.0 Annex D: ``OR`` binds loosest, then ``AND``, then
``WITH``; parentheses group; ``+`` after an id means "or any later version". Operators are
accepted in upper or lower case, licence ids in any case.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import IntEnum


class Category(IntEnum):
    """How a licence constrains a GPL-3.0 replication, ordered from harmless to forbidden."""

    PERMISSIVE = 0
    WEAK_COPYLEFT = 1
    UNKNOWN = 2
    STRONG_COPYLEFT = 3

    @property
    def label(self) -> str:
        """The category as a message says it."""
        return self.name.lower().replace("_", " ")


class SPDXSyntaxError(ValueError):
    """A string that is not a valid SPDX licence expression."""


@dataclass(frozen=True)
class License:
    """One licence term: an id (``GPL-2.0``), ``+``, and an optional ``WITH`` exception."""

    id: str
    plus: bool = False
    exception: str | None = None

    def __str__(self) -> str:
        text = self.id + ("+" if self.plus else "")
        return f"{text} WITH {self.exception}" if self.exception else text


@dataclass(frozen=True)
class Compound:
    """Terms joined by one operator, ``AND`` or ``OR``."""

    op: str
    terms: tuple[Node, ...]

    def __str__(self) -> str:
        # AND inside OR needs no parentheses (AND binds tighter); OR inside AND does.
        parts = [
            f"({term})" if isinstance(term, Compound) and term.op == "OR" else str(term)
            for term in self.terms
        ]
        return f" {self.op} ".join(parts)


Node = License | Compound

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([A-Za-z0-9.\-:]+)(\+?))")


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise SPDXSyntaxError(f"unexpected {text[pos:].strip()[:1]!r} at column {pos + 1}")
        if match.group(1):
            yield "(", "(", match.start(1)
        elif match.group(2):
            yield ")", ")", match.start(2)
        else:
            word = match.group(3)
            if word in ("AND", "OR", "WITH", "and", "or", "with"):
                if match.group(4):
                    raise SPDXSyntaxError(f"'+' after the operator {word!r}")
                yield word.upper(), word, match.start(3)
            else:
                yield "ID", word + match.group(4), match.start(3)
        pos = match.end()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(_tokens(text))
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self, kind: str) -> str:
        if self.peek() != kind:
            found = self.tokens[self.pos][1] if self.pos < len(self.tokens) else "the end"
            want = "a licence id" if kind == "ID" else repr(kind)
            raise SPDXSyntaxError(f"expected {want}, found {found!r} in {self.text!r}")
        value = self.tokens[self.pos][1]
        self.pos += 1
        return value

    def parse(self) -> Node:
        if not self.tokens:
            raise SPDXSyntaxError("the expression is empty")
        node = self.expression()
        if self.pos != len(self.tokens):
            kind, found, _ = self.tokens[self.pos]
            hint = " (join licences with AND or OR)" if kind == "ID" else ""
            raise SPDXSyntaxError(f"unexpected {found!r} in {self.text!r}{hint}")
        return node

    def expression(self) -> Node:
        return self.joined("OR", self.conjunction)

    def conjunction(self) -> Node:
        return self.joined("AND", self.term)

    def joined(self, op: str, part: Callable[[], Node]) -> Node:
        terms = [part()]
        while self.peek() == op:
            self.pos += 1
            terms.append(part())
        if len(terms) == 1:
            return terms[0]
        # Flatten a OR (b OR c) into one n-ary node: the order of terms is kept.
        flat: list[Node] = []
        for term in terms:
            flat.extend(term.terms if isinstance(term, Compound) and term.op == op else [term])
        return Compound(op, tuple(flat))

    def term(self) -> Node:
        if self.peek() == "(":
            self.pos += 1
            node = self.expression()
            self.take(")")
            return node
        word = self.take("ID")
        plus = word.endswith("+")
        ident = word.rstrip("+")
        if ":" in ident and not re.fullmatch(r"DocumentRef-[A-Za-z0-9.\-]+:LicenseRef-.+", ident):
            raise SPDXSyntaxError(f"{word!r} is not a licence id")
        exception = None
        if self.peek() == "WITH":
            self.pos += 1
            exception = self.take("ID")
        return License(ident, plus, exception)


def parse(expression: str) -> Node:
    """Parse an SPDX licence expression; raise SPDXSyntaxError if it is not one."""
    return _Parser(expression).parse()


def licenses(node: Node) -> Iterator[License]:
    """Every licence term of an expression, left to right."""
    if isinstance(node, License):
        yield node
    else:
        for term in node.terms:
            yield from licenses(term)


def canonical(expression: str) -> str:
    """A form of the expression for comparing two of them: case and spacing do not matter."""
    return str(parse(expression)).lower()


# --- Classification --------------------------------------------------------------------------

# Families by id prefix, most specific first: AGPL and LGPL must never be read as GPL.
_FAMILIES: tuple[tuple[str, Category, str], ...] = (
    ("AGPL-", Category.STRONG_COPYLEFT, "AGPL"),
    ("LGPL-", Category.WEAK_COPYLEFT, "LGPL"),
    ("GPL-", Category.STRONG_COPYLEFT, "GPL"),
    ("SSPL-", Category.STRONG_COPYLEFT, "SSPL"),
    ("EUPL-", Category.STRONG_COPYLEFT, "EUPL"),
    ("OSL-", Category.STRONG_COPYLEFT, "OSL"),
    ("CC-BY-SA-", Category.STRONG_COPYLEFT, "CC-BY-SA"),
    ("CC-BY-NC-SA-", Category.STRONG_COPYLEFT, "CC-BY-SA"),
    ("GFDL-", Category.STRONG_COPYLEFT, "GFDL"),
    ("RPL-", Category.STRONG_COPYLEFT, "RPL"),
    ("Sleepycat", Category.STRONG_COPYLEFT, "Sleepycat"),
    ("MPL-", Category.WEAK_COPYLEFT, "MPL"),
    ("EPL-", Category.WEAK_COPYLEFT, "EPL"),
    ("CDDL-", Category.WEAK_COPYLEFT, "CDDL"),
    ("CPL-", Category.WEAK_COPYLEFT, "CPL"),
    ("MS-RL", Category.WEAK_COPYLEFT, "MS-RL"),
    ("OFL-", Category.WEAK_COPYLEFT, "OFL"),
    ("APSL-", Category.WEAK_COPYLEFT, "APSL"),
)


# Permissive and compatible with GPL-3.0. Apache-1.1, BSD-4-Clause and the like are left out
# on purpose: permissive, but not GPL-compatible, so they need a person's look (unknown).
def _words(text: str) -> list[str]:
    return text.split()


_PERMISSIVE = {
    i.lower()
    for i in _words(
        "0BSD Apache-2.0 Artistic-2.0 BlueOak-1.0.0 BSD-1-Clause BSD-2-Clause "
        "BSD-2-Clause-Patent BSD-3-Clause BSD-3-Clause-Clear BSD-3-Clause-LBNL BSL-1.0 "
        "bzip2-1.0.6 CC-BY-3.0 CC-BY-4.0 CC0-1.0 CNRI-Python curl HPND HPND-sell-variant ISC "
        "libpng-2.0 Libpng MIT MIT-0 MIT-CMU MIT-Modern-Variant MirOS NCSA NTP PostgreSQL "
        "PSF-2.0 Python-2.0 Python-2.0.1 Unicode-3.0 Unicode-DFS-2016 Unlicense UPL-1.0 W3C "
        "W3C-20150513 WTFPL X11 Zlib zlib-acknowledgement ZPL-2.1"
    )
}

# Free and permissive, but incompatible with the GPL (the FSF's list of licences): the
# advertising clause of BSD-4-Clause, Apache 1.x's naming conditions, AFL's and MS-PL's patent
# and venue terms. They are classified as unknown, with the reason said: a person decides.
_GPL_INCOMPATIBLE = {
    i.lower()
    for i in _words(
        "AFL-1.1 AFL-1.2 AFL-2.0 AFL-2.1 AFL-3.0 Apache-1.0 Apache-1.1 BSD-4-Clause "
        "BSD-4-Clause-Shortened BSD-4-Clause-UC BSD-4.3RENO BSD-4.3TAHOE MS-PL OpenSSL "
        "OpenSSL-standalone PHP-3.0 PHP-3.01 SSLeay-standalone Zend-2.0"
    )
}
INCOMPATIBLE_NOTE = "permissive but not compatible with the GPL: a person must review it"

# Exceptions that allow linking or bundling without the copyleft reaching the user's code
# (compiler runtimes, class paths, system calls): they turn strong copyleft into weak.
_LINKING_EXCEPTIONS = {
    i.lower()
    for i in _words(
        "Autoconf-exception-2.0 Autoconf-exception-3.0 Bison-exception-2.2 "
        "Classpath-exception-2.0 eCos-exception-2.0 FLTK-exception Font-exception-2.0 "
        "GCC-exception-2.0 GCC-exception-3.1 GPL-3.0-linking-exception "
        "GPL-3.0-linking-source-exception LGPL-3.0-linking-exception Libtool-exception "
        "Linux-syscall-note LLVM-exception mif-exception OCaml-LGPL-linking-exception "
        "openvpn-openssl-exception Qt-LGPL-exception-1.1 Qwt-exception-1.0 "
        "u-boot-exception-2.0 Universal-FOSS-exception-1.0 WxWindows-exception-3.1"
    )
}

# Ids the SPDX licence list deprecated because they left "only" or "or later" unsaid.
_DEPRECATED_GNU = {
    i.lower(): i
    for i in _words(
        "GPL-1.0 GPL-2.0 GPL-3.0 LGPL-2.0 LGPL-2.1 LGPL-3.0 AGPL-1.0 AGPL-3.0 "
        "GFDL-1.1 GFDL-1.2 GFDL-1.3"
    )
}


@dataclass(frozen=True)
class Verdict:
    """The class of a licence and the terms that decided it (``GPL-3.0-only (GPL)``)."""

    category: Category
    terms: tuple[str, ...]

    def describe(self) -> str:
        """The verdict as one phrase: ``strong copyleft: GPL-3.0-only (GPL)``."""
        return f"{self.category.label}: {', '.join(self.terms)}"


def classify_license(term: License) -> Verdict:
    """Classify one licence term, its ``WITH`` exception included."""
    ident = term.id.lower()
    category, family = Category.UNKNOWN, ""
    if ident in _PERMISSIVE:
        category = Category.PERMISSIVE
    elif not ident.startswith(("licenseref-", "documentref-")):
        for prefix, cat, fam in _FAMILIES:
            if ident.startswith(prefix.lower()):
                category, family = cat, fam
                break
    label = str(term) + (f" ({family})" if family else "")
    incompatible = ident in _GPL_INCOMPATIBLE
    if incompatible:
        label += f": {INCOMPATIBLE_NOTE}"
    if term.exception:
        if term.exception.lower() in _LINKING_EXCEPTIONS:
            if category == Category.STRONG_COPYLEFT:
                category = Category.WEAK_COPYLEFT
                label += ": the exception limits the copyleft"
        else:
            # An exception only ever adds permissions, so the licence without it is the
            # worst case; an exception we do not know is said, not guessed at.
            label += f": exception {term.exception} not known to this check"
    elif category == Category.UNKNOWN and not incompatible:
        label += ": not a licence this check knows"
    return Verdict(category, (label,))


def classify(node: Node) -> Verdict:
    """Classify an expression: with OR the best branch counts, with AND the worst term."""
    if isinstance(node, License):
        return classify_license(node)
    verdicts = [classify(term) for term in node.terms]
    pick = max if node.op == "AND" else min
    category = pick(v.category for v in verdicts)
    terms = tuple(t for v in verdicts if v.category == category for t in v.terms)
    if node.op == "OR":
        terms = terms[:1]  # one branch suffices: name the one chosen
    return Verdict(category, terms)


def classify_expression(expression: str) -> Verdict:
    """Classify an SPDX expression given as text; raise SPDXSyntaxError if it is not one."""
    return classify(parse(expression))


def is_known(term: License) -> bool:
    """Whether an id is one this module classifies (so free text like ``BSD`` is not)."""
    ident = term.id.lower()
    return ident in _GPL_INCOMPATIBLE or classify_license(License(term.id)).category != (
        Category.UNKNOWN
    )


def deprecated_ids(expression: str) -> list[tuple[str, str]]:
    """Deprecated GNU ids in an expression, each with the id to write instead."""
    found = []
    for term in licenses(parse(expression)):
        base = _DEPRECATED_GNU.get(term.id.lower())
        if base is not None:
            written = term.id + ("+" if term.plus else "")
            found.append((written, f"{base}-or-later" if term.plus else f"{base}-only"))
        elif term.id.lower().endswith("-or-later") and term.plus:
            found.append((term.id + "+", term.id))
    return found


# --- Free text: trove classifiers and the old License field ----------------------------------

# Ordered: the first match wins, and the copyleft families come first, so a text that names
# both MIT and GPL is judged by its GPL part. "lgpl" and "agpl" come before "gpl" for the
# same reason as the prefixes above; \b keeps "lgpl" from matching the GPL rule.
_TEXT_RULES: tuple[tuple[str, Category, str], ...] = (
    (r"\baffero\b|\bagpl", Category.STRONG_COPYLEFT, "AGPL"),
    (r"server side public|\bsspl", Category.STRONG_COPYLEFT, "SSPL"),
    (r"\blesser\b|\blibrary general public|\blgpl", Category.WEAK_COPYLEFT, "LGPL"),
    (r"free documentation|\bgfdl", Category.STRONG_COPYLEFT, "GFDL"),
    (r"general public licen[cs]e|\bgpl", Category.STRONG_COPYLEFT, "GPL"),
    (r"european union public|\beupl", Category.STRONG_COPYLEFT, "EUPL"),
    (r"open software licen[cs]e|\bosl\b", Category.STRONG_COPYLEFT, "OSL"),
    (r"share\s*-?\s*alike|\bcc[- ]by(-nc)?-sa\b", Category.STRONG_COPYLEFT, "CC-BY-SA"),
    (r"\bmozilla\b|\bmpl\b", Category.WEAK_COPYLEFT, "MPL"),
    (r"\beclipse public|\bepl\b", Category.WEAK_COPYLEFT, "EPL"),
    (r"common development and distribution|\bcddl\b", Category.WEAK_COPYLEFT, "CDDL"),
    # Before the families they belong to: the GPL-incompatible versions (see _GPL_INCOMPATIBLE).
    (
        r"\bapache(?:[ -]+software)?(?:[ -]+licen[cs]e)?[ ,-]*(?:v(?:ersion)?\.? ?)?1(?:\.[01])?\b",
        Category.UNKNOWN,
        f"Apache 1.x, {INCOMPATIBLE_NOTE}",
    ),
    (
        r"\b(?:4|four)[ -]clause\b.*\bbsd\b|\bbsd\b.*\b(?:4|four)[ -]clause\b|\bbsd-4\b"
        r"|\boriginal bsd\b",
        Category.UNKNOWN,
        f"BSD-4-Clause, {INCOMPATIBLE_NOTE}",
    ),
    (r"academic free licen[cs]e|\bafl\b", Category.UNKNOWN, f"AFL, {INCOMPATIBLE_NOTE}"),
    (r"\bapache\b", Category.PERMISSIVE, "Apache"),
    (r"\bbsd\b", Category.PERMISSIVE, "BSD"),
    (r"\bmit\b|\bexpat\b", Category.PERMISSIVE, "MIT"),
    (r"\bisc\b", Category.PERMISSIVE, "ISC"),
    (r"python software foundation|\bpsf\b", Category.PERMISSIVE, "PSF"),
    (r"\bzlib\b", Category.PERMISSIVE, "Zlib"),
    (r"boost software", Category.PERMISSIVE, "BSL"),
    (r"historical permission notice|\bhpnd\b", Category.PERMISSIVE, "HPND"),
    (r"university of illinois|\bncsa\b", Category.PERMISSIVE, "NCSA"),
    (r"zope public", Category.PERMISSIVE, "ZPL"),
    (r"universal permissive", Category.PERMISSIVE, "UPL"),
    (r"\bunlicense\b|public domain|\bcc0\b", Category.PERMISSIVE, "public domain"),
)

# Whole licence texts pasted into the License field: their first words say what they are.
_TEXT_BODIES: tuple[tuple[str, Category, str], ...] = (
    (r"permission is hereby granted, free of charge", Category.PERMISSIVE, "MIT"),
    (r"redistribution and use in source and binary forms", Category.PERMISSIVE, "BSD"),
)


def classify_text(text: str) -> Verdict | None:
    """Classify a free-text licence name (``Apache License 2.0``); None if unrecognised."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    # A pasted licence text is judged by its title line and its well-known clauses only:
    # its body may mention other licences in passing.
    head = next((line for line in lines if re.search(r"[A-Za-z]", line)), "")
    for pattern, category, family in _TEXT_RULES:
        if re.search(pattern, head, re.IGNORECASE):
            return Verdict(category, (f"{head[:80]} ({family})",))
    body = " ".join(lines[:40]).lower()
    for pattern, category, family in _TEXT_BODIES:
        if re.search(pattern, body):
            return Verdict(category, (f"licence text ({family})",))
    return None
