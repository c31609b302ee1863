"""The suitability surface computed window by window on a dask.distributed cluster.

Each full-width window of rows (`planning.surface.surface_window`, the in-memory path's own
function) is one task; a worker loads the region's surface context once (from the region
folder, at the same path on every worker) and keeps it for its next windows. The client
writes the finished windows in order with the same COG writer as ``python -m siting surface``
(`geo.grid.write_cog`), so the file equals the in-memory one. At most
``in_flight_per_worker`` windows per worker are submitted ahead of the writer, which bounds
the memory of finished but unwritten windows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geo.grid import write_cog
from layers.region import load_region
from planning.surface import (
    BAND_DESCRIPTIONS,
    Progress,
    SurfaceContext,
    SurfaceOptions,
    surface_context,
    surface_tags,
    surface_window,
)

if TYPE_CHECKING:
    from distributed import Client, Future

    from geo.grid import GridWindow
    from siting.surface import SurfaceFootprint

#: Windows submitted ahead of the writer, per worker.
DEFAULT_IN_FLIGHT_PER_WORKER: int = 2

Blocks = tuple[np.ndarray, np.ndarray]


@lru_cache(maxsize=1)
def _worker_context(
    region_dir: str, footprint: SurfaceFootprint, options: SurfaceOptions
) -> SurfaceContext:
    """Load the surface context once per worker process."""
    return surface_context(load_region(Path(region_dir)), footprint, options)


def window_blocks(
    region_dir: str, footprint: SurfaceFootprint, options: SurfaceOptions, window: GridWindow
) -> Blocks:
    """Return the float32 gate-code and score blocks of one window (runs on a worker)."""
    codes, score = surface_window(_worker_context(region_dir, footprint, options), window)
    return codes.astype(np.float32), score.astype(np.float32)


def _ordered_blocks(
    context: SurfaceContext,
    client: Client,
    ahead: int,
    progress: Progress | None,
) -> Iterator[tuple[GridWindow, Blocks]]:
    """Submit windows at most ``ahead`` in advance; yield them in order as they finish."""
    grid = context.grid
    windows = iter(grid.row_windows(context.options.rows_per_window))
    region_dir = str(context.inputs.region.dir)
    pending: deque[tuple[GridWindow, Future[Blocks]]] = deque()

    def submit_next() -> None:
        window = next(windows, None)
        if window is not None:
            future = client.submit(
                window_blocks, region_dir, context.footprint, context.options, window, pure=False
            )
            pending.append((window, future))

    for _ in range(ahead):
        submit_next()
    while pending:
        window, future = pending.popleft()
        blocks: Blocks = future.result()
        submit_next()
        yield window, blocks
        if progress is not None:
            progress(window.row_off + window.height, grid.height)


def write_surface_on_cluster(
    context: SurfaceContext,
    out_path: Path,
    client: Client,
    *,
    in_flight_per_worker: int = DEFAULT_IN_FLIGHT_PER_WORKER,
    progress: Progress | None = None,
) -> None:
    """Compute the surface of ``context`` on ``client``'s workers and write it as a COG.

    Parameters
    ----------
    context
        From `planning.surface.surface_context` (its grid, footprint, options and tags are
        used here; the workers load their own copy from the region folder).
    out_path
        The COG to write (as `planning.surface.write_surface`).
    client
        dask.distributed Client (`planning.scaleout.cluster.cluster_client`).
    in_flight_per_worker
        Windows computed ahead of the writer per worker (memory: each holds two float32
        blocks of ``rows_per_window`` x width cells).
    progress
        Called with (rows done, rows in all) after each window is written.
    """
    workers = max(len(client.scheduler_info().get("workers", {})), 1)
    blocks = _ordered_blocks(context, client, max(in_flight_per_worker, 1) * workers, progress)
    write_cog(
        out_path,
        context.grid,
        blocks,
        descriptions=BAND_DESCRIPTIONS,
        tags=surface_tags(context),
        block_rows=context.options.rows_per_window,
    )
