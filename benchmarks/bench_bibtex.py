# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Time to read a BibTeX export of 360, 3,600 and 36,000 entries, and the ratios between them.

The exports are the program's DLC.bib (360 entries) repeated with fresh keys. Reading is
linear when each tenfold size costs about ten times as long (a quadratic reader: a hundred
times). Prints the best of a few runs of ``read_bibtex`` and of naming the last entry. Run with
``nox -s bench`` or ``python benchmarks/bench_bibtex.py [--bib DLC.bib] [--repeats N]``; no
figure here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from dlc_common.make.bibtex import find_entry, read_bibtex
from dlc_common.make.naming import name_from_entry

ROOT = Path(__file__).resolve().parents[1]
DLC_BIB = ROOT.parent / "shared" / "data" / "DLC.bib"
SIZES = (360, 3_600, 36_000)


def repeated_export(source: str, entries: int) -> str:
    """``source`` repeated until it has ``entries`` entries, each copy's keys made fresh."""
    # Every key of a Paperpile export starts a line: "@ARTICLE{Key," becomes "@ARTICLE{Key-N,".
    marked = re.sub(r"^(@\w+\{[^,\s]+),", "\\1-\x00,", source, flags=re.M)
    starts = [m.start() for m in re.finditer(r"^@", marked, re.M)]
    copies, rest = divmod(entries, len(starts))
    text = "".join(marked.replace("\x00", str(n)) for n in range(copies))
    return text + marked[: starts[rest] if rest else 0].replace("\x00", str(copies))


def best_seconds(path: Path, repeats: int) -> tuple[float, int, str]:
    """Best wall time of reading ``path`` and naming its last entry; entries; that name."""
    times, count, name = [], 0, ""
    for _ in range(repeats):
        start = time.perf_counter()
        entries = read_bibtex(path)
        name = name_from_entry(find_entry(entries, "Ororbia2017-rq-0", str(path)))
        times.append(time.perf_counter() - start)
        count = len(entries)
    return min(times), count, name


def main() -> None:
    """Print the reading time per size and the ratio to the size ten times smaller."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bib", type=Path, default=DLC_BIB, help="the export to repeat")
    parser.add_argument("--repeats", type=int, default=3)
    args, _ = parser.parse_known_args()  # nox -s bench passes its arguments to every script
    if not args.bib.is_file():
        raise SystemExit(f"{args.bib}: no such BibTeX file; give the export with --bib FILE")
    source = args.bib.read_text("utf-8-sig")
    previous = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            path = Path(tmp) / f"{size}.bib"
            path.write_text(repeated_export(source, size), "utf-8")
            seconds, count, name = best_seconds(path, args.repeats)
            megabytes = path.stat().st_size / 1e6
            line = (
                f"read_bibtex, {count:>6,} entries ({megabytes:5.1f} MB) {seconds:7.3f} s"
                f"  ({seconds / count * 1e6:5.1f} us/entry)"
            )
            if previous is not None:
                line += f"   {seconds / previous:5.1f} x the time of 10 x fewer (linear: 10)"
            print(line + f"   -> {name}")
            previous = seconds


if __name__ == "__main__":
    main()
