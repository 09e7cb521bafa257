# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""A baked repository follows its template: ``cruft check`` and ``cruft update`` work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.bakery import ROOT, bake, isolated_env


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_cruft_check_and_update(tmp_path: Path) -> None:
    # The template as a local git repository: its committed state is what cruft compares.
    template = tmp_path / "dlc-template"
    template.mkdir()
    files = git("ls-files", "-co", "--exclude-standard", "-z", cwd=ROOT).split("\0")
    for name in filter(None, files):
        target = template / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / name).read_bytes())
    git("init", "-q", "-b", "main", cwd=template)
    git("add", "-A", cwd=template)
    git("commit", "-qm", "template v1", cwd=template)

    title = "{{ 7*7 }} Learning {LSTM}"
    result = bake(
        tmp_path, {"title": title}, command=[sys.executable, "-m", "cookiecutter", str(template)]
    )
    assert result.returncode == 0, result.stderr
    project = result.project
    cruft = [str(Path(sys.executable).parent / "cruft")]
    env = isolated_env(tmp_path / "home")

    def run_cruft(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*cruft, *args], cwd=project, capture_output=True, text=True, env=env)

    assert run_cruft("check").returncode == 0

    readme = template / "template" / "{{cookiecutter.__repo_name}}" / "README.md"
    readme.write_text(readme.read_text("utf-8").replace("## Data\n", "## Data and datasets\n"))
    git("commit", "-qam", "template v2", cwd=template)

    outdated = run_cruft("check")
    assert outdated.returncode == 1 and "out of date" in outdated.stdout
    updated = run_cruft("update", "--skip-apply-ask")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    text = (project / "README.md").read_text("utf-8")
    assert "## Data and datasets" in text
    assert f"**{title}**" in text  # the recorded answers stay literal when re-rendered
    assert run_cruft("check").returncode == 0
