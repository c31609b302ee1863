"""Crop manure-nutrient demand per 亩 (guide §5: yield, uptake, soil class, manure share)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TypeVar

import numpy as np
import pandas as pd

from errors import ParameterError
from locales import Message, Term
from problems import Problems
from siting.nutrients.explain import ExplainRow, fmt
from siting.parameters import (
    SOIL_CLASSES,
    UPTAKE_BASIS_KG,
    Coefficient,
    CropCoefficient,
    NutrientParams,
)

Number = TypeVar("Number", float, np.ndarray, pd.Series)
_TRUSTED_STATUSES = ("verified", "recalled")


def manure_demand_kg_per_mu(
    yield_kg_per_mu: Number,
    uptake_kg_per_100kg: Number,
    fert_share_frac: Number,
    manure_share_frac: float,
    utilisation_frac: float,
) -> Number:
    """Return the manure N or P to apply per 亩 (scalars, arrays or Series alike).

    Notes
    -----
    ``yield / 100 × uptake per 100 kg × fertilisation share × manure share ÷ utilisation``
    (guide §5; the division by the in-season utilisation turns the nutrient the crop takes
    from manure into the manure nutrient to apply).
    """
    crop_uptake = yield_kg_per_mu / UPTAKE_BASIS_KG * uptake_kg_per_100kg
    demand: Number = crop_uptake * fert_share_frac * manure_share_frac / utilisation_frac
    return demand


@dataclass(frozen=True, slots=True)
class CropDemand:
    """Manure N and P demand of one crop per 亩, with every factor used.

    Attributes
    ----------
    n_uptake_kg_per_mu, p_uptake_kg_per_mu
        The crop's uptake: ``yield / 100 × uptake per 100 kg`` (kg/亩).
    n_fert_share_frac, p_fert_share_frac
        Share met by fertilisation for the soil N and P class (附表2).
    manure_share_frac, n_utilisation_frac, p_utilisation_frac
        Manure share of fertiliser and in-season utilisation used.
    n_demand_kg_per_mu, p_demand_kg_per_mu
        Manure nutrient to apply per 亩: ``uptake × fert share × manure share ÷ utilisation``.
    low_n_demand
        True when the crop takes little manure N relative to P (alfalfa); see ``notes``.
    notes
        Planning remarks (low N demand, values outside the guide's range, derived or
        default values to replace).
    """

    crop_key: str
    crop_name_en: str
    crop_name_zh: str
    yield_basis: str
    yield_kg_per_mu: float
    soil_n_class: str
    soil_p_class: str
    n_uptake_kg_per_100kg: float
    p_uptake_kg_per_100kg: float
    n_uptake_kg_per_mu: float
    p_uptake_kg_per_mu: float
    n_fert_share_frac: float
    p_fert_share_frac: float
    manure_share_frac: float
    n_utilisation_frac: float
    p_utilisation_frac: float
    n_demand_kg_per_mu: float
    p_demand_kg_per_mu: float
    low_n_demand: bool
    notes: tuple[Message, ...] = ()
    sources: tuple[Coefficient, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the numbers as a JSON-ready dict (notes as dicts)."""
        data = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("notes", "sources")
        }
        return {**data, "notes": [note.to_dict() for note in self.notes]}

    def explain(self) -> tuple[ExplainRow, ...]:
        """Return the uptake and manure-demand rows, N then P."""
        by_key = {c.key: c for c in self.sources}
        crop = f"crop.{self.crop_key}"
        rows: list[ExplainRow] = []
        for x, name in (("n", "N"), ("p", "P")):
            uptake = getattr(self, f"{x}_uptake_kg_per_mu")
            fert = getattr(self, f"{x}_fert_share_frac")
            soil_class = getattr(self, f"soil_{x}_class")
            rows += [
                ExplainRow(
                    f"{x}_uptake_kg_per_mu",
                    uptake,
                    f"kg {name}/mu",
                    f"{fmt(self.yield_kg_per_mu)} kg/mu ÷ 100 × "
                    f"{fmt(getattr(self, f'{x}_uptake_kg_per_100kg'))} kg {name}/100 kg",
                    (by_key[f"{crop}.{x}_kg_per_100kg"],),
                ),
                ExplainRow(
                    f"{x}_demand_kg_per_mu",
                    getattr(self, f"{x}_demand_kg_per_mu"),
                    f"kg {name}/mu",
                    f"{fmt(uptake)} × fert share {fmt(fert)}"
                    f" (class {soil_class}) × manure share {fmt(self.manure_share_frac)} ÷ "
                    f"utilisation {fmt(getattr(self, f'{x}_utilisation_frac'))}",
                    (
                        by_key[f"fert_share_frac.{soil_class}"],
                        by_key["manure_share_frac"],
                        by_key[f"{x}_utilisation_frac"],
                    ),
                ),
            ]
        return tuple(rows)


def crop_manure_demand(
    crop: CropCoefficient,
    *,
    yield_kg_per_mu: float | None,
    soil_class: str,
    params: NutrientParams,
    soil_p_class: str | None = None,
) -> CropDemand:
    """Return the manure N and P demand per 亩 of one crop (guide §5, D_unit).

    Parameters
    ----------
    crop
        Uptake per 100 kg of yield (附表1).
    yield_kg_per_mu
        Target yield in kg per 亩 on the crop's yield basis; None uses the crop's
        illustrative default yield (and says so in ``notes``).
    soil_class
        Soil nutrient class I, II or III (附表2) of N, and of P unless ``soil_p_class``.
    params
        Nutrient coefficients: fertilisation share, manure share, utilisation.
    soil_p_class
        Soil P class if it differs from the N class.

    Returns
    -------
    CropDemand

    Raises
    ------
    ParameterError
        If the yield is not > 0 or a soil class is unknown.
    """
    p_class = soil_class if soil_p_class is None else soil_p_class
    notes: list[Message] = []
    if yield_kg_per_mu is None:
        yield_kg_per_mu = crop.default_yield_kg_per_mu
        notes.append(_default_yield_note(crop))
    _check_demand_inputs(yield_kg_per_mu, (soil_class, p_class))
    values: dict[str, float] = {}
    for x, soil in (("n", soil_class), ("p", p_class)):
        per_100kg = getattr(crop, f"{x}_kg_per_100kg")
        fert = params.fert_share_frac_by_class[soil]
        util = getattr(params, f"{x}_utilisation_frac")
        values |= {
            f"{x}_uptake_kg_per_100kg": per_100kg,
            f"{x}_uptake_kg_per_mu": yield_kg_per_mu / UPTAKE_BASIS_KG * per_100kg,
            f"{x}_fert_share_frac": fert,
            f"{x}_utilisation_frac": util,
            f"{x}_demand_kg_per_mu": manure_demand_kg_per_mu(
                yield_kg_per_mu, per_100kg, fert, params.manure_share_frac, util
            ),
        }
    low_n = _is_low_n(values["n_demand_kg_per_mu"], values["p_demand_kg_per_mu"], params)
    notes += _demand_notes(crop, values, low_n, params)
    sources = (
        *crop.coefficients(),
        *(
            params.coefficient(k)
            for k in (
                f"fert_share_frac.{soil_class}",
                f"fert_share_frac.{p_class}",
                "manure_share_frac",
                "n_utilisation_frac",
                "p_utilisation_frac",
                "low_n_demand_np_ratio",
            )
        ),
    )
    return CropDemand(
        crop.key,
        crop.name_en,
        crop.name_zh,
        crop.yield_basis,
        float(yield_kg_per_mu),
        soil_class,
        p_class,
        manure_share_frac=params.manure_share_frac,
        low_n_demand=low_n,
        notes=tuple(notes),
        sources=tuple(dict.fromkeys(sources)),
        **values,
    )


def _check_demand_inputs(yield_kg_per_mu: float, classes: tuple[str, str]) -> None:
    problems = Problems("crop demand", "作物需求")
    problems.require_positive("yield_kg_per_mu", yield_kg_per_mu)
    for soil_class in classes:
        if soil_class not in SOIL_CLASSES:
            problems.add(
                f"soil class {soil_class!r} is not one of {', '.join(SOIL_CLASSES)}",
                f"土壤等级 {soil_class!r} 不在 {', '.join(SOIL_CLASSES)} 之中",
            )
    problems.raise_if_any(ParameterError)


def _is_low_n(n_demand: float, p_demand: float, params: NutrientParams) -> bool:
    return p_demand > 0 and n_demand < params.low_n_demand_np_ratio * p_demand


def _crop(crop: CropCoefficient) -> Term:
    return Term(crop.name_zh, crop.name_en)


def _default_yield_note(crop: CropCoefficient) -> Message:
    return Message.of(
        "nutrients.note.default_yield",
        crop=_crop(crop),
        yield_kg_per_mu=crop.default_yield_kg_per_mu,
        status=Message.of(f"status.{crop.yield_status}"),
        source=crop.yield_source,
    )


def _demand_notes(
    crop: CropCoefficient, values: dict[str, float], low_n: bool, params: NutrientParams
) -> list[Message]:
    notes: list[Message] = []
    if low_n:
        notes.append(
            Message.of(
                "nutrients.note.low_n_demand",
                crop=_crop(crop),
                n_kg_per_100kg=crop.n_kg_per_100kg,
                n_kg_per_mu=values["n_demand_kg_per_mu"],
                p_kg_per_mu=values["p_demand_kg_per_mu"],
                supply_np_ratio=params.n_supply_kg_per_pe / params.p_supply_kg_per_pe,
            )
        )
    for x, name in (("n", "N"), ("p", "P")):
        low, high = getattr(params, f"{x}_utilisation_range_frac")
        if not low <= values[f"{x}_utilisation_frac"] <= high:
            notes.append(
                Message.of(
                    "nutrients.note.utilisation_outside_guide",
                    nutrient=name,
                    utilisation_frac=values[f"{x}_utilisation_frac"],
                    low_frac=low,
                    high_frac=high,
                )
            )
    if crop.status not in _TRUSTED_STATUSES:
        notes.append(
            Message.of(
                "nutrients.note.derived_uptake",
                crop=_crop(crop),
                status=Message.of(f"status.{crop.status}"),
                note=crop.note,
            )
        )
    return notes
