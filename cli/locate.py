"""``python -m siting locate``: best footprints on a suitability surface, D km apart.

Example::

    python -m siting locate --region hohhot --surface surface.tif --count 20 \\
        --min-distance-km 5 --out candidates.gpkg

The candidates (EPSG:4326 squares with ``site_id``, ``name``, ``score``, ``county``,
``dairy_cow_head``) go straight into ``python -m siting score`` and ``siting plan import``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import locales
from cli.input_errors import report_bad_input
from cli.options import non_negative, region_argument
from errors import InputDataError
from planning.locate import propose_candidates, write_candidates
from planning.regions import load_region

if TYPE_CHECKING:
    import argparse
    from typing import TextIO


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``locate`` command."""
    parser = subparsers.add_parser(
        "locate",
        parents=[common],
    )
    parser.add_argument("--region", type=region_argument, default="hohhot")
    parser.add_argument("--surface", type=Path, required=True, metavar="TIF")
    parser.add_argument("--count", type=int, default=20, metavar="N")
    parser.add_argument("--min-distance-km", type=non_negative, default=5.0, metavar="KM")
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run the command; a bad input file exits 2 with one line on stderr."""
    try:
        return _run(args, out)
    except InputDataError as err:
        return report_bad_input("locate", err, args.lang)


def _run(args: argparse.Namespace, out: TextIO) -> int:
    """Pick the candidates, write them and print one summary line."""
    candidates = propose_candidates(
        load_region(args.region),
        args.surface,
        count=args.count,
        min_distance_km=args.min_distance_km,
        lang=args.lang,
    )
    write_candidates(candidates, args.out)
    scores = candidates["score"]
    out.write(
        locales.text(
            "locate.done",
            args.lang,
            count=len(candidates),
            path=str(args.out),
            best=f"{scores.max():.1f}" if len(scores) else "-",
            worst=f"{scores.min():.1f}" if len(scores) else "-",
        )
        + "\n"
    )
    return 0
