"""Run every ``bench/bench_*.py`` module's ``main()`` in name order and print its figures.

Usage: ``python -m bench`` (all) or ``python -m bench allocate`` (modules whose name contains
one of the given words).
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    """Run the selected benchmark modules; return the process exit code."""
    names = sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))
    selected = [name for name in names if not argv or any(word in name for word in argv)]
    if not selected:
        print(f"no benchmark matches {argv}; available: {', '.join(names)}")
        return 1
    for name in selected:
        print(f"== {name} ==", flush=True)
        start = time.perf_counter()
        importlib.import_module(f"bench.{name}").main()
        print(f"== {name}: {time.perf_counter() - start:.1f} s in total ==\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
