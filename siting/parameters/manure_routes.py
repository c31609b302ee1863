"""Manure-handling routes by species: N and P retained from excretion to land.

The guide's own route table (附表) was not available. Its national default supply per pig
equivalent (``n_supply_kg_per_pe``, ``p_supply_kg_per_pe`` of `NutrientParams`) is THE default
route (`GUIDE_DEFAULT`) of every species, for a farm and for a county alike; it is not a row
of ``manure_routes.csv``. The table holds the alternatives that a citation supports, each for
one species (``species``) or for every species (``all``). A route is one ``overall`` stage
(``"separation_compost_lagoon"``) or a collection stage and a treatment stage joined by ``+``;
its retention is the product. Where nothing citable exists, a user enters a measured
retention (`measured_route`, status ``user``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import prod
from typing import Final

from errors import ParameterError
from problems import Problems
from siting.parameters.coefficient import USER_STATUS, Coefficient, check_status

STAGES: Final[tuple[str, ...]] = ("overall", "collection", "treatment")
ROUTE_JOINER: Final[str] = "+"
#: Route key of the guide's per-PE default supply (not a table row; see the module docstring).
GUIDE_DEFAULT: Final[str] = "guide_default"
#: ``species`` value of a stage that applies to every species.
ALL_SPECIES: Final[str] = "all"
#: Route key of a retention the user measured (`measured_route`).
MEASURED: Final[str] = "measured"


@dataclass(frozen=True, slots=True)
class ManureRouteStage:
    """Fraction of N and P kept through one handling stage (or the whole route).

    Parameters
    ----------
    key
        Stage identifier, e.g. ``"separation_compost_lagoon"``.
    species
        Species key the measurement is for (``dairy_cow`` ...), or ``all``.
    stage
        ``overall``, ``collection`` or ``treatment``.
    name_zh, name_en
        Display names.
    n_retention_frac, p_retention_frac
        Share of the N and P entering the stage that leaves it, in (0, 1].
    status, source, note
        Provenance of the two fractions.
    """

    key: str
    species: str
    stage: str
    name_zh: str
    name_en: str
    n_retention_frac: float
    p_retention_frac: float
    status: str
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        problems = Problems(f"manure route stage {self.key!r}", f"粪污处理环节 {self.key!r}")
        if self.stage not in STAGES:
            problems.add(
                f"stage {self.stage!r} is not one of {', '.join(STAGES)}",
                f"环节类型 {self.stage!r} 不在 {', '.join(STAGES)} 之中",
            )
        if ROUTE_JOINER in self.key or self.key == GUIDE_DEFAULT:
            problems.add(
                f"key must not contain {ROUTE_JOINER!r} nor be {GUIDE_DEFAULT!r}",
                f"标识不能包含 {ROUTE_JOINER!r}，也不能为 {GUIDE_DEFAULT!r}",
            )
        if not self.species:
            problems.add(
                "species is empty; give a species key or 'all'", "畜种为空；请填写畜种键或 all"
            )
        problems.require_fraction("n_retention_frac", self.n_retention_frac)
        problems.require_fraction("p_retention_frac", self.p_retention_frac)
        check_status(problems, self.key, self.status)
        problems.raise_if_any()

    def applies_to(self, species: str) -> bool:
        """Return whether the stage was measured for ``species`` (or for every species)."""
        return self.species in (ALL_SPECIES, species)

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the N and P retention records of this stage."""
        return tuple(
            Coefficient(
                f"route.{self.key}.{nutrient}_retention_frac",
                getattr(self, f"{nutrient}_retention_frac"),
                "fraction",
                self.status,
                self.source,
                self.note,
            )
            for nutrient in ("n", "p")
        )


@dataclass(frozen=True, slots=True)
class ManureRoute:
    """One overall stage, or a collection stage followed by a treatment stage."""

    key: str
    stages: tuple[ManureRouteStage, ...]

    def __post_init__(self) -> None:
        kinds = tuple(stage.stage for stage in self.stages)
        if kinds not in (("overall",), ("collection", "treatment")):
            msg = (
                f"Manure route {self.key!r} has stages {kinds}; give one 'overall' stage "
                "or a 'collection' stage followed by a 'treatment' stage."
            )
            zh = (
                f"粪污处理路线 {self.key!r} 的环节为 {kinds}；"
                "须为一个 overall 环节，或 collection 环节加 treatment 环节。"
            )
            raise ParameterError(msg, zh=zh)

    @property
    def n_retention_frac(self) -> float:
        """Share of excreted N reaching land: product of the stages' fractions."""
        return prod(stage.n_retention_frac for stage in self.stages)

    @property
    def p_retention_frac(self) -> float:
        """Share of excreted P reaching land: product of the stages' fractions."""
        return prod(stage.p_retention_frac for stage in self.stages)

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the retention records of every stage of the route."""
        return tuple(c for stage in self.stages for c in stage.coefficients())


@dataclass(frozen=True, slots=True)
class ManureRouteTable:
    """All route stages by key; `route` builds a `ManureRoute` from a route key."""

    stages: Mapping[str, ManureRouteStage] = field(hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stages", dict(self.stages))
        problems = Problems("manure route table", "粪污处理路线表")
        if MEASURED in self.stages:
            problems.add(
                f"{MEASURED!r} is reserved for a retention the user measured",
                f"{MEASURED!r} 保留给用户实测的留存率",
            )
        for key, stage in self.stages.items():
            if key != stage.key:
                problems.add(
                    f"entry {key!r} holds stage {stage.key!r}",
                    f"条目 {key!r} 对应环节 {stage.key!r}",
                )
        problems.raise_if_any()

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the retention records of every stage."""
        return tuple(c for stage in self.stages.values() for c in stage.coefficients())

    def route_keys(self, species: Iterable[str] = ()) -> tuple[str, ...]:
        """Return the route keys valid for every one of ``species`` (all keys if empty).

        Overall stages first, then collection+treatment pairs; `GUIDE_DEFAULT` is not listed.
        """
        wanted = tuple(species)
        by_kind = {
            kind: [
                k
                for k, s in self.stages.items()
                if s.stage == kind and all(s.applies_to(sp) for sp in wanted)
            ]
            for kind in STAGES
        }
        pairs = [
            f"{c}{ROUTE_JOINER}{t}" for c in by_kind["collection"] for t in by_kind["treatment"]
        ]
        return (*by_kind["overall"], *pairs)

    def route(self, key: str, species: Iterable[str] = ()) -> ManureRoute:
        """Return the route ``key`` for a herd of ``species`` (``"separation_compost_lagoon"``).

        Raises
        ------
        ParameterError
            If a stage is unknown, the stages do not form a route or a stage was not measured
            for one of ``species``; lists the valid keys.
        """
        wanted = tuple(species)
        parts = key.split(ROUTE_JOINER)
        unknown = [part for part in parts if part not in self.stages]
        if unknown:
            known = ", ".join(self.route_keys())
            msg = f"Unknown manure route {key!r} (unknown stage {unknown[0]!r}). Known: {known}."
            zh = f"未知粪污处理路线 {key!r}（未知环节 {unknown[0]!r}）。可选：{known}。"
            raise ParameterError(msg, zh=zh)
        stages = tuple(self.stages[part] for part in parts)
        foreign = sorted({sp for sp in wanted for s in stages if not s.applies_to(sp)})
        if foreign:
            valid = ", ".join((GUIDE_DEFAULT, *self.route_keys(wanted)))
            msg = (
                f"Manure route {key!r} was not measured for {', '.join(foreign)}; valid "
                f"routes for this herd: {valid}, or enter a measured retention."
            )
            zh = (
                f"粪污处理路线 {key!r} 不适用于 {', '.join(foreign)}；本畜群可选：{valid}，"
                "或填写实测留存率。"
            )
            raise ParameterError(msg, zh=zh)
        return ManureRoute(key, stages)


def measured_route(n_retention_frac: float, p_retention_frac: float) -> ManureRoute:
    """Return the route of a retention the user measured on the farm (status ``user``).

    Raises
    ------
    ParameterError
        If a fraction is not in (0, 1].
    """
    stage = ManureRouteStage(
        MEASURED,
        ALL_SPECIES,
        "overall",
        "实测留存率",
        "measured retention",
        n_retention_frac,
        p_retention_frac,
        USER_STATUS,
        "user measurement",
        "N and P reaching land ÷ excreted, as measured on the farm",
    )
    return ManureRoute(MEASURED, (stage,))
