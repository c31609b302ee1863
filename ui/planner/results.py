"""Feedback on the edited site and the scenario tables of the planner page.

For the edited site: suitability (gates, score, criteria), manure N and P to place, the
absorption and forage land it needs, the land allocated to it, mean haul distance, unmet
need, and its allocated parcels; with the time the check took. For the scenario: per farm
and per parcel tables of the absorption-land ledger.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from geo.units import MU_PER_HA
from siting.scenario_results import farm_allocations, parcel_use
from siting.site_footprint import footprint_area_mu
from ui.gate_words import failed_rules, gate_mark, gate_measured, gate_rule, gate_state
from ui.labels import t
from ui.planner.water import SiteWater, site_water
from ui.worker import in_worker

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from siting.scenario_run import ScenarioInputs, ScenarioRun
    from siting.score import SiteResult

MAX_PARCEL_ROWS = 200

#: Unmet manure N/P below this (kg/yr) is the LP solver's round-off, below the display
#: precision of the shortfall metric; it is shown as no shortfall.
UNMET_ROUND_OFF_KG = 0.5


def render_verdict(
    run: ScenarioRun, site_id: str, geometry: BaseGeometry, inputs: ScenarioInputs, lang: str
) -> None:
    """Show the verdict of one site of ``run``: gates and score, land, water (beside the map)."""
    row = run.results.set_index("site_id").loc[site_id]
    _suitability_summary(run.scores.get(site_id), row, lang)
    area_mu = float(in_worker(footprint_area_mu, [geometry], analysis_crs=inputs.analysis_crs)[0])
    st.caption(
        t("planner.fb.footprint", lang).format(mu=_num(area_mu, 1), ha=_num(area_mu / MU_PER_HA, 2))
    )
    need_cols = st.columns(3)
    need_cols[0].metric(
        t("planner.fb.land_n", lang),
        _num(row["absorption_land_n_mu"]),
        help=t(f"planner.fb.demand_{row['absorption_demand_source']}", lang),
    )
    need_cols[0].caption(
        t("needs.land_range_short", lang).format(
            low=_num(row["absorption_land_n_low_mu"]), high=_num(row["absorption_land_n_high_mu"])
        )
    )
    need_cols[1].metric(
        t("planner.fb.forage", lang),
        _num(row["forage_land_mu"]),
        help=t("planner.fb.forage_help", lang),
    )
    need_cols[2].metric(t("planner.fb.n_need", lang), _num(row["n_need_kg_per_yr"]))
    alloc_cols = st.columns(3)
    alloc_cols[0].metric(t("planner.fb.allocated", lang), _num(row["land_allocated_mu"]))
    alloc_cols[1].metric(t("planner.fb.haul", lang), _num(row["mean_haul_km"], 2))
    unmet = float(row["unmet_kg_per_yr"])
    if unmet < UNMET_ROUND_OFF_KG:  # LP round-off: a shortfall shown as "0 kg (0%)" is none
        unmet = 0.0
    alloc_cols[2].metric(
        t("planner.fb.unmet", lang).format(basis=row["basis"]),
        _num(unmet),
        delta=f"{row['unmet_frac']:.0%}" if unmet > 0 else None,
        delta_color="inverse",
    )
    if unmet > 0:
        st.warning(
            t("planner.fb.unmet_warning", lang).format(
                kg=_num(unmet), frac=row["unmet_frac"], basis=row["basis"]
            )
        )
    _water(site_water(run, site_id, geometry, inputs, lang), lang)
    _timing(run, lang)


def _water(water: SiteWater, lang: str) -> None:
    """Water as drinking-and-cleaning plus irrigation against the county's headroom."""
    lines = [
        t("planner.water.head", lang).format(county=water.county_name or "—"),
        t("planner.water.livestock", lang).format(m3=_num(water.livestock_m3_per_yr)),
        t("planner.water.irrigation", lang).format(m3=_num(water.irrigation_m3_per_yr)),
        t("planner.water.total", lang).format(m3=_num(water.total_m3_per_yr)),
    ]
    if math.isnan(water.headroom_m3_per_yr):
        lines.append(t("planner.water.no_cap", lang))
    else:
        lines.append(
            t("planner.water.headroom", lang).format(
                room=_num(water.headroom_m3_per_yr),
                cap=_num(water.cap_m3_per_yr),
                use=_num(water.use_m3_per_yr),
                year=water.use_year,
            )
        )
        key = "planner.water.left" if water.left_m3_per_yr >= 0 else "planner.water.over"
        lines.append(
            t(key, lang).format(m3=_num(abs(water.left_m3_per_yr)), share=water.share_of_headroom)
        )
    head, *rows = lines
    st.markdown(f"**{head}**\n" + "\n".join(f"- {row}" for row in rows))
    if not math.isnan(water.share_of_headroom):
        st.progress(min(max(water.share_of_headroom, 0.0), 1.0))


def render_site_details(run: ScenarioRun, site_id: str, lang: str) -> None:
    """Show every gate by its rule with pass / fail and the value, then the criteria."""
    result = run.scores.get(site_id)
    if result is not None:
        st.markdown(_gate_lines(result, lang))
        st.markdown(_criteria_lines(result, lang))
    else:
        st.info(t("planner.fb.not_scored", lang))


def render_site_parcels(
    run: ScenarioRun, site_id: str, parcels: gpd.GeoDataFrame, lang: str
) -> None:
    """Show the P basis line, the parcels allocated to the site and the time the check took."""
    row = run.results.set_index("site_id").loc[site_id]
    st.caption(
        t("planner.fb.p_line", lang).format(
            p=_num(row["p_need_kg_per_yr"]), land=_num(row["absorption_land_p_mu"])
        )
    )
    _allocated_parcels(run, site_id, parcels, lang)


def _suitability_summary(result: SiteResult | None, row: pd.Series, lang: str) -> None:
    if result is None:
        st.info(t("planner.fb.not_scored", lang))
        return
    if not result.passed:
        st.error(
            t("planner.fb.gates_failed", lang).format(gates=failed_rules(result.failed_gates, lang))
        )
    else:
        rank = "" if result.rank is None else t("planner.fb.rank", lang).format(rank=result.rank)
        st.success(
            t("planner.fb.gates_passed", lang).format(
                score=_num(row["suitability_score"], 1), rank=rank
            )
        )
    if result.unchecked_gates:
        st.caption(t("planner.fb.unchecked", lang).format(n=len(result.unchecked_gates)))


GATE_COLORS = {"passed": "green", "failed": "red", "unchecked": "gray"}


def _gate_lines(result: SiteResult, lang: str) -> str:
    """Return one markdown line per gate: its rule, coloured pass / fail, measured value."""
    lines = []
    for g in result.gates:
        state = gate_state(g)
        word = t(f"planner.gate.{state}", lang)
        measured = gate_measured(g, lang)
        lines.append(
            f"- {gate_rule(g, lang)} :{GATE_COLORS[state]}[**{gate_mark(g)} {word}**]"
            + (f" — {measured}" if measured else "")
        )
    return "\n".join(lines)


def _criteria_lines(result: SiteResult, lang: str) -> str:
    """Return one markdown line per criterion: name, points of the 0-100 score, why."""
    en = lang == "en"
    lines = [f"**{t('planner.fb.criteria', lang)}**"]
    for c in result.criteria:
        name = c.name_en if en else c.name_zh
        if c.available and c.contribution is not None:
            why = c.explanation.render(lang)
            lines.append(f"- {name}: **{c.contribution:.1f}** — {why}")
        else:
            why = c.reason_unavailable.render(lang) if c.reason_unavailable else ""
            lines.append(f"- {name}: — ({why})")
    return "\n".join(lines)


def _allocated_parcels(
    run: ScenarioRun, site_id: str, parcels: gpd.GeoDataFrame, lang: str
) -> None:
    rows = farm_allocations(run.ledger, parcels, site_id)
    st.markdown(f"**{t('planner.fb.parcels', lang).format(n=len(rows))}**")
    if rows.empty:
        st.caption(t("planner.fb.no_parcels", lang))
        return
    table = pd.DataFrame(
        {
            t("planner.col.parcel", lang): rows["parcel_id"],
            t("planner.col.area_mu", lang): rows["area_mu"].round(1),
            t("planner.col.share", lang): (rows["share_frac"] * 100).round(1),
            t("planner.col.n_kg", lang): rows["n_kg_per_yr"].round(0),
            t("planner.col.haul_km", lang): rows["haul_km"].round(2),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=210)


def _timing(run: ScenarioRun, lang: str) -> None:
    ledger = run.ledger
    key = "planner.fb.timing_full" if ledger.rebuilt else "planner.fb.timing_incremental"
    st.caption(
        t(key, lang).format(
            ms=run.timings_s["total"] * 1000,
            ledger_ms=ledger.elapsed_s * 1000,
            farms=ledger.n_farms_requeried,
            solved=ledger.result.n_components_solved,
            reused=ledger.result.n_components_reused,
        )
    )


def render_scenario_tables(run: ScenarioRun, parcels: gpd.GeoDataFrame, lang: str) -> None:
    """Show per-farm and per-parcel tables of the scenario's ledger."""
    res = run.results
    farms = pd.DataFrame(
        {
            t("planner.col.site", lang): res["name"],
            t("planner.col.status", lang): [t(f"planner.status.{s}", lang) for s in res["status"]],
            t("planner.col.score", lang): [
                _score_text(score, passed, lang)
                for score, passed in zip(res["suitability_score"], res["gates_passed"], strict=True)
            ],
            t("planner.col.n_need", lang): res["n_need_kg_per_yr"].round(0),
            t("planner.col.land_need", lang): res["absorption_land_n_mu"].round(0),
            t("planner.col.land_range", lang): [
                t("needs.land_range_short", lang).format(low=_num(lo), high=_num(hi))
                for lo, hi in zip(
                    res["absorption_land_n_low_mu"], res["absorption_land_n_high_mu"], strict=True
                )
            ],
            t("planner.col.allocated_mu", lang): res["land_allocated_mu"].round(0),
            t("planner.col.haul_km", lang): res["mean_haul_km"].round(2),
            t("planner.col.unmet", lang): res["unmet_kg_per_yr"].round(0),
            t("planner.col.unmet_frac", lang): (res["unmet_frac"] * 100).round(1),
            t("planner.col.forage", lang): res["forage_land_mu"].round(0),
        }
    )
    st.markdown(f"**{t('planner.table.farms', lang)}**")
    st.dataframe(farms, hide_index=True, width="stretch")
    st.caption(t("planner.table.farms_note", lang))
    names = run.sites.set_index("site_id")["name"]
    used = parcel_use(run.ledger, parcels, names)
    st.markdown(f"**{t('planner.table.parcels', lang).format(n=len(used))}**")
    table = pd.DataFrame(
        {
            t("planner.col.parcel", lang): used["parcel_id"],
            t("planner.col.county", lang): used["county_code"],
            t("planner.col.area_mu", lang): used["area_mu"].round(1),
            t("planner.col.used_pct", lang): (used["used_frac"] * 100).round(1),
            t("planner.col.farms", lang): used["site_names"],
        }
    )
    st.dataframe(table.head(MAX_PARCEL_ROWS), hide_index=True, width="stretch")


def _score_text(score: float, passed: object, lang: str) -> str:
    if passed is False or (passed is not None and passed is not pd.NA and not bool(passed)):
        return t("planner.score_failed", lang)
    return "—" if pd.isna(score) else f"{score:.1f}"


def _num(value: object, decimals: int = 0) -> str:
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return "—"
    if math.isinf(number):
        return "∞"
    return f"{number:,.{decimals}f}"
