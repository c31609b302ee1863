"""Vector file formats the planner reads: a small registry keyed by file extension.

A format is a `VectorFormat`: its extensions, a reader turning a file on disk into a
GeoDataFrame in the file's own CRS (None when the file declares none), and a hint telling the
user how to give such a file a CRS. Readers only read; `geo.io.read_vector` validates.
Add a format by writing a reader and calling `register_vector_format`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

import geopandas as gpd
import pyogrio
import shapely
from pyogrio import errors as ogr_errors
from shapely.errors import GEOSException

from errors import FileFormatError, InvalidGeometryError, MissingCrsError, SchemaError
from geo.archive import ZipMember, extract_members, list_zip_members
from geo.catalogued import catalogued
from geo.crs import STORAGE_CRS
from geo.validate import GeometryKind, kind_name, reduce_to_kind
from locales import Message

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

_OGR_ERRORS = (
    ogr_errors.DataSourceError,
    ogr_errors.DataLayerError,
    ogr_errors.FieldError,
    ogr_errors.GeometryError,
    ogr_errors.FeatureError,
    GEOSException,  # shapely decoding what GDAL passed through, e.g. an unclosed ring
)
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_SHAPEFILE_REQUIRED = (".shx", ".dbf")
_LON_NAMES = ("lon", "lng", "long", "longitude", "经度")
_LAT_NAMES = ("lat", "latitude", "纬度")
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_GDAL_SOURCE_LOCATION = re.compile(r"\S+\.(?:cpp|c|h), \d+: ")
_ARCHIVE_SUFFIXES = (".zip", ".kmz", ".7z", ".rar", ".gz", ".tar", ".tgz")
#: DBF header: byte 29 is the language driver id (0 = none), bytes 8-9 the header length.
_DBF_LDID_OFFSET = 29
_DBF_HEADER_LENGTH = slice(8, 10)
_DBF_SAMPLE_BYTES = 1 << 20


@dataclass(frozen=True)
class ReadRequest:
    """What the caller of `read_vector` asked for, as far as readers need it."""

    source_name: str
    geometry_kind: GeometryKind
    layer: str | None
    workdir: Path
    max_uncompressed_bytes: int


@dataclass(frozen=True)
class RawVector:
    """A file's features in its own CRS (``frame.crs`` None if it has none), plus notes.

    ``notes`` are catalogue messages (``input.note.*``, ``input.dbf_gbk``).
    """

    frame: gpd.GeoDataFrame
    notes: tuple[Message, ...] = ()


Reader = Callable[[Path, ReadRequest], RawVector]


@dataclass(frozen=True)
class VectorFormat:
    """A readable vector format: name, extensions (".kml"), reader and missing-CRS hint.

    ``crs_hint`` says how to give a file of this format a CRS (a clause such as "include
    the .prj file in the zip", catalogue key ``input.crs_hint.<format>``); `read_vector`
    adds "or declare the CRS".
    """

    name: str
    extensions: tuple[str, ...]
    reader: Reader
    crs_hint: Message


_FORMATS: dict[str, VectorFormat] = {}


def register_vector_format(fmt: VectorFormat) -> None:
    """Make ``fmt`` readable by `geo.io.read_vector` under each of its extensions."""
    for ext in fmt.extensions:
        _FORMATS[ext.lower()] = fmt


def supported_extensions() -> tuple[str, ...]:
    """Return the registered extensions, sorted (e.g. ``(".csv", ".dxf", ...)``)."""
    return tuple(sorted(_FORMATS))


def vector_format_for(filename: str, *, source_name: str) -> VectorFormat:
    """Return the format registered for the extension of ``filename``.

    Raises
    ------
    FileFormatError
        If the extension is not registered; the message lists the supported ones.
    """
    ext = PurePosixPath(filename).suffix.lower()
    if ext in _FORMATS:
        return _FORMATS[ext]
    raise catalogued(
        FileFormatError,
        "input.unsupported_type",
        file=source_name,
        ext=ext or "(none)",
        listing=", ".join(supported_extensions()),
        zh_values={"ext": ext or "（无扩展名）"},
    )


# --- shared helpers -------------------------------------------------------------------


def _gdal_detail(err: Exception, path: Path, source_name: str) -> str:
    """Return GDAL's reason without temp paths or driver hints, as ' (reason)' or ''.

    GDAL's "not recognized as being in a supported file format" and its "prefix the path
    with '<DRIVER>:'" hint only repeat what the message already says and name a temporary
    file the user never saw, so they are dropped.
    """
    text = str(err).replace(str(path), source_name)
    text = _GDAL_SOURCE_LOCATION.sub("", text)  # "/.../ogrdxflayer.cpp, 3684: "
    text = text.split("; It might help")[0].strip().rstrip(".;")
    if "not recognized as being in a supported file format" in text or not text:
        return ""
    return f" ({text})"


def _unreadable(err: Exception, path: Path, source_name: str, format_name: str) -> FileFormatError:
    """Return the error for a file GDAL cannot read as ``format_name``."""
    return catalogued(
        FileFormatError,
        "input.unreadable",
        file=source_name,
        format=format_name,
        detail=_gdal_detail(err, path, source_name),
    )


def read_layer(
    path: Path,
    layer: str | None,
    *,
    source_name: str,
    format_name: str,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one layer with pyogrio; unreadable geometries become None (reported later).

    GDAL's warnings on the way (unsupported geometry type, unclosed ring, bad GeoPackage
    application id ...) are not passed on: what they concern is reported by validation
    in one message. ``encoding`` overrides the text encoding GDAL would use (Shapefile).

    Raises
    ------
    FileFormatError
        The file is corrupt, not of ``format_name``, or has no geometry column.
    MissingCrsError
        The file declares a CRS that GDAL cannot interpret.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(
                path, layer=layer, on_invalid="ignore", encoding=encoding
            )
    except ogr_errors.CRSError as err:
        msg = (
            f"{source_name}: the CRS stored in the file cannot be interpreted ({err}). "
            "Declare the CRS (e.g. EPSG:4546) or export the file again from your GIS."
        )
        zh = (
            f"{source_name}：无法解析文件中的坐标系（{err}）。"
            "请声明坐标系（如 EPSG:4546）或重新导出。"
        )
        raise MissingCrsError(msg, zh=zh) from err
    except (*_OGR_ERRORS, UnicodeDecodeError) as err:  # names that are not UTF-8
        raise _unreadable(err, path, source_name, format_name) from err
    if not isinstance(frame, gpd.GeoDataFrame):
        msg = f"{source_name} has no geometry: it holds a table only. Upload a map layer."
        zh = f"{source_name} 没有几何图形，只是一张表。请上传图层文件。"
        raise FileFormatError(msg, zh=zh)
    return frame


def spatial_layers(path: Path, *, source_name: str, format_name: str) -> list[str]:
    """Return the names of the layers of ``path`` that have a geometry column."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            layers = pyogrio.list_layers(path)
    except (*_OGR_ERRORS, UnicodeDecodeError) as err:
        raise _unreadable(err, path, source_name, format_name) from err
    return [str(name) for name, geom_type in layers if geom_type is not None]


def choose_layer(
    available: Sequence[str], wanted: str | None, *, source_name: str, what: tuple[str, str]
) -> str:
    """Return ``wanted`` if available, or the only layer; otherwise explain the choice.

    ``what`` names the thing chosen in English and Chinese, e.g. ("layer", "图层").

    Raises
    ------
    FileFormatError
        No layer; several layers and none chosen; or ``wanted`` not among them.
    """
    listing = ", ".join(available)
    if wanted is not None and wanted in available:
        return wanted
    if wanted is None and len(available) == 1:
        return available[0]
    if not available:
        msg = f"{source_name} contains no {what[0]} with geometry. Upload a map layer."
        zh = f"{source_name} 中没有包含几何图形的{what[1]}。请上传图层文件。"
    elif wanted is None:
        msg = (
            f"{source_name} contains {len(available)} {what[0]}s ({listing}); "
            f"choose one (layer=...) or upload a file with only one."
        )
        zh = (
            f"{source_name} 含 {len(available)} 个{what[1]}（{listing}），"
            f"请选择其中一个，或上传只含一个{what[1]}的文件。"
        )
    else:
        msg = f"{source_name} has no {what[0]} named '{wanted}'; it has: {listing}."
        zh = f"{source_name} 中没有名为“{wanted}”的{what[1]}，现有：{listing}。"
    raise FileFormatError(msg, zh=zh)


# --- readers --------------------------------------------------------------------------


def _read_single(path: Path, req: ReadRequest, format_name: str) -> RawVector:
    layers = spatial_layers(path, source_name=req.source_name, format_name=format_name)
    layer = choose_layer(layers, req.layer, source_name=req.source_name, what=("layer", "图层"))
    return RawVector(read_layer(path, layer, source_name=req.source_name, format_name=format_name))


def read_geojson(path: Path, req: ReadRequest) -> RawVector:
    """Read a GeoJSON file (lon/lat WGS84 by RFC 7946 unless it names another CRS)."""
    return _read_single(path, req, "GeoJSON")


def read_geopackage(path: Path, req: ReadRequest) -> RawVector:
    """Read one spatial layer of a GeoPackage (``req.layer`` when it has several)."""
    return _read_single(path, req, "GeoPackage")


def require_safe_xml(path: Path, source_name: str) -> None:
    """Refuse XML with a DOCTYPE or entity declarations, and XML that is not well-formed.

    KML never needs a DTD; one is how XXE (reading the server's files) and entity expansion
    ("billion laughs") attacks start. The check streams the file with defusedxml, which
    stops at the first DOCTYPE, before GDAL's parser sees anything.

    Raises
    ------
    FileFormatError
        With the reason (DTD forbidden, entity forbidden, or the syntax error).
    """
    try:
        for _, element in iterparse(path, forbid_dtd=True, forbid_entities=True):
            element.clear()
    except DefusedXmlException as err:
        raise catalogued(
            FileFormatError, "input.kml_unsafe", file=source_name, reason=type(err).__name__
        ) from err
    except (ParseError, LookupError, ValueError) as err:  # LookupError: unknown encoding
        raise catalogued(
            FileFormatError, "input.kml_not_xml", file=source_name, reason=str(err)
        ) from err


def read_kml(path: Path, req: ReadRequest) -> RawVector:
    """Read a KML file: every folder (layer) combined, or only ``req.layer`` if given."""
    require_safe_xml(path, req.source_name)
    layers = spatial_layers(path, source_name=req.source_name, format_name="KML")
    if req.layer is not None:
        layers = [
            choose_layer(layers, req.layer, source_name=req.source_name, what=("folder", "文件夹"))
        ]
    frames = [
        read_layer(path, name, source_name=req.source_name, format_name="KML") for name in layers
    ]
    filled = [(name, f) for name, f in zip(layers, frames, strict=True) if len(f)]
    if len(filled) <= 1:
        return RawVector(filled[0][1] if filled else frames[0] if frames else _empty())
    combined = gpd.GeoDataFrame(
        pd.concat([f for _, f in filled], ignore_index=True), crs=filled[0][1].crs
    )
    names = ", ".join(name for name, _ in filled)
    note = Message.of("input.note.kml_folders", count=len(filled), names=names)
    return RawVector(combined, (note,))


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=STORAGE_CRS))


def read_kmz(path: Path, req: ReadRequest) -> RawVector:
    """Read a KMZ (zipped KML): its ``doc.kml``, or else the first .kml in the archive."""
    members = list_zip_members(
        path, source_name=req.source_name, max_uncompressed_bytes=req.max_uncompressed_bytes
    )
    kmls = [m for m in members if m.suffix == ".kml"]
    if not kmls:
        _refuse_nested(members, req.source_name)
        raise catalogued(FileFormatError, "input.kmz_no_kml", file=req.source_name)
    root = next((m for m in kmls if m.name.lower() == "doc.kml"), kmls[0])
    extracted = extract_members(
        path,
        {"doc.kml": root},
        req.workdir,
        source_name=req.source_name,
        max_uncompressed_bytes=req.max_uncompressed_bytes,
    )
    return read_kml(extracted["doc.kml"], req)


def _shapefile_key(member: ZipMember) -> str:
    return str(PurePosixPath(member.name).with_suffix(""))


def read_zipped_shapefile(path: Path, req: ReadRequest) -> RawVector:
    """Read a Shapefile from a zip (.shp/.shx/.dbf required, .prj for the CRS).

    With several shapefiles in the zip, ``req.layer`` picks one by name (with or without its
    folder inside the zip).
    """
    members = list_zip_members(
        path, source_name=req.source_name, max_uncompressed_bytes=req.max_uncompressed_bytes
    )
    shapes = {_shapefile_key(m): m for m in members if m.suffix == ".shp"}
    if not shapes:
        _refuse_nested(members, req.source_name)
        raise catalogued(
            FileFormatError,
            "input.zip_no_shapefile",
            file=req.source_name,
            found=", ".join(m.name for m in members[:10]) or "nothing",
            zh_values={"found": ", ".join(m.name for m in members[:10]) or "无"},
        )
    by_stem = {PurePosixPath(k).name: k for k in shapes}
    wanted = by_stem.get(req.layer, req.layer) if req.layer is not None else None
    key = choose_layer(
        sorted(shapes), wanted, source_name=req.source_name, what=("shapefile", "Shapefile 图层")
    )
    parts = {
        m.suffix: m
        for m in members
        if _shapefile_key(m).lower() == key.lower() and m.suffix in _SHAPEFILE_PARTS
    }
    _require_shapefile_parts(set(parts), key, req.source_name)
    targets = {f"layer{suffix}": member for suffix, member in parts.items()}
    extracted = extract_members(
        path,
        targets,
        req.workdir,
        source_name=req.source_name,
        max_uncompressed_bytes=req.max_uncompressed_bytes,
    )
    encoding = None if ".cpg" in parts else _dbf_encoding(extracted["layer.dbf"])
    frame = read_layer(
        extracted["layer.shp"],
        None,
        source_name=req.source_name,
        format_name="Shapefile",
        encoding=encoding,
    )
    if encoding is None:
        return RawVector(frame)
    return RawVector(frame, (Message.of("input.dbf_gbk"),))


def _refuse_nested(members: tuple[ZipMember, ...], source_name: str) -> None:
    """Raise if the archive holds other archives (never unpacked: nested zip bombs)."""
    inner = [m.name for m in members if m.suffix in _ARCHIVE_SUFFIXES]
    if inner:
        raise catalogued(
            FileFormatError,
            "input.zip_nested",
            file=source_name,
            names=", ".join(inner[:10]),
            inner=inner[0],
        )


def _dbf_encoding(dbf: Path) -> str | None:
    """Return "GB18030" for a DBF without code page whose text is GBK, else None.

    A DBF written by Chinese Windows software without its ``.cpg`` declares no code page
    (language driver id 0); GDAL would then read it as ISO-8859-1 and every Chinese name
    would come out garbled. Text that is valid UTF-8 (or pure ASCII) is left to GDAL.
    """
    with dbf.open("rb") as handle:
        head = handle.read(_DBF_SAMPLE_BYTES)
    if len(head) < _DBF_LDID_OFFSET + 1 or head[_DBF_LDID_OFFSET] != 0:
        return None
    header_length = int.from_bytes(head[_DBF_HEADER_LENGTH], "little")
    records = head[header_length:]
    try:
        records.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start >= len(records) - 3:  # a character cut by the sample's end
            return None
    else:
        return None
    try:
        records.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "GB18030"


def _require_shapefile_parts(present: set[str], name: str, source_name: str) -> None:
    missing = [ext for ext in _SHAPEFILE_REQUIRED if ext not in present]
    if missing:
        raise catalogued(
            FileFormatError,
            "input.shapefile_parts",
            file=source_name,
            name=name,
            missing=", ".join(missing),
        )


def read_shapefile(path: Path, req: ReadRequest) -> RawVector:
    """Read a .shp on disk; its .shx and .dbf must sit next to it (.prj for the CRS)."""
    present = {
        ext
        for ext in _SHAPEFILE_REQUIRED
        if path.with_suffix(ext).exists() or path.with_suffix(ext.upper()).exists()
    }
    _require_shapefile_parts(present, path.stem, req.source_name)
    return RawVector(read_layer(path, None, source_name=req.source_name, format_name="Shapefile"))


def read_dxf(path: Path, req: ReadRequest) -> RawVector:
    """Read CAD entities from a DXF (no CRS in the format: the user must declare one).

    For ``polygon`` closed polylines become polygons; entities not of the requested kind
    (labels, dimension lines ...) are dropped with a note, as drawings always mix them.
    """
    frame = read_layer(path, None, source_name=req.source_name, format_name="DXF")
    kind = req.geometry_kind
    if kind == "any":
        return RawVector(frame)
    geoms = [_closed_line_to_polygon(g) if kind == "polygon" else g for g in frame.geometry]
    reduced = [None if g is None else reduce_to_kind(g, kind) for g in geoms]
    keep = [g is not None for g in reduced]
    kept = frame.assign(geometry=gpd.GeoSeries(reduced, index=frame.index, crs=frame.crs))
    dropped = len(frame) - sum(keep)
    if not any(keep) and kind == "polygon":
        found = sorted({str(t) for t in frame.geom_type.dropna()} | _dxf_entity_names(frame))
        raise catalogued(
            InvalidGeometryError,
            "input.dxf_no_polygons",
            file=req.source_name,
            found=", ".join(found) or "-",
        )
    if not dropped:
        return RawVector(kept)
    note = Message.of("input.note.dxf_ignored", count=dropped, kind=kind_name(kind))
    return RawVector(kept.loc[keep], (note,))


def _dxf_entity_names(frame: gpd.GeoDataFrame) -> set[str]:
    column = "SubClasses" if "SubClasses" in frame.columns else None
    if column is None:
        return set()
    return {str(v).split(":")[-1] for v in frame[column].dropna()}


def _closed_line_to_polygon(geom: BaseGeometry | None) -> BaseGeometry | None:
    # geom_type also excludes LinearRing, a LineString subclass
    if (
        isinstance(geom, shapely.LineString)
        and geom.geom_type == "LineString"
        and geom.is_closed
        and len(geom.coords) >= 4
    ):
        return shapely.Polygon(geom.coords)
    return geom


def read_lonlat_csv(path: Path, req: ReadRequest) -> RawVector:
    """Read points from a CSV with lon/lat columns (WGS84 degrees; GCJ-02 if declared).

    Column names accepted (any case): lon/lng/long/longitude/经度 and lat/latitude/纬度.
    Rows with empty or non-numeric coordinates get no geometry (reported by validation).
    """
    table = _read_csv_table(path, req.source_name)
    lower = {str(c).strip().lower(): c for c in table.columns}
    lon_col = next((lower[n] for n in _LON_NAMES if n in lower), None)
    lat_col = next((lower[n] for n in _LAT_NAMES if n in lower), None)
    if lon_col is None or lat_col is None:
        found = ", ".join(map(str, table.columns))
        msg = (
            f"{req.source_name} needs a longitude and a latitude column (named lon and "
            f"lat, or 经度 and 纬度); it has: {found}. Rename the columns and upload again."
        )
        zh = (
            f"{req.source_name} 需要经度和纬度两列（列名 lon 和 lat，"
            f"或 经度 和 纬度），现有列：{found}。请修改列名后重新上传。"
        )
        raise SchemaError(msg, zh=zh)
    lon = pd.to_numeric(table[lon_col], errors="coerce")
    lat = pd.to_numeric(table[lat_col], errors="coerce")
    for column, numbers in ((lon_col, lon), (lat_col, lat)):
        text = numbers.isna() & table[column].notna()
        if text.any():
            row = int(text.to_numpy().argmax())
            raise catalogued(
                SchemaError,
                "input.csv_text_coordinates",
                file=req.source_name,
                row=row + 2,  # 1-based, after the header line
                column=str(column),
                value=repr(table[column].iloc[row]),
            )
    points = gpd.points_from_xy(lon, lat)
    geoms = [p if ok else None for p, ok in zip(points, lon.notna() & lat.notna(), strict=True)]
    return RawVector(gpd.GeoDataFrame(table, geometry=geoms, crs=STORAGE_CRS))


def _read_csv_table(path: Path, source_name: str) -> pd.DataFrame:
    for encoding in _CSV_ENCODINGS:
        try:
            return pd.read_csv(path, encoding=encoding)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            msg = (
                f"{source_name} cannot be read as CSV ({err}). Save it again as CSV "
                "(comma-separated, UTF-8) from Excel or your GIS."
            )
            zh = (
                f"{source_name} 无法按 CSV 读取（{err}）。"
                "请从 Excel 或 GIS 软件重新另存为 CSV（逗号分隔，UTF-8）。"
            )
            raise FileFormatError(msg, zh=zh) from err
    msg = f"{source_name} is neither UTF-8 nor GBK text. Save it again as CSV (UTF-8)."
    zh = f"{source_name} 既不是 UTF-8 也不是 GBK 编码的文本。请重新另存为 CSV（UTF-8）。"
    raise FileFormatError(msg, zh=zh)


def _hint(fmt: str) -> Message:
    """Return the missing-CRS hint of format ``fmt`` (``input.crs_hint.<fmt>``)."""
    return Message.of(f"input.crs_hint.{fmt}")


_BUILTIN_FORMATS = (
    VectorFormat("GeoJSON", (".geojson", ".json"), read_geojson, _hint("geojson")),
    VectorFormat("KML", (".kml",), read_kml, _hint("kml")),
    VectorFormat("KMZ", (".kmz",), read_kmz, _hint("kmz")),
    VectorFormat("zipped Shapefile", (".zip",), read_zipped_shapefile, _hint("zipped_shapefile")),
    VectorFormat("Shapefile", (".shp",), read_shapefile, _hint("shapefile")),
    VectorFormat("GeoPackage", (".gpkg",), read_geopackage, _hint("geopackage")),
    VectorFormat("DXF", (".dxf",), read_dxf, _hint("dxf")),
    VectorFormat("CSV (lon/lat)", (".csv",), read_lonlat_csv, _hint("csv")),
)
for _fmt in _BUILTIN_FORMATS:
    register_vector_format(_fmt)
