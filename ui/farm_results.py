"""Farm calculator results: headline figures, basis, notes, formula and coefficient table.

Every number shown is a field of `siting.nutrients.FarmLandRequirement` or a row of its
``explain()``; the coefficient table lists each coefficient of those rows once, with value,
unit, status (``user`` where the user changed it) and source, as the CLI prints them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from ui.balance_format import (
    area_beside,
    basis_name,
    fmt_coefficient,
    fmt_dec,
    fmt_int,
    status_label,
    unit_label,
)
from ui.coefficient_editor import coefficient_name
from ui.labels import t, t_or

if TYPE_CHECKING:
    from siting.nutrients import ExplainRow, FarmLandRequirement, Note
    from siting.parameters import Coefficient

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
NOTE_WARN_CODES = ("low_n_demand", "derived_uptake", "n_utilisation_outside_guide",
                   "p_utilisation_outside_guide")


def full_height(n_rows: int) -> int:
    """Return a dataframe height in pixels that shows ``n_rows`` rows without scrolling."""
    return TABLE_ROW_PX * (n_rows + 1) + TABLE_BORDER_PX


def note_text(note: Note, lang: str) -> str:
    """Return the note in the active language."""
    return note.en if lang == "en" else note.zh


def coefficient_rows(rows: tuple[ExplainRow, ...]) -> list[Coefficient]:
    """Return each coefficient used by ``rows`` once, in order of first use."""
    return list(dict.fromkeys(c for row in rows for c in row.coefficients))


def coefficient_table(coefficients: list[Coefficient], lang: str,
                      names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return key, name, value, unit, status, source and note of each coefficient.

    ``names`` maps crop and route-stage keys to display names.
    """
    return pd.DataFrame({
        t("farm.col.key", lang): [c.key for c in coefficients],
        t("farm.col.name", lang): [coefficient_name(c.key, lang, names) for c in coefficients],
        t("col.value", lang): [fmt_coefficient(c.value) for c in coefficients],
        t("col.unit", lang): [unit_label(c.unit, lang) for c in coefficients],
        t("col.status", lang): [status_label(c.status, lang) for c in coefficients],
        t("col.source", lang): [c.source for c in coefficients],
        t("col.note", lang): [c.note for c in coefficients],
    })


def explain_table(rows: tuple[ExplainRow, ...], lang: str) -> pd.DataFrame:
    """Return quantity, value, unit and the formula with its numbers for each step."""
    return pd.DataFrame({
        t("farm.col.quantity", lang): [quantity_label(r.quantity, lang) for r in rows],
        t("col.value", lang): [fmt_dec(r.value) for r in rows],
        t("col.unit", lang): [unit_label(r.unit, lang) for r in rows],
        t("farm.col.formula", lang): [r.formula for r in rows],
    })


def quantity_label(quantity: str, lang: str) -> str:
    """Return the display name of an explain row ("pe.dairy_cow" -> 猪当量（奶牛）)."""
    prefix, _, species = quantity.partition(".")
    if prefix == "pe" and species:
        return t("qty.pe_species", lang).format(species=t_or(f"species.{species}", lang,
                                                             species))
    return t_or(f"qty.{quantity}", lang, quantity)


def _metric(column: st.delta_generator.DeltaGenerator, label: str, value: str,
            caption: str = "") -> None:
    column.metric(label, value)
    if caption:
        column.caption(caption)


def render_headline(result: FarmLandRequirement, lang: str) -> None:
    """Show PE, supply, demand per 亩 and land on both bases as metrics."""
    supply, demand = result.supply, result.demand
    cols = st.columns(4)
    _metric(cols[0], t("farm.m.pe", lang), fmt_int(supply.pig_equivalents.total_pe))
    _metric(cols[1], t("farm.m.n_supply", lang), fmt_int(supply.n_supply_kg_per_yr))
    _metric(cols[2], t("farm.m.p_supply", lang), fmt_int(supply.p_supply_kg_per_yr))
    cols = st.columns(4)
    _metric(cols[0], t("farm.m.n_demand", lang), fmt_dec(demand.n_demand_kg_per_mu))
    _metric(cols[1], t("farm.m.p_demand", lang), fmt_dec(demand.p_demand_kg_per_mu))
    _metric(cols[2], t("farm.m.land_n", lang), fmt_int(result.land_required_mu_n),
            area_beside(result.land_required_mu_n, lang))
    _metric(cols[3], t("farm.m.land_p", lang), fmt_int(result.land_required_mu_p),
            area_beside(result.land_required_mu_p, lang))


def render_basis(result: FarmLandRequirement, lang: str) -> None:
    """State the binding basis (guide rule), its land, and the larger basis."""
    text = t("farm.binding", lang).format(
        basis=basis_name(result.binding_basis, lang), land=fmt_int(result.land_required_mu),
        beside=area_beside(result.land_required_mu, lang),
        reason=note_text(result.basis_reason, lang))
    st.success(text)
    st.info(note_text(result.larger_basis_note, lang))
    for note in result.demand.notes:
        shown = st.warning if note.code in NOTE_WARN_CODES else st.caption
        shown(note_text(note, lang))


def render_trace(result: FarmLandRequirement, lang: str, names: Mapping[str, str]) -> None:
    """Show the formula, every step with its numbers, and every coefficient's provenance.

    ``names`` maps crop and route-stage keys to display names.
    """
    rows = result.explain()
    st.subheader(t("farm.formula", lang))
    st.latex(FORMULA_LATEX)
    st.caption(t("farm.formula_symbols", lang))
    st.dataframe(explain_table(rows, lang), hide_index=True, width="stretch",
                 height=full_height(len(rows)))
    st.subheader(t("farm.coefficients", lang))
    st.dataframe(coefficient_table(coefficient_rows(rows), lang, names), hide_index=True,
                 width="stretch",
                 column_config={t("col.source", lang): st.column_config.TextColumn(
                     width="medium")})
