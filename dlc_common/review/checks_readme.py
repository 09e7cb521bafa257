# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's items on what the participant writes: README, claims, experiments, report text."""

from __future__ import annotations

import re
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

STUB_CLAIM_IDS = ("stub-accuracy", "stub-depth")

# What a fresh bake's README.md says until the participant writes their own: (phrase, what it
# means, the fix). tests/test_audit.py checks that each phrase is still the template's.
README_PLACEHOLDERS = (
    (
        "## First steps",
        "the template's 'First steps' section is still there",
        "do the steps of README.md's 'First steps' section, then delete the section",
    ),
    (
        "Status: **in progress**",
        "the Status line is the template's ('in progress', claims 'placeholders')",
        "write the replication's status in README.md's Status line (done; how many claims "
        "reproduced)",
    ),
    (
        "(no paper-profile run yet)",
        "the results table is the template's empty row ('(no paper-profile run yet)')",
        "run `nox -s replicate -- --profile paper`: it writes the table into README.md",
    ),
    (
        "to be measured",
        "Compute says 'to be measured'",
        "fill in README.md's Compute table: the paper profile's hardware and wall time",
    ),
    (
        "Write down the hardware the",
        "Compute still holds the template's instruction ('Write down the hardware ...')",
        "replace the instruction in README.md's Compute section with the hardware the paper "
        "used and what the full run took here",
    ),
    (
        "- None yet.",
        "Deviations says 'None yet.'",
        "list under Deviations in README.md every choice the paper leaves open and every "
        "difference from it, with the reason",
    ),
    (
        "The stub trains on a small synthetic dataset",
        "Data describes the stub's synthetic dataset",
        "describe the paper's data in README.md's Data section: what, where from, its licence",
    ),
    (
        "Latently Participant",
        "it names the template's default participant 'Latently Participant'",
        "bake with your own name (participant_name) or replace it in README.md, CITATION.cff "
        "and pyproject.toml",
    ),
)
# The template's general paragraph under "Claims tested" ({kind}: paper or patent): a section
# with nothing else names none of the paper's claims.
CLAIMS_GENERIC = (
    "The {kind}'s experiments (one per table or figure) and their variants (the rows and "
    "columns of the table) are declared in [`configs/paper.toml`](configs/paper.toml).",
    "Each claim of the {kind} that this replication tests is one entry of "
    "[`claims.toml`](claims.toml): the experiment and variant (or two variants compared), the "
    "metric, the statistic over seeds (a mean, a success rate, a median), the value the {kind} "
    "reports, the tolerance within which a replication counts as reproduced, the direction "
    "(higher is better, lower is better, or equal within the tolerance), and where in the "
    "{kind} it is reported.",
)
# The template's claims.toml [report] text for the stub.
STUB_REPORT_TEXT = (
    "placeholder: the stub model",
    "A stub multilayer perceptron on synthetic data",
    "the stub does not implement the paper",
)
# The README sections the template writes ({kind}: paper or patent); "required" ones fail.
README_SECTIONS = (
    ("Claims tested", True),
    ("Results", True),
    ("How to run", True),
    ("Data", True),
    ("Compute", True),
    ("Deviations from the {kind}", True),
    ("Cleanroom statement", True),
    ("Repository layout", False),
    ("How to cite", False),
    ("Licence", True),
)


def check_readme_sections(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    text = repo.text("README.md")
    if text is None:
        r.fail("there is no README.md", "write README.md with the template's sections")
        return r
    kind = facts.get("kind") or "paper"
    sections = md_sections(text)
    missing, empty, optional = [], [], []
    for name, required in README_SECTIONS:
        name = name.format(kind=kind)
        body = md_section(sections, name)
        if body is None and name == "Licence":
            body = md_section(sections, "License")
        if body is None:
            (missing if required else optional).append(name)
        elif not body.strip():
            empty.append(name)
    if missing:
        r.fail(
            f"README.md lacks the sections {', '.join(missing)}",
            f"add the sections {', '.join(missing)} to README.md (the template writes them)",
        )
    if empty:
        r.fail(f"README.md's sections {', '.join(empty)} are empty", "write them")
    if optional:
        r.warn(f"README.md lacks {', '.join(optional)}", f"add {', '.join(optional)}")
    r.note(f"README.md has all {len(README_SECTIONS)} sections of the template")
    return r


def check_readme_placeholders(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    text = repo.text("README.md")
    if text is None:
        r.fail("there is no README.md", "write README.md")
        return r
    flat = norm(text)
    for phrase, meaning, fix in README_PLACEHOLDERS:
        if phrase.startswith("## "):
            hit = re.search(rf"^{re.escape(phrase)}\s*$", text, re.M) is not None
        else:
            hit = norm(phrase) in flat
        if hit:
            r.fail(f"README.md: {meaning}", fix)
    if "{{" in text and "}}" in text:
        r.fail("README.md holds unrendered template text ({{ ... }})", "replace it")
    kind = facts.get("kind") or "paper"
    claims = md_section(md_sections(text), "Claims tested")
    if claims is not None:
        rest = norm(claims)
        for sentence in CLAIMS_GENERIC:
            rest = rest.replace(norm(sentence.format(kind=kind)), "")
        if len(rest.replace(" ", "")) < 80:
            r.fail(
                "README.md: 'Claims tested' holds only the template's general paragraph",
                "list the paper's claims under 'Claims tested' in README.md: what each says, "
                "where in the paper, the tolerance and why",
            )
    status = re.search(r"Status: \*\*([^*]+)\*\*", text)
    if status:
        facts["readme_status"] = status.group(1).strip()
    r.note(f"none of the template's {len(README_PLACEHOLDERS) + 1} placeholder texts is left")
    return r


def check_cleanroom(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    text = repo.text("README.md") or ""
    body = md_section(md_sections(text), "Cleanroom statement")
    fix = (
        "add a '## Cleanroom statement' section to README.md: written from the paper alone, "
        "without reading, running or copying any other implementation of it"
    )
    if body is None:
        r.fail("README.md has no 'Cleanroom statement' section", fix)
    elif not re.search(r"implementation", body, re.I) or not re.search(
        r"\b(not|never|no)\b", body, re.I
    ):
        r.fail(
            f"README.md's Cleanroom statement does not say that no other implementation was "
            f"used: {norm(body)[:80]!r}",
            fix,
        )
    else:
        r.note(f"'{norm(body)[:100]}...'")
    return r


def check_claims(repo: Repo, facts: dict) -> Findings:
    from dlc_common.judge.claims import ClaimsError, load_claims

    r = Findings()
    text = repo.text("claims.toml")
    if text is None:
        r.fail(
            "there is no claims.toml",
            "write the paper's claims into claims.toml ([[claims]] tables: metric, value, "
            "tolerance, direction, where)",
        )
        return r
    try:
        claims = load_claims(repo.path / "claims.toml").claims
    except ClaimsError as exc:
        r.fail(f"claims.toml cannot be used: {exc}", "fix claims.toml as the message says")
        return r
    facts["claims"] = len(claims)
    if not claims:
        r.fail("claims.toml holds no claim", "add the paper's claims as [[claims]] tables")
    stub = [c.id for c in claims if c.id in STUB_CLAIM_IDS]
    if stub:
        r.fail(
            f"claims.toml still holds the stub's placeholder claims {', '.join(stub)}",
            "replace the stub's claims in claims.toml with the paper's",
        )
    placeholder = [
        c.id
        for c in claims
        if c.id not in stub
        and ("placeholder" in c.where.lower() or "(replace with" in c.description)
    ]
    if placeholder:
        r.fail(
            f"claims {', '.join(placeholder)} are marked placeholder",
            'write where in the paper each claim is made ("Table 2") in claims.toml',
        )
    nowhere = [c.id for c in claims if not c.where.strip()]
    if nowhere:
        r.fail(
            f"claims {', '.join(nowhere)} have an empty where",
            'write where in the paper each claim is made (where = "Table 2") in claims.toml',
        )
    if re.search(r"^#\s*PLACEHOLDER", text, re.M):
        r.fail(
            "claims.toml still has the stub's PLACEHOLDER comment",
            "delete the PLACEHOLDER comment from claims.toml once its claims are the paper's",
        )
    r.note(f"{plural(len(claims), 'claim')}, each with where: {listed([c.id for c in claims])}")
    return r


def check_experiments(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    try:
        config = repo.toml("configs/paper.toml")
    except ValueError as exc:
        r.fail(str(exc), "fix configs/paper.toml")
        return r
    if config is None:
        r.fail(
            "there is no configs/paper.toml",
            "write the paper's hyperparameters into configs/paper.toml",
        )
        return r
    experiments = config.get("experiments")
    experiments = experiments if isinstance(experiments, dict) else {}
    stub = [
        key
        for key, table in experiments.items()
        if isinstance(table, dict) and "placeholder" in str(table.get("where", "")).lower()
    ]
    if stub:
        r.fail(
            f"configs/paper.toml declares the stub's placeholder experiment {', '.join(stub)}",
            "declare the paper's experiments (one per table or figure) in configs/paper.toml "
            "instead of the stub's",
        )
    if re.search(r"^#\s*PLACEHOLDER", repo.text("configs/paper.toml") or "", re.M):
        r.fail(
            "configs/paper.toml still has the stub's PLACEHOLDER comment",
            "delete it from configs/paper.toml once the experiments are the paper's",
        )
    if experiments:
        r.note(f"experiments {', '.join(experiments)}")
    else:
        r.note("one implicit experiment (no [experiments] tables)")
    return r


def check_report_text(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    try:
        claims = repo.toml("claims.toml")
    except ValueError as exc:
        r.fail(str(exc), "fix claims.toml")
        claims = None
    section = claims.get("report") if isinstance(claims, dict) else None
    if not isinstance(section, dict):
        r.fail(
            "claims.toml has no [report] table (the report's scope, methodology, results, "
            "what was easy and difficult)",
            "write the [report] table in claims.toml",
        )
    else:
        stub = [k for k, v in section.items() if any(s in str(v) for s in STUB_REPORT_TEXT)]
        if stub:
            r.fail(
                f"claims.toml's [report] {', '.join(stub)} still describe the stub",
                f"write [report] {', '.join(stub)} in claims.toml about the paper's replication",
            )
        blank = [k for k in ("results", "easy", "difficult") if not str(section.get(k, "")).strip()]
        if blank:
            r.warn(
                f"claims.toml's [report] {', '.join(blank)} are empty (REPORT.md says "
                "'(to be written)')",
                f"write [report] {', '.join(blank)} in claims.toml, then draw the report again",
            )
    report = repo.text("report/REPORT.md")
    if report is not None and "(to be written)" in report and not r.warnings:
        r.warn(
            "report/REPORT.md says '(to be written)'",
            "write the [report] text in claims.toml, then draw the report again",
        )
    r.note("the [report] text of claims.toml is the replication's own")
    return r


def paper_values(config: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """The values configs/paper.toml marks as the paper's: ``(key, ours, the paper's)``.

    The convention (written in the template's configs/paper.toml): a key ``paper_X`` beside
    ``X`` in the same table holds the paper's value of ``X`` where the replication uses
    another; also inside an experiment's ``set`` table and its variants.
    """
    found: list[tuple[str, Any, Any]] = []

    def walk(table: dict[str, Any], prefix: str) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                for number, entry in enumerate(value):
                    label = entry.get("id", number) if isinstance(entry, dict) else number
                    walk(entry, f"{prefix}{key}[{label}].")
            elif key.startswith("paper_") and key[len("paper_") :] in table:
                name = key[len("paper_") :]
                found.append((f"{prefix}{name}", table[name], value))

    walk(config, "")
    return found


def check_deviations(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    try:
        config = repo.toml("configs/paper.toml") or {}
    except ValueError as exc:
        r.fail(str(exc), "fix configs/paper.toml")
        return r
    marked = paper_values(config)
    if not marked:
        r.warn(
            "configs/paper.toml marks no value as the paper's (a key paper_X beside X), so "
            "the differences from the paper cannot be checked against the Deviations section",
            "beside each setting that differs from the paper, write the paper's value as "
            "paper_<key> (e.g. paper_learning_rate = 0.1) and list the change under "
            "Deviations in README.md",
        )
        return r
    readme = repo.text("README.md") or ""
    deviations = next(
        (
            body
            for head, body in md_sections(readme).items()
            if head.lower().startswith("deviation")
        ),
        "",
    )
    differing = [(k, ours, theirs) for k, ours, theirs in marked if ours != theirs]
    unwritten = [
        f"{key} = {ours!r} (paper: {theirs!r})"
        for key, ours, theirs in differing
        if not _mentions(deviations, key, ours, theirs)
    ]
    if unwritten:
        r.fail(
            f"configs/paper.toml differs from the paper's value and README.md's Deviations "
            f"section does not name it: {listed(unwritten, 4)}",
            "write each under Deviations in README.md (the setting by its key, the paper's "
            "value, ours and why)",
        )
    same = [key for key, ours, theirs in marked if ours == theirs]
    if same:
        r.warn(
            f"marked as the paper's but equal to it: {listed(same, 4)}",
            "remove those paper_<key> marks from configs/paper.toml (they are not deviations)",
        )
    r.note(
        f"{plural(len(differing), 'setting')} differing from the paper's, each named under "
        f"Deviations: {listed([k for k, _, _ in differing], 4)}"
        if differing
        else "every value marked as the paper's is the paper's"
    )
    return r


def _mentions(text: str, key: str, ours: Any, theirs: Any) -> bool:
    """Whether ``text`` writes down the deviation of ``key``: it names the setting (dotted, or
    its last part as a word), or gives both values, ours and the paper's."""
    last = re.split(r"[.\]]", key.rstrip("]"))[-1]
    if key in text or re.search(rf"(?<![\w.]){re.escape(last)}(?!\w)", text):
        return True
    return all(
        re.search(rf"(?<![\w.]){re.escape(str(value))}(?![\w]|\.\d)", text)
        for value in (ours, theirs)
    )
