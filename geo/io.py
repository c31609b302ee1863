"""Read and write vector files; everything read is validated and returned in EPSG:4326.

`read_vector` is the one entry point for uploads and bundled layers: GeoJSON, KML, KMZ,
zipped Shapefile, Shapefile, GeoPackage, DXF and lon/lat CSV (the format registry is in
`geo.vector_formats`). It resolves the CRS (never guessed: a file without one needs a
declared CRS), drops Z, reprojects to lon/lat, converts GCJ-02 when the user says so, and
checks every geometry (`geo.validate.check_geometries`). All problems of a file are reported
in one bilingual error naming the file and the fix, or skipped and listed on request. What
was changed on the way in is returned as notes: catalogue messages (``input.note.*``), never
sentences.
"""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

import geopandas as gpd
import pyogrio
import shapely
from pyogrio import errors as ogr_errors
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from errors import (
    CrsMismatchError,
    FileFormatError,
    GeometryRepairedWarning,
    InvalidGeometryError,
    MissingCrsError,
)
from geo.catalogued import catalogued
from geo.crs import STORAGE_CRS, crs_from_user_input
from geo.gcj02 import geometry_gcj02_to_wgs84
from geo.validate import (
    GeometryCheck,
    GeometryKind,
    check_geometries,
    crs_label,
    geometry_problems_error,
    require_crs,
)
from geo.vector_formats import (
    RawVector,
    ReadRequest,
    VectorFormat,
    supported_extensions,
    vector_format_for,
)
from locales import Message, text

SourceDatum = Literal["wgs84", "gcj02"]
OnBadFeature = Literal["raise", "skip"]

DEFAULT_MAX_BYTES: int = 50 * 2**20
#: Most vertices one feature may have: a ranch outline has tens, a field survey thousands.
DEFAULT_MAX_VERTICES: int = 100_000
# A zip may unpack to this multiple of max_bytes (shapefiles compress 3-5x; bombs 1000x+).
ZIP_EXPANSION_LIMIT: int = 10
SUPPORTED_VECTOR_EXTENSIONS: tuple[str, ...] = supported_extensions()

_STORAGE = CRS.from_user_input(STORAGE_CRS)
_LON_LIMIT_DEG = 180.0
_LAT_LIMIT_DEG = 90.0
_DECLARE_EN = (
    "declare the CRS when uploading (e.g. EPSG:4546 for Gauss-Kruger CM 111E metres, "
    "EPSG:4525 when the eastings start with the zone number 37, EPSG:4326 for lon/lat)"
)
_DECLARE_ZH = (
    "在上传时声明坐标系（如高斯-克吕格 CM 111E 米制坐标为 EPSG:4546；东坐标以带号 37 开头为 "
    "EPSG:4525；经纬度为 EPSG:4326）"
)
_WRITE_DRIVERS: dict[str, str] = {
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".shp": "ESRI Shapefile",
    ".zip": "ESRI Shapefile",
}
_LONLAT_DRIVERS = frozenset({"GeoJSON", "KML"})
_SKIPPED_COLUMNS = ["feature_no", "reason"]


def _no_skipped() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in _SKIPPED_COLUMNS})


@dataclass(frozen=True)
class VectorReadResult:
    """Validated features of one file.

    Attributes
    ----------
    features
        EPSG:4326 lon/lat, index 0..n-1, first column ``feature_no`` = 1-based row number
        in the source (KML folders counted in order), then the file's attributes.
    source_name
        File name shown to users.
    source_crs
        CRS the coordinates were read in (declared or from the file), e.g. "EPSG:4546".
    notes
        What was changed on the way in (reprojected, converted from GCJ-02, repaired ...),
        as `locales.Message` (``input.note.*``).
    skipped
        Rejected features with ``feature_no``, ``reason`` (a `locales.Message`,
        ``input.reason.*``) and their attributes (no geometry); empty unless
        ``on_bad_feature="skip"``.
    repaired_count
        Geometries repaired with ``shapely.make_valid`` (also announced by one
        ``GeometryRepairedWarning``).
    """

    features: gpd.GeoDataFrame
    source_name: str
    source_crs: str
    notes: tuple[Message, ...] = ()
    skipped: pd.DataFrame = field(default_factory=_no_skipped)
    repaired_count: int = 0


@dataclass(frozen=True)
class _Options:
    source_name: str
    geometry_kind: GeometryKind
    region_extent: BaseGeometry | None
    source_datum: SourceDatum
    repair: bool
    on_bad_feature: OnBadFeature
    declared_crs: object | None


def read_vector(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    geometry_kind: GeometryKind = "any",
    region_extent: BaseGeometry | None = None,
    source_datum: SourceDatum = "wgs84",
    layer: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_vertices: int = DEFAULT_MAX_VERTICES,
    repair: bool = True,
    on_bad_feature: OnBadFeature = "raise",
    declared_crs: str | int | CRS | None = None,
) -> VectorReadResult:
    """Read, validate and reproject a vector file to EPSG:4326.

    Parameters
    ----------
    source
        A path, or the bytes of an upload (then ``filename`` is required for its format).
    filename
        Name shown in messages; its extension selects the format
        (`SUPPORTED_VECTOR_EXTENSIONS`). Defaults to the path's name.
    geometry_kind
        Expected geometry: "polygon", "point", "line" (Multi* accepted) or "any".
    region_extent
        Region outline in EPSG:4326; features outside it (plus ~1 km) are rejected.
    source_datum
        "gcj02" for Amap/Gaode coordinates (lon/lat only): converted to WGS84.
    layer
        Layer (GeoPackage), shapefile (in a zip) or folder (KML) to read when there are
        several; KML folders are otherwise combined.
    max_bytes
        Largest accepted file; zips may unpack to `ZIP_EXPANSION_LIMIT` times this.
    max_vertices
        Most vertices of one feature (`DEFAULT_MAX_VERTICES`); more is refused before any
        geometry operation runs on it.
    repair
        Repair invalid geometries with ``shapely.make_valid`` (one
        ``GeometryRepairedWarning``) instead of rejecting them.
    on_bad_feature
        "raise": one error listing every problem; "skip": return the good features and
        list the bad ones in ``skipped`` (an error still if none is good).
    declared_crs
        CRS of the coordinates when the file has none (DXF, shapefile without .prj) or
        when the file's own CRS is wrong; it overrides the file's.

    Returns
    -------
    VectorReadResult

    Raises
    ------
    FileFormatError
        Unknown extension, missing or unreadable file, too big, unsafe zip, missing
        shapefile parts, several layers and none chosen.
    MissingCrsError
        No CRS in the file and none declared.
    CrsMismatchError
        GCJ-02 declared for a file in a projected CRS.
    InvalidGeometryError
        No features; too many vertices; coordinates that do not fit the CRS (projected
        metres declared as degrees, latitude and longitude swapped); bad features (listed).
    SchemaError
        A CSV without lon/lat columns.
    """
    source_name = _source_name(source, filename)
    fmt = vector_format_for(filename or source_name, source_name=source_name)
    options = _Options(
        source_name,
        geometry_kind,
        region_extent,
        source_datum,
        repair,
        on_bad_feature,
        declared_crs,
    )
    with tempfile.TemporaryDirectory(prefix="planner-vector-") as tmp:
        workdir = Path(tmp)
        path = _local_path(source, fmt, workdir, source_name=source_name, max_bytes=max_bytes)
        request = ReadRequest(
            source_name, geometry_kind, layer, workdir, max_bytes * ZIP_EXPANSION_LIMIT
        )
        raw = fmt.reader(path, request)
    _require_vertex_limit(raw.frame, source_name, max_vertices)
    result = _validate(raw, fmt, options)
    if result.repaired_count:
        msg = text("input.repaired_warning", "en", file=source_name, count=result.repaired_count)
        warnings.warn(msg, GeometryRepairedWarning, stacklevel=2)
    return result


def _source_name(source: str | Path | bytes, filename: str | None) -> str:
    if filename is not None:
        return PurePosixPath(filename.replace("\\", "/")).name
    if isinstance(source, bytes):
        msg = (
            "An uploaded file arrived without its file name, so its format is unknown. "
            "Upload it again."
        )
        raise FileFormatError(msg, zh="上传的文件缺少文件名，无法判断格式。请重新上传。")
    return Path(source).name


def _size_error(source_name: str, size_bytes: int, max_bytes: int) -> FileFormatError:
    return catalogued(
        FileFormatError,
        "input.too_big",
        file=source_name,
        size_mb=f"{size_bytes / 2**20:.1f}",
        max_mb=f"{max_bytes / 2**20:.0f}",
    )


def _require_vertex_limit(frame: gpd.GeoDataFrame, source_name: str, max_vertices: int) -> None:
    """Refuse a feature with more than ``max_vertices`` vertices (checked before GEOS work)."""
    counts = shapely.get_num_coordinates(frame.geometry.to_numpy())
    over = np.flatnonzero(counts > max_vertices)
    if len(over):
        raise catalogued(
            InvalidGeometryError,
            "input.too_many_vertices",
            file=source_name,
            feature=int(over[0]) + 1,
            count=f"{int(counts[over[0]]):,}",
            limit=f"{max_vertices:,}",
        )


def _local_path(
    source: str | Path | bytes,
    fmt: VectorFormat,
    workdir: Path,
    *,
    source_name: str,
    max_bytes: int,
) -> Path:
    """Return a path to read: the given file, or the upload written under a generated name."""
    if isinstance(source, bytes):
        if len(source) > max_bytes:
            raise _size_error(source_name, len(source), max_bytes)
        path = workdir / f"upload{PurePosixPath(source_name).suffix.lower()}"
        path.write_bytes(source)
        return path
    path = Path(source)
    if not path.is_file():
        msg = f"{source_name}: no such file ({path}). Check the path."
        raise FileFormatError(msg, zh=f"{source_name}：文件不存在（{path}）。请检查路径。")
    if path.stat().st_size > max_bytes:
        raise _size_error(source_name, path.stat().st_size, max_bytes)
    return path


def _validate(raw: RawVector, fmt: VectorFormat, options: _Options) -> VectorReadResult:
    """Turn a raw file read into a validated result."""
    name = options.source_name
    if len(raw.frame) == 0:
        raise catalogued(InvalidGeometryError, "input.no_features", file=name)
    notes = list(raw.notes)
    crs = _resolve_crs(raw.frame.crs, fmt, options, notes)
    numbered = _number_features(raw.frame.set_crs(crs, allow_override=True))
    frame = _force_2d(numbered, notes)
    _require_lonlat_range(frame, crs, name)
    frame = _to_storage(frame, crs, name, notes)
    if options.source_datum == "gcj02":
        frame = _from_gcj02(frame, crs, name, notes)
    check = check_geometries(
        frame,
        geometry_kind=options.geometry_kind,
        repair=options.repair,
        region_extent=options.region_extent,
    )
    notes.extend(check.notes)
    skipped = _handle_problems(check, numbered, options, notes)
    return VectorReadResult(
        features=check.features.reset_index(drop=True),
        source_name=name,
        source_crs=crs_label(crs),
        notes=tuple(notes),
        skipped=skipped,
        repaired_count=check.repaired_count,
    )


def _resolve_crs(
    file_crs: CRS | None,
    fmt: VectorFormat,
    options: _Options,
    notes: list[Message],
) -> CRS:
    """Return the declared CRS (noted when it differs from the file's) or the file's own."""
    name = options.source_name
    if options.declared_crs is not None:
        crs = crs_from_user_input(options.declared_crs)
        if file_crs is None or crs_from_user_input(file_crs) != crs:
            was = (
                Message.of("input.note.file_crs_none")
                if file_crs is None
                else crs_label(crs_from_user_input(file_crs))
            )
            notes.append(Message.of("input.note.crs_declared", crs=crs_label(crs), was=was))
        return crs
    if file_crs is None:
        raise catalogued(
            MissingCrsError,
            "input.no_crs",
            file=name,
            hint=fmt.crs_hint,
        )
    return crs_from_user_input(file_crs)


def _number_features(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy with index 0..n-1 and ``feature_no`` (1-based) as the first column."""
    out = frame.reset_index(drop=True)
    if "feature_no" in out.columns:
        out = out.rename(columns={"feature_no": "feature_no_in_file"})
    out.insert(0, "feature_no", np.arange(1, len(out) + 1))
    return out


def _force_2d(frame: gpd.GeoDataFrame, notes: list[Message]) -> gpd.GeoDataFrame:
    if not frame.geometry.has_z.any():
        return frame
    notes.append(Message.of("input.note.z_dropped"))
    return frame.set_geometry(shapely.force_2d(frame.geometry.to_numpy()), crs=frame.crs)


def _out_of_lonlat(frame: gpd.GeoDataFrame) -> npt.NDArray[np.bool_]:
    """Flag features whose bounds pass +-180 deg lon or +-90 deg lat (NaN bounds: False)."""
    bounds = np.asarray(frame.geometry.bounds.to_numpy(), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        outside = (np.abs(bounds[:, [0, 2]]) > _LON_LIMIT_DEG).any(axis=1) | (
            np.abs(bounds[:, [1, 3]]) > _LAT_LIMIT_DEG
        ).any(axis=1)
    return np.asarray(outside, dtype=np.bool_)


def _require_lonlat_range(frame: gpd.GeoDataFrame, crs: CRS, name: str) -> None:
    """Raise if a file declared in degrees has coordinates beyond +-180 / +-90."""
    if not crs.is_geographic:
        return
    outside = _out_of_lonlat(frame)
    if not outside.any():
        return
    x0, y0, x1, y1 = frame.loc[outside].total_bounds
    count = int(outside.sum())
    if max(abs(y0), abs(y1)) <= _LON_LIMIT_DEG and max(abs(x0), abs(x1)) <= _LAT_LIMIT_DEG:
        # fits lon/lat once x and y are exchanged: latitude was written first
        raise catalogued(
            InvalidGeometryError,
            "input.lat_lon_swapped",
            file=name,
            count=count,
            x=f"{x1:.4f}",
            y=f"{y1:.4f}",
        )
    raise catalogued(
        InvalidGeometryError,
        "input.projected_as_lonlat",
        file=name,
        count=count,
        x=f"{x1:,.0f}",
        y=f"{y1:,.0f}",
        crs=crs_label(crs),
    )


def _to_storage(
    frame: gpd.GeoDataFrame, crs: CRS, name: str, notes: list[Message]
) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326; raise if coordinates do not fit the source CRS."""
    if crs == _STORAGE:
        return frame
    out = frame.to_crs(STORAGE_CRS)
    if not crs.equals(_STORAGE, ignore_axis_order=True):
        notes.append(Message.of("input.note.reprojected", crs=crs_label(crs)))
    coords = shapely.get_coordinates(out.geometry.to_numpy())
    if np.isfinite(coords).all() and not _out_of_lonlat(out).any():
        return out
    msg = (
        f"{name}: some coordinates cannot be converted from {crs_label(crs)} to lon/lat; "
        "the file's CRS is probably wrong (Gauss-Kruger eastings that start with a zone "
        f"number need the 'zone' CRS, EPSG:4513-4533). Fix: {_DECLARE_EN}."
    )
    zh = (
        f"{name}：部分坐标无法从 {crs_label(crs)} 转换为经纬度，文件的坐标系很可能有误"
        f"（东坐标带带号的高斯-克吕格坐标应使用 EPSG:4513–4533）。解决方法：{_DECLARE_ZH}。"
    )
    raise InvalidGeometryError(msg, zh=zh)


def _from_gcj02(
    frame: gpd.GeoDataFrame, crs: CRS, name: str, notes: list[Message]
) -> gpd.GeoDataFrame:
    """Convert lon/lat GCJ-02 geometries to WGS84 (GCJ-02 exists only as lon/lat)."""
    if not crs.is_geographic:
        msg = (
            f"{name} was declared as GCJ-02 (Amap/Gaode) but is in the projected CRS "
            f"{crs_label(crs)}; GCJ-02 data is always lon/lat. Choose WGS84 for this "
            "file, or export the GCJ-02 data as lon/lat."
        )
        zh = (
            f"{name} 被声明为 GCJ-02（高德）坐标，但其坐标系为投影坐标系 {crs_label(crs)}；"
            "GCJ-02 数据总是经纬度。请为此文件选择 WGS84，或将 GCJ-02 数据导出为经纬度。"
        )
        raise CrsMismatchError(msg, zh=zh)
    geoms = [None if g is None else geometry_gcj02_to_wgs84(g) for g in frame.geometry]
    notes.append(Message.of("input.note.gcj02_converted"))
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


def _handle_problems(
    check: GeometryCheck,
    numbered: gpd.GeoDataFrame,
    options: _Options,
    notes: list[Message],
) -> pd.DataFrame:
    """Raise for bad features, or return them as the ``skipped`` table."""
    if not check.problems:
        return _no_skipped()
    if options.on_bad_feature == "raise" or check.features.empty:
        raise geometry_problems_error(
            check.problems, source_name=options.source_name, n_features=len(numbered)
        )
    reasons = pd.DataFrame(
        [(p.feature_no, p.reason) for p in check.problems],
        columns=_SKIPPED_COLUMNS,
    ).sort_values("feature_no")
    attributes = pd.DataFrame(numbered.drop(columns=numbered.geometry.name))
    notes.append(Message.of("input.note.skipped", count=len(reasons)))
    return reasons.merge(attributes, on="feature_no", how="left").reset_index(drop=True)


# --- writing --------------------------------------------------------------------------


def write_vector(
    features: gpd.GeoDataFrame,
    path: Path,
    *,
    layer: str | None = None,
    driver: str | None = None,
) -> Path:
    """Write ``features`` to ``path``; the format follows the extension.

    Parameters
    ----------
    features
        Features with a CRS. GeoJSON and KML are written in EPSG:4326 (their specs); the
        others keep the frame's CRS.
    path
        Target: .gpkg (adds or replaces ``layer`` in an existing GeoPackage), .geojson,
        .kml, .shp, or .zip (a zipped Shapefile holding <stem>.shp/.shx/.dbf/.prj/.cpg).
    layer
        Layer name (default: the file stem).
    driver
        GDAL driver overriding the one chosen by extension.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    MissingCrsError
        If ``features`` has no CRS.
    FileFormatError
        Unknown extension or the write failed.
    """
    require_crs(features, what="features to export")
    path = Path(path)
    ext = path.suffix.lower()
    chosen = driver or _WRITE_DRIVERS.get(ext)
    if chosen is None:
        listing = ", ".join(sorted(_WRITE_DRIVERS))
        msg = f"Cannot write '{path.name}': unknown extension. Use one of {listing}."
        raise FileFormatError(msg, zh=f"无法写入“{path.name}”：扩展名未知。请使用 {listing}。")
    frame = features.to_crs(STORAGE_CRS) if chosen in _LONLAT_DRIVERS else features
    if ext == ".zip":
        return _write_zipped_shapefile(frame, path, layer or path.stem)
    _write(frame, path, layer or path.stem, chosen)
    return path


def _write(frame: gpd.GeoDataFrame, path: Path, layer: str, driver: str) -> None:
    options = {"encoding": "UTF-8"} if driver == "ESRI Shapefile" else {}
    try:
        pyogrio.write_dataframe(frame, path, layer=layer, driver=driver, **options)
    except (
        ogr_errors.DataSourceError,
        ogr_errors.DataLayerError,
        ogr_errors.FieldError,
        ogr_errors.GeometryError,
        ogr_errors.FeatureError,
    ) as err:
        msg = f"Writing '{path.name}' as {driver} failed ({err})."
        raise FileFormatError(msg, zh=f"写入“{path.name}”（{driver}）失败（{err}）。") from err


def _write_zipped_shapefile(frame: gpd.GeoDataFrame, path: Path, stem: str) -> Path:
    with tempfile.TemporaryDirectory(prefix="planner-export-") as tmp:
        shp = Path(tmp) / f"{stem}.shp"
        _write(frame, shp, stem, "ESRI Shapefile")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(tmp).iterdir()):
                archive.write(part, arcname=part.name)
    return path
