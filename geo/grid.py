"""Regular analysis grids: extent, windows, rasterising vectors, resampling a DEM, COG output.

A `Grid` is north-up with square cells of ``cell_m`` metres in a projected CRS, like every
GeoTIFF: its origin is the top-left (north-west) corner ``left_m``/``top_m``, row 0 is the
northernmost row and a flat cell index is row-major from the north-west cell. The one grid
class of the project: the suitability surface and the bundled-data generators (DEM,
parcels; `layers.build.grid` snaps their extents) both use it. `Grid.covering` snaps the
origin to whole multiples of the cell size (so a 30 m grid lines up with a 30 m DEM whose
corners are whole multiples of 30 m, as the region packs' DEMs are).
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import rasterio
import rasterio.shutil
import shapely
from rasterio import features as rio_features
from rasterio.enums import Resampling
from rasterio.transform import Affine
from rasterio.warp import reproject
from rasterio.windows import Window

from errors import FileFormatError
from geo.crs import require_projected

if TYPE_CHECKING:
    import numpy.typing as npt

    from shapely.geometry.base import BaseGeometry

__all__ = [
    "Grid",
    "GridWindow",
    "NamedBand",
    "rasterize_mask",
    "rasterize_values",
    "read_named_band",
    "resample_to",
    "write_cog",
]


@dataclass(frozen=True, slots=True)
class GridWindow:
    """Rows ``row_off .. row_off + height`` and columns ``col_off .. col_off + width``."""

    row_off: int
    col_off: int
    height: int
    width: int


@dataclass(frozen=True, slots=True)
class Grid:
    """A north-up grid of square cells in a projected CRS (metres)."""

    crs: str
    cell_m: float
    left_m: float
    top_m: float
    width: int
    height: int

    @classmethod
    def covering(cls, bounds_m: Sequence[float], *, crs: str, cell_m: float) -> Grid:
        """Return the grid of ``cell_m`` cells covering ``(minx, miny, maxx, maxy)``."""
        require_projected(crs, what="analysis grid")
        minx, miny, maxx, maxy = bounds_m
        left = math.floor(minx / cell_m) * cell_m
        top = math.ceil(maxy / cell_m) * cell_m
        width = math.ceil((maxx - left) / cell_m)
        height = math.ceil((top - miny) / cell_m)
        return cls(crs, float(cell_m), float(left), float(top), int(width), int(height))

    @property
    def right_m(self) -> float:
        """East edge (m)."""
        return self.left_m + self.width * self.cell_m

    @property
    def bottom_m(self) -> float:
        """South edge (m)."""
        return self.top_m - self.height * self.cell_m

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)``: the shape of an array over the whole grid."""
        return (self.height, self.width)

    @property
    def full_window(self) -> GridWindow:
        """The window of the whole grid."""
        return GridWindow(0, 0, self.height, self.width)

    @property
    def transform(self) -> Affine:
        """Affine transform of the whole grid."""
        return Affine(self.cell_m, 0.0, self.left_m, 0.0, -self.cell_m, self.top_m)

    def window_transform(self, window: GridWindow, *, margin_cells: int = 0) -> Affine:
        """Affine transform of ``window`` grown by ``margin_cells`` on every side."""
        return Affine(
            self.cell_m,
            0.0,
            self.left_m + (window.col_off - margin_cells) * self.cell_m,
            0.0,
            -self.cell_m,
            self.top_m - (window.row_off - margin_cells) * self.cell_m,
        )

    def window_bounds(
        self, window: GridWindow, *, margin_cells: int = 0
    ) -> tuple[float, float, float, float]:
        """Return ``(minx, miny, maxx, maxy)`` of ``window`` grown by ``margin_cells``."""
        t = self.window_transform(window, margin_cells=margin_cells)
        width = window.width + 2 * margin_cells
        height = window.height + 2 * margin_cells
        return (t.c, t.f - height * self.cell_m, t.c + width * self.cell_m, t.f)

    def cell_centres_m(self, window: GridWindow) -> tuple[np.ndarray, np.ndarray]:
        """Return the x (per column) and y (per row) centre coordinates of ``window`` (m)."""
        xs = self.left_m + (window.col_off + np.arange(window.width) + 0.5) * self.cell_m
        ys = self.top_m - (window.row_off + np.arange(window.height) + 0.5) * self.cell_m
        return xs, ys

    def cell_boxes(
        self, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.object_]:
        """Return the cells at ``(rows, cols)`` (row 0 is the north) as shapely boxes.

        Parameters
        ----------
        rows, cols
            Row and column indices of the cells, same length.
        """
        x_m = self.left_m + cols * self.cell_m
        y_m = self.top_m - (rows + 1) * self.cell_m
        return np.asarray(shapely.box(x_m, y_m, x_m + self.cell_m, y_m + self.cell_m))

    def row_windows(self, rows_per_window: int) -> Iterator[GridWindow]:
        """Yield full-width windows of ``rows_per_window`` rows, top to bottom."""
        for row in range(0, self.height, rows_per_window):
            yield GridWindow(row, 0, min(rows_per_window, self.height - row), self.width)


def rasterize_mask(
    geometries: Sequence[BaseGeometry],
    *,
    transform: Affine,
    shape: tuple[int, int],
    all_touched: bool,
) -> npt.NDArray[np.bool_]:
    """Return True in the cells the geometries cover (``all_touched``: any cell they touch)."""
    if not len(geometries):
        return np.zeros(shape, dtype=bool)
    burnt = rio_features.rasterize(
        ((g, 1) for g in geometries),
        out_shape=shape,
        transform=transform,
        fill=0,
        all_touched=all_touched,
        dtype="uint8",
    )
    return np.asarray(burnt, dtype=bool)


def rasterize_values(
    geometries: Sequence[BaseGeometry],
    values: Sequence[int],
    *,
    transform: Affine,
    shape: tuple[int, int],
    fill: int,
) -> npt.NDArray[np.int32]:
    """Return the value of the geometry containing each cell centre (``fill`` elsewhere)."""
    if not len(geometries):
        return np.full(shape, fill, dtype=np.int32)
    burnt = rio_features.rasterize(
        zip(geometries, values, strict=True),
        out_shape=shape,
        transform=transform,
        fill=fill,
        dtype="int32",
    )
    return np.asarray(burnt, dtype=np.int32)


def resample_to(
    path: Path, *, transform: Affine, shape: tuple[int, int], crs: str
) -> npt.NDArray[np.float64]:
    """Return band 1 of the raster at ``path`` resampled (bilinear) onto a grid window.

    Cells outside the raster or on its nodata are NaN.

    Raises
    ------
    FileFormatError
        If the file cannot be opened as a raster.
    """
    out = np.full(shape, np.nan, dtype=np.float64)
    try:
        with rasterio.open(path) as src:
            reproject(
                source=rasterio.band(src, 1),
                destination=out,
                src_nodata=src.nodata,
                dst_transform=transform,
                dst_crs=crs,
                dst_nodata=np.nan,
                resampling=Resampling.bilinear,
            )
    except rasterio.errors.RasterioIOError as err:
        msg = f"Cannot read the raster {Path(path).name!r}: {err}. Check the file."
        raise FileFormatError(msg, zh=f"无法读取栅格 {Path(path).name!r}：{err}。") from err
    return out


def write_cog(
    out_path: Path,
    grid: Grid,
    blocks: Iterator[tuple[GridWindow, Sequence[np.ndarray]]],
    *,
    descriptions: Sequence[str],
    tags: dict[str, str],
    block_rows: int = 256,
) -> None:
    """Write float32 bands block by block, then copy them into a Cloud-Optimized GeoTIFF.

    Parameters
    ----------
    out_path
        The COG to write (replaced if it exists).
    blocks
        ``(window, arrays)`` pairs, one array per band, each ``window``-shaped.
    descriptions
        One band description per band.
    tags
        Dataset metadata (key -> text).
    """
    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": len(descriptions),
        "dtype": "float32",
        "crs": grid.crs,
        "transform": grid.transform,
        "nodata": np.nan,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": block_rows,
        "compress": "deflate",
        "BIGTIFF": "IF_SAFER",
    }
    with tempfile.TemporaryDirectory() as folder:
        staging = Path(folder) / "surface.tif"
        with rasterio.open(staging, "w", **profile) as dst:
            for band, text in enumerate(descriptions, start=1):
                dst.set_band_description(band, text)
            dst.update_tags(**tags)
            for window, arrays in blocks:
                rio_window = Window(window.col_off, window.row_off, window.width, window.height)
                for band, array in enumerate(arrays, start=1):
                    dst.write(np.asarray(array, dtype=np.float32), band, window=rio_window)
        cog = Path(folder) / "surface_cog.tif"
        rasterio.shutil.copy(staging, cog, driver="COG", compress="DEFLATE", BIGTIFF="IF_SAFER")
        shutil.move(cog, out_path)


@dataclass(frozen=True, eq=False)
class NamedBand:
    """One band of a raster read whole, with its grid and the dataset's tags."""

    values: npt.NDArray[np.float64]
    transform: Affine
    crs: str
    tags: dict[str, str]


def read_named_band(path: Path, description: str) -> NamedBand:
    """Read the band whose description is ``description`` (float64, nodata as NaN).

    Raises
    ------
    FileFormatError
        If the file cannot be read or has no such band.
    """
    try:
        with rasterio.open(path) as src:
            if description not in src.descriptions:
                msg = (
                    f"{Path(path).name!r} has no band {description!r} (bands: "
                    f"{list(src.descriptions)}); give a surface written by "
                    "`python -m siting surface`."
                )
                raise FileFormatError(
                    msg,
                    zh=f"{Path(path).name!r} 没有波段 {description!r}；"
                    "请使用 `python -m siting surface` 生成的栅格。",
                )
            band = src.descriptions.index(description) + 1
            values = src.read(band, masked=True).astype(np.float64).filled(np.nan)
            return NamedBand(values, src.transform, str(src.crs), dict(src.tags()))
    except rasterio.errors.RasterioIOError as err:
        msg = f"Cannot read the raster {Path(path).name!r}: {err}. Check the file."
        raise FileFormatError(msg, zh=f"无法读取栅格 {Path(path).name!r}：{err}。") from err
