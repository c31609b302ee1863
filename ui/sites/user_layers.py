"""Users' own constraint layers and DEM on the site-check page (this session only).

For every constraint kind of the region pack (`layers.constraints.constraint_specs`) the user
may upload a vector file in any CRS (the formats of `geo.io.read_vector`, GCJ-02 checkbox,
optional declared CRS); it replaces the bundled layer of that kind for scoring and on the
map. A DEM (GeoTIFF in any projected CRS, at most `MAX_DEM_BYTES`) is written to a temporary
file with a generated name and replaces the pack's DEM for the slope gate and criterion. A
bad file gives one message and changes nothing; a button goes back to the bundled layers.
The scoring cache key includes a hash of every uploaded file (`user_key`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import streamlit as st

import geopandas as gpd

from errors import FileFormatError, InvalidGeometryError
from geo.io import SUPPORTED_VECTOR_EXTENSIONS, read_vector
from geo.raster import slope_stats
from planning.regions import (
    constraint_specs,
    load_city_outline,
    load_region,
    prepare_constraint_features,
)
from ui.errors import user_errors
from ui.labels import t

if TYPE_CHECKING:
    from planning.siting_inputs import SitingInputs

USER_LAYERS: Final[str] = "sites_user_layers"
USER_DEM: Final[str] = "sites_user_dem"
USER_REGION: Final[str] = "sites_user_region"
GENERATION: Final[str] = "sites_user_generation"
RESET: Final[str] = "sites_user_reset"
#: Largest DEM accepted (bytes); Streamlit's own upload limit is 200 MB by default.
MAX_DEM_BYTES: Final[int] = 200 * 2**20
DEM_EXTENSIONS: Final[tuple[str, ...]] = ("tif", "tiff")
#: A bare .shp cannot be uploaded alone (its .dbf/.shx/.prj are needed): zip them.
LAYER_EXTENSIONS: Final[tuple[str, ...]] = tuple(
    e.lstrip(".") for e in SUPPORTED_VECTOR_EXTENSIONS if e != ".shp"
)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, eq=False)
class UserLayer:
    """One uploaded constraint layer: features in the analysis CRS and the file's identity."""

    kind: str
    filename: str
    sha256: str
    features: gpd.GeoDataFrame


@dataclass(frozen=True)
class UserDem:
    """An uploaded DEM written to ``path`` (a generated temporary directory)."""

    filename: str
    sha256: str
    path: Path


def upload_kinds(region_id: str) -> tuple[str, ...]:
    """Return the constraint kinds of the region pack (manifest order)."""
    return tuple(constraint_specs(load_region(region_id)))


def _digest(data: bytes, *extra: str) -> str:
    return hashlib.sha256(data + "\0".join(extra).encode()).hexdigest()


def _layers(region_id: str) -> dict[str, UserLayer]:
    if st.session_state.get(USER_REGION) != region_id:  # another region: start clean
        reset_user_layers()
        st.session_state[USER_REGION] = region_id
    return dict(st.session_state.get(USER_LAYERS) or {})


def accept_layer(
    region_id: str,
    kind: str,
    filename: str,
    data: bytes,
    *,
    gcj02: bool = False,
    declared_crs: str = "",
) -> UserLayer:
    """Read an uploaded layer of ``kind`` and let it replace the bundled one (this session).

    Raises
    ------
    InputDataError
        As `geo.io.read_vector`, or when no feature lies in the region (wrong CRS?); the
        session's layers are then unchanged.
    """
    layers = _layers(region_id)
    sha = _digest(data, kind, str(gcj02), declared_crs.strip())
    if kind in layers and layers[kind].sha256 == sha:
        return layers[kind]
    region = load_region(region_id)
    read = read_vector(
        data,
        filename=filename,
        source_datum="gcj02" if gcj02 else "wgs84",
        declared_crs=declared_crs.strip() or None,
    )
    _require_in_region(read.features, region_id, filename)
    features = prepare_constraint_features(
        read.features, kind, analysis_crs=region.analysis_crs, what=filename
    )
    layers[kind] = UserLayer(kind=kind, filename=filename, sha256=sha, features=features)
    st.session_state[USER_LAYERS] = layers
    return layers[kind]


def _require_in_region(features: gpd.GeoDataFrame, region_id: str, filename: str) -> None:
    region = load_region(region_id)
    outline = load_city_outline(region).to_crs(features.crs)
    if features.intersects(outline.geometry.iloc[0]).any():
        return
    msg = (
        f"{filename}: none of its {len(features)} features lies in region {region_id!r}. "
        f"Is the CRS right? Declare it (e.g. {region.analysis_crs}) or tick GCJ-02 for "
        "Amap data."
    )
    zh = (
        f"{filename}：{len(features)} 个要素均不在地区 {region_id!r} 内。坐标系是否正确？"
        f"请声明坐标系（如 {region.analysis_crs}），高德数据请勾选 GCJ-02。"
    )
    raise InvalidGeometryError(msg, zh=zh)


def accept_dem(region_id: str, filename: str, data: bytes) -> UserDem:
    """Write an uploaded DEM to a temporary file and let it replace the pack's DEM.

    Raises
    ------
    FileFormatError
        If the file is larger than `MAX_DEM_BYTES` or not a readable raster.
    MissingCrsError, GeographicCrsError
        If the DEM has no CRS or is not a projected north-up grid in metres.
    """
    _layers(region_id)
    sha = _digest(data)
    current = st.session_state.get(USER_DEM)
    if current is not None and current.sha256 == sha:
        return current
    if len(data) > MAX_DEM_BYTES:
        size_mb, max_mb = len(data) / 2**20, MAX_DEM_BYTES / 2**20
        msg = (
            f"DEM {filename!r} is {size_mb:.0f} MB; at most {max_mb:.0f} MB is accepted. "
            "Clip it to the region first (gdalwarp -cutline)."
        )
        zh = f"DEM {filename!r} 为 {size_mb:.0f} MB，上限 {max_mb:.0f} MB，请先裁剪到本地区。"
        raise FileFormatError(msg, zh=zh)
    path = _write_temp(filename, data)
    try:
        region = load_region(region_id)
        empty = gpd.GeoDataFrame({"site_id": []}, geometry=[], crs=region.analysis_crs)
        slope_stats(empty, path)  # opens the DEM and checks its CRS and grid
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    _drop_dem()
    st.session_state[USER_DEM] = UserDem(filename=filename, sha256=sha, path=path)
    return st.session_state[USER_DEM]


def _write_temp(filename: str, data: bytes) -> Path:
    stem = _SAFE_NAME.sub("_", Path(filename).stem)[:60] or "dem"
    path = Path(tempfile.mkdtemp(prefix="planner-dem-")) / f"{stem}.tif"
    path.write_bytes(data)
    return path


def _drop_dem() -> None:
    old = st.session_state.get(USER_DEM)
    if old is not None:
        shutil.rmtree(old.path.parent, ignore_errors=True)
    st.session_state[USER_DEM] = None


def reset_user_layers() -> None:
    """Go back to the bundled layers and DEM; clear the upload widgets."""
    _drop_dem()
    st.session_state[USER_LAYERS] = {}
    st.session_state[GENERATION] = int(st.session_state.get(GENERATION, 0)) + 1


def user_kinds(region_id: str) -> frozenset[str]:
    """Return the constraint kinds replaced by the user's layers."""
    return frozenset(_layers(region_id))


def user_key(region_id: str) -> str:
    """Return the scoring cache key of the user's layers and DEM ("" when none)."""
    parts = [f"{k}:{v.sha256}" for k, v in sorted(_layers(region_id).items())]
    dem = st.session_state.get(USER_DEM)
    if dem is not None:
        parts.append(f"dem:{dem.sha256}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest() if parts else ""


def effective_inputs(region_id: str, base: SitingInputs) -> SitingInputs:
    """Return ``base`` with the user's layers and DEM in place of the bundled ones."""
    layers = _layers(region_id)
    dem = st.session_state.get(USER_DEM)
    if not layers and dem is None:
        return base
    features = {**base.layers.features, **{k: v.features for k, v in layers.items()}}
    illustrative = {**base.layers.illustrative, **dict.fromkeys(layers, False)}
    merged = dataclasses.replace(base.layers, features=features, illustrative=illustrative)
    return dataclasses.replace(base, layers=merged, dem=base.dem if dem is None else dem.path)


def render_user_layers(region_id: str, lang: str) -> None:
    """Draw the expander: one uploader per constraint kind, a DEM uploader, reset button."""
    kinds = upload_kinds(region_id)
    _layers(region_id)
    gen = int(st.session_state.get(GENERATION, 0))
    with st.expander(t("sites.user.expander", lang)):
        st.caption(t("sites.user.help", lang))
        for kind in kinds:
            _layer_uploader(region_id, kind, gen, lang)
        upload = st.file_uploader(
            t("sites.user.dem", lang), type=list(DEM_EXTENSIONS), key=f"sites_user_dem_{gen}"
        )
        if upload is not None:
            with user_errors(lang):
                accept_dem(region_id, upload.name, upload.getvalue())
    _status(region_id, lang)


def _layer_uploader(region_id: str, kind: str, gen: int, lang: str) -> None:
    col_file, col_gcj, col_crs = st.columns([3, 1, 1])
    upload = col_file.file_uploader(
        t("sites.user.layer", lang).format(layer=t(f"layer_kind.{kind}", lang)),
        type=list(LAYER_EXTENSIONS),
        key=f"sites_user_{kind}_{gen}",
    )
    gcj02 = col_gcj.checkbox(t("upload.gcj02", lang), key=f"sites_user_gcj_{kind}_{gen}")
    crs = col_crs.text_input(
        t("sites.user.crs", lang),
        key=f"sites_user_crs_{kind}_{gen}",
        help=t("sites.user.crs_help", lang),
    )
    if upload is not None:
        with user_errors(lang):
            accept_layer(
                region_id, kind, upload.name, upload.getvalue(), gcj02=gcj02, declared_crs=crs
            )


def _status(region_id: str, lang: str) -> None:
    layers, dem = _layers(region_id), st.session_state.get(USER_DEM)
    if not layers and dem is None:
        st.caption(t("sites.user.none", lang))
        return
    sep = "; " if lang == "en" else "；"
    shown = [
        f"{t(f'layer_kind.{k}', lang)} ← {v.filename} ({len(v.features)})"
        for k, v in layers.items()
    ]
    if dem is not None:
        shown.append(f"DEM ← {dem.filename}")
    st.caption(t("sites.user.active", lang).format(layers=sep.join(shown)))
    if st.button(t("sites.user.reset", lang), key=RESET):
        reset_user_layers()
        st.rerun()
