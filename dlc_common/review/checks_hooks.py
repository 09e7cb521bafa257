# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's items that run the pre-commit hooks' checks: commit sizes, dependency licences."""

from __future__ import annotations

import re

from dlc_common.review.checking import Findings, Repo, listed, norm, plural


def check_commit_sizes(repo: Repo, facts: dict) -> Findings:
    from dlc_hooks._git import EMPTY_TREE
    from dlc_hooks.commit_size import Limits, measure, measure_merge, verdict

    r = Findings()
    if not repo.head:
        r.warn("the repository has no commit yet", "commit")
        return r
    if repo.shallow:
        r.warn(
            "a shallow clone: the history is cut short and cannot all be checked",
            "fetch the whole history (git fetch --unshallow; fetch-depth: 0 in GitHub Actions)",
        )
        return r
    limits = Limits()
    out = repo.git(
        "rev-list", "--reverse", "--topo-order", "--format=%H %P%x00%s", "HEAD", "--", "."
    )
    commits = []
    for line in out.splitlines():
        if line.startswith("commit ") or "\0" not in line:
            continue
        hashes, _, subject = line.partition("\0")
        sha, *parents = hashes.split()
        commits.append((sha, parents, subject))
    if not commits:
        r.warn("no commit touches this directory", "commit")
        return r
    # The first commit made the repository (a bake, not a change to review), as the hook has
    # it; in a subdirectory the first commit that touched it.
    first = commits[0][0]
    top = repo.top
    # Generated files are those the first commit's .gitattributes mark (as the hook's --all).
    failed, warned = [], []

    def one(entry: tuple[str, list[str], str]) -> tuple[str, str, str]:
        sha, parents, subject = entry
        if len(parents) > 1:
            change = measure_merge(top, parents, sha, limits, base=first)
        elif not parents:
            change = measure(top, EMPTY_TREE, sha, limits, base=first)
        else:
            change = measure(top, parents[0], sha, limits, base=first)
        status, line = verdict(change, limits)
        return status, f"{sha[:8]} {subject[:50]}: {line}", sha

    todo = [c for c in commits if c[0] != first]
    if len(todo) > 4:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(one, todo))
    else:
        results = [one(c) for c in todo]
    for status, line, _ in results:
        (failed if status == "fail" else warned if status == "warn" else []).append(line)
    where = f" that touch {repo.prefix.rstrip('/')}" if repo.prefix else ""
    if failed:
        r.fail(
            f"{len(failed)} of {plural(len(todo), 'commit')}{where} over the limit "
            f"({limits.max_lines} lines, {limits.max_files} files): {listed(failed, 3)}",
            "make the next commits small (the dlc-commit-size hook stops big ones); a reviewer "
            "weighs the big ones already made",
        )
    r.note(
        f"{plural(len(todo), 'commit')}{where} checked (the first skipped): none over "
        f"{limits.max_lines} lines or {limits.max_files} files"
        + (f", {len(warned)} over {limits.warn_lines} lines" if warned else "")
    )
    return r


def check_dependency_licenses(repo: Repo, facts: dict) -> Findings:
    import contextlib
    import io

    from dlc_hooks import dependency_licenses as dl
    from dlc_hooks._project import ConfigError

    r = Findings()
    pyproject = repo.path / "pyproject.toml"
    if not pyproject.is_file():
        r.fail("there is no pyproject.toml to read the dependencies from", "add pyproject.toml")
        return r
    python = None
    for candidate in (".nox/licenses/bin/python", ".nox/licenses/Scripts/python.exe"):
        if (repo.path / candidate).exists():
            python = str(repo.path / candidate)
            break
    python = python or dl.choose_python(repo.path, None)
    if python is None:
        r.warn(
            "not checked: no environment of this repository here (.nox/licenses or .venv) to "
            "read the installed licences from",
            "run `nox -s licenses` (CI runs it on every push)",
        )
        return r
    try:
        data = repo.toml("pyproject.toml") or {}
        extras = list(data.get("project", {}).get("optional-dependencies") or {})
        chosen = [e for e in ("cpu", "dev") if e in extras] or None
        project, roots = dl.declared_dependencies(pyproject, chosen)
        allowed = dl.load_allow_list(repo.path / dl.ALLOW_LIST)
        inventory = dl.inspect_environment(python)
    except (ConfigError, ValueError) as exc:
        r.fail(f"cannot check: {exc}", "fix what the message names, then `nox -s licenses`")
        return r
    found, missing = dl.walk(roots, project, inventory)
    said, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(errors):
        status = dl.check(found, missing, allowed, repo.path / dl.ALLOW_LIST, python)
    # The hook prints each problem as a block starting with its name, then the summary.
    blocks = re.split(rf"^{re.escape(dl.PROG)}: ", errors.getvalue() + said.getvalue(), flags=re.M)
    blocks = [norm(block) for block in blocks if block.strip()]
    summary = next((b for b in reversed(blocks) if " checked in " in b), "")
    if status:
        problems = [b for b in blocks if b != summary and not b.startswith(("note:", "passed by"))]
        fix = (
            "install the project's environment (`nox -s licenses` does) and audit again"
            if any(b.startswith("not installed") for b in problems)
            else "replace the dependency, or add a reviewed entry to .dlc-licenses.toml "
            "(`nox -s licenses` prints it)"
        )
        r.fail(f"{summary} {listed(problems, 2)}", fix)
    r.note(summary or f"{len(found)} distributions checked")
    return r
