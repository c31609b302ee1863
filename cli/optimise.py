"""``python -m siting optimise``: choose the remaining ranches among candidate sites.

Example::

    python -m siting optimise --region hohhot --candidates candidates.gpkg \\
        --counties 150121:2,150123:3,150122:4,150124:1 --out chosen.gpkg --json
    python -m siting optimise --region hohhot --scenario demo \\
        --counties 150121:2,150123:3,150122:4,150124:1

Without ``--candidates`` the candidates are the best ``candidate_count`` footprints, at least
``candidate_min_distance_km`` apart, of the region's ranch surface (optimiser.csv; herd
``ranch_dairy_cow_head`` on the default footprint), computed once and kept in the cache folder
(``$FORAGE_SITING_CACHE``, else the user's cache). ``--scenario`` keeps that scenario's
existing and under-construction farms on their land, water and forage (its proposed sites are
the ranches being sited again). ``--out`` writes the chosen sites (GeoPackage layer ``chosen``,
EPSG:4326, opens in QGIS).

Maximises total score minus haul penalty over candidates that pass every hard gate, within
the shared absorption-land ledger, each county's water headroom and forage land
(`planning.optimise`, `siting.optimise`). Prints the chosen sites, every county limit with
its slack (binding ones marked), the parcels' used share and, per county, whether one more
ranch fits and what it lacks. No feasible set is an outcome (exit 0, ``feasible: false``).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import locales
from cli.buildout import DEMO, scenario_farms
from cli.input_errors import report_bad_input
from cli.options import positive, region_argument
from cli.render import argument_message
from cli.surface import stderr_progress
from errors import InputDataError
from planning.optimise import propose_remaining, siting_problem, write_chosen
from planning.proposal import (
    held_sites,
    load_proposal_params,
    located_candidates,
    ranch_footprint,
)
from planning.regions import demo_scenario_sites, load_demo_scenario, load_region
from planning.surface import SurfaceOptions
from planning.surface_cache import CACHE_DIR_ENV, cached_surface, default_cache_root
from siting.optimise import SiteCounts

if TYPE_CHECKING:
    from typing import TextIO

    import geopandas as gpd

    from planning.regions import Region
    from siting.optimise import SitingChoice


def county_counts(text: str) -> tuple[tuple[str, int], ...]:
    """Parse ``ADCODE:N,ADCODE:N`` (argparse type), e.g. ``150121:2,150123:3``."""
    out = []
    for item in text.split(","):
        code, sep, number = item.strip().partition(":")
        if not sep or not code.strip().isdigit() or not number.strip().isdigit():
            msg = argument_message("arg.not_county_count", item=repr(item), example="150121:2")
            raise argparse.ArgumentTypeError(msg)
        out.append((code.strip(), int(number)))
    return tuple(out)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``optimise`` command."""
    parser = subparsers.add_parser(
        "optimise",
        parents=[common],
    )
    parser.add_argument("--region", type=region_argument, default="hohhot")
    parser.add_argument(
        "--candidates",
        type=Path,
        metavar="FILE",
    )
    parser.add_argument(
        "--cell-m",
        type=positive,
        default=SurfaceOptions().cell_m,
        metavar="M",
    )
    parser.add_argument(
        "--scenario",
        default=None,
    )
    parser.add_argument("--store", type=Path, metavar="PATH")
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--counties", type=county_counts, metavar="ADCODE:N,...")
    how.add_argument("--total", type=int, metavar="K")
    parser.add_argument(
        "--year",
        type=int,
        default=None,
    )
    parser.add_argument(
        "--no-one-more",
        action="store_true",
    )
    parser.add_argument("--out", type=Path, default=None, metavar="FILE")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def choice_dict(choice: SitingChoice, chosen: gpd.GeoDataFrame) -> dict[str, object]:
    """Return the choice as a JSON-ready dict."""
    used = choice.parcel_used_frac
    return {
        "feasible": choice.feasible,
        "message": choice.message,
        "objective_points": choice.objective_points,
        "total_score": choice.total_score,
        "haul_penalty_points": choice.haul_penalty_points,
        "mip_gap": choice.mip_gap,
        "solve_s": choice.solve_s,
        "chosen": [
            {"site_id": r["site_id"], "name": r["name"], "county": r["adcode"], "score": r["score"]}
            for r in chosen.to_dict("records")
        ],
        "county_limits": [vars(limit) for limit in choice.county_limits],
        "parcels": {
            "used_any": int((used > 0).sum()),
            "full": choice.n_parcels_full,
            "max_used_frac": float(used.max()) if len(used) else 0.0,
        },
        "one_more": list(choice.one_more),
        "shortfalls": list(choice.shortfalls),
    }


def _text(data: dict[str, object], lang: str) -> str:
    lines = [
        locales.text(
            "optimise.header",
            lang,
            feasible=data["feasible"],
            objective=f"{data['objective_points']:.2f}",
            seconds=f"{data['solve_s']:.1f}",
        )
    ]
    chosen = cast("list[dict[str, Any]]", data["chosen"])  # built by _json above
    lines += [f"  {c['site_id']}  {c['county']}  {c['score']:.1f}  {c['name']}" for c in chosen]
    for limit in cast("list[dict[str, Any]]", data["county_limits"]):
        lines.append(
            locales.text(
                "optimise.limit",
                lang,
                county=limit["adcode"],
                kind=limit["kind"],
                used=f"{limit['used']:,.0f}",
                limit=f"{limit['limit']:,.0f}",
                slack=f"{limit['slack']:,.0f}",
                binding="*" if limit["binding"] else "",
            )
        )
    for entry in cast("list[dict[str, Any]]", data["one_more"]):
        lines.append(
            locales.text(
                "optimise.one_more",
                lang,
                county=entry["adcode"],
                fits=entry["fits"],
                blocked=",".join(entry.get("blocked_by", [])) or "-",
            )
        )
    for entry in cast("list[dict[str, Any]]", data["shortfalls"]):
        lines.append(
            locales.text(
                "optimise.shortfall",
                lang,
                county=entry["adcode"],
                wanted=entry["wanted"],
                candidates=entry["candidates"],
                water=entry["most_by_water"],
                forage=entry["most_by_forage"],
            )
        )
    return "\n".join(lines)


def _scenario_sites(region: Region, args: argparse.Namespace) -> gpd.GeoDataFrame:
    """Return the scenario's sites in the scenario store's columns (the demo's with its ids)."""
    if args.scenario == DEMO:
        ids = load_demo_scenario(region)["site_id"].astype(str).to_numpy()
        return demo_scenario_sites(region).assign(site_id=ids)
    return scenario_farms(region, args)[0]


def _located(region: Region, args: argparse.Namespace, counts: SiteCounts) -> Path:
    """Locate candidates on the region's cached ranch surface (computed on first use).

    With counts per county, the candidates are shared out among those counties.
    """
    params = load_proposal_params(region.dir)
    cache_root = Path(os.environ.get(CACHE_DIR_ENV, "") or default_cache_root())
    surface = cached_surface(
        region,
        ranch_footprint(region, params),
        SurfaceOptions(cell_m=args.cell_m),
        cache_root,
        progress=stderr_progress(args.lang),
    )
    return located_candidates(
        region,
        surface,
        count=params.candidate_count,
        min_distance_km=params.candidate_min_distance_km,
        lang=args.lang,
        adcodes=tuple(code for code, _ in counts.by_county),
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run the command; a bad input file exits 2 with one line on stderr."""
    try:
        return _run(args, out)
    except InputDataError as err:
        return report_bad_input("optimise", err, args.lang)


def _run(args: argparse.Namespace, out: TextIO) -> int:
    """Choose the sites, write them and print the answer."""
    counts = (
        SiteCounts(total=args.total)
        if args.total is not None
        else SiteCounts(by_county=args.counties)
    )
    region = load_region(args.region)
    start = time.perf_counter()
    held = None
    if args.scenario is not None:
        held = held_sites(_scenario_sites(region, args), keep_proposed=False)
    candidates = args.candidates or _located(region, args, counts)
    inputs = siting_problem(region, candidates, year=args.year, lang=args.lang, held_sites=held)
    choice, chosen = propose_remaining(inputs, counts, one_more=not args.no_one_more)
    if len(chosen) and args.out is not None:
        write_chosen(chosen, args.out)
    data = choice_dict(choice, chosen)
    data["left_out_failing_gates"] = list(inputs.failed)
    data["candidates_file"] = str(candidates)
    data["held_sites"] = 0 if held is None else len(held)
    data["total_s"] = time.perf_counter() - start
    if args.json:
        out.write(json.dumps(data, ensure_ascii=False, indent=2, default=float) + "\n")
    else:
        out.write(_text(data, args.lang) + "\n")
    return 0
