"""``python -m siting import``: put a bureau's own layer into a region pack.

Reads FILE for one layer (parcels, 禁养区, 永久基本农田, 生态保护红线, water source zones, DEM,
water caps, herd by county, forage targets), prints what it found (features, area in 亩
and ha, CRS, encoding, columns mapped) and, unless ``--dry-run``, writes it into the pack
(`planning.data_import`). A bad file gets one line on stderr and leaves the pack as it was.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

import locales
from planning.data_import import IMPORT_LAYERS, import_layer, parse_mapping, summary_rows
from planning.regions import load_region


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``import`` command."""
    parser = subparsers.add_parser(
        "import",
        parents=[common],
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--region")
    parser.add_argument("--layer", required=True, choices=sorted(IMPORT_LAYERS))
    parser.add_argument(
        "--map",
        action="append",
        metavar="OURS=THEIRS",
    )
    parser.add_argument(
        "--default",
        action="append",
        metavar="COLUMN=VALUE",
    )
    parser.add_argument("--encoding")
    parser.add_argument(
        "--source-crs",
    )
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Check FILE, print the summary and (unless ``--dry-run``) add it to the pack."""
    region = load_region(args.region)
    preview, _ = import_layer(
        region,
        args.layer,
        args.file,
        mapping=parse_mapping(args.map),
        defaults=parse_mapping(args.default),
        encoding=args.encoding,
        source_crs=args.source_crs,
        dry_run=args.dry_run,
    )
    rows = summary_rows(preview, how_label=lambda how: locales.text(f"import.how.{how}", args.lang))
    done_key = "import.dry_run" if args.dry_run else "import.written"
    done = locales.text(done_key, args.lang, layer=preview.target.layer_name, region=region.id)
    if args.json:
        payload: dict[str, object] = {key.rsplit(".", 1)[-1]: value for key, value in rows}
        payload |= {"region": region.id, "written": not args.dry_run}
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return 0
    for key, value in rows:
        out.write(f"{locales.text(key, args.lang)}: {value}\n")
    out.write(done + "\n")
    return 0
