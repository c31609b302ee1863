"""Geometry of the ILLUSTRATIVE constraint layers (analysis CRS, metres).

Each function returns a GeoDataFrame in the analysis CRS with ``feature_id``, ``name``,
``name_en`` and ``category``; `layers.build.constraints` adds provenance, clips to the city
and writes them. Every number comes from the settings (`layers.build.constraint_settings`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import geopandas as gpd
import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.units import M_PER_KM
from layers.build.constraint_settings import ConstraintSettings, Landscape

_CIRCLE_POINTS = 72
_BAND_STEP_DEG = 0.01


def _frame(rows: Sequence[Mapping[str, Any]], crs: str) -> gpd.GeoDataFrame:
    columns = ["feature_id", "name", "name_en", "category", "geometry"]
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry="geometry", crs=crs)
    return gpd.GeoDataFrame([dict(r) for r in rows], columns=columns, geometry="geometry", crs=crs)


def wobbly_circle(x_m: float, y_m: float, radius_m: float, phase: float) -> Polygon:
    """A circle made irregular by two harmonics (deterministic for a given ``phase``)."""
    theta = np.linspace(0, 2 * np.pi, _CIRCLE_POINTS, endpoint=False)
    r = radius_m * (1 + 0.08 * np.sin(3 * theta + phase) + 0.05 * np.sin(5 * theta + 2 * phase))
    return Polygon(np.column_stack([x_m + r * np.cos(theta), y_m + r * np.sin(theta)]))


def front_band(
    landscape: Landscape, lon_range: Sequence[float], from_km: float, to_km: float
) -> Polygon:
    """Band between ``from_km`` and ``to_km`` north of the mountain front (analysis CRS)."""
    lon = np.arange(lon_range[0], lon_range[1] + _BAND_STEP_DEG / 2, _BAND_STEP_DEG)
    front = np.array(landscape.geography["mountain_front_lonlat"], dtype=float)
    x_m, y_m = landscape.to_xy(lon, np.interp(lon, front[:, 0], front[:, 1]))
    south = np.column_stack([x_m, y_m + from_km * M_PER_KM])
    north = np.column_stack([x_m, y_m + to_km * M_PER_KM])[::-1]
    return Polygon(np.vstack([south, north]))


def _xy(landscape: Landscape, lonlat: Sequence[float]) -> tuple[float, float]:
    x_m, y_m = landscape.to_xy(np.array([lonlat[0]]), np.array([lonlat[1]]))
    return float(x_m[0]), float(y_m[0])


def no_farming_zones(settings: ConstraintSettings, landscape: Landscape) -> gpd.GeoDataFrame:
    """禁养区: Hohhot urban area, county seats, water sources and the 大青山 reserve."""
    cfg = settings.section("no_farming_zone")
    cx, cy = landscape.urban_center_xy
    rows = [
        {
            "feature_id": "NFZ-URBAN",
            "name": "呼和浩特市城区禁养区（示意）",
            "name_en": "Hohhot urban no-farming zone (illustrative)",
            "category": "town_residential",
            "geometry": wobbly_circle(
                cx, cy, landscape.urban_radius_m * cfg["urban_radius_factor"], 0.3
            ),
        }
    ]
    for k, seat in enumerate(settings.section("settlements")["county_seats"]):
        x_m, y_m = _xy(landscape, seat["lonlat"])
        rows.append(
            {
                "feature_id": f"NFZ-SEAT-{seat['adcode']}",
                "name": f"{seat['name']}城镇居民区禁养区（示意）",
                "name_en": f"{seat['name_en']} town no-farming zone (illustrative)",
                "category": "town_residential",
                "geometry": wobbly_circle(
                    x_m, y_m, cfg["county_seat_radius_km"] * M_PER_KM, 1.0 + k
                ),
            }
        )
    for k, source in enumerate(cfg["water_sources"]):
        x_m, y_m = _xy(landscape, source["lonlat"])
        rows.append(
            {
                "feature_id": f"NFZ-WATER-{k + 1}",
                "name": source["name"],
                "name_en": source["name_en"],
                "category": "water_source",
                "geometry": wobbly_circle(
                    x_m, y_m, cfg["water_source_radius_km"] * M_PER_KM, 2.0 + k
                ),
            }
        )
    rows.append(
        {
            "feature_id": "NFZ-RESERVE",
            "name": "大青山自然保护区核心区和缓冲区（示意）",
            "name_en": "Daqing Mountains nature reserve core and buffer (illustrative)",
            "category": "nature_reserve",
            "geometry": front_band(
                landscape,
                cfg["reserve_lon_range"],
                cfg["reserve_from_front_km"],
                cfg["reserve_to_front_km"],
            ),
        }
    )
    return _frame(rows, landscape.analysis_crs)


def eco_redlines(
    settings: ConstraintSettings, landscape: Landscape, erosion_cells: BaseGeometry
) -> gpd.GeoDataFrame:
    """生态保护红线: 大青山, the Yellow River banks, 哈素海 and eroded loess gullies."""
    cfg = settings.section("eco_redline")
    rows = [
        {
            "feature_id": "ERL-DAQING",
            "name": "大青山生态保护红线（示意）",
            "name_en": "Daqing Mountains red line (illustrative)",
            "category": "mountain",
            "geometry": front_band(
                landscape,
                cfg["mountain_lon_range"],
                cfg["mountain_from_front_km"],
                cfg["mountain_to_front_km"],
            ),
        },
        {
            "feature_id": "ERL-YELLOW",
            "name": "黄河沿岸生态保护红线（示意）",
            "name_en": "Yellow River bank red line (illustrative)",
            "category": "river",
            "geometry": landscape.yellow_river.buffer(cfg["yellow_river_buffer_km"] * M_PER_KM),
        },
        {
            "feature_id": "ERL-HASUHAI",
            "name": "哈素海湿地生态保护红线（示意）",
            "name_en": "Hasuhai wetland red line (illustrative)",
            "category": "wetland",
            "geometry": landscape.hasuhai.buffer(cfg["hasuhai_buffer_km"] * M_PER_KM),
        },
    ]
    for k, part in enumerate(getattr(erosion_cells, "geoms", [erosion_cells])):
        if not part.is_empty:
            rows.append(
                {
                    "feature_id": f"ERL-EROSION-{k + 1}",
                    "name": f"黄土丘陵水土保持生态保护红线 {k + 1}（示意）",
                    "name_en": f"Loess hills soil-conservation red line {k + 1} (illustrative)",
                    "category": "soil_conservation",
                    "geometry": part,
                }
            )
    return _frame(rows, landscape.analysis_crs)


def surface_water(landscape: Landscape) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Rivers (lines) and lakes (polygons)."""
    rivers = [
        ("RIV-YELLOW", "黄河（位置近似）", "Yellow River (approximate)", landscape.yellow_river),
        ("RIV-DAHEI", "大黑河（位置近似）", "Dahei River (approximate)", landscape.dahei_river),
        ("RIV-HUN", "浑河（位置近似）", "Hun River (approximate)", landscape.hun_river),
    ]
    river_rows = [
        {"feature_id": f, "name": zh, "name_en": en, "category": "river", "geometry": g}
        for f, zh, en, g in rivers
    ]
    lake_rows = [
        {
            "feature_id": "LAKE-HASUHAI",
            "name": "哈素海（位置近似）",
            "name_en": "Hasuhai lake (approximate)",
            "category": "lake",
            "geometry": landscape.hasuhai,
        }
    ]
    return (_frame(river_rows, landscape.analysis_crs), _frame(lake_rows, landscape.analysis_crs))


def main_roads(settings: ConstraintSettings, landscape: Landscape) -> gpd.GeoDataFrame:
    """Main roads: polylines through the county seats (approximate)."""
    rows = []
    for k, road in enumerate(settings.section("main_roads")["roads"]):
        lonlat = np.array(road["lonlat"], dtype=float)
        x_m, y_m = landscape.to_xy(lonlat[:, 0], lonlat[:, 1])
        rows.append(
            {
                "feature_id": f"ROAD-{k + 1}",
                "name": road["name"],
                "name_en": road["name_en"],
                "category": "main_road",
                "geometry": LineString(np.column_stack([x_m, y_m])),
            }
        )
    return _frame(rows, landscape.analysis_crs)


def processing_plants(settings: ConstraintSettings, landscape: Landscape) -> gpd.GeoDataFrame:
    """Dairy processing plants (points at approximate positions)."""
    rows = []
    for k, plant in enumerate(settings.section("processing_plants")["plants"]):
        rows.append(
            {
                "feature_id": f"PLANT-{k + 1}",
                "name": plant["name"],
                "name_en": plant["name_en"],
                "category": plant["company"],
                "geometry": Point(*_xy(landscape, plant["lonlat"])),
            }
        )
    return _frame(rows, landscape.analysis_crs)


def county_seats(settings: ConstraintSettings, landscape: Landscape) -> gpd.GeoDataFrame:
    """County seats and the Hohhot built-up area as settlement polygons."""
    cx, cy = landscape.urban_center_xy
    rows = [
        {
            "feature_id": "SET-HOHHOT",
            "name": "呼和浩特市区（示意范围）",
            "name_en": "Hohhot city (illustrative extent)",
            "category": "city",
            "seat_of_adcode": "150100",
            "geometry": wobbly_circle(cx, cy, landscape.urban_radius_m, 0.3),
        }
    ]
    for k, seat in enumerate(settings.section("settlements")["county_seats"]):
        x_m, y_m = _xy(landscape, seat["lonlat"])
        rows.append(
            {
                "feature_id": f"SET-SEAT-{seat['adcode']}",
                "name": seat["name"],
                "name_en": seat["name_en"],
                "category": "county_seat",
                "seat_of_adcode": seat["adcode"],
                "geometry": wobbly_circle(x_m, y_m, seat["radius_km"] * M_PER_KM, 1.0 + k),
            }
        )
    frame = _frame(rows, landscape.analysis_crs)
    frame["seat_of_adcode"] = [r["seat_of_adcode"] for r in rows]
    return frame


def jittered_grid(
    bounds_m: Sequence[float],
    cell_m: float,
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """One uniformly random point per grid cell over ``bounds_m`` (row-major order)."""
    xmin, ymin, xmax, ymax = bounds_m
    xs = np.arange(xmin, xmax, cell_m)
    ys = np.arange(ymin, ymax, cell_m)
    gx, gy = np.meshgrid(xs, ys)
    jitter = rng.random((2, *gx.shape))
    return (gx + jitter[0] * cell_m).ravel(), (gy + jitter[1] * cell_m).ravel()


def villages(
    settings: ConstraintSettings, landscape: Landscape, city: BaseGeometry, exclude: BaseGeometry
) -> gpd.GeoDataFrame:
    """Villages: a jittered grid thinned by landscape zone, outside towns and water."""
    cfg = settings.section("settlements")
    rng = settings.rng("villages")
    x_m, y_m = jittered_grid(city.bounds, cfg["village_cell_km"] * M_PER_KM, rng)
    keep_draw, radius_draw = rng.random(len(x_m)), rng.random(len(x_m))
    zones = landscape.zones(x_m, y_m)
    keep_prob = np.array([cfg["village_keep_prob"].get(z, 0.0) for z in zones])
    low, high = cfg["village_radius_m"]
    points = shapely.points(x_m, y_m)
    keep = (keep_draw < keep_prob) & shapely.contains(city, points)
    keep &= ~shapely.intersects(exclude, points)
    rows = [
        {
            "feature_id": f"SET-V{n + 1:04d}",
            "name": f"村庄 V{n + 1:04d}（示意）",
            "name_en": f"Village V{n + 1:04d} (illustrative)",
            "category": "village",
            "geometry": Point(x, y).buffer(low + (high - low) * r, 16),
        }
        for n, (x, y, r) in enumerate(zip(x_m[keep], y_m[keep], radius_draw[keep], strict=True))
    ]
    return _frame(rows, landscape.analysis_crs)
