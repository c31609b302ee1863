"""The site being edited: a drawn footprint checked like an upload, the form and its record.

A drawing is validated by `geo.io.read_vector` on its GeoJSON (the same checks as an
uploaded file: inside the region, valid or repaired with a note), then by the footprint
rules (`siting.site_footprint`: one part, no sliver). A marker stays a point until the form
gives its footprint size; the square is built on every run so the size can be changed.

The site editor (`render_picker`, `render_form`): pick a site, edit its fields, save or
delete it. Widgets bind to `ui.planner.state` keys. Picking a saved site (in the list or by
clicking it on the map) loads its values into the form; a new drawing becomes the draft
footprint (of a new site, or replacing the picked site's footprint when saved). Saves go
through the store with the version the site was loaded at, so a concurrent change is
refused with a message instead of being overwritten.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import streamlit as st

import geopandas as gpd
import shapely

from errors import GeometryRepairedWarning, InvalidGeometryError
from geo.io import read_vector
from geo.validate import REGION_TOLERANCE_DEG
from locales import Message
from planning.scenarios import SITE_STATUSES, SiteRecord, site_records, sites_frame
from siting.site_footprint import check_footprints, county_codes, single_footprint, square_footprint
from ui.labels import t
from ui.planner import state as ps

if TYPE_CHECKING:
    from collections.abc import Mapping

    from shapely.geometry.base import BaseGeometry

    from siting.scenario_run import ScenarioInputs
    from ui.planner.events import DrawnFeature

#: Site id of a new site in the draft scenario (before the store gives it one).
DRAFT_SITE_ID = "draft-new-site"
#: Years the form accepts as a commissioning year.
YEAR_RANGE = (1980, 2100)


@dataclass(frozen=True)
class DraftFootprint:
    """A checked drawing (EPSG:4326): a polygon footprint, or a point to build one around."""

    kind: Literal["polygon", "point"]
    geometry: BaseGeometry
    #: What the checks changed (`locales.Message`: reading notes, repair, dropped parts).
    notes: tuple[Message, ...] = ()


def check_drawing(
    drawing: DrawnFeature,
    inputs: ScenarioInputs,
    *,
    source_name: str,
    name: str,
    region_names: Mapping[str, str],
) -> DraftFootprint:
    """Validate a drawing like an uploaded file and return it as a draft footprint.

    A drawing outside the region (its outline grown by `REGION_TOLERANCE_DEG`, as for a
    file) gets its own message naming the region (``region_names``: "zh" and "en" names),
    not the file message: a drawn shape has no file name and no coordinate system to choose.

    Raises
    ------
    InvalidGeometryError
        Outside the region, unrepairable, several parts, or a sliver (with the reason).
    """
    _check_inside(drawing.geometry, inputs.region_extent, region_names)
    with warnings.catch_warnings():
        # a repair is the note planner.draft.repaired (a drawing has no file to name)
        warnings.simplefilter("ignore", GeometryRepairedWarning)
        result = read_vector(
            drawing.to_geojson_bytes(),
            filename=source_name,
            geometry_kind=drawing.kind,
            region_extent=inputs.region_extent,
        )
    repaired = (Message.of("planner.draft.repaired"),) if result.repaired_count else ()
    notes = (*result.notes, *repaired)
    geometry = result.features.geometry.iloc[0]
    if drawing.kind == "point":
        return DraftFootprint("point", geometry, notes)
    polygon, dropped = single_footprint(
        geometry, name=name, params=inputs.footprint, analysis_crs=inputs.analysis_crs
    )
    check_footprints([polygon], [name], params=inputs.footprint, analysis_crs=inputs.analysis_crs)
    return DraftFootprint("polygon", polygon, (*notes, *dropped))


def footprint_polygon(
    draft: DraftFootprint, footprint_mu: float | None, inputs: ScenarioInputs
) -> shapely.Polygon:
    """Return the draft's footprint: the polygon, or a square of ``footprint_mu`` 亩."""
    if draft.kind == "polygon":
        return draft.geometry
    size = inputs.footprint.default_footprint_mu if footprint_mu is None else footprint_mu
    return square_footprint(draft.geometry, float(size), analysis_crs=inputs.analysis_crs)


def form_values(site: SiteRecord) -> dict[str, Any]:
    """Return the form field values (`ui.planner.state` keys) showing ``site``."""
    values = {
        ps.FIELD_NAME: site.name,
        ps.FIELD_STATUS: site.status,
        ps.FIELD_START_YEAR: site.start_year,
        ps.FIELD_ROUTE: site.manure_route or "",
        ps.FIELD_RADIUS: site.haul_radius_km,
        ps.FIELD_NOTE: site.note or "",
    }
    return values | {key: int(getattr(site, col)) for col, key in ps.HERD_FIELDS.items()}


def record_from_form(
    state: Mapping[str, Any],
    geometry: BaseGeometry,
    *,
    base: SiteRecord | None,
    source: str,
    inputs: ScenarioInputs,
) -> SiteRecord:
    """Return the site the form describes, on ``geometry`` (EPSG:4326).

    ``base`` is the saved site being edited (its ids and version are kept), None for a new
    site. ``source`` is the footprint source ("drawn", "point_footprint" or, when the
    footprint was not redrawn, the base's).
    """
    year = state[ps.FIELD_START_YEAR]
    radius = state[ps.FIELD_RADIUS]
    fields = {
        "name": str(state[ps.FIELD_NAME]).strip(),
        "geometry": geometry,
        "status": str(state[ps.FIELD_STATUS]),
        "start_year": None if year is None else int(year),
        "manure_route": str(state[ps.FIELD_ROUTE]).strip() or None,
        "haul_radius_km": None if radius is None else float(radius),
        "footprint_source": source,
        "county_code": county_codes([geometry], inputs.counties)[0],
        "note": str(state[ps.FIELD_NOTE]).strip() or None,
        **{col: int(state[key] or 0) for col, key in ps.HERD_FIELDS.items()},
    }
    if base is None:
        return SiteRecord(**fields, site_id=DRAFT_SITE_ID)
    return dataclasses.replace(base, **fields)


def draft_sites(saved: gpd.GeoDataFrame, record: SiteRecord) -> gpd.GeoDataFrame:
    """Return the scenario's sites with ``record`` in place of its saved version (or added)."""
    others = saved[saved["site_id"] != record.site_id]
    draft = sites_frame([record])
    if record.name == "":
        draft["name"] = DRAFT_SITE_ID
    if others.empty:
        return draft
    return gpd.GeoDataFrame(pd.concat([others, draft], ignore_index=True), crs=saved.crs)


def record_signature(record: SiteRecord) -> str:
    """Return a digest of everything in ``record`` that a scenario check depends on."""
    values = dataclasses.asdict(record) | {"geometry": shapely.to_wkb(record.geometry, hex=True)}
    text = repr(sorted(values.items()))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def differs(record: SiteRecord, saved: SiteRecord | None) -> bool:
    """Return True if ``record`` differs from the saved site (or is new)."""
    return saved is None or record_signature(record) != record_signature(saved)


def saved_records(sites: gpd.GeoDataFrame) -> dict[str, SiteRecord]:
    """Return the scenario's saved sites by site id."""
    return {str(r.site_id): r for r in site_records(sites)}


def select_site(site_id: str, records: dict[str, SiteRecord]) -> None:
    """Make ``site_id`` (or `ui.planner.state.NEW_SITE`) the edited site; load its fields."""
    st.session_state[ps.SELECTED] = site_id
    st.session_state[ps.DRAFT] = None
    st.session_state[ps.DRAFT_STACK] = []
    record = records.get(site_id)
    st.session_state[ps.LOADED_VERSION] = None if record is None else record.version
    ps.set_fields({} if record is None else form_values(record))


@functools.lru_cache(maxsize=4)
def _grown(region_extent: BaseGeometry) -> BaseGeometry:
    """Return the region's outline grown by `REGION_TOLERANCE_DEG` (once per outline)."""
    return region_extent.buffer(REGION_TOLERANCE_DEG)


def _check_inside(
    geometry: BaseGeometry, region_extent: BaseGeometry, region_names: Mapping[str, str]
) -> None:
    """Raise `InvalidGeometryError` if a drawing is not inside the region (plus tolerance)."""
    if shapely.covered_by(geometry, _grown(region_extent)):
        return
    key = "planner.drawing_outside"
    raise InvalidGeometryError(
        t(key, "en").format(region=region_names["en"]),
        zh=t(key, "zh").format(region=region_names["zh"]),
        key=key,
    )


@dataclass(frozen=True)
class UndoStep:
    """The edited site before one unsaved change: its drawn outline and its form values."""

    draft: DraftFootprint | None
    fields: Mapping[str, Any]


def _push_undo(step: UndoStep) -> None:
    st.session_state[ps.DRAFT_STACK] = [*st.session_state[ps.DRAFT_STACK], step]


def set_draft(draft: DraftFootprint | None) -> None:
    """Make ``draft`` the edited outline, keeping the one it replaces for `undo_draft`."""
    _push_undo(UndoStep(st.session_state[ps.DRAFT], ps.form_state()))
    st.session_state[ps.DRAFT] = draft


def field_edited() -> None:
    """Keep the form as it was before the field the user just changed (widget callback).

    `ui.planner.state.FORM_SEEN` holds the values shown in the last run (`render_form`);
    the callback runs before the page, with the new value already in the session state.
    """
    seen = st.session_state[ps.FORM_SEEN]
    now = ps.form_state()
    if seen is not None and seen != now:
        _push_undo(UndoStep(st.session_state[ps.DRAFT], seen))
    st.session_state[ps.FORM_SEEN] = now


def undo_draft() -> None:
    """Go back to the site before the last unsaved change: outline and form fields.

    A button callback (the fields are widgets: they can only be set before they are drawn).
    Nothing left to undo: nothing happens.
    """
    stack = list(st.session_state[ps.DRAFT_STACK])
    if stack:
        step = stack.pop()
        st.session_state[ps.DRAFT] = step.draft
        ps.set_fields(step.fields)
        st.session_state[ps.FORM_SEEN] = dict(step.fields)
        st.session_state[ps.DRAFT_STACK] = stack


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
    st.selectbox(
        t("planner.pick", lang),
        [ps.NEW_SITE, *sorted(records, key=names.get)],
        key=ps.SELECTED,
        on_change=_on_pick,
        args=(records,),
        format_func=lambda sid: names.get(sid, t("planner.new_site", lang)),
        help=t("planner.pick_help", lang),
    )


def render_form(inputs: ScenarioInputs, draft: DraftFootprint | None, lang: str) -> None:
    """Draw the site fields (every change re-checks the site at once and can be undone)."""
    st.text_input(
        t("planner.field.name", lang),
        key=ps.FIELD_NAME,
        on_change=field_edited,
        placeholder=t("planner.field.name_hint", lang),
    )
    col_status, col_year = st.columns(2)
    col_status.selectbox(
        t("planner.field.status", lang),
        SITE_STATUSES,
        key=ps.FIELD_STATUS,
        on_change=field_edited,
        format_func=lambda s: t(f"planner.status.{s}", lang),
    )
    col_year.number_input(
        t("planner.field.start_year", lang),
        min_value=YEAR_RANGE[0],
        max_value=YEAR_RANGE[1],
        step=1,
        key=ps.FIELD_START_YEAR,
        on_change=field_edited,
    )
    herd_cols = st.columns(2)
    for k, (column, key) in enumerate(ps.HERD_FIELDS.items()):
        herd_cols[k % 2].number_input(
            t(f"planner.field.{column}", lang),
            min_value=0,
            step=100,
            key=key,
            on_change=field_edited,
        )
    routes = ("", *inputs.params.routes.route_keys())
    col_route, col_radius = st.columns(2)
    col_route.selectbox(
        t("planner.field.route", lang),
        routes,
        key=ps.FIELD_ROUTE,
        on_change=field_edited,
        format_func=lambda r: _route_label(r, inputs, lang),
    )
    default_km = inputs.allocation.default_haul_radius_km
    col_radius.number_input(
        t("planner.field.radius", lang),
        min_value=0.5,
        max_value=100.0,
        step=1.0,
        key=ps.FIELD_RADIUS,
        on_change=field_edited,
        placeholder=t("planner.field.radius_default", lang).format(km=default_km),
    )
    if draft is not None and draft.kind == "point":
        st.number_input(
            t("planner.field.footprint", lang),
            min_value=float(inputs.footprint.min_footprint_mu),
            step=50.0,
            key=ps.FIELD_FOOTPRINT,
            on_change=field_edited,
            placeholder=t("planner.field.footprint_default", lang).format(
                mu=inputs.footprint.default_footprint_mu
            ),
        )
    st.text_area(
        t("planner.field.note", lang), key=ps.FIELD_NOTE, height=68, on_change=field_edited
    )
    st.session_state[ps.FORM_SEEN] = ps.form_state()


def _route_label(route: str, inputs: ScenarioInputs, lang: str) -> str:
    if not route:
        return t("planner.route.default", lang).format(
            n=f"{inputs.params.nutrients.n_supply_kg_per_pe:g}"
        )
    stages = [
        inputs.params.routes.stages[s] for s in route.split("+") if s in inputs.params.routes.stages
    ]
    names = [s.name_en if lang == "en" else s.name_zh for s in stages]
    return " + ".join(names) or route
