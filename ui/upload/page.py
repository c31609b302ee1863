"""Page 数据上传检查 / Upload check: read a vector file like bundled data, show it or one error."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import streamlit as st

import geopandas as gpd

from errors import GeometryRepairedWarning, PlannerWarning
from geo.io import read_vector
from locales import Message
from ui import data, state
from ui.errors import user_errors
from ui.labels import t
from ui.map import MapLayer, PolygonStyle, build_map
from ui.map_widget import map_view, show_map

if TYPE_CHECKING:
    import pandas as pd

    from geo.io import VectorReadResult

UPLOAD_TYPES = ("geojson", "json", "kml", "kmz", "zip", "gpkg")
KINDS = ("any", "polygon", "point")
MAX_TOOLTIP_FIELDS = 4
MAX_TABLE_ROWS = 20
OUTLINE = PolygonStyle(color="#555555", weight=1.0, fill_opacity=0.0)
UPLOADED = PolygonStyle(color="#b2182b", weight=2.0, fill_color="#ef8a62", fill_opacity=0.5)


def check_upload(
    content: bytes,
    filename: str,
    *,
    region_id: str,
    gcj02: bool,
    kind: str,
    skip_bad: bool,
    declared_crs: str | None = None,
) -> tuple[VectorReadResult, list[str]]:
    """Read an upload with the same checks as bundled data (`geo.io.read_vector`).

    Returns
    -------
    result, warnings
        The validated features (EPSG:4326) and the texts of any other `PlannerWarning`
        raised while reading, to be shown, never printed (repaired geometries are counted
        on the result, ``repaired_count``, and shown in the page's language).

    Raises
    ------
    InputDataError
        Any problem with the file, with a bilingual message naming it.
    """
    extent = data.city_outline(region_id).geometry.union_all()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        result = read_vector(
            content,
            filename=filename,
            geometry_kind=kind,
            region_extent=extent,
            source_datum="gcj02" if gcj02 else "wgs84",
            on_bad_feature="skip" if skip_bad else "raise",
            declared_crs=declared_crs or None,
        )
    return result, [
        str(w.message)
        for w in caught
        if issubclass(w.category, PlannerWarning)
        and not issubclass(w.category, GeometryRepairedWarning)
    ]


def render() -> None:
    """Draw the page: uploader and options, then the features and notes or one error."""
    lang = state.lang()
    st.title(t("upload.title", lang))
    st.caption(t("upload.intro", lang))
    uploaded = st.file_uploader(
        t("upload.file", lang), type=list(UPLOAD_TYPES), key=state.UPLOAD_FILE
    )
    col_gcj, col_kind, col_opts = st.columns(3)
    col_gcj.checkbox(
        t("upload.gcj02", lang), key=state.UPLOAD_GCJ02, help=t("upload.gcj02_help", lang)
    )
    state.keep(state.UPLOAD_KIND, KINDS[0])
    col_kind.radio(
        t("upload.kind", lang),
        KINDS,
        key=state.UPLOAD_KIND,
        on_change=state.remember,
        args=(state.UPLOAD_KIND,),
        horizontal=True,
        format_func=lambda k: t(f"upload.kind.{k}", lang),
    )
    col_opts.checkbox(t("upload.skip_bad", lang), key=state.UPLOAD_SKIP_BAD)
    col_opts.text_input(
        t("upload.crs", lang),
        key=state.UPLOAD_CRS,
        placeholder=_crs_example(),
        help=t("upload.crs_help", lang),
    )
    if uploaded is None:
        st.info(t("upload.waiting", lang))
        return
    with user_errors(lang):
        result, read_warnings = check_upload(
            uploaded.getvalue(),
            uploaded.name,
            region_id=str(st.session_state[state.REGION]),
            gcj02=bool(st.session_state[state.UPLOAD_GCJ02]),
            kind=str(st.session_state[state.UPLOAD_KIND]),
            skip_bad=bool(st.session_state[state.UPLOAD_SKIP_BAD]),
            declared_crs=str(st.session_state[state.UPLOAD_CRS]).strip() or None,
        )
        _show_result(result, read_warnings, lang)


def _show_result(result: VectorReadResult, read_warnings: list[str], lang: str) -> None:
    st.success(
        t("upload.ok", lang).format(
            n=len(result.features), name=result.source_name, crs=result.source_crs
        )
    )
    if result.repaired_count:
        repaired = Message.of(
            "input.repaired_warning", file=result.source_name, count=result.repaired_count
        )
        st.warning(repaired.render(lang))
    for text in read_warnings:
        st.warning(text)
    notes = [note.render(lang) for note in result.notes]
    if notes:
        st.markdown(f"**{t('upload.notes', lang)}**\n\n" + "\n".join(f"- {n}" for n in notes))
    if len(result.skipped):
        st.warning(t("upload.skipped", lang).format(n=len(result.skipped)))
        skipped = result.skipped.assign(
            reason=result.skipped["reason"].map(lambda r: r.render(lang))
        )
        st.dataframe(skipped[["feature_no", "reason"]], hide_index=True, width="stretch")
    attributes = _attribute_text(result.features)
    _show_upload_map(
        gpd.GeoDataFrame(
            attributes, geometry=result.features.geometry.array, crs=result.features.crs
        ),
        lang,
    )
    st.caption(t("upload.attributes", lang).format(n=MAX_TABLE_ROWS))
    st.dataframe(attributes.head(MAX_TABLE_ROWS), hide_index=True, width="stretch")


def _show_upload_map(features: gpd.GeoDataFrame, lang: str) -> None:
    """Map the uploaded features (points as circles, the rest as shapes) over the counties."""
    region_id = str(st.session_state[state.REGION])
    region = data.region(region_id)
    fields = tuple(c for c in features.columns if c != "geometry")[:MAX_TOOLTIP_FIELDS]
    is_point = features.geom_type.isin(["Point", "MultiPoint"])
    layers = [
        MapLayer(
            frame=data.counties(region_id),
            name=t("map.counties", lang),
            analysis_crs=region.analysis_crs,
            style=OUTLINE,
            coverage=True,
            fit=False,
            tooltip_fields=("name_en" if lang == "en" else "name_zh",),
            tooltip_aliases=(t("col.county", lang),),
        )
    ]
    for kind, mask in (("polygon", ~is_point), ("point", is_point)):
        if bool(mask.any()):
            layers.append(
                MapLayer(
                    frame=features[mask],
                    name=t("upload.layer", lang),
                    analysis_crs=region.analysis_crs,
                    kind=kind,
                    style=UPLOADED,
                    tooltip_fields=fields,
                    tolerance_m=0.0,
                )
            )
    show_map(build_map(layers, view=map_view(region)), key="upload_map")


def _attribute_text(features: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the attribute columns as text (JSON-safe for tooltips), without geometry."""
    columns = [c for c in features.columns if c != features.geometry.name]
    return features[columns].astype(str).replace({"nan": "", "None": ""})


def _crs_example() -> str:
    """Return the chosen region's analysis CRS, shown as an example of a CRS to declare."""
    region_id = st.session_state.get(state.REGION)
    return data.region(str(region_id)).analysis_crs if region_id else "EPSG:4326"
