# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report files, the README table between its markers, and atomic writes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from dlc_common.files import write_json, write_text
from dlc_common.judge.claims import Claim, Claims, judge
from dlc_common.judge.preregistration import preregistration, record_judged
from dlc_common.judge.report import (
    README_END,
    README_START,
    curve_metric,
    results_table,
    update_readme,
    write_report,
)
from dlc_common.run.experiments import Experiment, Variant

CLAIM = Claim("acc", "test_accuracy", 0.9, 0.05, "higher", "Table 1", "Accuracy on X")
MAIN = Experiment("main", "", "", "experiment", [0, 1, 2], [Variant("default", "default")], True)
KEY = ("main", "default")
PNG = b"\x89PNG\r\n\x1a\n"


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
    results = {KEY: metrics}
    report = write_report(
        tmp_path / "report",
        title="Learning Longer Memory",
        profile="paper",
        run_dir=Path("runs/paper/x"),
        config={"epochs": 3, "seeds": 3},
        claims=Claims([CLAIM], report={"deviations": "We used fewer epochs."}),
        verdicts=verdicts,
        experiments=[MAIN],
        results=results,
        histories={KEY: histories},
        environment={
            "git": {"commit": "abc123", "dirty": True},
            "python": "3.11",
            "cpu_count": 2,
            "cpu": {"model": "AMD EPYC 9B14", "flags": ["sse4_2", "avx2", "fma", "avx512f"]},
        },
    )
    text = report.read_text()
    # The CPU beside the platform: its instruction set decides a float result's last bits.
    assert "AMD EPYC 9B14 (2 cores; avx2, avx512f)" in text
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
    for png in ("acc.png", "loss.png", "main-test_accuracy-seeds.png"):
        assert (tmp_path / "report" / png).read_bytes()[:8] == PNG
    saved = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert saved["verdicts"][0]["status"] == "reproduced"
    assert saved["seeds"]["2"] == {"test_accuracy": pytest.approx(0.95)}
    assert saved["results"]["main/default"]["2"] == {"test_accuracy": pytest.approx(0.95)}
    # A run without experiments reads as before: no experiment column, heading or table.
    assert "| Claim | Where in the paper | Paper | Replication (estimate, n) | Interval |" in text
    assert "| Experiment |" not in text and "### main" not in text and "| Variant |" not in text
    assert "| Accuracy on X | Table 1 | test_accuracy ≥ 0.9 − 0.05 | 0.94 ± 0.01 (n=3) |" in text
    assert "Student's t interval of the mean (acc)" in text and "Runs:\n3 seeds." in text
    assert "<details><summary>Final metrics per seed (3 runs)</summary>" in text
    assert "| seed | test_accuracy |\n| --- | --- |\n| 0 | 0.93 |" in text
    assert (tmp_path / "report" / "seeds.csv").read_text().splitlines() == [
        "experiment,variant,seed,test_accuracy",
        "main,default,0,0.93",
        "main,default,1,0.9400000000000001",
        "main,default,2,0.9500000000000001",
    ]


def test_the_report_names_the_code_of_every_start_and_of_the_drawing() -> None:
    from dlc_common.judge.report import _provenance

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
    from dlc_common.judge.report import _num

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
    from dlc_common.judge import report

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


# A claim names its experiment, variant and versus only with the claims of experiments.
EXPERIMENT_CLAIMS = {"experiment", "variant", "versus", "statistic"} <= {
    f.name for f in dataclasses.fields(Claim)
}
LENGTHS = Experiment(
    "lengths",
    "Table 2",
    "Accuracy against sequence length",
    "experiment",
    [0, 1, 2],
    [Variant("length=10", "length 10", {"length": 10}), Variant("length=100", "length 100")],
)
ABLATION = Experiment("ablation", "Figure 3", "", "ablate", [0, 1], [Variant("default", "default")])


def _two_experiments() -> tuple[dict, dict]:
    results = {
        ("lengths", "length=10"): {
            s: {"test_accuracy": 0.90 + s / 100, "solved": 1.0} for s in (0, 1, 2)
        },
        ("lengths", "length=100"): {
            s: {"test_accuracy": 0.80 + s / 50, "solved": float(s > 0)} for s in (0, 1, 2)
        },
        ("ablation", "default"): {0: {"loss": 0.5}, 1: {"loss": 0.7}},
    }
    histories = {
        key: {
            seed: [
                {
                    "epoch": e,
                    "loss": 1 / e,
                    "val_accuracy": metrics.get("test_accuracy", 0) - 0.1 / e,
                }
                for e in (1, 2, 3)
            ]
            for seed, metrics in by_seed.items()
        }
        for key, by_seed in results.items()
    }
    return results, histories


def _experiment_claims() -> list[Claim]:
    if not EXPERIMENT_CLAIMS:
        return []

    def claim(ident: str, metric: str, value: float, tolerance: float, **fields) -> Claim:
        return Claim(ident, metric, value, tolerance, "higher", "Table 2", **fields)

    on = {"experiment": "lengths"}
    return [
        claim("short", "test_accuracy", 0.9, 0.05, description="Short", variant="length=10", **on),
        claim("solved", "solved", 0.5, 0.0, variant="length=100", statistic="rate", **on),
        claim(
            "gap",
            "test_accuracy",
            0.0,
            0.0,
            description="Short beats long",
            variant="length=10",
            versus="length=100",
            **on,
        ),
    ]


def _verdicts(claims: list[Claim], results: dict, judged: bool = True) -> list:
    verdicts = []
    for claim in claims:
        mine = {s: m[claim.metric] for s, m in results[(claim.experiment, claim.variant)].items()}
        other = None
        if claim.versus:
            other = {s: m[claim.metric] for s, m in results[("lengths", claim.versus)].items()}
        verdicts.append(judge(claim, mine, 0.95, judged=judged, versus=other))
    return verdicts


def _report(tmp_path: Path, name: str, judged: bool = True) -> tuple[str, Path]:
    results, histories = _two_experiments()
    claims = _experiment_claims()
    out = tmp_path / name
    report = write_report(
        out,
        title="Lengths",
        profile="paper" if judged else "smoke",
        run_dir=Path("runs/x"),
        config={"epochs": 3},
        claims=Claims(claims),
        verdicts=_verdicts(claims, results, judged),
        experiments=[LENGTHS, ABLATION],
        results=results,
        histories=histories,
        environment={},
    )
    return report.read_text(), out


def test_a_report_of_two_experiments_is_shaped_like_the_papers_tables(tmp_path: Path) -> None:
    text, out = _report(tmp_path, "report")
    assert "### lengths: Table 2 — Accuracy against sequence length" in text
    assert "### ablation: Figure 3\n" in text
    # What each variant changes, under the hyperparameters: not the raw [experiments] tables.
    assert "- **lengths** (Table 2), 3 seeds (0 to 2):" in text
    assert "  - length 10: `length=10`\n  - length 100: no change\n" in text
    # An experiment without claims shows its metrics, a row per variant.
    assert "| Variant | loss |\n| --- | --- |\n| default | 0.6 ± 0.14 (n=2) |" in text
    assert "Runs:\nlengths: 2 variants × 3 seeds; ablation: 1 variant × 2 seeds (8 runs)." in text
    seeds = text.split("<details><summary>Final metrics per seed (8 runs)</summary>", 1)[1]
    seeds = seeds.split("</details>", 1)[0]
    assert "**lengths**\n\n| variant | seed | solved | test_accuracy |" in seeds
    assert "| length 100 | 2 | 1 | 0.84 |" in seeds and "**ablation**" in seeds
    assert "| default | 1 | 0.7 |" in seeds
    rows = (out / "seeds.csv").read_text().splitlines()
    assert rows[0] == "experiment,variant,seed,loss,solved,test_accuracy"
    assert rows[1:3] == ["ablation,default,0,0.5,,", "ablation,default,1,0.7,,"]
    assert rows[3] == "lengths,length=10,0,,1.0,0.9" and len(rows) == 9
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["results"]["lengths/length=100"]["2"] == pytest.approx(
        {"test_accuracy": 0.84, "solved": 1.0}
    )
    assert "seeds" not in saved and [e["id"] for e in saved["experiments"]] == [
        "lengths",
        "ablation",
    ]
    assert "![ablation: training loss](ablation-loss.png)" in text
    for png in ("lengths-loss.png", "ablation-loss.png"):
        assert (out / png).read_bytes()[:8] == PNG
    if not EXPERIMENT_CLAIMS:
        pytest.skip("the claims module has no experiment, variant or versus yet")
    table = text.split("### lengths:", 1)[1].split("###", 1)[0]
    assert "| Variant | test_accuracy | paper | rate(solved) | paper |" in table
    assert "| length 10 | 0.91 ± 0.01 (n=3) | ≥ 0.9 − 0.05 ✅ | 3/3 = 1 [0.2924, 1] |  |" in table
    assert (
        "| length 100 | 0.82 ± 0.02 (n=3) |  | 2/3 = 0.6667 [0.0943, 0.9916] | ≥ 0.5 − 0 ❔ |"
        in table
    )
    assert (
        "- **gap** (paper: difference ≥ 0 − 0): length 10 vs length 100 on test_accuracy: "
        "difference 0.09 [0.06516, 0.1148] (paired t, n=3): ✅ reproduced" in table
    )
    # The summary table: a column of experiments, the method of every interval.
    assert (
        "| lengths: length 10 vs length 100 | Short beats long | Table 2 | "
        "mean(test_accuracy[length=10] − test_accuracy[length=100]) ≥ 0 − 0 | "
        "difference 0.09 ± 0.01 (n=3, paired) | 95% paired t: [0.06516, 0.1148] | ✅ reproduced |"
    ) in text
    assert (
        "| lengths: length 100 | solved | Table 2 | rate(solved) ≥ 0.5 − 0 | 2/3 = 0.6667 |" in text
    )
    assert "the paired t interval of the mean difference over the same seeds (gap)" in text
    assert "Clopper–Pearson interval of the share of seeds that succeed (solved)" in text
    for png in (
        "lengths-test_accuracy.png",
        "lengths-test_accuracy-seeds.png",
        "lengths-solved-seeds.png",
    ):
        assert (out / png).read_bytes()[:8] == PNG and f"]({png})" in text


def test_a_smoke_report_of_experiments_marks_every_claim_not_judged(tmp_path: Path) -> None:
    if not EXPERIMENT_CLAIMS:
        pytest.skip("the claims module has no experiment, variant or versus yet")
    text, _ = _report(tmp_path, "smoke", judged=False)
    results = text.split("## Results: paper versus replication", 1)[1].split("## Figures", 1)[0]
    assert "✅" not in results and "❌" not in results and "❔" not in results
    reason = "not judged: this profile sets judge = false (a smoke test)"
    rows = [line for line in results.splitlines() if line.startswith("| lengths")]
    assert len(rows) == 3 and all(row.endswith(f"| {reason} |") for row in rows)
    assert "| length 10 | 0.91 ± 0.01 (n=3) | ≥ 0.9 − 0.05 not judged |" in results
    assert f"(paired t, n=3): {reason}" in results  # the estimate, still shown, and no verdict


def test_the_variant_figure_draws_a_mean_and_a_band_per_variant(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from dlc_common.judge import report

    caught = []
    monkeypatch.setattr(
        report, "_figure_bytes", lambda figure: caught.append(figure.axes[0]) or b""
    )
    _, histories = _two_experiments()
    variants = [(v.label, histories[("lengths", v.id)]) for v in LENGTHS.variants]
    claim = Claim("short", "test_accuracy", 0.9, 0.05, "higher", "Table 2")
    report.plot_variants(tmp_path / "x.png", "val_accuracy", variants, [(claim, "length 10")])
    (axes,) = caught
    lines = {line.get_label(): line for line in axes.get_lines()}
    assert set(lines) == {
        "length 10 (mean of 3 seeds)",
        "length 100 (mean of 3 seeds)",
        "paper (length 10): 0.9",
    }
    assert list(lines["length 100 (mean of 3 seeds)"].get_ydata()) == pytest.approx(
        [0.72, 0.77, 0.7867], abs=1e-4
    )
    assert len(axes.collections) == 2  # a min–max band per variant
    band = axes.collections[1].get_paths()[0].vertices[:, 1]
    assert min(band) == pytest.approx(0.70) and max(band) == pytest.approx(0.84 - 0.1 / 3)
    assert (
        lines["paper (length 10): 0.9"].get_color()
        == lines["length 10 (mean of 3 seeds)"].get_color()
    )


def test_the_results_table_names_experiments_and_the_method_of_each_interval() -> None:
    from dlc_common.judge.stats import summarize

    if not EXPERIMENT_CLAIMS:
        pytest.skip("the claims module has no experiment, variant or versus yet")
    median = Claim(
        "fast", "epochs", 4, 1, "lower", "Fig. 2", experiment="speed", statistic="median"
    )
    accuracy = Claim("acc", "test_accuracy", 0.9, 0.05, "higher", "Table 1", experiment="main")
    verdicts = [
        judge(accuracy, {0: 0.95, 1: 0.96, 2: 0.94}),
        judge(median, {s: float(s + 1) for s in range(6)}),
        judge(accuracy, {0: 0.95, 1: 0.96}),
    ]
    table = results_table(verdicts, "paper", experiments=[LENGTHS])
    lines = table.splitlines()
    assert lines[0].startswith("| Experiment | Claim |") and "| Interval |" in lines[0]
    assert [line.split(" | ")[0] for line in lines[2:5]] == ["| main", "| main", "| speed"]
    assert "| median 3.5 (n=6) | 95% order statistic: [1, 6] | ❔ inconclusive |" in lines[4]
    assert "order-statistic interval of a median or quantile" in lines[-1]
    # A verdict from before estimates (a summary only) is shown as the mean and its t interval.
    old = dataclasses.replace(verdicts[0], estimate=None)
    assert old.summary == summarize([0.95, 0.96, 0.94])
    row = results_table([old], "paper").splitlines()[2]
    assert "| 0.95 ± 0.01 (n=3) | 95% t: [0.9252, 0.9748] | ✅ reproduced |" in row
    assert results_table([old], "paper") == results_table(verdicts[:1], "paper")


ACC_CLAIMS = """[[claims]]
id = "acc"
metric = "test_accuracy"
value = 0.9
tolerance = 0.05
direction = "higher"
where = "Table 1"

[[claims]]
id = "loss"
metric = "test_loss"
value = 0.3
tolerance = 0.1
direction = "lower"
where = "Table 1"
"""


def _marked_report(tmp_path: Path, claims: list[Claim]) -> tuple[str, dict]:
    metrics = {s: {"test_accuracy": 0.93 + s / 100, "test_loss": 0.2} for s in (0, 1, 2)}
    verdicts = [judge(c, [m[c.metric] for m in metrics.values()]) for c in claims]
    own = {"preregistration": "The tolerances were fixed after two trial runs."}
    report = write_report(
        tmp_path / "report",
        title="T",
        profile="paper",
        run_dir=Path("runs/paper/x"),
        config={"epochs": 3},
        claims=Claims(claims, report=own),
        verdicts=verdicts,
        experiments=[MAIN],
        results={KEY: metrics},
        histories={KEY: {}},
        environment={},
        preregistration=preregistration(tmp_path),
    )
    return report.read_text(), json.loads((tmp_path / "report" / "metrics.json").read_text())


def test_the_report_marks_a_claim_changed_after_the_first_paper_run(tmp_path: Path) -> None:
    # A paper run judged both claims; then acc's tolerance was loosened and the run redrawn.
    (tmp_path / "claims.toml").write_text(ACC_CLAIMS)
    first = [CLAIM, Claim("loss", "test_loss", 0.3, 0.1, "lower", "Table 1")]
    run_dir = tmp_path / "runs" / "paper" / "x"
    verdicts = [judge(c, [0.8, 0.82, 0.81]) for c in first]
    record_judged(
        run_dir, tmp_path, "paper", verdicts, command="replicate", commit=None, judged=True
    )
    text, saved = _marked_report(tmp_path, first)
    assert "changed after the first paper run" not in text
    assert "### Pre-registration\n\nEvery claim's value, tolerance, direction" in text
    assert "First judged: `acc`, `loss` by the paper run runs/paper/x judged on" in text
    # The replication's own words on it ([report] preregistration in claims.toml) follow.
    assert "outside git.\n\nThe tolerances were fixed after two trial runs.\n" in text

    (tmp_path / "claims.toml").write_text(ACC_CLAIMS.replace("tolerance = 0.05", "tolerance = 0.2"))
    loosened = [dataclasses.replace(CLAIM, tolerance=0.2), first[1]]
    text, saved = _marked_report(tmp_path, loosened)
    (acc_line,) = [line for line in text.splitlines() if line.startswith("- **acc**: ")]
    assert "⚠️ **changed after the first paper run**: tolerance 0.05 → 0.2" in acc_line
    assert "first judged: paper run runs/paper/x judged on" in acc_line
    assert "changed in claims.toml in the working tree (not committed)" in acc_line
    (loss_line,) = [line for line in text.splitlines() if line.startswith("- **loss**: ")]
    assert "changed after" not in loss_line
    assert "**1 of 2 claims changed after the first paper-profile run" in text
    assert "Unchanged since first judged: `loss` by the paper run" in text
    record = saved["preregistration"]
    assert set(record["claims"]) == {"acc", "loss"} and len(record["fingerprint"]) == 64
    assert record["claims"]["acc"]["fields"]["tolerance"] == 0.2
    assert record["changes"][0]["claim"] == "acc"
    assert record["changes"][0]["fields"] == {"tolerance": [0.05, 0.2]}
