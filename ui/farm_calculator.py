"""Farm calculator inputs (herd, manure route, crop, soil) and the computation call.

`compute_farm` makes exactly the calls of ``python -m siting balance`` (`manure_supply`,
`crop_manure_demand`, `farm_land_requirement`), so the page and the CLI agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from siting.nutrients import (
    PER_PE_SUPPLY,
    crop_manure_demand,
    farm_land_requirement,
    manure_supply,
)
from siting.parameters import SOIL_CLASSES
from ui import balance_state
from ui.balance_widgets import translated_choice
from ui.labels import t, t_or

if TYPE_CHECKING:
    from siting.nutrients import FarmLandRequirement
    from siting.parameters import CropTable, ManureRouteTable, NutrientParams

# Example herd shown when the page opens: one large dairy ranch of the plan's size class.
DEFAULT_HERD: dict[str, int] = {"dairy_cow": 5000}
DEFAULT_CROP = "silage_corn"
DEFAULT_SOIL_CLASS = "II"
HEAD_STEP = 100
SOLD_STEP = 0.05
YIELD_MIN_KG_PER_MU = 1.0


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


def compute_farm(inputs: FarmInputs, params: NutrientParams, crops: CropTable,
                 routes: ManureRouteTable) -> FarmLandRequirement:
    """Return the farm's supply, crop demand and land on both bases (as the CLI does).

    Raises
    ------
    ParameterError
        For an unknown species, crop or route, or a value out of range.
    """
    route = routes.route(inputs.route_key) if inputs.route_key else None
    supply = manure_supply(dict(inputs.herd), params, route=route, sold_frac=inputs.sold_frac)
    demand = crop_manure_demand(crops.get(inputs.crop), yield_kg_per_mu=inputs.yield_kg_per_mu,
                                soil_class=inputs.soil_n_class, soil_p_class=inputs.soil_p_class,
                                params=params)
    return farm_land_requirement(supply, demand, params=params,
                                 olsen_p_mg_per_kg=inputs.olsen_p_mg_per_kg,
                                 p_sensitive=inputs.p_sensitive)


def display_names(crops: CropTable, routes: ManureRouteTable, lang: str) -> dict[str, str]:
    """Return crop and route-stage keys -> display names in ``lang``."""
    crop_names = {k: (crops.get(k).name_en if lang == "en" else crops.get(k).name_zh)
                  for k in crops}
    stage_names = {k: (s.name_en if lang == "en" else s.name_zh)
                   for k, s in routes.stages.items()}
    return crop_names | stage_names


def route_label(key: str, routes: ManureRouteTable, params: NutrientParams, lang: str) -> str:
    """Return the display name of a route key (stage names joined by " + ")."""
    if key == PER_PE_SUPPLY:
        return t("farm.route.per_pe", lang).format(n=f"{params.n_supply_kg_per_pe:g}",
                                                   p=f"{params.p_supply_kg_per_pe:g}")
    stages = [routes.stages[part] for part in key.split("+")]
    return " + ".join(s.name_en if lang == "en" else s.name_zh for s in stages)


def _herd_inputs(params: NutrientParams, lang: str) -> tuple[tuple[str, float], ...]:
    st.markdown(f"**{t('farm.herd', lang)}**")
    herd = []
    species_keys = list(params.pe_per_head)
    for column, species in zip(st.columns(len(species_keys)), species_keys, strict=True):
        head = column.number_input(
            t("farm.head", lang).format(species=t_or(f"species.{species}", lang, species)),
            min_value=0, value=DEFAULT_HERD.get(species, 0), step=HEAD_STEP,
            key=balance_state.head_key(species), persist_state=balance_state.PERSIST)
        if head > 0:
            herd.append((species, float(head)))
    return tuple(herd)


def _manure_inputs(routes: ManureRouteTable, params: NutrientParams,
                   lang: str) -> tuple[str | None, float]:
    st.markdown(f"**{t('farm.manure', lang)}**")
    options = [PER_PE_SUPPLY, *routes.route_keys()]
    route = translated_choice(st.selectbox, t("farm.route", lang), options,
                              key=balance_state.ROUTE, default=PER_PE_SUPPLY, lang=lang,
                              format_func=lambda k: route_label(k, routes, params, lang),
                              help=t("farm.route_help", lang))
    sold = st.number_input(t("farm.sold_frac", lang), min_value=0.0, max_value=1.0, value=0.0,
                           step=SOLD_STEP, format="%.2f", key=balance_state.SOLD_FRAC,
                           help=t("farm.sold_help", lang), persist_state=balance_state.PERSIST)
    return (None if route == PER_PE_SUPPLY else str(route)), float(sold)


def _crop_inputs(crops: CropTable, lang: str) -> tuple[str, float]:
    st.markdown(f"**{t('farm.crop_block', lang)}**")
    keys = list(crops)
    crop = str(translated_choice(
        st.selectbox, t("farm.crop", lang), keys, key=balance_state.CROP, lang=lang,
        default=DEFAULT_CROP if DEFAULT_CROP in keys else keys[0],
        format_func=lambda k: crops.get(k).name_en if lang == "en" else crops.get(k).name_zh))
    chosen = crops.get(crop)
    basis = t_or(f"yield_basis.{chosen.yield_basis}", lang, chosen.yield_basis)
    yield_kg_per_mu = st.number_input(
        t("farm.yield", lang).format(basis=basis), min_value=YIELD_MIN_KG_PER_MU,
        value=float(chosen.default_yield_kg_per_mu), step=10.0, format="%.0f",
        key=balance_state.yield_key(crop), persist_state=balance_state.PERSIST,
        help=t("farm.yield_help", lang).format(default=f"{chosen.default_yield_kg_per_mu:g}",
                                               status=chosen.yield_status,
                                               source=chosen.yield_source))
    return crop, float(yield_kg_per_mu)


def _soil_inputs(params: NutrientParams, lang: str) -> tuple[str, str, float | None, bool]:
    st.markdown(f"**{t('farm.soil', lang)}**")
    classes = {}
    for x, key in (("n", balance_state.SOIL_N_CLASS), ("p", balance_state.SOIL_P_CLASS)):
        classes[x] = translated_choice(
            st.radio, t(f"farm.soil_{x}_class", lang), SOIL_CLASSES, key=key, lang=lang,
            default=DEFAULT_SOIL_CLASS, horizontal=True, help=t(f"farm.soil_{x}_help", lang),
            format_func=lambda c: t(f"farm.soil_class.{c}", lang))
    olsen = st.number_input(t("farm.olsen_p", lang), min_value=0.0, value=None, step=1.0,
                            placeholder=t("farm.olsen_unknown", lang), key=balance_state.OLSEN_P,
                            help=t("farm.olsen_help", lang).format(
                                threshold=f"{params.olsen_p_threshold_mg_per_kg:g}"),
                            persist_state=balance_state.PERSIST)
    sensitive = st.checkbox(t("farm.p_sensitive", lang), key=balance_state.P_SENSITIVE,
                            help=t("farm.p_sensitive_help", lang),
                            persist_state=balance_state.PERSIST)
    return (str(classes["n"]), str(classes["p"]), (None if olsen is None else float(olsen)),
            bool(sensitive))


def farm_inputs(params: NutrientParams, crops: CropTable, routes: ManureRouteTable,
                lang: str) -> FarmInputs:
    """Draw the calculator inputs (herd row, then manure, crop, soil) and return them."""
    herd = _herd_inputs(params, lang)
    col_manure, col_crop, col_soil = st.columns(3)
    with col_manure:
        route, sold = _manure_inputs(routes, params, lang)
    with col_crop:
        crop, yield_kg_per_mu = _crop_inputs(crops, lang)
    with col_soil:
        n_class, p_class, olsen, sensitive = _soil_inputs(params, lang)
    return FarmInputs(herd, route, sold, crop, yield_kg_per_mu, n_class, p_class, olsen,
                      sensitive)
