"""Bring your own data: check a bureau's file, preview it, then put it into a region pack.

`preview_import` reads one file for one layer (`IMPORT_LAYERS`): it finds the encoding and
CRS (`geo.source_files`: GBK/GB18030 Shapefiles without .cpg, zone-prefixed Gauss-Kruger
eastings, GCJ-02 or BD-09 lon/lat), renames the mapped columns, and validates the result
with the loader of that layer kind (parcels: `layers.parcels.load_user_parcels`; constraint
polygons: `geo.io.read_vector` inside the region; tables: the pack's CSV loaders; DEM: a
projected grid in metres). Nothing is written: the `ImportPreview` says what was found
(features, area in 亩 and ha, CRS, encoding, columns mapped) and holds the prepared layer.
`commit_import` then writes it into the pack with `layers.pack_writer.replace_layer`
(atomic; a bad file never gets that far, so the pack stays as it was). One bilingual
`errors.PlannerError` per bad file.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

import pandas as pd

import geopandas as gpd
import rasterio
from rasterio.errors import RasterioIOError

from errors import FileFormatError, GeographicCrsError, ParameterError, PlannerError
from geo.area import area_mu
from geo.crs import STORAGE_CRS
from geo.io import DEFAULT_MAX_BYTES, read_vector
from geo.source_files import read_source, read_table, unpack_source
from geo.units import m2_to_mu, mu_to_ha
from layers.constraints import prepare_constraint_features
from layers.counties import load_city_outline
from layers.herd import load_herd_baseline
from layers.pack_writer import USER_STATUS, LayerEntry, replace_layer
from layers.parcels import PARCEL_COLUMNS, load_user_parcels
from layers.region import LayerMap, LayerSpec, Region
from layers.targets import load_forage_targets
from layers.water_caps import load_water_caps


@dataclass(frozen=True)
class ImportTarget:
    """Where an imported layer goes: manifest layer name and kind, and how it is stored."""

    layer_name: str
    kind: str
    storage: str  # "parcels", "polygons", "table" or "raster"
    label_zh: str
    label_en: str
    category: str = ""


IMPORT_LAYERS: Final[dict[str, ImportTarget]] = {
    "parcels": ImportTarget(
        "absorption_parcels",
        "absorption_parcels",
        "parcels",
        "粪污消纳用地地块",
        "cropland parcels",
    ),
    "no_farming": ImportTarget(
        "no_farming_zone", "no_farming_zone", "polygons", "禁养区", "no-farming zones"
    ),
    "basic_farmland": ImportTarget(
        "basic_farmland", "basic_farmland", "polygons", "永久基本农田", "permanent basic farmland"
    ),
    "eco_redline": ImportTarget(
        "eco_redline", "eco_redline", "polygons", "生态保护红线", "ecological red line"
    ),
    "water_source": ImportTarget(
        "water_source",
        "no_farming_zone",
        "polygons",
        "饮用水水源保护区",
        "water source protection zones",
        category="water_source",
    ),
    "dem": ImportTarget("dem", "dem", "raster", "数字高程模型", "DEM"),
    "water_caps": ImportTarget("water_caps", "water_caps", "table", "用水总量上限", "water caps"),
    "herd": ImportTarget("herd_baseline", "herd_baseline", "table", "分县存栏", "herd by county"),
    "forage_targets": ImportTarget(
        "forage_targets", "forage_targets", "table", "饲草种植目标", "forage targets"
    ),
}
#: Mapping keys a parcel file may give besides the parcel columns: the stated area (compared
#: with the measured one; ``area`` is m², as 三调 图斑面积 TBMJ) and one soil class for both N
#: and P.
PARCEL_EXTRA_KEYS: Final[tuple[str, ...]] = ("area", "area_mu", "area_m2", "soil_class")
_TABLE_LOADERS = {
    "water_caps": load_water_caps,
    "herd_baseline": load_herd_baseline,
    "forage_targets": load_forage_targets,
}


@dataclass(frozen=True)
class ImportPreview:
    """What a file holds and how it was read; the prepared layer to commit.

    ``features`` (EPSG:4326, parcels and polygons) or ``table`` (tables) is the prepared
    layer; ``feature_count`` counts features, rows or raster cells; ``area_mu`` / ``area_ha``
    the area measured in the analysis CRS (None for tables); ``stated_area_mu`` the file's own
    area column if mapped. ``columns_mapped`` is ((our column, file column), ...).
    """

    region_id: str
    layer: str
    target: ImportTarget
    source_name: str
    feature_count: int
    area_mu: float | None
    area_ha: float | None
    crs_found: str
    crs_name: str
    crs_how: str
    encoding: str
    encoding_how: str
    columns_mapped: tuple[tuple[str, str], ...]
    features: gpd.GeoDataFrame | None = None
    table: pd.DataFrame | None = None
    raster_bytes: bytes | None = None
    stated_area_mu: float | None = None
    notes: tuple[str, ...] = field(default=())


def _bad(en: str, zh: str) -> ParameterError:
    return ParameterError(en, zh=zh)


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """Return ``{ours: theirs}`` from ``["crop=DLMC", "area_m2=TBMJ"]`` (also comma-joined)."""
    mapping: dict[str, str] = {}
    for item in items or []:
        for part in item.split(","):
            ours, sep, theirs = part.partition("=")
            if not sep or not ours.strip() or not theirs.strip():
                msg = f"--map {part!r}: write OURS=THEIRS, e.g. crop=DLMC"
                zh = f"--map {part!r}：格式应为 我方列=文件列，如 crop=DLMC"
                raise _bad(msg, zh)
            mapping[ours.strip()] = theirs.strip()
    return mapping


def preview_import(
    region: Region,
    layer: str,
    source: Path,
    *,
    source_name: str | None = None,
    mapping: Mapping[str, str] | None = None,
    defaults: Mapping[str, object] | None = None,
    encoding: str | None = None,
    source_crs: str | None = None,
) -> ImportPreview:
    """Read and check ``source`` as layer ``layer`` of ``region``; write nothing.

    Parameters
    ----------
    region
        The region pack the layer is meant for (outline, counties, analysis CRS, crops).
    layer
        A key of `IMPORT_LAYERS`.
    source
        The file on disk (.shp with its parts, zipped Shapefile, .gpkg, .geojson; .csv for
        tables; .tif for a DEM).
    source_name
        Name shown in messages (default: the file name).
    mapping
        ``{our column: file column}``, e.g. ``{"crop": "ZZZW", "soil_class": "TRDJ"}``.
    defaults
        Values of our columns the file lacks (parcels), e.g. ``{"manure_allowed": True}``.
    encoding, source_crs
        As `geo.source_files.read_source` (None: found from the file).

    Raises
    ------
    PlannerError
        One bilingual message naming the file and what to fix.
    """
    if layer not in IMPORT_LAYERS:
        msg = f"unknown layer {layer!r}; use one of {', '.join(IMPORT_LAYERS)}"
        zh = f"未知图层 {layer!r}；可选：{', '.join(IMPORT_LAYERS)}"
        raise _bad(msg, zh)
    target = IMPORT_LAYERS[layer]
    name = source_name or source.name
    if not source.is_file():
        msg = f"{name}: no such file."
        zh = f"{name}：文件不存在。"
        raise FileFormatError(msg, zh=zh)
    mapping = dict(mapping or {})
    with tempfile.TemporaryDirectory(prefix="planner-import-") as tmp:
        workdir = Path(tmp)
        if target.storage == "table":
            return _table_preview(region, layer, target, source, name, mapping, encoding)
        if target.storage == "raster":
            return _raster_preview(region, layer, target, source, name)
        path = unpack_source(source, workdir, source_name=name, max_bytes=DEFAULT_MAX_BYTES)
        read = read_source(path, source_name=name, encoding=encoding, source_crs=source_crs)
        _require_columns(read.features, mapping, name)
        common = {
            "region_id": region.id,
            "layer": layer,
            "target": target,
            "source_name": name,
            "crs_found": read.crs_found,
            "crs_name": read.crs_name,
            "crs_how": read.crs_how,
            "encoding": read.encoding.encoding,
            "encoding_how": read.encoding.how,
            "columns_mapped": tuple(sorted(mapping.items())),
        }
        staged = workdir / f"{Path(name).stem}.normalised.gpkg"
        read.features.to_file(staged, layer="features", driver="GPKG")
        try:
            if target.storage == "parcels":
                return _parcel_preview(
                    region, staged, read.features, mapping, defaults or {}, common
                )
            return _polygon_preview(region, staged, target, common)
        except PlannerError as err:  # name the user's file, not the normalised copy
            raise _renamed(err, staged.name, name) from err


def _renamed(err: PlannerError, old: str, new: str) -> PlannerError:
    with_soil = "with_soil.gpkg"
    en = err.message("en").replace(old, new).replace(with_soil, new)
    zh = err.message("zh").replace(old, new).replace(with_soil, new)
    return type(err)(en, zh=zh)


def _require_columns(frame: pd.DataFrame, mapping: Mapping[str, str], name: str) -> None:
    missing = sorted(theirs for theirs in mapping.values() if theirs not in frame.columns)
    if missing:
        geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
        found = ", ".join(str(c) for c in frame.columns if c != geometry)
        msg = f"{name}: mapped column(s) {', '.join(missing)} not in the file (it has: {found})."
        zh = f"{name}：文件中没有映射的列 {'、'.join(missing)}（现有：{found}）。"
        raise _bad(msg, zh)


def _parcel_preview(
    region: Region,
    staged: Path,
    frame: gpd.GeoDataFrame,
    mapping: Mapping[str, str],
    defaults: Mapping[str, object],
    common: dict[str, object],
) -> ImportPreview:
    column_map: dict[str, str] = {}
    stated_area_mu = None
    for ours, theirs in mapping.items():
        if ours == "soil_class":
            continue
        if ours in ("area", "area_mu", "area_m2"):
            values = pd.to_numeric(frame[theirs], errors="coerce")
            total = float(values.sum())
            stated_area_mu = total if ours == "area_mu" else m2_to_mu(total)
            continue
        if ours not in PARCEL_COLUMNS:
            known = ", ".join([*PARCEL_COLUMNS, *PARCEL_EXTRA_KEYS])
            msg = f"--map {ours}=...: {ours!r} is not a parcel column ({known})."
            zh = f"--map {ours}=…：{ours!r} 不是地块字段（{known}）。"
            raise _bad(msg, zh)
        column_map[theirs] = ours
    source_path: Path = staged
    if "soil_class" in mapping:  # one soil class column for both N and P
        soil = frame[mapping["soil_class"]]
        doubled = frame.assign(_soil_n=soil, _soil_p=soil)
        source_path = staged.with_name("with_soil.gpkg")
        doubled.to_file(source_path, layer="features", driver="GPKG")
        column_map |= {"_soil_n": "soil_n_class", "_soil_p": "soil_p_class"}
    parcels = load_user_parcels(
        source_path,
        column_map=column_map,
        defaults=dict(defaults),
        region=region,
        declared_crs=STORAGE_CRS,
    )
    total_mu = float(parcels["area_mu"].sum())
    return ImportPreview(
        **common,  # type: ignore[arg-type]
        feature_count=len(parcels),
        area_mu=total_mu,
        area_ha=mu_to_ha(total_mu),
        features=parcels.assign(illustrative=False),
        stated_area_mu=stated_area_mu,
    )


def _polygon_preview(
    region: Region, staged: Path, target: ImportTarget, common: dict[str, object]
) -> ImportPreview:
    outline = load_city_outline(region).geometry.iloc[0]
    result = read_vector(
        staged,
        filename=staged.name,
        geometry_kind="polygon",
        region_extent=outline,
        declared_crs=STORAGE_CRS,
    )
    features = result.features.drop(columns="feature_no")
    prepared = prepare_constraint_features(
        features, target.kind, analysis_crs=region.analysis_crs, what=str(common["source_name"])
    )
    measured = float(area_mu(prepared).sum())
    stored = prepared.to_crs(STORAGE_CRS).assign(
        category=target.category or target.kind,
        illustrative=False,
        status=USER_STATUS,
        source=str(common["source_name"]),
    )
    return ImportPreview(
        **common,  # type: ignore[arg-type]
        feature_count=len(stored),
        area_mu=measured,
        area_ha=mu_to_ha(measured),
        features=stored,
    )


def _table_preview(
    region: Region,
    layer: str,
    target: ImportTarget,
    source: Path,
    name: str,
    mapping: Mapping[str, str],
    encoding: str | None,
) -> ImportPreview:
    if source.suffix.lower() != ".csv":
        msg = f"{name}: import a {target.label_en} table as a .csv file."
        zh = f"{name}：{target.label_zh}请以 .csv 表格导入。"
        raise _bad(msg, zh)
    table, found = read_table(source, source_name=name, encoding=encoding)
    _require_columns(table, mapping, name)
    renamed = table.rename(columns={theirs: ours for ours, theirs in mapping.items()})
    checked = _check_table(region, target, renamed, name)
    return ImportPreview(
        region_id=region.id,
        layer=layer,
        target=target,
        source_name=name,
        feature_count=len(checked),
        area_mu=None,
        area_ha=None,
        crs_found="",
        crs_name="",
        crs_how="none",
        encoding=found.encoding,
        encoding_how=found.how,
        columns_mapped=tuple(sorted(mapping.items())),
        table=renamed,
    )


def _check_table(
    region: Region, target: ImportTarget, table: pd.DataFrame, name: str
) -> pd.DataFrame:
    """Run the pack's loader of ``target.kind`` on ``table`` in a scratch copy of the pack."""
    with tempfile.TemporaryDirectory(prefix="planner-table-") as tmp:
        scratch = Path(tmp)
        file = f"{target.layer_name}.csv"
        table.to_csv(scratch / file, index=False, encoding="utf-8")
        spec = LayerSpec(
            name=target.layer_name,
            kind=target.kind,
            file=file,
            layer=None,
            source=name,
            licence="",
            datum="none",
            illustrative=False,
            generated=False,
            description_zh="",
            description_en="",
        )
        others = [s for s in region.layers.values() if s.kind != target.kind]
        for other in others:  # loaders may read other layers (e.g. counties)
            if (region.dir / other.file).is_file() and not (scratch / other.file).exists():
                (scratch / other.file).parent.mkdir(parents=True, exist_ok=True)
                (scratch / other.file).symlink_to(region.dir / other.file)
        scratch_region = dataclasses.replace(region, dir=scratch, layers=LayerMap([*others, spec]))
        try:
            loaded: pd.DataFrame = _TABLE_LOADERS[target.kind](scratch_region)
        except PlannerError as err:  # name the user's file, not the scratch copy
            scratch_name = f"{file!r} ({scratch / file})"
            en = err.message("en").replace(scratch_name, repr(name)).replace(str(scratch), "")
            zh = err.message("zh").replace(scratch_name, repr(name)).replace(str(scratch), "")
            raise type(err)(
                en.replace(repr(file), repr(name)), zh=zh.replace(repr(file), repr(name))
            ) from err
        return loaded


def _raster_preview(
    region: Region, layer: str, target: ImportTarget, source: Path, name: str
) -> ImportPreview:
    try:
        with rasterio.open(source) as dataset:
            crs, transform = dataset.crs, dataset.transform
            cells = int(dataset.width) * int(dataset.height)
    except RasterioIOError as err:
        msg = f"{name} is not a readable raster ({err}); export it as GeoTIFF."
        zh = f"{name} 不是可读取的栅格（{err}），请导出为 GeoTIFF。"
        raise FileFormatError(msg, zh=zh) from err
    if crs is None or crs.is_geographic or crs.linear_units.lower() not in ("metre", "meter"):
        found = "none" if crs is None else crs.to_string()
        msg = (
            f"{name}: a DEM must be in a projected CRS in metres (found {found}); warp it, "
            f"e.g. gdalwarp -t_srs {region.analysis_crs} -tr 30 30 -r bilinear in.tif out.tif."
        )
        zh = (
            f"{name}：DEM 须为以米为单位的投影坐标系（现为 {found}），请用 gdalwarp 投影到 "
            f"{region.analysis_crs}。"
        )
        raise GeographicCrsError(msg, zh=zh)
    cell_m2 = abs(transform.a * transform.e)
    total_mu = m2_to_mu(cells * cell_m2)
    return ImportPreview(
        region_id=region.id,
        layer=layer,
        target=target,
        source_name=name,
        feature_count=cells,
        area_mu=total_mu,
        area_ha=mu_to_ha(total_mu),
        crs_found=f"EPSG:{crs.to_epsg()}" if crs.to_epsg() else crs.to_string(),
        crs_name=str(crs.to_dict().get("proj", "")),
        crs_how="file",
        encoding="",
        encoding_how="none",
        columns_mapped=(),
        raster_bytes=source.read_bytes(),
    )


def commit_import(region: Region, preview: ImportPreview, *, today: date | None = None) -> Region:
    """Write the previewed layer into ``region``'s pack (atomically) and return the pack.

    The manifest table of the layer gets ``source`` = the file name with what was found
    (CRS, encoding, mapping, date), ``status = "user"``, ``illustrative = false``.
    """
    target = preview.target
    when = (today or date.today()).isoformat()
    mapped = ", ".join(f"{ours}={theirs}" for ours, theirs in preview.columns_mapped) or "none"
    source = (
        f"user file {preview.source_name}, imported {when}; CRS {preview.crs_found or 'n/a'} "
        f"({preview.crs_how}); encoding {preview.encoding or 'n/a'} ({preview.encoding_how}); "
        f"columns mapped: {mapped}"
    )
    with tempfile.TemporaryDirectory(prefix="planner-commit-") as tmp:
        prepared, file, gpkg_layer, datum = _write_prepared(preview, Path(tmp))
        entry = LayerEntry(
            name=target.layer_name,
            kind=target.kind,
            file=file,
            layer=gpkg_layer,
            source=source,
            licence="the bureau's own data",
            datum=datum,
            description_zh=f"{target.label_zh}（用户导入：{preview.source_name}）",
            description_en=f"{target.label_en} (user import: {preview.source_name})",
        )
        return replace_layer(region, entry, prepared)


def _write_prepared(preview: ImportPreview, folder: Path) -> tuple[Path, str, str | None, str]:
    name = preview.target.layer_name
    if preview.features is not None:
        path = folder / f"user_{name}.gpkg"
        frame = preview.features.to_crs(STORAGE_CRS)
        frame.to_file(path, layer=name, driver="GPKG")
        return path, path.name, name, "WGS84"
    if preview.table is not None:
        path = folder / f"user_{name}.csv"
        preview.table.to_csv(path, index=False, encoding="utf-8")
        return path, path.name, None, "none"
    if preview.raster_bytes is not None:
        path = folder / f"user_{name}.tif"
        path.write_bytes(preview.raster_bytes)
        return path, path.name, None, "CGCS2000"
    msg = "empty import preview"
    raise PlannerError(msg, zh="导入预览为空")


def import_layer(
    region: Region,
    layer: str,
    source: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    defaults: Mapping[str, object] | None = None,
    encoding: str | None = None,
    source_crs: str | None = None,
    dry_run: bool = False,
) -> tuple[ImportPreview, Region]:
    """Preview ``source`` and, unless ``dry_run``, commit it; return the preview and pack."""
    preview = preview_import(
        region,
        layer,
        source,
        mapping=mapping,
        defaults=defaults,
        encoding=encoding,
        source_crs=source_crs,
    )
    return preview, region if dry_run else commit_import(region, preview)


def summary_rows(
    preview: ImportPreview, *, how_label: Callable[[str], str] = str
) -> list[tuple[str, str]]:
    """Return (label key, value) rows of the summary shown before a layer is added.

    ``how_label`` turns how a CRS or encoding was found (``file``, ``zone_prefix``,
    ``gcj02``, ``bd09``, ``declared``, ``cpg``, ``sniffed``, ``spec``) into display text.
    """
    rows = [
        ("import.summary.layer", preview.target.layer_name),
        ("import.summary.features", f"{preview.feature_count:,}"),
    ]
    if preview.area_mu is not None and preview.area_ha is not None:
        rows.append(("import.summary.area", f"{preview.area_mu:,.1f} / {preview.area_ha:,.1f}"))
    if preview.stated_area_mu is not None:
        rows.append(("import.summary.stated_area", f"{preview.stated_area_mu:,.1f}"))
    if preview.crs_found:
        rows.append(("import.summary.crs", f"{preview.crs_found} ({how_label(preview.crs_how)})"))
    if preview.encoding:
        rows.append(
            ("import.summary.encoding", f"{preview.encoding} ({how_label(preview.encoding_how)})")
        )
    mapped = ", ".join(f"{o} ← {t}" for o, t in preview.columns_mapped) or "-"
    rows.append(("import.summary.columns", mapped))
    return rows


def copy_upload(data: bytes, filename: str, folder: Path) -> Path:
    """Write uploaded ``data`` under ``folder`` with its file name; return the path."""
    path = folder / Path(filename).name
    path.write_bytes(data)
    return path


def gather_shapefile(parts: Mapping[str, bytes], folder: Path) -> Path:
    """Write the uploaded parts of one Shapefile (.shp, .shx, .dbf ...) and return the .shp."""
    shps = [n for n in parts if n.lower().endswith(".shp")]
    if len(shps) != 1:
        msg = "upload the parts of exactly one Shapefile (.shp, .shx, .dbf, .prj), or one zip."
        zh = "请上传同一个 Shapefile 的各个文件（.shp、.shx、.dbf、.prj），或一个 zip。"
        raise _bad(msg, zh)
    for name, data in parts.items():
        copy_upload(data, name, folder)
    return folder / Path(shps[0]).name


__all__ = [
    "IMPORT_LAYERS",
    "ImportPreview",
    "commit_import",
    "gather_shapefile",
    "import_layer",
    "parse_mapping",
    "preview_import",
    "summary_rows",
]
