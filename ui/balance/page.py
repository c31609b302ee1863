"""Page 粪污土地承载力 / Manure–land balance: county grades, parcel capacity, farm calculator.

Three tabs share one parcel layer (bundled or uploaded) and one set of coefficients (the
expander 编辑系数); only the open tab runs. All numbers come from `siting.nutrients` through
`ui.data` (`planning.nutrient_balance`) and `ui.balance.farm`, the same calls as
``python -m siting``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from siting.needs import UtilisationEnds
from ui import data, state
from ui.balance import county as balance_view
from ui.balance import state as balance_state
from ui.balance.coefficients import edit_coefficients
from ui.balance.farm import (
    compute_farm,
    display_names,
    farm_inputs,
    render_basis,
    render_headline,
    render_trace,
)
from ui.balance.format import area_beside, fmt_int
from ui.balance.notes import render_notes
from ui.balance.parcels import MEASURES, active_parcels, parcel_map, render_parcel_upload
from ui.balance.state import translated_choice
from ui.errors import user_errors
from ui.labels import t
from ui.map_widget import map_view, show_map

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.regions import Region
    from siting.parameters import NutrientParams
    from ui.balance.state import ParcelSource

TABS: tuple[str, ...] = ("county", "parcels", "farm")
HERD_KIND = "herd_baseline"
# The city is tall: a taller map leaves room for the grade legend beside it.
COUNTY_MAP_HEIGHT_PX = 680


def render() -> None:
    """Draw the page: parcel layer choice, coefficient editor, then the open tab."""
    lang = state.lang()
    st.title(t("balance.title", lang))
    st.caption(t("balance.intro", lang))
    with user_errors(lang):
        _render_body(lang, str(st.session_state[state.REGION]))


def _render_body(lang: str, region_id: str) -> None:
    region = data.region(region_id)
    render_parcel_upload(region_id, lang)
    params = edit_coefficients(data.nutrient_params(region_id), region_id, lang)
    source, parcels = active_parcels(region_id)
    st.caption(_source_text(source, len(parcels), lang))
    tabs = _tabs(lang)
    if tabs["county"].open:
        with tabs["county"], user_errors(lang):
            _county_tab(region, params, source, parcels, lang)
    if tabs["parcels"].open:
        with tabs["parcels"], user_errors(lang):
            _parcels_tab(region, params, source, parcels, lang)
    if tabs["farm"].open:
        with tabs["farm"], user_errors(lang):
            _farm_tab(region_id, params, lang)


def _source_text(source: ParcelSource, n_parcels: int, lang: str) -> str:
    if source.file_name is None:
        key = "bundled_illustrative" if source.illustrative else "bundled"
        return t(f"balance.source.{key}", lang).format(n=fmt_int(n_parcels))
    return t("balance.source.uploaded", lang).format(n=fmt_int(n_parcels), name=source.file_name)


def _tabs(lang: str) -> dict[str, st.delta_generator.DeltaGenerator]:
    """Return the lazy tabs by key; the open tab survives a language switch."""
    labels = {key: t(f"balance.tab.{key}", lang) for key in TABS}
    other = "en" if lang == "zh" else "zh"
    current = st.session_state.get(balance_state.TAB)
    for key in TABS:
        if current == t(f"balance.tab.{key}", other):
            st.session_state[balance_state.TAB] = labels[key]
    containers = st.tabs(list(labels.values()), key=balance_state.TAB, on_change="rerun")
    return dict(zip(TABS, containers, strict=True))


def _illustrative_inputs(region: Region, source: ParcelSource, lang: str) -> tuple[str, ...]:
    names = []
    if source.illustrative:
        names.append(t("balance.input.parcels", lang))
    if data.is_illustrative(region, HERD_KIND):
        names.append(t("balance.input.herd", lang))
    return tuple(names)


def _basis_choice(container: Any, key: str, lang: str) -> str:
    """Draw the N / P basis radio in ``container`` (``st`` or a column); return "N" or "P"."""
    return str(
        translated_choice(
            container.radio,
            t("balance.basis", lang),
            balance_view.BASES,
            key=key,
            lang=lang,
            default=balance_view.BASES[0],
            horizontal=True,
            format_func=lambda b: t(f"balance.basis.{b}", lang),
        )
    )


def _county_tab(
    region: Region,
    params: NutrientParams,
    source: ParcelSource,
    parcels: gpd.GeoDataFrame,
    lang: str,
) -> None:
    grades = data.warning_grades(region.id)
    balance = data.county_balance_table(region.id, params, source.token, parcels)
    basis = _basis_choice(st, balance_state.BASIS, lang)
    frame = balance_view.county_frame(
        data.counties(region.id), balance, basis=basis, grades=grades, lang=lang
    )
    m = balance_view.balance_map(
        frame,
        basis=basis,
        grades=grades,
        analysis_crs=region.analysis_crs,
        view=map_view(region),
        illustrative_inputs=_illustrative_inputs(region, source, lang),
    )
    show_map(m, key="balance_county_map", height=COUNTY_MAP_HEIGHT_PX)
    st.caption(
        t("balance.index_note", lang).format(
            n=f"{params.n_supply_kg_per_pe:g}", p=f"{params.p_supply_kg_per_pe:g}"
        )
    )
    st.subheader(t("balance.table", lang))
    st.dataframe(
        balance_view.balance_table(balance, grades, lang), hide_index=True, width="stretch"
    )
    st.download_button(
        t("balance.download", lang),
        balance_view.balance_csv(balance),
        file_name=f"{region.id}_county_balance.csv",
        mime="text/csv",
    )
    render_notes(data.counties(region.id), lang)


def _parcels_tab(
    region: Region,
    params: NutrientParams,
    source: ParcelSource,
    parcels: gpd.GeoDataFrame,
    lang: str,
) -> None:
    counties = data.counties(region.id)
    names = dict(
        zip(counties["adcode"], counties["name_en" if lang == "en" else "name_zh"], strict=True)
    )
    col_county, col_basis, col_measure = st.columns(3)
    adcode = translated_choice(
        col_county.selectbox,
        t("balance.parcel.county", lang),
        list(names),
        key=balance_state.PARCEL_COUNTY,
        lang=lang,
        default=next(iter(names)),
        format_func=names.__getitem__,
    )
    basis = _basis_choice(col_basis, balance_state.PARCEL_BASIS, lang)
    measure = translated_choice(
        col_measure.radio,
        t("balance.parcel.measure", lang),
        MEASURES,
        key=balance_state.PARCEL_MEASURE,
        lang=lang,
        default=MEASURES[0],
        horizontal=True,
        format_func=lambda m: t(f"balance.parcel.measure.{m}", lang),
    )
    chosen = data.county_parcels(region.id, params, source.token, str(adcode), parcels)
    if chosen.empty:
        st.info(t("balance.parcel.empty", lang).format(county=names[adcode]))
        return
    _county_capacity_metrics(region, params, source, parcels, str(adcode), lang)
    m = parcel_map(
        chosen,
        counties.loc[counties["adcode"] == adcode],
        basis=basis,
        measure=measure,
        crops=data.crop_table(region.id),
        analysis_crs=region.analysis_crs,
        view=map_view(region),
        illustrative=source.illustrative,
    )
    show_map(m, key="balance_parcel_map")
    st.caption(t("balance.parcel.no_ledger", lang))


def _county_capacity_metrics(
    region: Region,
    params: NutrientParams,
    source: ParcelSource,
    parcels: gpd.GeoDataFrame,
    adcode: str,
    lang: str,
) -> None:
    balance = data.county_balance_table(region.id, params, source.token, parcels)
    row = balance.loc[balance["adcode"] == adcode].iloc[0]
    cols = st.columns(3)
    cols[0].metric(t("balance.parcel.m.area", lang), fmt_int(row["manure_area_mu"]))
    cols[0].caption(area_beside(float(row["manure_area_mu"]), lang))
    cols[1].metric(t("balance.parcel.m.n", lang), fmt_int(row["manure_n_demand_kg_per_yr"]))
    cols[2].metric(t("balance.parcel.m.p", lang), fmt_int(row["manure_p_demand_kg_per_yr"]))


def _farm_tab(region_id: str, params: NutrientParams, lang: str) -> None:
    crops = data.crop_table(region_id)
    routes = data.manure_routes(region_id)
    inputs = farm_inputs(params, crops, routes, lang)
    st.caption(t("farm.coef_hint", lang))
    result = compute_farm(inputs, params, crops, routes)
    st.divider()
    render_headline(result, lang, UtilisationEnds.of(params))
    render_basis(result, lang)
    render_trace(result, lang, display_names(crops, routes, lang))
