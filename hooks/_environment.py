# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read the installed distributions and marker values of a Python environment, as JSON.

Runs inside the environment being checked (``python -c <this file>``), so it may be an older
or different Python than the hook's: standard library only, syntax of Python 3.8.
"""

from __future__ import annotations

import json
import os
import platform
import sys


def _version(info) -> str:  # info: sys.implementation.version
    text = f"{info.major}.{info.minor}.{info.micro}"
    if info.releaselevel != "final":
        text += info.releaselevel[0] + str(info.serial)
    return text


def collect() -> dict:
    """The environment's marker values and, per distribution, its licence metadata."""
    from importlib import metadata

    environment = {
        "implementation_name": sys.implementation.name,
        "implementation_version": _version(sys.implementation.version),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }
    distributions = []
    for dist in metadata.distributions():
        meta = dist.metadata
        if meta is None or not meta.get("Name"):
            continue  # a broken install without metadata: nothing to read
        distributions.append(
            {
                "name": meta["Name"],
                "version": meta.get("Version", ""),
                "license_expression": meta.get("License-Expression"),
                "license": meta.get("License"),
                "classifiers": [c for c in meta.get_all("Classifier") or [] if c.strip()],
                "requires": list(dist.requires or []),
            }
        )
    return {"executable": sys.executable, "environment": environment, "dists": distributions}


if __name__ == "__main__":
    # Run as `python -c`: sys.path[0] is then the current directory, whose stray *.egg-info
    # folders are not part of the environment.
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    json.dump(collect(), sys.stdout)
