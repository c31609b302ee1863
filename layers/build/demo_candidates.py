"""Build the demo candidate sites of site suitability (layer kind ``demo_candidates``).

``python -m layers.build.demo_candidates hohhot`` writes ``demo_candidates.geojson`` from
``demo_candidates.toml`` against the generated constraint layers and DEM (run ``make data``
first). The result is committed (``generated = false``); rerun only after changing the
settings or the constraint generator. Positions are NOT real sites: each candidate is the
first square footprint, scanning grid points outward from an anchor (or placed a set gap from
a zone's edge), whose gate outcome is exactly the one the settings ask for. The file is
checked again after writing; a candidate that cannot be placed is an error.
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from shapely.geometry import Polygon, box

from errors import FileFormatError, PlannerError, SchemaError
from geo.crs import STORAGE_CRS
from geo.raster import slope_stats
from geo.units import M2_PER_MU
from layers.counties import load_counties
from layers.region import Region, load_region
from planning.siting_inputs import SitingInputs, load_siting_inputs
from siting.gates import evaluate_gates

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

DEMO_KIND: Final[str] = "demo_candidates"
SETTINGS_FILE: Final[str] = "demo_candidates.toml"
COORD_DECIMALS: Final[int] = 6
_SLOPE_RULE: Final[str] = "slope_limit"
_TERRAIN_CHUNK: Final[int] = 25
_BEARING_STEP_DEG: Final[float] = 15.0
_GAP_TOL_M: Final[float] = 0.2


@dataclass(frozen=True)
class DemoSpec:
    """One requested demo candidate (see ``demo_candidates.toml``)."""

    fields: Mapping[str, Any]

    @property
    def expect(self) -> frozenset[str]:
        """Rules that must fail."""
        return frozenset(self.fields.get("expect", []))

    @property
    def allowed(self) -> frozenset[str]:
        """Rules that must fail plus rules that may fail."""
        return self.expect | frozenset(self.fields.get("also_allowed", []))

    def matches(self, failed: frozenset[str]) -> bool:
        """Return True if ``failed`` is an acceptable set of failed rules."""
        return self.expect <= failed <= self.allowed


def read_settings(region: Region) -> dict[str, Any]:
    """Read ``demo_candidates.toml`` of the region pack."""
    path = region.dir / SETTINGS_FILE
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        msg = f"Cannot read the demo-candidate settings {path}: {err}. Fix the file."
        raise FileFormatError(msg, zh=f"无法读取示范候选场址设置 {path}：{err}。") from err


def footprint_side_m(herd: float, settings: Mapping[str, Any]) -> float:
    """Side (m) of the square facility footprint of a herd."""
    area_mu = max(herd * settings["footprint_mu_per_head"], settings["min_footprint_mu"])
    return math.sqrt(area_mu * M2_PER_MU)


def _squares(x_m: np.ndarray, y_m: np.ndarray, side_m: float) -> np.ndarray:
    h = side_m / 2
    return shapely.box(x_m - h, y_m - h, x_m + h, y_m + h)


def _failed_without_slope(
    candidates: gpd.GeoDataFrame,
    inputs: SitingInputs,
) -> list[frozenset[str]]:
    results = evaluate_gates(candidates, inputs.layers, inputs.params)
    return [
        frozenset(g.rule for g in results[sid] if g.evaluated and not g.passed)
        for sid in candidates["site_id"]
    ]


def _slope_fails(candidates: gpd.GeoDataFrame, inputs: SitingInputs) -> list[bool]:
    assert inputs.dem is not None
    rule = inputs.params.rule(_SLOPE_RULE)
    terrain = slope_stats(candidates, inputs.dem)
    return [bool(v > rule.limit) for v in terrain[rule.measure]]


def _first_match(
    candidates: gpd.GeoDataFrame, spec: DemoSpec, inputs: SitingInputs
) -> gpd.GeoDataFrame | None:
    """Return the first candidate (in order) whose failed rules match ``spec``."""
    flat = _failed_without_slope(candidates, inputs)
    plausible = [
        k for k, failed in enumerate(flat) if spec.matches(failed | (spec.expect & {_SLOPE_RULE}))
    ]
    for start in range(0, len(plausible), _TERRAIN_CHUNK):
        chunk = plausible[start : start + _TERRAIN_CHUNK]
        steep = _slope_fails(candidates.iloc[chunk], inputs)
        for k, is_steep in zip(chunk, steep, strict=True):
            if spec.matches(flat[k] | ({_SLOPE_RULE} if is_steep else frozenset())):
                return candidates.iloc[[k]]
    return None


def _frame(site_id: str, geoms: np.ndarray, crs: str) -> gpd.GeoDataFrame:
    ids = [f"{site_id}#{k}" for k in range(len(geoms))]
    return gpd.GeoDataFrame({"site_id": ids}, geometry=geoms, crs=crs)


def scan_candidates(
    spec: DemoSpec, county_m: BaseGeometry, settings: Mapping[str, Any], inputs: SitingInputs
) -> gpd.GeoDataFrame:
    """Grid points inside the county, nearest to the anchor first, as square footprints."""
    fields = spec.fields
    grid_m = float(fields.get("grid_m", settings["grid_m"]))
    side = footprint_side_m(fields["dairy_cow_head"], settings)
    xmin, ymin, xmax, ymax = county_m.bounds
    gx, gy = np.meshgrid(np.arange(xmin, xmax, grid_m), np.arange(ymin, ymax, grid_m))
    ax, ay = _anchor_xy(spec, inputs)
    order = np.argsort(np.hypot(gx.ravel() - ax, gy.ravel() - ay), kind="stable")
    x_m, y_m = gx.ravel()[order], gy.ravel()[order]
    squares = _squares(x_m, y_m, side)
    area = county_m.buffer(-settings["edge_margin_m"])
    shapely.prepare(area)
    inside = shapely.contains(area, squares)
    return _frame(
        fields["site_id"], squares[inside][: settings["max_candidates"]], inputs.layers.crs
    )


def _anchor_xy(spec: DemoSpec, inputs: SitingInputs) -> tuple[float, float]:
    anchor = (
        gpd.GeoSeries(
            gpd.points_from_xy(
                [spec.fields["anchor_lonlat"][0]], [spec.fields["anchor_lonlat"][1]]
            ),
            crs=STORAGE_CRS,
        )
        .to_crs(inputs.layers.crs)
        .iloc[0]
    )
    return anchor.x, anchor.y


def setback_candidates(
    spec: DemoSpec, settings: Mapping[str, Any], inputs: SitingInputs
) -> gpd.GeoDataFrame:
    """Squares exactly ``gap_m`` from a zone feature, one per bearing (anchor side first)."""
    fields = spec.fields
    zones = pd.concat(list(inputs.layers.features.values()), ignore_index=True)
    zone = zones.loc[zones["feature_id"] == fields["feature_id"], "geometry"]
    if zone.empty:
        msg = f"{fields['site_id']}: no feature {fields['feature_id']!r} in the constraint layers."
        zh = f"{fields['site_id']}：约束图层中没有要素 {fields['feature_id']!r}。"
        raise SchemaError(msg, zh=zh)
    geom = zone.iloc[0]
    cx, cy = geom.centroid.x, geom.centroid.y
    ax, ay = _anchor_xy(spec, inputs)
    start = math.degrees(math.atan2(ay - cy, ax - cx))
    side = footprint_side_m(fields["dairy_cow_head"], settings)
    squares = [
        _square_at_gap(
            geom, cx, cy, start + k * sign * _BEARING_STEP_DEG, side, float(fields["gap_m"])
        )
        for k in range(int(180 / _BEARING_STEP_DEG) + 1)
        for sign in (1, -1)
    ]
    return _frame(fields["site_id"], np.array(squares, dtype=object), inputs.layers.crs)


def _square_at_gap(
    zone: BaseGeometry, cx: float, cy: float, bearing_deg: float, side_m: float, gap_m: float
) -> Polygon:
    """Bisect the distance along a bearing until the square is ``gap_m`` from ``zone``."""
    ux, uy = math.cos(math.radians(bearing_deg)), math.sin(math.radians(bearing_deg))
    low, high = 0.0, 50_000.0
    square = box(0, 0, 1, 1)
    for _ in range(60):
        mid = (low + high) / 2
        x, y = cx + mid * ux, cy + mid * uy
        square = box(x - side_m / 2, y - side_m / 2, x + side_m / 2, y + side_m / 2)
        gap = zone.distance(square)
        if abs(gap - gap_m) < _GAP_TOL_M:
            break
        low, high = (mid, high) if gap < gap_m else (low, mid)
    return square


def place_candidate(
    spec: DemoSpec, counties_m: gpd.GeoDataFrame, settings: Mapping[str, Any], inputs: SitingInputs
) -> gpd.GeoDataFrame:
    """Return the footprint (analysis CRS) of one demo candidate.

    Raises
    ------
    SchemaError
        If no candidate with the requested outcome is found.
    """
    fields = spec.fields
    county = counties_m.loc[counties_m["adcode"] == str(fields["adcode"]), "geometry"].iloc[0]
    if fields.get("method", "scan") == "setback":
        candidates = setback_candidates(spec, settings, inputs)
    else:
        candidates = scan_candidates(spec, county, settings, inputs)
    found = _first_match(candidates, spec, inputs)
    if found is None:
        msg = (
            f"{fields['site_id']}: no position in county {fields['adcode']} fails exactly "
            f"{sorted(spec.expect)} (allowed {sorted(spec.allowed)}); move the anchor or "
            "widen max_candidates in demo_candidates.toml."
        )
        raise SchemaError(msg, zh=f"{fields['site_id']}：找不到符合预期结果的位置，请调整锚点。")
    return found


def build_candidates(region: Region) -> gpd.GeoDataFrame:
    """Place every demo candidate; return them in EPSG:4326 with their attributes."""
    settings = read_settings(region)
    inputs = load_siting_inputs(region, with_parcels=False)
    counties = load_counties(region)
    counties_m = counties.to_crs(inputs.layers.crs)
    short = dict(zip(counties["adcode"], counties["name_short_zh"], strict=True))
    rows = []
    for fields in settings["site"]:
        spec = DemoSpec(fields)
        found = place_candidate(spec, counties_m, settings, inputs)
        expected = ("fails: " + ", ".join(sorted(spec.expect))) if spec.expect else "passes"
        rows.append(
            {
                "site_id": fields["site_id"],
                "name_zh": fields["name"],
                "name_en": fields["name_en"],
                "county": short[str(fields["adcode"])],
                "adcode": str(fields["adcode"]),
                "dairy_cow_head": int(fields["dairy_cow_head"]),
                "expected": expected,
                "note_zh": fields["note"],
                "note_en": fields["note_en"],
                "illustrative": True,
                "geometry": found.geometry.iloc[0],
            }
        )
    placed = gpd.GeoDataFrame(rows, geometry="geometry", crs=inputs.layers.crs)
    return placed.to_crs(STORAGE_CRS).set_geometry(
        shapely.set_precision(placed.to_crs(STORAGE_CRS).geometry.values, 10**-COORD_DECIMALS)
    )


def check_candidates(candidates: gpd.GeoDataFrame, region: Region) -> list[str]:
    """Return the candidates whose gate outcome differs from ``expected`` (empty = all ok)."""
    inputs = load_siting_inputs(region, with_parcels=False)
    sites = candidates.to_crs(inputs.layers.crs)
    results = evaluate_gates(
        sites,
        inputs.layers,
        inputs.params,
        terrain=slope_stats(sites, inputs.dem) if inputs.dem else None,
    )
    settings = {f["site_id"]: DemoSpec(f) for f in read_settings(region)["site"]}
    wrong = []
    for sid in sites["site_id"]:
        failed = frozenset(g.rule for g in results[sid] if g.evaluated and not g.passed)
        if not settings[sid].matches(failed):
            wrong.append(f"{sid}: failed {sorted(failed)}, expected {sorted(settings[sid].expect)}")
    return wrong


def write_candidates(candidates: gpd.GeoDataFrame, path: Path) -> None:
    """Write the candidates as GeoJSON (EPSG:4326, coordinates to 1e-6 degree)."""
    if path.exists():
        path.unlink()
    candidates.to_file(
        path,
        driver="GeoJSON",
        layer_options={"COORDINATE_PRECISION": COORD_DECIMALS, "RFC7946": "YES"},
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Build, write and re-check the demo candidates; exit 1 on a problem."""
    parser = argparse.ArgumentParser(
        prog="python -m layers.build.demo_candidates", description=__doc__.splitlines()[0]
    )
    parser.add_argument("region", help="region id or folder")
    args = parser.parse_args(argv)
    try:
        region = load_region(args.region)
        path = region.dir / "demo_candidates.geojson"
        write_candidates(build_candidates(region), path)
        wrong = check_candidates(gpd.read_file(path), region)
    except PlannerError as err:
        sys.stderr.write(f"build_demo_candidates: {err}\n")
        return 1
    if wrong:
        sys.stderr.write(
            "build_demo_candidates: outcome changed after writing:\n" + "\n".join(wrong) + "\n"
        )
        return 1
    sys.stdout.write(f"{path}: demo candidates written and checked\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
