"""Page 规划目标 / Forage targets: county choropleth of a crop × year target, and tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from errors import LayerNotAvailableError
from ui import data, state
from ui.errors import user_errors
from ui.labels import t
from ui.map import MapLayer, build_map
from ui.map_widget import map_view, show_built_map, show_map
from ui.targets import view as targets_view


def render() -> None:
    """Draw the page: crop and year choice, choropleth map with legend, tables."""
    lang = state.lang()
    st.title(t("targets.title", lang))
    st.caption(t("targets.intro", lang))
    with user_errors(lang):
        _render_body(lang, str(st.session_state[state.REGION]))


def _render_body(lang: str, region_id: str) -> None:
    try:
        targets = data.forage_targets(region_id)
    except LayerNotAvailableError as err:  # a new pack: show its counties and say so
        st.info(err.message("en" if lang == "en" else "zh"))
        if data.group_targets(region_id).empty:
            _counties_map(region_id, lang)
    else:
        _forage_section(lang, region_id, targets)
    _city_section(lang, region_id)
    _group_section(lang, region_id)
    _size_class_section(lang, region_id)


def _forage_section(lang: str, region_id: str, targets: pd.DataFrame) -> None:
    region = data.region(region_id)
    crops = targets_view.available_crops(targets)
    if not crops:
        st.info(t("targets.none", lang))
        return
    col_crop, col_year, col_total = st.columns([2, 1, 2])
    if st.session_state.get(state.TARGET_CROP) not in crops:
        st.session_state.get(state.KEPT, {}).pop(state.TARGET_CROP, None)
        st.session_state[state.TARGET_CROP] = crops[0]
    state.keep(state.TARGET_CROP, crops[0])
    crop = col_crop.radio(
        t("targets.crop", lang),
        crops,
        key=state.TARGET_CROP,
        on_change=state.remember,
        args=(state.TARGET_CROP,),
        horizontal=True,
        format_func=lambda c: targets_view.crop_label(c, lang),
    )
    years = targets_view.available_years(targets, crop)
    if st.session_state.get(state.TARGET_YEAR) not in years:
        st.session_state[state.TARGET_YEAR] = years[-1]
    year = col_year.selectbox(t("targets.year", lang), years, key=state.TARGET_YEAR)
    frame = targets_view.county_targets(
        data.counties(region_id), targets, crop=crop, year=int(year), lang=lang
    )
    total_wan_mu, total_ha = targets_view.totals(frame)
    col_total.metric(t("targets.total", lang), targets_view.fmt_wan_mu(total_wan_mu))
    col_total.caption(t("targets.total_ha", lang).format(ha=targets_view.fmt_ha(total_ha)))
    illustrative = data.is_illustrative(region, "counties", "forage_targets")
    view = map_view(region)
    show_built_map(  # built once per region, crop, year and view (language, basemap)
        lambda: targets_view.targets_map(
            frame,
            crop=crop,
            year=int(year),
            analysis_crs=region.analysis_crs,
            view=view,
            illustrative=illustrative,
        ),
        cache_key=("targets", region_id, crop, int(year), view),
        key="targets_map",
    )
    st.subheader(t("targets.county_table", lang))
    st.dataframe(
        targets_view.targets_table(frame, lang),
        hide_index=True,
        width="stretch",
        column_config=_narrow_source(lang),
    )


def _city_section(lang: str, region_id: str) -> None:
    try:
        city = data.city_targets(region_id)
    except LayerNotAvailableError:
        return
    st.subheader(t("targets.city_table", lang))
    st.dataframe(
        targets_view.city_target_table(city, lang),
        hide_index=True,
        width="stretch",
        column_config=_narrow_source(lang),
    )


def _group_section(lang: str, region_id: str) -> None:
    """County groups: a map of the members, their targets and whether they add up."""
    groups = data.group_targets(region_id)
    if groups.empty:
        return
    st.subheader(t("targets.group_title", lang))
    st.caption(t("targets.group_intro", lang))
    region = data.region(region_id)
    members = data.group_members(region_id)
    frame = targets_view.group_map_frame(data.counties(region_id), members, lang)
    layer = MapLayer(
        frame=frame,
        name=t("targets.group_layer", lang),
        analysis_crs=region.analysis_crs,
        tooltip_fields=("name", "group"),
        tooltip_aliases=(t("col.county", lang), t("col.group", lang)),
        coverage=True,
        label_field="group",
        illustrative=data.is_illustrative(region, "counties", "county_groups"),
    )
    show_map(build_map([layer], view=map_view(region)), key="group_map")
    st.dataframe(
        targets_view.group_table(groups, lang),
        hide_index=True,
        width="stretch",
        column_config=_narrow_source(lang),
    )
    sums = data.group_target_sums(region_id)
    if not sums.empty:
        st.markdown(t("targets.group_sums", lang))
        st.dataframe(targets_view.group_sums_table(sums, lang), hide_index=True, width="stretch")


def _size_class_section(lang: str, region_id: str) -> None:
    classes = data.size_classes(region_id)
    if classes.empty:
        return
    st.subheader(t("targets.size_class_title", lang))
    st.caption(t("targets.size_class_intro", lang))
    st.dataframe(
        targets_view.size_class_table(classes, lang),
        hide_index=True,
        width="stretch",
        column_config=_narrow_source(lang),
    )


def _counties_map(region_id: str, lang: str) -> None:
    """Show the region's county boundaries alone (a pack without forage targets)."""
    region = data.region(region_id)
    counties = data.counties(region_id)
    name_col = "name_en" if lang == "en" else "name_zh"
    frame = counties[["adcode", counties.geometry.name]].assign(name=counties[name_col])
    layer = MapLayer(
        frame=frame,
        name=t("map.counties", lang),
        analysis_crs=region.analysis_crs,
        tooltip_fields=("name", "adcode"),
        tooltip_aliases=(t("col.county", lang), t("report.xcol.adcode", lang)),
        coverage=True,
        label_field="name",
        illustrative=data.is_illustrative(region, "counties"),
    )
    show_map(build_map([layer], view=map_view(region)), key="targets_map")


def _narrow_source(lang: str) -> dict[str, st.column_config.Column]:
    """Keep the long source citations from pushing the other columns out of view."""
    return {t("col.source", lang): st.column_config.TextColumn(width="medium")}
