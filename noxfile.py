# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sessions of the template repository: ``nox -s lint test`` is what CI runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "test", "replicate"]
nox.options.error_on_missing_interpreters = False

PYTHON = "3.11"
LINT_TOOLS = ["black==26.10.1", "ruff==0.17.6"]


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check formatting (black) and lint (ruff) of the repository's own Python code."""
    session.install(*LINT_TOOLS)
    session.run("black", "--check", "--diff", ".")
    session.run("ruff", "check", ".")


@nox.session(python=PYTHON)
def test(session: nox.Session) -> None:
    """Run the test suite; extra arguments go to pytest (``nox -s test -- -k naming``)."""
    session.install("-e", ".[cpu,plots,test]")
    session.run("pytest", *session.posargs)


EXAMPLE = Path("examples") / "RumelhartHintonWilliams1986"
EXAMPLE_PACKAGE = "rumelharthintonwilliams1986"
# The example's exit statuses (dlc_common.run.app): 1 is a finished replication in which a claim
# was not reproduced, an honest result; 2 (bad input), 75 (stopped by a signal) and anything
# else are failures of the session.
EXIT_OK, EXIT_NOT_REPRODUCED = 0, 1


@nox.session(python=PYTHON)
def replicate(session: nox.Session) -> None:
    """Bake the default replication and smoke-test it; replicate the model example to a verdict.

    `nox -s test replicate` thus means here what it means in a replication: the tests, then a
    replication that ends in a verdict. The default repository (the template's stub) runs its
    smoke profile; the model example, Rumelhart, Hinton & Williams (1986), is then replicated:
    ``nox -s replicate`` runs its smoke profile (30 seeds, judged, about a minute);
    ``nox -s replicate -- --profile paper`` the full replication (100 seeds, about 3 minutes),
    which rewrites the example's report/ and README table. Either way the session passes when
    the replication ends in a verdict, also "not reproduced" (exit 1), and prints it with the
    committed paper report's verdicts; it fails on bad input, a signal or a crash.
    """
    session.install("-e", ".[cpu,plots,new]")
    # First what a participant gets: the default repository, baked now, and its smoke run.
    out = Path(session.create_tmp()) / "baked"
    shutil.rmtree(out, ignore_errors=True)
    session.run("dlc", "new", "--template", ".", "--no-input", "--output-dir", str(out))
    (project,) = out.iterdir()
    session.install("--no-deps", "-e", str(project))  # its TensorFlow is the one above
    with session.chdir(project):
        session.run("python", "-m", project.name.lower(), "replicate", "--profile", "smoke")
    # Then the model replication, to a real verdict on a real paper.
    session.install("--no-deps", "-e", str(EXAMPLE))
    args = session.posargs or ["--profile", "smoke"]
    profile = args[args.index("--profile") + 1] if "--profile" in args[:-1] else "smoke"
    # A fresh run each time (no seeds "done earlier"), inside the example so that its report
    # names the run directory relative to the example.
    run_dir = EXAMPLE.resolve() / "runs" / f"nox-{profile}"
    shutil.rmtree(run_dir, ignore_errors=True)
    with session.chdir(EXAMPLE):
        session.run(
            "python",
            "-m",
            EXAMPLE_PACKAGE,
            "replicate",
            "--run-dir",
            str(run_dir),
            *args,
            success_codes=[EXIT_OK, EXIT_NOT_REPRODUCED],
        )
    # Exit 1 passes only as a verdict: the fresh run must have judged every claim.
    if not (run_dir / "verdicts.json").is_file():
        session.error(f"{run_dir}: no verdicts.json, so the run did not end in a verdict")
    _log_verdicts(session, f"this run ({run_dir})", run_dir / "verdicts.json")
    _log_verdicts(session, "the committed paper report", EXAMPLE / "report" / "metrics.json")


def _log_verdicts(session: nox.Session, what: str, path: Path) -> None:
    import json

    if not path.exists():
        session.log(f"{what}: no verdicts ({path} missing)")
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    verdicts = data["verdicts"] if isinstance(data, dict) else data
    counts: dict[str, int] = {}
    for verdict in verdicts:
        counts[verdict["status"]] = counts.get(verdict["status"], 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    session.log(f"{EXAMPLE.name}, {what}: {summary}")
    for verdict in verdicts:
        session.log(f"  {verdict['claim']['id']}: {verdict['status']} ({verdict['reason']})")


@nox.session(python=PYTHON)
def sync_example(session: nox.Session) -> None:
    """Bring the example's template-owned files in step with the template (``-- --check``)."""
    session.install(".[new]")
    session.run("python", str(EXAMPLE.parent / "sync.py"), *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run every benchmark in benchmarks/ and print its figures (never a pass/fail timing)."""
    # A regular install: what a participant's `dlc` command costs. TensorFlow for the engine's.
    session.install(".[test,cpu,plots]")
    # bench_hooks.py compares the hooks with pre-commit-hooks' check-added-large-files.
    session.install("pre-commit-hooks==6.0.0")
    for script in sorted(Path("benchmarks").glob("bench_*.py")):
        session.log(f"== {script.name}")
        session.run("python", str(script), *session.posargs)
