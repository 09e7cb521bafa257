# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The model replication (examples/RumelhartHintonWilliams1986): in step with the template,
its own tests pass, its notebook runs, its committed report is the engine's."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "RumelhartHintonWilliams1986"
SYNC = ROOT / "examples" / "sync.py"


def load_sync():
    spec = importlib.util.spec_from_file_location("example_sync", SYNC)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sync(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SYNC), *args], capture_output=True, text=True, timeout=300
    )


def test_example_is_in_step_with_the_template() -> None:
    result = sync("--check")
    assert result.returncode == 0, result.stderr
    assert "every template-owned file matches the template" in result.stdout


def test_drift_is_found_and_one_command_repairs_it(tmp_path: Path) -> None:
    copy = tmp_path / EXAMPLE.name
    ignore = shutil.ignore_patterns("runs", ".nox", "__pycache__", "*.egg-info")
    shutil.copytree(EXAMPLE, copy, ignore=ignore)
    (copy / "LICENSE").write_text("MIT, we changed our mind\n")
    (copy / ".github" / "workflows" / "ci.yml").unlink()
    package = next((copy / "src").glob("*/experiment.py")).parent
    (package / "model.py").write_text("# the stub's model, back again\n")
    readme = (copy / "README.md").read_text()

    drifted = sync("--check", "--example", str(copy))
    assert drifted.returncode == 1
    for name in ("LICENSE", ".github/workflows/ci.yml", f"src/{package.name}/model.py"):
        assert f"{copy.name}/{name}: differs from the template" in drifted.stderr, name
    assert "nox -s sync_example" in drifted.stderr

    repaired = sync("--example", str(copy))
    assert repaired.returncode == 0, repaired.stderr
    assert sync("--check", "--example", str(copy)).returncode == 0
    assert (copy / "LICENSE").read_text() == (EXAMPLE / "LICENSE").read_text()
    assert not (package / "model.py").exists()
    assert (copy / "README.md").read_text() == readme  # the example's own files stay


def test_every_baked_file_is_owned_by_one_side(tmp_path: Path) -> None:
    module = load_sync()
    baked = module.bake(EXAMPLE, tmp_path)
    owned = set(module.template_files(baked))
    assert {"LICENSE", "noxfile.py", ".pre-commit-config.yaml", "pyproject.toml"} <= owned
    assert {"README.md", "claims.toml"}.isdisjoint(owned)
    # Every pattern the example claims still names a file the template makes: a renamed
    # template file would otherwise silently become unchecked.
    files = [p.relative_to(baked).as_posix() for p in baked.rglob("*") if p.is_file()]
    for pattern in module.EXAMPLE_OWNED + module.REMOVED:
        assert any(module._matches(f, [pattern]) for f in files), pattern


def test_bad_answers_record_is_a_clear_error(tmp_path: Path) -> None:
    copy = tmp_path / EXAMPLE.name
    copy.mkdir()
    (copy / ".cruft.json").write_text("{}")
    result = sync("--check", "--example", str(copy))
    assert result.returncode == 2
    assert ".cruft.json: no context.cookiecutter answers" in result.stderr


def test_committed_report_is_the_engines_and_the_readme_shows_its_table() -> None:
    from dlc_common.config import load_config
    from dlc_common.judge.claims import judge, load_claims, per_seed, resolve
    from dlc_common.judge.report import results_table
    from dlc_common.run.experiments import plan

    report = json.loads((EXAMPLE / "report" / "metrics.json").read_text(encoding="utf-8"))
    assert report["profile"] == "paper" and not report["changes"]
    # Every seed of every experiment of the paper profile is in the committed report ...
    experiments = plan(load_config(EXAMPLE / "configs", "paper"))
    assert sorted(e["id"] for e in report["experiments"]) == sorted(e.id for e in experiments)
    results = {}
    for experiment in experiments:
        assert len(experiment.seeds) >= 10, experiment.id
        for variant in experiment.variant_ids:
            by_seed = report["results"][f"{experiment.id}/{variant}"]
            assert sorted(int(s) for s in by_seed) == sorted(experiment.seeds)
            results[experiment.id, variant] = {int(s): m for s, m in by_seed.items()}
    # ... its verdicts are the engine's judgement of those metrics under claims.toml as it is
    # now (so an edited claim without a new run fails here) ...
    claims = load_claims(EXAMPLE / "claims.toml")
    claims = resolve(claims, {e.id: e.variant_ids for e in experiments})
    verdicts = []
    for claim in claims.claims:
        sample = per_seed(claim, results[claim.experiment, claim.variant])
        versus = None
        if claim.versus:
            versus = per_seed(claim, results[claim.versus_experiment, claim.versus_variant])
        verdicts.append(judge(claim, sample, claims.confidence, versus=versus))
    rejudged = json.loads(json.dumps([v.as_dict() for v in verdicts]))
    assert rejudged == report["verdicts"]
    # ... and the README shows the engine's table of them.
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert results_table(verdicts, "paper", report["changes"], experiments=experiments) in readme
    text = (EXAMPLE / "report" / "REPORT.md").read_text(encoding="utf-8")
    for name in ("figure1_symmetry_weights.png", "figure4_person_encoding.png", "sweeps.png"):
        assert (EXAMPLE / "report" / name).is_file() and f"]({name})" in text
        assert f"report/{name}" in readme  # linked from the README


@pytest.mark.slow
def test_example_tests_and_notebook_pass(tf_python: Path) -> None:
    install = ["uv", "pip", "install", "-q", "--python", str(tf_python), "--no-deps"]
    subprocess.run([*install, "-e", str(EXAMPLE)], check=True, timeout=300)
    tests = subprocess.run(
        [str(tf_python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
    (notebook,) = (EXAMPLE / "notebooks").glob("*.ipynb")
    run = subprocess.run(
        [
            str(tf_python),
            "-c",
            "import sys, nbformat; from nbclient import NotebookClient\n"
            "nb = nbformat.read(sys.argv[1], as_version=4)\n"
            "NotebookClient(nb, timeout=600, kernel_name='python3',\n"
            "               resources={'metadata': {'path': sys.argv[2]}}).execute()\n",
            str(notebook),
            str(EXAMPLE),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
