"""Typed frames of sites and allocations: one column order and dtype set for the store,
its exports and their imports, so that a round trip compares equal.

Dtypes: counts and years ``Int64`` (nullable), quantities ``float64``, text ``str`` with
missing values as NA (an empty string counts as missing). Geometry is EPSG:4326.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import pandas as pd

import geopandas as gpd

from errors import SchemaError
from geo.crs import STORAGE_CRS
from store.records import HERD_COLUMNS, SiteRecord

SITE_COLUMNS: Final[tuple[str, ...]] = (
    "site_id",
    "scenario_id",
    "name",
    "status",
    "start_year",
    *HERD_COLUMNS,
    "manure_route",
    "haul_radius_km",
    "footprint_source",
    "county_code",
    "note",
    "source_id",
    "origin_site_id",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
)
#: Site columns a file written before they existed may lack (read as missing values).
OPTIONAL_SITE_COLUMNS: Final[tuple[str, ...]] = ("source_id",)
#: Site columns every sites frame and every export of one carries.
REQUIRED_SITE_COLUMNS: Final[tuple[str, ...]] = tuple(
    c for c in SITE_COLUMNS if c not in OPTIONAL_SITE_COLUMNS
)
_SITE_INT_COLUMNS: Final[tuple[str, ...]] = ("start_year", *HERD_COLUMNS, "version")
_SITE_FLOAT_COLUMNS: Final[tuple[str, ...]] = ("haul_radius_km",)

#: Columns a caller provides to `ScenarioStore.save_allocations` (county_code may be missing).
ALLOCATION_INPUT_COLUMNS: Final[tuple[str, ...]] = (
    "site_id",
    "parcel_id",
    "county_code",
    "share_frac",
    "area_mu",
    "n_kg_per_yr",
    "p_kg_per_yr",
    "haul_km",
)
ALLOCATION_NUMBER_COLUMNS: Final[tuple[str, ...]] = (
    "share_frac",
    "area_mu",
    "n_kg_per_yr",
    "p_kg_per_yr",
    "haul_km",
)
ALLOCATION_COLUMNS: Final[tuple[str, ...]] = (
    "scenario_id",
    *ALLOCATION_INPUT_COLUMNS,
    "computed_at",
    "computed_by",
)


def _typed(
    frame: pd.DataFrame, columns: Sequence[str], ints: Sequence[str], floats: Sequence[str]
) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for col in columns:
        values = frame[col].reset_index(drop=True)
        if col in ints:
            out[col] = pd.to_numeric(values.replace("", None)).astype("Int64")
        elif col in floats:
            out[col] = pd.to_numeric(values.replace("", None)).astype("float64")
        else:
            text = values.astype("object").where(values.notna(), None)
            out[col] = text.map(_text_or_none).astype("str")
    return out


def _text_or_none(value: object) -> str | None:
    if _is_missing(value):
        return None
    if isinstance(value, datetime):  # GDAL parses ISO times in GeoJSON and GPKG DATETIME
        return format_utc(value)
    return str(value) if str(value) != "" else None


def format_utc(moment: datetime) -> str:
    """Return ``moment`` as the store's time text: UTC ISO 8601 with milliseconds and 'Z'.

    A naive datetime is taken to be UTC already.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise SchemaError naming every column of ``columns`` missing from ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = (
            f"{what} lacks the column(s) {', '.join(missing)} (has: "
            f"{', '.join(map(str, frame.columns))}). Export it from this program again, or "
            "add the columns."
        )
        zh = f"{what} 缺少列：{'、'.join(missing)}。请用本程序重新导出或补齐这些列。"
        raise SchemaError(msg, zh=zh)


def normalise_sites(frame: pd.DataFrame, *, what: str = "sites") -> gpd.GeoDataFrame:
    """Return the site columns of ``frame`` in store order and dtypes, EPSG:4326."""
    require_columns(frame, (*REQUIRED_SITE_COLUMNS, "geometry"), what)
    missing = [c for c in OPTIONAL_SITE_COLUMNS if c not in frame.columns]
    frame = frame.assign(**dict.fromkeys(missing)) if missing else frame
    typed = _typed(frame, SITE_COLUMNS, _SITE_INT_COLUMNS, _SITE_FLOAT_COLUMNS)
    geometry = gpd.GeoSeries(list(frame["geometry"]), crs=getattr(frame, "crs", None))
    if geometry.crs is None:
        geometry = geometry.set_crs(STORAGE_CRS)
    if not geometry.crs.equals(STORAGE_CRS):
        geometry = geometry.to_crs(STORAGE_CRS)
    return gpd.GeoDataFrame(typed, geometry=geometry.values, crs=STORAGE_CRS)


def sites_frame(records: Iterable[SiteRecord]) -> gpd.GeoDataFrame:
    """Return the records as a typed GeoDataFrame (EPSG:4326, columns `SITE_COLUMNS`)."""
    records = list(records)
    rows = {col: [getattr(r, col) for r in records] for col in SITE_COLUMNS}
    rows["geometry"] = [r.geometry for r in records]
    frame = pd.DataFrame(rows, columns=[*SITE_COLUMNS, "geometry"], dtype="object")
    return normalise_sites(frame)


def site_records(sites: pd.DataFrame) -> list[SiteRecord]:
    """Return one `SiteRecord` per row of a typed sites frame (NA -> None)."""
    fields = {f.name for f in dataclasses.fields(SiteRecord)}
    records = []
    for row in sites.to_dict("records"):
        # one row of mixed column types, keyed by SiteRecord field name
        values: dict[str, Any] = {
            str(k): (None if _is_missing(v) else v) for k, v in row.items() if k in fields
        }
        for col in HERD_COLUMNS:
            values[col] = 0 if values[col] is None else int(values[col])
        values["version"] = 0 if values["version"] is None else int(values["version"])
        if values["start_year"] is not None:
            values["start_year"] = int(values["start_year"])
        records.append(SiteRecord(**values))
    return records


def _is_missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def normalise_allocations(frame: pd.DataFrame, *, what: str = "allocations") -> pd.DataFrame:
    """Return the allocation columns of ``frame`` in store order and dtypes."""
    require_columns(frame, ALLOCATION_COLUMNS, what)
    return _typed(frame, ALLOCATION_COLUMNS, (), ALLOCATION_NUMBER_COLUMNS)
