"""Scenario bar, site imports (file, demo) and exports of the planner page.

Scenarios are picked, created and duplicated here; the user name is free text recorded in
the store's audit trail. Imports add every site of a file (or the bundled demo) to the
scenario in one transaction. Exports are written by `store.export_scenario` into a
temporary folder and offered as downloads.
"""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Final

import streamlit as st

from planning.accounts import Actor, accounts_mode
from planning.regions import DEMO_SCENARIO_KIND, DEMO_SCENARIO_NAME
from planning.scenario_ops import result_tables
from planning.scenarios import EXPORT_FORMATS, SUFFIXES, export_scenario
from planning.site_files import SITE_FILE_TYPES, demo_site_file, read_site_file
from ui.labels import LABELS, t
from ui.login import acting, allows
from ui.planner import state as ps

if TYPE_CHECKING:
    from collections.abc import Mapping

    from planning.regions import Region
    from planning.scenarios import Scenario, ScenarioStore
    from siting.scenario_run import ScenarioInputs, ScenarioRun

EXPORT_MIME: Final[dict[str, str]] = {
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
    "shp_zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Prefix of the labels of result columns in the KML descriptions (``planner.xcol.<col>``).
KML_LABEL_PREFIX: Final[str] = "planner.xcol."


def flash(kind: str, text: str) -> None:
    """Keep a message to show once on the next run (after ``st.rerun``)."""
    st.session_state[ps.MESSAGE] = (kind, text)


def show_flash() -> None:
    """Show and forget the kept message, if any."""
    message = st.session_state.get(ps.MESSAGE)
    if message:
        kind, text = message
        getattr(st, kind)(text)
        st.session_state[ps.MESSAGE] = None


def user_name() -> Actor:
    """Return who acts: the logged-in user, or the name typed in the scenario bar."""
    return acting(str(st.session_state[ps.USER]).strip() or ps.DEFAULT_USER)


def render_scenario_bar(store: ScenarioStore, lang: str) -> Scenario | None:
    """Draw the scenario choice, user name and new/copy controls; return the scenario."""
    scenarios = {s.scenario_id: s for s in store.list_scenarios()}
    if st.session_state[ps.SCENARIO] not in scenarios:
        st.session_state[ps.SCENARIO] = next(reversed(scenarios), None)
    col_pick, col_user = st.columns([3, 1])
    if scenarios:
        col_pick.selectbox(
            t("planner.scenario", lang),
            list(scenarios),
            key=ps.SCENARIO,
            format_func=lambda sid: scenarios[sid].name,
            on_change=_reset_editing,
        )
    if not accounts_mode():
        col_user.text_input(t("planner.user", lang), key=ps.USER, help=t("planner.user_help", lang))
    current = scenarios.get(st.session_state[ps.SCENARIO])
    if allows("scenario.edit"):
        with st.expander(t("planner.scenario_new", lang), expanded=not scenarios):
            _new_scenario(store, current, lang)
    st.caption(t("planner.store_path", lang).format(path=store.path))
    return current


def _reset_editing() -> None:
    st.session_state[ps.SELECTED] = ps.NEW_SITE
    st.session_state[ps.DRAFT] = None
    ps.set_fields({})


def _new_scenario(store: ScenarioStore, current: Scenario | None, lang: str) -> None:
    col_new, col_copy = st.columns(2)
    col_new.text_input(t("planner.scenario_name", lang), key=ps.NEW_SCENARIO_NAME)
    if col_new.button(t("planner.scenario_create", lang), key="planner_create_scenario"):
        created = store.create_scenario(
            str(st.session_state[ps.NEW_SCENARIO_NAME]), user=user_name()
        )
        _switch_to(created, t("planner.msg.created", lang).format(name=created.name))
    if current is None:
        return
    col_copy.text_input(t("planner.scenario_copy_name", lang), key=ps.COPY_SCENARIO_NAME)
    if col_copy.button(
        t("planner.scenario_copy", lang).format(name=current.name), key="planner_copy_scenario"
    ):
        copy = store.duplicate_scenario(
            current, str(st.session_state[ps.COPY_SCENARIO_NAME]), user=user_name()
        )
        _switch_to(copy, t("planner.msg.copied", lang).format(name=copy.name))


def _switch_to(scenario: Scenario, message: str) -> None:
    st.session_state[ps.SCENARIO] = scenario.scenario_id
    _reset_editing()
    flash("success", message)
    st.rerun()


def render_demo_button(store: ScenarioStore, region: Region, lang: str) -> None:
    """Offer to load the region's demo scenario into a new scenario of the store."""
    if not allows("scenario.edit") or not any(
        s.kind == DEMO_SCENARIO_KIND for s in region.layers.values()
    ):
        return
    if st.button(
        t("planner.demo", lang), key="planner_load_demo", help=t("planner.demo_help", lang)
    ):
        demo = demo_site_file(region)
        names = {s.name for s in store.list_scenarios()}
        name = next(
            f"{DEMO_SCENARIO_NAME} ({k})" if k else DEMO_SCENARIO_NAME
            for k in range(len(names) + 1)
            if (f"{DEMO_SCENARIO_NAME} ({k})" if k else DEMO_SCENARIO_NAME) not in names
        )
        scenario = store.create_scenario(
            name, user=user_name(), description=t("planner.demo_description", lang)
        )
        store.add_sites(scenario, demo.records, user=user_name())
        _switch_to(scenario, t("planner.msg.demo", lang).format(n=len(demo.records), name=name))


def render_import(
    store: ScenarioStore, scenario: Scenario, inputs: ScenarioInputs, lang: str
) -> None:
    """Upload a file of sites and add them to the scenario."""
    if not allows("site.edit"):
        return
    st.caption(t("planner.import_intro", lang))
    upload = st.file_uploader(
        t("planner.import_file", lang), type=list(SITE_FILE_TYPES), key=ps.UPLOAD_FILE
    )
    col_gcj, col_crs = st.columns(2)
    col_gcj.checkbox(
        t("upload.gcj02", lang), key=ps.UPLOAD_GCJ02, help=t("upload.gcj02_help", lang)
    )
    col_crs.text_input(
        t("upload.crs", lang),
        key=ps.UPLOAD_CRS,
        placeholder=inputs.analysis_crs,
        help=t("upload.crs_help", lang),
    )
    if upload is None or not st.button(
        t("planner.import_button", lang), key="planner_import_sites", type="primary"
    ):
        return
    sites = read_site_file(
        upload.getvalue(),
        upload.name,
        inputs,
        gcj02=bool(st.session_state[ps.UPLOAD_GCJ02]),
        declared_crs=str(st.session_state[ps.UPLOAD_CRS]).strip() or None,
    )
    store.add_sites(scenario, sites.records, user=user_name())
    notes = "".join(f"\n- {n.render(lang)}" for n in sites.notes)
    flash(
        "success",
        t("planner.msg.imported", lang).format(n=len(sites.records), file=upload.name) + notes,
    )
    st.rerun()


def render_exports(
    store: ScenarioStore, scenario: Scenario, run: ScenarioRun, inputs: ScenarioInputs, lang: str
) -> None:
    """Offer the scenario as GeoPackage, GeoJSON, KML, zipped Shapefile and XLSX.

    Each file is written only when its button is clicked (deferred download), from the
    saved scenario and its check ``run``.
    """
    st.caption(t("planner.export_intro", lang))
    labels = {
        key.removeprefix(KML_LABEL_PREFIX): t(key, lang)
        for key in LABELS
        if key.startswith(KML_LABEL_PREFIX)
    }
    columns = st.columns(len(EXPORT_FORMATS))
    for column, fmt in zip(columns, EXPORT_FORMATS, strict=True):
        column.download_button(
            t(f"planner.export.{fmt}", lang),
            partial(export_bytes, store, scenario, fmt, run, inputs, labels),
            file_name=f"{_safe(scenario.name)}{SUFFIXES[fmt]}",
            mime=EXPORT_MIME[fmt],
            key=f"planner_export_{fmt}",
            width="stretch",
            on_click="ignore",
        )


def export_bytes(
    store: ScenarioStore,
    scenario: Scenario,
    fmt: str,
    run: ScenarioRun,
    inputs: ScenarioInputs,
    labels: Mapping[str, str],
) -> bytes:
    """Return the scenario exported in ``fmt`` with the results of ``run``."""
    with tempfile.TemporaryDirectory(prefix="planner-export-") as tmp:
        out = Path(tmp) / f"scenario{SUFFIXES[fmt]}"
        export_scenario(
            store,
            scenario,
            out,
            fmt,  # type: ignore[arg-type]
            results=result_tables(run, inputs),
            labels=labels,
        )
        return out.read_bytes()


def _safe(name: str) -> str:
    """Return ``name`` usable as a file name (keeps CJK, replaces path characters)."""
    return "".join("_" if c in '\\/:*?"<>|' else c for c in name).strip() or "scenario"
