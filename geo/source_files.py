"""A bureau's own vector file, read as it comes: text encoding, CRS and datum found, not guessed.

Three things Chinese survey files often get wrong for a GIS, handled here before the usual
validation (`geo.io.read_vector`):

* **Encoding.** A Shapefile's attribute table (.dbf) written by Chinese software is GBK or
  GB18030 and often ships without the .cpg file that says so; GDAL would then read it as
  Latin-1 and the crop names would be garbage. `shapefile_encoding` reads the .cpg if present,
  otherwise decodes the .dbf's text bytes: strict UTF-8 first, then GB18030 (a superset of
  GBK and GB2312).
* **Zone-prefixed Gauss-Kruger eastings.** CGCS2000 Gauss-Kruger coordinates are often
  written with the zone number in front of the easting (38,500,000 m = zone 38, 500 km),
  and the .prj, if any, names the CM zone without the prefix. `zone_prefixed_gk_epsg` finds
  the zone from the eastings: 3-degree zones 25-45 are EPSG:4513-4533, 6-degree zones 13-23
  are EPSG:4491-4501 (the two ranges do not overlap).
* **GCJ-02 and BD-09.** Amap/Tencent lon/lat are GCJ-02, Baidu's are BD-09; the user says
  which (`SourceCrs`) and the coordinates are converted to WGS84 (`geo.gcj02`).

`read_source` returns the features in EPSG:4326 with what was found and how.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from io import StringIO
from pathlib import Path, PurePosixPath
from typing import Final

import numpy as np
import pandas as pd

import geopandas as gpd
import pyogrio
import shapely
from pyogrio import errors as ogr_errors
from pyproj import CRS

from errors import FileFormatError, MissingCrsError
from geo.archive import extract_members, list_zip_members
from geo.crs import STORAGE_CRS, crs_from_user_input
from geo.gcj02 import geometry_bd09_to_wgs84, geometry_gcj02_to_wgs84

#: Datum names a user may give instead of an EPSG code (lon/lat in that datum).
DATUM_SOURCES: Final[tuple[str, ...]] = ("gcj02", "bd09")
#: CGCS2000 Gauss-Kruger zones with the zone number in the easting: zone -> EPSG code.
GK3_ZONE_FIRST, GK3_ZONE_LAST, GK3_EPSG_FIRST = 25, 45, 4513
GK6_ZONE_FIRST, GK6_ZONE_LAST, GK6_EPSG_FIRST = 13, 23, 4491
#: An easting at or above this (metres) carries a zone prefix (a plain GK easting is < 1,000 km).
ZONE_PREFIX_MIN_EASTING_M: Final[float] = 1.0e7
_ZONE_FACTOR_M: Final[float] = 1.0e6
_SHAPEFILE_PARTS: Final[tuple[str, ...]] = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_DBF_HEADER_BYTES: Final[int] = 32
_DBF_FIELD_BYTES: Final[int] = 32
_DBF_FIELD_END: Final[int] = 0x0D
_READABLE: Final[tuple[str, ...]] = (".shp", ".zip", ".gpkg", ".geojson", ".json")
_OGR_ERRORS = (ogr_errors.DataSourceError, ogr_errors.DataLayerError, ogr_errors.FieldError)


@dataclass(frozen=True)
class EncodingFound:
    """Text encoding of a file's attributes and how it was found.

    ``how``: ``cpg`` (the .cpg file), ``sniffed`` (decoded), ``spec`` (the format is UTF-8),
    ``declared`` (given by the user).
    """

    encoding: str
    how: str


@dataclass(frozen=True)
class SourceRead:
    """A user's vector file in EPSG:4326 with the CRS and encoding that were found.

    ``crs_found`` names the source CRS (e.g. "EPSG:4526"); ``crs_how`` is ``file`` (read from
    the file), ``zone_prefix`` (found from the eastings), ``declared`` (given by the user),
    ``gcj02`` or ``bd09`` (converted from that datum).
    """

    features: gpd.GeoDataFrame
    source_name: str
    crs_found: str
    crs_name: str
    crs_how: str
    encoding: EncodingFound


def _error(en: str, zh: str) -> FileFormatError:
    return FileFormatError(en, zh=zh)


def unpack_source(path: Path, workdir: Path, *, source_name: str, max_bytes: int) -> Path:
    """Return the readable file of ``path``: itself, or the Shapefile inside a zip.

    Raises
    ------
    FileFormatError
        An unsupported extension, an unsafe zip, or a zip without exactly one Shapefile.
    """
    suffix = path.suffix.lower()
    if suffix not in _READABLE:
        listing = ", ".join(_READABLE)
        msg = (
            f"{source_name}: files of type {suffix or '(none)'} cannot be imported; use one "
            f"of {listing} (a Shapefile as .shp with its .shx/.dbf/.prj, or zipped)."
        )
        zh = f"{source_name}：不支持 {suffix or '（无扩展名）'} 类型的文件；请使用 {listing}。"
        raise _error(msg, zh)
    if suffix != ".zip":
        return path
    members = list_zip_members(path, source_name=source_name, max_uncompressed_bytes=max_bytes)
    shapes = [m for m in members if m.suffix == ".shp"]
    if len(shapes) != 1:
        msg = (
            f"{source_name} holds {len(shapes)} Shapefiles; zip exactly one layer "
            "(.shp, .shx, .dbf and .prj; .cpg if you have it)."
        )
        zh = f"{source_name} 中有 {len(shapes)} 个 Shapefile；请只压缩一个图层的文件。"
        raise _error(msg, zh)
    stem = str(PurePosixPath(shapes[0].name).with_suffix("")).lower()
    targets = {
        f"layer{m.suffix}": m
        for m in members
        if str(PurePosixPath(m.name).with_suffix("")).lower() == stem
        and m.suffix in _SHAPEFILE_PARTS
    }
    extracted = extract_members(
        path, targets, workdir, source_name=source_name, max_uncompressed_bytes=max_bytes
    )
    return extracted["layer.shp"]


def shapefile_encoding(shp: Path) -> EncodingFound:
    """Return the encoding of a Shapefile's .dbf: its .cpg if present, else sniffed.

    Sniffing decodes the field names and all record bytes: ASCII-only text is reported as
    UTF-8; valid UTF-8 as UTF-8; otherwise GB18030 if it decodes.

    Raises
    ------
    FileFormatError
        No .dbf, or text that is neither UTF-8 nor GB18030 (name the encoding with
        ``--encoding``).
    """
    cpg = _sibling(shp, ".cpg")
    if cpg is not None:
        name = cpg.read_text(encoding="ascii", errors="replace").strip()
        return EncodingFound(_normal_encoding(name), "cpg")
    dbf = _sibling(shp, ".dbf")
    if dbf is None:
        msg = f"{shp.name}: the attribute table (.dbf) is missing; copy it next to the .shp."
        zh = f"{shp.name}：缺少属性表（.dbf）文件，请将其与 .shp 放在一起。"
        raise _error(msg, zh)
    text = _dbf_text_bytes(dbf.read_bytes())
    for encoding in ("utf-8", "gb18030"):
        try:
            text.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        return EncodingFound("UTF-8" if encoding == "utf-8" else "GB18030", "sniffed")
    msg = (
        f"{shp.name}: the attribute text is neither UTF-8 nor GBK/GB18030 and there is no "
        ".cpg file; give the encoding (e.g. --encoding big5) or save the layer as UTF-8."
    )
    zh = (
        f"{shp.name}：属性文字既不是 UTF-8 也不是 GBK/GB18030，且没有 .cpg 文件；"
        "请指定编码（如 --encoding big5）或另存为 UTF-8。"
    )
    raise _error(msg, zh)


def _sibling(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def _normal_encoding(name: str) -> str:
    upper = name.upper().replace("_", "-")
    if upper in {"GBK", "CP936", "936", "GB2312", "GB18030"}:
        return "GB18030"
    return "UTF-8" if upper in {"UTF-8", "UTF8", "65001"} else name


def _dbf_text_bytes(data: bytes) -> bytes:
    """Return the field names and record bytes of a dBASE file (the text to decode)."""
    if len(data) < _DBF_HEADER_BYTES:
        return b""
    header_len = struct.unpack("<H", data[8:10])[0]
    names = []
    pos = _DBF_HEADER_BYTES
    while pos + _DBF_FIELD_BYTES <= header_len and data[pos] != _DBF_FIELD_END:
        names.append(data[pos : pos + 11].rstrip(b"\x00 "))
        pos += _DBF_FIELD_BYTES
    return b" ".join(names) + b" " + data[header_len:].rstrip(b"\x1a")


def zone_prefixed_gk_epsg(eastings_m: np.ndarray) -> int | None:
    """Return the CGCS2000 GK EPSG code of zone-prefixed ``eastings_m``, or None.

    All eastings must be at or above `ZONE_PREFIX_MIN_EASTING_M` and share one zone number
    (``easting // 1,000,000``) of a 3-degree (25-45) or 6-degree (13-23) zone.
    """
    values = np.asarray(eastings_m, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0 or values.min() < ZONE_PREFIX_MIN_EASTING_M:
        return None
    zones = np.unique(np.floor(values / _ZONE_FACTOR_M).astype(int))
    if zones.size != 1:
        return None
    zone = int(zones[0])
    if GK3_ZONE_FIRST <= zone <= GK3_ZONE_LAST:
        return GK3_EPSG_FIRST + zone - GK3_ZONE_FIRST
    if GK6_ZONE_FIRST <= zone <= GK6_ZONE_LAST:
        return GK6_EPSG_FIRST + zone - GK6_ZONE_FIRST
    return None


def read_source(
    path: Path,
    *,
    source_name: str,
    encoding: str | None = None,
    source_crs: str | None = None,
) -> SourceRead:
    """Read a user's vector file into EPSG:4326, finding its encoding and CRS.

    Parameters
    ----------
    path
        A .shp (with its parts), .gpkg or .geojson on disk (`unpack_source` for a zip).
    source_name
        File name shown in messages.
    encoding
        Text encoding of a Shapefile's attributes; None: the .cpg, else sniffed.
    source_crs
        ``gcj02`` or ``bd09`` (lon/lat in that datum, converted to WGS84), or a CRS such as
        ``EPSG:4526`` for a file without one or with a wrong one; None: the file's own CRS,
        or the zone found from zone-prefixed eastings.

    Raises
    ------
    FileFormatError
        Unreadable file, no features, undecodable text.
    MissingCrsError
        No CRS in the file, none declared and no zone prefix in the eastings.
    """
    found = _encoding_of(path, encoding)
    frame = _read(path, source_name, found.encoding)
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)].reset_index(drop=True)
    if frame.empty:
        msg = f"{source_name} has no features with a geometry; export the layer again."
        zh = f"{source_name} 中没有带几何图形的要素，请重新导出图层。"
        raise _error(msg, zh)
    crs, how = _source_crs(frame, source_name, source_crs)
    frame = frame.set_crs(crs, allow_override=True)
    if how in DATUM_SOURCES:
        convert = geometry_gcj02_to_wgs84 if how == "gcj02" else geometry_bd09_to_wgs84
        frame = frame.set_geometry(
            gpd.GeoSeries([convert(g) for g in frame.geometry], crs=STORAGE_CRS)
        )
    else:
        frame = frame.to_crs(STORAGE_CRS)
    return SourceRead(frame, source_name, _crs_code(crs), crs.name, how, found)


def _encoding_of(path: Path, encoding: str | None) -> EncodingFound:
    if encoding is not None:
        return EncodingFound(_normal_encoding(encoding), "declared")
    if path.suffix.lower() == ".shp":
        return shapefile_encoding(path)
    return EncodingFound("UTF-8", "spec")  # GeoPackage and GeoJSON text is UTF-8 by spec


def _read(path: Path, source_name: str, encoding: str) -> gpd.GeoDataFrame:
    try:
        frame = pyogrio.read_dataframe(
            path, encoding=encoding if path.suffix.lower() == ".shp" else None
        )
    except (*_OGR_ERRORS, LookupError) as err:
        msg = f"{source_name} cannot be read ({err}); open it in QGIS and export it again."
        zh = f"{source_name} 无法读取（{err}）；请在 QGIS 中打开后重新导出。"
        raise _error(msg, zh) from err
    if not isinstance(frame, gpd.GeoDataFrame):
        msg = f"{source_name} holds a table without geometry; import a map layer."
        zh = f"{source_name} 只有表格没有几何图形，请导入图层文件。"
        raise _error(msg, zh)
    return frame


def _source_crs(frame: gpd.GeoDataFrame, source_name: str, declared: str | None) -> tuple[CRS, str]:
    if declared is not None and declared.lower() in DATUM_SOURCES:
        return CRS.from_user_input(STORAGE_CRS), declared.lower()
    if declared is not None:
        return crs_from_user_input(declared), "declared"
    eastings = shapely.get_coordinates(frame.geometry.to_numpy())[:, 0]
    zone_epsg = zone_prefixed_gk_epsg(eastings)
    if zone_epsg is not None:
        same = frame.crs is not None and CRS.from_user_input(frame.crs).to_epsg() == zone_epsg
        return CRS.from_epsg(zone_epsg), "file" if same else "zone_prefix"
    if frame.crs is not None:
        return CRS.from_user_input(frame.crs), "file"
    msg = (
        f"{source_name} has no CRS (.prj missing) and its eastings carry no zone number; "
        "give the CRS, e.g. --source-crs EPSG:4545 (Gauss-Kruger CM 108E) or EPSG:4326."
    )
    zh = (
        f"{source_name} 没有坐标系（缺少 .prj），东坐标也不带带号；请指定坐标系，"
        "如 --source-crs EPSG:4545（高斯-克吕格 CM 108E）或 EPSG:4326。"
    )
    raise MissingCrsError(msg, zh=zh)


def _crs_code(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg is not None else crs.to_string()


def read_table(
    path: Path, *, source_name: str, encoding: str | None = None
) -> tuple[pd.DataFrame, EncodingFound]:
    """Read a CSV table as text columns, finding UTF-8 (with or without BOM) or GB18030.

    Raises
    ------
    FileFormatError
        Text in neither encoding, or not a CSV.
    """
    data = path.read_bytes()
    candidates = [_normal_encoding(encoding)] if encoding else ["utf-8-sig", "gb18030"]
    for name in candidates:
        try:
            text = data.decode(name, errors="strict")
        except (UnicodeDecodeError, LookupError):
            continue
        try:
            table = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            msg = f"{source_name} is not a readable CSV table ({err})."
            zh = f"{source_name} 不是可读取的 CSV 表格（{err}）。"
            raise _error(msg, zh) from err
        label = "UTF-8" if name == "utf-8-sig" else name.upper()
        return table, EncodingFound(label, "declared" if encoding else "sniffed")
    msg = f"{source_name}: the text is neither UTF-8 nor GBK/GB18030; save it as UTF-8 CSV."
    zh = f"{source_name}：文字既不是 UTF-8 也不是 GBK/GB18030，请另存为 UTF-8 CSV。"
    raise _error(msg, zh)
