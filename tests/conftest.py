# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures shared by the template's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The program's real bibliography lives beside the checkout in ../shared/data.
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def dlc_bib() -> Path:
    """The program's own Paperpile export (360 entries)."""
    path = SHARED_DATA / "DLC.bib"
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests need ../shared/data beside the checkout")
    return path
