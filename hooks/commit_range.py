# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc-check-commit-range``: the commit-size rule for every commit of a pull request or push.

Checks each commit in BASE..HEAD against the same limits as ``dlc-check-commit-size`` and
prints a summary of the whole range. A merge counts what it adds beyond its parents (an "evil
merge" fails like a big commit); a root commit other than the project's first (an unrelated
history brought in with ``--allow-unrelated-histories``) is measured from nothing. Which files
are generated is read from the base's .gitattributes, never from the range's own.

Meant for CI (with the full history: ``fetch-depth: 0``) and for pre-commit's pre-push stage,
which gives the range in PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF. A base that is missing
from the clone, or a history cut short by a shallow clone, fails: checking nothing must never
look like a pass.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dlc_hooks._git import EMPTY_TREE, GitError, git, git_path, resolve, toplevel
from dlc_hooks.commit_size import (
    COUNTING_RULES,
    Limits,
    add_limit_arguments,
    excluded_text,
    file_table,
    limits_from,
    measure,
    measure_merge,
    size_text,
    verdict,
)

PROG = "dlc-check-commit-range"

SHALLOW_HELP = (
    "A shallow clone lacks the history to check. In GitHub Actions check out with "
    "`fetch-depth: 0` (actions/checkout); locally run `git fetch --unshallow`."
)

SPLIT_EARLIER = """\
Small commits get real reviews. To split a commit that is already made: `git rebase -i BASE`,
mark it `edit`, then `git reset HEAD^`, commit its parts one by one (`git add -p`), and
`git rebase --continue`."""


def _commits(repo: Path, base: str | None, head: str) -> list[tuple[str, list[str], str]]:
    """(hash, parents, subject) of each commit in base..head (all of head's history if no
    base), oldest first."""
    spec = [f"{base}..{head}"] if base else [head]
    out = git(
        "rev-list",
        "--reverse",
        "--topo-order",
        "--no-commit-header",
        "--format=%H %P%x00%s",
        *spec,
        "--",
        cwd=repo,
    )
    commits = []
    for line in out.decode(errors="replace").splitlines():
        hashes, _, subject = line.partition("\0")
        sha, *parents = hashes.split()
        commits.append((sha, parents, subject))
    return commits


def _shallow_boundary(repo: Path) -> set[str]:
    """The commits whose parents a shallow clone left out (none in a full clone)."""
    path = git_path("shallow", repo)
    return set(path.read_text().split()) if path.exists() else set()


def check_range(repo: Path, base: str | None, head: str, limits: Limits) -> int:
    """Check every commit of base..head; print what is wrong and a summary; 0 or 1."""
    if base is not None and resolve(base, repo) is None:
        print(
            f"{PROG}: the base {base!r} is not a commit in this clone, so nothing could be "
            f"checked. {SHALLOW_HELP}",
            file=sys.stderr,
        )
        return 1
    head_sha = resolve(head, repo)
    if head_sha is None:
        print(f"{PROG}: {head!r} is not a commit in this repository", file=sys.stderr)
        return 1
    commits = _commits(repo, base, head_sha)
    shallow = _shallow_boundary(repo)
    cut = [sha for sha, parents, _ in commits if not parents and sha in shallow]
    if cut:
        print(
            f"{PROG}: the history of {base or 'HEAD'}..{head} is cut short at {cut[0][:12]} "
            f"(a shallow clone): its commits cannot all be checked. {SHALLOW_HELP}",
            file=sys.stderr,
        )
        return 1

    # The project's first commit (a generated template) is the root of HEAD's first-parent
    # line; any other root commit is an unrelated history and counts from nothing.
    first = None
    if base is None:
        first = git("rev-list", "--first-parent", "--max-parents=0", head_sha, "--", cwd=repo)
        first = first.decode().split()[0] if first.strip() else None
    # Generated files are those the base's .gitattributes mark (the first commit's without a
    # base): a range cannot exempt its own files.
    attributes_at = resolve(base, repo) if base is not None else first

    failed = warned = merges = roots = orphans = 0
    for sha, parents, subject in commits:
        if len(parents) > 1:
            merges += 1
            what = "a merge, counting what it adds beyond its parents: "
            change = measure_merge(repo, parents, sha, limits, base=attributes_at)
        elif not parents and sha == first:
            roots += 1  # the first commit: a generated project, not a change to review
            continue
        elif not parents:
            orphans += 1
            what = (
                "a root commit of an unrelated history (an orphan branch, merged with "
                "--allow-unrelated-histories?), counted from nothing: "
            )
            change = measure(repo, EMPTY_TREE, sha, limits, base=attributes_at)
        else:
            what = ""
            change = measure(repo, parents[0], sha, limits, base=attributes_at)
        status, line = verdict(change, limits)
        if status == "fail":
            failed += 1
            print(f"{sha[:12]} {subject}\n  {what}{line}", file=sys.stderr)
            print("\n".join(file_table(change, top=5)), file=sys.stderr)
        elif status == "warn":
            warned += 1
            print(f"{sha[:12]} {subject}\n  warning: {what}{line}")

    checked = len(commits) - roots
    notes = []
    if merges:
        adds = "they add" if merges != 1 else "it adds"
        notes.append(f"{merges} merge{'s' * (merges != 1)} by what {adds} beyond the parents")
    if orphans:
        notes.append(f"{orphans} root commit{'s' * (orphans != 1)} of an unrelated history")
    if roots:
        notes.append("the first commit skipped")
    summary = f"{PROG}: {checked} commit{'s' * (checked != 1)} checked"
    if notes:
        summary += f" ({'; '.join(notes)})"
    summary += f": {failed} over the limit, {warned} with a warning."
    if base is not None and commits:
        try:
            merge_base = git("merge-base", base, head_sha, cwd=repo).decode().strip()
        except GitError:
            merge_base = EMPTY_TREE  # no common history: everything in the range is new
        whole = measure(repo, merge_base or EMPTY_TREE, head_sha, limits, base=attributes_at)
        summary += f" The whole range: {size_text(whole)}."
        if whole.excluded:
            summary += f" Not counted (excluded or generated): {excluded_text(whole)}."
    print(summary, file=sys.stderr if failed else sys.stdout)
    if failed:
        print(SPLIT_EARLIER.replace("BASE", base or "--root"), file=sys.stderr)
        print(COUNTING_RULES, file=sys.stderr)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Check the size of every commit in a range; exit 1 if any is over the limit."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base",
        help="check the commits after this one (default: PRE_COMMIT_FROM_REF, set by pre-commit "
        "in the pre-push stage); in a pull request, the target branch's commit",
    )
    parser.add_argument(
        "--head", help="the last commit to check (default: PRE_COMMIT_TO_REF, else HEAD)"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="check the whole history of HEAD (what a first push of a repository sends)",
    )
    add_limit_arguments(parser)
    args = parser.parse_args(argv)
    limits = limits_from(parser, args)
    base = args.base or os.environ.get("PRE_COMMIT_FROM_REF") or None
    head = args.head or os.environ.get("PRE_COMMIT_TO_REF")
    # pre-commit gives no range for a push that creates the remote's history (all of it is
    # new), only the local ref being pushed, as typed: "main", "HEAD~1".
    pushing_everything = "PRE_COMMIT_REMOTE_BRANCH" in os.environ and base is None
    if head is None:
        head = (os.environ.get("PRE_COMMIT_LOCAL_BRANCH") if pushing_everything else None) or "HEAD"
    if args.all and args.base:
        parser.error("give either --base or --all")
    if base is None and not (args.all or pushing_everything):
        parser.error("give --base REF (the commit the change starts from) or --all")
    try:
        return check_range(toplevel(), None if args.all else base, head, limits)
    except GitError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
