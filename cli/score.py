"""``python -m siting score``: site suitability of candidate polygons.

Example::

    python -m siting score data/regions/<id>/demo_candidates.geojson --region <id> --json

SITES is a GeoJSON, KML/KMZ, zipped Shapefile or GeoPackage of polygons (any CRS the file
declares) with a ``dairy_cow_head`` attribute, or ``--dairy-cow-head N`` for all. A site
keeps the file's own id (column ``site_id``, ``id``, ``编号``, ``场址编号`` or ``site_no``;
else ``site-<feature number>``) and name (``name``, ``name_zh``, ``名称``, ``场名``, ``牧场``,
``site_name``, ``title``; KML ``Name``), both in the JSON and the table. Each site
gets its hard gates (rule, measured value, limit, source), its criteria (value, normalised
score, weight), a 0-100 score and rank if it passes, and its rank range when every weight
moves by ±20 %. A file that cannot be read, or in which no feature is usable, exits with
status 2 and one line on stderr; a file mixing good and bad features scores the good ones and
lists the bad ones with their reasons.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cli.options import first_region, positive, region_argument
from cli.render import argument_message, headers, table, words, write_json
from errors import InputDataError
from locales import Renderer
from planning.regions import load_region, region_outline
from planning.site_scoring import (
    HERD_COLUMN,
    ScoreOptions,
    SiteInput,
    assess_site_file,
    read_sites,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import TextIO

    from siting.assess import SiteAssessment
    from siting.gates import GateResult
    from siting.score import SiteResult
    from siting.soft_criteria import CriterionResult

EXIT_BAD_INPUT = 2
#: Above this many sites ``--json`` is written compact (one line; see `cli.render.write_json`).
JSON_INDENT_MAX_SITES = 100
_NEED_COLUMNS = (
    "adcode",
    "absorption_need_mu",
    "absorption_land_n_mu",
    "absorption_land_p_mu",
    "absorption_basis",
    "receiving_land",
    "forage_need_mu",
    "forage_need_basis",
    "water_need_m3_per_yr",
    "absorption_need_low_mu",
    "absorption_need_high_mu",
)


def key_value(text: str) -> tuple[str, float]:
    """Parse ``KEY=NUMBER`` (argparse type), e.g. ``settlement_setback=300``."""
    key, sep, number = text.partition("=")
    try:
        value = float(number)
    except ValueError:
        value = math.nan
    if not sep or not key.strip() or not math.isfinite(value) or value < 0:
        msg = argument_message(
            "arg.not_key_number", text=repr(text), example="settlement_setback=300"
        )
        raise argparse.ArgumentTypeError(msg)
    return key.strip(), value


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``score`` command."""
    parser = subparsers.add_parser(
        "score",
        parents=[common],
    )
    parser.add_argument(
        "sites",
        type=Path,
        metavar="SITES",
    )
    parser.add_argument(
        "--region",
        type=region_argument,
        default=first_region(),
    )
    # the second name is the option's name before the vocabulary pass, still accepted
    parser.add_argument(
        "--dairy-cow-head",
        "--herd-dairy-cows",
        type=positive,  # vocab: old name
        dest="dairy_cow_head",
        metavar="N",
    )
    parser.add_argument(
        "--weights",
        choices=("direct", "ahp"),
        default="direct",
    )
    parser.add_argument(
        "--weight",
        type=key_value,
        action="append",
        default=[],
        metavar="CRITERION=W",
    )
    parser.add_argument(
        "--limit",
        type=key_value,
        action="append",
        default=[],
        metavar="RULE=VALUE",
    )
    parser.add_argument(
        "--delta",
        type=positive,
        default=0.2,
        metavar="FRAC",
    )
    parser.add_argument(
        "--crop",
    )
    parser.add_argument(
        "--no-parcels",
        action="store_true",
    )
    parser.add_argument(
        "--water-year",
        type=int,
        metavar="YEAR",
    )
    parser.add_argument(
        "--no-water",
        action="store_true",
    )
    parser.add_argument(
        "--json",
        action="store_true",
    )
    parser.set_defaults(run=run)


def score_options(args: argparse.Namespace) -> ScoreOptions:
    """Return the scoring options of the parsed command line."""
    return ScoreOptions(
        crop=args.crop,
        with_parcels=not args.no_parcels,
        water_year=args.water_year,
        with_water=not args.no_water,
        weights_method=args.weights,
        weights=tuple(args.weight),
        rule_limits=tuple(args.limit),
        delta_frac=args.delta,
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``score``; print JSON or a table to ``out``."""
    try:
        outline = region_outline(load_region(args.region))
        site_input = read_sites(
            args.sites, herd=args.dairy_cow_head, region_outline=outline, lang=args.lang
        )
    except InputDataError as err:
        message = " ".join(err.message(args.lang).split())
        print(
            words("error", args.lang, prog="python -m siting score", message=message),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    # an implausible herd is a ParameterError (exit 2), a layer missing from the pack a data
    # error (exit 1): both are mapped by cli.main
    with _collector_skips_older_objects():
        options = score_options(args)
        assessment, inputs = assess_site_file(site_input, load_region(args.region), options)
        data = to_json(assessment, site_input, inputs, lang=args.lang)
    if args.json:
        write_json(data, out, compact=len(data["sites"]) > JSON_INDENT_MAX_SITES)
    else:
        out.write(summary_text(data, args.lang) + "\n")
    return 0


@contextlib.contextmanager
def _collector_skips_older_objects() -> Iterator[None]:
    """Let the garbage collector ignore the objects made before scoring, while it runs.

    Scoring thousands of sites makes a few hundred thousand small result objects; each full
    collection they trigger would scan every module and loaded object again (issue 12:
    ~10 % of 10,000 sites). `gc.freeze` sets the older objects aside; `gc.unfreeze` puts
    them back afterwards, so nothing is kept longer than without it.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _gate_dict(gate: GateResult, texts: Renderer) -> dict[str, Any]:
    return {
        "rule": gate.rule,
        "name": gate.name_zh if texts.lang == "zh" else gate.name_en,
        "measured_value": gate.measured_value,
        "limit": gate.limit,
        "unit": gate.unit,
        "feature_id": gate.feature_id,
        "feature_name": gate.feature_name,
        "source": gate.source,
        "status": gate.status,
        "illustrative_layer": gate.illustrative_layer,
        "message": texts.render(gate.message),
    }


def _criterion_dict(c: CriterionResult, texts: Renderer) -> dict[str, Any]:
    zh = texts.lang == "zh"
    return {
        "key": c.key,
        "name": c.name_zh if zh else c.name_en,
        "available": c.available,
        "value": c.raw_value,
        "unit": c.unit,
        "normalised": c.normalised,
        "weight": c.weight,
        "contribution": c.contribution,
        "value_function": texts.render(c.value_function),
        "source": c.source,
        "status": c.status,
        "explanation": texts.render(c.explanation),
        "reason_unavailable": None
        if c.reason_unavailable is None
        else texts.render(c.reason_unavailable),
    }


def _needs(assessment: SiteAssessment) -> dict[str, dict[str, Any]]:
    sites = assessment.sites
    frame = pd.DataFrame({c: sites[c] for c in ("site_id", *_NEED_COLUMNS) if c in sites})
    out = {}
    for row in frame.to_dict("records"):
        out[str(row["site_id"])] = {k: _plain(row.get(k)) for k in _NEED_COLUMNS}
    return out


def _plain(value: object) -> object:
    """JSON-safe scalar: NaN/None -> None, numpy -> Python."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _site_dict(
    site: SiteResult,
    assessment: SiteAssessment,
    given: dict[str, Any],
    needs: dict[str, Any],
    texts: Renderer,
) -> dict[str, Any]:
    rank_range = assessment.sensitivity.rank_range(site.site_id)
    gates = [_gate_dict(g, texts) for g in site.gates]  # failed/unchecked: the same dicts
    pairs = list(zip(site.gates, gates, strict=True))
    return {
        "site_id": site.site_id,
        "name": given["name"],
        "passed": site.passed,
        "score": site.score,
        "rank": site.rank,
        "rank_range": list(rank_range) if rank_range else None,
        "dairy_cow_head": given[HERD_COLUMN],
        "needs": needs,
        "failed_gates": [d for g, d in pairs if g.evaluated and not g.passed],
        "unchecked_gates": [d for g, d in pairs if not g.evaluated],
        "gates": gates,
        "criteria": [_criterion_dict(c, texts) for c in site.criteria],
    }


def to_json(
    assessment: SiteAssessment, site_input: SiteInput, inputs: Any, *, lang: str = "en"
) -> dict[str, Any]:
    """Return the JSON document of one run (sites in input order)."""
    given = _given_by_site(site_input.sites)
    weights = assessment.scores.weights
    needs = _needs(assessment)
    texts = Renderer(lang)
    return {
        "region": inputs.region.id,
        "sites_file": site_input.source_name,
        "illustrative_layers": sorted(k for k, v in inputs.layers.illustrative.items() if v),
        "notes": list(site_input.notes),
        "weights": {
            "method": weights.method,
            "weights": weights.as_dict(),
            "ahp": weights.ahp.to_dict() if weights.ahp else None,
        },
        "sensitivity": assessment.sensitivity.to_dict(),
        "sites": [
            _site_dict(s, assessment, given[s.site_id], needs[s.site_id], texts)
            for s in assessment.scores.sites
        ],
        "bad_features": site_input.bad,
    }


def _given_by_site(sites: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Return site_id -> the file's ``name`` (None if it has none) and herd (head)."""
    return {
        str(row["site_id"]): {"name": _plain(row["name"]), HERD_COLUMN: float(row[HERD_COLUMN])}
        for row in pd.DataFrame(sites[["site_id", "name", HERD_COLUMN]]).to_dict("records")
    }


def _gate_short(gate: dict[str, Any], lang: str) -> str:
    value = gate["measured_value"]
    return words(
        "score.gate_short",
        lang,
        rule=gate["rule"],
        value=words("score.n_a", lang) if value is None else f"{value:,.1f}",
        unit=gate["unit"],
        limit=f"{gate['limit']:g}",
        where=f" ({gate['feature_name']})" if gate["feature_name"] else "",
    )


def _site_row(site: dict[str, Any], lang: str) -> tuple[object, ...]:
    rank_range = site["rank_range"]
    return (
        site["site_id"],
        site["name"] or "",
        words("yes" if site["passed"] else "no", lang),
        "" if site["score"] is None else round(site["score"], 1),
        site["rank"] or "",
        "" if rank_range is None else f"{rank_range[0]}-{rank_range[1]}",
        "; ".join(_gate_short(g, lang) for g in site["failed_gates"]),
    )


def _sensitivity_text(sens: dict[str, Any], lang: str) -> str:
    if sens["top_site_id"] is None:
        return ""
    key = "score.top_stays" if sens["top_stays_on_top"] else "score.top_moves"
    return "\n\n" + words(key, lang, site=sens["top_site_id"], delta=f"{sens['delta_frac']:.0%}")


def summary_text(data: dict[str, Any], lang: str = "en") -> str:
    """Return a readable table of the JSON document, its words in ``lang``."""
    columns = ("site", "name", "passed", "score", "rank", "rank_range", "failed_gates")
    text = table(headers(columns, lang), [_site_row(s, lang) for s in data["sites"]])
    text += _sensitivity_text(data["sensitivity"], lang)
    for bad in data["bad_features"]:
        named = " ".join(str(v) for v in (bad["site_id"], bad["name"]) if v)
        text += "\n" + words(
            "score.skipped", lang, number=bad["feature_no"], named=named, reason=bad["reason"]
        )
    if data["illustrative_layers"]:
        layers = ", ".join(data["illustrative_layers"])
        text += "\n" + words("score.illustrative", lang, layers=layers)
    return text
