"""The regular grid of the bundled-data generators (terrain/DEM and absorption parcels).

One origin convention for every generator: a grid is given by its south-west (lower-left)
corner ``x_min_m``/``y_min_m`` in the analysis CRS (projected metres, STYLE.md B3.4), its cell
size and its shape. Grid rows are counted from the south (row 0 is the southernmost row, y
grows with the row index like the CRS's y axis) and a flat cell index is row-major from the
south-west cell. A raster written from a grid is north-up, as GeoTIFFs are: *raster* row 0
is the northernmost grid row; `Grid.transform` and `Grid.raster_centres` work in that raster
order and say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from affine import Affine

import shapely

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Grid:
    """Square cells of ``cell_m`` in the analysis CRS; ``x_min_m``/``y_min_m`` is the SW corner."""

    x_min_m: float
    y_min_m: float
    cell_m: float
    rows: int
    cols: int

    @property
    def x_max_m(self) -> float:
        """East edge (m)."""
        return self.x_min_m + self.cols * self.cell_m

    @property
    def y_max_m(self) -> float:
        """North edge (m)."""
        return self.y_min_m + self.rows * self.cell_m

    @property
    def transform(self) -> Affine:
        """North-up affine transform (cell corners) for rasterio: raster row 0 is the north."""
        return Affine(self.cell_m, 0.0, self.x_min_m, 0.0, -self.cell_m, self.y_max_m)

    def raster_centres(self) -> tuple[FloatArray, FloatArray]:
        """Return the x of the column centres and the y of the raster-row centres (north first)."""
        x_m = self.x_min_m + (np.arange(self.cols, dtype=np.float64) + 0.5) * self.cell_m
        y_m = self.y_max_m - (np.arange(self.rows, dtype=np.float64) + 0.5) * self.cell_m
        return x_m, y_m

    def cell_boxes(self, cells: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.object_]:
        """Return cells (flat row-major indices from the SW cell; default all) as shapely boxes."""
        flat = np.arange(self.rows * self.cols) if cells is None else cells
        row, col = np.divmod(flat, self.cols)
        x_m, y_m = self.x_min_m + col * self.cell_m, self.y_min_m + row * self.cell_m
        return shapely.box(x_m, y_m, x_m + self.cell_m, y_m + self.cell_m)


def make_grid(bounds_m: tuple[float, float, float, float], cell_m: float) -> Grid:
    """Return the grid of ``cell_m`` cells covering ``bounds_m``, its SW corner snapped down.

    The parcel generator's grid: the south-west corner is snapped to whole cells, the north
    and east edges are the first whole cell at or beyond the bounds.
    """
    x_min_m = np.floor(bounds_m[0] / cell_m) * cell_m
    y_min_m = np.floor(bounds_m[1] / cell_m) * cell_m
    cols = int(np.ceil((bounds_m[2] - x_min_m) / cell_m))
    rows = int(np.ceil((bounds_m[3] - y_min_m) / cell_m))
    return Grid(float(x_min_m), float(y_min_m), cell_m, rows, cols)


def grid_for_bounds(
    bounds_m: tuple[float, float, float, float], cell_m: float, margin_m: float
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
    return Grid(float(x_min_m), float(y_max_m - rows * cell_m), float(cell_m), rows, cols)
