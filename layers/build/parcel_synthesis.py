"""Synthesise an ILLUSTRATIVE cropland parcel layer inside real county boundaries.

Real 三调 cropland parcels are not public. This module draws a plausible stand-in, fully
determined by the settings in `layers.parcel_model.ParcelModel` (seed included):

1. a grid of ``cell_m`` cells over the counties in the analysis CRS; each cell gets a
   landscape zone (plain, plateau, mountain, hills, urban) from lon/lat lines in the settings;
   cells are known by their numbers from the south-west cell (`layers.build.grid`), fields
   and zones are north-up (height, width) arrays of the `geo.grid.Grid`, read at a cell with
   `at_cells`;
2. smooth random fields (Gaussian-filtered white noise with unit spread) for the cropland
   pattern, forage clustering, land quality, soil N and P and steepness;
3. every cell is cut into parallel strips (fields) and the strips are clipped to the counties;
4. cropland: per county, the strips with the highest score (zone weight x field) are kept
   until the county's cropland share is reached;
5. forage crops: per county, the cropland with the highest affinity gets silage corn, oat hay
   and alfalfa until target x a goal factor (>= 1) is reached; the rest gets other crops;
6. yields, soil N and P classes, Olsen-P and ``manure_allowed`` (not near the rivers in the
   settings and not steep) per parcel.

Steps 1-4 are here; 5-6 (the parcel attributes) are in `layers.build.parcel_attributes`. Every
random draw comes from ``ParcelModel.rng(step)`` (one stream per step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import ndimage

import geopandas as gpd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from geo.area import area_mu
from geo.crs import STORAGE_CRS
from geo.grid import Grid
from geo.units import M_PER_KM
from layers.build.grid import sw_cell_boxes, sw_cell_rows_cols

if TYPE_CHECKING:
    from layers.parcel_model import ParcelModel

URBAN: str = "urban"
FloatArray = npt.NDArray[np.float64]
T = TypeVar("T", bound=np.generic)


def smooth_field(rng: np.random.Generator, grid: Grid, smoothing_km: float) -> FloatArray:
    """Return a north-up (height, width) Gaussian-filtered white-noise field, mean 0, spread 1.

    The noise is drawn south row first and flipped after filtering (the draw order of the
    generated data).
    """
    noise = rng.standard_normal(grid.shape)
    field = ndimage.gaussian_filter(
        noise, sigma=smoothing_km * M_PER_KM / grid.cell_m, mode="reflect"
    )
    normalised = (field - field.mean()) / field.std()
    return np.asarray(normalised[::-1], dtype=np.float64)


def at_cells(values: npt.NDArray[T], grid: Grid, cells: npt.NDArray[np.int64]) -> npt.NDArray[T]:
    """Return the entries of the north-up grid array ``values`` at parcel cell numbers ``cells``."""
    rows, cols = sw_cell_rows_cols(grid, cells)
    return values[rows, cols]


def classify_zones(grid: Grid, model: ParcelModel, analysis_crs: CRS | str) -> npt.NDArray[np.str_]:
    """Return the landscape zone of every cell centre, north-up, shape (height, width)."""
    row, col = np.indices(grid.shape)
    x_m = grid.left_m + (col + 0.5) * grid.cell_m
    y_m = grid.top_m - (row + 0.5) * grid.cell_m
    to_lonlat = Transformer.from_crs(analysis_crs, STORAGE_CRS, always_xy=True)
    lon, lat = to_lonlat.transform(x_m, y_m)
    front = np.interp(lon, *np.array(model.mountain_front_lonlat).T)
    hills = np.interp(lon, *np.array(model.hills_line_lonlat).T)
    zones = np.where(
        lat >= front + model.mountain_depth_deg,
        "plateau",
        np.where(lat >= front, "mountain", np.where(lat < hills, "hills", "plain")),
    )
    to_m = Transformer.from_crs(STORAGE_CRS, analysis_crs, always_xy=True)
    cx_m, cy_m = to_m.transform(*model.urban_center_lonlat)
    urban = np.hypot(x_m - cx_m, y_m - cy_m) < model.urban_radius_km * M_PER_KM
    return np.where(urban, URBAN, zones)


def cut_strips(
    grid: Grid, cells: npt.NDArray[np.int64], zones: npt.NDArray[np.str_], model: ParcelModel
) -> pd.DataFrame:
    """Cut the cells ``cells`` (flat indices) into parallel strips.

    Returns
    -------
    strips
        One row per strip: ``cell`` (flat index), ``k`` (strip number in the cell),
        ``noise`` (standard normal, per strip) and ``geometry`` (shapely box, analysis CRS).
    """
    rng = model.rng("strips")
    max_n = max(max(rule.counts) for rule in model.strips.values())
    draw = rng.random(len(cells))
    vertical = rng.integers(0, 2, len(cells)).astype(bool)
    jitter = rng.uniform(-1.0, 1.0, (len(cells), max_n))
    strip_noise = rng.standard_normal(jitter.shape)
    counts, jitter_frac = _strip_counts(at_cells(zones, grid, cells), draw, model)
    widths = np.where(np.arange(max_n) < counts[:, None], 1 + jitter_frac[:, None] * jitter, 0)
    edges = np.cumsum(widths, axis=1) / widths.sum(axis=1, keepdims=True)
    starts = np.hstack([np.zeros((len(cells), 1)), edges[:, :-1]])
    cell_rows, cell_cols = sw_cell_rows_cols(grid, cells)
    x_m = grid.left_m + cell_cols * grid.cell_m
    y_m = grid.top_m - (cell_rows + 1) * grid.cell_m  # south edges
    frames = []
    for k in range(max_n):
        take = k < counts
        lo, hi = starts[take, k] * grid.cell_m, edges[take, k] * grid.cell_m
        x, y, vert = x_m[take], y_m[take], vertical[take]
        boxes = shapely.box(
            np.where(vert, x + lo, x),
            np.where(vert, y, y + lo),
            np.where(vert, x + hi, x + grid.cell_m),
            np.where(vert, y + grid.cell_m, y + hi),
        )
        frames.append(
            pd.DataFrame(
                {"cell": cells[take], "k": k, "noise": strip_noise[take, k], "geometry": boxes}
            )
        )
    return pd.concat(frames).sort_values(["cell", "k"], kind="stable").reset_index(drop=True)


def _strip_counts(
    cell_zones: npt.NDArray[np.str_], draw: FloatArray, model: ParcelModel
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    counts = np.ones(len(cell_zones), dtype=np.int64)
    jitter_frac = np.zeros(len(cell_zones))
    for zone, rule in model.strips.items():
        here = cell_zones == zone
        cumulative = np.cumsum(rule.probs)
        picks = np.minimum(
            np.searchsorted(cumulative / cumulative[-1], draw[here]), len(rule.counts) - 1
        )
        counts[here] = np.asarray(rule.counts)[picks]
        jitter_frac[here] = rule.width_jitter_frac
    return counts, jitter_frac


def clip_to_counties(
    strips: pd.DataFrame, counties: gpd.GeoDataFrame, grid: Grid, min_parcel_mu: float
) -> gpd.GeoDataFrame:
    """Clip the strips to each county and keep polygon pieces of at least ``min_parcel_mu``.

    ``counties`` (``adcode``, geometry) must be in the analysis CRS. Returns the pieces with
    the strip columns, ``adcode``, ``part`` and ``area_mu`` (亩), in the counties' CRS.
    """
    geoms = strips["geometry"].to_numpy()
    tree = shapely.STRtree(geoms)
    frames = []
    for adcode, county in zip(counties["adcode"], counties.geometry, strict=True):
        shapely.prepare(county)
        index = np.sort(tree.query(county, predicate="intersects"))
        clipped = geoms[index].copy()
        edge = ~shapely.contains_properly(county, clipped)
        clipped[edge] = _clip_edge_strips(
            clipped[edge], strips["cell"].to_numpy()[index[edge]], county, grid
        )
        parts, source = shapely.get_parts(clipped, return_index=True)
        polygons = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
        piece = strips.iloc[index[source[polygons]]].drop(columns="geometry")
        frames.append(piece.assign(adcode=adcode, geometry=parts[polygons]))
    pieces = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=counties.crs)
    pieces["part"] = pieces.groupby(["adcode", "cell", "k"]).cumcount()
    pieces["area_mu"] = area_mu(pieces)
    return pieces.loc[pieces["area_mu"] >= min_parcel_mu].reset_index(drop=True)


def _clip_edge_strips(
    edge_strips: npt.NDArray[np.object_],
    cells: npt.NDArray[np.int64],
    county: BaseGeometry,
    grid: Grid,
) -> npt.NDArray[np.object_]:
    """Intersect strips on a county edge with the county, one cell's piece of it at a time.

    Cutting the (large) county polygon down to each cell first keeps every overlay small.
    """
    unique_cells, position = np.unique(cells, return_inverse=True)
    cell_boxes = sw_cell_boxes(grid, unique_cells)
    county_in_cell = np.array(
        [shapely.clip_by_rect(county, *shapely.bounds(box)) for box in cell_boxes], dtype=object
    )
    return np.asarray(shapely.intersection(edge_strips, county_in_cell[position]), dtype=object)


def take_until(
    values: FloatArray, area: FloatArray, goal: float, *, at_least: bool
) -> npt.NDArray[np.bool_]:
    """Mark the items with the highest ``values`` whose areas add up to ``goal``.

    Items are taken in descending ``values`` (ties: input order). With ``at_least`` the item
    that crosses ``goal`` is taken too (total >= goal when possible), otherwise not
    (total <= goal). Items with a value <= 0 are never taken.
    """
    order = np.lexsort((np.arange(len(values)), -values))
    cumulative = np.cumsum(area[order])
    before = cumulative - area[order]
    ok = before < goal if at_least else cumulative <= goal
    taken = np.zeros(len(values), dtype=bool)
    taken[order] = ok & (values[order] > 0)
    return taken


def select_cropland(
    pieces: gpd.GeoDataFrame,
    county_area_mu: pd.Series,
    field_of_piece: FloatArray,
    zone_of_piece: npt.NDArray[np.str_],
    model: ParcelModel,
) -> npt.NDArray[np.bool_]:
    """Return which pieces are cropland: per county, best score first up to its share.

    ``field_of_piece`` is the cropland field at each piece's cell.
    """
    weight = np.array([model.cropland_zone_weight.get(z, 0.0) for z in zone_of_piece])
    score = weight * np.exp(
        model.cropland_noise_sigma * field_of_piece
        + model.cropland_strip_noise_sigma * pieces["noise"].to_numpy()
    )
    cropland = np.zeros(len(pieces), dtype=bool)
    for adcode, rows in pieces.groupby("adcode").indices.items():
        goal_mu = model.cropland_county_frac.get(adcode, 0.0) * county_area_mu[adcode]
        cropland[rows] = take_until(
            score[rows], pieces["area_mu"].to_numpy()[rows], goal_mu, at_least=False
        )
    return cropland
