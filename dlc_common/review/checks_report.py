# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's report items: a paper-profile report, made from the committed code, in the README."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from dlc_common.review.checking import (
    Findings,
    GitError,
    Repo,
    listed,
    plural,
    table_rows,
)

# What a paper-profile report is made from: a later change to these makes it stale.
CODE_PATHS = ("src", "configs", "claims.toml", "pyproject.toml")


def _metrics(repo: Repo, facts: dict) -> dict[str, Any] | None:
    if "_metrics" not in facts:
        facts["_metrics"] = None
        text = repo.text("report/metrics.json")
        if text is not None:
            try:
                data = json.loads(text)
                facts["_metrics"] = data if isinstance(data, dict) else None
            except ValueError as exc:
                facts["_metrics_error"] = f"report/metrics.json is not valid JSON: {exc}"
    return facts["_metrics"]


def _report_commit(metrics: dict[str, Any]) -> str | None:
    commit = metrics.get("commit")
    code = metrics.get("code") if isinstance(metrics.get("code"), dict) else {}
    if not commit and isinstance(code.get("drawn"), dict):
        commit = code["drawn"].get("commit")
    return str(commit) if commit else None


def check_report(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    fix_run = "run `nox -s replicate -- --profile paper` and commit report/"
    missing = [n for n in ("report/metrics.json", "report/REPORT.md") if repo.text(n) is None]
    if missing:
        r.fail(f"no paper-profile report: {' and '.join(missing)} missing", fix_run)
        return r
    uncommitted = [
        n for n in ("report/metrics.json", "report/REPORT.md") if n not in repo.tracked_set
    ]
    if uncommitted:
        r.fail(f"{' and '.join(uncommitted)} not committed", "commit report/")
    metrics = _metrics(repo, facts)
    if metrics is None:
        r.fail(facts.get("_metrics_error") or "report/metrics.json is not an object", fix_run)
        return r
    profile = metrics.get("profile")
    facts["report_profile"] = profile
    verdicts = metrics.get("verdicts") if isinstance(metrics.get("verdicts"), list) else []
    counts: dict[str, int] = {}
    for verdict in verdicts:
        status = str(verdict.get("status")) if isinstance(verdict, dict) else "?"
        counts[status] = counts.get(status, 0) + 1
    facts["verdicts"] = counts
    facts["report_commit"] = _report_commit(metrics)
    run_dir = str(metrics.get("run_dir") or "")
    facts["report_run"] = run_dir or None
    stamp = re.search(r"(\d{4})(\d{2})(\d{2})-\d{6}", run_dir)
    if stamp:
        facts["report_date"] = "-".join(stamp.groups())
    else:
        date = repo.git_or_none("log", "-1", "--format=%cs", "--", "report/metrics.json")
        facts["report_date"] = date.strip() if date and date.strip() else None
    if profile != "paper":
        r.fail(f"the report is of profile {profile!r}, not 'paper'", fix_run)
    if metrics.get("incomplete"):
        r.fail(
            f"the report is partial: {listed(list(map(str, metrics['incomplete'])))} missing",
            "finish the run's missing tasks, then draw the report again",
        )
    if metrics.get("changes"):
        changed = ", ".join(f"{k}={v!r}" for k, v in dict(metrics["changes"]).items())
        r.fail(
            f"the report's run changed the settings of configs/paper.toml ({changed})",
            "put the settings into configs/paper.toml (listing each deviation) and run the "
            "paper profile without overrides",
        )
    code = metrics.get("code") if isinstance(metrics.get("code"), dict) else {}
    if metrics.get("dirty"):
        r.fail(
            "the report's run trained uncommitted code (dirty)",
            "commit the code, then run the paper profile again",
        )
    elif code and code.get("consistent") is False:
        r.fail(
            "the report's code is not consistent (other code trained it than drew it, or the "
            "code changed between the starts of the run)",
            "run the paper profile again from one commit",
        )
    if not verdicts:
        r.fail("the report judged no claim", fix_run)
    not_judged = counts.get("not judged", 0)
    if not_judged:
        r.fail(
            f"{plural(not_judged, 'claim')} not judged",
            "run the paper profile with judge = true in configs/paper.toml",
        )
    shown = ", ".join(f"{n} {status}" for status, n in counts.items())
    r.note(f"profile {profile}, run {run_dir or '?'}: {shown}")
    return r


def _same_content(name: str, old: bytes | None, new: bytes | None) -> bool:
    """Whether two versions of a file run the same: equal TOML data, equal Python syntax trees."""
    if old is None or new is None:
        return old == new
    if old == new:
        return True
    try:
        if name.endswith(".toml"):
            return tomllib.loads(old.decode()) == tomllib.loads(new.decode())
        if name.endswith(".py"):
            import ast

            return ast.dump(ast.parse(old)) == ast.dump(ast.parse(new))
    except (ValueError, SyntaxError, UnicodeDecodeError):
        return False
    return False


def check_report_current(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    metrics = _metrics(repo, facts)
    fix_run = "run `nox -s replicate -- --profile paper` again and commit report/"
    if metrics is None:
        r.fail("no report/metrics.json: nothing records which code made the report", fix_run)
        return r
    commit = _report_commit(metrics)
    if not commit:
        r.fail("report/metrics.json records no commit (code outside git?)", fix_run)
        return r
    if not repo.head:
        r.fail("the repository has no commit yet", "commit the code")
        return r
    resolved = repo.git_or_none("rev-parse", "--verify", "-q", f"{commit}^{{commit}}")
    if not resolved:
        why = " (a shallow clone: fetch the whole history)" if repo.shallow else ""
        r.fail(f"the report's commit {commit[:12]} is not in this repository{why}", fix_run)
        return r
    try:
        repo.git("merge-base", "--is-ancestor", commit, "HEAD")
    except GitError:
        r.fail(f"the report's commit {commit[:12]} is not in HEAD's history", fix_run)
        return r
    paths = ["--", *CODE_PATHS]
    later = [
        line
        for line in (repo.git("log", "--format=%h %s", f"{commit}..HEAD", *paths)).splitlines()
        if line
    ]
    last = (repo.git_or_none("log", "-1", "--format=%h", "HEAD", *paths) or "").strip()
    facts["code_commit"] = last or None
    if later:
        names = [
            n for n in repo.git("diff", "--name-only", commit, "HEAD", *paths).split("\n") if n
        ]
        top_relative = [n.removeprefix(repo.prefix) for n in names]
        old = repo.committed(top_relative, commit)
        new = repo.committed(top_relative, "HEAD")
        changed = [n for n in top_relative if not _same_content(n, old[n], new[n])]
        commits = [f"{line[:70]}" for line in later]
        if changed:
            r.fail(
                f"the report was made at {commit[:12]}, but {plural(len(later), 'commit')} "
                f"after it changed {listed(changed, 4)}: {listed(commits, 3)}",
                fix_run,
            )
        else:
            r.note(
                f"made at {commit[:12]}; {plural(len(later), 'later commit')} "
                f"({listed(commits, 2)}) changed only comments or formatting of "
                f"{listed(top_relative, 3)} (same TOML data and Python syntax)"
            )
    else:
        r.note(f"made at {commit[:12]}, the last commit that changed {', '.join(CODE_PATHS)}")
    status = repo.git_or_none("status", "--porcelain", "--", *CODE_PATHS) or ""
    dirty = [line[3:] for line in status.splitlines() if line.strip()]
    if dirty:
        r.warn(
            f"uncommitted changes to {listed(dirty, 3)} are in no report yet",
            "commit them and run the paper profile again (or discard them)",
        )
    return r


def _verdicts_from(metrics: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """The report's verdicts and experiments rebuilt from metrics.json (for its table writer)."""
    import dataclasses

    from dlc_common.judge.claims import Claim, Verdict
    from dlc_common.judge.stats import Estimate, Summary
    from dlc_common.run.experiments import Experiment, Variant

    def number(value: Any) -> Any:
        return float(value) if isinstance(value, str) else value

    known = {f.name for f in dataclasses.fields(Claim)}
    verdicts = []
    for record in metrics.get("verdicts", []):
        claim = Claim(**{k: v for k, v in record["claim"].items() if k in known})
        s, e = record.get("summary"), record.get("estimate")
        summary = None
        if s is not None:
            summary = Summary(
                s["n"],
                number(s["mean"]),
                number(s["std"]),
                number(s["ci_low"]),
                number(s["ci_high"]),
                s["confidence"],
            )
        estimate = None
        if e is not None:
            estimate = Estimate(
                number(e["value"]),
                number(e["ci_low"]),
                number(e["ci_high"]),
                e["n"],
                e["method"],
                e["confidence"],
                number(e.get("std")),
                e.get("note") or "",
                e.get("n_versus"),
            )
        verdicts.append(Verdict(claim, record["status"], summary, record["reason"], estimate))
    experiments = [
        Experiment(
            x["id"],
            x.get("where", ""),
            x.get("description", ""),
            "",
            list(x.get("seeds", [])),
            [Variant(v["id"], v.get("label", v["id"]), v.get("values", {})) for v in x["variants"]],
        )
        for x in metrics.get("experiments", [])
    ]
    return verdicts, experiments


_VERDICT_WORDS = ("not reproduced", "reproduced", "inconclusive", "not judged")


def _verdict_word(cell: str) -> str | None:
    for word in _VERDICT_WORDS:
        if word in cell.lower():
            return word
    return None


def check_results_table(repo: Repo, facts: dict) -> Findings:
    from dlc_common.judge.report import README_END, README_START

    r = Findings()
    readme = repo.text("README.md")
    blocks = re.findall(
        re.escape(README_START) + r"\n?(.*?)\n?" + re.escape(README_END), readme or "", re.S
    )
    if len(blocks) != 1:
        r.fail(
            f"README.md has {len(blocks)} results tables between {README_START} and "
            f"{README_END}",
            "put the two marker lines where the table belongs in README.md; the paper profile "
            "writes the table between them",
        )
        return r
    table = blocks[0].strip()
    metrics = _metrics(repo, facts)
    if metrics is None:
        r.fail(
            "no report/metrics.json to compare the table with",
            "run `nox -s replicate -- --profile paper`: it writes the report and the table",
        )
        return r
    fix = (
        "do not edit the table by hand: copy it from report/REPORT.md's results section into "
        "README.md between the dlc:results markers, or run the paper profile again"
    )
    expected = None
    try:
        from dlc_common.judge.report import results_table

        verdicts, experiments = _verdicts_from(metrics)
        expected = results_table(
            verdicts, str(metrics.get("profile")), metrics.get("changes") or {}, experiments
        ).strip()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        r.note(f"(metrics.json of another library version: {type(exc).__name__} {exc})")
    if expected is not None and table == expected:
        r.note(f"the table is exactly what report/metrics.json gives ({len(verdicts)} claims)")
        return r
    rows = table_rows(table)
    report_text = repo.text("report/REPORT.md") or ""
    report_rows = [row for row in table_rows(report_text) if row in rows[1:]]
    header = rows[0] if rows else []
    claim_column = next((i for i, h in enumerate(header) if h.lower() == "claim"), None)
    records = [v for v in metrics.get("verdicts", []) if isinstance(v, dict)]
    differ = []
    for record in records:
        claim = record.get("claim", {})
        names = {str(claim.get("id", "")), str(claim.get("description", ""))} - {""}
        row = next(
            (
                row
                for row in rows[1:]
                if claim_column is not None
                and claim_column < len(row)
                and row[claim_column].replace("\\|", "|") in names
            ),
            None,
        )
        said = _verdict_word(row[-1]) if row else None
        if said != record.get("status"):
            what = f"says {said}" if row else "has no row"
            differ.append(f"{claim.get('id')} ({what}; the report: {record.get('status')})")
    if differ:
        r.fail(f"README.md's table differs from the report: {listed(differ, 3)}", fix)
    elif expected is not None and len(report_rows) == len(rows) - 1 and rows[1:]:
        r.warn(
            "the table's verdicts are the report's and its rows are REPORT.md's, but this "
            "library would write it otherwise (made by another version?)",
            "draw the report again with this library version",
        )
    else:
        changed = ""
        if expected is not None:
            want = table_rows(expected)
            cells = [
                f"{a!r} (the report: {b!r})"
                for row_a, row_b in zip(rows, want, strict=False)
                for a, b in zip(row_a, row_b, strict=False)
                if a != b
            ]
            if len(rows) != len(want):
                cells.insert(0, f"{len(rows) - 1} rows (the report: {len(want) - 1})")
            changed = f": {listed(cells, 2)}" if cells else ": its text under the rows"
        r.fail(f"README.md's table was edited: the verdicts agree, the cells do not{changed}", fix)
    return r


def check_claims_preregistered(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    try:
        from dlc_common.judge.preregistration import claim_changes
    except ImportError:
        r.warn("not checked (this library version cannot)", "")
        return r
    changes = claim_changes(repo.path)
    for change in changes:
        fields = ", ".join(
            f"{name} {before!r} → {after!r}" for name, (before, after) in change.fields.items()
        )
        r.warn(
            f"{change.claim}: {fields} after it was first judged ({change.first_judged})",
            "say in README.md's Deviations (or the claim's comment) why the claim changed after "
            "results were seen",
        )
    r.note("no claim's value, tolerance or direction changed after it was first judged")
    return r
