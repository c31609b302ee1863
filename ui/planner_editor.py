"""The site editor of the planner page: pick a site, edit its fields, save or delete it.

Widgets bind to `ui.planner_state` keys. Picking a saved site (in the list or by clicking
it on the map) loads its values into the form; a new drawing becomes the draft footprint
(of a new site, or replacing the picked site's footprint when saved). Saves go through the
store with the version the site was loaded at, so a concurrent change is refused with a
message instead of being overwritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from planning.scenarios import SITE_STATUSES, site_records
from ui import planner_state as ps
from ui.labels import t
from ui.planner_draft import form_values

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.scenarios import SiteRecord
    from siting.plan_run import PlanInputs
    from ui.planner_draft import DraftFootprint

YEAR_RANGE = (1980, 2100)


def saved_records(sites: gpd.GeoDataFrame) -> dict[str, SiteRecord]:
    """Return the scenario's saved sites by site id."""
    return {str(r.site_id): r for r in site_records(sites)}


def select_site(site_id: str, records: dict[str, SiteRecord]) -> None:
    """Make ``site_id`` (or `ui.planner_state.NEW_SITE`) the edited site; load its fields."""
    st.session_state[ps.SELECTED] = site_id
    st.session_state[ps.DRAFT] = None
    record = records.get(site_id)
    st.session_state[ps.LOADED_VERSION] = None if record is None else record.version
    ps.set_fields({} if record is None else form_values(record))


def loaded_version(base: SiteRecord) -> int:
    """Return the version the edited site had when it was picked (for the conflict check)."""
    version = st.session_state.get(ps.LOADED_VERSION)
    return base.version if version is None else int(version)


def _on_pick(records: dict[str, SiteRecord]) -> None:
    select_site(str(st.session_state[ps.SELECTED]), records)


def render_picker(records: dict[str, SiteRecord], lang: str) -> None:
    """Draw the site list: "new site" and every saved site by name."""
    if st.session_state[ps.SELECTED] not in (ps.NEW_SITE, *records):
        st.warning(t("planner.site_gone", lang))
        select_site(ps.NEW_SITE, records)
    names = {sid: r.name for sid, r in records.items()}
    st.selectbox(t("planner.pick", lang), [ps.NEW_SITE, *sorted(records, key=names.get)],
                 key=ps.SELECTED, on_change=_on_pick, args=(records,),
                 format_func=lambda sid: names.get(sid, t("planner.new_site", lang)),
                 help=t("planner.pick_help", lang))


def render_form(inputs: PlanInputs, draft: DraftFootprint | None, lang: str) -> None:
    """Draw the site fields (every change re-checks the site at once)."""
    st.text_input(t("planner.field.name", lang), key=ps.FIELD_NAME,
                  placeholder=t("planner.field.name_hint", lang))
    col_status, col_year = st.columns(2)
    col_status.selectbox(t("planner.field.status", lang), SITE_STATUSES, key=ps.FIELD_STATUS,
                         format_func=lambda s: t(f"planner.status.{s}", lang))
    col_year.number_input(t("planner.field.start_year", lang), min_value=YEAR_RANGE[0],
                          max_value=YEAR_RANGE[1], step=1, key=ps.FIELD_START_YEAR)
    herd_cols = st.columns(2)
    for k, (column, key) in enumerate(ps.HERD_FIELDS.items()):
        herd_cols[k % 2].number_input(t(f"planner.field.{column}", lang), min_value=0,
                                      step=100, key=key)
    routes = ("", *inputs.needs.routes.route_keys())
    col_route, col_radius = st.columns(2)
    col_route.selectbox(t("planner.field.route", lang), routes, key=ps.FIELD_ROUTE,
                        format_func=lambda r: _route_label(r, inputs, lang))
    default_km = inputs.allocation.default_haul_radius_km
    col_radius.number_input(t("planner.field.radius", lang), min_value=0.5, max_value=100.0,
                            step=1.0, key=ps.FIELD_RADIUS,
                            placeholder=t("planner.field.radius_default", lang).format(
                                km=default_km))
    if draft is not None and draft.kind == "point":
        st.number_input(t("planner.field.footprint", lang),
                        min_value=float(inputs.footprint.min_footprint_mu), step=50.0,
                        key=ps.FIELD_FOOTPRINT,
                        placeholder=t("planner.field.footprint_default", lang).format(
                            mu=inputs.footprint.default_footprint_mu))
    st.text_area(t("planner.field.note", lang), key=ps.FIELD_NOTE, height=68)


def _route_label(route: str, inputs: PlanInputs, lang: str) -> str:
    if not route:
        return t("planner.route.default", lang).format(
            n=f"{inputs.needs.nutrients.n_supply_kg_per_pe:g}")
    stages = [inputs.needs.routes.stages[s] for s in route.split("+")
              if s in inputs.needs.routes.stages]
    names = [s.name_en if lang == "en" else s.name_zh for s in stages]
    return " + ".join(names) or route
