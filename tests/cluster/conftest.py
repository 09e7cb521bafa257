# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the SLURM tests: one real one-node cluster for the session.

TensorFlow comes from the root conftest's ``tf_python``: one environment for the whole run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from tests.cluster.slurm import SlurmCluster, SlurmUnavailable, ensure_installed


def unavailable(reason: str) -> NoReturn:
    """Skip where SLURM genuinely cannot be installed, saying why; CI must never skip."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the SLURM tests (run .ci/install-slurm first): {reason}")
    pytest.skip(f"SLURM cannot be installed here: {reason}")


@pytest.fixture(scope="session")
def slurm_installed(pytestconfig: pytest.Config) -> None:
    """munge and SLURM are installed: by .ci/install-slurm, or now with apt-get."""
    from tests.conftest import announce

    announce(pytestconfig, "SLURM tests: installing munge and slurm-wlm if needed (up to a minute)")
    try:
        ensure_installed()
    except SlurmUnavailable as exc:
        unavailable(str(exc))


@pytest.fixture(scope="session")
def slurm_cluster(slurm_installed: None) -> Iterator[SlurmCluster]:
    """A running one-node SLURM cluster (2 CPUs) on loopback ports, stopped after the session."""
    cluster = SlurmCluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(autouse=True)
def _no_job_left_running(request: pytest.FixtureRequest) -> Iterator[None]:
    """Cancel what a test left in the queue, so the next test finds the node free."""
    yield
    if "slurm_cluster" in request.fixturenames:
        request.getfixturevalue("slurm_cluster").cancel_all()
