"""The balance page's parcel layer: which one is in use, the user's upload, the parcel map.

The user can load their own absorption parcels (GeoPackage or zipped Shapefile) with a
column map. The upload is read by `planning.regions.load_user_parcels` (the same checks as
bundled data); the loaded layer replaces the region pack's parcels for this session (county
balance and parcel map), until the user goes back to the bundled layer (`active_parcels`).

The parcel map shows one county's parcels coloured by remaining manure N or P capacity
(`parcel_map`, no ``st.*``). The numbers come from `ui.data.county_parcels`
(`planning.nutrient_balance`); here they are only picked (basis, per 亩 or total),
formatted and coloured. Parcels are drawn for one county at a time (a city has tens of
thousands), simplified by `PARCEL_TOLERANCE_M`.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import TYPE_CHECKING

import streamlit as st

from errors import PlannerWarning
from planning.regions import PARCELS_KIND, load_region, load_user_parcels
from ui import data
from ui.balance import state as balance_state
from ui.balance.format import basis_name, fmt_dec, fmt_int
from ui.balance.state import ParcelSource
from ui.colorscale import sequential_scale
from ui.errors import user_errors
from ui.labels import t
from ui.legend import legend_html, scale_entries
from ui.map import MapLayer, PolygonStyle, build_map

if TYPE_CHECKING:
    import folium
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    import geopandas as gpd

    from siting.parameters import CropTable
    from ui.colorscale import ColorScale
    from ui.map import MapView

#: ``ParcelSource.token`` of the region pack's parcel layer.
BUNDLED_TOKEN = "bundled"

UPLOAD_TYPES = ("gpkg", "zip")
# Parcel columns a file column can be mapped to (area_mu is always measured).
MAPPABLE: tuple[str, ...] = (
    "parcel_id",
    "adcode",
    "crop",
    "yield_kg_per_mu",
    "soil_n_class",
    "soil_p_class",
    "olsen_p_mg_per_kg",
    "manure_allowed",
)
NONE = ""
NONE_LABEL = "—"  # language-neutral: the browser keeps the label of a choice across languages
SOIL_CHOICES = (NONE, "I", "II", "III")
BOOL_CHOICES = (NONE, "true", "false")
MEASURES: tuple[str, ...] = ("per_mu", "total")
FILL_COLUMN = "fill_color"
# Display simplification of parcels (metres, analysis CRS): parcels are a few hundred metres
# across, so the 100 m county tolerance would distort them; 10 m is invisible at zoom 12.
PARCEL_TOLERANCE_M = 10.0
PARCEL_STYLE = PolygonStyle(
    color="#555555", weight=0.5, fill_opacity=0.8, fill_color_column=FILL_COLUMN
)
OUTLINE_STYLE = PolygonStyle(color="#222222", weight=2.0, fill_opacity=0.0)
TOOLTIP_FIELDS = (
    "parcel_id",
    "crop_txt",
    "area_txt",
    "manure_txt",
    "remaining_txt",
    "remaining_per_mu_txt",
)


def active_parcels(region_id: str) -> tuple[ParcelSource, gpd.GeoDataFrame]:
    """Return the parcel layer in use: the user's upload for this region, else the bundled one."""
    uploaded = st.session_state.get(balance_state.USER_PARCELS)
    if uploaded is not None and uploaded.region_id == region_id:
        return uploaded.source, uploaded.parcels
    spec = data.region(region_id).layer_of_kind(PARCELS_KIND)
    source = ParcelSource(BUNDLED_TOKEN, illustrative=spec.illustrative)
    return source, data.bundled_parcels(region_id)


def _read_options(region_id: str, lang: str) -> tuple[bool, str | None, str | None]:
    col_gcj, col_crs, col_layer = st.columns(3)
    gcj02 = col_gcj.checkbox(
        t("upload.gcj02", lang), key=balance_state.UPLOAD_GCJ02, help=t("upload.gcj02_help", lang)
    )
    crs = col_crs.text_input(
        t("upload.crs", lang),
        key=balance_state.UPLOAD_CRS,
        placeholder=data.region(region_id).analysis_crs,
        help=t("upload.crs_help", lang),
    )
    layer = col_layer.text_input(
        t("parcels_upload.layer", lang),
        key=balance_state.UPLOAD_LAYER,
        help=t("parcels_upload.layer_help", lang),
    )
    return bool(gcj02), (crs.strip() or None), (layer.strip() or None)


def _guess(column: str, file_columns_: list[str]) -> int:
    lowered = [c.lower() for c in file_columns_]
    return lowered.index(column) + 1 if column in lowered else 0


def _mapping_inputs(columns: list[str], lang: str) -> dict[str, str]:
    options = [NONE, *columns]
    mapping = {}
    grid = st.columns(4)
    for i, ours in enumerate(MAPPABLE):
        chosen = grid[i % 4].selectbox(
            t(f"parcels_upload.col.{ours}", lang),
            options,
            index=_guess(ours, columns),
            key=balance_state.mapping_key(ours),
            format_func=lambda c: NONE_LABEL if c == NONE else c,
        )
        if chosen:
            mapping[str(chosen)] = ours
    return mapping


def _default_inputs(region_id: str, lang: str) -> dict[str, object]:
    st.caption(t("parcels_upload.defaults", lang))
    crops = data.crop_table(region_id)
    choices = {
        "crop": (NONE, *crops),
        "soil_n_class": SOIL_CHOICES,
        "soil_p_class": SOIL_CHOICES,
        "manure_allowed": BOOL_CHOICES,
    }
    defaults: dict[str, object] = {}
    for column, (name, options) in zip(st.columns(len(choices)), choices.items(), strict=True):
        value = column.selectbox(
            t(f"parcels_upload.col.{name}", lang),
            options,
            key=balance_state.default_key(name),
            format_func=lambda v: NONE_LABEL if v == NONE else str(v),
        )
        if value:
            defaults[name] = value == "true" if name == "manure_allowed" else value
    return defaults


def _token(content: bytes, *parts: object) -> str:
    digest = hashlib.sha256(content)
    digest.update(repr(parts).encode())
    return f"user-{digest.hexdigest()[:16]}"


def _load(
    uploaded: UploadedFile,
    region_id: str,
    options: tuple[bool, str | None, str | None],
    mapping: dict[str, str],
    defaults: dict[str, object],
    lang: str,
) -> None:
    gcj02, crs, layer = options
    content = uploaded.getvalue()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        parcels = load_user_parcels(
            content,
            filename=uploaded.name,
            column_map=mapping,
            defaults=defaults,
            region=load_region(region_id),
            source_datum="gcj02" if gcj02 else "wgs84",
            layer=layer,
            declared_crs=crs,
        )
    for warning in caught:
        if issubclass(warning.category, PlannerWarning):
            st.warning(str(warning.message))
    token = _token(content, sorted(mapping.items()), sorted(defaults.items()), options)
    source = ParcelSource(
        token, illustrative=bool(parcels["illustrative"].any()), file_name=uploaded.name
    )
    st.session_state[balance_state.USER_PARCELS] = balance_state.UserParcels(
        region_id, source, parcels
    )
    st.success(t("parcels_upload.loaded", lang).format(n=len(parcels), name=uploaded.name))


def _use_bundled() -> None:
    st.session_state.pop(balance_state.USER_PARCELS, None)


def render_parcel_upload(region_id: str, lang: str) -> None:
    """Draw the expander: upload, read options, column mapping form, back-to-bundled button."""
    with st.expander(t("parcels_upload.expander", lang)):
        st.caption(t("parcels_upload.intro", lang))
        uploaded = st.file_uploader(
            t("upload.file", lang), type=list(UPLOAD_TYPES), key=balance_state.UPLOAD_FILE
        )
        options = _read_options(region_id, lang)
        if uploaded is not None:
            with user_errors(lang):
                _mapping_form(uploaded, region_id, options, lang)
        if st.session_state.get(balance_state.USER_PARCELS) is not None:
            st.button(t("parcels_upload.use_bundled", lang), on_click=_use_bundled)


def _mapping_form(
    uploaded: UploadedFile, region_id: str, options: tuple[bool, str | None, str | None], lang: str
) -> None:
    """List the file's columns in a mapping form; load the layer when it is submitted."""
    columns = data.file_columns(uploaded.getvalue(), uploaded.name, region_id, *options)
    with st.form("balance_parcel_mapping"):
        st.caption(t("parcels_upload.mapping", lang))
        mapping = _mapping_inputs(columns, lang)
        defaults = _default_inputs(region_id, lang)
        submitted = st.form_submit_button(t("parcels_upload.submit", lang))
    if submitted:
        _load(uploaded, region_id, options, mapping, defaults, lang)


def value_column(basis: str, measure: str) -> str:
    """Return the remaining-capacity column shown for ``basis`` and ``measure``."""
    suffix = "kg_per_mu" if measure == "per_mu" else "kg_per_yr"
    return f"remaining_{basis.lower()}_{suffix}"


def parcel_frame(
    parcels: gpd.GeoDataFrame,
    *,
    basis: str,
    measure: str,
    crops: CropTable,
    lang: str,
) -> gpd.GeoDataFrame:
    """Return the tooltip texts and fill colour of each parcel (only the needed columns).

    ``parcels`` is the output of `county_parcels` (remaining capacity columns).
    """
    x = basis.lower()
    scale = parcel_scale(parcels, basis=basis, measure=measure)
    names = {
        key: (crops.get(key).name_en if lang == "en" else crops.get(key).name_zh) for key in crops
    }
    allowed = (t("balance.parcel.manure_yes", lang), t("balance.parcel.manure_no", lang))
    return parcels[["parcel_id", parcels.geometry.name]].assign(
        crop_txt=parcels["crop"].map(lambda k: names.get(k, k)),
        area_txt=parcels["area_mu"].map(fmt_int),
        manure_txt=parcels["manure_allowed"].map(lambda ok: allowed[0] if ok else allowed[1]),
        remaining_txt=parcels[f"remaining_{x}_kg_per_yr"].map(fmt_int),
        remaining_per_mu_txt=parcels[f"remaining_{x}_kg_per_mu"].map(fmt_dec),
        **{FILL_COLUMN: parcels[value_column(basis, measure)].map(scale.color_for)},
    )


def parcel_scale(parcels: gpd.GeoDataFrame, *, basis: str, measure: str) -> ColorScale:
    """Return the colour scale of the remaining capacity shown (0 and below: grey)."""
    return sequential_scale(parcels[value_column(basis, measure)].tolist())


def parcel_map(
    parcels: gpd.GeoDataFrame,
    outline: gpd.GeoDataFrame,
    *,
    basis: str,
    measure: str,
    crops: CropTable,
    analysis_crs: str,
    view: MapView,
    illustrative: bool,
) -> folium.Map:
    """Return the map of one county's parcels (``outline`` = that county) with its legend."""
    lang = view.lang
    shown = parcel_frame(parcels, basis=basis, measure=measure, crops=crops, lang=lang)
    nutrient = basis_name(basis, lang)
    aliases = tuple(
        t(f"balance.parcel.tip.{field}", lang).format(basis=nutrient) for field in TOOLTIP_FIELDS
    )
    layers = [
        MapLayer(
            frame=outline,
            name=t("map.counties", lang),
            analysis_crs=analysis_crs,
            style=OUTLINE_STYLE,
            fit=True,
        ),
        MapLayer(
            frame=shown,
            name=t("balance.parcel.layer", lang).format(basis=nutrient),
            analysis_crs=analysis_crs,
            style=PARCEL_STYLE,
            tooltip_fields=TOOLTIP_FIELDS,
            tooltip_aliases=aliases,
            tolerance_m=PARCEL_TOLERANCE_M,
            illustrative=illustrative,
            fit=False,
        ),
    ]
    scale = parcel_scale(parcels, basis=basis, measure=measure)
    title = t(f"balance.parcel.legend.{measure}", lang).format(basis=nutrient)
    legend = legend_html(title, scale_entries(scale, no_data_label=t("balance.parcel.none", lang)))
    return build_map(layers, view=view, legends=[legend])
