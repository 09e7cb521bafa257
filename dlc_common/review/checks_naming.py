# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's naming and citation items: the repository named by the rule from CITATION.cff."""

from __future__ import annotations

import re
from typing import Any

from dlc_common.review.checking import (
    Findings,
    Repo,
    plural,
    read_cruft,
)


def _cff_authors(people: Any) -> tuple[str, list[str]]:
    """A CFF authors list as a BibTeX author string, and the names as a reader writes them."""
    parts, shown = [], []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        family = str(person.get("family-names") or "").strip()
        if not family:
            name = str(person.get("name") or "").strip()
            if name.lower() == "others":
                parts.append("others")
            elif name:
                parts.append("{" + name + "}")  # an entity: one name, kept whole
                shown.append(name)
            continue
        particle = str(person.get("name-particle") or "").strip()
        given = str(person.get("given-names") or "").strip()
        suffix = str(person.get("name-suffix") or "").strip()
        surname = f"{particle} {family}".strip()
        if "," in surname or re.search(r"\band\b", surname, re.I):
            surname = "{" + surname + "}"
        text = surname + (f", {suffix}" if suffix else "") + (f", {given}" if given else "")
        parts.append(text)
        shown.append(" ".join(p for p in (given, particle, family, suffix) if p))
    return " and ".join(parts), shown


def paper_reference(cff: dict[str, Any]) -> dict[str, Any] | None:
    """The paper CITATION.cff cites: its preferred-citation, else its first reference."""
    preferred = cff.get("preferred-citation")
    if isinstance(preferred, dict):
        return preferred
    references = cff.get("references")
    if isinstance(references, list):
        for reference in references:
            if isinstance(reference, dict) and reference.get("type") in ("article", "patent"):
                return reference
        for reference in references:
            if isinstance(reference, dict):
                return reference
    return None


def read_citation(repo: Repo, facts: dict) -> dict[str, Any] | None:
    if "_cff" not in facts:
        from dlc_common.review.cff import CffError, parse_cff

        text = repo.text("CITATION.cff")
        facts["_cff"] = facts["_cff_error"] = None
        if text is not None:
            try:
                data = parse_cff(text)
                if isinstance(data, dict):
                    facts["_cff"] = data
                else:
                    facts["_cff_error"] = "CITATION.cff is not a mapping of keys"
            except CffError as exc:
                facts["_cff_error"] = f"CITATION.cff cannot be read: {exc}"
    return facts["_cff"]


def template_version(repo: Repo) -> str | None:
    """The dlc-template version the repository pins (pyproject.toml) or names (README.md)."""
    pyproject = repo.text("pyproject.toml") or ""
    match = re.search(r"dlc-common\s*@\s*git\+\S+?@v?([0-9][\w.+-]*)\"", pyproject)
    if match:
        return match.group(1)
    match = re.search(r"dlc-common\s*(?:==|~=|>=)\s*([0-9][\w.+-]*)", pyproject)
    if match:
        return match.group(1)
    readme = repo.text("README.md") or ""
    match = re.search(r"\[dlc-template\]\([^)]*\)\s+v?([0-9][\w.+-]*)", readme)
    return match.group(1) if match else None


def check_naming(repo: Repo, facts: dict) -> Findings:
    from dlc_common.make.naming import NamingError, package_name, repo_name

    r = Findings()
    answers = read_cruft(repo, facts)
    cff = read_citation(repo, facts)
    paper = paper_reference(cff) if cff else None
    authors = year = source = None
    if paper is not None:
        authors, shown = _cff_authors(paper.get("authors"))
        year = paper.get("year")
        source = "CITATION.cff"
        facts.update(title=paper.get("title"), authors=shown, year=year)
        facts.setdefault("kind", "patent" if paper.get("type") == "patent" else "paper")
    if not authors and answers.get("authors"):
        from dlc_common.make.naming import parse_authors

        authors, year, source = answers["authors"], answers.get("year"), ".cruft.json"
        try:
            people, _ = parse_authors(authors)
            facts.setdefault("authors", [p.display for p in people])
        except NamingError:
            pass
        facts.setdefault("title", answers.get("title"))
        facts.setdefault("year", year)
        why = facts.get("_cff_error") or "CITATION.cff cites no paper with authors and year"
        r.warn(
            f"{why}: the name is derived from the bake's answers in .cruft.json instead",
            "cite the paper in CITATION.cff under references (type, title, authors, year)",
        )
    if answers.get("kind"):
        facts["kind"] = answers["kind"]
    if not authors or year is None:
        why = facts.get("_cff_error") or (
            "CITATION.cff cites no paper (no references or preferred-citation with authors and "
            "year)"
            if repo.text("CITATION.cff") is not None
            else "there is no CITATION.cff"
        )
        r.fail(
            f"{why}, and .cruft.json records no authors: the name cannot be derived",
            "cite the paper in CITATION.cff under references (type, title, authors, year), as "
            "the template writes it",
        )
        return r
    counter = answers.get("counter")
    counter = None if str(counter or "").strip() in ("", "0") else str(counter).strip()
    facts["counter"] = int(counter) if counter and counter.isdigit() else 0
    if not answers:
        suffix = re.search(r"_([1-9][0-9]*)$", repo.path.name)
        if suffix:
            counter = suffix.group(1)
        r.warn(
            "no .cruft.json records the counter (made by hand or by an older template?): "
            f"taken as {counter or 0} from the directory name",
            "keep the .cruft.json of the bake (it records the answers, the counter among them)",
        )
    try:
        expected = repo_name(str(authors), str(year), counter)
    except NamingError as exc:
        r.fail(f"the paper's authors or year in {source} break the naming rule: {exc}", str(exc))
        return r
    package = package_name(expected)
    facts.update(repo_name=expected, package=package)
    r.note(
        f"{', '.join(facts.get('authors') or [])} ({year}), counter {counter or 0} in {source}: "
        f"{expected}; directory, package and metadata agree"
    )
    if repo.path.name != expected:
        r.fail(
            f"the directory is {repo.path.name}, the rule gives {expected}",
            f"rename the repository (directory and GitHub repository) {repo.path.name} to "
            f"{expected}",
        )
    packages = sorted(
        {name.split("/")[1] for name in repo.tracked if name.startswith("src/") and "/" in name[4:]}
    )
    if packages != [package]:
        found = ", ".join(f"src/{p}/" for p in packages) or "none"
        r.fail(
            f"the package should be src/{package}/ (found {found})",
            f"rename the package under src/ to {package}, and its imports",
        )
    try:
        project = (repo.toml("pyproject.toml") or {}).get("project", {})
    except ValueError as exc:
        project = {}
        r.fail(str(exc), "fix pyproject.toml")
    name = project.get("name") if isinstance(project, dict) else None
    if name is not None and re.sub(r"[-_.]+", "-", str(name)).lower() != package:
        r.fail(
            f"pyproject.toml names the project {name!r}",
            f'write name = "{package}" in pyproject.toml\'s [project]',
        )
    if cff:
        title = str(cff.get("title") or "")
        if title and not title.startswith(expected):
            r.fail(
                f"CITATION.cff's title {title!r} does not start with {expected}",
                f"start CITATION.cff's title with {expected}",
            )
        url = str(cff.get("repository-code") or "").rstrip("/")
        if url and url.rsplit("/", 1)[-1].removesuffix(".git") != expected:
            r.fail(
                f"CITATION.cff's repository-code is {url}",
                f"point CITATION.cff's repository-code at the repository named {expected}",
            )
    heading = re.search(r"^# +(\S+)", repo.text("README.md") or "", re.M)
    if heading and heading.group(1) != expected:
        r.fail(
            f"README.md's title is {heading.group(1)}",
            f"title README.md '# {expected}'",
        )
    # The remote names the replication only where the replication is the whole repository
    # (not a folder of another, as the model replication is of dlc-template), and only a
    # hosted one: a clone of a local path says nothing of the name on GitHub.
    origin = (repo.git_or_none("config", "--get", "remote.origin.url") or "").strip()
    if origin and not repo.prefix and _hosted(origin):
        remote = origin.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        remote = remote.removesuffix(".git")
        if remote != expected:
            r.fail(
                f"the git remote origin is {origin}",
                f"rename the GitHub repository to {expected} (git remote set-url origin ...)",
            )
    return r


def _hosted(url: str) -> bool:
    """Whether a git remote is on a server (https://, ssh://, git@host:), not a local path."""
    return ("://" in url and not url.startswith("file://")) or re.match(
        r"^[\w.-]+@[\w.-]+:", url
    ) is not None


def check_citation(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    cff = read_citation(repo, facts)
    if cff is None:
        if repo.text("CITATION.cff") is None:
            r.fail(
                "there is no CITATION.cff",
                "add CITATION.cff (CFF 1.2.0) citing the replication and referencing the paper, "
                "as the template writes it",
            )
        else:
            r.fail(str(facts.get("_cff_error")), "fix CITATION.cff (YAML, CFF 1.2.0)")
        return r
    missing = [key for key in ("cff-version", "message", "title", "authors") if not cff.get(key)]
    if missing:
        r.fail(f"CITATION.cff lacks {', '.join(missing)}", f"add {', '.join(missing)} to it")
    version = str(cff.get("cff-version") or "")
    if version and not version.startswith("1.2"):
        r.warn(f"cff-version is {version}", "write cff-version: 1.2.0")
    authors = cff.get("authors")
    if authors and not (
        isinstance(authors, list)
        and all(isinstance(a, dict) and (a.get("family-names") or a.get("name")) for a in authors)
    ):
        r.fail(
            "CITATION.cff's authors are not a list of persons (family-names) or entities (name)",
            "write each author as '- family-names: ...' with given-names",
        )
    paper = paper_reference(cff)
    if paper is None:
        r.fail(
            "CITATION.cff references no paper (no references or preferred-citation)",
            "add the paper under references: (type: article, title, authors, year, doi or url)",
        )
    else:
        lacks = [k for k in ("type", "title", "authors", "year") if not paper.get(k)]
        if lacks:
            r.fail(f"the paper's reference lacks {', '.join(lacks)}", "add them to it")
        ids = [k for k in ("doi", "identifiers", "url", "number") if paper.get(k)]
        if not ids:
            r.fail(
                "the paper's reference has no doi, identifiers or url",
                "add the paper's DOI (doi:) or arXiv id (identifiers:) or url: to its reference",
            )
        r.note(
            f"cff-version {version}; cites {paper.get('title')!r} ({paper.get('year')}) "
            f"by {plural(len(paper.get('authors') or []), 'author')}, with "
            f"{', '.join(ids) or 'no identifier'}"
        )
    return r
