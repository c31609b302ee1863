"""``python -m siting report``: a county (or city) packet as HTML, PDF and XLSX.

Example::

    python -m siting report --region hohhot --scenario demo --county 150123 --out reports/

Writes ``report_<adcode>.html``, ``.pdf`` and ``.xlsx`` into ``--out`` (created if needed);
without ``--county`` the packet is for the whole city. The scenario is loaded exactly as
``python -m siting buildout`` loads it (``--scenario demo`` needs no scenario store).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cli.buildout import DEMO, _store_path, add_scenario_options, add_years_option, compute
from cli.render import words
from errors import ParameterError
from planning.regions import load_counties
from planning.scenarios import open_store
from planning.site_scoring import county_water_use
from planning.siting_inputs import load_siting_inputs, site_terrain
from reports import PacketInputs, write_county_packet
from siting.assess import assess_sites
from siting.score import default_weights

if TYPE_CHECKING:
    from typing import TextIO

    import geopandas as gpd

    from planning.regions import Region


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``report`` command."""
    parser = subparsers.add_parser(
        "report",
        parents=[common],
    )
    add_scenario_options(parser)
    parser.add_argument(
        "--county",
        metavar="ADCODE",
    )
    add_years_option(parser)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
    )
    parser.set_defaults(
        run=run,
        forage_supply="parcels",
        allocate=False,
        manure_share=None,
        n_utilisation=None,
        p_utilisation=None,
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Build the packet and print the paths of the files written."""
    region, name, result = compute(args)
    counties = load_counties(region)
    if args.county is not None and args.county not in set(counties["adcode"]):
        listed = ", ".join(
            f"{a} {n}" for a, n in zip(counties["adcode"], counties["name_zh"], strict=True)
        )
        county = repr(args.county)
        msg = words("report.no_county", "en", county=county, region=region.id, listed=listed)
        zh = words("report.no_county", "zh", county=county, region=region.name_zh, listed=listed)
        raise ParameterError(msg, zh=zh)
    sites, reviews = _sites_and_reviews(region, args)
    inputs = PacketInputs(
        region_id=region.id,
        region_adcode=region.adcode,
        region_name_zh=region.name_zh,
        region_name_en=region.name_en,
        analysis_crs=region.analysis_crs,
        scenario=name,
        counties=counties,
        sites=sites,
        result=result,
        report_date=date.today(),
        reviews=reviews,
        scores=site_scores(region, sites),
    )
    files = write_county_packet(inputs, args.county, args.out, lang=args.lang)
    for path in (files.html, files.pdf, files.xlsx):
        out.write(f"{path}\n")
    return 0


def site_scores(region: Region, sites: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return ``site_id``, ``passed``, ``score`` of the scenario's sites (default weights).

    The same assessment as ``python -m siting score`` with its defaults: the region's
    constraint layers, DEM slope, land and forage needs, and water headroom from the county
    water use of the region's ``[plan] water_baseline_year``.
    """
    if sites.empty:
        return pd.DataFrame({"site_id": [], "passed": [], "score": []})
    water = county_water_use(region, region.plan.water_baseline_year)
    inputs = load_siting_inputs(region, county_water=water)
    candidates = sites.assign(dairy_cow_head=sites["dairy_cow_head"].astype(float))
    assessment = assess_sites(
        candidates,
        inputs.layers,
        inputs.params,
        default_weights(inputs.params),
        needs=inputs.needs,
        terrain=site_terrain(candidates, inputs),
    )
    return pd.DataFrame(
        [
            {"site_id": r.site_id, "passed": r.passed, "score": r.score}
            for r in assessment.scores.sites
        ]
    )


def _sites_and_reviews(
    region: Region,
    args: argparse.Namespace,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame | None]:
    if args.scenario == DEMO:
        from planning.regions import load_demo_scenario

        return load_demo_scenario(region), None
    store = open_store(_store_path(args))
    scenario = store.get_scenario(args.scenario)
    return store.sites(scenario), store.reviews(scenario)
