# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Baking a replication repository: ``dlc new`` and the template's post-generation step."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dlc_common import __version__
from dlc_common.make.bibtex import Entry

__all__ = [
    "DEFAULT_TEMPLATE",
    "answers_from_entry",
    "finish",
    "missing_identifier",
    "new",
    "parse_overrides",
]

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
    from dlc_common.make.answers import derive

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
    if (project / ".git").exists():
        # Baked again over an existing repository (cookiecutter -f): its history and the
        # user's own files are theirs to commit, not ours.
        print(
            f"dlc-template: {project.resolve()} already was a git repository: the template's "
            "files were written over it and nothing was committed; review the changes with "
            "'git status' and 'git diff' and commit what you keep",
            file=sys.stderr,
        )
        print(summary(project, derived, committed=False))
        return 0
    message = f"Initial commit from dlc-template {__version__}"
    # Only the files the template made: whatever else was in the directory (a re-bake with -f
    # over notes or data) stays untracked.
    made = [
        name for name in generated_files(Path(template_dir), derived) if (project / name).exists()
    ]
    for step in (
        ("init", "--quiet", "--initial-branch=main"),
        ("add", "--force", "--", *made),
        ("commit", "--quiet", "--no-verify", "-m", message),
    ):
        result = _git(*step, cwd=project, name=person["name"], email=person["email"])
        if result.returncode != 0:
            print(f"dlc-template: git {step[0]} failed: {result.stderr.strip()}", file=sys.stderr)
            return 1
    print(summary(project, derived, committed=True, files=len(made)))
    return 0


def summary(project: Path, derived: Mapping[str, Any], *, committed: bool, files: int = 0) -> str:
    """What a bake made and the ordered next steps, as printed at its end."""
    where = project.resolve()
    shell = os.environ.get("PWD")  # the user's directory: the hook itself runs in the project
    if shell and where.is_relative_to(Path(shell).resolve()):
        where = where.relative_to(Path(shell).resolve())
    made = f"{files} files, first commit on branch main" if committed else "nothing committed"
    lines = [
        f"Created {where}: the replication of the {derived['kind']} "
        f"{derived['title_line']!r} ({made}).",
        "Next steps (also at the top of its README.md):",
        f"  0. cd {shlex.quote(str(where))} && python3 -m pip install 'nox>=2026.10' uv",
    ]
    for number, step in enumerate(derived["first_steps"], start=1):
        lines.append(f"  {number}. {step.replace('**', '')}")
    return "\n".join(lines)


def generated_files(template_dir: Path, derived: Mapping[str, Any]) -> list[str]:
    """The files a bake writes (relative POSIX paths), as named for these derived answers."""
    root = template_dir / "{{cookiecutter.__repo_name}}"
    names = {
        "{{cookiecutter.__repo_name}}": derived["repo_name"],
        "{{cookiecutter.__package_name}}": derived["package_name"],
    }
    made = [".cruft.json"]
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            name = path.relative_to(root).as_posix()
            for placeholder, value in names.items():
                name = name.replace(placeholder, value)
            made.append(name)
    return made


_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|\barxiv:\s*)"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[a-z]{2})?/\d{7}(?:v\d+)?)",
    re.I,
)
_DOI_IN_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)$", re.I)
_URL_MACRO = re.compile(r"\\url\{([^{}\s]+)\}")


def _entry_url(entry: Entry) -> str:
    """The entry's own web address: ``url`` (first of several), else ``\\url{...}`` in a note."""
    url = entry.fields.get("url", "").strip().strip("{}")
    if url:
        return url.split()[0]
    for name in ("howpublished", "note"):
        if match := _URL_MACRO.search(entry.fields.get(name, "")):
            return match.group(1)
    return ""


def _paper_identifier(entry: Entry, url: str) -> str:
    """The paper's arXiv id or DOI from its own entry's fields, or "" when it names neither."""
    eprint = entry.text("eprint") or ""
    prefix = (entry.text("archiveprefix") or entry.text("eprinttype") or "").lower()
    if eprint and prefix in {"", "arxiv"}:
        return f"arXiv:{eprint}"
    if entry.text("arxivid"):
        return f"arXiv:{entry.text('arxivid')}"
    if doi := entry.text("doi"):
        return doi
    if match := _DOI_IN_URL.match(url):
        return match.group(1)
    # Google Scholar writes journal = {arXiv preprint arXiv:1412.7753}; others a url or a note.
    for name in ("url", "journal", "note", "howpublished"):
        if match := _ARXIV_IN_TEXT.search(entry.fields.get(name, "")):
            return f"arXiv:{match.group(1)}"
    return eprint


def answers_from_entry(entry: Entry) -> dict[str, str]:
    """The template's answers that one BibTeX entry provides: kind, title, authors, year, ids.

    The identifier (arXiv id or DOI; a patent's number) and the url come from the entry alone,
    "" when it has none, so that the template's example paper is never cited instead.
    """
    from dlc_common.make.naming import NamingError

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
    url = _entry_url(entry)
    if answers["kind"] == "patent":
        # A patent is cited by its number, never by an arXiv id or DOI it may also carry.
        answers["identifier"] = entry.text("number") or ""
        answers["assignee"] = entry.text("assignee") or ""
    else:
        answers["identifier"] = _paper_identifier(entry, url)
    answers["url"] = url
    return answers


def missing_identifier(entry: Entry, answers: Mapping[str, str]) -> str | None:
    """Why these answers cannot cite the entry's paper (no identifier, no url), or None."""
    if answers.get("identifier", "").strip():
        return None
    if answers.get("kind") == "patent":
        return (
            f"entry {entry.key!r} has no number field, and a patent is cited by its "
            "number; add number = {US 9,740,680 B1} to the entry or give identifier=US9740680B1"
        )
    if answers.get("url", "").strip():
        return None
    return (
        f"entry {entry.key!r} has no eprint, doi or url field, so nothing says which "
        "paper it is; add one to the entry, or give identifier=arXiv:<id> (or a DOI) "
        "or url=https://..."
    )


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """Answers given as key=value on the command line."""
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[a-z_]+", key):
            raise ValueError(
                f"{pair!r} is not key=value; write e.g. participant_name='Ada Lovelace'"
            )
        if key.startswith("_"):
            from dlc_common.make.answers import not_settable

            raise ValueError(f"{key}: {not_settable(key)}")
        overrides[key] = value
    return overrides


# Cookiecutter runs in its own process, so that the template imports the dlc_common of its own
# checkout (whatever version this one is), and every error it raises becomes one line.
_RUNNER = """
import json, logging, sys
sys.path.pop(0)  # not the current directory: only the template's checkout and the installed
from cookiecutter.exceptions import FailedHookException, OutputDirExistsException
from cookiecutter.main import cookiecutter
logging.getLogger("cookiecutter").addHandler(logging.NullHandler())  # errors: one line below
logging.getLogger("cookiecutter").propagate = False
def say(message):
    print("dlc new: " + message, file=sys.stderr)
    sys.exit(1)
try:
    cookiecutter(**json.loads(sys.argv[1]))
except (KeyboardInterrupt, EOFError):
    say("stopped; nothing was created")
except FailedHookException as exc:  # the template's own checks name the field and the fix
    say(str(exc))
except OutputDirExistsException as exc:
    say(f"{exc}; choose another --output-dir, or remove it first")
except OSError as exc:
    where = f" {exc.filename}" if exc.filename else ""
    say(f"cannot write{where}: {exc.strerror or exc}; nothing was kept")
except Exception as exc:  # cookiecutter's own: ValueError, CookiecutterException, ...
    say(f"{type(exc).__name__}: {' '.join(str(exc).split())}")
"""


def _bake(**options: Any) -> int:
    """Run cookiecutter with these options; remove whatever a failed bake left; exit status."""
    output = Path(options["output_dir"])
    before = set(output.iterdir()) if output.is_dir() else None
    command = [sys.executable, "-c", _RUNNER, json.dumps(options)]
    try:
        status = subprocess.run(command, check=False).returncode
    except KeyboardInterrupt:
        status = 130
    if status == 0:
        return 0
    # Nothing half-made stays behind: what this bake created goes.
    if before is None:
        shutil.rmtree(output, ignore_errors=True)
    elif output.is_dir():
        for path in set(output.iterdir()) - before:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    return status


class TemplateUnavailable(Exception):
    """The template cannot be fetched or read; the message says why and what to do."""


def fetch_template(template: str, checkout: str | None) -> Path:
    """The template as a local directory: a path as given, a repository cloned (cookiecutter's
    own cache, ~/.cookiecutters) at ``checkout``."""
    import logging

    from cookiecutter import exceptions as errors
    from cookiecutter.config import get_user_config
    from cookiecutter.repository import determine_repo_dir

    logging.getLogger("cookiecutter").addHandler(logging.NullHandler())
    logging.getLogger("cookiecutter").propagate = False  # its errors become the line below
    try:
        config = get_user_config()
        where, _ = determine_repo_dir(
            template=template,
            abbreviations=config["abbreviations"],
            clone_to_dir=config["cookiecutters_dir"],
            checkout=checkout,
            no_input=True,
        )
    except (
        subprocess.CalledProcessError,
        errors.RepositoryNotFound,
        errors.RepositoryCloneFailed,
        errors.VCSNotInstalled,
        OSError,
    ) as exc:
        output = getattr(exc, "output", None) or str(exc)
        if isinstance(output, bytes):
            output = output.decode("utf-8", "replace")
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        at = f" at {checkout}" if checkout else ""
        raise TemplateUnavailable(
            f"cannot fetch the template {template}{at} ({lines[-1] if lines else exc}); "
            "without network, use a local copy of dlc-template: dlc new --template PATH ..."
        ) from None
    except errors.CookiecutterException as exc:
        raise TemplateUnavailable(f"template {template}: {' '.join(str(exc).split())}") from None
    return Path(where)


def template_questions(repository: Path) -> dict[str, Any]:
    """The template's cookiecutter.json (through the repository's index, if it has one)."""
    try:
        config = json.loads((repository / "cookiecutter.json").read_text("utf-8"))
        if "templates" in config:  # the index at dlc-template's root: the first template
            first = next(iter(config["templates"].values()))
            config = json.loads((repository / first["path"] / "cookiecutter.json").read_text())
    except (OSError, ValueError, StopIteration, KeyError, TypeError) as exc:
        raise TemplateUnavailable(f"{repository} holds no cookiecutter template: {exc}") from None
    return config


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
    from dlc_common.make.answers import AnswerError, outside_problems, unwritable

    if problem := unwritable(str(output_dir)):
        print(f"dlc new: --output-dir: {problem}", file=sys.stderr)
        return 1
    try:
        local = fetch_template(template, checkout)
        questions = template_questions(local)
    except TemplateUnavailable as exc:
        print(f"dlc new: {exc}", file=sys.stderr)
        return 1
    if problems := outside_problems(answers, {}, questions):
        print(f"dlc new: {AnswerError(problems)}", file=sys.stderr)
        return 1
    if not no_input:
        try:
            answers = ask_answers(questions, answers, output_dir=Path(output_dir))
        except (KeyboardInterrupt, EOFError):
            print("\ndlc new: stopped; nothing was created", file=sys.stderr)
            return 1
        if answers is None:
            print("dlc new: nothing was created", file=sys.stderr)
            return 1
    # Every answer is known now (or cookiecutter's defaults are meant): cookiecutter only bakes.
    # It renders these values as Jinja; the template's extension keeps them literal.
    return _bake(
        template=str(local),
        no_input=True,
        extra_context=dict(answers),
        output_dir=str(output_dir),
    )


def git_identity() -> dict[str, str]:
    """The participant's name and e-mail address as git knows them (``git config user.*``)."""
    found = {}
    for setting, answer in (("user.name", "participant_name"), ("user.email", "participant_email")):
        try:
            result = subprocess.run(
                ["git", "config", "--get", setting],
                capture_output=True,
                text=True,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except OSError:
            return found
        if result.returncode == 0 and result.stdout.strip():
            found[answer] = result.stdout.strip()
    return found


def _counter_meaning(counter: int | None) -> str:
    if not counter:
        return "counter 0: the first replication of this paper"
    others = "replication exists" if counter == 1 else "replications exist"
    return f"counter {counter}: {counter} other {others} already"


def read_line(prompt: str) -> str:
    """``input()`` without readline: Ctrl-C at the prompt interrupts at once, every time.

    With readline, a SIGINT that lands after the prompt is printed but before readline waits
    is only noticed at the next key press; a plain read is interrupted (or never starts).
    """
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def ask_answers(
    questions: Mapping[str, Any],
    given: Mapping[str, str],
    *,
    output_dir: Path = Path("."),
    read: Any = read_line,
    write: Any = print,
) -> dict[str, str] | None:
    """Ask the template's questions that ``given`` does not answer, checking each as typed.

    A wrong answer is asked again with the reason; the derived repository name is shown, with
    the counter's meaning, before anything is written. None when the participant declines.
    """
    from dlc_common.make.answers import AnswerError, default_identifier, derive, field_problem
    from dlc_common.make.naming import NamingError, repo_name

    given = {key: value for key, value in given.items() if str(value).strip()}  # blank: ask
    prompts = questions.get("__prompts__", {})
    keys = [key for key in questions if not key.startswith("_")]
    defaults = {key: str(questions[key]) for key in keys}
    defaults.update(git_identity())
    answers: dict[str, str] = {}

    def current() -> dict[str, str]:
        probe = {**defaults, **answers}
        if "identifier" not in answers:
            probe["identifier"] = default_identifier(probe, questions)
        return probe

    def ask(key: str, number: int, reason: str | None = None) -> str:
        # A refused answer is not offered again as the default.
        default = "" if reason else answers.get(key, given.get(key, current()[key]))
        shown = f" [{default}]" if default else ""
        while True:
            if reason:
                write(f"    {reason}; try again")
            reply = read(f"  [{number}/{len(keys)}] {prompts.get(key, key)}{shown}: ").strip()
            value = reply or default
            reason = field_problem(key, {**current(), key: value})
            if reason is None:
                return value

    if given:
        write("From the BibTeX entry and the command line:")
        for key, value in given.items():
            write(f"  {key}: {value}")
    for number, key in enumerate(keys, start=1):
        probe = current()
        if key == "assignee" and probe.get("kind") != "patent" and key not in given:
            answers[key] = ""  # a paper has no assignee
            continue
        if key == "counter":
            try:
                base = repo_name(probe["authors"], probe["year"], None)
                write(
                    f"  The repository will be named {base}; if N other replications of this "
                    f"paper exist already, it is {base}_N."
                )
            except NamingError:
                pass  # the authors or year question says why
        if key in given:
            reason = field_problem(key, {**probe, key: given[key]})
            if reason is None:
                answers[key] = given[key]
                continue
            write(f"  {key}: {given[key]!r} cannot be used")
            answers[key] = ask(key, number, reason)
        else:
            answers[key] = ask(key, number)
    while True:  # an answer that only the later ones show wrong is asked again
        try:
            derived = derive(answers)
            break
        except AnswerError as error:
            field, reason = error.problems[0]
            if field not in keys:
                write(f"  {field}: {reason}")
                return None
            answers[field] = ask(field, keys.index(field) + 1 if field in keys else 0, reason)
    name = derived["repo_name"]
    write(f"Repository: {name} ({_counter_meaning(derived['counter'])})")
    write(f"  in {(output_dir / name).resolve()}, for {derived['repo_url']}")
    reply = read("Create it? [Y/n]: ").strip().lower()
    return answers if reply in ("", "y", "yes") else None
