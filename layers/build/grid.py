"""Grid snapping and cell numbering of the bundled-data generators (DEM and parcels).

Both generators use the one `geo.grid.Grid` (north-up, top-left origin, raster row 0 is the
north). This module keeps only what is theirs: how each snaps its extent to whole cells
(`make_grid` for the parcels, `grid_for_bounds` for the DEM), and the parcel generator's
cell numbers. Those count row-major from the *south-west* cell (`sw_cell_rows_cols`,
`sw_cell_boxes`): they fix the order of the parcel generator's random draws and of its
parcel ids, so renumbering them from the north would change the generated parcels.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from geo.grid import Grid

__all__ = ["grid_for_bounds", "make_grid", "sw_cell_boxes", "sw_cell_rows_cols"]

IntArray = npt.NDArray[np.int64]


def make_grid(bounds_m: tuple[float, float, float, float], cell_m: float, *, crs: str) -> Grid:
    """Return the grid of ``cell_m`` cells covering ``bounds_m``, its SW corner snapped down.

    The parcel generator's grid: the south-west corner is snapped to whole cells, the north
    and east edges are the first whole cell at or beyond the bounds.
    """
    x_min_m = np.floor(bounds_m[0] / cell_m) * cell_m
    y_min_m = np.floor(bounds_m[1] / cell_m) * cell_m
    cols = int(np.ceil((bounds_m[2] - x_min_m) / cell_m))
    rows = int(np.ceil((bounds_m[3] - y_min_m) / cell_m))
    return Grid(crs, cell_m, float(x_min_m), float(y_min_m + rows * cell_m), cols, rows)


def grid_for_bounds(
    bounds_m: tuple[float, float, float, float], cell_m: float, margin_m: float, *, crs: str
) -> Grid:
    """Return the grid covering ``bounds_m`` plus ``margin_m``, its NW corner snapped to ``cell_m``.

    The DEM's grid: a north-up raster anchored at its top-left corner, so the north-west
    corner is on whole cells and the south and east edges are the first whole cell beyond.
    """
    xmin, ymin, xmax, ymax = bounds_m
    x_min_m = np.floor((xmin - margin_m) / cell_m) * cell_m
    y_max_m = np.ceil((ymax + margin_m) / cell_m) * cell_m
    cols = int(np.ceil((xmax + margin_m - x_min_m) / cell_m))
    rows = int(np.ceil((y_max_m - (ymin - margin_m)) / cell_m))
    return Grid(crs, float(cell_m), float(x_min_m), float(y_max_m), cols, rows)


def sw_cell_rows_cols(grid: Grid, cells: IntArray) -> tuple[IntArray, IntArray]:
    """Return the grid (north-up) rows and columns of parcel cell numbers ``cells``.

    A parcel cell number is row-major from the south-west cell: number 0 is the bottom-left
    cell, number ``grid.width`` the one north of it.
    """
    rows_from_south, cols = np.divmod(np.asarray(cells, dtype=np.int64), grid.width)
    return grid.height - 1 - rows_from_south, cols


def sw_cell_boxes(grid: Grid, cells: IntArray | None = None) -> npt.NDArray[np.object_]:
    """Return parcel cells ``cells`` (numbers from the SW cell; default all) as shapely boxes."""
    numbers = np.arange(grid.height * grid.width) if cells is None else cells
    return grid.cell_boxes(*sw_cell_rows_cols(grid, numbers))
