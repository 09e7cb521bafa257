# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read the installed distributions and marker values of a Python environment, as JSON.

Runs inside the environment being checked (``python -c <this file>``), so it may be an older
or different Python than the hook's: standard library only, syntax of Python 3.8.

It reads the ``*.dist-info/METADATA`` (and old ``*.egg-info``) files on sys.path itself rather
than through importlib.metadata, whose import alone (email, zipfile, csv) costs about 30 ms:
most of this hook's time budget.
"""

from __future__ import annotations

import json
import os
import platform
import sys

MULTIPLE = ("Classifier", "Requires-Dist")
WANTED = ("Name", "Version", "License-Expression", "License", *MULTIPLE)


def _version(info) -> str:  # info: sys.implementation.version
    text = f"{info.major}.{info.minor}.{info.micro}"
    if info.releaselevel != "final":
        text += info.releaselevel[0] + str(info.serial)
    return text


def parse_headers(text: str) -> dict:
    """The fields of a METADATA file this check needs (RFC 822 headers, folded lines joined)."""
    fields: dict = {key: [] for key in MULTIPLE}
    folding = False  # inside the first License field, whose text may span folded lines
    for line in text.splitlines():
        if not line:
            break  # the body (description) follows the first empty line; a line of spaces
            # only is a folded continuation (matplotlib's License field has many)
        if line[0] in " \t":
            if folding:
                fields["License"] += "\n" + line.strip()
            continue
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        folding = key == "License" and key not in fields
        if key in MULTIPLE:
            fields[key].append(value)
        elif key in WANTED and key not in fields:
            fields[key] = value
    return fields


def _egg_requires(text: str) -> list:
    """requires.txt of an egg-info folder as Requires-Dist strings (sections become markers)."""
    requires, marker = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, condition = line[1:-1].partition(":")
            parts = [f"({condition})"] if condition else []
            parts += [f'extra == "{extra}"'] if extra else []
            marker = " and ".join(parts)
            continue
        requires.append(f"{line}; {marker}" if marker else line)
    return requires


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            return stream.read()
    except OSError:
        return None


def distributions(paths: list) -> list:
    """Every distribution found in the folders of ``paths``, in sys.path order."""
    found = []
    for entry in paths:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue  # a zip file or a missing folder: nothing installed there
        for name in names:
            folder = os.path.join(entry or ".", name)
            if name.endswith(".dist-info"):
                text = _read(os.path.join(folder, "METADATA"))
                requires = None
            elif name.endswith(".egg-info"):
                is_dir = os.path.isdir(folder)
                text = _read(os.path.join(folder, "PKG-INFO") if is_dir else folder)
                extra = _read(os.path.join(folder, "requires.txt")) if is_dir else None
                requires = _egg_requires(extra or "")
            else:
                continue
            if not text:
                continue
            fields = parse_headers(text)
            if not fields.get("Name"):
                continue  # a broken install without metadata: nothing to read
            found.append(
                {
                    "name": fields["Name"],
                    "version": fields.get("Version", ""),
                    "license_expression": fields.get("License-Expression"),
                    "license": fields.get("License"),
                    "classifiers": [c for c in fields["Classifier"] if c],
                    # Like importlib.metadata: Requires-Dist first, an egg's requires.txt else.
                    "requires": fields["Requires-Dist"] or requires or [],
                }
            )
    return found


def collect(paths: list | None = None) -> dict:
    """The environment's marker values and, per distribution, its licence metadata."""
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
    return {
        "executable": sys.executable,
        "environment": environment,
        "dists": distributions(sys.path if paths is None else paths),
    }


if __name__ == "__main__":
    # Run as `python -c`: sys.path[0] is then the current directory, whose stray *.egg-info
    # folders are not part of the environment.
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    json.dump(collect(), sys.stdout)
