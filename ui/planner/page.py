"""Page 规划方案 / Plan: draw, edit and check farm sites of a scenario in the scenario store.

Flow of one run: (1) scenario bar; (2) the saved scenario is checked (cached per scenario
state; its allocation saved to the store when it changed); (3) the edited site (a saved site
or a new drawing, with the form's values) is checked incrementally against the saved run;
(4) map, feedback, scenario tables, imports and exports. Map events (a new drawing, a click
on a site) update the page state and rerun once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, cast

import streamlit as st
from streamlit.errors import StreamlitInvalidLayoutContextError

import geopandas as gpd
import shapely

from errors import InvalidGeometryError, ParameterError
from geo.crs import STORAGE_CRS
from planning.scenario_ops import check_scenario_sites, save_allocations
from planning.scenarios import sites_frame
from planning.site_scoring import check_herd_sizes
from siting.buildout_farms import BASELINE_STATUS
from siting.scenario_results import farm_allocations
from ui import data, map_component, state
from ui.assets import missing_assets
from ui.data import county_outlines, open_store, parcels_lonlat, scenario_inputs
from ui.errors import user_errors
from ui.labels import t
from ui.login import allows, read_only_note
from ui.map_widget import map_view
from ui.planner import state as ps
from ui.planner.events import RETURNED_OBJECTS, MapEdit, MapEvents
from ui.planner.files import (
    flash,
    render_demo_button,
    render_exports,
    render_import,
    render_scenario_bar,
    show_flash,
    user_name,
)
from ui.planner.history import render_history
from ui.planner.map import SiteOverlay, base_map, focus, overlay_group, sites_view
from ui.planner.propose import render_proposals, surface_path
from ui.planner.results import (
    render_scenario_tables,
    render_site_details,
    render_site_parcels,
    render_verdict,
)
from ui.planner.sites import (
    check_drawing,
    differs,
    draft_sites,
    footprint_polygon,
    loaded_version,
    record_from_form,
    record_signature,
    render_form,
    render_picker,
    saved_records,
    select_site,
    set_draft,
    undo_draft,
)
from ui.planner.surface_layer import add_surface_layer
from ui.worker import in_worker, warm

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from planning.regions import Region
    from planning.scenarios import Scenario, ScenarioSnapshot, ScenarioStore, SiteRecord
    from siting.allocate import AllocationParams
    from siting.scenario_run import ScenarioInputs, ScenarioRun
    from ui.planner.events import DrawnFeature
    from ui.planner.sites import DraftFootprint

MAP_KEY = "planner_map"
#: Map and the edited site's verdict side by side (relative widths of the two columns).
SIDE_BY_SIDE: Final[tuple[int, int]] = (3, 2)
#: Map height that keeps the whole map in view at 1440×900 below the scenario bar.
PLANNER_MAP_HEIGHT_PX: Final[int] = 520
#: An outline returned by the edit tool within this of the saved one is unchanged: the
#: editable outline is sent rounded to 1e-6 degree (`ui.planner.map.EDIT_DECIMALS`).
SAME_VERTEX_DEG: Final[float] = 2e-6


def render() -> None:
    """Draw the planner page."""
    lang = state.lang()
    ps.init_planner_state()
    st.title(t("planner.title", lang))
    st.caption(t("planner.intro", lang))
    with user_errors(lang):
        _render_body(lang, str(st.session_state[state.REGION]))


def _render_body(lang: str, region_id: str) -> None:
    inputs = scenario_inputs(region_id)
    warm(inputs.analysis_crs)
    parcels_lonlat(region_id)  # once per region, here rather than at the first drawing
    store = open_store()
    show_flash()
    scenario = render_scenario_bar(store, lang)
    if scenario is None:
        st.info(t("planner.no_scenario", lang))
        render_demo_button(store, data.region(region_id), lang)
        return
    allocation = _allocation_params(inputs)
    snapshot, saved_run = _saved_plan(store, scenario, inputs, allocation, region_id)
    _site_workbench(store, snapshot, saved_run, inputs, allocation, lang)
    _scenario_sections(store, snapshot, saved_run, inputs, region_id, lang)
    if allows("site.edit"):  # the store refuses other roles anyway
        render_proposals(store, snapshot, inputs, data.region(region_id), lang)


@st.fragment
def _site_workbench(
    store: ScenarioStore,
    snapshot: ScenarioSnapshot,
    saved_run: ScenarioRun,
    inputs: ScenarioInputs,
    allocation: AllocationParams,
    lang: str,
) -> None:
    """Map beside the edited site's verdict and form; a drawing or edit reruns only this.

    The side column shows the verdict first (gates and score, land, water: in view beside the
    map), then tabs: the site's fields and buttons, every gate and criterion, its parcels.
    """
    with user_errors(lang):
        _workbench_body(store, snapshot, saved_run, inputs, allocation, lang)


def _workbench_body(
    store: ScenarioStore,
    snapshot: ScenarioSnapshot,
    saved_run: ScenarioRun,
    inputs: ScenarioInputs,
    allocation: AllocationParams,
    lang: str,
) -> None:
    records = saved_records(snapshot.sites)
    _early_events(snapshot, inputs, lang)
    pending = st.session_state[ps.PENDING_SELECT]
    if pending is not None:
        select_site(pending, records)
        st.session_state[ps.PENDING_SELECT] = None
    col_map, col_side = st.columns(SIDE_BY_SIDE, gap="medium")
    with col_side:
        render_picker(records, lang)
        verdict = st.container()
        tab_site, tab_gates, tab_parcels = st.tabs(
            [
                t("planner.tab.site", lang),
                t("planner.tab.gates", lang),
                t("planner.tab.parcels", lang),
            ]
        )
        with tab_site:
            edited, base, run = _editor(
                store, snapshot, saved_run, records, inputs, allocation, lang
            )
    # The verdict is sent before the map is built: it is what a drawing is waited for.
    if edited is None:
        verdict.info(t("planner.draw_first", lang))
    else:
        site_id = str(edited.site_id)
        with verdict:
            _herd_warning(edited, lang)
            render_verdict(run, site_id, edited.geometry, inputs, lang)
        with tab_gates:
            render_site_details(run, site_id, lang)
        with tab_parcels:
            render_site_parcels(run, site_id, inputs.parcels, lang)
    with col_map:
        _map(snapshot, saved_run, run, edited, base, inputs, lang)


def _herd_warning(edited: SiteRecord, lang: str) -> None:
    """Warn at once (not only at save) when the herd is implausible for its footprint."""
    region = data.region(str(st.session_state[state.REGION]))
    try:
        in_worker(_check_herd, edited, region)
    except ParameterError as err:
        st.warning(err.message(lang))


def _check_herd(edited: SiteRecord, region: Region) -> None:
    check_herd_sizes(sites_frame([edited]), region)


def _allocation_params(inputs: ScenarioInputs) -> AllocationParams:
    ranks = dict(inputs.allocation.priority_by_status)
    for status, key in ps.PRIORITY_FIELDS.items():
        st.session_state.setdefault(key, int(ranks.get(status, 0)))
        ranks[status] = int(st.session_state[key])
    return dataclasses.replace(inputs.allocation, priority_by_status=ranks)


def _saved_plan(
    store: ScenarioStore,
    scenario: Scenario,
    inputs: ScenarioInputs,
    allocation: AllocationParams,
    region_id: str,
) -> tuple[ScenarioSnapshot, ScenarioRun]:
    """Check the saved scenario (cached per state) and keep its stored allocation current.

    The snapshot is read again only when the scenario's version changed (any change to its
    sites or allocations bumps it).
    """
    runs = st.session_state[ps.RUNS]
    snapshot = runs.get("snapshot")
    if snapshot is None or snapshot.scenario != scenario:
        snapshot = store.scenario_snapshot(scenario)
        runs["snapshot"] = snapshot
    versions = tuple(sorted(zip(snapshot.sites["site_id"], snapshot.sites["version"], strict=True)))
    key = (
        region_id,
        scenario.scenario_id,
        versions,
        tuple(sorted(allocation.priority_by_status.items())),
    )
    cached = runs.get("saved")
    if cached is not None and cached[0] == key:
        return snapshot, cached[1]
    previous = cached[1] if cached is not None and cached[0][0] == region_id else None
    run = in_worker(
        check_scenario_sites, snapshot.sites, inputs, allocation=allocation, previous=previous
    )
    runs["saved"] = (key, run)
    if (
        allows("scenario.edit")
        and save_allocations(store, snapshot, run, inputs, user=user_name()) is not None
    ):
        snapshot = store.scenario_snapshot(snapshot.scenario.scenario_id)
        runs["snapshot"] = snapshot
    return snapshot, run


def _editor(
    store: ScenarioStore,
    snapshot: ScenarioSnapshot,
    saved_run: ScenarioRun,
    records: dict[str, SiteRecord],
    inputs: ScenarioInputs,
    allocation: AllocationParams,
    lang: str,
) -> tuple[SiteRecord | None, SiteRecord | None, ScenarioRun]:
    """Draw the form and buttons; return the edited site, its saved version, run."""
    if not allows("site.edit"):
        st.info(read_only_note(lang))
        return None, None, saved_run
    base = records.get(str(st.session_state[ps.SELECTED]))
    draft = st.session_state[ps.DRAFT]
    if draft is not None:
        st.caption(t("planner.draft_redraw" if base else "planner.draft_new", lang))
        for note in draft.notes:
            st.warning(note.render(lang))
    render_form(inputs, draft, lang)
    edited = _edited_record(base, draft, inputs)
    if edited is None:
        return None, base, saved_run
    run = _draft_run(edited, base, snapshot, saved_run, inputs, allocation)
    _buttons(store, snapshot, edited, base, lang)
    if base is not None:
        render_history(store, base, inputs, lang)
    return edited, base, run


def _edited_record(
    base: SiteRecord | None, draft: object, inputs: ScenarioInputs
) -> SiteRecord | None:
    if draft is None and base is None:
        return None
    return in_worker(_form_record, ps.form_state(), base, draft, inputs)  # type: ignore[arg-type]


def _form_record(
    form: Mapping[str, object],
    base: SiteRecord | None,
    draft: DraftFootprint | None,
    inputs: ScenarioInputs,
) -> SiteRecord:
    if draft is None:
        geometry, source = base.geometry, base.footprint_source  # type: ignore[union-attr]
    else:
        size = form[ps.FIELD_FOOTPRINT]
        geometry = footprint_polygon(draft, size, inputs)  # type: ignore[arg-type]
        source = "drawn" if draft.kind == "polygon" else "point_footprint"
    return record_from_form(form, geometry, base=base, source=source, inputs=inputs)


def _draft_run(
    edited: SiteRecord,
    base: SiteRecord | None,
    snapshot: ScenarioSnapshot,
    saved_run: ScenarioRun,
    inputs: ScenarioInputs,
    allocation: AllocationParams,
) -> ScenarioRun:
    """Check the scenario with the edited site in place, incrementally from the saved run."""
    if not differs(edited, base):
        return saved_run
    runs = st.session_state[ps.RUNS]
    key = (id(saved_run), record_signature(edited))
    cached = runs.get("draft")
    if cached is not None and cached[0] == key:
        return cached[1]
    run = in_worker(_plan_draft, snapshot.sites, edited, inputs, allocation, saved_run)
    runs["draft"] = (key, run)
    return run


def _plan_draft(
    saved: gpd.GeoDataFrame,
    edited: SiteRecord,
    inputs: ScenarioInputs,
    allocation: AllocationParams,
    saved_run: ScenarioRun,
) -> ScenarioRun:
    return check_scenario_sites(
        draft_sites(saved, edited), inputs, allocation=allocation, previous=saved_run
    )


def _buttons(
    store: ScenarioStore,
    snapshot: ScenarioSnapshot,
    edited: SiteRecord,
    base: SiteRecord | None,
    lang: str,
) -> None:
    counties = [edited.county_code] + ([] if base is None else [base.county_code])
    if not allows("site.edit", *counties):
        st.info(read_only_note(lang, counties))
        return
    changed = differs(edited, base)
    col_save, col_undo, col_discard, col_delete = st.columns(4)
    col_undo.button(  # undone in the callback: the fields are set before they are drawn
        t("planner.undo", lang),
        disabled=not st.session_state[ps.DRAFT_STACK],
        key="planner_undo",
        help=t("planner.undo_help", lang),
        width="stretch",
        on_click=undo_draft,
    )
    label = "planner.save_new" if base is None else "planner.save_changes"
    if col_save.button(
        t(label, lang), type="primary", disabled=not changed, key="planner_save", width="stretch"
    ):
        _save(store, snapshot, edited, base, lang)
    if col_discard.button(
        t("planner.discard", lang),
        disabled=not changed and base is None,
        key="planner_discard",
        width="stretch",
    ):
        st.session_state[ps.PENDING_SELECT] = ps.NEW_SITE if base is None else base.site_id
        st.rerun()
    if base is not None:
        confirm = col_delete.checkbox(
            t("planner.delete_confirm", lang), key="planner_delete_confirm"
        )
        if col_delete.button(
            t("planner.delete", lang), disabled=not confirm, key="planner_delete", width="stretch"
        ):
            store.delete_site(
                str(base.site_id), expected_version=loaded_version(base), user=user_name()
            )
            st.session_state[ps.PENDING_SELECT] = ps.NEW_SITE
            flash("success", t("planner.msg.deleted", lang).format(name=base.name))
            st.rerun()


def _save(
    store: ScenarioStore,
    snapshot: ScenarioSnapshot,
    edited: SiteRecord,
    base: SiteRecord | None,
    lang: str,
) -> None:
    if not edited.name:
        st.warning(t("planner.name_required", lang))
        return
    if edited.start_year is None and edited.status != BASELINE_STATUS:
        st.warning(t("planner.start_year_required", lang))
        return
    try:
        check_herd_sizes(sites_frame([edited]), data.region(str(st.session_state[state.REGION])))
    except ParameterError as err:
        st.error(err.message(lang))
        return
    if base is None:
        saved = store.add_site(
            snapshot.scenario, dataclasses.replace(edited, site_id=None), user=user_name()
        )
    else:
        saved = store.update_site(edited, expected_version=loaded_version(base), user=user_name())
    st.session_state[ps.PENDING_SELECT] = str(saved.site_id)
    flash("success", t("planner.msg.saved", lang).format(name=saved.name, version=saved.version))
    st.rerun()


def _map(
    snapshot: ScenarioSnapshot,
    saved_run: ScenarioRun,
    run: ScenarioRun,
    edited: SiteRecord | None,
    base: SiteRecord | None,
    inputs: ScenarioInputs,
    lang: str,
) -> None:
    missing = missing_assets()
    if missing:
        st.error(t("assets.missing", lang).format(files=", ".join(missing)))
        return
    region = data.region(str(st.session_state[state.REGION]))
    map_script = _base_map_script(snapshot, saved_run, base, inputs, region, lang)
    parcels = (
        None
        if edited is None
        else _lonlat(farm_allocations(run.ledger, inputs.parcels, str(edited.site_id)), region.id)
    )
    footprint = None if edited is None else edited.geometry
    overlay = SiteOverlay(footprint, differs(edited, base) if edited else False, parcels)
    center, zoom = focus(footprint)
    value = map_component.show(
        map_script,
        key=MAP_KEY,
        feature_group=in_worker(_overlay_script, overlay, lang),
        returned_objects=RETURNED_OBJECTS,
        center=center,
        zoom=zoom,
        height=PLANNER_MAP_HEIGHT_PX,
    )
    st.caption(t("planner.map_help", lang))
    _handle_events(MapEvents.from_st_folium(value), snapshot, inputs, lang)


def _base_map_script(
    snapshot: ScenarioSnapshot,
    saved_run: ScenarioRun,
    base: SiteRecord | None,
    inputs: ScenarioInputs,
    region: Region,
    lang: str,
) -> map_component.MapScript:
    """Return the serialised base map, built again only when something on it changed.

    Kept per session (`ui.planner.state.RUNS`) under the saved scenario's check key (region,
    scenario, site versions, priorities), the view (basemap, language), the editable site
    and the suitability surface shown.
    """
    view = map_view(region)
    surface = surface_path(region)
    editable = None if base is None else (str(base.site_id), base.geometry)
    runs = st.session_state[ps.RUNS]
    key = (
        runs["saved"][0] if "saved" in runs else None,
        view,
        None if base is None else (str(base.site_id), base.version),
        None if surface is None else (str(surface), surface.stat().st_mtime_ns),
        lang,
    )
    cached = runs.get("map")
    if cached is not None and cached[0] == key:
        return cast("map_component.MapScript", cached[1])
    m = in_worker(
        base_map,
        view,
        county_outlines(region.id),
        sites_view(snapshot.sites, saved_run.results, lang),
        analysis_crs=inputs.analysis_crs,
        illustrative=inputs.illustrative,
        editable=editable,
    )
    if surface is not None:
        add_surface_layer(m, surface, region, lang)
    map_script = in_worker(map_component.serialise, m)
    runs["map"] = (key, map_script)
    return map_script


def _overlay_script(overlay: SiteOverlay, lang: str) -> str:
    return map_component.feature_group_script(overlay_group(overlay, lang))


def _handle_edit(
    edit: MapEdit, snapshot: ScenarioSnapshot, inputs: ScenarioInputs, lang: str, *, rerun: bool
) -> None:
    """Turn a saved outline reshaped on the map into the draft of that site (once)."""
    if edit.drawing.fingerprint == st.session_state[ps.LAST_EDIT]:
        return
    st.session_state[ps.LAST_EDIT] = edit.drawing.fingerprint
    if edit.site_id != st.session_state[ps.SELECTED]:
        return
    saved = snapshot.sites.loc[snapshot.sites["site_id"] == edit.site_id, "geometry"]
    if saved.empty or _same_outline(edit.drawing.geometry, saved.iloc[0]):
        return
    name = str(st.session_state[ps.FIELD_NAME]).strip() or t("planner.new_site", lang)
    try:
        draft = _check_drawing(edit.drawing, inputs, name, lang)
    except InvalidGeometryError as err:
        st.error(err.message(lang))
        return
    set_draft(draft)
    if rerun:
        _rerun_workbench()


def _check_drawing(
    drawing: DrawnFeature, inputs: ScenarioInputs, name: str, lang: str
) -> DraftFootprint:
    """Check a drawing on the map of the chosen region (`check_drawing`)."""
    region = data.region(str(st.session_state[state.REGION]))
    return in_worker(
        check_drawing,
        drawing,
        inputs,
        source_name=t("planner.drawn_file", lang),
        name=name,
        region_names={"zh": region.name_zh, "en": region.name_en},
    )


def _same_outline(drawn: BaseGeometry, saved: BaseGeometry) -> bool:
    """Return whether a returned outline is the saved one (vertices within `SAME_VERTEX_DEG`)."""
    return bool(shapely.hausdorff_distance(drawn, saved) <= SAME_VERTEX_DEG)


def _rerun_workbench() -> None:
    """Rerun only the map-and-verdict fragment (the whole page when it ran as part of it)."""
    try:
        st.rerun(scope="fragment")
    except StreamlitInvalidLayoutContextError:  # a full run, not a fragment rerun
        st.rerun()


def _lonlat(parcels: gpd.GeoDataFrame, region_id: str) -> gpd.GeoDataFrame:
    """Return allocated parcels with their cached EPSG:4326 footprints (for the map)."""
    geometry = parcels_lonlat(region_id).loc[parcels["parcel_id"]].to_numpy()
    return gpd.GeoDataFrame(parcels.drop(columns="geometry"), geometry=geometry, crs=STORAGE_CRS)


def _handle_events(
    events: MapEvents,
    snapshot: ScenarioSnapshot,
    inputs: ScenarioInputs,
    lang: str,
    *,
    rerun: bool = True,
) -> None:
    """Turn a new drawing into the draft footprint; a click on a site selects it.

    Each event is handled once (by its fingerprint). Handled before the page is drawn
    (``rerun=False``, `_early_events`) the page shows the result in the same run; handled
    after the map (``rerun=True``) the fragment runs again to show it.
    """
    drawing = events.drawing
    if drawing is not None and drawing.fingerprint != st.session_state[ps.LAST_DRAWING]:
        st.session_state[ps.LAST_DRAWING] = drawing.fingerprint
        name = str(st.session_state[ps.FIELD_NAME]).strip() or t("planner.new_site", lang)
        try:
            draft = _check_drawing(drawing, inputs, name, lang)
        except InvalidGeometryError as err:
            st.error(err.message(lang))
            return
        set_draft(draft)
        if rerun:
            _rerun_workbench()
    if events.edit is not None:
        _handle_edit(events.edit, snapshot, inputs, lang, rerun=rerun)
    click = events.click
    if click is not None and click.fingerprint != st.session_state[ps.LAST_CLICK]:
        st.session_state[ps.LAST_CLICK] = click.fingerprint
        point = shapely.Point(click.lon, click.lat)
        hits = snapshot.sites[snapshot.sites.geometry.contains(point)]
        if not hits.empty and hits["site_id"].iloc[0] != st.session_state[ps.SELECTED]:
            st.session_state[ps.PENDING_SELECT] = str(hits["site_id"].iloc[0])
            if rerun:
                _rerun_workbench()


def _early_events(snapshot: ScenarioSnapshot, inputs: ScenarioInputs, lang: str) -> None:
    """Handle the map's latest report before drawing the page (saves one rerun per event).

    The map component's last value is in the session state under its key as soon as the
    browser sends it; the same value is handled again after the map and then ignored.
    """
    value = st.session_state.get(MAP_KEY)
    if isinstance(value, Mapping):
        _handle_events(MapEvents.from_st_folium(value), snapshot, inputs, lang, rerun=False)


def _scenario_sections(
    store: ScenarioStore,
    snapshot: ScenarioSnapshot,
    saved_run: ScenarioRun,
    inputs: ScenarioInputs,
    region_id: str,
    lang: str,
) -> None:
    st.divider()
    st.subheader(t("planner.ledger", lang).format(name=snapshot.scenario.name))
    with st.expander(t("planner.priority", lang)):
        st.caption(t("planner.priority_help", lang))
        cols = st.columns(len(ps.PRIORITY_FIELDS))
        for col, (status, key) in zip(cols, ps.PRIORITY_FIELDS.items(), strict=True):
            col.number_input(
                t(f"planner.status.{status}", lang), min_value=0, max_value=9, step=1, key=key
            )
    if snapshot.sites.empty:
        st.info(t("planner.empty_scenario", lang))
    else:
        render_scenario_tables(saved_run, inputs.parcels, lang)
    tab_import, tab_export = st.tabs([t("planner.tab.import", lang), t("planner.tab.export", lang)])
    with tab_import:
        render_import(store, snapshot.scenario, inputs, lang)
        render_demo_button(store, data.region(region_id), lang)
    with tab_export:
        render_exports(store, snapshot.scenario, saved_run, inputs, lang)
