"""Editable nutrient coefficients of the balance page (expander 编辑系数 / Edit coefficients).

Every value starts at the region's default (`ui.data.nutrient_params`). A value the
user changes is applied with ``dataclasses.replace`` (the range checks run again) and is
then reported with status ``user`` by `NutrientParams.coefficient`; untouched values keep
their status and source. The edited parameters feed every view of the page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

import streamlit as st

from siting.parameters import USER_STATUS
from ui.balance import state as balance_state
from ui.balance.format import fmt_coefficient
from ui.labels import t, t_or

if TYPE_CHECKING:
    from siting.parameters import NutrientParams

SHARE_KEYS: tuple[str, ...] = ("manure_share_frac", "n_utilisation_frac", "p_utilisation_frac")
SUPPLY_KEYS: tuple[str, ...] = ("n_supply_kg_per_pe", "p_supply_kg_per_pe")
FRACTION_MIN = 0.01  # (0, 1] is enforced by NutrientParams; 0.01 is the input step
FRACTION_STEP = 0.01
PE_STEP = 0.01
PE_MIN = 0.0001  # PE per head must be > 0
SUPPLY_STEP = 0.1
SUPPLY_MIN = 0.1  # supply per PE must be > 0
_MAPPED_PREFIXES = {"pe_per_head": "pe_per_head", "fert_share_frac": "fert_share_frac_by_class"}


def override_params(base: NutrientParams, values: Mapping[str, float]) -> NutrientParams:
    """Return ``base`` with the coefficients (CSV keys) in ``values`` that differ from it.

    ``base`` itself is returned when nothing differs, so untouched defaults keep their status.

    Raises
    ------
    ParameterError
        If a changed value is out of range (e.g. supply per PE above excretion).
    """
    current = base.values_by_key()
    changed = {k: float(v) for k, v in values.items() if current[k] != float(v)}
    if not changed:
        return base
    mappings = {field: dict(getattr(base, field)) for field in _MAPPED_PREFIXES.values()}
    scalars: dict[str, float] = {}
    for key, value in changed.items():
        prefix, _, member = key.partition(".")
        if prefix in _MAPPED_PREFIXES:
            mappings[_MAPPED_PREFIXES[prefix]][member] = value
        else:
            scalars[key] = value
    return dataclasses.replace(base, **mappings, **scalars)


def overridden(params: NutrientParams, lang: str) -> list[str]:
    """Return "粪肥占施肥比例 = 0.6（默认 0.5）" for every coefficient the user changed."""
    defaults = params.sources
    return [
        t("coef.changed_item", lang).format(
            name=coefficient_name(c.key, lang),
            value=fmt_coefficient(c.value),
            default=fmt_coefficient(defaults[c.key].value) if c.key in defaults else "—",
        )
        for c in params.coefficients()
        if c.status == USER_STATUS
    ]


def coefficient_name(key: str, lang: str, names: Mapping[str, str] | None = None) -> str:
    """Return the display name of a coefficient key (the key itself if it has no label).

    ``names`` maps crop and route-stage keys to display names (``{"maize": "玉米"}``).
    """
    parts = key.split(".")
    if parts[0] == "pe_per_head":
        return t("coef.pe_per_head", lang).format(
            species=t_or(f"species.{parts[1]}", lang, parts[1])
        )
    if parts[0] in ("crop", "route") and len(parts) == 3:
        name = (names or {}).get(parts[1], parts[1])
        label = t_or(f"coef.{parts[0]}.{parts[2]}", lang, key)
        return label.format(crop=name, stage=name)
    return t_or(f"coef.{key}", lang, key)


def _fraction_input(region_id: str, key: str, default: float, lang: str) -> float:
    return float(
        st.number_input(
            coefficient_name(key, lang),
            min_value=FRACTION_MIN,
            max_value=1.0,
            value=default,
            step=FRACTION_STEP,
            format="%.2f",
            key=balance_state.coefficient_key(region_id, key),
            persist_state=balance_state.PERSIST,
        )
    )


def _share_inputs(base: NutrientParams, region_id: str, lang: str) -> dict[str, float]:
    values = {}
    for column, key in zip(st.columns(len(SHARE_KEYS)), SHARE_KEYS, strict=True):
        with column:
            values[key] = _fraction_input(region_id, key, getattr(base, key), lang)
            if key == "manure_share_frac":
                st.caption(
                    t("coef.manure_share_help", lang).format(default=f"{base.manure_share_frac:g}")
                )
            else:
                low, high = getattr(base, key.replace("_frac", "_range_frac"))
                st.caption(t("coef.guide_range", lang).format(low=f"{low:.2f}", high=f"{high:.2f}"))
    return values


def _fert_and_supply_inputs(base: NutrientParams, region_id: str, lang: str) -> dict[str, float]:
    values = {}
    classes = list(base.fert_share_frac_by_class)
    columns = st.columns(len(classes) + len(SUPPLY_KEYS))
    for column, soil_class in zip(columns, classes, strict=False):
        with column:
            key = f"fert_share_frac.{soil_class}"
            values[key] = _fraction_input(
                region_id, key, base.fert_share_frac_by_class[soil_class], lang
            )
    for column, key in zip(columns[len(classes) :], SUPPLY_KEYS, strict=True):
        excreted = getattr(base, key.replace("supply", "excreted"))
        values[key] = float(
            column.number_input(
                coefficient_name(key, lang),
                min_value=SUPPLY_MIN,
                max_value=excreted,
                value=getattr(base, key),
                step=SUPPLY_STEP,
                format="%.2f",
                key=balance_state.coefficient_key(region_id, key),
                help=t("coef.supply_help", lang).format(excreted=f"{excreted:g}"),
                persist_state=balance_state.PERSIST,
            )
        )
    return values


def _pe_inputs(base: NutrientParams, region_id: str, lang: str) -> dict[str, float]:
    values = {}
    species = list(base.pe_per_head)
    for column, sp in zip(st.columns(len(species)), species, strict=True):
        key = f"pe_per_head.{sp}"
        values[key] = float(
            column.number_input(
                coefficient_name(key, lang),
                min_value=PE_MIN,
                value=base.pe_per_head[sp],
                step=PE_STEP,
                format="%.4f",
                key=balance_state.coefficient_key(region_id, key),
                persist_state=balance_state.PERSIST,
            )
        )
    return values


def edit_coefficients(base: NutrientParams, region_id: str, lang: str) -> NutrientParams:
    """Draw the coefficient editor (an expander) and return the parameters in force.

    Raises
    ------
    ParameterError
        If the edited values do not form valid parameters (shown by `ui.errors`).
    """
    with st.expander(t("coef.expander", lang)):
        st.caption(t("coef.intro", lang))
        values = _share_inputs(base, region_id, lang)
        values |= _fert_and_supply_inputs(base, region_id, lang)
        values |= _pe_inputs(base, region_id, lang)
    params = override_params(base, values)
    changed = overridden(params, lang)
    if changed:
        st.info(t("coef.changed", lang).format(items="；".join(changed)))
    return params
