# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The repository runs its own tests anywhere: the data they read is shipped in tests/data,
with its provenance, checksum and licence written down, and nothing reads beside the checkout.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

from dlc_common.config import read_toml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
# A path out of the checkout: ../shared, ROOT.parent / "shared", parents[k] / "shared".
BESIDE = re.compile(r"\.\./shared|(parent|parents\[\d\])\s*/\s*\"shared\"")


def test_shipped_data_matches_the_checksum_its_readme_gives() -> None:
    readme = (DATA / "README.md").read_text("utf-8")
    sums = dict(re.findall(r"SHA256 \((\S+)\) = ([0-9a-f]{64})", readme))
    shipped = {p.name for p in DATA.iterdir() if p.name != "README.md"}
    assert shipped and set(sums) == shipped, (sorted(sums), sorted(shipped))
    for name, digest in sums.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name


def test_every_shipped_data_file_has_a_licence_in_reuse_toml() -> None:
    annotations = read_toml(ROOT / "REUSE.toml")["annotations"]
    annotated = {a["path"]: a for a in annotations}
    for path in DATA.iterdir():
        if path.name == "README.md":
            continue
        entry = annotated.get(path.relative_to(ROOT).as_posix())
        assert entry, f"{path.name}: no [[annotations]] entry in REUSE.toml"
        assert entry["SPDX-FileCopyrightText"] and entry["SPDX-License-Identifier"]
        licence = entry["SPDX-License-Identifier"]
        if licence.startswith("LicenseRef-"):
            assert (ROOT / "LICENSES" / f"{licence}.txt").is_file(), licence


def test_no_test_reads_beside_the_checkout() -> None:
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "tests", "noxfile.py", ".ci"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    here = Path(__file__).name
    offenders = [
        name
        for name in tracked
        if name.endswith((".py", "run"))
        and not name.endswith(here)
        and BESIDE.search((ROOT / name).read_text("utf-8"))
    ]
    assert not offenders, offenders
