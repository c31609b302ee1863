"""Page 导入数据 / Import data: check a file, preview it on the map, then add it to the pack.

Display only: reading, checking and writing are `planning.data_import`; this page keeps the
preview between the two buttons and clears the cached region data after a write.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd
import streamlit as st

from planning.data_import import (
    IMPORT_LAYERS,
    ImportPreview,
    commit_import,
    copy_upload,
    gather_shapefile,
    parse_mapping,
    preview_import,
    summary_rows,
)
from ui import data, state
from ui.errors import user_errors
from ui.labels import t
from ui.map import MapLayer, PolygonStyle, build_map
from ui.map_widget import map_view, show_map

if TYPE_CHECKING:
    from streamlit.runtime.uploaded_file_manager import UploadedFile

PREVIEW_KEY: Final[str] = "data_import_preview"
UPLOAD_TYPES: Final[tuple[str, ...]] = (
    "shp",
    "shx",
    "dbf",
    "prj",
    "cpg",
    "zip",
    "gpkg",
    "geojson",
    "json",
    "csv",
    "tif",
    "tiff",
)
SOURCE_CRS_CHOICES: Final[tuple[str, ...]] = ("file", "gcj02", "bd09", "epsg")
PREVIEW_STYLE: Final[PolygonStyle] = PolygonStyle(
    color="#1b7837", weight=2.0, fill_color="#a6dba0", fill_opacity=0.5
)
MAX_TABLE_ROWS: Final[int] = 20


def render() -> None:
    """Draw the page: layer, files and options; the summary and map; the add button."""
    lang = state.lang()
    st.title(t("import.title", lang))
    st.caption(t("import.intro", lang))
    region_id = str(st.session_state[state.REGION])
    layer = st.selectbox(
        t("import.layer", lang),
        list(IMPORT_LAYERS),
        format_func=lambda k: _layer_label(k, lang),
    )
    files = st.file_uploader(
        t("import.files", lang), type=list(UPLOAD_TYPES), accept_multiple_files=True
    )
    source_crs = _source_crs_input(lang)
    col_map, col_default, col_enc = st.columns([3, 2, 1])
    mapping_text = col_map.text_input(t("import.mapping", lang))
    defaults_text = col_default.text_input(t("import.defaults", lang))
    encoding = col_enc.text_input(t("import.encoding", lang)).strip() or None
    if not files:
        st.info(t("import.none", lang))
    if st.button(t("import.check", lang), type="primary", disabled=not files):
        st.session_state.pop(PREVIEW_KEY, None)
        with user_errors(lang):
            st.session_state[PREVIEW_KEY] = _preview(
                region_id, str(layer), files, mapping_text, defaults_text, encoding, source_crs
            )
    preview = st.session_state.get(PREVIEW_KEY)
    if isinstance(preview, ImportPreview) and preview.region_id == region_id:
        _show_preview(preview, region_id, lang)


def _layer_label(key: str, lang: str) -> str:
    target = IMPORT_LAYERS[key]
    return target.label_en if lang == "en" else target.label_zh


def _source_crs_input(lang: str) -> str | None:
    col_kind, col_epsg = st.columns([2, 1])
    choice = col_kind.radio(
        t("import.source_crs", lang),
        SOURCE_CRS_CHOICES,
        horizontal=True,
        format_func=lambda c: t(f"import.source_crs_{c}", lang),
    )
    if choice == "epsg":
        return col_epsg.text_input(t("import.epsg", lang)).strip() or None
    return None if choice == "file" else str(choice)


def _preview(
    region_id: str,
    layer: str,
    files: list[UploadedFile],
    mapping_text: str,
    defaults_text: str,
    encoding: str | None,
    source_crs: str | None,
) -> ImportPreview:
    with tempfile.TemporaryDirectory(prefix="planner-upload-") as tmp:
        folder = Path(tmp)
        if len(files) == 1:
            path = copy_upload(files[0].getvalue(), files[0].name, folder)
        else:
            path = gather_shapefile({f.name: f.getvalue() for f in files}, folder)
        return preview_import(
            data.region(region_id),
            layer,
            path,
            mapping=parse_mapping([mapping_text] if mapping_text.strip() else None),
            defaults=parse_mapping([defaults_text] if defaults_text.strip() else None),
            encoding=encoding,
            source_crs=source_crs,
        )


def _show_preview(preview: ImportPreview, region_id: str, lang: str) -> None:
    st.subheader(t("import.preview_layer", lang))
    rows = summary_rows(preview, how_label=lambda how: t(f"import.how.{how}", lang))
    st.table(pd.DataFrame({"": [t(k, lang) for k, _ in rows], " ": [v for _, v in rows]}))
    region = data.region(region_id)
    if preview.features is not None:
        layer = MapLayer(
            frame=preview.features[[preview.features.geometry.name]],
            name=t("import.preview_layer", lang),
            analysis_crs=region.analysis_crs,
            style=PREVIEW_STYLE,
        )
        show_map(build_map([layer], view=map_view(region)), key="import_map")
    elif preview.table is not None:
        st.dataframe(preview.table.head(MAX_TABLE_ROWS), hide_index=True)
    if st.button(t("import.add", lang)):
        with user_errors(lang):
            updated = commit_import(region, preview)
            st.session_state.pop(PREVIEW_KEY, None)
            st.cache_data.clear()
            st.cache_resource.clear()
            st.success(
                t("import.added", lang).format(layer=preview.target.layer_name, region=updated.id)
            )
