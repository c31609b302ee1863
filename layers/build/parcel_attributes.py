"""Attributes of the illustrative parcels: crops, target yields, soil classes, manure rules.

Steps 5-6 of the generator described in `layers.build.parcel_synthesis`. Each function takes the
cropland parcels (with ``adcode``, ``cell``, ``zone``, ``area_mu`` and, where needed, ``crop``
and the geometry in the analysis CRS) and returns new arrays; nothing is modified in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

import geopandas as gpd
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from errors import ParameterError
from geo.crs import STORAGE_CRS
from geo.grid import Grid
from layers.build.parcel_synthesis import at_cells, smooth_field, take_until
from layers.parcel_model import SOIL_CLASSES

if TYPE_CHECKING:
    from layers.parcel_model import ParcelModel

FloatArray = npt.NDArray[np.float64]
ObjectArray = npt.NDArray[np.object_]

_CELL_WEIGHT = 0.8  # weight of the smooth cell field in a parcel value
_PARCEL_WEIGHT = 0.6  # weight of the parcel's own noise
_OLSEN_P_DECIMALS = 1  # Olsen-P is reported to 0.1 mg/kg
# Closing distance (m) that removes slivers between county polygons before the city outline
# is taken as the river bank.
_SLIVER_M = 50.0


def assign_forage(
    parcels: pd.DataFrame, targets: pd.DataFrame, grid: Grid, model: ParcelModel
) -> ObjectArray:
    """Return the forage crop key of each parcel ("" where none), meeting every target.

    ``parcels`` needs ``adcode``, ``cell``, ``zone``, ``area_mu`` (亩); ``targets`` needs
    ``adcode``, ``crop`` (forage-target crop: silage_corn, oat_hay, alfalfa) and
    ``target_mu`` (亩). Per county and crop, the free parcels with the highest affinity are
    taken until the area reaches target x a goal factor drawn from the settings.

    Raises
    ------
    ParameterError
        If a county has too little cropland left to meet a target.
    """
    field_rng, rng = model.rng("forage_fields"), model.rng("forage")
    crops = np.full(len(parcels), "", dtype=object)
    area = parcels["area_mu"].to_numpy()
    adcodes = parcels["adcode"].to_numpy()
    for target_crop, crop_key in model.forage_crop_keys.items():
        field = smooth_field(field_rng, grid, model.forage_smoothing_km)
        weight = parcels["zone"].map(model.forage_zone_affinity[target_crop]).to_numpy()
        affinity = weight * np.exp(
            model.forage_noise_sigma * at_cells(field, grid, parcels["cell"].to_numpy())
            + model.forage_parcel_noise_sigma * rng.standard_normal(len(parcels))
        )
        rows = targets.loc[targets["crop"] == target_crop].sort_values("adcode")
        low, high = model.forage_goal_factor[target_crop]
        for adcode, target_mu in zip(rows["adcode"], rows["target_mu"], strict=True):
            goal_mu = float(target_mu) * rng.uniform(low, high)
            free = (adcodes == adcode) & (crops == "")
            _require_room(adcode, target_crop, goal_mu, float(area[free].sum()))
            crops[take_until(np.where(free, affinity, 0.0), area, goal_mu, at_least=True)] = (
                crop_key
            )
    return crops


def _require_room(adcode: str, crop: str, goal_mu: float, free_mu: float) -> None:
    if free_mu >= goal_mu:
        return
    msg = (
        f"County {adcode} has {free_mu:,.0f} 亩 of cropland left for {crop}, less than the "
        f"goal of {goal_mu:,.0f} 亩. Raise cropland.county_frac.{adcode} in the parcel "
        "generator settings."
    )
    zh = (
        f"旗县区 {adcode} 剩余耕地 {free_mu:,.0f} 亩，不足以安排 {crop} 目标 {goal_mu:,.0f} 亩。"
        f"请提高生成设置中的 cropland.county_frac.{adcode}。"
    )
    raise ParameterError(msg, zh=zh)


def assign_other_crops(zones: pd.Series, forage: ObjectArray, model: ParcelModel) -> ObjectArray:
    """Return ``forage`` with its empty entries filled by crops drawn from the zone shares."""
    draw = model.rng("other_crops").random(len(zones))
    crops = forage.copy()
    for zone, shares in model.other_crop_shares.items():
        here = (zones.to_numpy() == zone) & (forage == "")
        cumulative = np.cumsum(list(shares.values()))
        picks = np.minimum(np.searchsorted(cumulative, draw[here]), len(shares) - 1)
        crops[here] = np.asarray(list(shares), dtype=object)[picks]
    return crops


def parcel_values(
    cell_field: FloatArray, grid: Grid, cells: npt.NDArray[np.int64], noise: FloatArray
) -> FloatArray:
    """Combine a smooth cell field (north-up) at parcel cell numbers ``cells`` and per-parcel
    noise into values with spread 1."""
    combined = _CELL_WEIGHT * at_cells(cell_field, grid, cells) + _PARCEL_WEIGHT * noise
    return np.asarray(combined / np.hypot(_CELL_WEIGHT, _PARCEL_WEIGHT), dtype=np.float64)


def assign_yields(parcels: pd.DataFrame, grid: Grid, model: ParcelModel) -> FloatArray:
    """Return target yields in kg/亩: low + (high - low) x land quality in 0..1, rounded.

    ``parcels`` needs ``cell``, ``zone``, ``adcode`` and ``crop``; the range is
    `ParcelModel.yield_range` (forage crops: the county's forage yield ± a spread, so that the
    parcels' mean yield is the yield that forage supply uses; other crops:
    ``model.yield_kg_per_mu[zone][crop]``, the crop table's yield basis).
    """
    quality = smooth_field(model.rng("quality_field"), grid, model.yield_smoothing_km)
    noise = model.rng("yield_noise").standard_normal(len(parcels))
    share = special.ndtr(parcel_values(quality, grid, parcels["cell"].to_numpy(), noise))
    ranges = np.array(
        [
            model.yield_range(zone, adcode, crop)
            for zone, adcode, crop in zip(
                parcels["zone"], parcels["adcode"], parcels["crop"], strict=True
            )
        ]
    )
    raw = ranges[:, 0] + (ranges[:, 1] - ranges[:, 0]) * share
    step = model.yield_round_kg_per_mu
    return np.asarray(np.round(raw / step) * step, dtype=np.float64)


def classify_soil(values: FloatArray, class_min: Mapping[str, float]) -> npt.NDArray[np.str_]:
    """Return soil class I / II / III: I above ``class_min["I"]``, II from ``class_min["II"]``."""
    high, medium, low = SOIL_CLASSES
    return np.where(
        values > class_min[high], high, np.where(values >= class_min[medium], medium, low)
    )


def assign_soil(parcels: pd.DataFrame, grid: Grid, model: ParcelModel) -> pd.DataFrame:
    """Return ``soil_n_class``, ``soil_p_class`` and ``olsen_p_mg_per_kg`` of each parcel.

    Total N (g/kg) is normal and Olsen-P (mg/kg) log-normal around the zone's values in the
    settings, both spatially smooth; classes use the guide's dryland limits in the settings.
    """
    field_rng, noise_rng = model.rng("soil_fields"), model.rng("soil_noise")
    cells, zones = parcels["cell"].to_numpy(), parcels["zone"]
    values = []
    for _ in range(2):  # N, then P
        field = smooth_field(field_rng, grid, model.soil_smoothing_km)
        values.append(parcel_values(field, grid, cells, noise_rng.standard_normal(len(parcels))))
    n_params = np.array([model.total_n_g_per_kg[z] for z in zones]).reshape(-1, 2)
    p_params = np.array([model.olsen_p_mg_per_kg[z] for z in zones]).reshape(-1, 2)
    total_n_g_per_kg = n_params[:, 0] + n_params[:, 1] * values[0]
    olsen_p = np.round(p_params[:, 0] * np.exp(p_params[:, 1] * values[1]), _OLSEN_P_DECIMALS)
    return pd.DataFrame(
        {
            "soil_n_class": classify_soil(total_n_g_per_kg, model.total_n_class_min_g_per_kg),
            "soil_p_class": classify_soil(olsen_p, model.olsen_p_class_min_mg_per_kg),
            "olsen_p_mg_per_kg": olsen_p,
        },
        index=parcels.index,
    )


def river_lines(counties: gpd.GeoDataFrame, model: ParcelModel) -> BaseGeometry:
    """Return the rivers of the settings as lines in the counties' (analysis) CRS.

    The Yellow River is the part of the city outline inside ``yellow_river_box_lonlat``;
    大黑河 is the polyline ``dahei_river_lonlat``.
    """
    outline = shapely.union_all(counties.geometry.buffer(_SLIVER_M)).buffer(-_SLIVER_M)
    in_lonlat = gpd.GeoSeries(
        [shapely.box(*model.yellow_river_box_lonlat), LineString(model.dahei_river_lonlat)],
        crs=STORAGE_CRS,
    )
    river_box: BaseGeometry
    dahei: BaseGeometry
    river_box, dahei = in_lonlat.to_crs(counties.crs)
    return shapely.union(outline.boundary.intersection(river_box), dahei)


def _near(geoms: ObjectArray, lines: BaseGeometry, distance_m: float) -> npt.NDArray[np.intp]:
    """Return the indices of ``geoms`` within ``distance_m`` of ``lines`` (segment index)."""
    coords, line_no = shapely.get_coordinates(shapely.get_parts(lines), return_index=True)
    same_line = line_no[1:] == line_no[:-1]
    segments = shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1)[same_line])
    pairs = shapely.STRtree(segments).query(geoms, predicate="dwithin", distance=distance_m)
    return np.unique(pairs[0])


def assign_manure_allowed(
    parcels: gpd.GeoDataFrame, rivers: BaseGeometry, grid: Grid, model: ParcelModel
) -> npt.NDArray[np.bool_]:
    """Return False for parcels within ``river_buffer_m`` of ``rivers`` or on steep land.

    Steep land is a smooth random pattern covering about ``steep_frac`` of each zone.
    ``parcels`` and ``rivers`` must be in the analysis CRS (metres).
    """
    if parcels.crs is None or not parcels.crs.is_projected:
        msg = "Parcels must be in the projected analysis CRS to test distances to rivers."
        raise ParameterError(msg, zh="地块须处于投影分析坐标系中才能计算到河流的距离。")
    field = smooth_field(model.rng("steep_field"), grid, model.steep_smoothing_km)
    noise = model.rng("steep_noise").standard_normal(len(parcels))
    steepness = parcel_values(field, grid, parcels["cell"].to_numpy(), noise)
    frac = parcels["zone"].map(model.steep_frac).to_numpy(dtype=np.float64)
    steep = steepness > special.ndtri(1.0 - frac)
    near_river = np.zeros(len(parcels), dtype=bool)
    near_river[_near(parcels.geometry.to_numpy(), rivers, model.river_buffer_m)] = True
    return np.asarray(~(steep | near_river), dtype=bool)
