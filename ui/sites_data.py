"""Cached inputs and scoring of the site-check page (same calls as ``python -m siting score``).

The region's siting inputs (constraint layers, rules, criteria, AHP matrix, DEM path) are
loaded once per region with ``st.cache_resource`` (large frames, never mutated); candidate
sites and their assessment are cached with ``st.cache_data`` keyed by region id, a hash of
the uploaded bytes, the herd, the datum and the weights as a tuple. The assembly is the CLI's:
`planning.site_scoring.read_sites`, then `siting.assess.assess_sites` with the pack's
`planning.siting_inputs.site_terrain` and the same ±20 % sensitivity.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import TYPE_CHECKING, Final

import streamlit as st

from errors import ParameterError, PlannerWarning
from planning.regions import load_city_outline, load_region
from planning.site_scoring import county_water_use, read_sites
from planning.siting_inputs import load_siting_inputs, site_terrain
from siting.assess import assess_sites
from siting.score import CriteriaWeights

if TYPE_CHECKING:
    from planning.site_scoring import SiteInput
    from planning.siting_inputs import SitingInputs
    from siting.assess import SiteAssessment

DEMO_FILE: Final[str] = "demo_candidates.geojson"
DEMO_KEY: Final[str] = "demo"
#: Weight change of the sensitivity check, the CLI's default (--delta 0.2 = ±20 %).
SENSITIVITY_DELTA_FRAC: Final[float] = 0.2

Weights = tuple[tuple[str, float], ...]


@st.cache_resource(show_spinner=False)
def siting_inputs(region_id: str) -> SitingInputs:
    """Return the siting inputs of ``region_id`` (shared, do not mutate)."""
    region = load_region(region_id)
    water = county_water_use(region, region.plan.water_baseline_year)  # the CLI's default
    return load_siting_inputs(region, county_water=water)


def upload_key(data: bytes) -> str:
    """Return the cache key of uploaded bytes (SHA-256 hex)."""
    return hashlib.sha256(data).hexdigest()


@st.cache_data(show_spinner=False, max_entries=16)
def candidate_sites(region_id: str, source_key: str, filename: str, herd: float | None,
                    gcj02: bool, lang: str, _data: bytes | None = None) -> SiteInput:
    """Read the demo candidates (``source_key`` "demo") or uploaded bytes (key = their hash).

    Raises
    ------
    InputDataError
        As `planning.site_scoring.read_sites` (unreadable file, no herd, no usable feature).
    """
    region = load_region(region_id)
    outline = load_city_outline(region).geometry.iloc[0]
    source = region.dir / DEMO_FILE if source_key == DEMO_KEY else _data
    if source is None:
        msg = f"No file content was given for the uploaded candidate file {filename!r}."
        raise ParameterError(msg, zh=f"上传的候选场址文件 {filename!r} 没有内容，请重新上传。")
    return read_sites(source, herd=herd, region_outline=outline, lang=lang,
                      filename=None if source_key == DEMO_KEY else filename,
                      source_datum="gcj02" if gcj02 else "wgs84")


@st.cache_data(show_spinner=False, max_entries=32)
def assessment(region_id: str, source_key: str, filename: str, herd: float | None,
               gcj02: bool, lang: str, weights: Weights,
               _data: bytes | None = None, user_key: str = "",
               _inputs: SitingInputs | None = None) -> tuple[SiteAssessment, tuple[str, ...]]:
    """Score the candidate sites with ``weights``; return it and the data warnings raised.

    ``weights`` are (criterion, weight) pairs. ``_inputs`` replaces the region's bundled
    inputs when the user loaded their own layers or DEM; ``user_key`` (a hash of those
    uploads, `ui.sites_user_layers.user_key`) keeps their results apart in the cache. Planner warnings (e.g. DEM cells without
    data under a site) are returned as text for the page to show, not emitted.

    The same calls as ``python -m siting score``: absorption and forage land needs from the
    pack's nutrient coefficients (silage maize), slope from the pack's DEM, ±20 % weight
    sensitivity.
    """
    sites = candidate_sites(region_id, source_key, filename, herd, gcj02, lang, _data).sites
    inputs = siting_inputs(region_id) if _inputs is None else _inputs
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        result = assess_sites(sites, inputs.layers, inputs.params,
                              CriteriaWeights.from_mapping(dict(weights)), needs=inputs.needs,
                              terrain=site_terrain(sites, inputs),
                              delta_frac=SENSITIVITY_DELTA_FRAC)
    notes = tuple(dict.fromkeys(str(w.message) for w in caught
                                if issubclass(w.category, PlannerWarning)))
    return result, notes
