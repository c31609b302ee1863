"""Page 县域审核 / County review: per county and year which limits hold, decisions per ranch.

Reviewers see the scenario's build-out check (the same numbers as ``python -m siting
buildout``) on a county map and in tables, and record a decision (approve / reject /
request changes, with a reason) and comments per ranch in the scenario store, which keeps them
in its audit trail. The map has no drawing tools: reviewers cannot edit site geometry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd
import streamlit as st

from planning.regions import DEMO_SCENARIO_NAME, demo_scenario_sites
from planning.scenarios import SiteRecord
from ui import data, state
from ui.errors import user_errors
from ui.labels import t
from ui.login import acting, allows, read_only_note, signed_in_name
from ui.map_widget import map_view, show_map
from ui.review import view as review_view
from ui.review.packet import FORMATS, county_packet

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.scenarios import Scenario, ScenarioStore

SCENARIO: Final[str] = "review_scenario"
YEAR: Final[str] = "review_year"
COUNTY: Final[str] = "review_county"
SITE: Final[str] = "review_site"
DECISION: Final[str] = "review_decision"
REASON: Final[str] = "review_reason"
REVIEWER: Final[str] = "review_reviewer"
COMMENT: Final[str] = "review_comment"
SAVE: Final[str] = "review_save"
ADD_COMMENT: Final[str] = "review_add_comment"
LOAD_DEMO: Final[str] = "review_load_demo"
OVERRIDE: Final[str] = "review_gate_override"
MAP_HEIGHT_PX: Final[int] = 520
#: Map and the place's tables side by side (relative widths of the two columns).
SIDE_BY_SIDE: Final[tuple[int, int]] = (3, 2)
SITES_TABLE_HEIGHT_PX: Final[int] = 460
#: Relative widths of the scenario, year, county and packet choices in one row.
CHOICE_ROW: Final[tuple[int, int, int, int]] = (3, 1, 2, 3)
MAKE_PACKET: Final[str] = "review_make_packet"
#: Session key of the (scenario, version, place, language) whose packet was made.
PACKET_FOR: Final[str] = "review_packet_for"
DOWNLOAD_PREFIX: Final[str] = "review_download_"
#: Who loads the demo scenario into the store (audit trail ``user``): a language-neutral id,
#: shown as the words of catalogue key ``audit.user.demo_loader``.
DEMO_LOADER: Final[str] = "demo_loader"


def render() -> None:
    """Draw the page: scenario, year and county choice, map, tables and the decision form."""
    lang = state.lang()
    st.title(t("review.title", lang))
    st.caption(t("review.intro", lang))
    with user_errors(lang):
        _render_body(lang, str(st.session_state[state.REGION]))


def _render_body(lang: str, region_id: str) -> None:
    scenario_store = data.open_store()
    st.caption(t("review.store", lang).format(path=scenario_store.path))
    # one row: scenario, year, county, packet (the map and tables start high on the page)
    col_scenario, col_year, col_county, col_packet = st.columns(
        CHOICE_ROW, vertical_alignment="bottom"
    )
    with col_scenario:
        scenario = _choose_scenario(scenario_store, region_id, lang)
    if scenario is None:
        return
    region = data.region(region_id)
    counties = data.counties(region_id)
    names = review_view.place_names(counties, region.adcode, lang)
    years = region.plan.years  # manifest [plan]: the checked years, the plan's end year first
    year = int(
        col_year.selectbox(
            t("review.year", lang), years, key=YEAR, index=years.index(region.plan.target_year)
        )
    )
    adcode = col_county.selectbox(
        t("review.county", lang),
        [region.adcode, *counties["adcode"]],
        format_func=names.__getitem__,
        key=COUNTY,
    )
    with st.spinner(t("review.running", lang)):
        checked = data.buildout(
            region_id, scenario.scenario_id, scenario.version, scenario_store.location, tuple(years)
        )
        gates = data.site_gates(
            region_id, scenario.scenario_id, scenario.version, scenario_store.location
        )
    result = checked.result
    with col_packet:
        _packet(region_id, scenario, scenario_store.location, tuple(years), str(adcode), lang)
    _unusable(checked.unusable, lang)
    sites = scenario_store.sites(scenario)
    shown = review_view.sites_frame(
        sites,
        scenario_store.reviews(scenario),
        review_view.site_counties(sites, result),
        lang,
        gates,
    )
    frame = review_view.county_status_frame(counties, result.checks, year=year, lang=lang)
    col_map, col_side = st.columns(SIDE_BY_SIDE, gap="medium")
    with col_map:
        show_map(
            review_view.review_map(
                frame,
                shown,
                year=year,
                analysis_crs=region.analysis_crs,
                view=map_view(region, draw=False),
                focus_adcode=str(adcode),
            ),
            key="review_map",
            height=MAP_HEIGHT_PX,
        )
        st.caption(t("review.geometry_locked", lang))
    with col_side:
        _tables(
            result.checks,
            shown,
            names,
            adcode=str(adcode),
            year=year,
            city=region.adcode,
            lang=lang,
        )
    local = shown if adcode == region.adcode else shown[shown["adcode"] == adcode]
    _decision_form(scenario_store, scenario, local, lang)


def _packet(
    region_id: str,
    scenario: Scenario,
    store_file: str,
    years: tuple[int, ...],
    adcode: str,
    lang: str,
) -> None:
    """Offer the packet of the chosen place (PDF, HTML, XLSX) as ``python -m siting report``."""
    key = (scenario.scenario_id, scenario.version, adcode, lang)
    if st.session_state.get(PACKET_FOR) != key:
        if not st.button(t("review.packet.make", lang), key=MAKE_PACKET, width="stretch"):
            return
        with st.spinner(t("review.packet.running", lang)):
            county_packet(
                region_id, scenario.scenario_id, scenario.version, store_file, years, adcode, lang
            )
        st.session_state[PACKET_FOR] = key
    files = county_packet(
        region_id, scenario.scenario_id, scenario.version, store_file, years, adcode, lang
    )
    for col, (suffix, mime) in zip(st.columns(len(FORMATS)), FORMATS.items(), strict=True):
        name, content = files[suffix]
        col.download_button(
            suffix.upper(),
            content,
            file_name=name,
            mime=mime,
            key=f"{DOWNLOAD_PREFIX}{suffix}",
            width="stretch",
            help=t("review.packet.help", lang),
        )


def _unusable(unusable: pd.DataFrame, lang: str) -> None:
    """Warn about the sites the build-out left out, by name with what each lacks."""
    if unusable.empty:
        return
    st.warning(t("review.unusable", lang).format(count=len(unusable)))
    st.dataframe(review_view.unusable_table(unusable, lang), hide_index=True, width="stretch")


def _choose_scenario(scenario_store: ScenarioStore, region_id: str, lang: str) -> Scenario | None:
    can_load = allows("scenario.edit") and not has_demo(scenario_store)
    if can_load and st.button(t("review.load_demo", lang), key=LOAD_DEMO):
        loaded = load_demo(scenario_store, region_id)
        st.session_state[SCENARIO] = loaded.scenario_id
        st.success(t("review.demo_loaded", lang).format(name=loaded.name))
    scenarios = {s.scenario_id: s for s in scenario_store.list_scenarios()}
    if not scenarios:
        st.info(t("review.no_scenarios", lang))
        return None
    if st.session_state.get(SCENARIO) not in scenarios:
        st.session_state[SCENARIO] = next(iter(scenarios))
    chosen = st.selectbox(
        t("review.scenario", lang),
        list(scenarios),
        key=SCENARIO,
        format_func=lambda sid: scenarios[sid].name,
    )
    return scenarios[chosen]


def has_demo(scenario_store: ScenarioStore) -> bool:
    """Return True if the store already holds the demo scenario."""
    return any(s.name == DEMO_SCENARIO_NAME for s in scenario_store.list_scenarios())


def load_demo(scenario_store: ScenarioStore, region_id: str) -> Scenario:
    """Create the demo scenario in the store and add the region's demo ranches (one step each)."""
    sites = demo_scenario_sites(data.region(region_id))
    records = [
        SiteRecord(**{k: (None if pd.isna(v) else v) for k, v in row.items()})
        for row in sites.to_dict("records")
    ]
    scenario = scenario_store.create_scenario(
        DEMO_SCENARIO_NAME, user=acting(DEMO_LOADER), description="bundled demo (data/README.md)"
    )
    scenario_store.add_sites(scenario, records, user=acting(DEMO_LOADER))
    return scenario_store.get_scenario(scenario.scenario_id)


def _tables(
    checks: pd.DataFrame,
    sites: gpd.GeoDataFrame,
    names: dict[str, str],
    *,
    adcode: str,
    year: int,
    city: str,
    lang: str,
) -> None:
    tab_sites, tab_checks, tab_matrix = st.tabs(
        [
            t("review.sites", lang),
            t("review.checks", lang).format(place=names[adcode], year=year),
            t("review.matrix", lang),
        ]
    )
    with tab_checks:
        table = review_view.check_table(checks, adcode=adcode, year=year, lang=lang)
        st.dataframe(
            table.style.map(review_view.status_style, subset=[t("rcol.status", lang)]),
            hide_index=True,
            width="stretch",
            column_config={t("rcol.source", lang): st.column_config.TextColumn(width="medium")},
        )
    with tab_matrix:
        matrix = review_view.status_matrix(checks, names, lang)
        st.dataframe(
            matrix.style.map(review_view.status_style, subset=list(matrix.columns[1:])),
            hide_index=True,
            width="stretch",
        )
    with tab_sites:
        local = sites if adcode == city else sites[sites["adcode"] == adcode]
        if local.empty:
            st.info(t("review.no_sites", lang))
            return
        st.dataframe(
            review_view.sites_table(local, names, lang),
            hide_index=True,
            width="stretch",
            height=SITES_TABLE_HEIGHT_PX,
        )


def _decision_form(
    scenario_store: ScenarioStore, scenario: Scenario, sites: pd.DataFrame, lang: str
) -> None:
    if sites.empty:
        return
    st.subheader(t("review.form", lang))
    labels = dict(zip(sites["site_id"], sites["name"].astype(str), strict=True))
    if st.session_state.get(SITE) not in labels:
        st.session_state[SITE] = next(iter(labels))
    site_id = str(
        st.selectbox(t("review.site", lang), list(labels), key=SITE, format_func=labels.__getitem__)
    )
    county = str(sites.loc[sites["site_id"] == site_id, "adcode"].iloc[0]) or None
    if not allows("review.record", county):
        st.info(read_only_note(lang, [county]))
        _site_records(scenario_store, scenario, site_id, lang)
        return
    state.keep(DECISION, review_view.DECISIONS[0])
    decision = st.radio(
        t("review.decision", lang),
        review_view.DECISIONS,
        key=DECISION,
        on_change=state.remember,
        args=(DECISION,),
        horizontal=True,
        format_func=lambda d: t(f"decision.{d}", lang),
    )
    override = _override_box(sites, site_id, str(decision), lang)
    reason = st.text_area(t("review.reason", lang), key=REASON)
    reviewer = signed_in_name() or st.text_input(t("review.reviewer", lang), key=REVIEWER)
    if st.button(t("review.save", lang), key=SAVE, type="primary"):
        _save_decision(
            scenario_store, site_id, (str(decision), override), reason, reviewer, labels, lang
        )
    comment = st.text_area(t("review.comment", lang), key=COMMENT)
    if st.button(t("review.add_comment", lang), key=ADD_COMMENT):
        _save_comment(scenario_store, scenario, site_id, comment, reviewer, lang)
    _site_records(scenario_store, scenario, site_id, lang)


def _override_box(sites: pd.DataFrame, site_id: str, decision: str, lang: str) -> bool | None:
    """Show the gate-override checkbox when approving a site that fails a gate.

    Returns None when no override is needed, else whether the box is ticked.
    """
    row = sites[sites["site_id"] == site_id]
    if decision != "approve" or row.empty or not bool(row["gates_failed"].iloc[0]):
        return None
    st.warning(t("review.gate_failed_note", lang).format(gates=row["gate_label"].iloc[0]))
    return bool(st.checkbox(t("review.override", lang), key=OVERRIDE))


def _save_decision(
    scenario_store: ScenarioStore,
    site_id: str,
    choice: tuple[str, bool | None],
    reason: str,
    reviewer: str,
    labels: dict[str, str],
    lang: str,
) -> None:
    decision, override = choice
    label = t(f"decision.{decision}", lang)
    if override is False:
        st.error(t("review.need_override", lang))
        return
    if (decision != "approve" or override) and not reason.strip():
        st.error(t("review.need_reason", lang).format(decision=label))
        return
    if not reviewer.strip():
        st.error(t("review.need_reviewer", lang))
        return
    scenario_store.record_review(
        site_id,
        decision,
        reason.strip(),
        reviewer=acting(reviewer.strip()),
        gate_override=bool(override),
    )
    st.success(t("review.saved", lang).format(site=labels[site_id], decision=label))


def _save_comment(
    scenario_store: ScenarioStore,
    scenario: Scenario,
    site_id: str,
    text: str,
    reviewer: str,
    lang: str,
) -> None:
    if not text.strip():
        st.error(t("review.need_comment", lang))
        return
    if not reviewer.strip():
        st.error(t("review.need_reviewer", lang))
        return
    scenario_store.add_comment(
        scenario, text.strip(), user=acting(reviewer.strip()), site_id=site_id
    )
    st.success(t("review.comment_saved", lang))


def _site_records(
    scenario_store: ScenarioStore, scenario: Scenario, site_id: str, lang: str
) -> None:
    reviews = scenario_store.reviews(scenario)
    comments = scenario_store.comments(scenario)
    audit = scenario_store.audit(scenario)
    touched = audit["entity_id"].eq(site_id) | audit["detail"].map(
        lambda d: isinstance(d, dict) and d.get("site_id") == site_id
    )
    parts = {
        "review.history": _renamed(
            reviews[reviews["site_id"] == site_id],
            {
                "decided_at": "rcol.at",
                "decision": "rcol.decision",
                "reason": "rcol.reason",
                "reviewer": "rcol.reviewer",
                "site_version": "rcol.version",
            },
            lang,
        ),
        "review.comments": _renamed(
            comments[comments["site_id"] == site_id],
            {"created_at": "rcol.at", "author": "rcol.user", "text": "rcol.text"},
            lang,
        ),
        "review.audit": _renamed(
            review_view.audit_frame(audit[touched], lang),
            {
                "at": "rcol.at",
                "user": "rcol.user",
                "action": "rcol.action",
                "detail": "rcol.detail",
            },
            lang,
        ),
    }
    for key, table in parts.items():
        with st.expander(t(key, lang), expanded=key == "review.history"):
            if table.empty:
                st.caption(t("review.no_entries", lang))
            else:
                st.dataframe(table, hide_index=True, width="stretch")


def _renamed(frame: pd.DataFrame, columns: dict[str, str], lang: str) -> pd.DataFrame:
    present = [c for c in columns if c in frame.columns]
    return frame[present].rename(columns={c: t(columns[c], lang) for c in present})
