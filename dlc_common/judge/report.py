# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The replication report: REPORT.md, metrics.json, seeds.csv, the figures, the README table.

REPORT.md follows the ML Reproducibility Challenge report: scope, methodology, results (paper
versus replication), what was easy and difficult, communication with the authors. Its free
text comes from the ``[report]`` table of claims.toml.

A replication is a set of experiments (``dlc_common.run.experiments``), each a set of variants run
over seeds; its results are (experiment id, variant id) → seed → final metrics. The report
shows:

- every claim in one table (``results_table``, also the README's): the paper's target, our
  estimate, its confidence interval and the method of that interval (Student's t for a mean,
  Clopper–Pearson for a rate, order statistics for a median, ...), the verdict;
- per declared experiment, a table shaped like the paper's: a row per variant, a column group
  per claimed metric (our estimate; the paper's target and the verdict where a claim is about
  that cell), then one line per comparison (a claim about one variant versus another);
- figures: per experiment and claimed metric with a history series, one line per variant (the
  mean over seeds, its min–max band shaded); a run without experiments keeps the per-seed
  curves of ``plot_claim``. A strip and box plot of the per-seed values per variant, and the
  training loss;
- the final metrics of every run: collapsed in REPORT.md, in full in ``seeds.csv`` and in
  metrics.json (``results``: ``"experiment/variant"`` → seed → metrics; ``seeds`` as before
  for a run without experiments).

A smoke-test profile (``judge = false``) shows its estimates but marks every claim "not
judged". No TensorFlow; matplotlib is imported only to draw the plots.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlc_common import __version__
from dlc_common.files import write_bytes, write_json, write_text
from dlc_common.judge import claims as _claims
from dlc_common.judge.claims import NOT_JUDGED, Claim, Claims, Verdict
from dlc_common.judge.preregistration import Preregistration, claims_record
from dlc_common.judge.stats import Estimate
from dlc_common.run.experiments import DEFAULT_EXPERIMENT, DEFAULT_VARIANT, Experiment, Variant

__all__ = [
    "README_END",
    "README_START",
    "PlotsUnavailable",
    "curve_metric",
    "plot_claim",
    "plot_seeds",
    "plot_variants",
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
_MARK = {"reproduced": "✅", "not reproduced": "❌", "inconclusive": "❔"}
# How the tables name an interval's method, and how the text explains it.
_METHOD_NAMES = {
    "t": "t",
    "paired t": "paired t",
    "welch": "Welch",
    "clopper-pearson": "Clopper–Pearson",
    "newcombe": "Newcombe",
    "order statistic": "order statistic",
    "bootstrap": "bootstrap",
}
_METHOD_TEXT = {
    "t": "Student's t interval of the mean",
    "paired t": "the paired t interval of the mean difference over the same seeds",
    "welch": "Welch's t interval of a difference of means",
    "clopper-pearson": "the exact Clopper–Pearson interval of the share of seeds that succeed",
    "newcombe": "Newcombe's interval of a difference of two rates",
    "order statistic": "the distribution-free order-statistic interval of a median or quantile",
    "bootstrap": "a percentile bootstrap interval of a difference of medians or quantiles",
}
MAX_METRICS = 6  # the columns of an experiment's table when no claim names its metrics


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


def _shown(verdict: Verdict) -> Estimate | None:
    """The estimate a verdict rests on; a verdict without one (built by hand) its t summary."""
    if verdict.estimate is not None:
        return verdict.estimate
    summary = verdict.summary
    if summary is None:
        return None
    return Estimate(
        summary.mean, summary.low, summary.high, summary.n, "t", summary.confidence, summary.std
    )


def _quantile_name(claim: Claim) -> str:
    if getattr(claim, "statistic", "") == "quantile":
        return f"{getattr(claim, 'quantile_q', 0.5):g}-quantile"
    return "median"


def _successes(shown: Estimate) -> int:
    return round(shown.value * shown.n)


def _replication(shown: Estimate | None, claim: Claim) -> str:
    """The results table's estimate: ``0.95 ± 0.01 (n=3)``, ``5/5 = 1``, ``median 42 (n=9)``."""
    if shown is None:
        return "–"
    value = _num(shown.value)
    std = "" if shown.std is None else f" ± {_num(shown.std, 2)}"
    versus = "" if shown.n_versus is None else f" vs {shown.n_versus}"
    method = shown.method
    if method == "clopper-pearson":
        return f"{_successes(shown)}/{shown.n} = {value}"
    if method == "order statistic":
        return f"{_quantile_name(claim)} {value} (n={shown.n})"
    if method == "paired t":
        return f"difference {value}{std} (n={shown.n}, paired)"
    if method == "newcombe" and shown.note:
        return f"difference {value} ({shown.note.replace(' of ', '/')})"
    if method == "bootstrap":
        return f"difference of {_quantile_name(claim)}s {value} (n={shown.n}{versus})"
    if getattr(claim, "versus", "") or versus:
        return f"difference {value} (n={shown.n}{versus})"
    return f"{value}{std} (n={shown.n})"


def _interval(shown: Estimate | None) -> str:
    """The interval with its level and method: ``95% t: [0.925, 0.975]``; – without one."""
    if shown is None or shown.low is None or shown.high is None:
        return "–"
    method = _METHOD_NAMES.get(shown.method, shown.method)
    text = f"{shown.confidence:.0%} {method}: [{_num(shown.low)}, {_num(shown.high)}]"
    return text + (" (zero variance)" if shown.note == "zero variance" else "")


def _status(verdict: Verdict) -> str:
    if verdict.status == NOT_JUDGED:
        return f"not judged: {verdict.reason}"
    return _SYMBOL.get(verdict.status, verdict.status)


def _mark(verdict: Verdict) -> str:
    """The verdict in a table cell: ✅, ❌, ❔ or "not judged"."""
    return _MARK.get(verdict.status, verdict.status)


def _subject(claim: Claim) -> str:
    """What a claim measures: ``test_accuracy``, ``rate(solved)``, ``median(epochs until ...)``."""
    return getattr(claim, "subject", "") or claim.metric


def _measure(claim: Claim) -> Claim:
    """The claim about a single run: its variant and ``versus`` cleared (older claims as given)."""
    if hasattr(claim, "versus") and dataclasses.is_dataclass(claim):
        return dataclasses.replace(claim, variant="", versus="")
    return claim


def _labels(experiments: Sequence[Experiment]) -> dict[tuple[str, str], str]:
    return {(e.id, v.id): v.label for e in experiments for v in e.variants}


def _claim_key(claim: Claim, experiments: Sequence[Experiment]) -> tuple[str, str]:
    """The (experiment, variant) a claim is about, the only choice filled in."""
    experiment = getattr(claim, "experiment", "") or ""
    if not experiment and len(experiments) == 1:
        experiment = experiments[0].id
    variant = getattr(claim, "variant", "") or ""
    if not variant:
        found = next((e for e in experiments if e.id == experiment), None)
        if found is not None and len(found.variants) == 1:
            variant = found.variants[0].id
    return experiment, variant


def _versus_key(claim: Claim, experiments: Sequence[Experiment]) -> tuple[str, str] | None:
    """The (experiment, variant) of a comparison's other side; None for a plain claim."""
    versus = getattr(claim, "versus", "") or ""
    if not versus:
        return None
    experiment, _, variant = versus.rpartition("/")
    return experiment or _claim_key(claim, experiments)[0], variant


def _name(key: tuple[str, str], labels: Mapping[tuple[str, str], str], home: str) -> str:
    """A variant by its label, prefixed with its experiment when that is not ``home``."""
    label = labels.get(key, key[1])
    return label if key[0] == home else f"{key[0]}/{label}"


def _experiment_cell(
    claim: Claim, experiments: Sequence[Experiment], labels: Mapping[tuple[str, str], str]
) -> str:
    experiment, variant = _claim_key(claim, experiments)
    text = experiment
    if variant and variant != DEFAULT_VARIANT:
        text += f": {labels.get((experiment, variant), variant)}"
    versus = _versus_key(claim, experiments)
    if versus is not None:
        text += f" vs {_name(versus, labels, experiment)}"
    return text


def _legend(verdicts: Sequence[Verdict]) -> list[tuple[str, list[str]]]:
    """The interval methods the verdicts rest on, in order of first use, with their claims."""
    methods: dict[str, list[str]] = {}
    for verdict in verdicts:
        shown = _shown(verdict)
        if shown is not None:
            methods.setdefault(shown.method, []).append(verdict.claim.id)
    return list(methods.items())


def results_table(
    verdicts: Sequence[Verdict],
    profile: str,
    changes: Mapping[str, Any] | None = None,
    experiments: Sequence[Experiment] = (),
) -> str:
    """The results table, paper versus replication, in Markdown.

    One row per claim: the paper's target, our estimate with n, its confidence interval named
    by method, the verdict. When a claim names an experiment other than the implicit ``main``,
    the table groups the claims by experiment in a first column (``experiments``, optional,
    gives the variants' labels). ``changes`` are the run's values that differ from
    ``configs/<profile>.toml``: shown under the table, so that a table from other settings
    never passes for the paper's.
    """
    by_experiment = any(
        getattr(v.claim, "experiment", "") not in ("", DEFAULT_EXPERIMENT) for v in verdicts
    )
    labels = _labels(experiments)
    header = [
        "Claim",
        "Where in the paper",
        "Paper",
        "Replication (estimate, n)",
        "Interval",
        "Verdict",
    ]
    rows = list(verdicts)
    if by_experiment:
        header.insert(0, "Experiment")
        order: dict[str, int] = {}
        for verdict in rows:
            order.setdefault(_claim_key(verdict.claim, experiments)[0], len(order))
        rows.sort(key=lambda v: order[_claim_key(v.claim, experiments)[0]])
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for verdict in rows:
        claim, shown = verdict.claim, _shown(verdict)
        cells = [
            claim.description or claim.id,
            claim.where,
            claim.target,
            _replication(shown, claim),
            _interval(shown),
            _status(verdict),
        ]
        if by_experiment:
            cells.insert(0, _experiment_cell(claim, experiments, labels))
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("")
    legend = "; ".join(_METHOD_TEXT.get(method, method) for method, _ in _legend(verdicts))
    lines.append(
        f"Profile `{profile}`; each verdict rests on the confidence interval in its row, over "
        f"seeds, never on one seed" + (f": {legend}." if legend else ".")
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


def _save_figure(figure: Any, path: Path) -> Path:
    """Write a matplotlib figure as a PNG (atomically) and close it."""
    import matplotlib.pyplot as plt

    data = _figure_bytes(figure)
    plt.close(figure)
    return write_bytes(path, data)


def _pyplot() -> Any:
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")  # no display on clusters and CI
    import matplotlib.pyplot as plt

    return plt


def _mean(curves: Sequence[Mapping[int, float]]) -> tuple[list[int], list[float]]:
    """The mean over seeds of per-epoch values, at the epochs every seed recorded."""
    common = sorted(set.intersection(*(set(c) for c in curves)))
    return common, [sum(c[e] for c in curves) / len(curves) for e in common]


def _band(curves: Sequence[Mapping[int, float]]) -> tuple[list[int], list[float], list[float]]:
    """The minimum and maximum over seeds at the epochs every seed recorded."""
    common = sorted(set.intersection(*(set(c) for c in curves)))
    return (
        common,
        [min(c[e] for c in curves) for e in common],
        [max(c[e] for c in curves) for e in common],
    )


def _curves(histories: Mapping[int, list[dict[str, Any]]], series: str) -> list[dict[int, float]]:
    """Each seed's epoch → value of ``series``, in seed order; seeds without it left out."""
    curves = []
    for _, rows in sorted(histories.items()):
        points = {r["epoch"]: r[series] for r in rows if r.get(series) is not None}
        if points:
            curves.append(points)
    return curves


def _reference(axes: Any, claim: Claim, scale: str, colour: str = "tab:red", who: str = "") -> None:
    """Draw what the paper says on the axes: its value and the band that reproduces it.

    ``scale`` is ``"curve"`` (a history series) or ``"sample"`` (the per-seed values a claim
    is judged on). A rate claim's value is a share of seeds, not on either scale: its
    threshold (``at_least``/``at_most``) is drawn instead, as is a criterion's threshold on a
    curve. A comparison's value is a difference: nothing is drawn.
    """
    if getattr(claim, "versus", ""):
        return
    statistic = getattr(claim, "statistic", "") or "mean"
    criterion = getattr(claim, "criterion", None)
    suffix = f" ({who})" if who else ""
    threshold: tuple[float, str, str] | None = None
    if criterion is not None and scale == "curve":
        op = "≤" if criterion.at_most is not None else "≥"
        threshold = (criterion.threshold, op, "criterion")
    elif statistic == "rate":
        if criterion is not None:
            if criterion.within is None:
                return
            threshold = (float(criterion.within), "≤", "success")
        elif getattr(claim, "at_least", None) is not None:
            threshold = (claim.at_least, "≥", "success")
        elif getattr(claim, "at_most", None) is not None:
            threshold = (claim.at_most, "≤", "success")
        else:
            return
    if threshold is not None:
        value, op, what = threshold
        axes.axhline(value, color=colour, linestyle=":", label=f"{what}{suffix}: {op} {value:g}")
        return
    axes.axhline(claim.value, color=colour, linestyle="--", label=f"paper{suffix}: {claim.value:g}")
    if claim.tolerance or claim.direction != "equal":
        low, high = axes.get_ylim()
        edge = {"higher": -1.0, "lower": 1.0}.get(claim.direction, 0.0) * claim.tolerance
        # A one-sided claim accepts everything on its side of the edge, not a ± band.
        band = {
            "higher": (claim.value + edge, max(high, claim.value + edge)),
            "lower": (min(low, claim.value + edge), claim.value + edge),
        }.get(claim.direction, (claim.value - claim.tolerance, claim.value + claim.tolerance))
        label = {
            "higher": f"reproduced{suffix}: ≥ {_num(claim.value + edge)}",
            "lower": f"reproduced{suffix}: ≤ {_num(claim.value + edge)}",
        }.get(claim.direction, f"reproduced{suffix}: ± {claim.tolerance:g}")
        axes.axhspan(*band, color=colour, alpha=0.1, label=label)
        axes.set_ylim(min(low, band[0]), max(high, band[1]))


def plot_claim(
    path: Path, claim: Claim | None, series: str, histories: Mapping[int, list[dict[str, Any]]]
) -> Path:
    """Draw one metric's learning curves over seeds, with the paper's value as a reference."""
    plt = _pyplot()
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
    others = _curves(histories, twin) if twin in keys else []
    if others:
        axes.plot(*_mean(others), color="black", linewidth=1.5, linestyle=":", label=f"mean {twin}")
    if claim is not None:
        _reference(axes, claim, "curve")
        axes.set_title(f"{claim.id}: {series} ({claim.where})")
    else:
        axes.set_title(series)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    axes.set_xlabel("epoch")
    axes.set_ylabel(series)
    axes.legend(fontsize="small")
    return _save_figure(figure, path)


def plot_variants(
    path: Path,
    series: str,
    variants: Sequence[tuple[str, Mapping[int, list[dict[str, Any]]]]],
    references: Sequence[tuple[Claim, str]] = (),
    title: str = "",
) -> Path:
    """Draw one series for each variant: the mean over seeds, the min–max band shaded.

    ``variants`` are (label, seed → history rows) in the order of the paper's table;
    ``references`` (claim, the label of the variant it is about, "" for none) draw the paper's
    values in the colour of their variant.
    """
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    figure, axes = plt.subplots(figsize=(6, 4))
    colours: dict[str, str] = {}
    for index, (label, histories) in enumerate(variants):
        colour = colours[label] = f"C{index % 10}"
        curves = _curves(histories, series)
        if not curves:
            continue
        epochs, mean = _mean(curves)
        seeds = "1 seed" if len(curves) == 1 else f"mean of {len(curves)} seeds"
        axes.plot(epochs, mean, color=colour, linewidth=2, label=f"{label} ({seeds})")
        if len(curves) > 1:
            _, low, high = _band(curves)
            axes.fill_between(epochs, low, high, color=colour, alpha=0.2, linewidth=0)
    for claim, label in references:
        _reference(axes, claim, "curve", colours.get(label, "tab:red"), label)
    axes.set_title(f"{title or series}\n(shaded: minimum to maximum over seeds)", fontsize="medium")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("epoch")
    axes.set_ylabel(series)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize="small")
    return _save_figure(figure, path)


def plot_seeds(
    path: Path,
    variants: Sequence[tuple[str, Sequence[float]]],
    ylabel: str,
    references: Sequence[tuple[Claim, str]] = (),
    title: str = "",
) -> Path:
    """Draw the per-seed values of each variant: a box plot with every seed as a point.

    ``variants`` are (label, the per-seed values in seed order); values that are not finite
    (a criterion never reached) are counted under the label. ``references`` as in
    ``plot_variants``, on the scale of the values.
    """
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(max(4.0, 1.3 * len(variants) + 2.0), 4))
    colours: dict[str, str] = {}
    ticks = []
    for position, (label, values) in enumerate(variants, start=1):
        colour = colours[label] = f"C{(position - 1) % 10}"
        finite = [v for v in values if math.isfinite(v)]
        if len(finite) >= 2 and not set(finite) <= {0.0, 1.0}:  # no box for a 0/1 outcome
            axes.boxplot(
                [finite],
                positions=[position],
                widths=0.5,
                showfliers=False,
                medianprops={"color": colour},
            )
        if finite:
            step = 0.3 / (len(finite) - 1) if len(finite) > 1 else 0.0
            xs = [
                position - (0.15 if len(finite) > 1 else 0.0) + step * i for i in range(len(finite))
            ]
            axes.scatter(xs, finite, color=colour, s=18, zorder=3)
        never = len(values) - len(finite)
        ticks.append(f"{label}\n({never} not finite)" if never else label)
    axes.set_xticks(range(1, len(variants) + 1), ticks)
    if len(variants) > 3:
        axes.tick_params(axis="x", labelrotation=20)
    for claim, label in references:
        _reference(axes, claim, "sample", colours.get(label, "tab:red"), label)
    axes.set_title(f"{title or ylabel}\n(one point per seed)", fontsize="medium")
    axes.set_ylabel(ylabel)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize="small")
    return _save_figure(figure, path)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "claim"


def _unique(name: str, used: set[str]) -> str:
    """``name`` (a PNG file name), or ``name-2.png``, ... when it is taken."""
    stem, n = name[: -len(".png")], 2
    while name in used:
        name, n = f"{stem}-{n}.png", n + 1
    used.add(name)
    return name


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


Results = Mapping[tuple[str, str], Mapping[int, Mapping[str, float]]]
Histories = Mapping[tuple[str, str], Mapping[int, list[dict[str, Any]]]]


@dataclass(frozen=True)
class _Placed:
    """A verdict with the (experiment, variant) of its claim and of its ``versus``."""

    verdict: Verdict
    key: tuple[str, str]
    versus: tuple[str, str] | None

    @property
    def claim(self) -> Claim:
        return self.verdict.claim


def _implied(results: Results) -> list[Experiment]:
    """The experiments behind results when the caller names none (one implicit if so)."""
    keys = sorted(results)
    if not keys or keys == [(DEFAULT_EXPERIMENT, DEFAULT_VARIANT)]:
        seeds = sorted(results.get((DEFAULT_EXPERIMENT, DEFAULT_VARIANT), {}))
        variant = Variant(DEFAULT_VARIANT, DEFAULT_VARIANT)
        return [Experiment(DEFAULT_EXPERIMENT, "", "", "experiment", seeds, [variant], True)]
    experiments: dict[str, list[str]] = {}
    for experiment, variant in keys:
        experiments.setdefault(experiment, []).append(variant)
    return [
        Experiment(
            ident,
            "",
            "",
            "experiment",
            sorted({s for v in variants for s in results[(ident, v)]}),
            [Variant(v, v) for v in variants],
        )
        for ident, variants in experiments.items()
    ]


def _sample_of(
    claim: Claim,
    metrics: Mapping[int, Mapping[str, float]],
    history: Mapping[int, list[dict[str, Any]]],
) -> dict[int, float]:
    """The per-seed values a claim about one run is judged on (``claims.per_seed``)."""
    per_seed = getattr(_claims, "per_seed", None)
    if per_seed is not None:
        try:
            return per_seed(claim, metrics, history)
        except ValueError:  # a history without the criterion's count: no estimate shown
            return {}
    return {
        seed: float(m[claim.metric])
        for seed, m in metrics.items()
        if isinstance(m.get(claim.metric), (int, float)) and not isinstance(m[claim.metric], bool)
    }


def _estimate_for(claim: Claim, sample: Mapping[int, float], confidence: float) -> Estimate | None:
    """Our estimate of a claim's statistic from a sample, as the claims module computes it."""
    if not sample:
        return None
    values: Any = dict(sample) if hasattr(_claims, "per_seed") else list(sample.values())
    try:
        return _shown(_claims.judge(claim, values, confidence, judged=False))
    except (ValueError, ArithmeticError):  # for example a rate of values that are not 0/1
        return None


def _value_cell(shown: Estimate | None, claim: Claim) -> str:
    """An experiment table's cell: ``0.912 ± 0.01 (n=5)``, ``5/5 = 1 [0.478, 1]``, ..."""
    if shown is None:
        return "–"
    bracket = "" if shown.low is None else f" [{_num(shown.low)}, {_num(shown.high)}]"
    if shown.method == "clopper-pearson":
        return f"{_successes(shown)}/{shown.n} = {_num(shown.value)}{bracket}"
    if shown.method == "order statistic":
        return f"{_quantile_name(claim)} {_num(shown.value)}{bracket} (n={shown.n})"
    return _replication(shown, claim)


def _paper_cell(claim: Claim) -> str:
    """The claim's target without its subject: ``≥ 0.9 − 0.05``."""
    target, subject = claim.target, _subject(claim)
    return target[len(subject) :].strip() if target.startswith(subject) else target


def _difference(shown: Estimate | None) -> str:
    if shown is None:
        return "no estimate"
    bracket = "" if shown.low is None else f" [{_num(shown.low)}, {_num(shown.high)}]"
    n = f"n={shown.n}"
    if shown.n_versus is not None and shown.n_versus != shown.n:
        n += f" vs {shown.n_versus}"
    method = _METHOD_NAMES.get(shown.method, shown.method)
    return f"difference {_num(shown.value)}{bracket} ({method}, {n})"


def _heading(experiment: Experiment) -> str:
    text = f"### {experiment.id}"
    if experiment.where:
        text += f": {experiment.where}"
    if experiment.description:
        text += f" — {experiment.description}"
    return text


def _experiment_section(
    experiment: Experiment,
    placed: Sequence[_Placed],
    results: Results,
    histories: Histories,
    confidence: float,
    labels: Mapping[tuple[str, str], str],
) -> str:
    """One experiment in the shape of the paper's table, then its comparisons."""
    mine = [p for p in placed if p.key[0] == experiment.id]
    measures: dict[str, Claim] = {}
    for p in mine:
        measure = _measure(p.claim)
        measures.setdefault(_subject(measure), measure)
    claimed, more = set(measures), ""
    if not measures:
        names = sorted(
            {
                name
                for v in experiment.variants
                for metrics in results.get((experiment.id, v.id), {}).values()
                for name in metrics
            }
        )
        measures = {n: Claim(n, n, 0.0, 0.0, "higher", "") for n in names[:MAX_METRICS]}
        if len(names) > MAX_METRICS:
            more = f"\n\nThe first {MAX_METRICS} of {len(names)} metrics; all are in seeds.csv."
    header = ["Variant"]
    for subject in measures:
        header += [subject, "paper"] if subject in claimed else [subject]
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + " --- |" * len(header)]
    for variant in experiment.variants:
        key = (experiment.id, variant.id)
        cells = [variant.label]
        for subject, measure in measures.items():
            on_cell = [
                p.verdict
                for p in mine
                if p.versus is None and p.key == key and _subject(_measure(p.claim)) == subject
            ]
            if on_cell:
                shown = _shown(on_cell[0])
            else:
                sample = _sample_of(measure, results.get(key, {}), histories.get(key, {}))
                shown = _estimate_for(measure, sample, confidence)
            cells.append(_value_cell(shown, measure))
            if subject in claimed:
                cells.append("; ".join(f"{_paper_cell(v.claim)} {_mark(v)}" for v in on_cell))
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    comparisons = []
    for p in mine:
        if p.versus is None:
            continue
        measure = _measure(p.claim)
        comparisons.append(
            f"- **{p.claim.id}** (paper: difference {_paper_cell(measure)}): "
            f"{labels.get(p.key, p.key[1])} vs {_name(p.versus, labels, experiment.id)} on "
            f"{_subject(measure)}: {_difference(_shown(p.verdict))}: {_status(p.verdict)}"
        )
    text = f"{_heading(experiment)}\n\n" + "\n".join(lines) + more
    return text + ("\n\n" + "\n".join(comparisons) if comparisons else "")


def _seed_section(experiments: Sequence[Experiment], results: Results, implicit: bool) -> str:
    """The final metrics of every run, one table per experiment, collapsed."""
    tables, runs = [], 0
    for experiment in experiments:
        keys = [(experiment.id, v.id) for v in experiment.variants]
        names = sorted(
            {m for k in keys for metrics in results.get(k, {}).values() for m in metrics}
        )
        first = [] if implicit else ["variant"]
        header = [*first, "seed", *names]
        lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        for variant, key in zip(experiment.variants, keys, strict=True):
            for seed, metrics in sorted(results.get(key, {}).items()):
                runs += 1
                cells = [] if implicit else [_cell(variant.label)]
                cells += [str(seed), *(_num(metrics.get(m)) for m in names)]
                lines.append("| " + " | ".join(cells) + " |")
        title = "" if implicit else f"**{experiment.id}**\n\n"
        tables.append(title + "\n".join(lines))
    return (
        f"<details><summary>Final metrics per seed ({runs} runs)</summary>\n\n"
        + "\n\n".join(tables)
        + "\n\n</details>"
    )


def _seeds_csv(results: Results) -> str:
    """Every run's final metrics: experiment, variant, seed, then the metrics sorted."""
    names = sorted({m for by_seed in results.values() for ms in by_seed.values() for m in ms})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["experiment", "variant", "seed", *names])
    for experiment, variant in sorted(results):
        for seed, metrics in sorted(results[(experiment, variant)].items()):
            row = [experiment, variant, seed]
            writer.writerow(row + [metrics.get(m, "") for m in names])
    return buffer.getvalue()


def _runs_text(experiments: Sequence[Experiment], results: Results, implicit: bool) -> str:
    """How many runs: ``5 seeds`` or ``lengths: 4 variants × 3 seeds; ... (15 runs)``."""

    def seeds(counts: Sequence[int]) -> str:
        low, high = min(counts), max(counts)
        return (
            f"{low} seed" if high == low == 1 else f"{low}{'' if low == high else f'–{high}'} seeds"
        )

    if implicit:
        experiment = experiments[0]
        n = len(results.get((experiment.id, experiment.variants[0].id), {}))
        return seeds([n or len(experiment.seeds)])
    parts, total = [], 0
    for experiment in experiments:
        counts = [len(results.get((experiment.id, v.id), {})) for v in experiment.variants]
        counts = [c for c in counts if c]
        if not counts:
            parts.append(f"{experiment.id} not run")
            continue
        total += sum(counts)
        variants = "1 variant" if len(counts) == 1 else f"{len(counts)} variants"
        parts.append(f"{experiment.id}: {variants} × {seeds(counts)}")
    return "; ".join(parts) + f" ({total} runs)"


def _methods_text(verdicts: Sequence[Verdict]) -> str:
    """The intervals the verdicts rest on, each with its claims."""
    legend = _legend(verdicts)
    if not legend:
        return "the interval its statistic calls for (none computed in this run)"
    return "; ".join(
        f"{_METHOD_TEXT.get(method, method)} ({', '.join(ids)})" for method, ids in legend
    )


def _figures(
    out: Path,
    experiments: Sequence[Experiment],
    placed: Sequence[_Placed],
    results: Results,
    histories: Histories,
    implicit: bool,
) -> dict[str, list[tuple[str, str]]]:
    """Draw every experiment's figures; experiment id → (caption, file name or "" for none)."""
    labels = _labels(experiments)
    used: set[str] = set()
    drawn: dict[str, list[tuple[str, str]]] = {}
    for experiment in experiments:
        figures = drawn[experiment.id] = []
        mine = [p for p in placed if p.key[0] == experiment.id]
        keys = [(experiment.id, v.id) for v in experiment.variants]
        by_variant = [
            (v.label, histories.get((experiment.id, v.id), {})) for v in experiment.variants
        ]
        series_keys = sorted(
            {name for _, h in by_variant for rows in h.values() for row in rows for name in row}
        )
        references = [
            (p.claim, "" if implicit else labels.get(p.key, p.key[1]))
            for p in mine
            if p.versus is None
        ]
        if implicit:
            for p in mine:
                series = curve_metric(p.claim, series_keys)
                if series is None:
                    figures.append((p.claim.id, ""))
                    continue
                name = _unique(f"{_slug(p.claim.id)}.png", used)
                plot_claim(out / name, p.claim, series, by_variant[0][1])
                figures.append((p.claim.id, name))
        else:
            metrics: dict[str, str] = {}  # metric → series, in the order of the claims
            for p in mine:
                series = curve_metric(p.claim, series_keys)
                if series is None:
                    figures.append((p.claim.id, ""))
                elif series not in metrics.values():
                    metrics.setdefault(p.claim.metric, series)
            for metric, series in metrics.items():
                name = _unique(f"{_slug(f'{experiment.id}-{metric}')}.png", used)
                shown = [(c, w) for c, w in references if curve_metric(c, series_keys) == series]
                title = f"{experiment.id}: {series}" + (
                    f" ({experiment.where})" if experiment.where else ""
                )
                plot_variants(out / name, series, by_variant, shown, title)
                figures.append((f"{experiment.id}: {series} per variant", name))
        many = any(len(results.get(k, {})) > 1 for k in keys)
        samples: dict[str, Claim] = {}  # what is plotted per seed → the first claim on it
        for p in mine if many else ():
            measure = _measure(p.claim)
            criterion = getattr(measure, "criterion", None)
            what = measure.metric
            if criterion is not None:
                what = f"{criterion.count}s until {criterion.condition(measure.metric)}"
            samples.setdefault(what, measure)
        for what, measure in samples.items():
            values = []
            for variant, key in zip(experiment.variants, keys, strict=True):
                sample = _sample_of(measure, results.get(key, {}), histories.get(key, {}))
                if sample:
                    values.append((variant.label, [sample[s] for s in sorted(sample)]))
            if not values:
                continue
            stem = f"{experiment.id}-{measure.metric}"
            name = _unique(f"{_slug(stem)}-seeds.png", used)
            same = [(c, w) for c, w in references if _same_sample(c, measure)]
            prefix = "" if implicit else f"{experiment.id}: "
            plot_seeds(out / name, values, what, same, f"{prefix}{what}")
            figures.append((f"{prefix}{what} per seed", name))
        if "loss" in series_keys:
            if implicit:
                name = _unique("loss.png", used)
                plot_claim(out / name, None, "loss", by_variant[0][1])
                figures.append(("training loss", name))
            else:
                name = _unique(f"{_slug(experiment.id)}-loss.png", used)
                plot_variants(out / name, "loss", by_variant, (), f"{experiment.id}: training loss")
                figures.append((f"{experiment.id}: training loss", name))
    return drawn


def _same_sample(a: Claim, b: Claim) -> bool:
    """Whether two claims are judged on the same per-seed values (metric and criterion)."""
    return a.metric == b.metric and getattr(a, "criterion", None) == getattr(b, "criterion", None)


def _hyperparameters(
    config: Mapping[str, Any], experiments: Sequence[Experiment], implicit: bool
) -> str:
    """The profile's values as a table, then what each experiment and variant changes."""
    rows = [
        f"| `{k}` | `{v!r}` |"
        for k, v in sorted(config.items())
        if not k.startswith("experiments.")
    ]
    lines = ["| key | value |", "| --- | --- |", *rows]
    if implicit:
        return "\n".join(lines)
    lines += ["", "Each experiment's variants change these values (and run on its seeds):", ""]
    for experiment in experiments:
        seeds = experiment.seeds
        shown = f"{len(seeds)} seeds ({seeds[0]} to {seeds[-1]})" if seeds else "no seeds"
        if seeds and seeds != list(range(seeds[0], seeds[-1] + 1)):
            shown = f"{len(seeds)} seeds {seeds}"
        lines.append(f"- **{experiment.id}** ({experiment.where or 'no where given'}), {shown}:")
        for variant in experiment.variants:
            values = ", ".join(f"`{k}={v!r}`" for k, v in variant.values.items()) or "no change"
            lines.append(f"  - {variant.label}: {values}")
    return "\n".join(lines)


def _cpu_text(environment: dict[str, Any]) -> str:
    """', AMD EPYC 9B14 (2 cores; avx2)': the CPU, whose kernels set the last bits."""
    cpu = environment.get("cpu") or {}
    if not isinstance(cpu, dict) or not cpu.get("model"):
        return ""
    flags = ", ".join(str(f) for f in cpu.get("flags") or [] if str(f).startswith("avx"))
    cores = environment.get("cpu_count")
    inside = "; ".join(x for x in (f"{cores} cores" if cores else "", flags) if x)
    return f", {cpu['model']}" + (f" ({inside})" if inside else "")


def _changed_mark(verdict: Verdict, preregistration: Preregistration | None) -> str:
    """Beside a verdict: the claim changed after the first paper run that judged it."""
    change = None if preregistration is None else preregistration.change(verdict.claim.id)
    if change is None:
        return ""
    return f" — ⚠️ **changed after the first paper run**: {change.describe()}"


def _preregistration_section(
    claims: Claims, verdicts: Sequence[Verdict], preregistration: Preregistration | None
) -> str:
    """The "Pre-registration" paragraph: the claims unchanged since first judged, or not."""
    if preregistration is None:
        return ""
    ids = [v.claim.id for v in verdicts]
    changed = [c for c in preregistration.changes if c.claim in ids]
    removed = [c for c in preregistration.changes if c.removed]
    firsts: dict[str, list[str]] = {}
    for claim_id in ids:
        if preregistration.change(claim_id) is None:
            first = preregistration.first_judged.get(claim_id) or ""
            firsts.setdefault(first, []).append(f"`{claim_id}`")
    never = firsts.pop("", [])
    lines = []
    if not changed and not removed:
        lines.append(
            f"Every claim's value, tolerance, direction and the other fields that decide its "
            f"verdict are as they were when a paper-profile run first judged it (claims "
            f"fingerprint `{str(preregistration.current.get('fingerprint', ''))[:12]}`)."
        )
    else:
        lines.append(
            f"**{len(changed)} of {len(ids)} claims changed after the first paper-profile run "
            "that judged them**, so their verdicts are not pre-registered (the run records in "
            "runs/ and the git history of claims.toml and report/metrics.json show it):"
        )
        lines += [f"- `{c.claim}`: {c.describe()}" for c in changed]
        lines += [f"- `{c.claim}` (no longer judged): {c.describe()}" for c in removed]
    if firsts:
        lines.append(
            ("Unchanged since first judged" if changed or removed else "First judged")
            + ": "
            + "; ".join(f"{', '.join(names)} by the {first}" for first, names in firsts.items())
            + "."
        )
    if never:
        lines.append(
            f"Not judged by a paper-profile run yet (no result shown): {', '.join(never)}."
        )
    if preregistration.notes:
        lines.append("Skipped in the history: " + "; ".join(preregistration.notes) + ".")
    own = claims.report.get("preregistration", "").strip()
    if own:
        lines.append(own)
    return "\n### Pre-registration\n\n" + "\n\n".join(lines) + "\n"


def _preregistration_record(
    claims: Claims, verdicts: Sequence[Verdict], preregistration: Preregistration | None
) -> dict[str, Any]:
    """metrics.json's record: the judged claims' fingerprints and fields, and the changes."""
    ids = [v.claim.id for v in verdicts]
    if preregistration is not None and preregistration.current.get("claims"):
        current = preregistration.current["claims"]
        judged = {k: current[k] for k in ids if k in current}
        record: dict[str, Any] = {
            "fingerprint": preregistration.current.get("fingerprint"),
            "claims": judged,
        }
    else:  # no claims.toml read: the claims as judged (resolved)
        record = claims_record(claims, ids)
    if preregistration is not None:
        record["changes"] = [
            {
                "claim": c.claim,
                "fields": {k: list(v) for k, v in c.fields.items()},
                "first_judged": c.first_judged,
                "changed_in": list(c.changed_in),
                "removed": c.removed,
            }
            for c in preregistration.changes
        ]
        record["notes"] = list(preregistration.notes)
    return record


def write_report(
    out_dir: str | Path,
    *,
    title: str,
    profile: str,
    run_dir: Path,
    config: Mapping[str, Any],
    claims: Claims,
    verdicts: Sequence[Verdict],
    experiments: Sequence[Experiment],
    results: Results,
    histories: Histories,
    environment: Mapping[str, Any],
    figures: Sequence[tuple[str, str]] = (),
    seconds: float | None = None,
    changes: Mapping[str, Any] | None = None,
    drawn_with: Mapping[str, Any] | None = None,
    incomplete: Sequence[str] = (),
    preregistration: Preregistration | None = None,
) -> Path:
    """Write REPORT.md, metrics.json, seeds.csv and the plots into ``out_dir``; REPORT.md's path.

    ``experiments`` are the run's experiments (``experiments.plan``; empty: implied by the
    keys of ``results``), ``results`` their final metrics, (experiment id, variant id) → seed
    → metric → value, and ``histories`` the same keys → seed → history rows (``epoch`` and the
    series). A single implicit experiment gives the report of a run without experiments.
    ``figures`` are the experiments' own PNGs in ``out_dir`` as (caption, file name), shown
    first under "Figures"; ``seconds`` is the training time when the histories do not hold it;
    ``changes`` the values that differ from the profile's file (named at the top and under
    the results table); ``drawn_with`` the git state (``git_state``) of the code that judges
    and draws now, compared with the code of every start of the run in ``environment``;
    ``incomplete`` the tasks of the run without metrics (a partial report says so first);
    ``preregistration`` what the history says about the claims (``preregistration.
    preregistration``): each claim changed after its first paper-profile judging is marked
    beside its verdict, and a "Pre-registration" paragraph sums it up.
    """
    own_figures = list(figures)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    experiments = list(experiments) or _implied(results)
    implicit = len(experiments) == 1 and experiments[0].implicit
    labels = _labels(experiments)
    placed = [
        _Placed(v, _claim_key(v.claim, experiments), _versus_key(v.claim, experiments))
        for v in verdicts
    ]
    drawn = _figures(out, experiments, placed, results, histories, implicit)

    git = environment.get("git", {})
    provenance, code = _provenance(environment, drawn_with)
    tf_info = environment.get("tensorflow", {})
    devices = ", ".join(d.get("name", "?") for d in tf_info.get("devices", [])) or "unknown"
    if seconds is None:
        seconds = sum(
            row.get("seconds", 0.0)
            for by_seed in histories.values()
            for rows in by_seed.values()
            for row in rows
        )
    counts: dict[str, int] = {}
    for verdict in verdicts:
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    tally = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    claim_list = "\n".join(
        f"- **{c.id}** ({c.where}): {c.description or c.target} — `{c.target}`"
        for c in claims.claims
    )
    config_rows = _hyperparameters(config, experiments, implicit)
    results_parts = [
        results_table(verdicts, profile, changes, experiments),
        "\n".join(
            f"- **{v.claim.id}**: {v.status} — {v.reason}{_changed_mark(v, preregistration)}"
            for v in verdicts
        ),
    ]
    if not implicit:
        results_parts += [
            _experiment_section(e, placed, results, histories, claims.confidence, labels)
            for e in experiments
        ]
    results_parts.append(_seed_section(experiments, results, implicit))
    figure_parts = [f"**{caption}**\n\n![{caption}]({name})" for caption, name in own_figures]
    for experiment in experiments:
        items = [
            (
                f"![{caption}]({name})"
                if name
                else f"No learning curve for {caption}: set `curve` in claims.toml."
            )
            for caption, name in drawn[experiment.id]
            if name or not own_figures  # the experiment's own figures replace the hint
        ]
        if items and not implicit:
            figure_parts.append(f"### {experiment.id}")
        figure_parts += items
    settings = (
        f"\n**Not the settings of `configs/{profile}.toml`**: this run changed "
        f"{_changes_text(changes)}.\n"
        if changes
        else ""
    )
    if incomplete:
        names = ", ".join(f"`{name}`" for name in incomplete[:20])
        more = f" and {len(incomplete) - 20} more" if len(incomplete) > 20 else ""
        settings += (
            f"\n**Incomplete run**: {len(incomplete)} task(s) had no metrics when this report "
            f"was drawn ({names}{more}); the verdicts below judge the finished tasks only.\n"
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
Each claim is judged on a {claims.confidence:.0%} confidence interval over seeds, never on one
seed: {_methods_text(verdicts)}; see the results below. Runs:
{_runs_text(experiments, results, implicit)}. Compute: {devices}; {seconds / 60:.1f} minutes of
training in total.
{_preregistration_section(claims, verdicts, preregistration)}
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

{chr(10).join(part + chr(10) for part in results_parts if part)}
## Figures

{chr(10).join(part + chr(10) for part in figure_parts)}
## Deviations from the paper

{_section(claims, "deviations", "None recorded.")}

## Hyperparameters (profile `{profile}`)

{config_rows}

## Environment

Python {environment.get("python", "?")}, TensorFlow {tf_info.get("version", "?")},
{", ".join(f"{k} {v}" for k, v in sorted(environment.get("packages", {}).items()))};
{environment.get("platform", "?")}{_cpu_text(environment)}. The full record is `environment.json` in
the run directory.
"""
    write_text(out / "seeds.csv", _seeds_csv(results))
    record: dict[str, Any] = {
        "profile": profile,
        "run_dir": str(run_dir),
        "commit": git.get("commit"),
        "dirty": git.get("dirty"),
        "code": code,
        "changes": dict(changes or {}),
        "experiments": [
            {
                "id": e.id,
                "where": e.where,
                "description": e.description,
                "seeds": list(e.seeds),
                "variants": [
                    {"id": v.id, "label": v.label, "values": v.values} for v in e.variants
                ],
            }
            for e in experiments
        ],
        "results": {
            f"{e}/{v}": {str(s): dict(m) for s, m in sorted(by_seed.items())}
            for (e, v), by_seed in sorted(results.items())
        },
        "verdicts": [v.as_dict() for v in verdicts],
        "preregistration": _preregistration_record(claims, verdicts, preregistration),
    }
    if incomplete:
        record["incomplete"] = list(incomplete)
    if implicit:
        key = (experiments[0].id, experiments[0].variants[0].id)
        record["seeds"] = {str(s): dict(m) for s, m in results.get(key, {}).items()}
    write_json(out / "metrics.json", record)
    return write_text(out / "REPORT.md", text)
