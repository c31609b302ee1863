"""Plan page: where could ranches go? The surface, located candidates and the optimiser.

Three steps in one expander under the map:

1. **Surface** of a footprint and herd over the whole region (`planning.surface_cache`):
   computed once per region + footprint + herd + cell size with ``st.progress`` and kept in
   the region's cache folder, then shown on the map (`ui.planner.surface_layer`);
2. **Propose candidates**: the best N footprints at least D km apart
   (`planning.locate.propose_candidates`), added to the scenario as proposed sites;
3. **Propose the remaining ranches**: the optimiser (`planning.optimise`) chooses, among the
   located candidates, the plan's ranches still to site per county, with the scenario's
   sites keeping their land, water and forage; the answer (chosen sites, objective, limits
   at their bound, what one more ranch per county would need) is shown, and the sites are
   added to the scenario only when the planner confirms.

The module owns its session keys (`init_propose_state`). The page calls `surface_path` and
`render_proposals`; nothing else of the page changes.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd
import streamlit as st

from planning.locate import propose_candidates
from planning.optimise import propose_remaining, siting_problem
from planning.proposal import (
    load_proposal_params,
    located_candidates,
    remaining_counts,
)
from planning.regions import load_counties
from planning.scenarios import SiteRecord
from planning.surface import SurfaceOptions, default_footprint_mu
from planning.surface_cache import (
    CACHE_DIR_ENV,
    cached_surface,
    default_cache_root,
    surface_cache_path,
)
from siting.optimise import SiteCounts
from siting.surface import SurfaceFootprint
from ui.labels import t
from ui.planner.files import flash, user_name
from ui.planner.proposal_answer import render_answer

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.proposal import ProposalParams
    from planning.regions import Region
    from planning.scenarios import ScenarioSnapshot, ScenarioStore
    from siting.optimise import SitingChoice
    from siting.scenario_run import ScenarioInputs

#: Cell sizes offered (m): the 30 m default takes ~50 s for Hohhot, 90 m ~10x less work,
#: 300 m a quick look in ~10 s.
CELL_CHOICES_M: Final[tuple[float, ...]] = (30.0, 90.0, 300.0)
#: Candidates "propose candidates" adds by default: a page of sites to look at, not the
#: hundreds the optimiser chooses among.
DEFAULT_ADDED_CANDIDATES: Final[int] = 10
#: Most candidates one click may add to a scenario, or the optimiser may choose among.
MAX_ADDED_CANDIDATES: Final[int] = 100
MAX_OPTIMISER_CANDIDATES: Final[int] = 2_000

HERD = "propose_dairy_cow_head"
FOOTPRINT = "propose_footprint_mu"
CELL = "propose_cell_m"
SHOW = "propose_show_surface"
ADD_COUNT = "propose_add_count"  # candidates added by "propose candidates"
COUNT = "propose_count"  # candidates the optimiser chooses among
DISTANCE = "propose_min_distance_km"
START_YEAR = "propose_start_year"
ANSWER = "propose_answer"  # (key, choice, chosen sites) of the last optimiser run


def cache_root() -> Path:
    """Return the app's cache folder: ``$FORAGE_SITING_CACHE`` or the user's cache."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    return Path(configured).expanduser() if configured else default_cache_root()


def init_propose_state(region: Region, params: ProposalParams) -> None:
    """Set the proposal widgets' defaults (region's footprint, optimiser.csv's values)."""
    defaults: dict[str, Any] = {
        HERD: int(params.ranch_dairy_cow_head),
        FOOTPRINT: float(default_footprint_mu(region)),
        CELL: CELL_CHOICES_M[0],
        SHOW: True,
        ADD_COUNT: DEFAULT_ADDED_CANDIDATES,
        COUNT: params.candidate_count,
        DISTANCE: params.candidate_min_distance_km,
        START_YEAR: region.plan.target_year,
        ANSWER: None,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def _request(region: Region) -> tuple[SurfaceFootprint, SurfaceOptions]:
    """Return the footprint, herd and options the widgets ask for (defaults set first)."""
    init_propose_state(region, load_proposal_params(region.dir))
    footprint = SurfaceFootprint.from_area_mu(
        float(st.session_state[FOOTPRINT]), float(st.session_state[HERD])
    )
    return footprint, SurfaceOptions(cell_m=float(st.session_state[CELL]))


def surface_path(region: Region) -> Path | None:
    """Return the cached surface the map should show, or None (not computed, or hidden)."""
    footprint, options = _request(region)
    path = surface_cache_path(cache_root(), region, footprint, options)
    return path if st.session_state[SHOW] and path.exists() else None


def render_proposals(
    store: ScenarioStore,
    snapshot: ScenarioSnapshot,
    inputs: ScenarioInputs,
    region: Region,
    lang: str,
) -> None:
    """Draw the surface, candidates and optimiser steps (an expander)."""
    with st.expander(t("propose.title", lang), expanded=False):
        st.caption(t("propose.intro", lang))
        path = _surface_step(region, lang)
        if path is None:
            st.info(t("propose.need_surface", lang))
            return
        st.number_input(
            t("propose.start_year", lang), min_value=1949, max_value=2100, step=1, key=START_YEAR
        )
        st.divider()
        _candidates_step(store, snapshot, region, path, lang)
        st.divider()
        _remaining_step(store, snapshot, inputs, region, path, lang)


def _surface_step(region: Region, lang: str) -> Path | None:
    footprint, options = _request(region)
    cols = st.columns(3)
    cols[0].number_input(t("propose.herd", lang), min_value=1, step=500, key=HERD)
    cols[1].number_input(t("propose.footprint", lang), min_value=1.0, step=50.0, key=FOOTPRINT)
    cols[2].selectbox(
        t("propose.cell", lang),
        CELL_CHOICES_M,
        key=CELL,
        format_func=lambda m: t(f"propose.cell_{m:g}", lang),
    )
    path = surface_cache_path(cache_root(), region, footprint, options)
    if path.exists():
        st.checkbox(t("propose.show", lang), key=SHOW)
        st.caption(t("propose.cached", lang).format(file=path.name))
        return path
    if st.button(t("propose.compute", lang), key="propose_compute", type="primary"):
        bar = st.progress(0.0, text=t("propose.computing", lang))
        start = time.perf_counter()

        def report(done: int, total: int) -> None:
            bar.progress(
                done / total,
                text=t("propose.progress", lang).format(
                    pct=f"{100 * done / total:.0f}", seconds=f"{time.perf_counter() - start:.0f}"
                ),
            )

        cached_surface(region, footprint, options, cache_root(), progress=report)
        st.session_state[SHOW] = True
        st.rerun()
    return None


def _candidates_step(
    store: ScenarioStore, snapshot: ScenarioSnapshot, region: Region, path: Path, lang: str
) -> None:
    st.markdown(f"**{t('propose.candidates_title', lang)}**")
    cols = st.columns(2)
    cols[0].number_input(
        t("propose.count", lang),
        min_value=1,
        max_value=MAX_ADDED_CANDIDATES,
        step=1,
        key=ADD_COUNT,
    )
    cols[1].number_input(
        t("propose.distance", lang), min_value=0.0, step=0.5, format="%.1f", key=DISTANCE
    )
    if st.button(t("propose.candidates_button", lang), key="propose_candidates"):
        found = propose_candidates(
            region,
            path,
            count=int(st.session_state[ADD_COUNT]),
            min_distance_km=float(st.session_state[DISTANCE]),
            lang=lang,
        )
        _add_sites(store, snapshot, region, found, "propose.name_candidate", lang)


def _remaining_step(
    store: ScenarioStore,
    snapshot: ScenarioSnapshot,
    inputs: ScenarioInputs,
    region: Region,
    path: Path,
    lang: str,
) -> None:
    st.markdown(f"**{t('propose.remaining_title', lang)}**")
    counts = remaining_counts(region, snapshot.sites)
    names = _county_names(region, lang)
    if not counts:
        st.info(t("propose.none_remaining", lang))
        return
    separator = "、" if lang == "zh" else ", "
    listed = separator.join(f"{names.get(a, a)} {n}" for a, n in counts)
    st.caption(t("propose.remaining_counts", lang).format(counts=listed))
    counts = _asked_counts(counts, names)
    if not counts:
        return
    st.number_input(
        t("propose.optimiser_count", lang),
        min_value=1,
        max_value=MAX_OPTIMISER_CANDIDATES,
        step=10,
        key=COUNT,
        help=t("propose.optimiser_count_help", lang),
    )
    key = (str(path), snapshot.scenario.scenario_id, _versions(snapshot), counts, _year())
    if st.button(t("propose.remaining_button", lang), key="propose_remaining", type="primary"):
        st.session_state[ANSWER] = (key, *_optimise(snapshot, inputs, region, path, counts, lang))
    answer = st.session_state[ANSWER]
    if answer is None or answer[0] != key:
        return
    _, choice, chosen = answer
    render_answer(choice, chosen, names, lang)
    if (
        choice.feasible
        and len(chosen)
        and st.button(t("propose.add_button", lang).format(n=len(chosen)), key="propose_add")
    ):
        st.session_state[ANSWER] = None
        sites = chosen.assign(county=chosen["adcode"].astype(str))
        _add_sites(store, snapshot, region, sites, "propose.name_ranch", lang)


def count_key(adcode: str, remaining: int) -> str:
    """Return the session key of a county's count (a new default gives a new widget)."""
    return f"propose_n_{adcode}_{remaining}"


def _asked_counts(
    remaining: tuple[tuple[str, int], ...], names: dict[str, str]
) -> tuple[tuple[str, int], ...]:
    """Let the planner ask for fewer (or more) ranches per county; return the non-zero ones."""
    cols = st.columns(len(remaining))
    asked = []
    for col, (adcode, n) in zip(cols, remaining, strict=True):
        value = col.number_input(
            names.get(adcode, adcode), min_value=0, value=n, step=1, key=count_key(adcode, n)
        )
        asked.append((adcode, int(value)))
    return tuple((adcode, n) for adcode, n in asked if n > 0)


def _year() -> int:
    return int(st.session_state[START_YEAR])


def _versions(snapshot: ScenarioSnapshot) -> tuple[tuple[str, int], ...]:
    sites = snapshot.sites
    return tuple(
        sorted(zip(sites["site_id"].astype(str), sites["version"].astype(int), strict=True))
    )


def _optimise(
    snapshot: ScenarioSnapshot,
    inputs: ScenarioInputs,
    region: Region,
    path: Path,
    counts: tuple[tuple[str, int], ...],
    lang: str,
) -> tuple[SitingChoice, gpd.GeoDataFrame]:
    bar = st.progress(0.0, text=t("propose.step.locate", lang))
    candidates = located_candidates(
        region,
        path,
        count=int(st.session_state[COUNT]),
        min_distance_km=float(st.session_state[DISTANCE]),
        lang=lang,
        adcodes=tuple(code for code, _ in counts),
    )
    bar.progress(0.2, text=t("propose.step.score", lang))
    problem = siting_problem(
        region, candidates, year=_year(), lang=lang, held_sites=snapshot.sites, plan=inputs
    )
    bar.progress(0.6, text=t("propose.step.solve", lang))
    result = propose_remaining(problem, SiteCounts(by_county=counts))
    bar.progress(1.0, text=t("propose.step.done", lang))
    return result


def _county_names(region: Region, lang: str) -> dict[str, str]:
    counties = load_counties(region)
    column = "name_zh" if lang == "zh" else "name_en"
    return dict(zip(counties["adcode"].astype(str), counties[column].astype(str), strict=True))


def _add_sites(
    store: ScenarioStore,
    snapshot: ScenarioSnapshot,
    region: Region,
    sites: gpd.GeoDataFrame,
    name_key: str,
    lang: str,
) -> None:
    """Add ``sites`` (EPSG:4326, ``county``, ``score``) as proposed sites; flash and rerun."""
    records = proposed_records(snapshot, region, sites, name_key, _year(), lang)
    store.add_sites(snapshot.scenario, records, user=user_name())
    flash("success", t("propose.added", lang).format(n=len(records)))
    st.rerun()


def proposed_records(
    snapshot: ScenarioSnapshot,
    region: Region,
    sites: gpd.GeoDataFrame,
    name_key: str,
    start_year: int,
    lang: str,
) -> list[SiteRecord]:
    """Return store records of proposed ``sites``, named by county and number, unique.

    Names read e.g. "建议牧场·土默特左旗 1"; numbers continue past names already used in
    the scenario.
    """
    names = _county_names(region, lang)
    taken = set(snapshot.sites["name"].astype(str)) if not snapshot.sites.empty else set()
    herd = sites["dairy_cow_head"].astype(float).round().astype(int)
    records = []
    for position, (_, row) in enumerate(sites.iterrows()):
        county = str(row["county"]) if pd.notna(row["county"]) else ""
        number = 1
        while True:
            name = t(name_key, lang).format(county=names.get(county, county), number=number)
            if name not in taken:
                break
            number += 1
        taken.add(name)
        records.append(
            SiteRecord(
                name=name,
                geometry=row.geometry,
                status="proposed",
                start_year=start_year,
                dairy_cow_head=int(herd.iloc[position]),
                footprint_source="point_footprint",
                county_code=county or None,
                note=t("propose.note", lang).format(score=f"{float(row['score']):.1f}"),
            )
        )
    return records
