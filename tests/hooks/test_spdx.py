# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""SPDX expressions: the grammar, the copyleft classes, deprecated ids, free-text names."""

from __future__ import annotations

import pytest

from dlc_hooks import spdx
from dlc_hooks.spdx import Category, Compound, License

PERMISSIVE, WEAK, UNKNOWN, STRONG = (
    Category.PERMISSIVE,
    Category.WEAK_COPYLEFT,
    Category.UNKNOWN,
    Category.STRONG_COPYLEFT,
)


def test_precedence_or_binds_loosest_then_and_then_with() -> None:
    node = spdx.parse("MIT OR Apache-2.0 AND GPL-2.0-or-later WITH Classpath-exception-2.0")
    assert node == Compound(
        "OR",
        (
            License("MIT"),
            Compound(
                "AND",
                (
                    License("Apache-2.0"),
                    License("GPL-2.0-or-later", exception="Classpath-exception-2.0"),
                ),
            ),
        ),
    )
    assert spdx.parse("(MIT OR Apache-2.0) AND BSD-3-Clause") == Compound(
        "AND", (Compound("OR", (License("MIT"), License("Apache-2.0"))), License("BSD-3-Clause"))
    )


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("MIT", "mit"),
        ("  mit  ", "mit"),
        ("MIT or Apache-2.0", "mit or apache-2.0"),
        ("((MIT))", "mit"),
        ("(MIT OR Apache-2.0) AND BSD-3-Clause", "(mit or apache-2.0) and bsd-3-clause"),
        ("MIT OR (Apache-2.0 OR ISC)", "mit or apache-2.0 or isc"),
        ("GPL-2.0+", "gpl-2.0+"),
        ("LicenseRef-Mine", "licenseref-mine"),
        ("DocumentRef-spdx-1:LicenseRef-x", "documentref-spdx-1:licenseref-x"),
    ],
)
def test_canonical_form_ignores_case_spacing_and_redundant_parentheses(
    text: str, canonical: str
) -> None:
    assert spdx.canonical(text) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("MIT AND", "expected a licence id, found 'the end'"),
        ("(MIT OR Apache-2.0", "expected ')'"),
        ("MIT)", "unexpected ')'"),
        ("MIT License", "unexpected 'License'"),
        ("MIT / Apache-2.0", "unexpected '/'"),
        ("MIT WITH", "expected a licence id"),
        ("AND MIT", "expected a licence id, found 'AND'"),
        ("a:b", "not a licence id"),
    ],
)
def test_invalid_expressions_are_rejected_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(spdx.SPDXSyntaxError, match=message.replace("(", r"\(").replace(")", r"\)")):
        spdx.parse(text)


@pytest.mark.parametrize(
    ("expression", "category", "deciding"),
    [
        ("MIT", PERMISSIVE, "MIT"),
        ("MIT OR GPL-3.0-only", PERMISSIVE, "MIT"),
        ("GPL-3.0-only OR MIT", PERMISSIVE, "MIT"),
        ("Apache-2.0 AND GPL-3.0-only", STRONG, "GPL-3.0-only (GPL)"),
        ("AGPL-3.0-only", STRONG, "AGPL-3.0-only (AGPL)"),
        ("AGPL-3.0-or-later OR SSPL-1.0", STRONG, "AGPL-3.0-or-later (AGPL)"),
        ("LGPL-2.1-or-later", WEAK, "LGPL-2.1-or-later (LGPL)"),
        ("LGPL-3.0-only OR GPL-3.0-only", WEAK, "LGPL-3.0-only (LGPL)"),
        ("MPL-2.0", WEAK, "MPL-2.0 (MPL)"),
        ("EPL-2.0", WEAK, "EPL-2.0 (EPL)"),
        ("CDDL-1.0", WEAK, "CDDL-1.0 (CDDL)"),
        ("SSPL-1.0", STRONG, "SSPL-1.0 (SSPL)"),
        ("EUPL-1.2", STRONG, "EUPL-1.2 (EUPL)"),
        ("OSL-3.0", STRONG, "OSL-3.0 (OSL)"),
        ("CC-BY-SA-4.0", STRONG, "CC-BY-SA-4.0 (CC-BY-SA)"),
        ("CC-BY-4.0", PERMISSIVE, "CC-BY-4.0"),
        ("GPL-3.0+", STRONG, "GPL-3.0+ (GPL)"),
        ("gpl-3.0-only", STRONG, "gpl-3.0-only (GPL)"),
        ("GPL-2.0-or-later WITH Classpath-exception-2.0", WEAK, "the exception limits"),
        ("GPL-3.0-or-later WITH GCC-exception-3.1", WEAK, "GCC-exception-3.1"),
        ("Apache-2.0 WITH LLVM-exception", PERMISSIVE, "LLVM-exception"),
        ("GPL-3.0-only WITH Made-up-exception", STRONG, "Made-up-exception not known"),
        ("(MIT OR GPL-2.0-only) AND LGPL-2.1-only", WEAK, "LGPL-2.1-only (LGPL)"),
        ("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0", PERMISSIVE, "BSD-3-Clause"),
        ("LicenseRef-Proprietary", UNKNOWN, "not a licence this check knows"),
        ("MIT OR LicenseRef-Proprietary", PERMISSIVE, "MIT"),
        ("MIT AND LicenseRef-Proprietary", UNKNOWN, "LicenseRef-Proprietary"),
        ("MPL-2.0 AND LicenseRef-Proprietary", UNKNOWN, "LicenseRef-Proprietary"),
        ("GPL-2.0-only AND LicenseRef-Proprietary", STRONG, "GPL-2.0-only"),
        # Permissive but not GPL-compatible: a person must look at it.
        ("BSD-4-Clause", UNKNOWN, "BSD-4-Clause: permissive but not compatible with the GPL"),
        ("Apache-1.1", UNKNOWN, "Apache-1.1: permissive but not compatible with the GPL"),
        ("AFL-2.1", UNKNOWN, "AFL-2.1: permissive but not compatible with the GPL"),
        ("AFL-2.1 OR MIT", PERMISSIVE, "MIT"),
    ],
)
def test_classification(expression: str, category: Category, deciding: str) -> None:
    verdict = spdx.classify_expression(expression)
    assert verdict.category == category
    assert any(deciding in term for term in verdict.terms), verdict.terms


def test_agpl_fails_as_agpl_and_lgpl_is_not_read_as_gpl() -> None:
    assert spdx.classify_expression("AGPL-3.0-only").terms == ("AGPL-3.0-only (AGPL)",)
    assert "(GPL)" not in spdx.classify_expression("LGPL-3.0-only").describe()
    assert spdx.classify_expression("AGPL-3.0-only").describe() == (
        "strong copyleft: AGPL-3.0-only (AGPL)"
    )


@pytest.mark.parametrize(
    ("expression", "found"),
    [
        ("GPL-3.0", [("GPL-3.0", "GPL-3.0-only")]),
        ("GPL-3.0+", [("GPL-3.0+", "GPL-3.0-or-later")]),
        ("LGPL-2.1+ OR MIT", [("LGPL-2.1+", "LGPL-2.1-or-later")]),
        ("AGPL-3.0", [("AGPL-3.0", "AGPL-3.0-only")]),
        ("GPL-3.0-or-later+", [("GPL-3.0-or-later+", "GPL-3.0-or-later")]),
        ("GPL-3.0-or-later", []),
        ("GPL-3.0-only AND MIT", []),
        ("MPL-2.0+", []),
    ],
)
def test_deprecated_ids(expression: str, found: list[tuple[str, str]]) -> None:
    assert spdx.deprecated_ids(expression) == found


@pytest.mark.parametrize(
    ("text", "category", "family"),
    [
        ("Apache 2.0", PERMISSIVE, "Apache"),
        ("Apache License 2.0", PERMISSIVE, "Apache"),
        ("Apache Software License", PERMISSIVE, "Apache"),
        ("3-Clause BSD License", PERMISSIVE, "BSD"),
        ("BSD", PERMISSIVE, "BSD"),
        ("MIT License", PERMISSIVE, "MIT"),
        ("Python Software Foundation License", PERMISSIVE, "PSF"),
        ("ISC License (ISCL)", PERMISSIVE, "ISC"),
        ("Mozilla Public License 2.0 (MPL 2.0)", WEAK, "MPL"),
        ("GNU Lesser General Public License v3 (LGPLv3)", WEAK, "LGPL"),
        ("GNU Library or Lesser General Public License (LGPL)", WEAK, "LGPL"),
        ("GNU General Public License v3 (GPLv3)", STRONG, "GPL"),
        ("GPLv2+", STRONG, "GPL"),
        ("GNU Affero General Public License v3 or later (AGPLv3+)", STRONG, "AGPL"),
        ("Eclipse Public License 2.0 (EPL-2.0)", WEAK, "EPL"),
        ("Common Development and Distribution License 1.0 (CDDL-1.0)", WEAK, "CDDL"),
        ("European Union Public Licence 1.2 (EUPL 1.2)", STRONG, "EUPL"),
        ("Server Side Public License", STRONG, "SSPL"),
        ("Creative Commons Attribution-ShareAlike 4.0", STRONG, "CC-BY-SA"),
        ("Public Domain", PERMISSIVE, "public domain"),
        (
            "MIT License\n\nCopyright (c) 2020 Someone\n\nPermission is hereby granted",
            PERMISSIVE,
            "MIT",
        ),
        (
            "Copyright (c) 2015, a project\nAll rights reserved.\n\nRedistribution and use in "
            "source and binary forms, with or without modification, are permitted",
            PERMISSIVE,
            "BSD",
        ),
    ],
)
def test_free_text_names(text: str, category: Category, family: str) -> None:
    verdict = spdx.classify_text(text)
    assert verdict is not None
    assert verdict.category == category
    assert verdict.terms[0].endswith(f"({family})")


@pytest.mark.parametrize("text", ["UNKNOWN", "", "  ", "Proprietary", "see LICENSE file", "Dual"])
def test_unrecognised_free_text_is_none(text: str) -> None:
    assert spdx.classify_text(text) is None
