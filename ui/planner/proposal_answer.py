"""The optimiser's answer on the Plan page, in the catalogues' words.

`render_answer` shows what `planning.optimise.propose_remaining` returns: the chosen sites
with county and score, the objective (score − haul penalty), the county limits at their
bound and the parcels fully used ("起约束作用的限制"), and per county what one more ranch
would need (water m³/yr, forage 亩 with 公顷, absorption land, candidates); when no set
fits, per county how many its candidates, water and forage headroom allow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from geo.units import mu_to_ha
from ui.labels import t

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.optimise import SitingChoice


def render_answer(
    choice: SitingChoice, chosen: gpd.GeoDataFrame, names: dict[str, str], lang: str
) -> None:
    """Show the optimiser's answer: chosen sites, objective, binding limits, one more.

    ``names`` maps adcode -> county name; when no set fits, each county's shortfall.
    """
    if not choice.feasible:
        st.warning(t("propose.infeasible", lang))
        for entry in choice.shortfalls:
            st.markdown("- " + _shortfall_text(entry, names, lang))
        return
    cols = st.columns(3)
    cols[0].metric(t("propose.objective", lang), f"{choice.objective_points:.1f}")
    cols[1].metric(t("propose.total_score", lang), f"{choice.total_score:.1f}")
    cols[2].metric(t("propose.solve_s", lang), f"{choice.solve_s:.1f}")
    table = pd.DataFrame(
        {
            t("propose.col.name", lang): chosen["name"].astype(str),
            t("propose.col.county", lang): [names.get(str(a), a) for a in chosen["adcode"]],
            t("propose.col.score", lang): chosen["score"].round(1),
        }
    )
    st.dataframe(table, hide_index=True)
    binding = [lim for lim in choice.county_limits if lim.binding]
    st.markdown(f"**{t('propose.binding_title', lang)}**")
    if not binding and not choice.n_parcels_full:
        st.markdown(t("propose.binding_none", lang))
    for limit in binding:
        st.markdown("- " + _limit_text(limit, names, lang))
    if choice.n_parcels_full:
        st.markdown("- " + t("propose.parcels_full", lang).format(n=choice.n_parcels_full))
    st.markdown(f"**{t('propose.one_more_title', lang)}**")
    for entry in choice.one_more:
        st.markdown("- " + _one_more_text(entry, names, lang))


def _limit_text(limit: Any, names: dict[str, str], lang: str) -> str:
    county = names.get(limit.adcode, limit.adcode)
    if limit.kind == "forage":
        return t("propose.binding.forage", lang).format(
            county=county,
            used=f"{limit.used:,.0f}",
            limit=f"{limit.limit:,.0f}",
            limit_ha=f"{mu_to_ha(limit.limit):,.0f}",
        )
    return t(f"propose.binding.{limit.kind}", lang).format(
        county=county, used=f"{limit.used:,.0f}", limit=f"{limit.limit:,.0f}"
    )


def _one_more_text(entry: dict[str, Any], names: dict[str, str], lang: str) -> str:
    county = names.get(str(entry["adcode"]), entry["adcode"])
    if entry["fits"]:
        return t("propose.one_more.fits", lang).format(
            county=county, change=f"{entry.get('objective_change_points', 0.0):+.1f}"
        )
    needs = [
        t(f"propose.blocked.{kind}", lang).format(
            water=f"{entry.get('water_short', 0.0):,.0f}",
            forage=f"{entry.get('forage_short', 0.0):,.0f}",
            forage_ha=f"{mu_to_ha(entry.get('forage_short', 0.0)):,.0f}",
        )
        for kind in entry.get("blocked_by", [])
    ]
    return t("propose.one_more.blocked", lang).format(
        county=county, needs=("；" if lang == "zh" else "; ").join(needs) or "-"
    )


def _shortfall_text(entry: dict[str, Any], names: dict[str, str], lang: str) -> str:
    def most(value: object) -> str:
        return t("propose.no_limit", lang) if value is None else str(value)

    return t("propose.shortfall", lang).format(
        county=names.get(str(entry["adcode"]), entry["adcode"]),
        wanted=entry["wanted"],
        candidates=entry["candidates"],
        water=most(entry["most_by_water"]),
        forage=most(entry["most_by_forage"]),
    )
