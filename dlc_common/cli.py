# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ``dlc`` command: name a replication, bake one, review one, index many.

This module must stay fast to import: no TensorFlow, no heavy standard-library modules at the
top. Each subcommand imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dlc_common import __version__


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


def _cmd_name(args: argparse.Namespace) -> int:
    from dlc_common.make.naming import NamingError, name_from_entry, repo_name

    if args.bibtex is None:
        if args.year is None:
            raise UsageError("give AUTHORS and YEAR, or --bibtex FILE [KEY]")
        try:
            print(repo_name(args.authors, args.year, args.counter))
        except NamingError as exc:
            print(f"dlc name: {exc}", file=sys.stderr)
            return 1
        return 0
    from dlc_common.make.bibtex import BibTeXError, find_entry, read_bibtex

    try:
        if args.year is not None:
            raise UsageError("with --bibtex FILE give at most one citation KEY")
        entries = read_bibtex(args.bibtex)
        if args.authors is not None:
            print(name_from_entry(find_entry(entries, args.authors, args.bibtex), args.counter))
            return 0
        if len(entries) == 1:
            print(name_from_entry(entries[0], args.counter))
            return 0
        if not entries:
            raise UsageError(f"{args.bibtex}: no BibTeX entries found")
        failed = 0
        for entry in entries:
            try:
                print(f"{entry.key}\t{name_from_entry(entry, args.counter)}")
            except NamingError as exc:
                failed += 1
                print(f"{entry.key}\terror: {exc}", file=sys.stderr)
        if failed:
            print(
                f"dlc name: {failed} of {len(entries)} entries could not be named (see above)",
                file=sys.stderr,
            )
        return 1 if failed else 0
    except (NamingError, BibTeXError) as exc:
        print(f"dlc name: {exc}", file=sys.stderr)
        return 1


def _cmd_new(args: argparse.Namespace) -> int:
    from dlc_common.make.bake import answers_from_entry, missing_identifier, new, parse_overrides
    from dlc_common.make.bibtex import BibTeXError, find_entry, read_bibtex
    from dlc_common.make.naming import NamingError, name_from_entry

    if args.key and "=" in args.key:  # no KEY given: the first KEY=VALUE landed there
        args.answers.insert(0, args.key)
        args.key = None
    try:
        answers: dict[str, str] = {}
        if args.bibtex:
            entries = read_bibtex(args.bibtex)
            if args.key:
                entry = find_entry(entries, args.key, args.bibtex)
            elif len(entries) == 1:
                entry = entries[0]
            else:
                raise UsageError(
                    f"{args.bibtex} has {len(entries)} entries; name one: "
                    "dlc new --bibtex FILE KEY"
                )
            name_from_entry(entry, args.counter)  # a clear error now rather than mid-bake
            answers.update(answers_from_entry(entry))
        elif args.key:
            raise UsageError("a citation KEY needs --bibtex FILE")
        if args.counter is not None:
            answers["counter"] = args.counter
        answers.update(parse_overrides(args.answers))
        if args.bibtex and args.no_input and (problem := missing_identifier(entry, answers)):
            raise NamingError("identifier", problem)
    except (NamingError, BibTeXError, ValueError) as exc:
        if isinstance(exc, UsageError):
            raise
        print(f"dlc new: {exc}", file=sys.stderr)
        return 1
    return new(
        answers,
        template=args.template,
        checkout=args.checkout,
        output_dir=args.output_dir,
        no_input=args.no_input,
    )


def _cmd_audit(args: argparse.Namespace) -> int:
    from dlc_common.review.audit import AuditError, main

    try:
        return main(args.path, as_json=args.json)
    except AuditError as exc:
        raise UsageError(str(exc)) from None


def _cmd_catalog(args: argparse.Namespace) -> int:
    from dlc_common.review.catalog import main as catalog_main

    return catalog_main(args.dirs, output=args.output)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``dlc`` command."""
    parser = argparse.ArgumentParser(
        prog="dlc",
        description="Name, create and run replications of ML papers (Latently DLC).",
    )
    parser.add_argument("--version", action="version", version=f"dlc-common {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    name = commands.add_parser(
        "name",
        help="print the repository name of a paper",
        description="Print a replication's repository name by the program's naming rule.",
        epilog=(
            'examples:  dlc name "Mikolov, Tomas and Joulin, Armand and Chopra, Sumit and '
            'Mathieu, Michael" 2015\n'
            "           dlc name --bibtex DLC.bib Mikolov2014-ry --counter 1"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    name.add_argument(
        "authors",
        nargs="?",
        metavar="AUTHORS",
        help="authors, BibTeX style ('Last, First and Last, First and others') or ';'-separated; "
        "with --bibtex: the citation KEY",
    )
    name.add_argument("year", nargs="?", metavar="YEAR", help="four-digit year of publication")
    name.add_argument(
        "--counter", metavar="N", help="N >= 1 when other replications of the paper exist"
    )
    name.add_argument(
        "--bibtex", metavar="FILE", help="read authors and year from this BibTeX file"
    )
    name.set_defaults(run=_cmd_name)

    new = commands.add_parser(
        "new",
        help="create a replication repository from the template",
        description="Create a replication repository: cookiecutter with the paper's answers "
        "filled in from a BibTeX entry and/or key=value pairs. It asks for the rest, checks "
        "each answer as it is typed, and shows the repository's name before writing anything.",
        epilog="example:  dlc new --bibtex DLC.bib Mikolov2014-ry participant_name='Ada Lovelace'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    new.add_argument("--bibtex", metavar="FILE", help="fill the paper's answers from this file")
    new.add_argument("key", nargs="?", metavar="KEY", help="citation key of the entry in FILE")
    new.add_argument("answers", nargs="*", metavar="KEY=VALUE", help="further answers")
    new.add_argument("--counter", metavar="N", help="N >= 1 when other replications exist")
    new.add_argument(
        "--template",
        metavar="PATH_OR_URL",
        help="template to use (default: $DLC_TEMPLATE, else gh:Latently/dlc-template at this "
        "library's version)",
    )
    new.add_argument("--checkout", metavar="REF", help="branch, tag or commit of the template")
    new.add_argument("-o", "--output-dir", default=".", metavar="DIR", help="where to create it")
    new.add_argument("--no-input", action="store_true", help="do not ask; use the defaults")
    new.set_defaults(run=_cmd_new)

    audit = commands.add_parser(
        "audit",
        help="check a replication repository against the review checklist",
        description="Check a replication repository against the program's rules and the review "
        "checklist; print the checklist (pass, fail or warn per item, the evidence, the fix). "
        "Reads only. Exit status: 0 every required item passes, 1 one fails, 2 bad usage.",
        epilog="examples:  dlc audit\n           dlc audit --json ../MikolovJoulinChopraEtAl2015",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit.add_argument(
        "path", nargs="?", default=".", metavar="PATH", help="the repository (default: here)"
    )
    audit.add_argument("--json", action="store_true", help="print the checklist as JSON")
    audit.set_defaults(run=_cmd_audit)

    catalog = commands.add_parser(
        "catalog",
        help="index the replications in some directories",
        description="Write the program's catalog (Markdown, JSON and a static HTML page) of "
        "the replication repositories found in DIR...: paper, status, verdicts, audit, last "
        "paper run.",
    )
    catalog.add_argument("dirs", nargs="+", metavar="DIR", help="directories of replications")
    catalog.add_argument(
        "-o", "--output", default=".", metavar="OUT_DIR", help="where to write it (default: here)"
    )
    catalog.set_defaults(run=_cmd_catalog)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dlc`` command; returns the exit status."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # KEY=VALUE answers may follow options (dlc new --no-input title=...).
    if getattr(args, "command", None) == "new" and all("=" in item for item in extra):
        args.answers.extend(extra)
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"dlc {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
