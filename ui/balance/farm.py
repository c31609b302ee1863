"""The balance page's farm calculator: inputs, the computation call, and its results.

Inputs are the herd, manure route, crop and soil (`farm_inputs`). `compute_farm` makes
exactly the calls of ``python -m siting balance`` (the land part of
`siting.needs.herd_needs` on a crop the user chooses), so the page and the CLI agree.

Results are the headline figures, basis, notes, formula and coefficient table
(`render_headline`, `render_basis`, `render_trace`). Every number shown is a field of
`siting.nutrients.FarmLandRequirement` or a row of its ``explain()``; the coefficient table
lists each coefficient of those rows once, with value, unit, status (``user`` where the user
changed it) and source, as the CLI prints them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from siting.needs import Herd, ReceivingLand, UtilisationEnds, herd_absorption_land
from siting.nutrients import PER_PE_SUPPLY, crop_manure_demand
from siting.parameters import SOIL_CLASSES
from siting.parameters.manure_routes import MEASURED
from ui.balance import state as balance_state
from ui.balance.coefficients import coefficient_name
from ui.balance.format import (
    area_beside,
    basis_name,
    fmt_coefficient,
    fmt_dec,
    fmt_int,
    status_label,
    unit_label,
)
from ui.balance.state import translated_choice
from ui.labels import t, t_or

if TYPE_CHECKING:
    from locales import Message
    from siting.nutrients import ExplainRow, FarmLandRequirement
    from siting.nutrients.land import Basis
    from siting.parameters import Coefficient, CropTable, ManureRouteTable, NutrientParams

# Example herd shown when the page opens: one large dairy ranch of the plan's size class.
DEFAULT_HERD: dict[str, int] = {"dairy_cow": 5000}
DEFAULT_CROP = "silage_corn"
DEFAULT_SOIL_CLASS = "II"
HEAD_STEP = 100
SOLD_STEP = 0.05
# A measured retention must be above 0 (the route check refuses 0).
RETENTION_MIN_FRAC = 0.001
YIELD_MIN_KG_PER_MU = 1.0
# The guide's formulas (农办牧〔2018〕1号 §2, §4, §5) in symbols; the table below them gives
# every term with its number.
FORMULA_LATEX = r"""
\begin{aligned}
\mathrm{PE} &= \textstyle\sum_i \mathrm{head}_i \times f_i \\
S_N &= \mathrm{PE} \times s_N \times (1 - r_{\mathrm{sold}}), \quad
S_P = \mathrm{PE} \times s_P \times (1 - r_{\mathrm{sold}}) \\
D_N &= \frac{Y}{100} \times u_N \times a_{\mathrm{class}} \times m \div \eta_N, \quad
D_P = \frac{Y}{100} \times u_P \times a_{\mathrm{class}} \times m \div \eta_P \\
A_N &= S_N \div D_N, \qquad A_P = S_P \div D_P
\end{aligned}
"""
# Streamlit's dataframe row height and border (display only).
TABLE_ROW_PX = 35
TABLE_BORDER_PX = 3
NOTE_WARN_KEYS = (
    "nutrients.note.low_n_demand",
    "nutrients.note.derived_uptake",
    "nutrients.note.utilisation_outside_guide",
)


@dataclass(frozen=True)
class FarmInputs:
    """What the user entered: herd (species -> head), route (None = per-PE default) ..."""

    herd: tuple[tuple[str, float], ...]
    route_key: str | None
    sold_frac: float
    crop: str
    yield_kg_per_mu: float
    soil_n_class: str
    soil_p_class: str
    olsen_p_mg_per_kg: float | None
    p_sensitive: bool
    measured_retention_frac: tuple[float, float] | None = None


def compute_farm(
    inputs: FarmInputs, params: NutrientParams, crops: CropTable, routes: ManureRouteTable
) -> FarmLandRequirement:
    """Return the farm's supply, crop demand and land on both bases (as the CLI does).

    Raises
    ------
    ParameterError
        For an unknown species, crop or route, or a value out of range.
    """
    herd = Herd.from_species(
        dict(inputs.herd),
        route_key=inputs.route_key,
        sold_frac=inputs.sold_frac,
        measured_retention_frac=inputs.measured_retention_frac,
    )
    demand = crop_manure_demand(
        crops.get(inputs.crop),
        yield_kg_per_mu=inputs.yield_kg_per_mu,
        soil_class=inputs.soil_n_class,
        soil_p_class=inputs.soil_p_class,
        params=params,
    )
    land = ReceivingLand(demand, inputs.olsen_p_mg_per_kg, inputs.p_sensitive)
    return herd_absorption_land(herd, land, params, routes)


def display_names(crops: CropTable, routes: ManureRouteTable, lang: str) -> dict[str, str]:
    """Return crop and route-stage keys -> display names in ``lang``."""
    crop_names = {
        k: (crops.get(k).name_en if lang == "en" else crops.get(k).name_zh) for k in crops
    }
    stage_names = {k: (s.name_en if lang == "en" else s.name_zh) for k, s in routes.stages.items()}
    return crop_names | stage_names


def route_label(key: str, routes: ManureRouteTable, params: NutrientParams, lang: str) -> str:
    """Return the display name of a route key (stage names joined by " + ")."""
    if key == PER_PE_SUPPLY:
        return t("farm.route.per_pe", lang).format(
            n=f"{params.n_supply_kg_per_pe:g}", p=f"{params.p_supply_kg_per_pe:g}"
        )
    if key == MEASURED:
        return t("farm.route.measured", lang)
    stages = [routes.stages[part] for part in key.split("+")]
    return " + ".join(s.name_en if lang == "en" else s.name_zh for s in stages)


def _herd_inputs(params: NutrientParams, lang: str) -> tuple[tuple[str, float], ...]:
    st.markdown(f"**{t('farm.herd', lang)}**")
    herd = []
    species_keys = list(params.pe_per_head)
    for column, species in zip(st.columns(len(species_keys)), species_keys, strict=True):
        head = column.number_input(
            t("farm.head", lang).format(species=t_or(f"species.{species}", lang, species)),
            min_value=0,
            value=DEFAULT_HERD.get(species, 0),
            step=HEAD_STEP,
            key=balance_state.head_key(species),
            persist_state=balance_state.PERSIST,
        )
        if head > 0:
            herd.append((species, float(head)))
    return tuple(herd)


def _manure_inputs(
    routes: ManureRouteTable, params: NutrientParams, lang: str, species: tuple[str, ...]
) -> tuple[str | None, float, tuple[float, float] | None]:
    st.markdown(f"**{t('farm.manure', lang)}**")
    options = [PER_PE_SUPPLY, *routes.route_keys(species), MEASURED]
    route = translated_choice(
        st.selectbox,
        t("farm.route", lang),
        options,
        key=balance_state.ROUTE,
        default=PER_PE_SUPPLY,
        lang=lang,
        format_func=lambda k: route_label(k, routes, params, lang),
        help=t("farm.route_help", lang),
    )
    measured = _measured_inputs(params, lang) if route == MEASURED else None
    sold = st.number_input(
        t("farm.sold_frac", lang),
        min_value=0.0,
        max_value=1.0,
        value=0.0,
        step=SOLD_STEP,
        format="%.2f",
        key=balance_state.SOLD_FRAC,
        help=t("farm.sold_help", lang),
        persist_state=balance_state.PERSIST,
    )
    key = None if route in (PER_PE_SUPPLY, MEASURED) else str(route)
    return key, float(sold), measured


def _measured_inputs(params: NutrientParams, lang: str) -> tuple[float, float]:
    """Draw the N and P retention the user measured (defaults: the guide's implied ones)."""
    values = []
    for x, key in (("n", balance_state.N_RETENTION), ("p", balance_state.P_RETENTION)):
        default = getattr(params, f"{x}_supply_kg_per_pe") / getattr(
            params, f"{x}_excreted_kg_per_pe"
        )
        values.append(
            float(
                st.number_input(
                    t(f"farm.{x}_retention", lang),
                    min_value=RETENTION_MIN_FRAC,
                    max_value=1.0,
                    value=default,
                    step=SOLD_STEP,
                    format="%.3f",
                    key=key,
                    help=t("farm.retention_help", lang),
                    persist_state=balance_state.PERSIST,
                )
            )
        )
    return values[0], values[1]


def _crop_inputs(crops: CropTable, lang: str) -> tuple[str, float]:
    st.markdown(f"**{t('farm.crop_block', lang)}**")
    keys = list(crops)
    crop = str(
        translated_choice(
            st.selectbox,
            t("farm.crop", lang),
            keys,
            key=balance_state.CROP,
            lang=lang,
            default=DEFAULT_CROP if DEFAULT_CROP in keys else keys[0],
            format_func=lambda k: crops.get(k).name_en if lang == "en" else crops.get(k).name_zh,
        )
    )
    chosen = crops.get(crop)
    basis = t_or(f"yield_basis.{chosen.yield_basis}", lang, chosen.yield_basis)
    yield_kg_per_mu = st.number_input(
        t("farm.yield", lang).format(basis=basis),
        min_value=YIELD_MIN_KG_PER_MU,
        value=float(chosen.default_yield_kg_per_mu),
        step=10.0,
        format="%.0f",
        key=balance_state.yield_key(crop),
        persist_state=balance_state.PERSIST,
        help=t("farm.yield_help", lang).format(
            default=f"{chosen.default_yield_kg_per_mu:g}",
            status=chosen.yield_status,
            source=chosen.yield_source,
        ),
    )
    return crop, float(yield_kg_per_mu)


def _soil_inputs(params: NutrientParams, lang: str) -> tuple[str, str, float | None, bool]:
    st.markdown(f"**{t('farm.soil', lang)}**")
    classes = {}
    for x, key in (("n", balance_state.SOIL_N_CLASS), ("p", balance_state.SOIL_P_CLASS)):
        classes[x] = translated_choice(
            st.radio,
            t(f"farm.soil_{x}_class", lang),
            SOIL_CLASSES,
            key=key,
            lang=lang,
            default=DEFAULT_SOIL_CLASS,
            horizontal=True,
            help=t(f"farm.soil_{x}_help", lang),
            format_func=lambda c: t(f"farm.soil_class.{c}", lang),
        )
    olsen = st.number_input(
        t("farm.olsen_p", lang),
        min_value=0.0,
        value=None,
        step=1.0,
        placeholder=t("farm.olsen_unknown", lang),
        key=balance_state.OLSEN_P,
        help=t("farm.olsen_help", lang).format(threshold=f"{params.olsen_p_threshold_mg_per_kg:g}"),
        persist_state=balance_state.PERSIST,
    )
    sensitive = st.checkbox(
        t("farm.p_sensitive", lang),
        key=balance_state.P_SENSITIVE,
        help=t("farm.p_sensitive_help", lang),
        persist_state=balance_state.PERSIST,
    )
    return (
        str(classes["n"]),
        str(classes["p"]),
        (None if olsen is None else float(olsen)),
        bool(sensitive),
    )


def farm_inputs(
    params: NutrientParams, crops: CropTable, routes: ManureRouteTable, lang: str
) -> FarmInputs:
    """Draw the calculator inputs (herd row, then manure, crop, soil) and return them."""
    herd = _herd_inputs(params, lang)
    col_manure, col_crop, col_soil = st.columns(3)
    with col_manure:
        route, sold, measured = _manure_inputs(
            routes, params, lang, tuple(species for species, _ in herd)
        )
    with col_crop:
        crop, yield_kg_per_mu = _crop_inputs(crops, lang)
    with col_soil:
        n_class, p_class, olsen, sensitive = _soil_inputs(params, lang)
    return FarmInputs(
        herd, route, sold, crop, yield_kg_per_mu, n_class, p_class, olsen, sensitive, measured
    )


def full_height(n_rows: int) -> int:
    """Return a dataframe height in pixels that shows ``n_rows`` rows without scrolling."""
    return TABLE_ROW_PX * (n_rows + 1) + TABLE_BORDER_PX


def note_text(note: Message, lang: str) -> str:
    """Return the note in the active language."""
    return note.render(lang)


def coefficient_rows(rows: tuple[ExplainRow, ...]) -> list[Coefficient]:
    """Return each coefficient used by ``rows`` once, in order of first use."""
    return list(dict.fromkeys(c for row in rows for c in row.coefficients))


def coefficient_table(
    coefficients: list[Coefficient], lang: str, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Return key, name, value, unit, status, source and note of each coefficient.

    ``names`` maps crop and route-stage keys to display names.
    """
    return pd.DataFrame(
        {
            t("farm.col.key", lang): [c.key for c in coefficients],
            t("farm.col.name", lang): [coefficient_name(c.key, lang, names) for c in coefficients],
            t("col.value", lang): [fmt_coefficient(c.value) for c in coefficients],
            t("col.unit", lang): [unit_label(c.unit, lang) for c in coefficients],
            t("col.status", lang): [status_label(c.status, lang) for c in coefficients],
            t("col.source", lang): [c.source for c in coefficients],
            t("col.note", lang): [c.note for c in coefficients],
        }
    )


def explain_table(rows: tuple[ExplainRow, ...], lang: str) -> pd.DataFrame:
    """Return quantity, value, unit and the formula with its numbers for each step."""
    return pd.DataFrame(
        {
            t("farm.col.quantity", lang): [quantity_label(r.quantity, lang) for r in rows],
            t("col.value", lang): [fmt_dec(r.value) for r in rows],
            t("col.unit", lang): [unit_label(r.unit, lang) for r in rows],
            t("farm.col.formula", lang): [r.formula for r in rows],
        }
    )


def quantity_label(quantity: str, lang: str) -> str:
    """Return the display name of an explain row ("pe.dairy_cow" -> 猪当量（奶牛）)."""
    prefix, _, species = quantity.partition(".")
    if prefix == "pe" and species:
        return t("qty.pe_species", lang).format(species=t_or(f"species.{species}", lang, species))
    return t_or(f"qty.{quantity}", lang, quantity)


def _metric(
    column: st.delta_generator.DeltaGenerator, label: str, value: str, caption: str = ""
) -> None:
    column.metric(label, value)
    if caption:
        column.caption(caption)


def _with_range(land_mu: float, ends: UtilisationEnds, basis: Basis, lang: str) -> str:
    low, high = ends.land_range_mu(land_mu, basis)
    return (
        area_beside(land_mu, lang)
        + " · "
        + t("needs.land_range_short", lang).format(low=fmt_int(low), high=fmt_int(high))
    )


def render_headline(result: FarmLandRequirement, lang: str, ends: UtilisationEnds) -> None:
    """Show PE, supply, demand per 亩 and land on both bases (with its range) as metrics."""
    supply, demand = result.supply, result.demand
    cols = st.columns(4)
    _metric(cols[0], t("farm.m.pe", lang), fmt_int(supply.pig_equivalents.total_pe))
    _metric(cols[1], t("farm.m.n_supply", lang), fmt_int(supply.n_supply_kg_per_yr))
    _metric(cols[2], t("farm.m.p_supply", lang), fmt_int(supply.p_supply_kg_per_yr))
    cols = st.columns(4)
    _metric(cols[0], t("farm.m.n_demand", lang), fmt_dec(demand.n_demand_kg_per_mu))
    _metric(cols[1], t("farm.m.p_demand", lang), fmt_dec(demand.p_demand_kg_per_mu))
    _metric(
        cols[2],
        t("farm.m.land_n", lang),
        fmt_int(result.land_required_mu_n),
        _with_range(result.land_required_mu_n, ends, "N", lang),
    )
    _metric(
        cols[3],
        t("farm.m.land_p", lang),
        fmt_int(result.land_required_mu_p),
        _with_range(result.land_required_mu_p, ends, "P", lang),
    )
    st.caption(
        t("needs.land_range_caption", lang).format(
            n_low=f"{ends.n_range_frac[0]:.0%}",
            n_high=f"{ends.n_range_frac[1]:.0%}",
            p_low=f"{ends.p_range_frac[0]:.0%}",
            p_high=f"{ends.p_range_frac[1]:.0%}",
        )
    )


def render_basis(result: FarmLandRequirement, lang: str) -> None:
    """State the binding basis (guide rule), its land, and the larger basis."""
    text = t("farm.binding", lang).format(
        basis=basis_name(result.binding_basis, lang),
        land=fmt_int(result.land_required_mu),
        beside=area_beside(result.land_required_mu, lang),
        reason=note_text(result.basis_reason, lang),
    )
    st.success(text)
    st.info(note_text(result.larger_basis_note, lang))
    for note in result.demand.notes:
        shown = st.warning if note.key in NOTE_WARN_KEYS else st.caption
        shown(note_text(note, lang))


def render_trace(result: FarmLandRequirement, lang: str, names: Mapping[str, str]) -> None:
    """Show the formula, every step with its numbers, and every coefficient's provenance.

    ``names`` maps crop and route-stage keys to display names.
    """
    rows = result.explain()
    st.subheader(t("farm.formula", lang))
    st.latex(FORMULA_LATEX)
    st.caption(t("farm.formula_symbols", lang))
    st.dataframe(
        explain_table(rows, lang), hide_index=True, width="stretch", height=full_height(len(rows))
    )
    st.subheader(t("farm.coefficients", lang))
    st.dataframe(
        coefficient_table(coefficient_rows(rows), lang, names),
        hide_index=True,
        width="stretch",
        column_config={t("col.source", lang): st.column_config.TextColumn(width="medium")},
    )
