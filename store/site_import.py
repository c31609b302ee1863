"""Read the sites of a scenario export (`store.export`) back into the typed sites frame.

GeoPackage, GeoJSON, zipped Shapefile and XLSX carry every site column and round-trip
without loss (geometry to within 1e-9 degree). KML carries the name in ``<name>`` and the
other columns as ExtendedData; columns a KML lacks come back as missing values.
"""

from __future__ import annotations

import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Final

import pandas as pd

import geopandas as gpd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from shapely.errors import GEOSException

from errors import FileFormatError, PlannerError
from geo.crs import STORAGE_CRS
from store.export import WKT_COLUMN
from store.frame_schema import SITE_COLUMNS, normalise_sites
from store.shapefile_zip import read_sites_shp_zip

SITES_LAYER: Final[str] = "sites"


def _read_gpkg(path: Path) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(path, layer=SITES_LAYER)


def _read_vector(path: Path) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(path)


def _read_kml(path: Path) -> gpd.GeoDataFrame:
    placemarks = pyogrio.read_dataframe(path)
    placemarks = placemarks.rename(columns={"Name": "name"})
    for col in SITE_COLUMNS:
        if col not in placemarks.columns:
            placemarks[col] = None
    return placemarks


def _read_xlsx(path: Path) -> gpd.GeoDataFrame:
    # dtype=object: no inference, so text such as county code "150121" stays text
    table = pd.read_excel(path, sheet_name=SITES_LAYER, engine="openpyxl", dtype=object)
    if WKT_COLUMN not in table.columns:
        msg = (
            f"{path.name}: the {SITES_LAYER!r} sheet has no {WKT_COLUMN!r} column; import "
            "an XLSX exported by this program."
        )
        zh = f"{path.name}：{SITES_LAYER} 工作表缺少 {WKT_COLUMN} 列；请导入本程序导出的 XLSX。"
        raise FileFormatError(msg, zh=zh)
    geometry = shapely.from_wkt(table.pop(WKT_COLUMN).to_numpy(dtype=object))
    return gpd.GeoDataFrame(table, geometry=geometry, crs=STORAGE_CRS)


_READERS: Final[dict[str, Callable[[Path], gpd.GeoDataFrame]]] = {
    ".gpkg": _read_gpkg,
    ".geojson": _read_vector,
    ".json": _read_vector,
    ".kml": _read_kml,
    ".zip": read_sites_shp_zip,
    ".xlsx": _read_xlsx,
}


def import_sites(path: Path) -> gpd.GeoDataFrame:
    """Return the sites of an exported scenario file, typed like `ScenarioStore.sites`.

    Parameters
    ----------
    path
        A ``.gpkg`` (layer ``sites``), ``.geojson``, ``.kml``, ``.zip`` (Shapefile) or
        ``.xlsx`` (sheet ``sites``) written by `store.export.export_scenario`.

    Raises
    ------
    FileFormatError
        If the file is missing, of another kind, or has no sites layer/sheet.
    SchemaError
        If site columns are missing (e.g. a file not exported by this program).
    """
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        msg = (
            f"{path.name}: cannot import sites from a {path.suffix or 'suffix-less'} file; "
            f"use one of {', '.join(_READERS)}."
        )
        zh = (
            f"{path.name}：不支持从 {path.suffix or '无扩展名'} 文件导入站点，"
            f"请使用 {', '.join(_READERS)}。"
        )
        raise FileFormatError(msg, zh=zh)
    if not path.is_file():
        msg = f"{path} does not exist; check the path."
        raise FileFormatError(msg, zh=f"文件 {path} 不存在，请检查路径。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's; the checks below report
            frame = reader(path)
    except PlannerError:
        raise
    except (
        DataSourceError,
        DataLayerError,
        ValueError,
        OSError,
        KeyError,
        EOFError,
        NotImplementedError,
        zipfile.BadZipFile,
        zlib.error,
        GEOSException,  # e.g. an unclosed ring in a damaged .shp
    ) as err:  # a damaged file, whichever layer notices first
        msg = f"{path.name} cannot be read as exported sites ({err})."
        raise FileFormatError(msg, zh=f"{path.name} 无法作为导出的站点文件读取（{err}）。") from err
    # KML comes back with Z, Shapefile with clockwise exteriors: store form is 2D, CCW.
    geometry = shapely.orient_polygons(shapely.force_2d(frame.geometry.values), exterior_cw=False)
    frame = gpd.GeoDataFrame(
        frame, geometry=geometry, crs=getattr(frame, "crs", None) or STORAGE_CRS
    )
    return normalise_sites(frame, what=path.name)
