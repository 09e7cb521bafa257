# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Jinja extension of the template: literal answers, the naming rule, and safe encoders.

Cookiecutter renders every answer that arrives as a default, with ``--no-input`` or as extra
context (``key=value``, the API, ``cruft update``) as a Jinja template, in an environment that
is not sandboxed: ``{{ 7*7 }}`` would become 49 and a BibTeX title could run Python. This
extension makes such answers literal text, and computes everything derived from them with
``dlc_common.make.answers``, the tested Python that also backs ``dlc new``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context

# The template always uses the naming rule of its own checkout, whatever is installed.
_TEMPLATE_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(_TEMPLATE_DIR.parent))

from dlc_common.make import answers as _answers  # noqa: E402

# The template's questions and defaults, as cookiecutter.json writes them.
_TEMPLATE = json.loads((_TEMPLATE_DIR / "cookiecutter.json").read_text("utf-8"))
# The template's own computed values: the only strings rendered as Jinja while answering.
_OWN = {
    value
    for value in _TEMPLATE.values()
    if isinstance(value, str) and re.fullmatch(r"\{\{ cookiecutter \| dlc_[a-z_]+ \}\}", value)
}


def _rendering_an_answer() -> bool:
    """Is cookiecutter rendering an answer (rather than a file, a path or a hook)?"""
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "render_variable" and frame.f_globals.get("__name__") == (
            "cookiecutter.prompt"
        ):
            return True
        frame = frame.f_back
    return False


def _caller_local(function: str, module: str, name: str) -> Any:
    """A local variable of the nearest calling cookiecutter function, or None outside one."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == function and frame.f_globals.get("__name__") == module:
            return frame.f_locals.get(name)
        frame = frame.f_back
    return None


def _check_outside_answers() -> None:
    """Refuse what comes from outside but is not an answer: the derived values, unknown keys.

    Cookiecutter takes ``key=value`` (and the API's extra context, and the user's
    default_context) for any key of cookiecutter.json, the derived ``__repo_name`` included,
    so ``__repo_name=../../x`` would write outside the output directory; and it silently drops
    keys it does not know, so a misspelt answer would leave a placeholder in the files.
    """
    generating = _caller_local("generate_files", "cookiecutter.generate", "context")
    if isinstance(generating, dict):
        _check_derived(generating.get("cookiecutter", {}))
        return
    context = _caller_local("prompt_for_config", "cookiecutter.prompt", "context")
    if not isinstance(context, dict):
        return  # neither asking nor generating: a tool that calls cookiecutter's other parts
    given = _caller_local("cookiecutter", "cookiecutter.main", "extra_context") or {}
    values = context.get("cookiecutter", {})
    problems = _answers.outside_problems(given, values, _TEMPLATE)
    output_dir = _caller_local("cookiecutter", "cookiecutter.main", "output_dir")
    if output_dir is not None and (problem := _answers.unwritable(str(output_dir))):
        problems.append(("--output-dir", problem))
    if problems:
        raise _stop(_answers.AnswerError(problems))


def _check_derived(values: dict[str, Any]) -> None:
    """Before any file is written: the names are the naming rule's, whatever route set them.

    This also covers what the check while asking cannot see, such as a replay file.
    """
    derived = derive(values)
    problems = [
        (key, _answers.not_settable(key))
        for key, own in (("__repo_name", "repo_name"), ("__package_name", "package_name"))
        if key in values and values[key] != derived[own]
    ]
    if problems:
        raise _stop(_answers.AnswerError(problems))


def _stop(error: _answers.AnswerError) -> Exception:
    # Cookiecutter prints FailedHookException's message and exits 1 without a traceback, and
    # nothing has been written yet at this point: answers are checked before generation.
    from cookiecutter.exceptions import FailedHookException

    return FailedHookException(str(error))


def _answers_of(cookiecutter: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(cookiecutter).items() if not k.startswith("_")}


def derive(cookiecutter: Any) -> dict[str, Any]:
    """All derived values for these answers; a bad answer stops the bake with its fix."""
    try:
        return _answers.derive(_answers_of(cookiecutter))
    except _answers.AnswerError as error:
        raise _stop(error) from None


class DlcExtension(Extension):
    """Literal encoders as filters (``toml_str``, ``yaml_str``, ...); ``dlc()``: derived values."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        _check_outside_answers()  # before any question is asked and any file is written
        self._literals: list[str] = []
        environment.filters.update(
            toml_str=_answers.toml_str,
            yaml_str=_answers.yaml_str,
            json_str=_answers.json_str,
            py_str=_answers.py_str,
            dlc_repo_name=lambda c: derive(c)["repo_name"],
            dlc_package_name=lambda c: derive(c)["package_name"],
            dlc_identifier=lambda c: _answers.default_identifier(c, _TEMPLATE),
            answers_json=lambda c: json.dumps(_answers_of(c), ensure_ascii=False, indent=2),
        )
        environment.globals["_dlc_literal"] = self._literals.__getitem__
        environment.globals["dlc"] = _dlc
        # Where this template lives; cookiecutter's _repo_dir is missing under cruft update.
        environment.globals["dlc_template_dir"] = str(_TEMPLATE_DIR)
        environment.globals["dlc_shared_file"] = _shared_file

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """Turn an answer into a template that prints it verbatim."""
        if name is None and source not in _OWN and _rendering_an_answer():
            self._literals.append(source)
            return f"{{{{ _dlc_literal({len(self._literals) - 1}) }}}}"
        return source


def _shared_file(relative: str) -> str:
    """A file of the template's repository, verbatim: one copy for the repository and its bakes."""
    return (_TEMPLATE_DIR.parent / relative).read_text(encoding="utf-8")


@pass_context
def _dlc(context: Context) -> dict[str, Any]:
    return derive(context["cookiecutter"])
