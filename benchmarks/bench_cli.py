# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up cost of ``import dlc_common`` and ``dlc name``, and the time to bake the template.

Run with ``nox -s bench``. Prints medians over repeated runs and ratios to a baseline:
a bare ``python -c pass`` for the command line, a one-file cookiecutter template for baking.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 21


def median_seconds(command: list[str], runs: int = RUNS, **kwargs: object) -> float:
    """Median wall time of a command over ``runs`` runs (after one warm-up run)."""
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_time_us(module: str) -> int:
    """Cumulative import time of ``module`` as ``python -X importtime`` reports it."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise RuntimeError(f"{module} not in importtime output")


def bake_seconds(template: Path, runs: int = 7) -> float:
    """Median wall time of ``cookiecutter --no-input`` on a template."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HOME": tmp, "TMPDIR": tmp}
        times = []
        for i in range(runs + 1):
            out = Path(tmp) / f"out{i}"
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "cookiecutter", "--no-input", str(template), "-o", str(out)],
                check=True,
                capture_output=True,
                env=env,
            )
            if i:  # the first run warms the file cache
                times.append(time.perf_counter() - start)
        return statistics.median(times)


def minimal_template(tmp: Path) -> Path:
    """A one-file cookiecutter template: what any bake costs."""
    (tmp / "{{cookiecutter.name}}").mkdir(parents=True)
    (tmp / "cookiecutter.json").write_text(json.dumps({"name": "minimal"}))
    (tmp / "{{cookiecutter.name}}" / "README.md").write_text("# {{ cookiecutter.name }}\n")
    return tmp


def main() -> None:
    dlc = shutil.which("dlc")
    if dlc is None:
        raise SystemExit(
            "install the package first (nox -s bench does): the dlc command is missing"
        )
    baseline = median_seconds([sys.executable, "-c", "pass"])
    imported = median_seconds([sys.executable, "-c", "import dlc_common"])
    name = median_seconds(
        [dlc, "name", "Mikolov, T and Joulin, A and Chopra, S and Mathieu, M", "2015"]
    )
    print(f"python -c pass (baseline)         {baseline * 1000:7.1f} ms")
    print(
        f"python -c 'import dlc_common'     {imported * 1000:7.1f} ms"
        f"   (+{(imported - baseline) * 1000:.1f} ms; -X importtime: "
        f"{import_time_us('dlc_common') / 1000:.2f} ms)"
    )
    print(
        f"dlc name (start to finish)        {name * 1000:7.1f} ms"
        f"   ({name / baseline:.2f} x baseline; goal < 50 ms)"
    )
    for module in ("dlc_common.cli", "dlc_common.make.naming"):
        print(f"-X importtime {module:<20} {import_time_us(module) / 1000:7.2f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        minimal = bake_seconds(minimal_template(Path(tmp)))
    ours = bake_seconds(ROOT)
    print(f"bake, one-file template (baseline) {minimal:6.2f} s")
    ratio = ours / minimal
    print(f"bake, dlc-template --no-input     {ours:6.2f} s   ({ratio:.2f} x baseline; goal < 1 s)")


if __name__ == "__main__":
    main()
