"""Export one scenario for other programs: GeoPackage (QGIS), GeoJSON, KML, zipped
Shapefile and XLSX tables. `store.site_import.import_sites` reads the sites back.

Every export is written to a temporary file next to ``out`` and renamed over it at the end,
so an interrupted export never leaves a half-written file under the requested name.
Geometry is EPSG:4326; every numeric column name carries its unit (``area_mu``,
``n_kg_per_yr``); results passed in are checked for that.
"""

from __future__ import annotations

import dataclasses
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import pandas as pd

import geopandas as gpd
import pyogrio
import shapely

from errors import MissingCrsError, ParameterError, SchemaError
from geo.crs import STORAGE_CRS
from problems import Problems
from store.county_totals import county_totals
from store.kml_description import site_descriptions
from store.records import ScenarioSnapshot
from store.scenario_store import ScenarioRef, ScenarioStore
from store.shapefile_zip import write_sites_shp_zip

ExportFormat = Literal["gpkg", "geojson", "kml", "shp_zip", "xlsx"]
EXPORT_FORMATS: Final[tuple[str, ...]] = ("gpkg", "geojson", "kml", "shp_zip", "xlsx")
SUFFIXES: Final[dict[str, str]] = {
    "gpkg": ".gpkg",
    "geojson": ".geojson",
    "kml": ".kml",
    "shp_zip": ".zip",
    "xlsx": ".xlsx",
}
#: Layer/sheet names the export writes itself.
FIXED_TABLES: Final[tuple[str, ...]] = ("scenario", "sites", "allocations", "county_totals")
#: Column of the XLSX sites sheet holding the footprint (full-precision WKT, EPSG:4326).
WKT_COLUMN: Final[str] = "geometry_wkt"
#: Accepted last name parts of numeric columns: a unit, or a count/identifier/score marker.
UNIT_SUFFIXES: Final[frozenset[str]] = frozenset(
    {
        "m",
        "km",
        "m2",
        "km2",
        "ha",
        "mu",
        "kg",
        "t",
        "m3",
        "l",
        "head",
        "frac",
        "pct",
        "yr",
        "day",
        "deg",
        "year",
        "count",
        "pe",
        "pts",
        "score",
        "rank",
        "id",
        "code",
        "version",
    }
)
_RESULT_NAME = re.compile(r"[a-z][a-z0-9_]{0,30}")
_XLSX_CELL_CHARS: Final[int] = 32_767
_GEOJSON_DECIMALS: Final[int] = 15  # GDAL default for RFC 7946 is 7 (~1 cm); keep all


@dataclass(frozen=True)
class _Content:
    snapshot: ScenarioSnapshot
    results: Mapping[str, pd.DataFrame]
    labels: Mapping[str, str] = field(default_factory=dict)

    def scenario_table(self) -> pd.DataFrame:
        return pd.DataFrame([dataclasses.asdict(self.snapshot.scenario)])


def export_scenario(
    store: ScenarioStore,
    scenario: ScenarioRef,
    out: Path,
    fmt: ExportFormat,
    *,
    results: Mapping[str, pd.DataFrame] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Path:
    """Write a scenario to ``out`` in ``fmt``; return ``out``.

    Parameters
    ----------
    store, scenario
        The store and the scenario (name, id or `Scenario`); read in one transaction.
    out
        Target file; its suffix must match ``fmt`` (.gpkg, .geojson, .kml, .zip, .xlsx).
        An existing file is replaced.
    fmt
        ``gpkg``: layers scenario, sites, allocations, county_totals and each result.
        ``geojson``: the sites. ``kml``: the sites, name and key figures in the description.
        ``shp_zip``: the sites as a zipped Shapefile with a column-name mapping.
        ``xlsx``: sheets scenario, sites (footprint as WKT), allocations, county_totals and
        each result.
    results
        Extra tables by name (lower-case identifier), e.g. per-site scores or parcel use; a
        GeoDataFrame becomes a spatial layer (EPSG:4326). Numeric column names must carry a
        unit (`UNIT_SUFFIXES`). Tables with a unique ``site_id`` column add their figures to
        the KML descriptions.
    labels
        Display labels by column name for the KML descriptions (e.g. from ``ui/labels.py``).

    Raises
    ------
    ParameterError
        Unknown format, wrong suffix, bad result names, or values a format cannot hold.
    SchemaError
        Numeric result columns without a unit in their name.
    """
    out = Path(out)
    _check_target(out, fmt)
    results = dict(results or {})
    _check_results(results)
    content = _Content(store.scenario_snapshot(scenario), results, dict(labels or {}))
    tmp = out.with_name(f".{out.stem}.{uuid.uuid4().hex}.part{out.suffix}")
    try:
        _WRITERS[fmt](tmp, content)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _check_target(out: Path, fmt: str) -> None:
    if fmt not in SUFFIXES:
        msg = f"Export format {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}."
        raise ParameterError(msg, zh=f"导出格式 {fmt!r} 不在 {', '.join(EXPORT_FORMATS)} 之中。")
    if out.suffix.lower() != SUFFIXES[fmt]:
        msg = f"Export file {out.name} must end with {SUFFIXES[fmt]} for format {fmt!r}; rename it."
        zh = f"格式 {fmt!r} 的导出文件 {out.name} 须以 {SUFFIXES[fmt]} 结尾。"
        raise ParameterError(msg, zh=zh)


def _check_results(results: Mapping[str, pd.DataFrame]) -> None:
    problems = Problems("export results", "导出结果")
    for name, frame in results.items():
        if not _RESULT_NAME.fullmatch(name) or name in FIXED_TABLES:
            problems.add(
                f"name {name!r} must be a lower-case identifier of at most 31 "
                f"characters other than {', '.join(FIXED_TABLES)}",
                f"名称 {name!r} 须为不超过 31 个字符的小写标识，且不能为 {', '.join(FIXED_TABLES)}",
            )
        elif isinstance(frame, gpd.GeoDataFrame) and frame.crs is None:
            msg = f"Result {name!r} has no CRS; set it (e.g. set_crs('EPSG:4546')) first."
            raise MissingCrsError(msg, zh=f"结果 {name!r} 没有坐标系，请先设置。")
    problems.raise_if_any()
    for name, frame in results.items():
        numeric = [c for c in frame.columns if c != "geometry" and _is_number(frame[c])]
        unitless = [c for c in numeric if str(c).rsplit("_", 1)[-1] not in UNIT_SUFFIXES]
        if unitless:
            problems.add(
                f"{name}: numeric column(s) {', '.join(map(str, unitless))} have no "
                "unit in their name; rename them like area_mu, n_kg_per_yr, haul_km",
                f"{name}：数值列 {'、'.join(map(str, unitless))} 的名称缺少单位",
            )
    problems.raise_if_any(SchemaError)


def _is_number(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _result_frames(content: _Content) -> dict[str, pd.DataFrame]:
    frames: dict[str, pd.DataFrame] = {}
    for name, frame in content.results.items():
        if isinstance(frame, gpd.GeoDataFrame):
            frame = frame.to_crs(STORAGE_CRS)
        frames[name] = frame.reset_index(drop=True)
    return frames


def _write_gpkg(path: Path, content: _Content) -> None:
    snap = content.snapshot
    tables: dict[str, pd.DataFrame] = {
        "scenario": content.scenario_table(),
        "sites": snap.sites,
        "allocations": snap.allocations,
        "county_totals": county_totals(snap.sites, snap.allocations),
        **_result_frames(content),
    }
    for layer, frame in tables.items():
        pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")


def _write_geojson(path: Path, content: _Content) -> None:
    pyogrio.write_dataframe(
        content.snapshot.sites,
        path,
        layer="sites",
        driver="GeoJSON",
        layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": _GEOJSON_DECIMALS},
    )


def _key_figures(content: _Content) -> pd.DataFrame:
    site_ids = pd.Index(content.snapshot.sites["site_id"], name="site_id")
    figures = pd.DataFrame(index=site_ids)
    for frame in content.results.values():
        if "site_id" in frame.columns and frame["site_id"].is_unique:
            extra = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
            figures = figures.join(extra.set_index("site_id"), how="left")
    return figures


def _write_kml(path: Path, content: _Content) -> None:
    sites = content.snapshot.sites.copy()
    sites["description"] = site_descriptions(sites, _key_figures(content), content.labels)
    pyogrio.write_dataframe(
        sites,
        path,
        layer="sites",
        driver="KML",
        dataset_options={"NameField": "name", "DescriptionField": "description"},
    )


def _write_shp_zip(path: Path, content: _Content) -> None:
    write_sites_shp_zip(content.snapshot.sites, path)


def _with_wkt(frame: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(frame, gpd.GeoDataFrame):
        return frame
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    table[WKT_COLUMN] = shapely.to_wkt(frame.geometry.values, rounding_precision=-1)
    lengths = table[WKT_COLUMN].str.len()
    if (lengths > _XLSX_CELL_CHARS).any():
        msg = (
            f"A footprint has {int(lengths.max()):,} characters of WKT; an XLSX cell holds "
            f"{_XLSX_CELL_CHARS:,}. Simplify the polygon or export as GeoPackage."
        )
        zh = (
            f"占地范围的 WKT 有 {int(lengths.max()):,} 个字符，超过 XLSX 单元格上限；"
            "请简化或导出为 GeoPackage。"
        )
        raise ParameterError(msg, zh=zh)
    return table


def _write_xlsx(path: Path, content: _Content) -> None:
    snap = content.snapshot
    sheets = {
        "scenario": content.scenario_table(),
        "sites": _with_wkt(snap.sites),
        "allocations": snap.allocations,
        "county_totals": county_totals(snap.sites, snap.allocations),
        **{k: _with_wkt(v) for k, v in _result_frames(content).items()},
    }
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)


_WRITERS: Final[dict[str, Callable[[Path, _Content], None]]] = {
    "gpkg": _write_gpkg,
    "geojson": _write_geojson,
    "kml": _write_kml,
    "shp_zip": _write_shp_zip,
    "xlsx": _write_xlsx,
}
