"""Run the benchmarks, print a table of figures beside their baselines, write bench/RESULTS.md.

Usage::

    python -m bench                 # every benchmark with figures (make bench); minutes
    python -m bench --quick         # smaller cases: a few minutes
    python -m bench zonal province  # only modules whose name contains one of the words
    python -m bench allocate --no-write   # print only, keep RESULTS.md

A module ``bench/bench_<name>.py`` takes part in the table when it has ``figures(quick) ->
list[bench.figures.Figure]``; a module with only ``main()`` (bench_score, bench_scaleout)
runs when named and prints its own lines. Each figure is measured beside its baseline in
the same run; the ratio is figure / baseline.

**App hook**: the browser timings (page load, draw -> verdict in headless chromium) come from
`APP_BENCH` = ``bench/bench_app.py``, written on another branch; when that file is present
its ``figures(quick)`` (or ``main()``) runs like any other module, and when it is absent the
table says so.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

from bench.figures import Figure

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "RESULTS.md"
#: The app's browser benchmark (page load, draw -> verdict), another branch's module.
APP_BENCH = "bench_app"
#: Modules of the table, in run order (cheap first); others run when named.
TABLE_ORDER = (
    "bench_zonal",
    "bench_batch_score",
    "bench_allocate",
    "bench_surface",
    APP_BENCH,
    "bench_province",
)
BYTES_PER_GB = 1e9


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("words", nargs="*", help="run modules whose name contains a word")
    parser.add_argument("--quick", action="store_true", help="smaller cases (a few minutes)")
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    return parser.parse_args(argv)


def _selected(words: list[str]) -> list[str]:
    names = sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))
    if not words:
        present = [n for n in TABLE_ORDER if n in names]
        return present + [n for n in names if n not in present and _has_figures(n)]
    return [n for n in names if any(word in n for word in words)]


def _has_figures(name: str) -> bool:
    return hasattr(importlib.import_module(f"bench.{name}"), "figures")


def run(names: list[str], *, quick: bool) -> list[Figure]:
    """Run the modules; return the figures of those that have ``figures``."""
    collected: list[Figure] = []
    for name in names:
        print(f"== {name} ==", flush=True)
        start = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "figures"):
            collected.extend(module.figures(quick))
        else:
            module.main()
        print(f"== {name}: {time.perf_counter() - start:.1f} s in total ==\n", flush=True)
    return collected


def _number(value: float | None) -> str:
    if value is None or value != value:  # None or NaN: not measured
        return "-"
    return f"{value:,.2f}" if abs(value) < 1_000 else f"{value:,.0f}"


def table_rows(figures: list[Figure]) -> list[tuple[str, ...]]:
    """Return the table: figure, value, baseline, baseline value, ratio, target, note."""
    rows = []
    for f in figures:
        ratio = "" if f.ratio is None else f"{f.ratio:.2f}x"
        baseline = "" if f.baseline is None else f"{_number(f.baseline)} {f.unit}"
        rows.append(
            (
                f.what,
                f"{_number(f.value)} {f.unit}",
                f.baseline_what,
                baseline,
                ratio,
                f.target,
                f.note,
            )
        )
    return rows


HEADERS = ("figure", "value", "baseline", "baseline value", "ratio", "target", "note")


def text_table(rows: list[tuple[str, ...]]) -> str:
    """Return the rows as a plain-text table (the note column last, unpadded)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADERS[:-1])]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADERS[:-1], widths, strict=True)) + "  note"]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
        for r in rows
    ]
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """Return what the figures depend on: CPU, cores, memory, load, Python, commit."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        models = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    return {
        "date (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "machine": f"{cpu}; {os.cpu_count()} cores; "
        f"{psutil.virtual_memory().total / BYTES_PER_GB:.1f} GB RAM; {platform.platform()}",
        "python": platform.python_version(),
        "load average at start": " ".join(f"{v:.1f}" for v in os.getloadavg()),
    }


def results_markdown(
    rows: list[tuple[str, ...]], facts: dict[str, str], *, quick: bool, seconds: float
) -> str:
    """Return RESULTS.md: the machine facts, then the table."""
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m bench` (`make bench`); "
        "each figure beside a baseline measured in the same run, ratio = figure / "
        "baseline (below 1: faster or smaller).",
        "",
    ]
    lines += [f"- **{k}**: {v}" for k, v in facts.items()]
    lines += [f"- **mode**: {'--quick' if quick else 'full'}; whole run {seconds:.0f} s", ""]
    lines += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Run the selected benchmarks; print the table; write RESULTS.md for a table run."""
    args = _arguments(argv)
    names = _selected(args.words)
    if not names:
        print(f"no benchmark matches {args.words}")
        return 1
    facts = machine()
    start = time.perf_counter()
    figures = run(names, quick=args.quick)
    if not args.words and APP_BENCH not in names:
        figures.append(
            Figure(
                "app page load, draw -> verdict (headless chromium)",
                float("nan"),
                "s",
                note=f"not measured: bench/{APP_BENCH}.py is not in this checkout",
            )
        )
    rows = table_rows(figures)
    if rows:
        print(text_table(rows))
    if rows and not args.no_write:
        RESULTS.write_text(
            results_markdown(rows, facts, quick=args.quick, seconds=time.perf_counter() - start),
            encoding="utf-8",
        )
        print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
