"""Vector file formats the planner reads: a small registry keyed by file extension.

A format is a `VectorFormat`: its extensions, a reader turning a file on disk into a
GeoDataFrame in the file's own CRS (None when the file declares none), and a hint telling the
user how to give such a file a CRS. Readers only read; `geo.io.read_vector` validates.
Add a format by writing a reader and calling `register_vector_format`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pandas as pd

import geopandas as gpd
import pyogrio
import shapely
from pyogrio import errors as ogr_errors

from errors import FileFormatError, MissingCrsError, SchemaError
from geo.archive import ZipMember, extract_members, list_zip_members
from geo.crs import STORAGE_CRS
from geo.validate import GeometryKind, reduce_to_kind

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

_OGR_ERRORS = (
    ogr_errors.DataSourceError,
    ogr_errors.DataLayerError,
    ogr_errors.FieldError,
    ogr_errors.GeometryError,
    ogr_errors.FeatureError,
)
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_SHAPEFILE_REQUIRED = (".shx", ".dbf")
_LON_NAMES = ("lon", "lng", "long", "longitude", "经度")
_LAT_NAMES = ("lat", "latitude", "纬度")
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")


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
    """A file's features in its own CRS (``frame.crs`` None if it has none), plus notes."""

    frame: gpd.GeoDataFrame
    notes_en: tuple[str, ...] = ()
    notes_zh: tuple[str, ...] = ()


Reader = Callable[[Path, ReadRequest], RawVector]


@dataclass(frozen=True)
class VectorFormat:
    """A readable vector format: name, extensions (".kml"), reader and missing-CRS hint.

    ``crs_hint_en`` / ``crs_hint_zh`` say how to give a file of this format a CRS (a clause
    such as "include the .prj file in the zip"); `read_vector` adds "or declare the CRS".
    """

    name: str
    extensions: tuple[str, ...]
    reader: Reader
    crs_hint_en: str
    crs_hint_zh: str


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
    listing = ", ".join(supported_extensions())
    msg = (
        f"{source_name}: files of type '{ext or '(none)'}' cannot be read. Supported: "
        f"{listing}. Export the layer to one of these (a Shapefile as one .zip)."
    )
    zh = (
        f"{source_name}：不支持“{ext or '（无扩展名）'}”类型的文件。支持的格式：{listing}。"
        "请导出为其中一种格式（Shapefile 请打包为一个 .zip）。"
    )
    raise FileFormatError(msg, zh=zh)


# --- shared helpers -------------------------------------------------------------------


def _gdal_detail(err: Exception, path: Path, source_name: str) -> str:
    """Return GDAL's reason without temp paths or driver hints, as ' (reason)' or ''.

    GDAL's "not recognized as being in a supported file format" and its "prefix the path
    with '<DRIVER>:'" hint only repeat what the message already says and name a temporary
    file the user never saw, so they are dropped.
    """
    text = str(err).replace(str(path), source_name)
    text = text.split("; It might help")[0].strip().rstrip(".;")
    if "not recognized as being in a supported file format" in text or not text:
        return ""
    return f" ({text})"


def _unreadable(err: Exception, path: Path, source_name: str, format_name: str) -> FileFormatError:
    """Return the error for a file GDAL cannot read as ``format_name``."""
    detail = _gdal_detail(err, path, source_name)
    msg = (
        f"{source_name} cannot be read as {format_name}{detail}. The file may be "
        "damaged or of another type: open it in QGIS and export it again."
    )
    zh = (
        f"{source_name} 无法按 {format_name} 读取{detail}。"
        "文件可能已损坏或类型不符，请在 QGIS 中打开后重新导出。"
    )
    return FileFormatError(msg, zh=zh)


def read_layer(
    path: Path, layer: str | None, *, source_name: str, format_name: str
) -> gpd.GeoDataFrame:
    """Read one layer with pyogrio; unreadable geometries become None (reported later).

    Raises
    ------
    FileFormatError
        The file is corrupt, not of ``format_name``, or has no geometry column.
    MissingCrsError
        The file declares a CRS that GDAL cannot interpret.
    """
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, on_invalid="ignore")
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
    except _OGR_ERRORS as err:
        raise _unreadable(err, path, source_name, format_name) from err
    if not isinstance(frame, gpd.GeoDataFrame):
        msg = f"{source_name} has no geometry: it holds a table only. Upload a map layer."
        zh = f"{source_name} 没有几何图形，只是一张表。请上传图层文件。"
        raise FileFormatError(msg, zh=zh)
    return frame


def spatial_layers(path: Path, *, source_name: str, format_name: str) -> list[str]:
    """Return the names of the layers of ``path`` that have a geometry column."""
    try:
        layers = pyogrio.list_layers(path)
    except _OGR_ERRORS as err:
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


def read_kml(path: Path, req: ReadRequest) -> RawVector:
    """Read a KML file: every folder (layer) combined, or only ``req.layer`` if given."""
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
    return RawVector(
        combined,
        (f"{len(filled)} KML folders combined ({names})",),
        (f"合并了 {len(filled)} 个 KML 文件夹（{names}）",),
    )


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=STORAGE_CRS))


def read_kmz(path: Path, req: ReadRequest) -> RawVector:
    """Read a KMZ (zipped KML): its ``doc.kml``, or else the first .kml in the archive."""
    members = list_zip_members(
        path, source_name=req.source_name, max_uncompressed_bytes=req.max_uncompressed_bytes
    )
    kmls = [m for m in members if m.suffix == ".kml"]
    if not kmls:
        msg = (
            f"{req.source_name} contains no .kml file, so it is not a KMZ. Save it again "
            "from Google Earth / your GIS as KMZ or KML."
        )
        zh = (
            f"{req.source_name} 中没有 .kml 文件，不是有效的 KMZ。"
            "请从 Google Earth 或 GIS 软件重新保存为 KMZ 或 KML。"
        )
        raise FileFormatError(msg, zh=zh)
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
        found = ", ".join(m.name for m in members[:10]) or "nothing"
        msg = (
            f"{req.source_name} contains no Shapefile (.shp); it holds: {found}. Zip the "
            ".shp, .shx, .dbf and .prj files of the layer together."
        )
        zh = (
            f"{req.source_name} 中没有 Shapefile（.shp），"
            f"其中包含：{found}。请将图层的 .shp、.shx、.dbf 和 .prj 文件一起压缩。"
        )
        raise FileFormatError(msg, zh=zh)
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
    return RawVector(
        read_layer(
            extracted["layer.shp"], None, source_name=req.source_name, format_name="Shapefile"
        )
    )


def _require_shapefile_parts(present: set[str], name: str, source_name: str) -> None:
    missing = [ext for ext in _SHAPEFILE_REQUIRED if ext not in present]
    if missing:
        listing = ", ".join(missing)
        msg = (
            f"{source_name}: the shapefile '{name}' lacks its {listing} file(s); a "
            "shapefile is several files. Upload the .shp, .shx, .dbf and .prj together "
            "in one .zip."
        )
        zh = (
            f"{source_name}：Shapefile“{name}”缺少 {listing} 文件。"
            "Shapefile 由多个文件组成，请将 .shp、.shx、.dbf 和 .prj 一起压缩为一个 .zip 上传。"
        )
        raise FileFormatError(msg, zh=zh)


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
    if not dropped:
        return RawVector(kept)
    return RawVector(
        kept.loc[keep],
        (f"{dropped} DXF entities that are not {kind}s ignored",),
        (f"忽略了 {dropped} 个不是所需类型的 DXF 图元",),
    )


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


_BUILTIN_FORMATS = (
    VectorFormat(
        "GeoJSON",
        (".geojson", ".json"),
        read_geojson,
        "export it again as GeoJSON in EPSG:4326",
        "以 EPSG:4326 重新导出 GeoJSON",
    ),
    VectorFormat("KML", (".kml",), read_kml, "save it again as KML", "重新保存为 KML"),
    VectorFormat("KMZ", (".kmz",), read_kmz, "save it again as KMZ", "重新保存为 KMZ"),
    VectorFormat(
        "zipped Shapefile",
        (".zip",),
        read_zipped_shapefile,
        "include the .prj file (written next to the .shp by every GIS) in the zip",
        "将 .prj 文件（GIS 软件会与 .shp 一起生成）一并压缩进 zip",
    ),
    VectorFormat(
        "Shapefile",
        (".shp",),
        read_shapefile,
        "put the .prj file next to the .shp",
        "将 .prj 文件放在 .shp 旁边",
    ),
    VectorFormat(
        "GeoPackage",
        (".gpkg",),
        read_geopackage,
        "assign the layer a CRS in your GIS and export it again",
        "在 GIS 软件中为图层指定坐标系后重新导出",
    ),
    VectorFormat(
        "DXF",
        (".dxf",),
        read_dxf,
        "DXF drawings carry no CRS, so name the CRS the drawing was made in",
        "DXF 图纸不含坐标系信息，请说明绘图所用的坐标系",
    ),
    VectorFormat(
        "CSV (lon/lat)",
        (".csv",),
        read_lonlat_csv,
        "CSV coordinates are read as lon/lat",
        "CSV 坐标按经纬度读取",
    ),
)
for _fmt in _BUILTIN_FORMATS:
    register_vector_format(_fmt)
