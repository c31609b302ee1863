"""``python -m siting surface``: suitability surface of one footprint over a whole region.

Example::

    python -m siting surface --region hohhot --dairy-cow-head 5000 --out surface.tif

Writes a Cloud-Optimized GeoTIFF in the region's analysis CRS (`planning.surface`): band 1
``gate_code`` (0 = the footprint centred on the cell passes every hard gate, ``k`` = the
``k``-th rule fails first, 255 = outside the region; the tags name each code's rule), band 2
``score`` (0-100 where the gates pass; NaN is nodata), and beside it ``<name>.qml``, the
style QGIS opens it with (the score ramp). A progress line per window goes to stderr.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import locales
from cli.input_errors import report_bad_input
from cli.options import positive, region_argument
from errors import InputDataError
from planning.regions import load_region
from planning.surface import (
    Progress,
    SurfaceOptions,
    default_footprint_mu,
    surface_context,
    write_surface,
)
from planning.surface_style import write_surface_style
from siting.surface import SurfaceFootprint

if TYPE_CHECKING:
    import argparse
    from typing import TextIO


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``surface`` command."""
    parser = subparsers.add_parser(
        "surface",
        parents=[common],
    )
    parser.add_argument("--region", type=region_argument, default="hohhot")
    parser.add_argument("--dairy-cow-head", type=positive, required=True, metavar="HEAD")
    parser.add_argument(
        "--footprint-mu",
        type=positive,
        default=None,
        metavar="MU",
    )
    parser.add_argument("--cell-m", type=positive, default=30.0, metavar="M")
    parser.add_argument("--rows-per-window", type=int, default=256, metavar="ROWS")
    parser.add_argument(
        "--no-water",
        action="store_true",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="TIF")
    parser.set_defaults(run=run)


def stderr_progress(lang: str) -> Progress:
    """Return a callback printing one progress line per window on stderr."""
    start = time.perf_counter()

    def report(done_rows: int, total_rows: int) -> None:
        sys.stderr.write(
            locales.text(
                "surface.progress",
                lang,
                done=done_rows,
                total=total_rows,
                pct=f"{100 * done_rows / total_rows:.0f}",
                seconds=f"{time.perf_counter() - start:.0f}",
            )
            + "\n"
        )
        sys.stderr.flush()

    return report


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run the command; a bad input file exits 2 with one line on stderr."""
    try:
        return _run(args, out)
    except InputDataError as err:
        return report_bad_input("surface", err, args.lang)


def _run(args: argparse.Namespace, out: TextIO) -> int:
    """Compute the surface and write it; print one summary line."""
    region = load_region(args.region)
    area_mu = args.footprint_mu or default_footprint_mu(region)
    footprint = SurfaceFootprint.from_area_mu(area_mu, args.dairy_cow_head)
    options = SurfaceOptions(
        cell_m=args.cell_m, rows_per_window=args.rows_per_window, with_water=not args.no_water
    )
    start = time.perf_counter()
    context = surface_context(region, footprint, options)
    write_surface(context, args.out, progress=stderr_progress(args.lang))
    write_surface_style(args.out)
    out.write(
        locales.text(
            "surface.done",
            args.lang,
            path=str(args.out),
            width=context.grid.width,
            height=context.grid.height,
            cell_m=f"{context.grid.cell_m:g}",
            seconds=f"{time.perf_counter() - start:.1f}",
        )
        + "\n"
    )
    return 0
