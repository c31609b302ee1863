"""Build the demo build-out scenario of a region pack (layer kind ``demo_scenario``).

``python -m layers.build.demo_scenario hohhot`` writes ``demo_scenario.geojson`` from
``demo_scenario.toml`` (settings), ``ranch_targets.csv`` (ranches per county) and the county
boundaries. The result is committed (``generated = false``); rerun only after changing the
settings. Positions are NOT real: each ranch is a square facility footprint placed by a
deterministic rule (module `_candidates` / `_pick`): grid points inside the county, away from
the approximate 禁养区, the mountains, lakes and the Yellow River (and, when ``make data`` has
built them, off the illustrative 禁养区, 生态保护红线, 永久基本农田 and settlement layers),
picked by farthest-point sampling.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

import geopandas as gpd
import pyproj
import shapely
from shapely.geometry import Point, box, mapping

from errors import FileFormatError, PlannerError
from geo.units import M2_PER_MU, M_PER_KM
from layers.counties import load_city_outline, load_counties
from layers.region import Region, load_region
from layers.targets import load_ranch_targets

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

DEMO_KIND: Final[str] = "demo_scenario"
SETTINGS_KIND: Final[str] = "demo_scenario_settings"
COORD_DECIMALS: Final[int] = 6
STATUS_PREFIX: Final[dict[str, str]] = {"under_construction": "UC", "proposed": "PR"}
STATUS_ZH: Final[dict[str, str]] = {
    "under_construction": "续建牧场",
    "proposed": "新建牧场（选址）",
}
STATUS_EN: Final[dict[str, str]] = {
    "under_construction": "ranch under construction",
    "proposed": "proposed ranch",
}


def _reproject(geom: BaseGeometry, source: str, target: str) -> BaseGeometry:
    projected: BaseGeometry = gpd.GeoSeries([geom], crs=source).to_crs(target).iloc[0]
    return projected


def _settings(region: Region) -> dict[str, Any]:
    path = region.layer_path(region.layer_of_kind(SETTINGS_KIND).name)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        msg = f"Cannot read the demo-scenario settings {path}: {err}. Fix the file."
        raise FileFormatError(msg, zh=f"无法读取示范方案设置 {path}：{err}。") from err


def _exclusions(
    settings: Mapping[str, Any], outline_xy: BaseGeometry, region: Region
) -> BaseGeometry:
    """Return the union of the excluded areas in the analysis CRS (metres)."""
    p = settings["placement"]
    margin_m = p["margin_km"] * M_PER_KM
    project = pyproj.Transformer.from_crs(region.storage_crs, region.analysis_crs, always_xy=True)

    def disc(lonlat: Sequence[float], radius_km: float) -> BaseGeometry:
        lon, lat = lonlat
        x, y = project.transform(lon, lat)
        return Point(x, y).buffer(radius_km * M_PER_KM + margin_m)

    parts = [disc(p["urban_center_lonlat"], p["urban_radius_km"])]
    parts += [disc(c, p["county_seat_radius_km"]) for c in p["county_seats_lonlat"]]
    parts += [disc(c, p["water_source_radius_km"]) for c in p["water_sources_lonlat"]]
    parts += [disc(c, p["lake_radius_km"]) for c in p["lakes_lonlat"]]
    front = [(lon, lat) for lon, lat in p["mountain_front_lonlat"]]
    depth = p["mountain_depth_deg"]
    band = shapely.Polygon(front + [(lon, lat + depth) for lon, lat in reversed(front)])
    parts.append(_reproject(band, region.storage_crs, region.analysis_crs).buffer(margin_m))
    river_box = _reproject(
        box(*p["yellow_river_box_lonlat"]), region.storage_crs, region.analysis_crs
    )
    river = outline_xy.boundary.intersection(river_box)
    parts.append(river.buffer(p["yellow_river_buffer_km"] * M_PER_KM + margin_m))
    return shapely.union_all(parts)


def _layer_exclusions(
    region: Region, settings: Mapping[str, Any], clearance_m: float
) -> list[BaseGeometry]:
    """Return the region's generated constraint layers to avoid, buffered (analysis CRS).

    Layers of the kinds in ``placement.avoid_layers_km`` (kind -> buffer in km) are used when
    their file exists (built by ``make data``); ``clearance_m`` (half the footprint's
    diagonal) is added so that the whole footprint stays clear.
    """
    parts: list[BaseGeometry] = []
    for kind, buffer_km in settings["placement"].get("avoid_layers_km", {}).items():
        for spec in (s for s in region.layers.values() if s.kind == kind):
            path = region.layer_path(spec.name)
            if not path.is_file():
                continue
            features = gpd.read_file(path, layer=spec.layer).to_crs(region.analysis_crs)
            parts.append(
                shapely.union_all(features.geometry.to_numpy()).buffer(
                    buffer_km * M_PER_KM + clearance_m
                )
            )
    return parts


def _candidates(
    county_xy: BaseGeometry, excluded: BaseGeometry, placement: Mapping[str, Any]
) -> np.ndarray:
    """Return grid points (x, y in metres) inside the shrunk county and outside ``excluded``."""
    allowed = county_xy.buffer(-placement["edge_margin_km"] * M_PER_KM).difference(excluded)
    step = placement["grid_km"] * M_PER_KM
    x0, y0, x1, y1 = allowed.bounds
    xs = np.arange(math.floor(x0 / step) * step, x1 + step, step)
    ys = np.arange(math.floor(y0 / step) * step, y1 + step, step)
    grid_x, grid_y = np.meshgrid(xs, ys)
    points = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    inside = shapely.contains_xy(allowed, points[:, 0], points[:, 1])
    return points[inside]


def _pick(points: np.ndarray, count: int, min_spacing_m: float, where: str) -> np.ndarray:
    """Farthest-point sampling from the point nearest the candidates' centroid."""
    if count == 0:
        return np.empty((0, 2))
    centre = points.mean(axis=0)
    chosen = [int(np.argmin(np.hypot(*(points - centre).T)))]
    distance = np.hypot(*(points - points[chosen[0]]).T)
    while len(chosen) < count:
        best = int(np.argmax(distance))
        if distance[best] < min_spacing_m:
            msg = (
                f"{where}: only {len(chosen)} of {count} ranches fit {min_spacing_m / M_PER_KM} "
                "km apart; lower placement.min_spacing_km in demo_scenario.toml."
            )
            raise PlannerError(msg, zh=f"{where}：无法按最小间距放置 {count} 个牧场。")
        chosen.append(best)
        distance = np.minimum(distance, np.hypot(*(points - points[best]).T))
    return points[chosen]


def _ranch_rows(region: Region, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Return one row per ranch: adcode, county names, status, start year (placement order)."""
    targets = load_ranch_targets(region)
    names = load_counties(region).set_index("adcode")
    proposed_years = {str(k): v for k, v in settings["start_year"]["proposed"].items()}
    rows = []
    for target_adcode, under_construction, new_to_site in zip(
        targets["adcode"],
        targets["ranches_under_construction_2021"],
        targets["ranches_new_to_site"],
        strict=True,
    ):
        adcode = str(target_adcode)
        years = [settings["start_year"]["under_construction"]] * int(under_construction)
        statuses = ["under_construction"] * len(years)
        extra = proposed_years.get(adcode, [])
        if len(extra) != int(new_to_site):
            msg = (
                f"demo_scenario.toml start_year.proposed gives {len(extra)} year(s) for "
                f"{adcode}; ranch_targets.csv has {new_to_site} ranches."
            )
            raise PlannerError(msg, zh=f"示范方案设置中 {adcode} 的新建牧场年份个数与目标不符。")
        years += list(extra)
        statuses += ["proposed"] * len(extra)
        rows += [
            {
                "adcode": adcode,
                "county_zh": names.loc[adcode, "name_short_zh"],
                "county_en": names.loc[adcode, "name_en"],
                "status": s,
                "start_year": int(y),
            }
            for s, y in zip(statuses, years, strict=True)
        ]
    return pd.DataFrame(rows)


def _footprint(x_m: float, y_m: float, side_m: float, region: Region) -> BaseGeometry:
    half = side_m / 2
    square = box(x_m - half, y_m - half, x_m + half, y_m + half)
    lonlat = _reproject(square, region.analysis_crs, region.storage_crs)
    return shapely.set_precision(lonlat, 10**-COORD_DECIMALS)


def demo_features(region: Region) -> list[dict[str, Any]]:
    """Return the demo ranches as GeoJSON features (EPSG:4326 lon/lat)."""
    settings = _settings(region)
    counties = load_counties(region).to_crs(region.analysis_crs).set_index("adcode")
    outline_xy = load_city_outline(region).to_crs(region.analysis_crs).geometry.iloc[0]
    herd = settings["herd"]
    side_m = math.sqrt(herd["dairy_cow_head"] * herd["footprint_mu_per_head"] * M2_PER_MU)
    excluded = shapely.union_all(
        [
            _exclusions(settings, outline_xy, region),
            *_layer_exclusions(region, settings, side_m / math.sqrt(2)),
        ]
    )
    ranches = _ranch_rows(region, settings)
    features: list[dict[str, Any]] = []
    for adcode, group in ranches.groupby("adcode", sort=True):
        county_xy = counties.loc[adcode, "geometry"]
        points = _pick(
            _candidates(county_xy, excluded, settings["placement"]),
            len(group),
            settings["placement"]["min_spacing_km"] * M_PER_KM,
            str(adcode),
        )
        numbers = group.groupby("status").cumcount() + 1
        for (x_m, y_m), row, number in zip(
            points, group.itertuples(index=False), numbers, strict=True
        ):
            features.append(_feature(row, int(number), _footprint(x_m, y_m, side_m, region), herd))
    return sorted(features, key=lambda f: f["properties"]["site_id"])


def _feature(
    row: Any, number: int, geometry: BaseGeometry, herd: Mapping[str, Any]
) -> dict[str, Any]:
    site_id = f"HH-{STATUS_PREFIX[row.status]}-{row.adcode}-{number}"
    return {
        "type": "Feature",
        "geometry": mapping(geometry),
        "properties": {
            "site_id": site_id,
            "name_zh": f"{row.county_zh}{STATUS_ZH[row.status]}{number}（示意）",
            "name_en": f"{row.county_en} {STATUS_EN[row.status]} {number} (illustrative)",
            "adcode": row.adcode,
            "status": row.status,
            "start_year": row.start_year,
            "dairy_cow_head": herd["dairy_cow_head"],
            "goat_head": 0,
            "manure_route": herd["manure_route"],
            "haul_radius_km": herd["haul_radius_km"],
            "footprint_mu": round(herd["dairy_cow_head"] * herd["footprint_mu_per_head"], 1),
        },
    }


def build_demo_scenario(region: Region, generated_only: bool) -> None:
    """Write the region's demo scenario (committed layer: nothing to do if ``generated_only``)."""
    specs = [s for s in region.layers.values() if s.kind == DEMO_KIND]
    if generated_only or not specs or specs[0].generated:
        return
    features = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in demo_features(region)
    ]
    text = (
        '{"type":"FeatureCollection","name":"demo_scenario",'
        '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},'
        '"features":[\n' + ",\n".join(features) + "\n]}\n"
    )
    path: Path = region.layer_path(specs[0].name)
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m layers.build.demo_scenario <region>``."""
    parser = argparse.ArgumentParser(prog="python -m layers.build.demo_scenario")
    parser.add_argument("region", help="region pack id or folder, e.g. hohhot")
    args = parser.parse_args(argv)
    try:
        build_demo_scenario(load_region(args.region), generated_only=False)
    except PlannerError as err:
        print(f"{parser.prog}: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
