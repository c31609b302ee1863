"""Sites as a zipped ESRI Shapefile, with the 10-character field names mapped back on import.

DBF field names hold at most 10 characters, so long column names get fixed short names
(`SHAPEFILE_NAMES`). The zip carries ``sites_columns.csv`` (``shapefile_name,column``) so
that people opening it in QGIS see what each field means, and `read_sites_shp_zip` uses it
to restore the long names. Text is UTF-8 (``.cpg``); DBF text fields hold 254 bytes.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Final

import geopandas as gpd
import pyogrio

from errors import FileFormatError, ParameterError
from geo.archive import list_zip_members
from geo.io import DEFAULT_MAX_BYTES, ZIP_EXPANSION_LIMIT

LAYER: Final[str] = "sites"
MAPPING_FILE: Final[str] = "sites_columns.csv"
DBF_TEXT_BYTES: Final[int] = 254
SHAPEFILE_NAMES: Final[dict[str, str]] = {
    "site_id": "site_id",
    "scenario_id": "scenario",
    "name": "name",
    "status": "status",
    "start_year": "start_year",
    "dairy_cow_head": "cow_head",
    "beef_cattle_head": "beef_head",
    "sheep_head": "sheep_head",
    "goat_head": "goat_head",
    "manure_route": "manure_rt",
    "haul_radius_km": "haul_r_km",
    "footprint_source": "footprint",
    "county_code": "county",
    "note": "note",
    "source_id": "source_id",
    "origin_site_id": "origin_id",
    "version": "version",
    "created_at": "created_at",
    "created_by": "created_by",
    "updated_at": "updated_at",
    "updated_by": "updated_by",
}


def _check_text_widths(sites: gpd.GeoDataFrame) -> None:
    too_long = []
    for col in sites.columns.drop("geometry"):
        if sites[col].dtype == "str":
            sizes = sites[col].dropna().map(lambda v: len(v.encode("utf-8")))
            too_long += [
                f"{col} of site {sites.loc[i, 'name']!r} ({n} bytes)"
                for i, n in sizes[sizes > DBF_TEXT_BYTES].items()
            ]
    if too_long:
        msg = (
            f"A Shapefile text field holds {DBF_TEXT_BYTES} bytes; too long: "
            f"{', '.join(too_long)}. Shorten the text or export as GeoPackage."
        )
        zh = (
            f"Shapefile 文本字段最多 {DBF_TEXT_BYTES} 字节，超长：{'、'.join(too_long)}。"
            "请缩短或导出为 GeoPackage。"
        )
        raise ParameterError(msg, zh=zh)


def write_sites_shp_zip(sites: gpd.GeoDataFrame, out: Path) -> None:
    """Write ``sites`` (typed, EPSG:4326) as ``sites.shp`` and its mapping into zip ``out``."""
    _check_text_widths(sites)
    short = sites.rename(columns=SHAPEFILE_NAMES)
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / f"{LAYER}.shp"
        pyogrio.write_dataframe(short, shp, driver="ESRI Shapefile", encoding="UTF-8")
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(tmp).iterdir()):
                archive.write(part, part.name)
            archive.writestr(MAPPING_FILE, _mapping_csv())


def _mapping_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["shapefile_name", "column"])
    writer.writerows((short, long) for long, short in SHAPEFILE_NAMES.items())
    return buffer.getvalue()


def read_sites_shp_zip(path: Path) -> gpd.GeoDataFrame:
    """Read ``sites.shp`` from zip ``path`` with the long column names restored.

    The archive passes `geo.archive.list_zip_members` first (member paths, count,
    encryption, unpacked size and compression ratio), as every uploaded zip does.

    Raises
    ------
    FileFormatError
        Not a zip, an unsafe zip, or no ``sites.shp`` in it.
    """
    list_zip_members(
        path,
        source_name=path.name,
        max_uncompressed_bytes=DEFAULT_MAX_BYTES * ZIP_EXPANSION_LIMIT,
    )
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if f"{LAYER}.shp" not in names:
            msg = (
                f"{path.name} holds no {LAYER}.shp (files: {', '.join(sorted(names))}); "
                "import a zip exported by this program."
            )
            zh = f"{path.name} 中没有 {LAYER}.shp；请导入本程序导出的压缩包。"
            raise FileFormatError(msg, zh=zh)
        mapping = dict(SHAPEFILE_NAMES.items())
        if MAPPING_FILE in names:
            rows = csv.DictReader(io.StringIO(archive.read(MAPPING_FILE).decode("utf-8")))
            mapping = {row["column"]: row["shapefile_name"] for row in rows}
    sites = pyogrio.read_dataframe(f"/vsizip/{path.resolve()}/{LAYER}.shp")
    return sites.rename(columns={short: long for long, short in mapping.items()})
