# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The template's answers: validation and everything derived from them (standard library only).

The cookiecutter template calls :func:`derive` while it asks its questions, so a bad answer
stops the bake before any file is written, and every derived value (the repository name
above all) comes from this one tested function rather than from Jinja.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from dlc_common import __version__
from dlc_common.make.latex import latex_to_unicode
from dlc_common.make.naming import (
    Author,
    NamingError,
    package_name,
    parse_authors,
    parse_counter,
    parse_year,
    repo_name,
)

__all__ = [
    "AnswerError",
    "check_package_name",
    "default_identifier",
    "derive",
    "field_problem",
    "first_steps",
    "json_str",
    "md_text",
    "md_url",
    "not_settable",
    "outside_problems",
    "py_str",
    "toml_str",
    "unwritable",
    "yaml_str",
]

KINDS = ("paper", "patent")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_GITHUB = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_PY_VERSION = re.compile(r"^3\.(1[0-3])$")
_TF_VERSION = re.compile(r"^2\.(1[6-9]|[2-9][0-9])\.[0-9]+$")
# GitHub runner labels: letters, digits and . _ - (no spaces, no commas: they separate labels).
_RUNNER_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
DEFAULT_GPU_RUNNER_LABELS = "self-hosted, linux, x64, gpu"
_ARXIV = re.compile(
    r"^(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)$", re.I
)
_DOI = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.I)


class AnswerError(ValueError):
    """One or more answers the template cannot use; the message names each and the fix."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        lines = [f"  {field}: {message}" for field, message in problems]
        super().__init__("Cannot create the repository:\n" + "\n".join(lines))
        self.problems = problems


@dataclass(frozen=True)
class _Person:
    given: str
    particle: str
    family: str

    @classmethod
    def of(cls, author: Author) -> _Person:
        def text(part: str) -> str:
            return " ".join(latex_to_unicode(part).split())

        return cls(text(author.first), text(author.von), text(author.last))

    @property
    def display(self) -> str:
        return " ".join(p for p in (self.given, self.particle, self.family) if p)

    def cff(self) -> dict[str, str]:
        person = {"family-names": self.family}
        if self.given:
            person["given-names"] = self.given
        if self.particle:
            person["name-particle"] = self.particle
        return person


def _identifier(kind: str, identifier: str, url: str) -> dict[str, str]:
    """Classify the identifier and fill in the URL a reader should follow."""
    identifier = identifier.strip()
    info = {"identifier": identifier, "arxiv": "", "doi": "", "patent_number": "", "url": url}
    if kind == "patent":
        if not identifier:
            raise NamingError(
                "identifier", "a patent needs its number; write e.g. US 9,740,680 B1 or US9740680B1"
            )
        info["patent_number"] = identifier
        if not url:
            compact = re.sub(r"[\s,]", "", identifier)
            info["url"] = f"https://patents.google.com/patent/{compact}"
        return info
    if not identifier:
        if url:  # cited by its web address alone: nothing is made up
            return info
        raise NamingError(
            "identifier",
            "no identifier and no url: write the paper's arXiv id (arXiv:1412.7753) or DOI "
            "(10.1038/323533a0), or leave it empty and give the paper's url",
        )
    if match := _ARXIV.match(identifier):
        info["arxiv"] = match.group(1)
        info["identifier"] = f"arXiv:{match.group(1)}"
        info["url"] = url or f"https://arxiv.org/abs/{match.group(1)}"
    elif match := _DOI.match(identifier):
        info["doi"] = match.group(1)
        info["identifier"] = f"doi:{match.group(1)}"
        info["url"] = url or f"https://doi.org/{match.group(1)}"
    elif not url:
        raise NamingError(
            "identifier",
            f"{identifier!r} is neither an arXiv id (arXiv:1412.7753) nor a DOI "
            "(10.1038/323533a0); write one of those, or give the paper's url as well",
        )
    return info


def default_identifier(answers: Mapping[str, Any], template: Mapping[str, Any]) -> str:
    """The identifier to offer: the template's example paper's own, and only for that paper."""

    def same(key: str) -> bool:
        return " ".join(str(answers.get(key, "")).split()) == " ".join(
            str(template.get(key, "")).split()
        )

    # The same authors and year make the same repository name: the example paper, whatever
    # its title is written like; any other paper must bring its own identifier.
    if all(same(key) for key in ("kind", "authors", "year")):
        return str(template.get("_example_identifier", ""))
    return ""  # another paper: its own identifier is asked for, never the example's


def _check_url(url: str) -> str:
    url = url.strip()
    if url and not re.match(r"^https?://[^\s]+$", url):
        raise NamingError("url", f"{url!r} is not a web address; write it as https://...")
    return url


def _participant(answers: Mapping[str, Any]) -> dict[str, Any]:
    name = " ".join(str(answers.get("participant_name", "")).split())
    email = str(answers.get("participant_email", "")).strip()
    github = str(answers.get("github_user", "")).strip().lstrip("@")
    if not name:
        raise NamingError("participant_name", "write your name as it should appear in citations")
    if "<" in name or ">" in name:
        # The name is the copyright holder in every file header, HTML comments included.
        raise NamingError(
            "participant_name", f"{name!r} holds < or >; write your name as plain text"
        )
    if not _EMAIL.match(email):
        raise NamingError(
            "participant_email", f"{email!r} is not an e-mail address; write name@host"
        )
    if not _GITHUB.match(github):
        raise NamingError(
            "github_user", f"{github!r} is not a GitHub account name; write e.g. ada-lovelace"
        )
    # A participant's name is plain text, not BibTeX: no braces or LaTeX to interpret.
    given, _, family = name.rpartition(" ")
    person = {"family-names": family, **({"given-names": given} if given else {})}
    return {"name": name, "email": email, "github": github, "cff": person}


# Packages a replication must not shadow: its own imports, and what participants commonly use.
_TAKEN_PACKAGES = frozenset("""
    dlc_common tensorflow keras numpy scipy pandas matplotlib sklearn torch jax flax optax
    tensorboard h5py yaml requests tqdm pytest nox setuptools pip wheel uv jupyter ipykernel
    nbclient nbformat cookiecutter cruft absl google ml_dtypes tree optree rich
    """.split())  # noqa: SIM905 (a list of 35 quoted names is harder to read)


def check_package_name(name: str) -> str:
    """``name`` as a replication's package, refused if it would shadow a module it imports."""
    if not name.isidentifier() or not name.isascii():
        raise NamingError("package_name", f"{name!r} is not a Python package name")
    top = name.lower()
    if top in sys.stdlib_module_names or top in _TAKEN_PACKAGES:
        raise NamingError(
            "package_name",
            f"{name!r} would shadow the module of the same name (standard library or a common "
            "dependency), so the replication could not import it",
        )
    return name


def outside_problems(
    given: Mapping[str, Any], values: Mapping[str, Any], template: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """What answers from outside (``key=value``, extra context) try that they must not.

    ``given`` holds the answers passed in, ``values`` the template's values after cookiecutter
    applied them, ``template`` the template's own cookiecutter.json.
    """
    problems = []
    questions = [key for key in template if not key.startswith("_")]
    for key in given:
        if key in questions:
            continue
        if key.startswith("_"):
            problems.append((key, not_settable(key)))
            continue
        close = difflib.get_close_matches(key, questions, n=1, cutoff=0.6)
        hint = (
            f"did you mean {close[0]}?" if close else f"the questions are: {', '.join(questions)}"
        )
        problems.append((key, f"is not a question of this template; {hint}"))
    for key, own in template.items():
        # A private value changed by any route (extra context, the user's default_context).
        if key.startswith("_") and key not in given and key in values and values[key] != own:
            problems.append((key, not_settable(key)))
    return problems


def not_settable(key: str) -> str:
    """Why the private template value ``key`` cannot be given from outside."""
    if key in ("__repo_name", "__package_name"):
        return (
            "is derived from authors, year and counter by the naming rule and cannot be given; "
            "leave it out (to change the name, change those answers)"
        )
    return "is a setting of the template itself and cannot be given; leave it out"


def unwritable(path: str) -> str | None:
    """Why a repository cannot be created in the directory ``path``, or None if it can."""
    probe = os.path.abspath(path)
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if not os.path.isdir(probe):
        return f"{probe} is a file, not a directory; choose another output directory"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not writable; choose another output directory (--output-dir DIR)"
    return None


def md_text(value: object) -> str:
    """Text for one Markdown line: no raw HTML, so no comment and no forged results marker."""
    text = " ".join(str(value).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_url(url: str) -> str:
    """A web address that stays one link target in Markdown (``[x](url)`` and ``<url>``)."""
    return "".join(f"%{ord(c):02X}" if c in "()<>[]" else c for c in url)


def _markdown(derived: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as the README writes them (see md_text)."""
    return {
        "title": md_text(derived["title"]),
        "authors": [md_text(name) for name in derived["authors_display"]],
        "assignee": md_text(derived["assignee"]),
        "identifier": md_text(derived["identifier"]),
        "url": md_url(derived["url"]),
        "participant": md_text(derived["participant"]["name"]),
    }


def first_steps(derived: Mapping[str, Any]) -> list[str]:
    """The ordered first steps of a new replication (Markdown), for its README and the bake."""
    kind, package = derived["kind"], derived["package_name"]
    org, repo = derived["github_org"], derived["repo_name"]
    return [
        f"**Claims**: write the {kind}'s claims into `claims.toml` (metric, value, tolerance, "
        f"direction, where in the {kind}), replacing the stub's placeholder.",
        f"**Model**: replace the stub model in `src/{package}/model.py` with the {kind}'s.",
        f"**Data**: replace the synthetic data in `src/{package}/data.py` with the {kind}'s "
        "dataset (downloaded once, its SHA-256 checked, never committed).",
        f"**Paper config**: put the {kind}'s hyperparameters into `configs/paper.toml` (and a "
        "small version for quick checks into `configs/smoke.toml`); check with "
        "`nox -s test replicate`.",
        "**First paper run**: `nox -s replicate -- --profile paper` writes `report/` and the "
        "README's results table.",
        f"**GitHub**: create the empty repository {org}/{repo} (https://github.com/new, or "
        f"`gh repo create {org}/{repo} --public`), then "
        f"`git remote add origin {derived['repo_url']}.git` and `git push -u origin main`; "
        "from then on, change it in small pull requests.",
    ]


def field_problem(field: str, answers: Mapping[str, Any]) -> str | None:
    """Why the answer to ``field`` cannot be used with the other answers, or None if it can."""
    probe = dict(answers)
    fields = {field}
    if field == "identifier" and not str(probe.get("url", "")).strip():
        probe["url"] = "https://example.org/"  # asked next: a url may complete the identifier
    if field == "url":
        fields.add("identifier")
    try:
        derive(probe)
    except AnswerError as error:
        for name, message in error.problems:
            if name in fields:
                return message
    return None


def derive(answers: Mapping[str, Any], today: date | None = None) -> dict[str, Any]:
    """Check every answer and derive the values the template renders; raise AnswerError."""
    problems: list[tuple[str, str]] = []
    today = today or datetime.now(timezone.utc).date()
    derived: dict[str, Any] = {"version": __version__, "copyright_year": today.year}

    def check(field: str, step: Any) -> Any:
        try:
            return step()
        except NamingError as exc:
            problems.append((exc.field if exc.field != "name" else field, exc.message))
            return None

    kind = str(answers.get("kind", "")).strip()
    if kind not in KINDS:
        problems.append(("kind", f"{kind!r} is not a kind; write paper or patent"))
    derived["kind"] = kind
    title = str(answers.get("title", ""))
    if not title.strip():
        problems.append(("title", "the title is empty; write the paper's title as printed"))
    derived["title"] = title
    derived["title_line"] = " ".join(title.split())

    authors_text = str(answers.get("authors", ""))
    parsed = check("authors", lambda: parse_authors(authors_text))
    if parsed is not None:
        people = [_Person.of(a) for a in parsed[0]]
        derived["authors"] = [p.cff() for p in people]
        derived["authors_display"] = [p.display for p in people]
        derived["authors_more"] = parsed[1]
    year = check("year", lambda: parse_year(str(answers.get("year", ""))))
    raw_counter = str(answers.get("counter", "")).strip()
    counter = (
        None if raw_counter in {"", "0"} else check("counter", lambda: parse_counter(raw_counter))
    )
    if not problems:
        name = check("authors", lambda: repo_name(authors_text, year, counter))
        if name is not None:
            derived["repo_name"] = name
            derived["package_name"] = check(
                "authors", lambda: check_package_name(package_name(name))
            )
    derived["year"] = year
    derived["counter"] = counter

    url = check("url", lambda: _check_url(str(answers.get("url", ""))))
    if kind in KINDS and url is not None:
        info = check(
            "identifier", lambda: _identifier(kind, str(answers.get("identifier", "")), url)
        )
        if info:
            derived.update(info)
    derived["assignee"] = " ".join(str(answers.get("assignee", "")).split())
    participant = check("participant", lambda: _participant(answers))
    derived["participant"] = participant
    if participant:
        derived["copyright"] = f"{today.year} {participant['name']}"

    org = str(answers.get("github_org", "")).strip()
    if not _GITHUB.match(org):
        problems.append(
            ("github_org", f"{org!r} is not a GitHub organisation; write e.g. Latently")
        )
    derived["github_org"] = org
    python = str(answers.get("python_version", "")).strip()
    if not _PY_VERSION.match(python):
        problems.append(
            ("python_version", f"{python!r} is not supported; write 3.10, 3.11, 3.12 or 3.13")
        )
    derived["python_version"] = python
    tensorflow = str(answers.get("tensorflow_version", "")).strip()
    if not _TF_VERSION.match(tensorflow):
        problems.append(
            (
                "tensorflow_version",
                f"{tensorflow!r} is not a TensorFlow 2 release; write e.g. 2.21.0",
            )
        )
    derived["tensorflow_version"] = tensorflow
    text = str(answers.get("gpu_runner_labels", DEFAULT_GPU_RUNNER_LABELS))
    labels = [label.strip() for label in text.split(",") if label.strip()]
    wrong = [label for label in labels if not _RUNNER_LABEL.match(label)]
    if not labels or wrong:
        what = f"{wrong[0]!r} is not a runner label" if wrong else "no runner label given"
        problems.append(
            (
                "gpu_runner_labels",
                f"{what}; write the labels of your GPU runner separated by commas, "
                f"e.g. {DEFAULT_GPU_RUNNER_LABELS}",
            )
        )
    derived["gpu_runner_labels"] = labels

    if problems:
        raise AnswerError(problems)
    derived["repo_url"] = f"https://github.com/{org}/{derived['repo_name']}"
    derived["md"] = _markdown(derived)
    derived["first_steps"] = first_steps(derived)
    return derived


# Literal encoders: every answer reaches a file through one of these, never raw.


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _quoted(value: object, unsafe: set[str]) -> str:
    """A double-quoted string in the escape syntax TOML and YAML share (\\n, \\uXXXX, ...)."""
    out = []
    for char in str(value):
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif unicodedata.category(char) in unsafe or char in "\x7f\ufeff":
            code = ord(char)
            out.append(f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_str(value: object) -> str:
    """A TOML basic string holding ``value`` exactly."""
    return _quoted(value, {"Cc", "Cs"})


def yaml_str(value: object) -> str:
    """A YAML double-quoted scalar holding ``value`` exactly (no raw line or format breaks)."""
    return _quoted(value, {"Cc", "Cs", "Zl", "Zp", "Cf", "Co", "Cn"})


def json_str(value: object) -> str:
    """A JSON value holding ``value`` exactly."""
    return json.dumps(value, ensure_ascii=False)


def py_str(value: object) -> str:
    """A Python literal holding ``value`` exactly (double-quoted, as black writes strings)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a Python literal too
    return repr(value)
