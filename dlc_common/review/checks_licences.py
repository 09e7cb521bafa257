# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's licence items: LICENSE, the declared licence, every file's SPDX header (REUSE)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from dlc_common.review.checking import (
    Findings,
    Repo,
    listed,
    md_section,
    md_sections,
    norm,
    plural,
)
from dlc_common.review.checks_naming import read_citation

LICENSE_ID = "GPL-3.0-or-later"
# SHA-256 of the GPL-3.0 text with its whitespace collapsed (the FSF's text, as Debian ships it
# in /usr/share/common-licenses/GPL-3 and the template writes it into LICENSE).
GPL3_TEXT_SHA256 = "972a178adadacfbdddec346b16d45fd4ed9937ec5e4a5bb46d8685ba4e73a0b1"
GPL3_REFERENCES = ("LICENSES/GPL-3.0-or-later.txt", "/usr/share/common-licenses/GPL-3")


def check_license_file(repo: Repo, facts: dict) -> Findings:
    import hashlib

    r = Findings()
    text = repo.text("LICENSE")
    fix = (
        "replace LICENSE with the full GPL-3.0 text (for example "
        "cp /usr/share/common-licenses/GPL-3 LICENSE)"
    )
    if text is None:
        r.fail("there is no LICENSE file", fix)
        return r
    if "LICENSE" not in repo.tracked_set:
        r.fail("LICENSE is not committed", "commit LICENSE")
    digest = hashlib.sha256(norm(text).encode()).hexdigest()
    if digest == GPL3_TEXT_SHA256:
        r.note("LICENSE is the GPL-3.0 text, word for word")
    elif "GNU GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text:
        reference = next(
            (
                Path(p) if p.startswith("/") else repo.path / p
                for p in GPL3_REFERENCES
                if (Path(p) if p.startswith("/") else repo.path / p).is_file()
            ),
            None,
        )
        changed = ""
        if reference is not None:
            import difflib

            theirs = reference.read_text(encoding="utf-8", errors="replace").split()
            ours = text.split()
            matcher = difflib.SequenceMatcher(None, theirs, ours, autojunk=False)
            different = sum(
                max(i2 - i1, j2 - j1)
                for tag, i1, i2, j1, j2 in matcher.get_opcodes()
                if tag != "equal"
            )
            changed = f" in {plural(different, 'word')} (against {reference})"
        r.fail(f"LICENSE is a GPL version 3 text that differs from the FSF's{changed}", fix)
    else:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "(empty)")
        r.fail(f"LICENSE is not the GPL-3.0 text (it starts {first[:60]!r})", fix)
    licence = md_section(md_sections(repo.text("README.md") or ""), "Licence")
    licence = (
        licence
        if licence is not None
        else md_section(md_sections(repo.text("README.md") or ""), "License")
    )
    if licence is not None and not re.search(r"GPL-?3|GPLv3|General Public License", licence):
        r.fail(
            "README.md's Licence section names no GPL-3.0",
            f"write in README.md's Licence section that the code is {LICENSE_ID}",
        )
    return r


def check_license_metadata(repo: Repo, facts: dict) -> Findings:
    from dlc_hooks import spdx

    r = Findings()

    def same(value: str) -> bool:
        try:
            return spdx.canonical(value) == spdx.canonical(LICENSE_ID)
        except spdx.SPDXSyntaxError:
            return False

    try:
        data = repo.toml("pyproject.toml")
    except ValueError as exc:
        r.fail(str(exc), "fix pyproject.toml")
        data = {}
    if data is None:
        r.fail("there is no pyproject.toml", f'add pyproject.toml with license = "{LICENSE_ID}"')
    else:
        project = data.get("project") if isinstance(data.get("project"), dict) else {}
        declared = project.get("license")
        if isinstance(declared, dict):
            declared = declared.get("text") or declared.get("file")
        if not isinstance(declared, str) or not same(declared):
            r.fail(
                f"pyproject.toml's license is {declared!r}",
                f'write license = "{LICENSE_ID}" in pyproject.toml\'s [project]',
            )
        else:
            r.note(f"pyproject.toml: {declared}")
        others = [
            c
            for c in project.get("classifiers", []) or []
            if isinstance(c, str) and c.startswith("License ::") and "GPLv3" not in c
        ]
        if others:
            r.fail(
                f"pyproject.toml's classifiers name {listed(others)}",
                "drop the classifiers that name another licence",
            )
    cff = read_citation(repo, facts)
    if cff is None:
        if repo.text("CITATION.cff") is None:
            r.fail("there is no CITATION.cff", f"add CITATION.cff with license: {LICENSE_ID}")
        else:
            r.fail(str(facts.get("_cff_error")), "fix CITATION.cff")
    else:
        declared = cff.get("license")
        if not isinstance(declared, str) or not same(declared):
            r.fail(
                f"CITATION.cff's license is {declared!r}",
                f"write license: {LICENSE_ID} in CITATION.cff",
            )
        else:
            r.note(f"CITATION.cff: {declared}")
    return r


def check_license_headers(repo: Repo, facts: dict) -> Findings:
    from dlc_hooks import license_headers as lh
    from dlc_hooks._project import ConfigError

    r = Findings()
    try:
        expected = lh.expected_license(repo.path, None)
    except ConfigError as exc:
        expected = lh.Expected(LICENSE_ID, "the program's rule")
        r.fail(str(exc), "fix pyproject.toml's license")
    problems: list[str] = []
    counts = {"header": 0, "REUSE.toml or .license": 0}
    for name in repo.tracked:
        base = name.rsplit("/", 1)[-1]
        if (
            name in ("LICENSE", "COPYING", "LICENCE")
            or base.startswith(("LICENSE.", "COPYING."))
            or name.startswith("LICENSES/")
            or name.endswith(".license")
        ):
            continue
        path = repo.path / name
        if path.is_symlink() or not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(f"{name}: cannot be read ({exc.strerror})")
            continue
        try:
            syntax = lh.comment_syntax(path, data[:5])
            if syntax is not None:
                found = lh.check_source(Path(name), data, expected, syntax)
                counts["header"] += 1
            else:
                found = _header_or_reuse(repo, name, data, expected)
                counts["REUSE.toml or .license"] += 1
        except ConfigError as exc:
            found = [lh.Problem(name, None, str(exc))]
        problems.extend(str(p) for p in found)
    for licence in ("GPL-3.0-or-later",):
        if f"LICENSES/{licence}.txt" not in repo.tracked_set:
            problems.append(f"LICENSES/{licence}.txt: missing (REUSE keeps each licence's text)")
    if problems:
        r.fail(
            f"{plural(len(problems), 'problem')}: {listed(problems, 4)}",
            "add the SPDX header to each file named (`dlc-check-license-headers --fix FILE...`), "
            "or cover the file in REUSE.toml; the licence text belongs in "
            "LICENSES/GPL-3.0-or-later.txt",
        )
    r.note(
        f"{plural(sum(counts.values()), 'file')} checked: {counts['header']} with their own "
        f"header, {counts['REUSE.toml or .license']} by REUSE.toml, a .license file or an "
        f"SPDX comment; all {expected.expression}"
    )
    return r


def _header_or_reuse(repo: Repo, name: str, data: bytes, expected: Any) -> list[Any]:
    """A file that cannot carry a '#' comment: SPDX tags in its first lines (a Markdown HTML
    comment), else a .license file or REUSE.toml, as the REUSE specification allows."""
    from dlc_hooks import license_headers as lh

    path = repo.path / name
    companion = path.with_name(path.name + ".license")
    if not name.endswith(tuple(lh.COMPANION_SUFFIXES)) and not companion.is_file():
        found: dict[str, tuple[int, str]] = {}
        if b"\0" not in data[:1024]:
            lines = data.decode("utf-8", errors="replace").splitlines()[: lh.WINDOW]
            for number, line in enumerate(lines, start=1):
                match = lh.TAG.search(line)
                if match and match.group(1) not in found:
                    found[match.group(1)] = (number, match.group(2).removesuffix("-->").strip())
        if len(found) == 2:
            return lh.check_tags(name, found, expected)
    problems = lh.check_companion(path, repo.path, expected)
    for problem in problems:
        problem.path = str(problem.path).replace(str(repo.path) + os.sep, "")
    return problems
