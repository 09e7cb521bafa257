# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""PEP 508 requirements and environment markers, as far as a licence check needs them.

The standard library has no parser for ``name[extra] >= 1; python_version < "3.11"``, and the
hooks take no dependency (not even ``packaging``), so this is a small one: the name, the extras
and the marker, evaluated against the marker values of the environment being checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class RequirementError(ValueError):
    """A requirement or marker that cannot be parsed."""


@dataclass(frozen=True)
class Requirement:
    """The parts of a PEP 508 requirement that decide what gets installed."""

    name: str
    extras: frozenset[str]
    marker: str | None
    text: str

    def applies(self, environment: Mapping[str, str], extras: Iterable[str] = ("",)) -> bool:
        """Whether the marker holds in the environment for any of the extras requested."""
        if self.marker is None:
            return True
        return any(evaluate(self.marker, {**environment, "extra": e}) for e in extras)


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them: ``Foo_Bar`` -> ``foo-bar``."""
    return re.sub(r"[-_.]+", "-", name).lower()


_REQUIREMENT = re.compile(
    r"""^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*
    (?:\[(?P<extras>[^\]]*)\])?\s*
    (?P<rest>[^;]*?)\s*
    (?:;\s*(?P<marker>.*?))?\s*$""",
    re.VERBOSE,
)


_VERSION_CLAUSE = r"\s*(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*"
# What may follow the name: version clauses (in parentheses or not), or "@ url".
_SPECIFIER = re.compile(rf"(?:\(?{_VERSION_CLAUSE}(?:,{_VERSION_CLAUSE})*\)?|@\s*\S+\s*)?")


def parse_requirement(text: str) -> Requirement:
    """Parse ``name[extras] spec ; marker``; raise RequirementError if it is not one."""
    match = _REQUIREMENT.match(text)
    if match is None:
        raise RequirementError(f"{text!r} is not a PEP 508 requirement")
    extras = frozenset(
        normalize(e.strip()) for e in (match.group("extras") or "").split(",") if e.strip()
    )
    if not _SPECIFIER.fullmatch(match.group("rest")):
        raise RequirementError(f"{text!r} is not a PEP 508 requirement (after the name)")
    marker = match.group("marker") or None
    if marker is not None:
        _Marker(marker).parse()  # fail now, on the line that is wrong, not during the walk
    return Requirement(normalize(match.group("name")), extras, marker, text.strip())


_MARKER_TOKEN = re.compile(
    r"""\s*(\(|\)|'[^']*'|"[^"]*"|===|==|!=|<=|>=|~=|<|>|[A-Za-z_][A-Za-z0-9_.]*)"""
)
VARIABLES = {
    "python_version",
    "python_full_version",
    "os_name",
    "sys_platform",
    "platform_release",
    "platform_system",
    "platform_version",
    "platform_machine",
    "platform_python_implementation",
    "implementation_name",
    "implementation_version",
    "extra",
}
# Names from PEP 345 that old metadata still uses.
_LEGACY = {
    "os.name": "os_name",
    "sys.platform": "sys_platform",
    "platform.version": "platform_version",
    "platform.machine": "platform_machine",
    "platform.python_implementation": "platform_python_implementation",
    "python_implementation": "platform_python_implementation",
}


def _release(text: str) -> tuple[tuple[int, ...], bool] | None:
    """(release numbers, is a pre-release) of a version string; None if it is not one."""
    match = re.fullmatch(r"v?(\d+(?:\.\d+)*)((?:a|b|rc|alpha|beta|dev|c)\d*)?(\+.*)?", text.strip())
    if match is None:
        return None
    return tuple(int(part) for part in match.group(1).split(".")), bool(match.group(2))


def _compare_versions(left: str, op: str, right: str) -> bool | None:
    """Compare as versions (``3.9 < 3.10``); None if either side is not a version."""
    if right.endswith(".*") and op in ("==", "!="):
        parsed = _release(left)
        prefix = _release(right[:-2])
        if parsed is None or prefix is None:
            return None
        equal = parsed[0][: len(prefix[0])] == prefix[0]
        return equal if op == "==" else not equal
    a, b = _release(left), _release(right)
    if a is None or b is None:
        return None
    width = max(len(a[0]), len(b[0]))
    # A pre-release sorts before its release: 3.13.0rc1 < 3.13.0.
    ka = (a[0] + (0,) * (width - len(a[0])), not a[1])
    kb = (b[0] + (0,) * (width - len(b[0])), not b[1])
    if op == "~=":
        if len(b[0]) < 2:
            return None
        return ka >= kb and a[0][: len(b[0]) - 1] == b[0][:-1]
    return {
        "<": ka < kb,
        "<=": ka <= kb,
        "==": ka == kb,
        "!=": ka != kb,
        ">=": ka >= kb,
        ">": ka > kb,
    }[op]


class _Marker:
    """A recursive-descent parser and evaluator of one marker expression."""

    def __init__(self, text: str, environment: Mapping[str, str] | None = None) -> None:
        self.text = text
        self.environment = environment or {}
        self.tokens: list[str] = []
        pos = 0
        while pos < len(text.rstrip()):
            match = _MARKER_TOKEN.match(text, pos)
            if match is None:
                raise RequirementError(f"cannot read the marker {text!r} at column {pos + 1}")
            self.tokens.append(match.group(1))
            pos = match.end()
        self.pos = 0

    def next(self) -> str:
        if self.pos >= len(self.tokens):
            raise RequirementError(f"the marker {self.text!r} ends too early")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> bool:
        value = self.disjunction()
        if self.pos != len(self.tokens):
            raise RequirementError(f"unexpected {self.tokens[self.pos]!r} in {self.text!r}")
        return value

    def disjunction(self) -> bool:
        value = self.conjunction()
        while self.peek() == "or":
            self.next()
            value = self.conjunction() or value  # parse both sides whatever the first gave
        return value

    def conjunction(self) -> bool:
        value = self.atom()
        while self.peek() == "and":
            self.next()
            value = self.atom() and value
        return value

    def atom(self) -> bool:
        if self.peek() == "(":
            self.next()
            value = self.disjunction()
            if self.next() != ")":
                raise RequirementError(f"unbalanced parentheses in {self.text!r}")
            return value
        left, left_var = self.value()
        op = self.next()
        if op == "not":
            if self.next() != "in":
                raise RequirementError(f"'not' without 'in' in {self.text!r}")
            op = "not in"
        elif op not in ("in", "<", "<=", "==", "!=", ">=", ">", "~=", "==="):
            raise RequirementError(f"{op!r} is not a marker operator in {self.text!r}")
        right, right_var = self.value()
        if "extra" in (left_var, right_var):
            left, right = normalize(left), normalize(right)
        return self.compare(left, op, right)

    def value(self) -> tuple[str, str | None]:
        token = self.next()
        if token[:1] in ("'", '"'):
            return token[1:-1], None
        name = _LEGACY.get(token, token)
        if name not in VARIABLES:
            raise RequirementError(f"{token!r} is not a marker variable in {self.text!r}")
        return self.environment.get(name, ""), name

    @staticmethod
    def compare(left: str, op: str, right: str) -> bool:
        if op == "in":
            return left in right
        if op == "not in":
            return left not in right
        if op != "===":
            as_versions = _compare_versions(left, op, right)
            if as_versions is not None:
                return as_versions
        # Not versions (sys_platform, os_name, ...): PEP 508 falls back to string comparison.
        return {
            "<": left < right,
            "<=": left <= right,
            "==": left == right,
            "===": left == right,
            "~=": False,
            "!=": left != right,
            ">=": left >= right,
            ">": left > right,
        }[op]


def evaluate(marker: str, environment: Mapping[str, str]) -> bool:
    """Evaluate a marker (``python_version < "3.11" and extra == "test"``)."""
    return _Marker(marker, environment).parse()
