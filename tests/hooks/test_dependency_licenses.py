# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""dlc-check-dependency-licenses on made-up installed distributions (dist-info metadata)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from dlc_hooks.dependency_licenses import classify_metadata, main
from dlc_hooks.spdx import Category

from .conftest import Repo

REASON = "Reviewed: only used as data, never linked into the replication's code."


class Site:
    """A folder of installed distributions (site-packages), made of METADATA files only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)

    def add(
        self,
        name: str,
        version: str = "1.0",
        *,
        expression: str | None = None,
        license: str | None = None,
        classifiers: Sequence[str] = (),
        requires: Sequence[str] = (),
    ) -> None:
        """Install a distribution with this metadata (Metadata-Version 2.4)."""
        folder = self.path / f"{name.replace('-', '_')}-{version}.dist-info"
        folder.mkdir()
        fields = ["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}"]
        if expression is not None:
            fields.append(f"License-Expression: {expression}")
        if license is not None:
            # RFC 822 folding, as setuptools writes a multi-line License field.
            fields.append("License: " + license.replace("\n", "\n        "))
        fields += [f"Classifier: {c}" for c in classifiers]
        fields += [f"Requires-Dist: {r}" for r in requires]
        (folder / "METADATA").write_text("\n".join(fields) + "\n\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    """Made-up distributions, put on sys.path where the check (in-process) finds them."""
    made = Site(tmp_path / "site-packages")
    monkeypatch.syspath_prepend(str(made.path))
    return made


def project(repo: Repo, dependencies: Sequence[str], extras: str = "") -> None:
    """Write the project's pyproject.toml."""
    listed = ", ".join(f"{d!r}" for d in dependencies)
    repo.write(
        "pyproject.toml",
        '[project]\nname = "Lovelace_Babbage1843"\nversion = "0.1.0"\n'
        f"dependencies = [{listed}]\n"
        + (f"\n[project.optional-dependencies]\n{extras}\n" if extras else ""),
    )


def allow(repo: Repo, *entries: dict[str, str]) -> None:
    """Write the allow-list, .dlc-licenses.toml."""
    text = "".join(
        "[[allow]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in e.items()) + "\n"
        for e in entries
    )
    repo.write(".dlc-licenses.toml", text)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the hook in-process; its exit status and everything it printed."""
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out + out.err


def test_permissive_closure_passes(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add("fake-app", expression="MIT", requires=["fake-lib>=1", "fake-util"])
    site.add("fake-lib", classifiers=["License :: OSI Approved :: BSD License"])
    site.add("fake-util", license="Apache 2.0", requires=["fake-lib"])
    site.add("fake-gpl-unrelated", expression="GPL-3.0-only")  # installed, not a dependency
    project(repo, ["fake-app"])
    status, output = run(capsys)
    assert status == 0
    assert "3 distributions checked in" in output and "3 permissive, 0 on the allow-list" in output


def test_or_lets_the_permissive_branch_be_chosen(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add("fake-dual", expression="MIT OR GPL-3.0-only")
    project(repo, ["fake-dual"])
    assert run(capsys)[0] == 0


def test_and_with_gpl_fails_and_names_the_path(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add("fake-app", expression="MIT", requires=["fake-middle"])
    site.add("fake-middle", expression="BSD-3-Clause", requires=["fake-bundle"])
    site.add("fake-bundle", "2.1", expression="Apache-2.0 AND GPL-3.0-only")
    project(repo, ["fake-app"])
    status, output = run(capsys)
    assert status == 1
    assert (
        "fake-bundle 2.1: strong copyleft: GPL-3.0-only (GPL) [License-Expression]\n"
        "    required by: [project] dependencies -> fake-app -> fake-middle -> fake-bundle"
    ) in output
    assert "A strong-copyleft dependency is not allowed" in output
    assert "1 problem." in output


def test_agpl_fails_as_agpl_not_as_gpl(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add("fake-server", expression="AGPL-3.0-only")
    site.add(
        "fake-classic",
        classifiers=["License :: OSI Approved :: GNU Affero General Public License v3"],
    )
    project(repo, ["fake-server", "fake-classic"])
    status, output = run(capsys)
    assert status == 1
    assert "fake-server 1.0: strong copyleft: AGPL-3.0-only (AGPL)" in output
    assert (
        "fake-classic 1.0: strong copyleft: GNU Affero General Public License v3 (AGPL)" in output
    )
    assert "(GPL)" not in output


def test_unknown_licence_field_needs_an_allow_list_entry(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add("fake-mystery", license="UNKNOWN")
    site.add("fake-silent")
    project(repo, ["fake-mystery", "fake-silent"])
    status, output = run(capsys)
    assert status == 1
    assert "fake-mystery 1.0: unknown: License is 'UNKNOWN' [none]" in output
    assert "fake-silent 1.0: unknown: no licence metadata [none]" in output
    assert "Unknown licences pass only with a reviewed entry in .dlc-licenses.toml" in output
    assert 'package = "fake-mystery"' in output  # a ready entry to fill in

    allow(repo, {"package": "fake-mystery", "reason": REASON})
    status, output = run(capsys)
    assert status == 1
    assert "fake-mystery 1.0: unknown" not in output and "fake-silent 1.0: unknown" in output
    allow(
        repo,
        {"package": "Fake_Mystery", "reason": REASON},
        {"package": "fake-silent", "reason": REASON},
    )
    status, output = run(capsys)
    assert status == 0
    assert "fake-mystery (unknown), fake-silent (unknown)" in output
    assert "0 permissive, 2 on the allow-list, 0 problems" in output


def test_weak_copyleft_needs_an_entry_pinned_to_its_licence(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add(
        "fake-certs",
        license="MPL-2.0",
        classifiers=["License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)"],
    )
    site.add("fake-lesser", expression="LGPL-3.0-or-later")
    project(repo, ["fake-certs", "fake-lesser"])
    status, output = run(capsys)
    assert status == 1
    assert "fake-certs 1.0: weak copyleft: Mozilla Public License 2.0 (MPL 2.0) (MPL)" in output
    assert "fake-lesser 1.0: weak copyleft: LGPL-3.0-or-later (LGPL)" in output
    assert 'license = "Mozilla Public License 2.0 (MPL 2.0)"' in output

    allow(
        repo,
        {
            "package": "fake-certs",
            "license": "Mozilla Public License 2.0 (MPL 2.0)",
            "reason": REASON,
        },
        {"package": "fake-lesser", "license": "LGPL-3.0-only", "reason": REASON},
    )
    status, output = run(capsys)
    assert status == 1
    assert "fake-certs 1.0: weak" not in output
    assert (
        "its entry in .dlc-licenses.toml is for license 'LGPL-3.0-only', but it now declares "
        "'LGPL-3.0-or-later'"
    ) in output
    allow(
        repo,
        {
            "package": "fake-certs",
            "license": "mozilla public license 2.0  (MPL 2.0)",
            "reason": REASON,
        },
        {"package": "fake-lesser", "license": "LGPL-3.0-or-later", "reason": REASON},
    )
    assert run(capsys)[0] == 0


def test_strong_copyleft_passes_only_with_its_exact_licence_named(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add("fake-dlc-common", expression="GPL-3.0-or-later")
    project(repo, ["fake-dlc-common==1.0"])
    allow(repo, {"package": "fake-dlc-common", "reason": REASON})
    status, output = run(capsys)
    assert status == 1
    assert "strong copyleft passes only with the exact licence named" in output
    allow(repo, {"package": "fake-dlc-common", "license": "GPL-3.0-or-later", "reason": REASON})
    status, output = run(capsys)
    assert status == 0 and "fake-dlc-common (strong copyleft)" in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[allow]]\npackage = "x"\n', "'reason' must say in words why"),
        ('[[allow]]\npackage = "x"\nreason = "TODO: why this licence is fine"\n', "'reason'"),
        ('[[allow]]\nreason = "a good long reason"\n', "'package' is missing"),
        ('[[allow]]\npackage = "x"\nreason = "a b c"\npackge = "y"\n', "unknown key(s) ['packge']"),
        ('[allowed]\npackage = "x"\n', "unknown table(s) ['allowed']"),
        (
            '[[allow]]\npackage = "x"\nreason = "a b c"\n'
            '[[allow]]\npackage = "X"\nreason = "d e f"\n',
            "X is listed twice",
        ),
        ('[[allow]]\npackage = "x"\nreason = "a b c"\nlicense = 3\n', "'license' must be a string"),
        ("[[allow]\n", "not valid TOML"),
    ],
)
def test_broken_allow_lists_are_rejected(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    project(repo, [])
    repo.write(".dlc-licenses.toml", content)
    status, output = run(capsys)
    assert status == 1
    assert ".dlc-licenses.toml" in output and message in output


def test_unused_entries_are_noted(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    project(repo, [])
    allow(repo, {"package": "fake-gone", "reason": REASON})
    status, output = run(capsys)
    assert status == 0 and "fake-gone is not a dependency here" in output


def test_extras_markers_and_the_projects_own_name(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add(
        "fake-viz",
        expression="MIT",
        requires=["fake-gpl-backend; extra == 'gpl-backend'", "fake-core; python_version >= '3'"],
    )
    site.add("fake-core", expression="MIT")
    site.add("fake-gpl-backend", expression="GPL-2.0-only")
    site.add("fake-test-tool", expression="LGPL-2.1-only")
    project(
        repo,
        [
            "fake-viz>=1",
            "fake-windows-only; sys_platform == 'win32'",  # not installed, not needed here
            "fake-ancient; python_version < '3.0'",
        ],
        extras='test = ["fake-test-tool"]\nall = ["lovelace-babbage1843[test]"]\n'
        'gpu = ["fake-cuda-only"]',
    )
    status, output = run(capsys, "--extra", "test", "--extra", "all")
    assert status == 1
    # The extra's dependency counts; fake-viz's optional GPL backend was not asked for.
    assert "fake-test-tool 1.0: weak copyleft" in output and "required by: extra 'test'" in output
    assert "gpl-backend" not in output
    assert "3 distributions checked" in output

    # All extras by default: the gpu extra's dependency is not installed here.
    status, output = run(capsys)
    assert status == 1
    assert (
        f"not installed in {sys.executable}, so their licences cannot be read:\n"
        "    fake-cuda-only  (from extra 'gpu')\n"
    ) in output
    assert "--extra NAME" in output

    status, output = run(capsys, "--extra", "nope")
    assert status == 1 and "no extra named nope; the extras are: test, all, gpu" in output

    project(repo, ["fake-viz[GPL_Backend]"])
    status, output = run(capsys)
    assert status == 1
    assert "fake-gpl-backend 1.0: strong copyleft: GPL-2.0-only (GPL)" in output
    assert "required by: [project] dependencies -> fake-viz -> fake-gpl-backend" in output


def test_cycles_end(repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.add("fake-ping", expression="MIT", requires=["fake-pong"])
    site.add("fake-pong", expression="MIT", requires=["fake-ping[extra]"])
    project(repo, ["fake-ping"])
    status, output = run(capsys)
    assert status == 0 and "2 distributions checked" in output


def test_another_environment_through_python_or_dot_venv(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = Site(tmp_path / "other-env")
    other.add("fake-only-there", expression="AGPL-3.0-or-later")
    project(repo, ["fake-only-there"])
    # Not installed in the environment running the check:
    status, output = run(capsys)
    assert status == 1 and "not installed in" in output

    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    python.write_text(f'#!/bin/sh\nPYTHONPATH="{other.path}" exec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    status, output = run(capsys, "--python", str(python))
    assert status == 1
    assert "fake-only-there 1.0: strong copyleft: AGPL-3.0-or-later (AGPL)" in output

    venv_python = repo.path / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    os.symlink(python, venv_python)
    status, output = run(capsys)
    assert status == 1 and "AGPL-3.0-or-later (AGPL)" in output

    status, output = run(capsys, "--python", str(tmp_path / "no-such-python"))
    assert status == 1 and "cannot run the Python interpreter" in output


def test_no_pyproject_or_no_project_table(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    status, output = run(capsys)
    assert status == 1 and "pyproject.toml: no such file" in output
    repo.write("pyproject.toml", "[tool.black]\n")
    status, output = run(capsys)
    assert status == 1 and "no [project] table with a name" in output
    project(repo, ["not a requirement!"])
    status, output = run(capsys)
    assert status == 1 and "is not a PEP 508 requirement" in output


OSI = "License :: OSI Approved :: "
GPL_CLASSIFIER = OSI + "GNU General Public License v3 (GPLv3)"
LGPL_CLASSIFIER = OSI + "GNU Lesser General Public License v3 (LGPLv3)"
MIT_TEXT = "MIT License\n\nCopyright (c) 2026 A. Person\n\nPermission is hereby granted"
PERMISSIVE, WEAK, UNKNOWN, STRONG = (
    Category.PERMISSIVE,
    Category.WEAK_COPYLEFT,
    Category.UNKNOWN,
    Category.STRONG_COPYLEFT,
)


@pytest.mark.parametrize(
    ("expression", "classifiers", "license", "category", "source"),
    [
        # License-Expression first: it is the one field meant to be exact.
        ("MIT", [GPL_CLASSIFIER], "GPL", PERMISSIVE, "License-Expression"),
        ("MIT AND (", [], None, UNKNOWN, "License-Expression"),
        # Then classifiers, taken together; "OSI Approved" alone names nothing.
        (None, [GPL_CLASSIFIER], "MIT", STRONG, "classifiers"),
        (None, [OSI + "MIT License", LGPL_CLASSIFIER], None, WEAK, "classifiers"),
        (None, ["License :: OSI Approved"], "BSD-3-Clause", PERMISSIVE, "License"),
        (None, ["License :: Other/Proprietary License"], None, UNKNOWN, "classifiers"),
        # Then the License field: SPDX if it is SPDX, else a name, else unknown.
        (None, [], "Apache License 2.0", PERMISSIVE, "License"),
        (None, [], "BSD", PERMISSIVE, "License"),
        (None, [], "MIT OR GPL-2.0-only", PERMISSIVE, "License"),
        (None, [], "LGPL-2.1-only", WEAK, "License"),
        (None, [], MIT_TEXT, PERMISSIVE, "License"),
        (None, [], "Proprietary", UNKNOWN, "License"),
        (None, [], "UNKNOWN", UNKNOWN, "none"),
        (None, [], None, UNKNOWN, "none"),
    ],
)
def test_metadata_precedence(
    expression: str | None,
    classifiers: list[str],
    license: str | None,
    category: Category,
    source: str,
) -> None:
    info = classify_metadata(expression, classifiers, license)
    assert (info.verdict.category, info.source) == (category, source)


def test_egg_info_and_folded_licence_fields_are_read(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add("fake-folded", license=MIT_TEXT)
    egg = site.path / "fake_egg-2.0.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.2\nName: fake-egg\nVersion: 2.0\n")
    (egg / "requires.txt").write_text(
        "fake-folded\n\n[gpl]\nfake-gpl\n\n[:python_version < '3']\nfake-py2\n"
    )
    site.add("fake-gpl", expression="GPL-3.0-only")
    # A whole licence text in License, folded with lines of spaces, then the classifiers.
    site.add(
        "fake-pasted",
        license="License agreement for fake\n=====\n\n1. Terms.\n\n2. More terms.",
        classifiers=["License :: OSI Approved :: Python Software Foundation License"],
    )
    project(repo, ["fake-egg", "fake-pasted"])
    status, output = run(capsys, "-v")
    assert (
        "fake-pasted 1.0: permissive: Python Software Foundation License (PSF) [classifiers]"
        in (output)
    )
    assert status == 1  # fake-egg declares no licence
    assert "fake-folded 1.0: permissive: MIT License (MIT) [License]" in output
    assert "fake-egg 2.0: unknown: no licence metadata" in output
    assert "fake-gpl" not in output and "fake-py2" not in output
    project(repo, ["fake-egg[gpl]"])
    status, output = run(capsys)
    assert "fake-gpl 1.0: strong copyleft: GPL-3.0-only (GPL)" in output


def test_metadata_is_read_as_importlib_metadata_reads_it() -> None:
    """The fast reader agrees with the standard library on every installed distribution."""
    from importlib import metadata

    from dlc_hooks._environment import distributions

    compared = 0
    folders = {str(Path(str(dist.locate_file(""))).resolve()) for dist in metadata.distributions()}
    for folder in sorted(folders):
        ours = {d["name"]: d for d in distributions([folder])}
        for dist in metadata.distributions(path=[folder]):
            meta = dist.metadata
            mine = ours[meta["Name"]]
            assert (mine["version"], mine["license_expression"], mine["classifiers"]) == (
                meta["Version"],
                meta.get("License-Expression"),
                meta.get_all("Classifier") or [],
            ), meta["Name"]
            if mine["requires"] != (dist.requires or []):
                # egg-info sections become markers: the same, up to parentheses and spaces
                def squash(items: list[str]) -> list[str]:
                    return ["".join(c for c in r if c not in "() ") for r in items]

                assert squash(mine["requires"]) == squash(dist.requires or []), meta["Name"]
            assert (mine["license"] or "").split() == (meta.get("License") or "").split()
            compared += 1
    assert compared >= 10  # pytest, pre-commit, uv and their dependencies at least


@pytest.mark.parametrize("license_id", ["BSD-4-Clause", "Apache-1.1", "Apache-1.0", "AFL-2.1"])
def test_gpl_incompatible_ids_fail_alike_in_every_field(
    repo: Repo, site: Site, capsys: pytest.CaptureFixture[str], license_id: str
) -> None:
    """The free-text License field is read as SPDX when it is an SPDX id."""
    site.add("fake-expression", expression=license_id)
    site.add("fake-field", license=license_id)
    project(repo, ["fake-expression", "fake-field"])
    status, output = run(capsys)
    assert status == 1
    why = f"unknown: {license_id}: permissive but not compatible with the GPL"
    assert f"fake-expression 1.0: {why}" in output and "[License-Expression]" in output
    assert f"fake-field 1.0: {why}" in output and "[License]" in output
    by_expression = classify_metadata(license_id, [], None).verdict
    assert classify_metadata(None, [], license_id).verdict == by_expression
    assert by_expression.category == UNKNOWN
    # As any unknown licence: a reviewed entry lets it pass.
    allow(
        repo,
        {"package": "fake-expression", "reason": REASON},
        {"package": "fake-field", "reason": REASON},
    )
    assert run(capsys)[0] == 0


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Apache Software License 1.1", UNKNOWN),
        ("Apache License, Version 1.0", UNKNOWN),
        ("BSD 4-Clause", UNKNOWN),
        ("Original BSD License", UNKNOWN),
        ("Academic Free License 3.0", UNKNOWN),
        ("Apache License, Version 2.0", PERMISSIVE),
        ("BSD 3-Clause License", PERMISSIVE),
        ("BSD-3-Clause OR BSD-4-Clause", PERMISSIVE),
        ("MIT AND BSD-4-Clause", UNKNOWN),
    ],
)
def test_gpl_incompatible_versions_in_free_text(text: str, category: Category) -> None:
    assert classify_metadata(None, [], text).verdict.category == category


def unreadable(kind: str) -> tuple[str, bytes]:
    """A file name and bytes that are not UTF-8."""
    return kind, (
        b'[project]\nname = "caf\xe9"\n'
        if kind == "pyproject.toml"
        else (b'[[allow]]\npackage = "caf\xe9"\nreason = "r e a s o n"\n')
    )


@pytest.mark.parametrize("name", ["pyproject.toml", ".dlc-licenses.toml"])
def test_files_that_are_not_utf8_are_one_clear_line(
    repo: Repo, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    project(repo, [])
    repo.write(*unreadable(name))
    status, output = run(capsys)
    assert status == 1
    assert output.strip().count("\n") == 0 and "Traceback" not in output
    assert f"{name}: not UTF-8 (byte 0xe9 at offset" in output
    assert "save it again as UTF-8" in output


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('dependencies = "numpy"', "project.dependencies must be an array of strings"),
        ("dependencies = [3]", "project.dependencies must be an array of strings"),
        ('dependencies = [{ name = "numpy" }]', "project.dependencies must be an array"),
        ('optional-dependencies = "numpy"', "project.optional-dependencies must be a table"),
        ("name = 7", "project.name must be a string"),
        (
            '[project.optional-dependencies]\ncpu = "x"',
            "project.optional-dependencies.cpu must be an array",
        ),
        (
            "[project.optional-dependencies]\ncpu = [1]",
            "project.optional-dependencies.cpu must be an array",
        ),
    ],
)
def test_mistyped_pyproject_fields_are_one_clear_line(
    repo: Repo, capsys: pytest.CaptureFixture[str], table: str, message: str
) -> None:
    name = "" if table.startswith("name") else 'name = "x"\n'
    repo.write("pyproject.toml", f"[project]\n{name}{table}\n")
    status, output = run(capsys)
    assert status == 1
    assert output.strip().count("\n") == 0 and "Traceback" not in output
    assert f"pyproject.toml: {message}" in output


@pytest.mark.parametrize(
    "content",
    [
        "[[allow]]\npackage = 7\nreason = 'a real reason here'\n",
        "[[allow]]\npackage = 'x'\nreason = 7\n",
        "[[allow]]\npackage = 'x'\nreason = 'a real reason here'\nlicense = 7\n",
        "allow = 'x'\n",
        "allow = [1]\n",
        "[allow]\npackage = 'x'\n",
        "[[allow]]\npackage = 'x'\nreason = 'a real reason here'\nwhy = 'x'\n",
    ],
)
def test_mistyped_allow_lists_are_one_clear_line(
    repo: Repo, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    project(repo, [])
    repo.write(".dlc-licenses.toml", content)
    status, output = run(capsys)
    assert status == 1
    assert output.strip().count("\n") == 0 and "Traceback" not in output
    assert ".dlc-licenses.toml: " in output


def fake_interpreter(folder: Path, script: str) -> str:
    """An executable that is not a Python interpreter."""
    path = folder / "not-python"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("true", "is not a Python interpreter: it ran, but did not list its distributions"),
        ("echo hello", "is not a Python interpreter"),
        ("echo '{}'", "is not a Python interpreter"),
        ("echo '[1, 2]'", "is not a Python interpreter"),
        ("printf '\\377\\376'", "is not a Python interpreter"),
        ("echo 'SyntaxError: invalid syntax' >&2; exit 1", "(SyntaxError: invalid syntax)"),
    ],
)
def test_python_that_is_not_python_is_one_clear_line(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], script: str, message: str
) -> None:
    project(repo, [])
    python = fake_interpreter(tmp_path, script)
    status, output = run(capsys, "--python", python)
    assert status == 1
    assert output.strip().count("\n") == 0 and "Traceback" not in output
    assert f"{python} " in output and message in output
    assert "point --python at the project's environment's interpreter" in output


def test_python_empty_or_a_folder_is_one_clear_line(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project(repo, [])
    status, output = run(capsys, "--python", "")
    assert status == 1 and "--python is empty" in output
    status, output = run(capsys, "--python", str(tmp_path))
    assert status == 1 and f"cannot run the Python interpreter {tmp_path}" in output
    assert "Traceback" not in output
