"""Page 选址评价 / Site check: gates, score, rank and weight sensitivity of candidate sites.

Candidates are the region's demo candidates or an uploaded polygon file (drawing comes with
the planner workflow); the user may replace any constraint layer or the DEM with their own
(`ui.sites.user_layers`). Results are those of ``python -m siting score``; weights are set per
criterion or derived from an AHP pairwise matrix. The map shows why a site failed: the
deciding feature of each gate of the selected site is outlined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd
import streamlit as st

from siting.ahp import ahp_weights
from siting.score import default_weights
from ui import data, state
from ui.errors import user_errors
from ui.gate_words import gate_verdict
from ui.labels import t
from ui.map_widget import map_view, show_built_map
from ui.sites import results
from ui.sites.map import sites_map
from ui.sites.user_layers import effective_inputs, render_user_layers, user_key, user_kinds

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.site_scoring import SiteInput
    from planning.siting_inputs import SitingInputs
    from siting.assess import SiteAssessment

SOURCE: Final[str] = "sites_source"
FILE: Final[str] = "sites_file"
GCJ02: Final[str] = "sites_gcj02"
HERD_ALL: Final[str] = "sites_herd_all"
HERD: Final[str] = "sites_herd"
METHOD: Final[str] = "sites_weights_method"
AHP: Final[str] = "sites_ahp"
SITE: Final[str] = "sites_selected"
WEIGHT_PREFIX: Final[str] = "sites_w_"
SOURCES: Final[tuple[str, ...]] = ("demo", "upload")
METHODS: Final[tuple[str, ...]] = ("direct", "ahp")
DEFAULT_HERD: Final[float] = 5000.0
#: Weight sliders run 0-1 in steps of 0.01 (weights are renormalised when scoring).
WEIGHT_MAX: Final[float] = 1.0
WEIGHT_STEP: Final[float] = 0.01
MAP_HEIGHT_PX: Final[int] = 500
RANKING_HEIGHT_PX: Final[int] = 420
CHART_HEIGHT_PX: Final[int] = 220
#: Map and results side by side (relative widths of the two columns).
SIDE_BY_SIDE: Final[tuple[int, int]] = (3, 2)
#: Sites named in the "top three now" line under the weights.
TOP_SHOWN: Final[int] = 3


def weight_key(criterion: str) -> str:
    """Session-state key of one criterion's weight input."""
    return WEIGHT_PREFIX + criterion


def render() -> None:
    """Draw the page: candidate source, weights, ranking, map and the selected site."""
    lang = state.lang()
    st.title(t("sites.title", lang))
    st.caption(t("sites.intro", lang))
    with user_errors(lang):
        _render_body(lang, str(st.session_state[state.REGION]))


def _render_body(lang: str, region_id: str) -> None:
    # first: a pack lacking a layer the check needs says so before a file is asked for
    bundled = data.siting_inputs(region_id)
    col_source, col_layers = st.columns([2, 3], gap="medium")
    with col_source:
        source = _source_args(region_id, lang)
    if source is None:
        return
    with col_layers:
        render_user_layers(region_id, lang)
    inputs = effective_inputs(region_id, bundled)
    user = {"user_key": user_key(region_id), "_inputs": inputs}
    site_input = data.candidate_sites(region_id, *source[:-1], lang, source[-1])
    _skipped(site_input, lang)
    defaults = tuple(default_weights(inputs.params).items)
    with st.spinner(t("sites.running", lang)):
        base, notes = data.assessment(region_id, *source[:-1], lang, defaults, source[-1], **user)
    for note in notes:
        st.caption("⚠ " + note)
    base_key = (region_id, *source[:-1], lang, user["user_key"])
    _assessment_view(base, base_key, defaults, site_input, inputs, region_id, lang)


@st.fragment
def _assessment_view(
    base: SiteAssessment,
    base_key: tuple[object, ...],
    defaults: tuple[tuple[str, float], ...],
    site_input: SiteInput,
    inputs: SitingInputs,
    region_id: str,
    lang: str,
) -> None:
    """Map beside ranking, weights and verdict; a site change reruns only this.

    The map shows what does not depend on the weights (pass / fail, failed gates, the
    selected site's deciding features), so it is drawn here, outside `_weighted_view`: a
    weight change reruns only that inner fragment and the map (its iframe) stays as it is.
    """
    col_map, col_side = st.columns(SIDE_BY_SIDE, gap="medium")
    sites = site_input.sites
    names = results.site_names(sites, lang)
    with col_map:
        selected = _choose_site(base, names, lang)
        _map(base, base_key, sites, inputs, names, selected, region_id)
    with col_side:
        _weighted_view(base, base_key, defaults, sites, names, inputs, selected, region_id, lang)


@st.fragment
def _weighted_view(
    base: SiteAssessment,
    base_key: tuple[object, ...],
    defaults: tuple[tuple[str, float], ...],
    sites: gpd.GeoDataFrame,
    names: dict[str, str],
    inputs: SitingInputs,
    selected: str,
    region_id: str,
    lang: str,
) -> None:
    """Ranking, weights and the selected site's verdict: a weight change reruns only this."""
    tab_rank, tab_weights, tab_site = st.tabs(
        [t("sites.tab.ranking", lang), t("sites.tab.weights", lang), t("sites.tab.site", lang)]
    )
    with tab_weights:
        top_line = st.empty()
        weights = _weights(inputs, results.unavailable_criteria(base, lang), lang)
    if weights is None:
        return
    result = base if weights == defaults else data.reweighted(base_key, weights, base)
    top_line.caption(
        t("sites.top_now", lang).format(
            sites=t("list.separator", lang).join(results.top_sites(result, names, TOP_SHOWN))
        )
    )
    with tab_rank:
        _ranking(result, sites, names, region_id, lang)
    with tab_site:
        _verdict(result, selected, names, lang)
    with st.expander(t("sites.details", lang), expanded=False):
        _site_detail(result, selected, names, lang)


def _map(
    result: SiteAssessment,
    base_key: tuple[object, ...],
    sites: gpd.GeoDataFrame,
    inputs: SitingInputs,
    names: dict[str, str],
    selected: str,
    region_id: str,
) -> None:
    """Show the sites' map, built once per assessment, chosen site and view.

    ``base_key`` names the assessment (region, candidate file, language, user layers), so
    the map (all constraint layers: ~1 MB of script) is built and serialised once and a
    return to the page sends it without building it again.
    """
    region = data.region(region_id)
    view = map_view(region)
    kinds = user_kinds(region_id)  # read here: the map is built on the worker (no session)
    show_built_map(
        lambda: sites_map(
            result,
            sites,
            inputs,
            names,
            selected=selected,
            view=view,
            user_kinds=kinds,
        ),
        cache_key=("sites", base_key, selected, view),
        key="sites_map",
        height=MAP_HEIGHT_PX,
    )
    st.caption(t("sites.map_caption", state.lang()))


def _ranking(
    result: SiteAssessment,
    sites: gpd.GeoDataFrame,
    names: dict[str, str],
    region_id: str,
    lang: str,
) -> None:
    region = data.region(region_id)
    counties = results.site_counties(
        sites, data.counties(region_id), analysis_crs=region.analysis_crs, lang=lang
    )
    passed = sum(s.passed for s in result.scores.sites)
    st.markdown(
        t("sites.summary", lang).format(
            n=len(result.scores.sites), passed=passed, failed=len(result.scores.sites) - passed
        )
    )
    _sensitivity(result, names, lang)
    st.dataframe(
        results.ranking_frame(result, names, counties, lang),
        hide_index=True,
        width="stretch",
        height=RANKING_HEIGHT_PX,
        # a narrower site column brings the failed gates into view beside the map
        column_config={
            t("scol.site", lang): st.column_config.TextColumn(width="medium"),
            t("scol.failed", lang): st.column_config.TextColumn(width="large"),
        },
    )


def _verdict(result: SiteAssessment, site_id: str, names: dict[str, str], lang: str) -> None:
    """The selected site's verdict: every gate by its rule with pass / fail, then the score."""
    site = result.scores.site(site_id)
    name = names.get(site_id, site_id)
    if site.passed:
        verdict = t("sites.verdict_passed", lang).format(
            score=f"{site.score:.1f}" if site.score is not None else "—",
            rank=site.rank if site.rank is not None else "—",
        )
        st.success(t("sites.verdict_head", lang).format(site=name, verdict=verdict))
    else:  # an outcome, not an error of the page: a red line, not st.error
        verdict = t("sites.verdict_failed", lang)
        st.markdown(
            f":red[**✖ {t('sites.verdict_head', lang).format(site=name, verdict=verdict)}**]"
        )
    st.markdown("\n".join(f"- {gate_verdict(g, lang)}" for g in site.gates))
    parts = results.contributions(site, lang)
    if site.passed and not parts.empty:
        st.caption(t("sites.contributions", lang))
        st.bar_chart(parts, horizontal=True, height=CHART_HEIGHT_PX)


def _source_args(
    region_id: str, lang: str
) -> tuple[str, str, float | None, bool, bytes | None] | None:
    """Return (source key, file name, herd, gcj02, bytes) or None while waiting for a file.

    A pack without demo candidates offers only the upload, and says so (not a missing file).
    """
    demo = data.has_demo_candidates(region_id)
    if demo:
        state.keep(SOURCE, SOURCES[0])
        choice = st.radio(
            t("sites.source", lang),
            SOURCES,
            key=SOURCE,
            on_change=state.remember,
            args=(SOURCE,),
            horizontal=True,
            format_func=lambda s: t(f"sites.source.{s}", lang),
        )
    else:
        choice = "upload"
        region = data.region(region_id)
        st.info(
            t("sites.no_demo", lang).format(
                region=region.name_en if lang == "en" else region.name_zh
            )
        )
    st.caption(t("sites.drawing_later", lang))
    if choice == "demo":
        return data.DEMO_KEY, data.DEMO_FILE, None, False, None
    upload = st.file_uploader(
        t("sites.file", lang), key=FILE, type=["geojson", "json", "kml", "kmz", "zip", "gpkg"]
    )
    col_gcj, col_all, col_herd = st.columns([2, 2, 1])
    gcj02 = col_gcj.checkbox(t("upload.gcj02", lang), key=GCJ02, help=t("upload.gcj02_help", lang))
    same = col_all.checkbox(
        t("sites.herd_all", lang), key=HERD_ALL, help=t("sites.herd_all_help", lang)
    )
    herd = col_herd.number_input(
        t("sites.herd", lang),
        min_value=1.0,
        value=DEFAULT_HERD,
        step=500.0,
        key=HERD,
        disabled=not same,
    )
    if upload is None:
        if demo:  # else the no-candidates note above already asks for a file
            st.info(t("sites.waiting", lang))
        return None
    content = upload.getvalue()
    return (
        data.upload_key(content),
        upload.name,
        float(herd) if same else None,
        bool(gcj02),
        content,
    )


def _skipped(site_input: SiteInput, lang: str) -> None:
    for note in site_input.notes:
        st.caption(note)
    if not site_input.bad:
        return
    rows = "\n".join(
        "- " + t("sites.skipped_row", lang).format(no=b["feature_no"], reason=b["reason"])
        for b in site_input.bad
    )
    st.warning(t("sites.skipped", lang).format(n=len(site_input.bad)) + "\n\n" + rows)


def _weights(
    inputs: SitingInputs, unavailable: dict[str, str], lang: str
) -> tuple[tuple[str, float], ...] | None:
    state.keep(METHOD, METHODS[0])
    method = st.radio(
        t("sites.weights_method", lang),
        METHODS,
        key=METHOD,
        on_change=state.remember,
        args=(METHOD,),
        horizontal=True,
        format_func=lambda m: t(f"sites.method.{m}", lang),
    )
    if method == "ahp":
        return _ahp_weights(inputs, unavailable, lang)
    return _direct_weights(inputs, unavailable, lang)


def _direct_weights(
    inputs: SitingInputs, unavailable: dict[str, str], lang: str
) -> tuple[tuple[str, float], ...]:
    st.caption(t("sites.weights_slider_help", lang))
    specs = [c for c in inputs.params.criteria if c.enabled]
    out = []
    for spec in specs:
        key = weight_key(spec.key)
        state.keep(key, float(spec.default_weight))  # kept across page switches
        name = results.criterion_label(
            spec.key, spec.name_en if lang == "en" else spec.name_zh, lang
        )
        value = st.slider(
            name,
            min_value=0.0,
            max_value=WEIGHT_MAX,
            step=WEIGHT_STEP,
            key=key,
            disabled=spec.key in unavailable,
            help=spec.name_en if lang == "en" else spec.name_zh,
            on_change=state.remember,
            args=(key,),
        )
        if spec.key in unavailable:
            st.caption(t("sites.not_available", lang).format(reason=unavailable[spec.key]))
        out.append((spec.key, float(value)))
    return tuple(out)


def _ahp_weights(
    inputs: SitingInputs, unavailable: dict[str, str], lang: str
) -> tuple[tuple[str, float], ...] | None:
    st.caption(t("sites.ahp_help", lang))
    names = {c.key: (c.name_en if lang == "en" else c.name_zh) for c in inputs.params.criteria}
    keys = {name: key for key, name in names.items()}
    shown_matrix = inputs.ahp_matrix.round(4).rename(index=names, columns=names)
    edited = st.data_editor(shown_matrix, key=AHP, width="stretch")
    matrix = pd.DataFrame(edited).rename(index=keys, columns=keys)
    result = ahp_weights(results.reciprocal_matrix(matrix))
    col_stats, col_weights = st.columns([1, 2])
    col_stats.dataframe(results.ahp_summary(result, lang), hide_index=True)
    shown = pd.DataFrame(
        {
            t("ccol.criterion", lang): [names.get(k, k) for k in result.keys],
            t("ccol.weight", lang): [round(w, 4) for w in result.weights],
        }
    )
    col_weights.dataframe(shown, hide_index=True)
    if result.consistent:
        st.success(t("sites.ahp_consistent", lang).format(cr=result.cr))
    else:
        st.error(t("sites.ahp_inconsistent", lang).format(cr=result.cr))
    for key, reason in unavailable.items():
        st.caption(f"{key} — " + t("sites.not_available", lang).format(reason=reason))
    return tuple(result.weight_map().items())


def _sensitivity(result: SiteAssessment, names: dict[str, str], lang: str) -> None:
    sens = result.sensitivity
    if sens.top_site_id is None:
        st.warning(t("sites.no_passing", lang))
        return
    pct = f"{sens.delta_frac * 100:g}"
    top = names.get(sens.top_site_id, sens.top_site_id)
    if sens.top_stays_on_top:
        st.success(t("sites.top_stays", lang).format(site=top, pct=pct))
        return
    criteria = {
        c.key: results.criterion_label(c.key, c.name_en if lang == "en" else c.name_zh, lang)
        for site in result.scores.sites
        for c in site.criteria
    }
    rows = results.sensitivity_rows(result, names, criteria, lang)
    st.warning(
        t("sites.sensitivity_head", lang).format(site=top, pct=pct)
        + "\n"
        + "\n".join(f"- {row}" for row in rows)
    )


def _choose_site(result: SiteAssessment, names: dict[str, str], lang: str) -> str:
    ids = [s.site_id for s in result.scores.sites]
    if st.session_state.get(SITE) not in ids:
        st.session_state[SITE] = result.sensitivity.top_site_id or ids[0]
    return str(
        st.selectbox(
            t("sites.selected", lang), ids, key=SITE, format_func=lambda i: names.get(i, i)
        )
    )


def _site_detail(result: SiteAssessment, site_id: str, names: dict[str, str], lang: str) -> None:
    site = result.scores.site(site_id)
    st.markdown(f"**{t('sites.gates', lang).format(site=names.get(site_id, site_id))}**")
    st.dataframe(results.gate_frame(site, lang), hide_index=True, width="stretch")
    st.markdown(f"**{t('sites.criteria', lang).format(site=names.get(site_id, site_id))}**")
    if not site.passed:
        st.info(t("sites.no_score", lang))
    st.dataframe(results.criteria_frame(site, lang), hide_index=True, width="stretch")
