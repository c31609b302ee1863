"""Manure-handling routes: N and P retained from excretion to land (collection x treatment).

The guide's own route table (附表) was not available; only its overall default (7.0/11 N,
1.2/1.65 P) is recalled. Stage rows from papers are illustrative (``manure_routes.csv``).
A route is either one ``overall`` stage (``"guide_default"``) or a collection stage and a
treatment stage joined by ``+`` (``"dry_scrape+composting"``); its retention is the product.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from math import prod
from typing import Final

from errors import ParameterError
from problems import Problems
from siting.parameters.coefficient import Coefficient, check_status

STAGES: Final[tuple[str, ...]] = ("overall", "collection", "treatment")
ROUTE_JOINER: Final[str] = "+"


@dataclass(frozen=True, slots=True)
class ManureRouteStage:
    """Fraction of N and P kept through one handling stage (or the whole route).

    Parameters
    ----------
    key
        Stage identifier, e.g. ``"dry_scrape"``.
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
            problems.add(f"stage {self.stage!r} is not one of {', '.join(STAGES)}",
                         f"环节类型 {self.stage!r} 不在 {', '.join(STAGES)} 之中")
        if ROUTE_JOINER in self.key:
            problems.add(f"key must not contain {ROUTE_JOINER!r}",
                         f"标识不能包含 {ROUTE_JOINER!r}")
        problems.require_fraction("n_retention_frac", self.n_retention_frac)
        problems.require_fraction("p_retention_frac", self.p_retention_frac)
        check_status(problems, self.key, self.status)
        problems.raise_if_any()

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the N and P retention records of this stage."""
        return tuple(
            Coefficient(f"route.{self.key}.{nutrient}_retention_frac",
                        getattr(self, f"{nutrient}_retention_frac"), "fraction",
                        self.status, self.source, self.note)
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
            msg = (f"Manure route {self.key!r} has stages {kinds}; give one 'overall' stage "
                   "or a 'collection' stage followed by a 'treatment' stage.")
            zh = (f"粪污处理路线 {self.key!r} 的环节为 {kinds}；"
                  "须为一个 overall 环节，或 collection 环节加 treatment 环节。")
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
        for key, stage in self.stages.items():
            if key != stage.key:
                problems.add(f"entry {key!r} holds stage {stage.key!r}",
                             f"条目 {key!r} 对应环节 {stage.key!r}")
        problems.raise_if_any()

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the retention records of every stage."""
        return tuple(c for stage in self.stages.values() for c in stage.coefficients())

    def route_keys(self) -> tuple[str, ...]:
        """Return every valid route key: overall stages, then collection+treatment pairs."""
        by_kind = {kind: [k for k, s in self.stages.items() if s.stage == kind] for kind in STAGES}
        pairs = [f"{c}{ROUTE_JOINER}{t}" for c in by_kind["collection"]
                 for t in by_kind["treatment"]]
        return (*by_kind["overall"], *pairs)

    def route(self, key: str) -> ManureRoute:
        """Return the route ``key`` (``"guide_default"`` or ``"dry_scrape+composting"``).

        Raises
        ------
        ParameterError
            If a stage is unknown or the stages do not form a route; lists the valid keys.
        """
        parts = key.split(ROUTE_JOINER)
        unknown = [part for part in parts if part not in self.stages]
        if unknown:
            known = ", ".join(self.route_keys())
            msg = f"Unknown manure route {key!r} (unknown stage {unknown[0]!r}). Known: {known}."
            zh = f"未知粪污处理路线 {key!r}（未知环节 {unknown[0]!r}）。可选：{known}。"
            raise ParameterError(msg, zh=zh)
        return ManureRoute(key, tuple(self.stages[part] for part in parts))
