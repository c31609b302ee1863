"""``python -m siting plan``: build and check a scenario in the scenario store without the UI.

Examples::

    python -m siting plan list
    python -m siting plan create --scenario "2023 variant"
    python -m siting plan import ranches.kml --scenario "2023 variant" --gcj02
    python -m siting plan allocate --scenario "2023 variant"
    python -m siting plan export --scenario "2023 variant" --format gpkg --out plan.gpkg

The store is ``--store`` (a ``.gpkg`` file or a ``postgresql://`` URL of a shared PostGIS
store), else ``$FORAGE_SITING_STORE``, else the user's default file
(`store.default_store_path`); the UI uses the same store.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cli.acting import acting_user, add_acting_options, open_store
from cli.input_errors import report_bad_input
from cli.options import first_region, region_argument
from cli.render import both, frame_records, headers, table, words, write_json
from errors import FileFormatError, InputDataError
from geo.catalogued import catalogued
from geo.io import DEFAULT_MAX_BYTES
from planning.regions import load_region
from planning.scenario_inputs import load_scenario_inputs
from planning.scenario_ops import check_scenario, export_checked, save_allocations
from planning.scenarios import EXPORT_FORMATS
from planning.site_files import herd_limits_for, read_site_file
from planning.site_scoring import county_water_use

if TYPE_CHECKING:
    from typing import TextIO

    from siting.scenario_run import ScenarioInputs, ScenarioRun

FARM_COLUMNS = (
    "name",
    "status",
    "n_need_kg_per_yr",
    "absorption_land_n_mu",
    "land_allocated_mu",
    "mean_haul_km",
    "unmet_kg_per_yr",
    "unmet_frac",
    "suitability_score",
)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``scenario`` command (alias ``plan``, its earlier name) and its actions."""
    parser = subparsers.add_parser(
        "scenario",
        aliases=["plan"],  # vocab: old name
        parents=[common],
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    store_opts = argparse.ArgumentParser(add_help=False)
    add_acting_options(store_opts)
    scenario = argparse.ArgumentParser(add_help=False)
    scenario.add_argument(
        "--scenario",
        required=True,
    )
    region = argparse.ArgumentParser(add_help=False)
    region.add_argument(
        "--region",
        type=region_argument,
        default=first_region(),
    )
    parents = [common, store_opts]
    actions.add_parser(
        "list",
        parents=[*parents],
    ).add_argument(
        "--json",
        action="store_true",
    )
    create = actions.add_parser(
        "create",
        parents=[*parents, scenario],
    )
    create.add_argument(
        "--description",
        default="",
    )
    copy = actions.add_parser(
        "duplicate",
        parents=[*parents, scenario],
    )
    copy.add_argument(
        "--to",
        required=True,
        metavar="NAME",
    )
    add = actions.add_parser(
        "import",
        parents=[*parents, scenario, region],
    )
    add.add_argument(
        "file",
        type=Path,
    )
    add.add_argument(
        "--gcj02",
        action="store_true",
    )
    add.add_argument(
        "--crs",
    )
    alloc = actions.add_parser(
        "allocate",
        parents=[*parents, scenario, region],
    )
    alloc.add_argument(
        "--json",
        action="store_true",
    )
    export = actions.add_parser(
        "export",
        parents=[*parents, scenario, region],
    )
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True, dest="fmt")
    export.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="PATH",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run one ``plan`` action and print its result to ``out``."""
    return int(_HANDLERS[args.action](args, out))


def _list(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    rows = [
        (s.name, s.scenario_id, s.version, len(store.sites(s)), s.updated_at, s.updated_by)
        for s in store.list_scenarios()
    ]
    columns = ("name", "scenario_id", "version", "sites", "updated_at", "updated_by")
    if getattr(args, "json", False):
        write_json([dict(zip(columns, row, strict=True)) for row in rows], out)
    else:
        title = words("plan.store", args.lang, path=store.path)
        out.write(title + "\n\n" + table(headers(columns, args.lang), rows) + "\n")
    return 0


def _create(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    scenario = store.create_scenario(
        args.scenario, user=acting_user(store, args), description=args.description
    )
    made = words("plan.created", args.lang, name=repr(scenario.name), id=scenario.scenario_id)
    out.write(made + "\n")
    return 0


def _duplicate(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    copy = store.duplicate_scenario(args.scenario, args.to, user=acting_user(store, args))
    copied = words(
        "plan.copied",
        args.lang,
        source=repr(args.scenario),
        name=repr(copy.name),
        id=copy.scenario_id,
    )
    out.write(copied + "\n")
    return 0


def _import(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    store.get_scenario(args.scenario)  # a missing scenario fails before reading the file
    region = load_region(args.region)
    inputs = load_scenario_inputs(region)
    try:
        sites = read_site_file(
            _read_bytes(args.file),
            args.file.name,
            inputs,
            gcj02=args.gcj02,
            declared_crs=args.crs,
            herd_limits=herd_limits_for(region),
        )
    except InputDataError as err:  # a bad file, as `score`: exit 2, nothing saved
        return report_bad_input("plan import", err, args.lang)
    added = store.add_sites(args.scenario, sites.records, user=acting_user(store, args))
    for note in sites.notes:
        out.write(words("plan.note", args.lang, note=note.render(args.lang)) + "\n")
    done = words(
        "plan.added",
        args.lang,
        count=len(added),
        file=args.file.name,
        scenario=repr(args.scenario),
    )
    out.write(done + "\n")
    return 0


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        msg, zh = both("plan.no_file", path=path)
        raise FileFormatError(msg, zh=zh)
    size_bytes = path.stat().st_size
    if size_bytes > DEFAULT_MAX_BYTES:  # refused before it is read into memory
        raise catalogued(
            FileFormatError,
            "input.too_big",
            file=path.name,
            size_mb=f"{size_bytes / 2**20:.1f}",
            max_mb=f"{DEFAULT_MAX_BYTES / 2**20:.0f}",
        )
    return path.read_bytes()


def _scoring_inputs(region_id: str) -> ScenarioInputs:
    """Plan inputs with the county water use, scored as ``python -m siting score`` does."""
    region = load_region(region_id)
    water = county_water_use(region, region.plan.water_baseline_year)
    return load_scenario_inputs(region, county_water=water)


def _allocate(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    inputs = _scoring_inputs(args.region)
    snapshot, plan = check_scenario(store, args.scenario, inputs)
    user = acting_user(store, args)
    save_allocations(store, snapshot, plan, inputs, user=user, force=True)
    if args.json:
        write_json(
            {
                "scenario": snapshot.scenario.name,
                "farms": frame_records(plan.results),
                "allocation_rows": len(plan.ledger.result.allocations),
                "timings_s": dict(plan.timings_s),
            },
            out,
        )
        return 0
    out.write(_summary(snapshot.scenario.name, plan, args.lang))
    return 0


def _summary(name: str, plan: ScenarioRun, lang: str) -> str:
    res = plan.results
    rows = [[row[c] for c in FARM_COLUMNS] for _, row in res.iterrows()]
    total_unmet = float(res["unmet_kg_per_yr"].sum()) if len(res) else 0.0
    head = words(
        "plan.summary",
        lang,
        name=repr(name),
        count=len(res),
        rows=len(plan.ledger.result.allocations),
    )
    total = words(
        "plan.total_unmet",
        lang,
        unmet=f"{total_unmet:,.0f}",
        seconds=f"{plan.timings_s['total']:.2f}",
    )
    return head + "\n\n" + table(headers(FARM_COLUMNS, lang), rows) + "\n\n" + total + "\n"


def _export(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    inputs = _scoring_inputs(args.region)
    path = export_checked(store, args.scenario, args.out, args.fmt, inputs)
    done = words("plan.exported", args.lang, scenario=repr(args.scenario), fmt=args.fmt, path=path)
    out.write(done + "\n")
    return 0


_HANDLERS = {
    "list": _list,
    "create": _create,
    "duplicate": _duplicate,
    "import": _import,
    "allocate": _allocate,
    "export": _export,
}
