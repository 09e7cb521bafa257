# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report files, the README table between its markers, and atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlc_common.claims import Claim, Claims, judge
from dlc_common.files import write_json, write_text
from dlc_common.report import (
    README_END,
    README_START,
    curve_metric,
    results_table,
    update_readme,
    write_report,
)

CLAIM = Claim("acc", "test_accuracy", 0.9, 0.05, "higher", "Table 1", "Accuracy on X")


def test_atomic_writes_leave_the_old_file_on_failure(tmp_path: Path) -> None:
    target = write_text(tmp_path / "a" / "b.txt", "old")
    with pytest.raises(ValueError):
        write_json(target, {"x": float("nan")})  # NaN is not JSON: refused before the rename
    assert target.read_text() == "old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.txt"]
    write_json(target, {"b": 1, "a": [1.5]})
    assert json.loads(target.read_text()) == {"a": [1.5], "b": 1}


def test_readme_table_between_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Paper\n\nintro\n\n{README_START}\nold table\n{README_END}\n\nrest\n")
    verdicts = [judge(CLAIM, [0.95, 0.96, 0.94])]
    table = results_table(verdicts, "paper")
    update_readme(readme, table)
    text = readme.read_text()
    assert text.startswith("# Paper\n\nintro\n\n") and text.endswith("\n\nrest\n")
    assert "old table" not in text
    assert "| Accuracy on X | Table 1 | test_accuracy ≥ 0.9 − 0.05 | 0.95 ± 0.01 (n=3) |" in text
    assert "✅ reproduced" in text
    update_readme(readme, table)  # idempotent
    assert readme.read_text() == text

    readme.write_text("# No markers\n")
    with pytest.raises(ValueError, match="add these two lines"):
        update_readme(readme, table)
    assert readme.read_text() == "# No markers\n"


def test_curve_metric() -> None:
    keys = ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert curve_metric(CLAIM, keys) == "val_accuracy"
    assert curve_metric(Claim("l", "loss", 1, 0, "lower", "T"), keys) == "loss"
    assert curve_metric(Claim("p", "test_ppl", 1, 0, "lower", "T"), keys) is None
    assert curve_metric(Claim("p", "test_ppl", 1, 0, "lower", "T", curve="loss"), keys) == "loss"


def test_write_report(tmp_path: Path) -> None:
    histories = {
        s: [
            {"epoch": e, "loss": 1.0 / e, "val_accuracy": 0.8 + 0.04 * e + s / 100, "seconds": 1}
            for e in (1, 2, 3)
        ]
        for s in (0, 1, 2)
    }
    metrics = {s: {"test_accuracy": 0.93 + s / 100} for s in (0, 1, 2)}
    verdicts = [judge(CLAIM, [m["test_accuracy"] for m in metrics.values()])]
    report = write_report(
        tmp_path / "report",
        title="Learning Longer Memory",
        profile="paper",
        run_dir=Path("runs/paper/x"),
        config={"epochs": 3, "seeds": 3},
        claims=Claims([CLAIM], report={"deviations": "We used fewer epochs."}),
        verdicts=verdicts,
        seed_metrics=metrics,
        histories=histories,
        environment={"git": {"commit": "abc123", "dirty": True}, "python": "3.11"},
    )
    text = report.read_text()
    for heading in (
        "# Reproducibility report: Learning Longer Memory",
        "### Scope of reproducibility",
        "### Methodology",
        "### What was easy",
        "### What was difficult",
        "### Communication with original authors",
        "## Results: paper versus replication",
        "## Deviations from the paper",
    ):
        assert heading in text
    assert "We used fewer epochs." in text and "commit `abc123` (uncommitted changes)" in text
    assert "![acc](acc.png)" in text and "![training loss](loss.png)" in text
    for png in ("acc.png", "loss.png"):
        assert (tmp_path / "report" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    saved = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert saved["verdicts"][0]["status"] == "reproduced"
    assert saved["seeds"]["2"] == {"test_accuracy": pytest.approx(0.95)}


def test_the_report_names_the_code_of_every_start_and_of_the_drawing() -> None:
    from dlc_common.report import _provenance

    clean = {"commit": "a" * 40, "dirty": False, "changed": [], "fingerprint": "f1"}
    edited = {"commit": "a" * 40, "dirty": True, "changed": ["src/m.py"], "fingerprint": "f2"}
    text, record = _provenance({"git": clean}, clean)
    assert text == f"Trained with the commit `{'a' * 12}`. Judged and drawn with the same code."
    assert record["consistent"] is True
    text, record = _provenance({"git": clean}, edited)
    assert "**Judged and drawn with other code**: the commit `aaaaaaaaaaaa` with uncommitted " in (
        text
    )
    assert "`src/m.py`" in text and record["consistent"] is False
    text, record = _provenance({"git": clean, "earlier_starts": [{"git": edited}]}, clean)
    assert "**The code changed between the starts of this run**" in text
    assert record["trained"] == [edited, clean] and record["consistent"] is False


def test_numbers_read_as_a_person_writes_them() -> None:
    from dlc_common.report import _num

    assert [_num(33067.0), _num(1425.0), _num(0.951234), _num(1e-05), _num(None)] == [
        "33,067",
        "1425",
        "0.9512",
        "1e-05",
        "–",
    ]
    assert _num(2967.4, 2) == "2,967" and _num(0.01234, 2) == "0.012"  # a std, 2 digits


def _drawn(monkeypatch: pytest.MonkeyPatch, claim: Claim | None, series: str, tmp_path: Path):
    """The matplotlib axes that plot_claim drew, caught before they are closed."""
    from dlc_common import report

    caught = []

    def keep(figure):
        caught.append(figure.axes[0])
        return b"png"

    monkeypatch.setattr(report, "_figure_bytes", keep)
    histories = {
        seed: [
            {"epoch": e, "accuracy": 0.5 + 0.05 * e + seed / 100, "val_accuracy": 0.45 + 0.05 * e}
            for e in range(1, 9)
        ]
        for seed in (0, 1)
    }
    report.plot_claim(tmp_path / "x.png", claim, series, histories)
    return caught[0]


def test_a_one_sided_claim_is_drawn_with_a_one_sided_band_and_whole_epochs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    higher = Claim("acc", "val_accuracy", 0.8, 0.05, "higher", "Table 1")
    axes = _drawn(monkeypatch, higher, "val_accuracy", tmp_path)
    (band,) = [p for p in axes.patches if p.get_label().startswith("reproduced")]
    bottom, top = band.get_y(), band.get_y() + band.get_height()
    assert bottom == pytest.approx(0.75) and top >= axes.get_ylim()[1] - 1e-9
    assert band.get_label() == "reproduced: ≥ 0.75"
    assert all(float(t).is_integer() for t in axes.get_xticks())
    labels = [line.get_label() for line in axes.get_lines()]
    assert "mean accuracy" in labels  # the training curve beside the validation one
    lower = Claim("err", "val_accuracy", 0.3, 0.1, "lower", "Table 1")
    axes = _drawn(monkeypatch, lower, "val_accuracy", tmp_path)
    (band,) = [p for p in axes.patches if p.get_label().startswith("reproduced")]
    assert band.get_y() + band.get_height() == pytest.approx(0.4)
    assert band.get_y() <= axes.get_ylim()[0] + 1e-9
    equal = Claim("eq", "val_accuracy", 0.7, 0.1, "equal", "Table 1")
    axes = _drawn(monkeypatch, equal, "val_accuracy", tmp_path)
    (band,) = [p for p in axes.patches if p.get_label().startswith("reproduced")]
    assert (band.get_y(), band.get_y() + band.get_height()) == pytest.approx((0.6, 0.8))
