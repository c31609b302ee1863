"""Load the user's own absorption parcels (GeoPackage or zipped Shapefile) with a column map.

The upload is read by `layers.parcels.load_user_parcels` (the same checks as bundled data);
the loaded layer replaces the region pack's parcels for this session (county balance and
parcel map), until the user goes back to the bundled layer.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import TYPE_CHECKING

import streamlit as st

from errors import PlannerWarning
from geo.io import read_vector
from planning.regions import load_region, load_user_parcels
from ui import balance_state, data
from ui.balance_data import ParcelSource, crop_table
from ui.errors import user_errors
from ui.labels import t

if TYPE_CHECKING:
    from streamlit.runtime.uploaded_file_manager import UploadedFile

UPLOAD_TYPES = ("gpkg", "zip")
# Parcel columns a file column can be mapped to (area_mu is always measured).
MAPPABLE: tuple[str, ...] = ("parcel_id", "adcode", "crop", "yield_kg_per_mu", "soil_n_class",
                             "soil_p_class", "olsen_p_mg_per_kg", "manure_allowed")
NONE = ""
NONE_LABEL = "—"  # language-neutral: the browser keeps the label of a choice across languages
SOIL_CHOICES = (NONE, "I", "II", "III")
BOOL_CHOICES = (NONE, "true", "false")


def _read_options(lang: str) -> tuple[bool, str | None, str | None]:
    col_gcj, col_crs, col_layer = st.columns(3)
    gcj02 = col_gcj.checkbox(t("upload.gcj02", lang), key=balance_state.UPLOAD_GCJ02,
                             help=t("upload.gcj02_help", lang))
    crs = col_crs.text_input(t("upload.crs", lang), key=balance_state.UPLOAD_CRS,
                             placeholder="EPSG:4546", help=t("upload.crs_help", lang))
    layer = col_layer.text_input(t("parcels_upload.layer", lang), key=balance_state.UPLOAD_LAYER,
                                 help=t("parcels_upload.layer_help", lang))
    return bool(gcj02), (crs.strip() or None), (layer.strip() or None)


@st.cache_data(show_spinner=False, max_entries=4)
def file_columns(content: bytes, filename: str, region_id: str, gcj02: bool,
                 declared_crs: str | None, layer: str | None) -> list[str]:
    """Return the attribute columns of an uploaded polygon file (after the usual checks)."""
    extent = data.city_outline(region_id).geometry.union_all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlannerWarning)  # reported when the layer is loaded
        result = read_vector(content, filename=filename, geometry_kind="polygon",
                             region_extent=extent, source_datum="gcj02" if gcj02 else "wgs84",
                             layer=layer, declared_crs=declared_crs)
    return [str(c) for c in result.features.columns if c not in ("feature_no", "geometry")]


def _guess(column: str, file_columns_: list[str]) -> int:
    lowered = [c.lower() for c in file_columns_]
    return lowered.index(column) + 1 if column in lowered else 0


def _mapping_inputs(columns: list[str], lang: str) -> dict[str, str]:
    options = [NONE, *columns]
    mapping = {}
    grid = st.columns(4)
    for i, ours in enumerate(MAPPABLE):
        chosen = grid[i % 4].selectbox(
            t(f"parcels_upload.col.{ours}", lang), options, index=_guess(ours, columns),
            key=balance_state.mapping_key(ours),
            format_func=lambda c: NONE_LABEL if c == NONE else c)
        if chosen:
            mapping[str(chosen)] = ours
    return mapping


def _default_inputs(region_id: str, lang: str) -> dict[str, object]:
    st.caption(t("parcels_upload.defaults", lang))
    crops = crop_table(region_id)
    choices = {"crop": (NONE, *crops), "soil_n_class": SOIL_CHOICES,
               "soil_p_class": SOIL_CHOICES, "manure_allowed": BOOL_CHOICES}
    defaults: dict[str, object] = {}
    for column, (name, options) in zip(st.columns(len(choices)), choices.items(), strict=True):
        value = column.selectbox(t(f"parcels_upload.col.{name}", lang), options,
                                 key=balance_state.default_key(name),
                                 format_func=lambda v: NONE_LABEL if v == NONE else str(v))
        if value:
            defaults[name] = value == "true" if name == "manure_allowed" else value
    return defaults


def _token(content: bytes, *parts: object) -> str:
    digest = hashlib.sha256(content)
    digest.update(repr(parts).encode())
    return f"user-{digest.hexdigest()[:16]}"


def _load(uploaded: UploadedFile, region_id: str, options: tuple[bool, str | None, str | None],
          mapping: dict[str, str], defaults: dict[str, object], lang: str) -> None:
    gcj02, crs, layer = options
    content = uploaded.getvalue()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        parcels = load_user_parcels(content, filename=uploaded.name, column_map=mapping,
                                    defaults=defaults, region=load_region(region_id),
                                    source_datum="gcj02" if gcj02 else "wgs84", layer=layer,
                                    declared_crs=crs)
    for warning in caught:
        if issubclass(warning.category, PlannerWarning):
            st.warning(str(warning.message))
    token = _token(content, sorted(mapping.items()), sorted(defaults.items()), options)
    source = ParcelSource(token, illustrative=bool(parcels["illustrative"].any()),
                          file_name=uploaded.name)
    st.session_state[balance_state.USER_PARCELS] = balance_state.UserParcels(
        region_id, source, parcels)
    st.success(t("parcels_upload.loaded", lang).format(n=len(parcels), name=uploaded.name))


def _use_bundled() -> None:
    st.session_state.pop(balance_state.USER_PARCELS, None)


def render_parcel_upload(region_id: str, lang: str) -> None:
    """Draw the expander: upload, read options, column mapping form, back-to-bundled button."""
    with st.expander(t("parcels_upload.expander", lang)):
        st.caption(t("parcels_upload.intro", lang))
        uploaded = st.file_uploader(t("upload.file", lang), type=list(UPLOAD_TYPES),
                                    key=balance_state.UPLOAD_FILE)
        options = _read_options(lang)
        if uploaded is not None:
            with user_errors(lang):
                _mapping_form(uploaded, region_id, options, lang)
        if st.session_state.get(balance_state.USER_PARCELS) is not None:
            st.button(t("parcels_upload.use_bundled", lang), on_click=_use_bundled)


def _mapping_form(uploaded: UploadedFile, region_id: str,
                  options: tuple[bool, str | None, str | None], lang: str) -> None:
    """List the file's columns in a mapping form; load the layer when it is submitted."""
    columns = file_columns(uploaded.getvalue(), uploaded.name, region_id, *options)
    with st.form("balance_parcel_mapping"):
        st.caption(t("parcels_upload.mapping", lang))
        mapping = _mapping_inputs(columns, lang)
        defaults = _default_inputs(region_id, lang)
        submitted = st.form_submit_button(t("parcels_upload.submit", lang))
    if submitted:
        _load(uploaded, region_id, options, mapping, defaults, lang)
