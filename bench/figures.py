"""One measured figure of a benchmark, beside the baseline measured in the same run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import psutil

T = TypeVar("T")
#: How often the memory sampler reads the resident sizes (s).
SAMPLE_S = 0.05
BYTES_PER_GB = 1e9


@dataclass(frozen=True)
class Figure:
    """``value`` (in ``unit``) of ``what``, and the ``baseline`` it is compared with.

    ``ratio`` is value / baseline (below 1: faster or smaller than the baseline); ``target``
    states the issue's goal when there is one, ``note`` what was measured.
    """

    what: str
    value: float
    unit: str
    baseline_what: str = ""
    baseline: float | None = None
    target: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / baseline, None without a baseline."""
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """Return ``call()`` and its wall time (s)."""
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def tree_rss_bytes(process: psutil.Process) -> int:
    """Return the resident size of ``process`` plus all its descendants (bytes)."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:  # a worker that just ended
            continue
    return total


def measured(call: Callable[[], T]) -> tuple[T, float, float]:
    """Return ``call()``, its wall time (s) and the peak resident size (GB) while it ran.

    The peak is the largest sum of resident sizes of this process and its descendants (dask
    worker processes included), sampled every `SAMPLE_S` seconds.
    """
    process = psutil.Process()
    peak = [tree_rss_bytes(process)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_S):
            peak[0] = max(peak[0], tree_rss_bytes(process))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result, seconds = timed(call)
    finally:
        done.set()
        sampler.join()
    return result, seconds, peak[0] / BYTES_PER_GB
