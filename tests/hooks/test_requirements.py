# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""PEP 508 requirements and markers, as the dependency-licence check reads them."""

from __future__ import annotations

import pytest

from dlc_hooks._requirements import RequirementError, evaluate, normalize, parse_requirement

LINUX_311 = {
    "python_version": "3.11",
    "python_full_version": "3.11.7",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}


@pytest.mark.parametrize(
    ("text", "name", "extras", "marker"),
    [
        ("numpy", "numpy", set(), None),
        ("Foo_Bar.baz >= 1.0, <2", "foo-bar-baz", set(), None),
        ("tensorflow[and-cuda]==2.21.0", "tensorflow", {"and-cuda"}, None),
        ("pkg [ a , B_c ] ; extra == 'x'", "pkg", {"a", "b-c"}, "extra == 'x'"),
        ('tomli>=2; python_version < "3.11"', "tomli", set(), 'python_version < "3.11"'),
        (
            "name @ https://example.invalid/x.whl ; os_name == 'nt'",
            "name",
            set(),
            "os_name == 'nt'",
        ),
    ],
)
def test_parse_requirement(text: str, name: str, extras: set[str], marker: str | None) -> None:
    requirement = parse_requirement(text)
    assert (requirement.name, set(requirement.extras), requirement.marker) == (
        name,
        extras,
        marker,
    )


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ('python_version < "3.11"', False),
        ('python_version >= "3.9"', True),
        ('python_version > "3.9"', True),  # as versions: 3.11 > 3.9, though "3.11" < "3.9"
        ('python_version == "3.11.*"', True),
        ('python_full_version ~= "3.11.0"', True),
        ('python_full_version ~= "3.10.0"', False),
        ('python_full_version >= "3.11.0rc1"', True),
        ('python_full_version < "3.11.7"', False),
        ("sys_platform == 'darwin'", False),
        ("sys_platform != 'darwin'", True),
        ("'linux' in sys_platform", True),
        ("python_version not in '3.6 3.7'", True),
        ("platform_system != 'Windows' and (python_version >= '3.8' or os_name == 'nt')", True),
        (
            "os_name == 'nt' or platform_machine == 'x86_64' and implementation_name == 'pypy'",
            False,
        ),
        ("sys.platform == 'linux'", True),  # PEP 345 spelling, still found in old metadata
        ("extra == 'test'", False),
    ],
)
def test_markers(marker: str, expected: bool) -> None:
    assert evaluate(marker, LINUX_311) is expected


def test_extras_are_compared_normalised() -> None:
    requirement = parse_requirement('pytest; extra == "Test_Tools"')
    assert requirement.applies(LINUX_311, ["test-tools"])
    assert not requirement.applies(LINUX_311)
    assert not requirement.applies(LINUX_311, ["docs"])
    assert parse_requirement("numpy").applies(LINUX_311, [])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-e .",
        "x; python_version <",
        "x; (python_version < '3'",
        "x; unknown_var == '1'",
        "x; python_version ~ '3'",
        "x; os_name not 'nt'",
    ],
)
def test_bad_requirements_are_errors(text: str) -> None:
    with pytest.raises(RequirementError):
        parse_requirement(text)


def test_normalize() -> None:
    assert normalize("Typing_Extensions") == "typing-extensions"
    assert normalize("ml.dtypes") == normalize("ML-dtypes") == "ml-dtypes"
