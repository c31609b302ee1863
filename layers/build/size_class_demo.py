"""Build an illustrative demo scenario from a pack's farm counts by herd-size class.

``python -m layers.build.size_class_demo ordos`` writes ``demo_scenario.geojson`` with one
square footprint per farm the plan counts (`layers.group_targets.load_size_class_targets`,
latest year): the herd of each class, the footprint per head, start year and placement are
read from the pack's ``demo_scenario.toml``. Farms go round the counties (the one named by
``first_adcode`` first), each on the next free point of a square grid spiralling out from the
county's representative point, inside the county. Deterministic; ILLUSTRATIVE positions.
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from collections.abc import Iterator, Sequence

import geopandas as gpd
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from geo.crs import STORAGE_CRS
from geo.units import M_PER_KM, mu_to_m2
from layers.counties import load_counties
from layers.group_targets import load_size_class_targets
from layers.region import Region, load_region

SETTINGS_FILE = "demo_scenario.toml"
OUTPUT_FILE = "demo_scenario.geojson"
_MAX_RINGS = 60


def _spiral(step_m: float) -> Iterator[tuple[float, float]]:
    yield 0.0, 0.0
    for ring in range(1, _MAX_RINGS):
        for i in range(-ring, ring + 1):
            for j in (-ring, ring):
                yield i * step_m, j * step_m
                if abs(i) != ring:
                    yield j * step_m, i * step_m


def _placements(county: BaseGeometry, step_m: float, side_m: float) -> Iterator[BaseGeometry]:
    centre = county.representative_point()
    half = side_m / 2
    for dx, dy in _spiral(step_m):
        square = box(
            centre.x + dx - half, centre.y + dy - half, centre.x + dx + half, centre.y + dy + half
        )
        if county.contains(square):
            yield square


def build_size_class_demo(region: Region) -> gpd.GeoDataFrame:
    """Return the demo farms of ``region`` (EPSG:4326, columns of the demo scenario layer)."""
    settings = tomllib.loads((region.dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    classes = load_size_class_targets(region)
    latest = classes[classes["year"] == classes["year"].max()]
    counties = load_counties(region).to_crs(region.analysis_crs).sort_values("adcode")
    order = [settings["first_adcode"]] + [
        a for a in counties["adcode"] if a != settings["first_adcode"]
    ]
    shapes = dict(zip(counties["adcode"], counties.geometry, strict=True))
    names = dict(zip(counties["adcode"], counties["name_zh"], strict=True))
    names_en = dict(zip(counties["adcode"], counties["name_en"], strict=True))
    step_m = float(settings["spacing_km"]) * M_PER_KM
    largest_mu = max(settings["herd_head"].values()) * float(settings["footprint_mu_per_head"])
    free = {a: _placements(shapes[a], step_m, _side_m(largest_mu)) for a in order}
    rows, geoms = [], []
    number = 0
    for _, row in latest.iterrows():
        head = int(settings["herd_head"][row["class_id"]])
        footprint_mu = head * float(settings["footprint_mu_per_head"])
        side = _side_m(footprint_mu)
        for k in range(int(row["target_count"])):
            adcode = order[number % len(order)]
            centre = next(free[adcode]).centroid
            geoms.append(
                box(
                    centre.x - side / 2,
                    centre.y - side / 2,
                    centre.x + side / 2,
                    centre.y + side / 2,
                )
            )
            number += 1
            rows.append(
                {
                    "site_id": f"OR-{row['class_id']}-{k + 1:02d}",
                    "name_zh": f"{names[adcode]}{row['name_zh']}{k + 1}（示意）",
                    "name_en": f"{names_en[adcode]} {row['name_en']} {k + 1} (illustrative)",
                    "adcode": adcode,
                    "status": settings["status"],
                    "start_year": int(settings["start_year"]),
                    "dairy_cow_head": head,
                    "goat_head": 0,
                    "manure_route": "guide_default",
                    "haul_radius_km": float(settings["haul_radius_km"]),
                    "footprint_mu": footprint_mu,
                }
            )
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs=region.analysis_crs)
    return frame.to_crs(STORAGE_CRS)


def _side_m(footprint_mu: float) -> float:
    return math.sqrt(mu_to_m2(footprint_mu))


def main(argv: Sequence[str] | None = None) -> int:
    """Write the pack's demo scenario; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m layers.build.size_class_demo")
    parser.add_argument("region", help="region id or folder")
    args = parser.parse_args(argv)
    region = load_region(args.region)
    frame = build_size_class_demo(region)
    path = region.dir / OUTPUT_FILE
    frame.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=6, RFC7946="YES")
    print(f"{len(frame)} demo farms -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
