"""Propose the plan's remaining ranches: surface -> located candidates -> optimiser.

The chain the Plan page's buttons and ``python -m siting optimise`` without ``--candidates``
run: the ranch footprint and herd (`ranch_footprint`: the region's default footprint, the
herd of optimiser.csv), its surface (`planning.surface_cache.cached_surface`), the best
located candidates on it (`located_candidates`, kept beside the surface), and the counts
still to site per county (`remaining_counts`: the plan's ranch targets less the proposed
sites a scenario already holds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import geopandas as gpd

from layers.optimiser_params import ProposalParams, load_proposal_params
from layers.targets import load_ranch_targets
from planning.buildout_inputs import scenario_farms_table
from planning.locate import propose_candidates, write_candidates
from planning.regions import load_counties
from planning.surface import default_footprint_mu
from siting.surface import SurfaceFootprint

if TYPE_CHECKING:
    from pathlib import Path

    from layers.region import Region

__all__ = [
    "PROPOSED_STATUS",
    "ProposalParams",
    "held_sites",
    "load_proposal_params",
    "located_candidates",
    "ranch_footprint",
    "remaining_counts",
]

PROPOSED_STATUS: Final[str] = "proposed"


def ranch_footprint(
    region: Region, params: ProposalParams, *, area_mu: float | None = None
) -> SurfaceFootprint:
    """Return the square footprint of a proposed ranch and its herd.

    ``area_mu`` None: the region's ``default_footprint_mu`` (planner.csv).
    """
    return SurfaceFootprint.from_area_mu(
        area_mu or default_footprint_mu(region), params.ranch_dairy_cow_head
    )


def located_candidates(
    region: Region,
    surface_path: Path,
    *,
    count: int,
    min_distance_km: float,
    lang: str = "zh",
    adcodes: tuple[str, ...] = (),
) -> Path:
    """Return a GeoPackage of the best footprints on the surface (computed once).

    ``adcodes`` empty: the best ``count`` over the region; else the best ``count`` divided
    among the counties (rounded up) inside each of them, so every county asked for has its
    own candidates. Kept beside the surface
    (``<surface>_candidates_<count>_<km>km[_<adcodes>]_<lang>.gpkg``, layer ``candidates``,
    `planning.locate.propose_candidates`); a later call with the same arguments reads
    nothing but the file name.
    """
    per_county = -(-count // len(adcodes)) if adcodes else count
    counties = "_" + "-".join(adcodes) if adcodes else ""
    path = surface_path.with_name(
        f"{surface_path.stem}_candidates_{count}_{min_distance_km:g}km{counties}_{lang}.gpkg"
    )
    if not path.exists():
        candidates = propose_candidates(
            region,
            surface_path,
            count=per_county,
            min_distance_km=min_distance_km,
            lang=lang,
            adcodes=adcodes or None,
        )
        staging = path.with_name(f".{path.name}")
        write_candidates(candidates, staging)
        staging.replace(path)
    return path


def held_sites(sites: gpd.GeoDataFrame, *, keep_proposed: bool) -> gpd.GeoDataFrame:
    """Return the scenario's sites that keep their land, water and forage while proposing.

    ``keep_proposed`` False leaves the scenario's proposed sites out: they are the ranches
    being sited again (the command line's reading of ``--scenario``); True keeps every site
    (the Plan page adds to what the planner already has).
    """
    if keep_proposed:
        return sites
    return sites[sites["status"].astype(str) != PROPOSED_STATUS].reset_index(drop=True)


def remaining_counts(region: Region, sites: gpd.GeoDataFrame | None) -> tuple[tuple[str, int], ...]:
    """Return (adcode, ranches still to site) per county with at least one.

    The plan's ``ranches_new_to_site`` (ranch_targets.csv) less the ``proposed`` sites of
    ``sites`` (a scenario, EPSG:4326) lying in the county.
    """
    targets = load_ranch_targets(region)
    wanted = dict(
        zip(
            targets["adcode"].astype(str),
            targets["ranches_new_to_site"].astype(int),
            strict=True,
        )
    )
    if sites is not None and not sites.empty:
        farms = scenario_farms_table(sites, load_counties(region))
        proposed = farms[farms["status"].astype(str) == PROPOSED_STATUS]
        for adcode, n in proposed["adcode"].astype(str).value_counts().items():
            if adcode in wanted:
                wanted[adcode] -= int(n)
    return tuple((adcode, n) for adcode, n in wanted.items() if n > 0)
