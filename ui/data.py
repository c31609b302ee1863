"""The app's data: every cached loader of the UI, and the scenario store.

Every ``st.cache_data`` / ``st.cache_resource`` wrapper of the app lives here, each a thin
call of a `planning` service (the UI never reaches `layers` or `store` itself), with the
same inputs as ``python -m siting`` so pages and commands give the same numbers (STYLE.md
B8.2). They take only hashable arguments (region id, frozen parameter objects, tuples, a
token or hash) and read no globals; a big input is passed ``_``-prefixed only together with
the argument that identifies it (``parcels_token``, ``source_key``, ``user_key``). Callers
must not mutate what they return (copy first). ``cache_resource`` holds the large per-region
inputs shared read-only (copying them on every rerun would cost more than the check).

The scenario store file is chosen as the CLI does: env ``FORAGE_SITING_STORE``
(`planning.scenarios.STORE_PATH_ENV`), else `planning.scenarios.default_store_path`.
`ScenarioStore` opens a fresh connection per call, so a new one per script run is cheap and
always current (never cached).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import streamlit as st

import geopandas as gpd

from errors import ParameterError, PlannerWarning
from geo.crs import STORAGE_CRS
from geo.io import read_vector
from planning.buildout_inputs import ScenarioBuildout, checked_scenario_buildout
from planning.nutrient_balance import county_balance_table as _county_balance_table
from planning.nutrient_balance import county_parcels as _county_parcels
from planning.plan_targets import group_members as plan_group_members
from planning.plan_targets import group_target_sums as _group_target_sums
from planning.plan_targets import group_target_table, size_class_table
from planning.regions import (
    REGIONS_DIR_ENV,
    list_regions,
    load_city_outline,
    load_city_targets,
    load_counties,
    load_crop_table,
    load_forage_targets,
    load_herd_baseline,
    load_manure_routes,
    load_nutrient_params,
    load_parcels,
    load_region,
    load_warning_grades,
    use_regions_dir,
)
from planning.scenario_inputs import load_scenario_inputs
from planning.scenario_ops import site_gates as _site_gates
from planning.scenarios import ScenarioStore, configured_store
from planning.scenarios import open_store as open_scenario_store
from planning.site_scoring import (
    assess_candidates,
    county_water_use,
    read_sites,
)
from planning.siting_inputs import load_siting_inputs
from siting.assess import SiteAssessment
from siting.score import CriteriaWeights, reweight, weight_sensitivity
from ui.map import display_frame
from ui.worker import in_worker

if TYPE_CHECKING:
    import pandas as pd

    from planning.regions import Region
    from planning.site_scoring import SiteInput
    from planning.siting_inputs import SitingInputs
    from siting.parameters import CropTable, ManureRouteTable, NutrientParams, WarningGrades
    from siting.scenario_run import ScenarioInputs

#: The region pack's demo candidate sites (site-check page).
DEMO_FILE: Final[str] = "demo_candidates.geojson"
#: ``source_key`` of the demo candidates (an upload's key is the hash of its bytes).
DEMO_KEY: Final[str] = "demo"
#: Weight change of the sensitivity check, the CLI's default (--delta 0.2 = ±20 %).
SENSITIVITY_DELTA_FRAC: Final[float] = 0.2

Weights = tuple[tuple[str, float], ...]


# --- the scenario store ------------------------------------------------------------------------


def store_path() -> Path | str:
    """Return the scenario store: ``$FORAGE_SITING_STORE`` (a file or a ``postgresql://`` URL)
    or the user's default file."""
    return configured_store()


def open_store() -> ScenarioStore:
    """Return the scenario store at `store_path` (created on first use)."""
    return open_scenario_store(store_path())


# --- region packs ----------------------------------------------------------------------------


def use_configured_regions_dir() -> None:
    """Read region packs from ``$FORAGE_SITING_REGIONS`` if set, else from data/regions."""
    configured = os.environ.get(REGIONS_DIR_ENV, "").strip()
    use_regions_dir(Path(configured).expanduser() if configured else None)


def region_ids() -> list[str]:
    """Return the ids of the installed region packs (listed afresh: a new pack shows up)."""
    return [str(r) for r in list_regions()]


@st.cache_data(show_spinner=False)
def region(region_id: str) -> Region:
    """Return the manifest of region ``region_id``."""
    return load_region(region_id)


@st.cache_data(show_spinner=False)
def counties(region_id: str) -> gpd.GeoDataFrame:
    """Return the county polygons of ``region_id`` (EPSG:4326)."""
    return load_counties(load_region(region_id))


@st.cache_data(show_spinner=False)
def city_outline(region_id: str) -> gpd.GeoDataFrame:
    """Return the city outline of ``region_id`` (EPSG:4326)."""
    return load_city_outline(load_region(region_id))


@st.cache_data(show_spinner=False)
def forage_targets(region_id: str) -> pd.DataFrame:
    """Return the county forage targets of ``region_id`` (crop × year, 万亩/亩/ha)."""
    return load_forage_targets(load_region(region_id))


@st.cache_data(show_spinner=False)
def city_targets(region_id: str) -> pd.DataFrame:
    """Return the city-level plan targets of ``region_id``."""
    return load_city_targets(load_region(region_id))


def is_illustrative(region_obj: Region, *kinds: str) -> bool:
    """Return True if any layer of one of ``kinds`` is marked illustrative in the manifest."""
    return any(spec.illustrative for spec in region_obj.layers.values() if spec.kind in kinds)


# --- manure–land balance (balance page) ------------------------------------------------------


@st.cache_data(show_spinner=False)
def nutrient_params(region_id: str) -> NutrientParams:
    """Return the nutrient coefficients of ``region_id`` (pack overrides, else defaults)."""
    return load_nutrient_params(load_region(region_id).dir)


@st.cache_data(show_spinner=False)
def crop_table(region_id: str) -> CropTable:
    """Return the crop uptake table of ``region_id``."""
    return load_crop_table(load_region(region_id).dir)


@st.cache_data(show_spinner=False)
def manure_routes(region_id: str) -> ManureRouteTable:
    """Return the manure route stages of ``region_id``."""
    return load_manure_routes(load_region(region_id).dir)


@st.cache_data(show_spinner=False)
def warning_grades(region_id: str) -> WarningGrades:
    """Return the load-index warning grades of ``region_id``."""
    return load_warning_grades(load_region(region_id).dir)


@st.cache_data(show_spinner=False)
def bundled_parcels(region_id: str) -> gpd.GeoDataFrame:
    """Return the region pack's absorption parcels (EPSG:4326, ``layers.parcels`` schema)."""
    return load_parcels(load_region(region_id))


@st.cache_data(show_spinner=False)
def herd_baseline(region_id: str) -> pd.DataFrame:
    """Return the head on stock per county of ``region_id`` (the manifest's base year)."""
    return load_herd_baseline(load_region(region_id))


@st.cache_data(show_spinner=False)
def county_balance_table(
    region_id: str, params: NutrientParams, parcels_token: str, _parcels: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Return the county balance (`planning.nutrient_balance.county_balance_table`).

    Computed once per (region, parameters, parcel layer); ``parcels_token`` identifies
    ``_parcels``.
    """
    return _county_balance_table(load_region(region_id), params, _parcels)


@st.cache_data(show_spinner=False)
def county_parcels(
    region_id: str,
    params: NutrientParams,
    parcels_token: str,
    adcode: str,
    _parcels: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Return one county's parcels with capacity (`planning.nutrient_balance.county_parcels`)."""
    return _county_parcels(load_region(region_id), params, _parcels, adcode)


@st.cache_data(show_spinner=False, max_entries=4)
def file_columns(
    content: bytes,
    filename: str,
    region_id: str,
    gcj02: bool,
    declared_crs: str | None,
    layer: str | None,
) -> list[str]:
    """Return the attribute columns of an uploaded polygon file (after the usual checks)."""
    extent = city_outline(region_id).geometry.union_all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlannerWarning)  # reported when the layer is loaded
        result = read_vector(
            content,
            filename=filename,
            geometry_kind="polygon",
            region_extent=extent,
            source_datum="gcj02" if gcj02 else "wgs84",
            layer=layer,
            declared_crs=declared_crs,
        )
    return [str(c) for c in result.features.columns if c not in ("feature_no", "geometry")]


# --- scenario check (planner page) -----------------------------------------------------------


@st.cache_resource(show_spinner=False)
def scenario_inputs(region_id: str) -> ScenarioInputs:
    """Return the scenario-check inputs of ``region_id`` (parcels with capacity, parameters).

    Cached once per region and shared (``cache_resource``: copying ~9 MB of parcels and
    constraint layers on every rerun would cost ~0.1 s). The county water use is the
    site-check page's (`planning.site_scoring.county_water_use` of the region's
    ``[plan] water_baseline_year``), so
    both pages score the same criteria. Read-only: nothing in ``siting`` mutates its inputs,
    and callers must not either.
    """
    return load_scenario_inputs(load_region(region_id), county_water=county_water(region_id))


@st.cache_resource(show_spinner=False)
def county_water(region_id: str) -> pd.DataFrame:
    """Return the county water use of ``region_id`` in its ``[plan] water_baseline_year``.

    One computation (about 3 s: it runs the baseline build-out) for both the Plan page's and
    the site-check page's inputs (`scenario_inputs`, `siting_inputs`). Shared, do not mutate.
    """
    region_obj = load_region(region_id)
    return county_water_use(region_obj, region_obj.plan.water_baseline_year)


@st.cache_resource(show_spinner=False)
def parcels_lonlat(region_id: str) -> gpd.GeoSeries:
    """Return the ledger's parcel footprints in EPSG:4326 by ``parcel_id`` (for display).

    Reprojected once per region: a reprojection per rerun would build a new PROJ
    transformer each time (they are per thread and every Streamlit run has its own).
    """
    parcels = scenario_inputs(region_id).parcels
    series = gpd.GeoSeries(parcels.geometry.to_numpy(), index=parcels["parcel_id"], crs=parcels.crs)
    return in_worker(series.to_crs, STORAGE_CRS)  # PROJ operations built once (`ui.worker`)


@st.cache_data(show_spinner=False)
def county_outlines(region_id: str) -> dict[str, Any]:
    """Return the region's county outlines as display GeoJSON (EPSG:4326, simplified)."""
    region_obj = load_region(region_id)
    shown = display_frame(
        load_counties(region_obj), analysis_crs=region_obj.analysis_crs, coverage=True
    )
    return dict(shown.__geo_interface__)


# --- site check (sites page) -----------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def siting_inputs(region_id: str) -> SitingInputs:
    """Return the siting inputs of ``region_id`` (shared, do not mutate)."""
    # the same baseline year as the CLI's default
    return load_siting_inputs(load_region(region_id), county_water=county_water(region_id))


def upload_key(content: bytes) -> str:
    """Return the cache key of uploaded bytes (SHA-256 hex)."""
    return hashlib.sha256(content).hexdigest()


def has_demo_candidates(region_id: str) -> bool:
    """Return True if the region pack bundles demo candidate sites (`DEMO_FILE`)."""
    return (load_region(region_id).dir / DEMO_FILE).is_file()


@st.cache_data(show_spinner=False, max_entries=16)
def candidate_sites(
    region_id: str,
    source_key: str,
    filename: str,
    herd: float | None,
    gcj02: bool,
    lang: str,
    _data: bytes | None = None,
) -> SiteInput:
    """Read the demo candidates (``source_key`` "demo") or uploaded bytes (key = their hash).

    Raises
    ------
    InputDataError
        As `planning.site_scoring.read_sites` (unreadable file, no herd, no usable feature).
    """
    region_obj = load_region(region_id)
    outline = load_city_outline(region_obj).geometry.iloc[0]
    source = region_obj.dir / DEMO_FILE if source_key == DEMO_KEY else _data
    if source is None:
        msg = f"No file content was given for the uploaded candidate file {filename!r}."
        raise ParameterError(msg, zh=f"上传的候选场址文件 {filename!r} 没有内容，请重新上传。")
    return read_sites(
        source,
        herd=herd,
        region_outline=outline,
        lang=lang,
        filename=None if source_key == DEMO_KEY else filename,
        source_datum="gcj02" if gcj02 else "wgs84",
    )


@st.cache_data(show_spinner=False, max_entries=32)
def assessment(
    region_id: str,
    source_key: str,
    filename: str,
    herd: float | None,
    gcj02: bool,
    lang: str,
    weights: Weights,
    _data: bytes | None = None,
    user_key: str = "",
    _inputs: SitingInputs | None = None,
) -> tuple[SiteAssessment, tuple[str, ...]]:
    """Score the candidate sites with ``weights``; return it and the data warnings raised.

    ``weights`` are (criterion, weight) pairs. ``_inputs`` replaces the region's bundled
    inputs when the user loaded their own layers or DEM; ``user_key`` (a hash of those
    uploads, `ui.sites.user_layers.user_key`) keeps their results apart in the cache. Planner
    warnings (e.g. DEM cells without data under a site) are returned as text for the page to
    show, not emitted (a cached call would not repeat them).

    The same call as ``python -m siting score`` (`planning.site_scoring.assess_candidates`):
    needs from the pack's nutrient coefficients (silage maize), slope from the pack's DEM,
    ±20 % weight sensitivity.
    """
    sites = candidate_sites(region_id, source_key, filename, herd, gcj02, lang, _data).sites
    inputs = siting_inputs(region_id) if _inputs is None else _inputs
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        result = assess_candidates(sites, inputs, weights, delta_frac=SENSITIVITY_DELTA_FRAC)
    notes = tuple(
        dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, PlannerWarning))
    )
    return result, notes


@st.cache_data(show_spinner=False, max_entries=64)
def reweighted(
    base_key: tuple[object, ...], weights: Weights, _base: SiteAssessment
) -> SiteAssessment:
    """Return ``_base`` scored, ranked and sensitivity-checked again with ``weights``.

    Gates and criteria are those of ``_base`` (only the weights change: no layer is queried
    again, `siting.score.reweight`); ``base_key`` names ``_base`` in the cache (the
    arguments of its `assessment` call).
    """
    del base_key  # cache key only
    scores = reweight(_base.scores, CriteriaWeights.from_mapping(dict(weights)))
    sensitivity = weight_sensitivity(scores, delta_frac=_base.sensitivity.delta_frac)
    return SiteAssessment(scores=scores, sensitivity=sensitivity, sites=_base.sites)


# --- build-out check (review page) -----------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def site_gates(region_id: str, scenario_id: str, version: int, store_file: str) -> pd.DataFrame:
    """Return each site's gate result and score, as the Plan page checks it (cached by version).

    ``version`` is only a cache key (`planning.scenario_ops.site_gates`).
    """
    del version  # cache key only
    return _site_gates(open_scenario_store(store_file), scenario_id, scenario_inputs(region_id))


@st.cache_data(show_spinner=False, max_entries=8)
def buildout(
    region_id: str, scenario_id: str, version: int, store_file: str, years: tuple[int, ...]
) -> ScenarioBuildout:
    """Return the build-out check of a store scenario in ``years`` (cached by id and version).

    ``version`` is only a cache key: the scenario's current sites are read from the store.
    Sites the check cannot use are set aside and listed (`ScenarioBuildout.unusable`).
    """
    del version  # cache key only
    sites = open_scenario_store(store_file).sites(scenario_id)
    return checked_scenario_buildout(load_region(region_id), sites, years)


# --- group and size-class targets (targets page) -----------------------------------------------


@st.cache_data(show_spinner=False)
def group_targets(region_id: str) -> pd.DataFrame:
    """Return the county-group targets of ``region_id`` (`planning.plan_targets`)."""
    return group_target_table(load_region(region_id))


@st.cache_data(show_spinner=False)
def group_target_sums(region_id: str) -> pd.DataFrame:
    """Return the groups' targets summed per key and year next to the region's target."""
    return _group_target_sums(load_region(region_id))


@st.cache_data(show_spinner=False)
def size_classes(region_id: str) -> pd.DataFrame:
    """Return the farm counts by herd-size class of ``region_id``."""
    return size_class_table(load_region(region_id))


@st.cache_data(show_spinner=False)
def group_members(region_id: str) -> pd.DataFrame:
    """Return the county groups of ``region_id``, one row per member county."""
    return plan_group_members(load_region(region_id))
