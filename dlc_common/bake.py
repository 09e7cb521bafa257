# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Baking a replication repository: ``dlc new`` and the template's post-generation step."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dlc_common import __version__
from dlc_common.bibtex import Entry

__all__ = ["DEFAULT_TEMPLATE", "answers_from_entry", "finish", "new", "parse_overrides"]

DEFAULT_TEMPLATE = "gh:Latently/dlc-template"


def _git(*args: str, cwd: Path, name: str = "", email: str = "") -> subprocess.CompletedProcess:
    """Run git isolated from the user's configuration (hooks, signing, templates, pager)."""
    command = ["git", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false"]
    command += ["-c", "init.templateDir=", "-c", "core.pager=cat"]
    if name:
        command += ["-c", f"user.name={name}", "-c", f"user.email={email}"]
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def template_source(template_dir: Path) -> tuple[str, str | None]:
    """Where the template came from and at which commit, as cruft records them."""
    # The index at the repository root sends cookiecutter into template/, so the repository is
    # the template directory's parent: a clone in ~/.cookiecutters of a remote repository
    # (whose address cruft needs) or a local checkout (whose path it needs).
    root = template_dir.resolve().parent
    url = str(root)
    if root.parent == Path.home() / ".cookiecutters":
        origin = _git("remote", "get-url", "origin", cwd=root)
        if origin.returncode == 0:
            url = origin.stdout.strip()
    head = _git("rev-parse", "HEAD", cwd=root)
    return url, head.stdout.strip() if head.returncode == 0 else None


def finish(project_dir: str | Path, answers: Mapping[str, Any], template_dir: str | Path) -> int:
    """Record the answers for cruft and make the first commit on branch main; exit status."""
    from dlc_common.answers import derive

    project = Path(project_dir)
    derived = derive(answers)
    url, commit = template_source(Path(template_dir))
    record = {
        "template": url,
        "commit": commit,
        "checkout": None,
        "context": {"cookiecutter": {**answers, "_template": url}},
        "directory": "template",
        # What `cruft update` must leave alone: git's own files, the replication's results.
        "skip": [".git", ".cruft.json", "report", "runs"],
    }
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    (project / ".cruft.json").write_text(text, encoding="utf-8")

    person = derived["participant"]
    if _git("--version", cwd=project).returncode != 0:
        print("dlc-template: git not found; run 'git init -b main' yourself", file=sys.stderr)
        return 0
    message = f"Initial commit from dlc-template {__version__}"
    for step in (
        ("init", "--quiet", "--initial-branch=main"),
        ("add", "--all"),
        ("commit", "--quiet", "--no-verify", "-m", message),
    ):
        result = _git(*step, cwd=project, name=person["name"], email=person["email"])
        if result.returncode != 0:
            print(f"dlc-template: git {step[0]} failed: {result.stderr.strip()}", file=sys.stderr)
            return 1
    return 0


def answers_from_entry(entry: Entry) -> dict[str, str]:
    """The template's answers that one BibTeX entry provides: kind, title, authors, year, ids."""
    from dlc_common.naming import NamingError

    fields = entry.fields
    answers: dict[str, str] = {"kind": "patent" if entry.type == "patent" else "paper"}
    title = entry.text("title")
    if not title:
        raise NamingError("title", f"entry {entry.key!r} has no title; add title = {{...}} to it")
    answers["title"] = title
    # Authors stay in BibTeX form: braces group corporate names, LaTeX is decoded later.
    authors = fields.get("author") or fields.get("inventor")
    if authors:
        answers["authors"] = " ".join(authors.split())
    if entry.text("year"):
        answers["year"] = entry.text("year") or ""
    eprint, prefix = entry.text("eprint"), (entry.text("archiveprefix") or "").lower()
    doi = entry.text("doi")
    number = entry.text("number")
    if answers["kind"] == "patent" and number:
        answers["identifier"] = number
        if entry.text("assignee"):
            answers["assignee"] = entry.text("assignee") or ""
    elif eprint and prefix in {"", "arxiv"}:
        answers["identifier"] = f"arXiv:{eprint}"
    elif doi:
        answers["identifier"] = doi
    elif eprint:
        answers["identifier"] = eprint
    url = entry.text("url")
    if url:
        answers["url"] = url.split()[0]
    return answers


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """Answers given as key=value on the command line."""
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[a-z_]+", key):
            raise ValueError(
                f"{pair!r} is not key=value; write e.g. participant_name='Ada Lovelace'"
            )
        overrides[key] = value
    return overrides


def new(
    answers: Mapping[str, str],
    *,
    template: str | None = None,
    checkout: str | None = None,
    output_dir: str | Path = ".",
    no_input: bool = False,
) -> int:
    """Bake a replication repository with cookiecutter; ``answers`` prefill the questions."""
    if importlib.util.find_spec("cookiecutter") is None:
        print(
            "dlc new: cookiecutter is not installed; install it with: "
            "python3 -m pip install 'dlc-common[new]'",
            file=sys.stderr,
        )
        return 1
    template = template or os.environ.get("DLC_TEMPLATE") or DEFAULT_TEMPLATE
    if checkout is None and template == DEFAULT_TEMPLATE:
        checkout = f"v{__version__}"  # the template of this very library version
    command = [sys.executable, "-m", "cookiecutter", template, "--output-dir", str(output_dir)]
    if checkout:
        command += ["--checkout", checkout]
    if no_input:
        command.append("--no-input")
    # Cookiecutter renders these values as Jinja; the template's extension keeps them literal.
    command += [f"{key}={value}" for key, value in answers.items()]
    return subprocess.run(command, check=False).returncode
