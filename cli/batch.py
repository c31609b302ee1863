"""``python -m siting batch score|capacity|surface``: the same checks chunked on a Dask cluster.

Examples::

    python -m siting batch score SITES --region hohhot --out scores.csv
    python -m siting batch capacity --region hohhot --json --scheduler tcp://host:8786
    python -m siting batch surface --region hohhot --dairy-cow-head 5000 --out surface.tif

Without ``--scheduler`` a LocalCluster of ``--workers`` processes (default 2) with
``--memory-limit`` each (default 2GB) is started and shut down again. With it, the command
connects to a running ``dask-scheduler``; its workers must import this project and read the
region folder at the same path (README, "Batch runs on a cluster"). Results equal the
in-memory commands (``score``: gates, score, rank and needs per site, no rank ranges;
``capacity``: the same table; ``surface``: the same COG).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from distributed import progress as distributed_progress

from cli.capacity import write_balance
from cli.input_errors import report_bad_input
from cli.options import (
    add_nutrient_options,
    apply_nutrient_overrides,
    first_region,
    positive,
    region_argument,
)
from cli.render import words
from cli.surface import stderr_progress
from errors import InputDataError
from planning.regions import (
    load_crop_table,
    load_nutrient_params,
    load_region,
    load_warning_grades,
    region_outline,
)
from planning.scaleout.capacity import DEFAULT_PARTITION_PARCELS, county_balance_on_cluster
from planning.scaleout.cluster import DEFAULT_MEMORY_LIMIT, DEFAULT_WORKERS, cluster_client
from planning.scaleout.sites import DEFAULT_PARTITION_SITES, score_on_cluster
from planning.scaleout.surface import write_surface_on_cluster
from planning.site_scoring import ScoreOptions, read_sites
from planning.surface import SurfaceOptions, default_footprint_mu, surface_context
from siting.surface import SurfaceFootprint

if TYPE_CHECKING:
    from typing import TextIO

    import pandas as pd
    from distributed import Future


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``batch`` command and its ``score``, ``capacity`` and ``surface`` actions."""
    parser = subparsers.add_parser(
        "batch",
        parents=[common],
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    cluster = argparse.ArgumentParser(add_help=False)
    cluster.add_argument(
        "--region",
        type=region_argument,
        default=first_region(),
    )
    cluster.add_argument("--scheduler", metavar="URL")
    cluster.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        metavar="N",
    )
    cluster.add_argument(
        "--memory-limit",
        default=DEFAULT_MEMORY_LIMIT,
        metavar="SIZE",
    )
    parents = [common, cluster]
    _register_score(actions, parents)
    _register_capacity(actions, parents)
    _register_surface(actions, parents)


def _register_score(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    parser = actions.add_parser("score", parents=parents)
    parser.add_argument("sites", type=Path, metavar="SITES")
    parser.add_argument("--dairy-cow-head", type=positive, metavar="N")
    parser.add_argument(
        "--partition-sites",
        type=int,
        default=DEFAULT_PARTITION_SITES,
        metavar="N",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="CSV")
    parser.set_defaults(run=run_score)


def _register_capacity(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    parser = actions.add_parser("capacity", parents=parents)
    add_nutrient_options(parser)
    parser.add_argument(
        "--partition-parcels",
        type=int,
        default=DEFAULT_PARTITION_PARCELS,
        metavar="N",
    )
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run_capacity)


def _register_surface(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    parser = actions.add_parser("surface", parents=parents)
    parser.add_argument("--dairy-cow-head", type=positive, required=True, metavar="HEAD")
    parser.add_argument("--footprint-mu", type=positive, metavar="MU")
    parser.add_argument("--cell-m", type=positive, default=30.0, metavar="M")
    parser.add_argument("--rows-per-window", type=int, default=256, metavar="ROWS")
    parser.add_argument("--no-water", action="store_true")
    parser.add_argument("--out", type=Path, required=True, metavar="TIF")
    parser.set_defaults(run=run_surface)


def _progress_bar(futures: list[Future[pd.DataFrame]]) -> None:
    """Show dask.distributed's text progress bar on stderr until the futures finish."""
    with contextlib.redirect_stdout(sys.stderr):
        distributed_progress(futures, notebook=False)
    sys.stderr.write("\n")


def run_score(args: argparse.Namespace, out: TextIO) -> int:
    """Score the sites file on the cluster, write the CSV table and print one line."""
    region = load_region(args.region)
    try:
        site_input = read_sites(
            args.sites,
            herd=args.dairy_cow_head,
            region_outline=region_outline(region),
            lang=args.lang,
        )
    except InputDataError as err:
        return report_bad_input("batch score", err, args.lang)
    start = time.perf_counter()
    with cluster_client(
        args.scheduler, n_workers=args.workers, memory_limit=args.memory_limit
    ) as client:
        scores = score_on_cluster(
            site_input.sites,
            region,
            ScoreOptions(),
            client,
            partition_sites=args.partition_sites,
            on_submitted=_progress_bar,
        )
    scores.to_csv(args.out, index=False)
    passing = int(scores["passed"].sum())
    out.write(
        words(
            "batch.score_done",
            args.lang,
            path=str(args.out),
            sites=f"{len(scores):,}",
            passing=f"{passing:,}",
            seconds=f"{time.perf_counter() - start:.1f}",
        )
        + "\n"
    )
    return 0


def run_capacity(args: argparse.Namespace, out: TextIO) -> int:
    """Compute the county balance with the parcels in partitions; print as ``capacity``."""
    region = load_region(args.region)
    params = apply_nutrient_overrides(load_nutrient_params(region.dir), args)
    with cluster_client(
        args.scheduler, n_workers=args.workers, memory_limit=args.memory_limit
    ) as client:
        balance = county_balance_on_cluster(
            region, params, client, partition_rows=args.partition_parcels
        )
    used = [
        *params.coefficients(),
        *load_crop_table(region.dir).coefficients(),
        *load_warning_grades(region.dir).coefficients(),
    ]
    return write_balance(region, balance, used, args, out)


def run_surface(args: argparse.Namespace, out: TextIO) -> int:
    """Compute the surface window by window on the cluster and write the COG."""
    region = load_region(args.region)
    area_mu = args.footprint_mu or default_footprint_mu(region)
    footprint = SurfaceFootprint.from_area_mu(area_mu, args.dairy_cow_head)
    options = SurfaceOptions(
        cell_m=args.cell_m, rows_per_window=args.rows_per_window, with_water=not args.no_water
    )
    start = time.perf_counter()
    try:
        context = surface_context(region, footprint, options)
    except InputDataError as err:
        return report_bad_input("batch surface", err, args.lang)
    with cluster_client(
        args.scheduler, n_workers=args.workers, memory_limit=args.memory_limit
    ) as client:
        write_surface_on_cluster(context, args.out, client, progress=stderr_progress(args.lang))
    grid = context.grid
    out.write(
        words(
            "batch.surface_done",
            args.lang,
            path=str(args.out),
            width=grid.width,
            height=grid.height,
            cell_m=f"{grid.cell_m:g}",
            seconds=f"{time.perf_counter() - start:.1f}",
        )
        + "\n"
    )
    return 0
