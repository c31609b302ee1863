"""Pig equivalents (猪当量) of a herd and its manure N and P supply to land (guide §2, §4)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from problems import Problems
from siting.nutrients.explain import ExplainRow, fmt
from siting.parameters import Coefficient, ManureRoute, NutrientParams

#: Route key reported when the per-PE supply defaults (7.0 kg N, 1.2 kg P) are used.
PER_PE_SUPPLY: Final[str] = "per_pe_supply"


@dataclass(frozen=True, slots=True)
class PigEquivalents:
    """Pig equivalents of a herd, per species and in total.

    Attributes
    ----------
    head_by_species
        Head on stock (存栏) by species key.
    pe_per_head
        Factor used per species (PE per head).
    pe_by_species
        ``head × pe_per_head`` per species (PE).
    total_pe
        Sum over species (PE).
    """

    head_by_species: Mapping[str, float] = field(hash=False)
    pe_per_head: Mapping[str, float] = field(hash=False)
    pe_by_species: Mapping[str, float] = field(hash=False)
    total_pe: float
    sources: tuple[Coefficient, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the numbers as a JSON-ready dict."""
        return {
            "pig_equivalents": self.total_pe,
            "head_by_species": dict(self.head_by_species),
            "pe_per_head": dict(self.pe_per_head),
            "pe_by_species": dict(self.pe_by_species),
        }

    def explain(self) -> tuple[ExplainRow, ...]:
        """Return one row per species and one for the total."""
        by_key = {c.key: c for c in self.sources}
        rows = [
            ExplainRow(
                f"pe.{sp}",
                pe,
                "PE",
                f"{fmt(self.head_by_species[sp])} head × {fmt(self.pe_per_head[sp])} PE/head",
                (by_key[f"pe_per_head.{sp}"],),
            )
            for sp, pe in self.pe_by_species.items()
        ]
        terms = " + ".join(fmt(pe) for pe in self.pe_by_species.values()) or "0"
        rows.append(ExplainRow("pig_equivalents", self.total_pe, "PE", f"Σ species: {terms}"))
        return tuple(rows)


def pig_equivalents(herd: Mapping[str, float], params: NutrientParams) -> PigEquivalents:
    """Convert head on stock to pig equivalents with the guide's factors.

    Parameters
    ----------
    herd
        Head on stock by species key (``{"dairy_cow": 5000}``); keys must be in
        ``params.pe_per_head``.
    params
        Nutrient coefficients (``pe_per_head``: 100 pigs = 15 dairy cows = 30 beef cattle =
        250 sheep or goats = 2,500 poultry).

    Returns
    -------
    PigEquivalents

    Raises
    ------
    ParameterError
        If a species is unknown (the message lists the known ones) or a head count is
        negative or not finite; all problems at once.
    """
    _check_herd(herd, params)
    head = {sp: float(n) for sp, n in herd.items()}
    factors = {sp: params.pe_per_head[sp] for sp in head}
    pe = {sp: head[sp] * factors[sp] for sp in head}
    sources = tuple(params.coefficient(f"pe_per_head.{sp}") for sp in head)
    return PigEquivalents(head, factors, pe, math.fsum(pe.values()), sources)


def _check_herd(herd: Mapping[str, float], params: NutrientParams) -> None:
    problems = Problems("herd", "畜群")
    known = ", ".join(params.pe_per_head)
    for species, head in herd.items():
        if species not in params.pe_per_head:
            problems.add(
                f"unknown species {species!r}; known species: {known}",
                f"未知畜种 {species!r}；可选：{known}",
            )
        try:
            value = float(head)
        except (TypeError, ValueError):
            value = math.nan
        if not (math.isfinite(value) and value >= 0):
            problems.add(
                f"head count of {species!r} is {head!r}; it must be a number >= 0",
                f"{species!r} 的存栏数为 {head!r}；须为不小于 0 的数",
            )
    problems.raise_if_any()


@dataclass(frozen=True, slots=True)
class ManureSupply:
    """Manure N and P of a farm from excretion to what is applied on its own land (kg/yr).

    Attributes
    ----------
    pig_equivalents
        The herd in PE.
    route_key
        Manure route used, or ``"per_pe_supply"`` for the guide's per-PE default.
    n_excreted_kg_per_yr, p_excreted_kg_per_yr
        ``PE × excretion per PE`` (11 kg N, 1.65 kg P).
    n_retention_frac, p_retention_frac
        Share of excreted N and P left after collection, treatment and storage.
    n_retained_kg_per_yr, p_retained_kg_per_yr
        Manure nutrients after losses (default ``PE × 7.0 kg N``, ``PE × 1.2 kg P``).
    sold_frac
        Share of the manure sold or moved off the farm (0-1).
    n_sold_kg_per_yr, p_sold_kg_per_yr
        ``retained × sold_frac``.
    n_supply_kg_per_yr, p_supply_kg_per_yr
        ``retained − sold``: what the farm's own land must absorb.
    """

    pig_equivalents: PigEquivalents
    route_key: str
    n_excreted_kg_per_yr: float
    p_excreted_kg_per_yr: float
    n_retention_frac: float
    p_retention_frac: float
    n_retained_kg_per_yr: float
    p_retained_kg_per_yr: float
    sold_frac: float
    n_sold_kg_per_yr: float
    p_sold_kg_per_yr: float
    n_supply_kg_per_yr: float
    p_supply_kg_per_yr: float
    sources: tuple[Coefficient, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the numbers as a JSON-ready dict (the herd's PE included)."""
        names = (
            "route_key",
            "n_excreted_kg_per_yr",
            "p_excreted_kg_per_yr",
            "n_retention_frac",
            "p_retention_frac",
            "n_retained_kg_per_yr",
            "p_retained_kg_per_yr",
            "sold_frac",
            "n_sold_kg_per_yr",
            "p_sold_kg_per_yr",
            "n_supply_kg_per_yr",
            "p_supply_kg_per_yr",
        )
        return {**self.pig_equivalents.to_dict(), **{n: getattr(self, n) for n in names}}

    def explain(self) -> tuple[ExplainRow, ...]:
        """Return the rows from excretion to supply, N then P."""
        by_key = {c.key: c for c in self.sources}
        pe = fmt(self.pig_equivalents.total_pe)
        rows = list(self.pig_equivalents.explain())
        for x, name in (("n", "N"), ("p", "P")):
            excreted = getattr(self, f"{x}_excreted_kg_per_yr")
            retained = getattr(self, f"{x}_retained_kg_per_yr")
            sold = getattr(self, f"{x}_sold_kg_per_yr")
            retention = getattr(self, f"{x}_retention_frac")
            retention_sources = tuple(
                c
                for k, c in by_key.items()
                if k.endswith(f"{x}_retention_frac") or k.startswith(f"{x}_supply")
            )
            per_pe = by_key[f"{x}_excreted_kg_per_pe"]
            rows += [
                ExplainRow(
                    f"{x}_excreted_kg_per_yr",
                    excreted,
                    f"kg {name}/yr",
                    f"{pe} PE × {fmt(per_pe.value)} kg {name}/PE",
                    (per_pe,),
                ),
                ExplainRow(
                    f"{x}_retained_kg_per_yr",
                    retained,
                    f"kg {name}/yr",
                    f"{fmt(excreted)} × retention {fmt(retention)} (route {self.route_key})",
                    retention_sources,
                ),
                ExplainRow(
                    f"{x}_sold_kg_per_yr",
                    sold,
                    f"kg {name}/yr",
                    f"{fmt(retained)} × sold share {fmt(self.sold_frac)}",
                ),
                ExplainRow(
                    f"{x}_supply_kg_per_yr",
                    retained - sold,
                    f"kg {name}/yr",
                    f"{fmt(retained)} − {fmt(sold)}",
                ),
            ]
        return tuple(rows)


def manure_supply(
    herd: Mapping[str, float],
    params: NutrientParams,
    *,
    route: ManureRoute | None = None,
    sold_frac: float = 0.0,
) -> ManureSupply:
    """Return a farm's manure N and P supply after losses and off-farm sales (kg/yr).

    Parameters
    ----------
    herd
        Head on stock by species key.
    params
        Nutrient coefficients.
    route
        Manure route (collection × treatment retention). None uses the guide's national
        default supply per PE (7.0 kg N, 1.2 kg P after losses).
    sold_frac
        Share (0-1) of the manure after losses sold or moved off the farm.

    Returns
    -------
    ManureSupply

    Raises
    ------
    ParameterError
        For an unknown species, a negative head count or ``sold_frac`` outside [0, 1].

    Notes
    -----
    ``excreted = PE × 11 kg N (1.65 kg P)``; ``retained = PE × 7.0 kg N (1.2 kg P)`` or
    ``excreted × route retention``; ``supply = retained × (1 − sold_frac)``.
    """
    problems = Problems("manure supply", "粪污养分供给")
    problems.require_fraction("sold_frac", sold_frac, allow_zero=True)
    problems.raise_if_any()
    pe = pig_equivalents(herd, params)
    sources = [params.coefficient(k) for k in ("n_excreted_kg_per_pe", "p_excreted_kg_per_pe")]
    values: dict[str, float] = {}
    for x in ("n", "p"):
        excreted = pe.total_pe * getattr(params, f"{x}_excreted_kg_per_pe")
        if route is None:
            retained = pe.total_pe * getattr(params, f"{x}_supply_kg_per_pe")
            retention = getattr(params, f"{x}_supply_kg_per_pe") / getattr(
                params, f"{x}_excreted_kg_per_pe"
            )
            sources.append(params.coefficient(f"{x}_supply_kg_per_pe"))
        else:
            retention = getattr(route, f"{x}_retention_frac")
            retained = excreted * retention
        sold = retained * sold_frac
        values |= {
            f"{x}_excreted_kg_per_yr": excreted,
            f"{x}_retention_frac": retention,
            f"{x}_retained_kg_per_yr": retained,
            f"{x}_sold_kg_per_yr": sold,
            f"{x}_supply_kg_per_yr": retained - sold,
        }
    if route is not None:
        sources += route.coefficients()
    route_key = PER_PE_SUPPLY if route is None else route.key
    return ManureSupply(pe, route_key, sold_frac=sold_frac, sources=tuple(sources), **values)
