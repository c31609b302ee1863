"""Raster access for siting: windowed reads, slope from a DEM, zonal statistics.

Rules (STYLE B4.5): the *polygons* are reprojected to the raster's CRS, never the raster;
reads are windowed to the polygon's bounds; nodata and NaN cells are masked and their
(coverage-weighted) count is reported with every statistic. Slope needs a projected DEM in
metres: a DEM in degrees raises `GeographicCrsError` with the fix.

Zonal statistics use exactextract, which weights partly covered cells by their covered
fraction (so ``mean`` is the area-weighted mean and ``max`` is the largest value of any
touched cell).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd
from affine import Affine

import rasterio
import shapely
from exactextract import exact_extract
from exactextract._exactextract import Feature
from exactextract.feature import FeatureSource
from exactextract.raster import NumPyRasterSource, RasterioRasterSource
from pyproj import CRS
from rasterio.errors import RasterioIOError
from rasterio.warp import transform_bounds
from rasterio.windows import Window, from_bounds

from errors import (
    FileFormatError,
    GeographicCrsError,
    MissingCrsError,
    NodataWarning,
    ParameterError,
)
from geo.crs import crs_from_user_input

if TYPE_CHECKING:
    from collections.abc import Iterator

    import geopandas as gpd

FloatArray = npt.NDArray[np.float64]

VALID_STATS: tuple[str, ...] = ("mean", "max", "min", "sum", "median", "stdev")
# exactextract op names for the coverage-weighted count of cells with data / of all cells.
_DATA_CELLS = "data_cells=count"
_ALL_CELLS = "all_cells=count(default_value=-1)"
_DENSIFY_PTS = 21
#: Side (cells) of the DEM tiles `slope_stats` groups polygons by: one window per tile.
SLOPE_TILE_CELLS = 512


@dataclass(frozen=True)
class RasterWindow:
    """A block of raster values read for one area.

    Attributes
    ----------
    values
        Cell values as float64; nodata cells are NaN.
    transform
        Affine transform of ``values`` (cell corners, in the raster's CRS units).
    crs
        The raster's CRS.
    nodata_cells
        Number of NaN cells in ``values`` (nodata in the file or outside its extent).
    """

    values: FloatArray
    transform: Affine
    crs: CRS
    nodata_cells: int


def _open(path: Path) -> rasterio.io.DatasetReader:
    try:
        return rasterio.open(path)
    except RasterioIOError as err:
        msg = (
            f"Cannot read raster {path.name!r}: {err}. Give a GeoTIFF (or another "
            "GDAL raster) that exists and is readable."
        )
        zh = f"无法读取栅格文件 {path.name!r}：{err}。请提供可读取的 GeoTIFF 等栅格文件。"
        raise FileFormatError(msg, zh=zh) from err


def _raster_crs(src: rasterio.io.DatasetReader, path: Path) -> CRS:
    if src.crs is None:
        msg = (
            f"Raster {path.name!r} has no CRS. Assign one (e.g. gdal_edit.py -a_srs "
            "EPSG:4546) before using it."
        )
        raise MissingCrsError(msg, zh=f"栅格 {path.name!r} 没有坐标系，请先指定（如 EPSG:4546）。")
    return CRS.from_user_input(src.crs.to_wkt())


def read_raster_window(
    path: str | Path,
    bounds: tuple[float, float, float, float],
    crs: object,
    *,
    pad_cells: int = 1,
) -> RasterWindow:
    """Read the raster cells covering ``bounds``, padded by ``pad_cells`` cells.

    Parameters
    ----------
    path
        Raster file (any GDAL format, any CRS).
    bounds
        ``(xmin, ymin, xmax, ymax)`` of the area of interest, in ``crs``.
    crs
        CRS of ``bounds``; it is transformed to the raster's CRS (the raster is not warped).
    pad_cells
        Extra cells on every side (1 lets a 3x3 kernel reach the edge cells).

    Returns
    -------
    RasterWindow
        Values as float64 with NaN for nodata; cells outside the file's extent are NaN too.

    Raises
    ------
    FileFormatError
        If the file cannot be opened as a raster.
    MissingCrsError
        If the raster or ``crs`` has no CRS.
    """
    raster_path = Path(path)
    bounds_crs = crs_from_user_input(crs)
    with _open(raster_path) as src:
        src_crs = _raster_crs(src, raster_path)
        if not bounds_crs.equals(src_crs):
            bounds = transform_bounds(bounds_crs, src_crs, *bounds, densify_pts=_DENSIFY_PTS)
        window = _padded_window(from_bounds(*bounds, transform=src.transform), pad_cells)
        values = _read_boundless(src, window)
        t = src.transform
    # Window transform by hand: rasterio's helper warns under affine 3 (`*` deprecated).
    window_transform = Affine(
        t.a,
        t.b,
        t.c + window.col_off * t.a + window.row_off * t.b,
        t.d,
        t.e,
        t.f + window.col_off * t.d + window.row_off * t.e,
    )
    return RasterWindow(
        values=values,
        transform=window_transform,
        crs=src_crs,
        nodata_cells=int(np.isnan(values).sum()),
    )


def _read_boundless(src: rasterio.io.DatasetReader, window: Window) -> FloatArray:
    """Read band 1 in ``window`` as float64; nodata and cells beyond the extent are NaN."""
    out = np.full((int(window.height), int(window.width)), np.nan)
    row0, col0 = max(int(window.row_off), 0), max(int(window.col_off), 0)
    row1 = min(int(window.row_off + window.height), src.height)
    col1 = min(int(window.col_off + window.width), src.width)
    if row1 <= row0 or col1 <= col0:
        return out
    inner = Window(col0, row0, col1 - col0, row1 - row0)
    masked = src.read(1, window=inner, masked=True).astype(np.float64)
    values = np.ma.filled(masked, np.nan)
    out[
        row0 - int(window.row_off) : row1 - int(window.row_off),
        col0 - int(window.col_off) : col1 - int(window.col_off),
    ] = values
    return out


def _padded_window(window: Window, pad_cells: int) -> Window:
    col0 = int(np.floor(window.col_off)) - pad_cells
    row0 = int(np.floor(window.row_off)) - pad_cells
    col1 = int(np.ceil(window.col_off + window.width)) + pad_cells
    row1 = int(np.ceil(window.row_off + window.height)) + pad_cells
    return Window(col0, row0, max(col1 - col0, 1), max(row1 - row0, 1))


def _require_metric_grid(crs: CRS, transform: Affine, *, what: str) -> tuple[float, float]:
    """Return the cell size (dx_m, dy_m) of a north-up raster in a projected CRS in metres."""
    if crs.is_geographic:
        msg = (
            f"{what} is in a geographic CRS ({crs.to_string()}): its cells are degrees, so "
            "slope cannot be computed. Warp it to the region's projected analysis CRS "
            "first, e.g. `gdalwarp -t_srs EPSG:4546 -tr 30 30 -r bilinear in.tif out.tif`."
        )
        zh = (
            f"{what} 为地理坐标系（{crs.to_string()}），像元单位为度，无法计算坡度。请先投影到"
            "分析坐标系，例如 gdalwarp -t_srs EPSG:4546 -tr 30 30 -r bilinear。"
        )
        raise GeographicCrsError(msg, zh=zh)
    units = {axis.unit_name for axis in crs.axis_info}
    if units - {"metre"} or transform.b != 0 or transform.d != 0:
        msg = (
            f"{what} must be a north-up grid in metres; got axis units {sorted(units)} and "
            f"transform {tuple(transform)[:6]}. Warp it with gdalwarp to EPSG:4546."
        )
        zh = f"{what} 须为以米为单位、正北朝上的栅格，请用 gdalwarp 投影到 EPSG:4546。"
        raise GeographicCrsError(msg, zh=zh)
    return abs(transform.a), abs(transform.e)


def slope_deg(dem_m: FloatArray, transform: Affine) -> FloatArray:
    """Return the slope in degrees of every cell of a DEM (Horn's 3x3 method).

    Parameters
    ----------
    dem_m
        Elevations in metres on a north-up grid; NaN for nodata.
    transform
        Affine transform of ``dem_m``; cell sizes are taken in the CRS's metres.

    Returns
    -------
    numpy.ndarray
        Slope in degrees, same shape; NaN on the outer ring of cells, on NaN cells and
        wherever a neighbour is NaN.

    Notes
    -----
    With the 3x3 neighbourhood ``a b c / d e f / g h i`` (Horn 1981, as in GDAL gdaldem)::

        dz/dx = ((c + 2f + i) - (a + 2d + g)) / (8 dx)
        dz/dy = ((g + 2h + i) - (a + 2b + c)) / (8 dy)
        slope = atan(sqrt(dz/dx² + dz/dy²))
    """
    dx_m, dy_m = abs(transform.a), abs(transform.e)
    z = np.asarray(dem_m, dtype=np.float64)
    out = np.full(z.shape, np.nan)
    if z.shape[0] < 3 or z.shape[1] < 3:
        return out
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * dx_m)
    dzdy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8 * dy_m)
    out[1:-1, 1:-1] = np.degrees(np.arctan(np.hypot(dzdx, dzdy)))
    out[np.isnan(z)] = np.nan  # Horn's kernel skips the centre cell; nodata stays nodata
    return out


def _polygon_frame(polygons: gpd.GeoDataFrame, id_column: str, crs: CRS) -> gpd.GeoDataFrame:
    if polygons.crs is None:
        msg = "`polygons` have no CRS; set it (e.g. EPSG:4326) before zonal statistics."
        raise MissingCrsError(msg, zh="多边形没有坐标系，无法做分区统计。")
    frame = polygons[[id_column, "geometry"]].copy()
    frame[id_column] = frame[id_column].astype(str)
    return frame.to_crs(crs)


class _WkbFeature(Feature):  # type: ignore[misc]  # exactextract has no type hints
    """A polygon handed to exactextract as WKB, with its id (no GeoJSON text)."""

    def __init__(self, wkb: bytes, values: dict[str, object]) -> None:
        super().__init__()
        self._wkb = wkb
        self._values = values

    def geometry(self) -> bytes:
        """Return the polygon as WKB."""
        return self._wkb

    def get(self, name: str) -> object:
        """Return the value of the field ``name``."""
        return self._values[name]

    def fields(self) -> list[str]:
        """Return the field names."""
        return list(self._values)


class _WkbFeatureSource(FeatureSource):  # type: ignore[misc]  # exactextract has no type hints
    """The polygons of a frame as WKB features (issue 12).

    exactextract's GeoDataFrame source writes every polygon as GeoJSON through
    ``iterfeatures`` (a third of a 2,000-site slope); WKB carries the same coordinates
    exactly, so the statistics are the same (tested).
    """

    def __init__(self, polygons: gpd.GeoDataFrame, id_column: str) -> None:
        super().__init__()
        self._polygons = polygons
        self._id_column = id_column

    def count(self) -> int:
        """Return the number of polygons."""
        return len(self._polygons)

    def __iter__(self) -> Iterator[_WkbFeature]:
        """Yield the polygons as WKB features with their id."""
        wkbs = shapely.to_wkb(np.asarray(self._polygons.geometry.values))
        for wkb, value in zip(wkbs, self._polygons[self._id_column].tolist(), strict=True):
            yield _WkbFeature(wkb, {self._id_column: value})

    def srs_wkt(self) -> str:
        """Return the polygons' CRS as WKT."""
        return str(self._polygons.crs.to_wkt())


def _feature_source(polygons: gpd.GeoDataFrame, id_column: str) -> object:
    """Return WKB features, or the frame itself if a geometry is missing or empty."""
    geoms = np.asarray(polygons.geometry.values)
    if polygons.crs is None or (shapely.is_missing(geoms) | shapely.is_empty(geoms)).any():
        return polygons
    return _WkbFeatureSource(polygons, id_column)


def _extract(
    source: object, polygons: gpd.GeoDataFrame, ops: list[str], id_column: str
) -> pd.DataFrame:
    result = exact_extract(
        source,
        _feature_source(polygons, id_column),
        [*ops, _DATA_CELLS, _ALL_CELLS],
        include_cols=[id_column],
        output="pandas",
    )
    result[id_column] = result[id_column].astype(str)  # exactextract may return strings
    result["nodata_cells"] = result["all_cells"] - result["data_cells"]
    return pd.DataFrame(result.drop(columns=["all_cells", "data_cells"]))


def _warn_nodata(stats: pd.DataFrame, id_column: str, what: str) -> None:
    hit = stats[stats["nodata_cells"] > 0]
    if len(hit):
        listed = ", ".join(
            f"{i}: {n:.1f}" for i, n in zip(hit[id_column], hit["nodata_cells"], strict=True)
        )
        msg = (
            f"{what}: cells without data were ignored (coverage-weighted cells per "
            f"polygon: {listed})."
        )
        warnings.warn(msg, NodataWarning, stacklevel=3)


def zonal_stats(
    polygons: gpd.GeoDataFrame,
    raster_path: str | Path,
    stats: tuple[str, ...] = ("mean", "max"),
    *,
    id_column: str = "site_id",
) -> pd.DataFrame:
    """Return statistics of the raster cells under every polygon.

    Parameters
    ----------
    polygons
        Polygons in any CRS, with an ``id_column``; reprojected to the raster's CRS.
    raster_path
        Raster file (band 1 is used).
    stats
        Names from `VALID_STATS`.
    id_column
        Identifier column, returned as ``str``.

    Returns
    -------
    pandas.DataFrame
        ``id_column``, one column per statistic (raster units) and ``nodata_cells``
        (coverage-weighted count of nodata cells under the polygon).

    Warns
    -----
    NodataWarning
        If any polygon covers nodata cells.
    """
    unknown = sorted(set(stats) - set(VALID_STATS))
    if unknown:
        msg = f"Unknown statistic(s) {unknown}; choose from {list(VALID_STATS)}."
        raise ParameterError(msg, zh=f"未知统计量 {unknown}，可选：{list(VALID_STATS)}。")
    path = Path(raster_path)
    with _open(path) as src:
        frame = _polygon_frame(polygons, id_column, _raster_crs(src, path))
        result = _extract(RasterioRasterSource(src), frame, list(stats), id_column)
    _warn_nodata(result, id_column, f"raster {path.name!r}")
    return result


def slope_stats(
    polygons: gpd.GeoDataFrame,
    dem_path: str | Path,
    *,
    id_column: str = "site_id",
) -> pd.DataFrame:
    """Return the mean and maximum slope (degrees) under every polygon.

    The polygons are grouped by the `SLOPE_TILE_CELLS`-square DEM tile holding their
    north-west corner; slope is computed once per group, on one window around the group's
    polygons (their bounds plus one cell), and measured by one exactextract call per group.
    Slope at a cell depends only on its 3x3 neighbours, so the values are those of a window
    per polygon, at the cost of a few windows for thousands of sites (issue 12).

    Parameters
    ----------
    polygons
        Polygons in any CRS with an ``id_column``; reprojected to the DEM's CRS.
    dem_path
        DEM in metres, in a projected CRS with metre cells.

    Returns
    -------
    pandas.DataFrame
        ``id_column`` (str), ``slope_mean_deg`` (area-weighted), ``slope_max_deg``,
        ``nodata_cells`` (coverage-weighted cells without a slope value); one row per
        polygon, in the order of ``polygons``.

    Raises
    ------
    GeographicCrsError
        If the DEM is in degrees or not a north-up metre grid.
    """
    path = Path(dem_path)
    with _open(path) as src:
        dem_crs = _raster_crs(src, path)
        _require_metric_grid(dem_crs, src.transform, what=f"DEM {path.name!r}")
        transform = src.transform
    frame = _polygon_frame(polygons, id_column, dem_crs)
    blocks = [
        _slope_block(frame.iloc[rows], path, dem_crs, id_column).set_axis(rows)
        for rows in _tile_groups(frame, transform)
    ]
    result = (
        pd.concat(blocks).sort_index().reset_index(drop=True)
        if blocks
        else _empty_slope_frame(id_column)
    )
    _warn_nodata(result, id_column, f"slope from DEM {path.name!r}")
    return result


def _tile_groups(frame: gpd.GeoDataFrame, transform: Affine) -> list[npt.NDArray[np.intp]]:
    """Positions of ``frame``'s polygons grouped by the DEM tile of their north-west corner."""
    if frame.empty:
        return []
    bounds = frame.geometry.bounds
    col = np.floor((bounds["minx"].to_numpy() - transform.c) / transform.a)
    row = np.floor((bounds["maxy"].to_numpy() - transform.f) / transform.e)
    tiles = np.column_stack([row // SLOPE_TILE_CELLS, col // SLOPE_TILE_CELLS])
    _, group = np.unique(tiles, axis=0, return_inverse=True)
    group = group.ravel()
    return [np.flatnonzero(group == g) for g in range(int(group.max()) + 1)]


def _slope_block(
    polygons: gpd.GeoDataFrame, path: Path, dem_crs: CRS, id_column: str
) -> pd.DataFrame:
    """Slope mean and max of ``polygons`` from one window around all of them."""
    window = read_raster_window(path, tuple(polygons.total_bounds), dem_crs, pad_cells=1)
    slope = slope_deg(window.values, window.transform)
    t = window.transform
    n_rows, n_cols = slope.shape
    source = NumPyRasterSource(
        slope,
        xmin=t.c,
        ymin=t.f + n_rows * t.e,
        xmax=t.c + n_cols * t.a,
        ymax=t.f,
        srs_wkt=dem_crs.to_wkt(),
    )
    stats = _extract(source, polygons, ["mean", "max"], id_column)
    return stats.rename(columns={"mean": "slope_mean_deg", "max": "slope_max_deg"})


def _empty_slope_frame(id_column: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            id_column: pd.Series(dtype=str),
            "slope_mean_deg": pd.Series(dtype=float),
            "slope_max_deg": pd.Series(dtype=float),
            "nodata_cells": pd.Series(dtype=float),
        }
    )
