# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The replication report: REPORT.md, metrics JSON, learning-curve PNGs, the README table.

REPORT.md follows the ML Reproducibility Challenge report: scope, methodology, results (paper
versus replication), what was easy and difficult, communication with the authors. Its free
text comes from the ``[report]`` table of claims.toml. No TensorFlow; matplotlib is imported
only to draw the plots.
"""

from __future__ import annotations

import importlib.util
import io
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dlc_common import __version__
from dlc_common.claims import NOT_JUDGED, Claim, Claims, Verdict
from dlc_common.files import write_bytes, write_json, write_text

__all__ = [
    "README_END",
    "README_START",
    "PlotsUnavailable",
    "curve_metric",
    "plot_claim",
    "require_matplotlib",
    "results_table",
    "update_readme",
    "write_report",
]

README_START = "<!-- dlc:results:start -->"
README_END = "<!-- dlc:results:end -->"
_MARKERS = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.DOTALL)
_METHOD = "The paper's model and training, re-implemented in Keras 3 on TensorFlow."
_SYMBOL = {
    "reproduced": "✅ reproduced",
    "not reproduced": "❌ not reproduced",
    "inconclusive": "❔ inconclusive",
}


class PlotsUnavailable(RuntimeError):
    """matplotlib is not installed, so the report cannot draw its plots."""


def require_matplotlib() -> None:
    """Fail early, with the fix, when matplotlib is missing."""
    if importlib.util.find_spec("matplotlib") is None:
        raise PlotsUnavailable(
            "the report draws learning curves with matplotlib, which is not installed: "
            "pip install matplotlib (or install dlc-common[plots])"
        )


def _num(value: float | None, digits: int = 4) -> str:
    """A number as a reader writes it: 33,067 rather than 3.307e+04; 0.9512; 1e-05."""
    if value is None:
        return "–"
    if math.isfinite(value) and 10**digits <= abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _changes_text(changes: Mapping[str, Any]) -> str:
    return ", ".join(f"`{key}={value!r}`" for key, value in changes.items())


def results_table(
    verdicts: Sequence[Verdict], profile: str, changes: Mapping[str, Any] | None = None
) -> str:
    """The results table, paper versus replication, in Markdown.

    ``changes`` are the run's values that differ from ``configs/<profile>.toml``: shown under
    the table, so that a table from other settings never passes for the paper's.
    """
    lines = [
        "| Claim | Where in the paper | Paper | Replication (mean ± std, n) | CI | Verdict |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for verdict in verdicts:
        claim, summary = verdict.claim, verdict.summary
        if summary is None:
            replication, interval = "–", "–"
        else:
            std = "" if summary.std is None else f" ± {_num(summary.std, 2)}"
            replication = f"{_num(summary.mean)}{std} (n={summary.n})"
            interval = (
                "–"
                if summary.low is None
                else f"{summary.confidence:.0%}: [{_num(summary.low)}, {_num(summary.high)}]"
            )
        status = _SYMBOL.get(verdict.status, verdict.status)
        if verdict.status == NOT_JUDGED:
            status = f"not judged: {verdict.reason}"
        lines.append(
            f"| {_cell(claim.description or claim.id)} | {_cell(claim.where)} | "
            f"{_cell(claim.target)} | {replication} | {interval} | {_cell(status)} |"
        )
    lines.append("")
    lines.append(
        f"Profile `{profile}`; verdicts on the confidence interval of the mean over seeds."
    )
    if changes:
        lines[-1] += (
            f" **Not the settings of configs/{profile}.toml**: this run changed "
            f"{_changes_text(changes)}."
        )
    return "\n".join(lines)


def update_readme(readme: str | Path, table: str) -> None:
    """Rewrite the README's results table between its markers; clear error without markers."""
    path = Path(readme)
    text = path.read_text(encoding="utf-8")
    if len(_MARKERS.findall(text)) != 1:
        raise ValueError(
            f"{path}: expected one results table between the lines {README_START} and "
            f"{README_END}; add these two lines where the table belongs"
        )
    block = f"{README_START}\n{table}\n{README_END}"
    write_text(path, _MARKERS.sub(lambda _: block, text))


def curve_metric(claim: Claim, history_keys: Sequence[str]) -> str | None:
    """The history series to plot for a claim: ``curve``, else the metric or its val_ twin."""
    candidates = [claim.curve] if claim.curve else []
    base = re.sub(r"^(test|val|eval)_", "", claim.metric)
    candidates += [claim.metric, f"val_{base}", base]
    return next((name for name in candidates if name and name in history_keys), None)


def _figure_bytes(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    return buffer.getvalue()


def _mean(curves: Sequence[Mapping[int, float]]) -> tuple[list[int], list[float]]:
    """The mean over seeds of per-epoch values, at the epochs every seed recorded."""
    common = sorted(set.intersection(*(set(c) for c in curves)))
    return common, [sum(c[e] for c in curves) / len(curves) for e in common]


def plot_claim(
    path: Path, claim: Claim | None, series: str, histories: Mapping[int, list[dict[str, Any]]]
) -> Path:
    """Draw one metric's learning curves over seeds, with the paper's value as a reference."""
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")  # no display on clusters and CI
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figure, axes = plt.subplots(figsize=(6, 4))
    keys = {k for rows in histories.values() for row in rows for k in row}
    # The validation curve beside the training one (or the other way round), when recorded.
    twin = series[4:] if series.startswith("val_") else f"val_{series}"
    curves = []
    for seed, rows in sorted(histories.items()):
        points = [(r["epoch"], r[series]) for r in rows if r.get(series) is not None]
        if points:
            epochs, values = zip(*points, strict=True)
            axes.plot(epochs, values, linewidth=0.8, alpha=0.5, label=f"seed {seed}")
            curves.append(dict(points))
    if curves:
        axes.plot(*_mean(curves), color="black", linewidth=2, label=f"mean of {len(curves)} seeds")
    others = [
        {r["epoch"]: r[twin] for r in rows if r.get(twin) is not None}
        for rows in histories.values()
    ]
    others = [c for c in others if c] if twin in keys else []
    if others:
        axes.plot(*_mean(others), color="black", linewidth=1.5, linestyle=":", label=f"mean {twin}")
    if claim is not None:
        axes.axhline(claim.value, color="tab:red", linestyle="--", label=f"paper: {claim.value:g}")
        if claim.tolerance or claim.direction != "equal":
            low, high = axes.get_ylim()
            edge = {"higher": -1.0, "lower": 1.0}.get(claim.direction, 0.0) * claim.tolerance
            # A one-sided claim accepts everything on its side of the edge, not a ± band.
            band = {
                "higher": (claim.value + edge, max(high, claim.value + edge)),
                "lower": (min(low, claim.value + edge), claim.value + edge),
            }.get(claim.direction, (claim.value - claim.tolerance, claim.value + claim.tolerance))
            label = {
                "higher": f"reproduced: ≥ {_num(claim.value + edge)}",
                "lower": f"reproduced: ≤ {_num(claim.value + edge)}",
            }.get(claim.direction, f"reproduced: ± {claim.tolerance:g}")
            axes.axhspan(*band, color="tab:red", alpha=0.1, label=label)
            axes.set_ylim(min(low, band[0]), max(high, band[1]))
        axes.set_title(f"{claim.id}: {series} ({claim.where})")
    else:
        axes.set_title(series)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    axes.set_xlabel("epoch")
    axes.set_ylabel(series)
    axes.legend(fontsize="small")
    data = _figure_bytes(figure)
    plt.close(figure)
    return write_bytes(path, data)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "claim"


def _section(claims: Claims, key: str, default: str) -> str:
    text = claims.report.get(key, "").strip()
    return text or default


def _code(state: Mapping[str, Any]) -> str:
    commit = state.get("commit")
    if not commit:
        return "code outside git (no commit)"
    text = f"commit `{str(commit)[:12]}`"
    changed = list(state.get("changed") or [])
    if changed:
        shown = ", ".join(f"`{name}`" for name in changed[:5])
        more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        text += f" with uncommitted changes to {shown}{more}"
    elif state.get("dirty"):
        text += " (uncommitted changes)"
    return text


def _same_code(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a.get("fingerprint") and b.get("fingerprint"):
        return a["fingerprint"] == b["fingerprint"]
    return a.get("commit") == b.get("commit") and not a.get("dirty") and not b.get("dirty")


def _provenance(
    environment: Mapping[str, Any], drawn_with: Mapping[str, Any] | None
) -> tuple[str, dict[str, Any]]:
    """Which code trained (every start of the run) and which drew the report: text, record."""
    starts = [dict(s.get("git", {})) for s in environment.get("earlier_starts", [])]
    starts.append(dict(environment.get("git", {})))
    trained = starts[-1]
    drawn = dict(drawn_with) if drawn_with is not None else trained
    same_starts = all(_same_code(start, trained) for start in starts)
    same_drawing = _same_code(drawn, trained)
    lines = [f"Trained with the {_code(trained)}."]
    if not same_starts:
        earlier = "; ".join(_code(start) for start in starts[:-1])
        lines.append(
            f"**The code changed between the starts of this run**: earlier starts ran {earlier}."
        )
    if same_drawing:
        lines.append("Judged and drawn with the same code.")
    else:
        lines.append(f"**Judged and drawn with other code**: the {_code(drawn)}.")
    record = {
        "trained": starts,
        "drawn": drawn,
        "consistent": same_starts and same_drawing and not trained.get("dirty"),
    }
    return " ".join(lines), record


def write_report(
    out_dir: str | Path,
    *,
    title: str,
    profile: str,
    run_dir: Path,
    config: Mapping[str, Any],
    claims: Claims,
    verdicts: Sequence[Verdict],
    seed_metrics: Mapping[int, Mapping[str, float]],
    histories: Mapping[int, list[dict[str, Any]]],
    environment: Mapping[str, Any],
    figures: Sequence[tuple[str, str]] = (),
    seconds: float | None = None,
    changes: Mapping[str, Any] | None = None,
    drawn_with: Mapping[str, Any] | None = None,
) -> Path:
    """Write REPORT.md, metrics.json and the plots into ``out_dir``; returns REPORT.md's path.

    ``figures`` are the experiment's own PNGs in ``out_dir`` as (caption, file name), shown
    first under "Figures"; ``seconds`` is the training time when the histories do not hold it;
    ``changes`` the values that differ from the profile's file (named at the top and under
    the results table); ``drawn_with`` the git state (``git_state``) of the code that judges
    and draws now, compared with the code of every start of the run in ``environment``.
    """
    own_figures = list(figures)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    keys = sorted({k for rows in histories.values() for row in rows for k in row})
    curves: list[tuple[str, str]] = []
    for verdict in verdicts:
        series = curve_metric(verdict.claim, keys)
        if series is None:
            curves.append((verdict.claim.id, ""))
            continue
        name = f"{_slug(verdict.claim.id)}.png"
        plot_claim(out / name, verdict.claim, series, histories)
        curves.append((verdict.claim.id, name))
    if "loss" in keys:
        plot_claim(out / "loss.png", None, "loss", histories)
        curves.append(("training loss", "loss.png"))

    git = environment.get("git", {})
    provenance, code = _provenance(environment, drawn_with)
    tf_info = environment.get("tensorflow", {})
    devices = ", ".join(d.get("name", "?") for d in tf_info.get("devices", [])) or "unknown"
    if seconds is None:
        seconds = sum(row.get("seconds", 0.0) for rows in histories.values() for row in rows)
    counts: dict[str, int] = {}
    for verdict in verdicts:
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    tally = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    claim_list = "\n".join(
        f"- **{c.id}** ({c.where}): {c.description or c.target} — `{c.target}`"
        for c in claims.claims
    )
    config_rows = "\n".join(f"| `{k}` | `{v!r}` |" for k, v in sorted(config.items()))
    metric_names = sorted({m for metrics in seed_metrics.values() for m in metrics})
    seed_rows = "\n".join(
        f"| {seed} | " + " | ".join(_num(seed_metrics[seed].get(m)) for m in metric_names) + " |"
        for seed in sorted(seed_metrics)
    )
    figure_text = "\n\n".join(
        [f"**{caption}**\n\n![{caption}]({name})" for caption, name in own_figures]
        + [
            (
                f"![{cid}]({name})"
                if name
                else f"No learning curve for {cid}: set `curve` in claims.toml."
            )
            for cid, name in curves
            if name or not own_figures  # the experiment's own figures replace the hint
        ]
    )
    settings = (
        f"\n**Not the settings of `configs/{profile}.toml`**: this run changed "
        f"{_changes_text(changes)}.\n"
        if changes
        else ""
    )
    text = f"""# Reproducibility report: {title}

Generated by dlc-common {__version__} from the run `{run_dir}` (profile `{profile}`). Do not
edit: edit claims.toml and run `replicate` again.

{provenance}
{settings}
## Reproducibility summary

### Scope of reproducibility

{_section(claims, "scope", "The claims of the paper tested here:")}

{claim_list}

### Methodology

{_section(claims, "methodology", _METHOD)}
Each claim is judged on the {claims.confidence:.0%} confidence interval (Student's t) of the
mean over {len(seed_metrics)} seeds; see the results below. Compute: {devices};
{seconds / 60:.1f} minutes of training in total.

### Results

{tally}.

{_section(claims, "results", "")}

### What was easy

{_section(claims, "easy", "(to be written)")}

### What was difficult

{_section(claims, "difficult", "(to be written)")}

### Communication with original authors

{_section(claims, "communication", "None.")}

## Results: paper versus replication

{results_table(verdicts, profile, changes)}

{chr(10).join(f"- **{v.claim.id}**: {v.status} — {v.reason}" for v in verdicts)}

### Final metrics per seed

| seed | {" | ".join(metric_names)} |
| --- |{" --- |" * len(metric_names)}
{seed_rows}

## Figures

{figure_text}

## Deviations from the paper

{_section(claims, "deviations", "None recorded.")}

## Hyperparameters (profile `{profile}`)

| key | value |
| --- | --- |
{config_rows}

## Environment

Python {environment.get("python", "?")}, TensorFlow {tf_info.get("version", "?")},
{", ".join(f"{k} {v}" for k, v in sorted(environment.get("packages", {}).items()))};
{environment.get("platform", "?")}. The full record is `environment.json` in the run directory.
"""
    write_json(
        out / "metrics.json",
        {
            "profile": profile,
            "run_dir": str(run_dir),
            "commit": git.get("commit"),
            "dirty": git.get("dirty"),
            "code": code,
            "changes": dict(changes or {}),
            "seeds": {str(s): dict(m) for s, m in seed_metrics.items()},
            "verdicts": [v.as_dict() for v in verdicts],
        },
    )
    return write_text(out / "REPORT.md", text)
