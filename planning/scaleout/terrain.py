"""Slope per zone (county) of a DEM too big for memory, as dask windows of a rioxarray raster.

The DEM is an ``xarray.DataArray`` backed by a dask array (e.g. ``rioxarray.open_rasterio(
path, chunks=...)`` or a generated one); slope is `geo.raster.slope_deg` (Horn) on every
window with a one-cell overlap (``map_overlap``, no padding at the outer edge, so the outer
ring is NaN as on the whole array), and every window adds up, per zone, its cells with a
slope, their slope sum and the cells above a limit (the slope gate's). The in-memory
equivalent, `zonal_slope_counts`, runs the same block function on the whole array.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo.raster import slope_deg

if TYPE_CHECKING:
    import dask.array as da
    import numpy.typing as npt
    import xarray as xr
    from affine import Affine
    from dask.delayed import Delayed
    from distributed import Client

#: Statistics per zone, in the order of the columns of a block's result.
ZONE_SLOPE_COLUMNS: Final[tuple[str, ...]] = ("cells", "slope_sum_deg", "cells_above_limit")


@dataclass(frozen=True)
class ZoneSlopeSpec:
    """Cell size (m), number of zones (ids 0..n-1; other ids are ignored) and slope limit."""

    cell_m: float
    zone_count: int
    slope_limit_deg: float


def block_zone_counts(
    dem_m: npt.NDArray[np.floating],
    zones: npt.NDArray[np.integer],
    spec: ZoneSlopeSpec,
    halo: tuple[int, int],
) -> npt.NDArray[np.float64]:
    """Return per zone (rows) the `ZONE_SLOPE_COLUMNS` of one block.

    ``dem_m`` is the block with a one-cell halo on the sides where it has neighbours (none at
    the outer edge of the raster); ``halo`` = (halo rows above, halo columns left), 0 or 1;
    ``zones`` is the block without halo. Cells whose slope is NaN (outer ring, nodata) count
    nowhere.
    """
    slope = slope_deg(np.asarray(dem_m, dtype=np.float64), _transform(spec.cell_m))
    return _counts(slope, zones, spec, *halo)


def _counts(
    slope: npt.NDArray[np.float64],
    zones: npt.NDArray[np.integer],
    spec: ZoneSlopeSpec,
    top: int,
    left: int,
) -> npt.NDArray[np.float64]:
    inner = slope[top : top + zones.shape[0], left : left + zones.shape[1]].ravel()
    ids = zones.ravel().astype(np.int64)
    keep = np.isfinite(inner) & (ids >= 0) & (ids < spec.zone_count)
    ids, inner = ids[keep], inner[keep]
    n = spec.zone_count
    return np.stack(
        [
            np.bincount(ids, minlength=n).astype(np.float64),
            np.bincount(ids, weights=inner, minlength=n),
            np.bincount(ids, weights=inner > spec.slope_limit_deg, minlength=n),
        ],
        axis=1,
    )


def _as_frame(counts: npt.NDArray[np.float64]) -> pd.DataFrame:
    frame = pd.DataFrame(counts, columns=list(ZONE_SLOPE_COLUMNS))
    frame.index.name = "zone"
    return frame.assign(
        mean_slope_deg=frame["slope_sum_deg"] / frame["cells"].where(frame["cells"] > 0),
        share_above_limit=frame["cells_above_limit"] / frame["cells"].where(frame["cells"] > 0),
    )


def zonal_slope_counts(
    dem_m: npt.NDArray[np.floating], zones: npt.NDArray[np.integer], spec: ZoneSlopeSpec
) -> pd.DataFrame:
    """Return the slope statistics per zone of a DEM held in memory (the reference path).

    Returns
    -------
    stats
        One row per zone id: `ZONE_SLOPE_COLUMNS` plus ``mean_slope_deg`` and
        ``share_above_limit`` (NaN for a zone without cells).
    """
    slope = slope_deg(np.asarray(dem_m, dtype=np.float64), _transform(spec.cell_m))
    return _as_frame(_counts(slope, zones, spec, 0, 0))


def _transform(cell_m: float) -> Affine:
    """North-up transform of ``cell_m`` cells (the origin does not change a slope)."""
    from affine import Affine

    return Affine(cell_m, 0.0, 0.0, 0.0, -cell_m, 0.0)


def zonal_slope_on_cluster(
    dem: xr.DataArray, zones: da.Array, spec: ZoneSlopeSpec, client: Client
) -> pd.DataFrame:
    """Return `zonal_slope_counts` of a dask-backed DEM computed window by window on ``client``.

    Parameters
    ----------
    dem
        Elevations (m), dims ``(y, x)``, chunked (each chunk one window).
    zones
        Zone id per cell, a dask array with the same shape and chunks.
    spec
        Cell size, zones and slope limit.
    client
        dask.distributed Client.
    """
    import dask.array as dask_array
    from dask.delayed import delayed

    with_halo = dask_array.overlap.overlap(dem.data, depth={0: 1, 1: 1}, boundary="none")
    halo_blocks, zone_blocks = with_halo.to_delayed(), zones.to_delayed()
    if halo_blocks.shape != zone_blocks.shape:
        msg = f"DEM windows {halo_blocks.shape} and zone windows {zone_blocks.shape} differ."
        raise ValueError(msg)
    count = delayed(block_zone_counts, pure=True)
    parts: list[Delayed] = [
        count(halo_blocks[i, j], zone_blocks[i, j], spec, (int(i > 0), int(j > 0)))
        for i in range(halo_blocks.shape[0])
        for j in range(halo_blocks.shape[1])
    ]
    total = client.compute(_tree_add(parts)).result()
    return _as_frame(np.asarray(total))


def _tree_add(parts: list[Delayed]) -> Delayed:
    """Add delayed arrays pairwise in a tree (bounded fan-in, no giant final task)."""
    from dask.delayed import delayed

    add = delayed(np.add, pure=True)
    while len(parts) > 1:
        pairs = range(0, len(parts), 2)
        parts = [add(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i] for i in pairs]
    return parts[0]
