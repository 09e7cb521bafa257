# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc-check-dependency-licenses``: no strong-copyleft dependency, the rest reviewed.

Walks from the project's declared dependencies (pyproject.toml, extras included) through the
installed transitive closure of the environment the check runs in (or the one --python names)
and classifies each distribution's licence: License-Expression first, parsed as SPDX (OR: one
branch may be chosen; AND: every term counts; WITH exceptions understood), then the trove
classifiers, then the License field. Strong copyleft fails. Weak copyleft and unknown licences
fail unless the committed allow-list names the package with a reason. Offline: only installed
metadata is read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlc_hooks import _environment, spdx
from dlc_hooks._project import ConfigError, load_toml
from dlc_hooks._requirements import Requirement, RequirementError, normalize, parse_requirement
from dlc_hooks.spdx import Category, Verdict

PROG = "dlc-check-dependency-licenses"
ALLOW_LIST = ".dlc-licenses.toml"
ENTRY_KEYS = {"package", "reason", "license"}


# --- Classifying one distribution ------------------------------------------------------------


@dataclass(frozen=True)
class LicenseInfo:
    """A distribution's licence verdict, which metadata field gave it and what it declares."""

    verdict: Verdict
    source: str
    declared: str


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0][:120] if lines else ""


def classify_metadata(
    license_expression: str | None, classifiers: Sequence[str], license_text: str | None
) -> LicenseInfo:
    """Classify a distribution from its License-Expression, classifiers and License field."""
    if license_expression and license_expression.strip():
        expression = license_expression.strip()
        try:
            verdict = spdx.classify_expression(expression)
        except spdx.SPDXSyntaxError as exc:
            verdict = Verdict(Category.UNKNOWN, (f"{expression!r} is not valid SPDX: {exc}",))
        return LicenseInfo(verdict, "License-Expression", expression)

    # Trove classifiers; "OSI Approved" alone names no licence. Several are taken together
    # (AND): packages that list two rarely mean a choice, and a choice is the safe reading only
    # when the metadata says OR.
    tails = []
    for classifier in classifiers:
        parts = [p.strip() for p in classifier.split("::")]
        if parts[0] == "License" and len(parts) > 1 and parts[-1] != "OSI Approved":
            tails.append(parts[-1])
    if tails:
        verdicts = []
        for tail in tails:
            verdict = spdx.classify_text(tail)
            verdicts.append(verdict or Verdict(Category.UNKNOWN, (f"{tail}: not recognised",)))
        worst = max(v.category for v in verdicts)
        terms = tuple(t for v in verdicts if v.category == worst for t in v.terms)
        return LicenseInfo(Verdict(worst, terms), "classifiers", "; ".join(tails))

    text = (license_text or "").strip()
    if text and text.upper() not in ("UNKNOWN", "NONE", "N/A"):
        declared = _first_line(text)
        try:
            node = spdx.parse(text)
            if all(spdx.is_known(term) for term in spdx.licenses(node)):
                return LicenseInfo(spdx.classify(node), "License", declared)
        except spdx.SPDXSyntaxError:
            pass  # free text, such as "Apache 2.0": read it as a name below
        verdict = spdx.classify_text(text)
        if verdict is not None:
            return LicenseInfo(verdict, "License", declared)
        return LicenseInfo(
            Verdict(Category.UNKNOWN, (f"{declared!r}: not a licence this check knows",)),
            "License",
            declared,
        )
    what = f"License is {text!r}" if text else "no licence metadata"
    return LicenseInfo(Verdict(Category.UNKNOWN, (what,)), "none", "")


# --- The allow-list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowance:
    """One allow-list entry: a package, why it is acceptable, and for which licence."""

    package: str
    reason: str
    license: str | None
    line: str  # where it is, for messages: "path: [[allow]] #3"

    def covers(self, info: LicenseInfo) -> bool:
        """Whether the entry lets this licence pass (strong copyleft only if named exactly)."""
        if self.license is not None:
            return " ".join(self.license.split()).lower() == " ".join(info.declared.split()).lower()
        return info.verdict.category != Category.STRONG_COPYLEFT


def load_allow_list(path: Path) -> dict[str, Allowance]:
    """Read the allow-list; ConfigError on any entry without a package or a real reason."""
    if not path.is_file():
        return {}
    data = load_toml(path)
    unknown = set(data) - {"allow"}
    if unknown:
        raise ConfigError(f"{path}: unknown table(s) {sorted(unknown)}: entries go in [[allow]]")
    entries = data.get("allow", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'allow' must be an array of tables ([[allow]])")
    allowed: dict[str, Allowance] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: [[allow]] entry {number}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: not a table")
        extra = set(entry) - ENTRY_KEYS
        if extra:
            raise ConfigError(
                f"{where}: unknown key(s) {sorted(extra)}; an entry has {sorted(ENTRY_KEYS)}"
            )
        package, reason = entry.get("package"), entry.get("reason")
        license_ = entry.get("license")
        if not isinstance(package, str) or not package.strip():
            raise ConfigError(f"{where}: 'package' is missing")
        if not isinstance(reason, str) or len(reason.split()) < 3 or reason.startswith("TODO"):
            raise ConfigError(
                f"{where} ({package}): 'reason' must say in words why this licence is "
                "acceptable here (a reviewer reads it)"
            )
        if license_ is not None and not isinstance(license_, str):
            raise ConfigError(f"{where} ({package}): 'license' must be a string")
        name = normalize(package)
        if name in allowed:
            raise ConfigError(f"{where}: {package} is listed twice")
        allowed[name] = Allowance(package, reason.strip(), license_, where)
    return allowed


# --- The project and its environment -------------------------------------------------------------


@dataclass
class Root:
    """A dependency the project declares, and where it declares it."""

    requirement: Requirement
    origin: str


def declared_dependencies(pyproject: Path, extras: Sequence[str] | None) -> tuple[str, list[Root]]:
    """The project's name and its declared dependencies (all extras unless some are named)."""
    project = load_toml(pyproject).get("project")
    if not isinstance(project, dict) or "name" not in project:
        raise ConfigError(f"{pyproject}: no [project] table with a name (PEP 621)")
    if not isinstance(project["name"], str):
        raise ConfigError(f'{pyproject}: project.name must be a string, such as "MyProject"')
    name = normalize(project["name"])
    optional = project.get("optional-dependencies", {}) or {}
    if not isinstance(optional, dict):
        raise ConfigError(
            f"{pyproject}: project.optional-dependencies must be a table of arrays: "
            '[project.optional-dependencies] then cpu = ["tensorflow-cpu"]'
        )
    known = {normalize(e): e for e in optional}
    if extras is None:
        chosen = list(optional)
    else:
        missing = [e for e in extras if normalize(e) not in known]
        if missing:
            raise ConfigError(
                f"{pyproject}: no extra named {', '.join(missing)}; "
                f"the extras are: {', '.join(optional) or 'none'}"
            )
        chosen = [known[normalize(e)] for e in extras]
    groups = [("[project] dependencies", "project.dependencies", project.get("dependencies"))]
    groups += [(f"extra '{e}'", f"project.optional-dependencies.{e}", optional[e]) for e in chosen]
    roots = []
    for origin, field, requirements in groups:
        requirements = requirements or []
        if not isinstance(requirements, list) or not all(isinstance(r, str) for r in requirements):
            raise ConfigError(
                f"{pyproject}: {field} must be an array of strings, such as "
                '["numpy>=2", "tensorflow-cpu"]'
            )
        for text in requirements:
            try:
                roots.append(Root(parse_requirement(text), origin))
            except RequirementError as exc:
                raise ConfigError(f"{pyproject}: {origin}: {exc}") from None
    return name, roots


def inspect_environment(python: str | None) -> dict[str, Any]:
    """Installed distributions and marker values of an interpreter (this one if None)."""
    if python is None:
        # The current directory is on sys.path under `python -m`; its stray *.egg-info
        # folders are not installed distributions.
        here = ("", os.getcwd())
        return _environment.collect([p for p in sys.path if p not in here])
    fix = "point --python at the project's environment's interpreter (such as .venv/bin/python)"
    if not python.strip():
        raise ConfigError(f"--python is empty: {fix}")
    source = Path(_environment.__file__).read_text(encoding="utf-8")
    try:
        result = subprocess.run(
            [python, "-c", source], capture_output=True, check=False, timeout=120
        )
    except OSError as exc:
        raise ConfigError(
            f"cannot run the Python interpreter {python}: {exc.strerror}: {fix}"
        ) from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{python} did not answer within 120 s: {fix}") from None
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace").strip().splitlines() or ["no output"]
        raise ConfigError(
            f"{python} could not list its distributions ({stderr[-1][:200]}): is it a Python 3.8 "
            f"or newer? {fix}"
        )
    try:
        inventory = json.loads(result.stdout)
    except ValueError:
        inventory = None
    if not (
        isinstance(inventory, dict)
        and isinstance(inventory.get("executable"), str)
        and isinstance(inventory.get("environment"), dict)
        and isinstance(inventory.get("dists"), list)
    ):
        raise ConfigError(
            f"{python} is not a Python interpreter: it ran, but did not list its distributions: "
            f"{fix}"
        )
    inventory["dists"] = [
        d for d in inventory["dists"] if isinstance(d, dict) and isinstance(d.get("name"), str)
    ]
    return inventory


def choose_python(root: Path, given: str | None) -> str | None:
    """--python, else the project's .venv, else None (the interpreter running this check)."""
    if given is not None:
        return given  # even empty: inspect_environment says what is wrong with it
    for candidate in (root / ".venv" / "bin" / "python", root / ".venv" / "Scripts" / "python.exe"):
        if candidate.exists():
            return str(candidate)
    return None


@dataclass
class Found:
    """A distribution reached from the declared dependencies, and by which path."""

    name: str
    version: str
    info: LicenseInfo
    path: tuple[str, ...]


def walk(
    roots: Sequence[Root], project: str, inventory: dict[str, Any]
) -> tuple[list[Found], list[tuple[Requirement, tuple[str, ...]]]]:
    """The installed closure of the roots, and the requirements that are not installed."""
    environment = inventory["environment"]
    dists: dict[str, dict[str, Any]] = {}
    for dist in inventory["dists"]:
        dists.setdefault(normalize(dist["name"]), dist)  # the first on sys.path wins, as import
    found: dict[str, Found] = {}
    done_extras: dict[str, set[str]] = {}
    missing: list[tuple[Requirement, tuple[str, ...]]] = []
    # A declared dependency whose marker excludes this platform (tensorflow on macOS only,
    # tomli before Python 3.11) is not part of this environment's closure.
    queue: list[tuple[Requirement, tuple[str, ...]]] = [
        (root.requirement, (root.origin,))
        for root in roots
        if root.requirement.applies(environment)
    ]
    while queue:
        requirement, path = queue.pop(0)
        name = requirement.name
        if name == project:
            continue  # the project's own extras ("me[test]") are among the roots already
        dist = dists.get(name)
        if dist is None:
            missing.append((requirement, path))
            continue
        here = (*path, dist["name"])
        if name not in found:
            info = classify_metadata(
                dist.get("license_expression"), dist.get("classifiers", []), dist.get("license")
            )
            found[name] = Found(dist["name"], dist.get("version", ""), info, here)
        wanted = {"", *requirement.extras}
        new = wanted - done_extras.setdefault(name, set())
        if not new:
            continue
        done_extras[name] |= new
        for text in dist.get("requires", []):
            try:
                child = parse_requirement(text)
            except RequirementError:
                continue  # metadata we cannot read names nothing we could check
            if child.applies(environment, sorted(new)):
                queue.append((child, here))
    return list(found.values()), missing


# --- The check -----------------------------------------------------------------------------------


def _entry(found: Found) -> str:
    """A ready-to-fill allow-list entry for a distribution."""
    lines = ["[[allow]]", f'package = "{found.name}"']
    if found.info.declared:
        lines.append(f"license = {json.dumps(found.info.declared)}")
    lines.append('reason = "TODO: why this licence is acceptable in a GPL-3.0 replication"')
    return "\n".join("        " + line for line in lines)


def check(
    found: Sequence[Found],
    missing: Sequence[tuple[Requirement, tuple[str, ...]]],
    allowed: dict[str, Allowance],
    allow_list: Path,
    python: str,
) -> int:
    """Print the verdicts and return the exit status (1 if anything fails)."""
    failures: list[str] = []
    used: list[tuple[Found, Allowance]] = []
    for item in sorted(found, key=lambda f: normalize(f.name)):
        verdict, info = item.info.verdict, item.info
        via = " -> ".join(item.path)
        label = f"{item.name} {item.version}"
        entry = allowed.get(normalize(item.name))
        if entry is not None and entry.covers(info):
            if verdict.category != Category.PERMISSIVE:
                used.append((item, entry))
            continue
        if verdict.category == Category.PERMISSIVE:
            continue
        what = f"{label}: {verdict.describe()} [{info.source}]\n    required by: {via}"
        if entry is not None:
            why = (
                f"its entry in {allow_list.name} is for license {entry.license!r}, but it now "
                f"declares {info.declared!r}: review the new licence and update the entry"
                if entry.license is not None
                else f"its entry in {allow_list.name} names no license, and strong copyleft "
                "passes only with the exact licence named (license = ...)"
            )
            failures.append(f"{what}\n    {why}")
        elif verdict.category == Category.STRONG_COPYLEFT:
            failures.append(
                f"{what}\n    A strong-copyleft dependency is not allowed (the program's rule): "
                "replace it, or drop the dependency that pulls it in. Only a reviewed entry "
                f"naming its exact licence lets it pass (as for dlc-common itself):\n{_entry(item)}"
            )
        else:
            failures.append(
                f"{what}\n    {verdict.category.label.capitalize()} licences pass only with a "
                f"reviewed entry in {allow_list.name}, such as:\n{_entry(item)}"
            )
    if missing:
        listed = "".join(f"\n    {r.text}  (from {' -> '.join(path)})" for r, path in missing)
        failures.append(
            f"not installed in {python}, so their licences cannot be read:{listed}\n"
            "    Run the check in the project's environment: install them there, point at it "
            "(--python PATH; a .venv in the project is found by itself), or name only the "
            "extras installed there (--extra NAME)."
        )
    if used:
        listed = ", ".join(f"{item.name} ({item.info.verdict.category.label})" for item, _ in used)
        print(f"{PROG}: passed by the reviewed entries in {allow_list}: {listed}")
    names = {normalize(f.name) for f in found}
    for name, entry in allowed.items():
        if name not in names:
            print(f"{PROG}: note: {entry.line}: {entry.package} is not a dependency here")
    permissive = sum(f.info.verdict.category == Category.PERMISSIVE for f in found)
    summary = (
        f"{PROG}: {len(found)} distribution{'s' * (len(found) != 1)} checked in {python}: "
        f"{permissive} permissive, "
        f"{len(used)} on the allow-list, {len(failures)} problem{'s' * (len(failures) != 1)}."
    )
    if failures:
        for failure in failures:
            print(f"{PROG}: {failure}", file=sys.stderr)
        print(summary, file=sys.stderr)
        return 1
    print(summary)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Check the licences of the project's dependencies; exit 1 on a forbidden or unreviewed one."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the interpreter of the project's environment (default: .venv/bin/python if there "
        "is one, else the interpreter running this check)",
    )
    parser.add_argument(
        "--pyproject", type=Path, default=Path("pyproject.toml"), help="(default: %(default)s)"
    )
    parser.add_argument(
        "--allow-list",
        type=Path,
        help=f"the reviewed exceptions (default: {ALLOW_LIST} beside pyproject.toml)",
    )
    parser.add_argument(
        "--extra",
        action="append",
        metavar="NAME",
        help="check only these extras (repeatable; default: all of them)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list every distribution and its verdict"
    )
    args = parser.parse_args(argv)
    root = args.pyproject.resolve().parent
    allow_list = args.allow_list or root / ALLOW_LIST
    try:
        if not args.pyproject.is_file():
            raise ConfigError(f"{args.pyproject}: no such file (run in the project's root)")
        project, roots = declared_dependencies(args.pyproject, args.extra)
        allowed = load_allow_list(allow_list)
        inventory = inspect_environment(choose_python(root, args.python))
    except ConfigError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    found, missing = walk(roots, project, inventory)
    if args.verbose:
        for item in sorted(found, key=lambda f: normalize(f.name)):
            info = item.info
            print(f"{item.name} {item.version}: {info.verdict.describe()} [{info.source}]")
    return check(found, missing, allowed, allow_list, inventory["executable"])


if __name__ == "__main__":
    raise SystemExit(main())
