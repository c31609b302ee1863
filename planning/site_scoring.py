"""Score a file of candidate sites: read and check it, load the region, assess the sites.

The service behind ``python -m siting score`` and the site-check page: `read_sites` splits a
vector file's usable sites from the bad features (with reasons) and keeps the file's own site
ids and names (`ID_COLUMNS`, `NAME_COLUMNS`), `assess_site_file` loads the region pack's inputs
(`planning.siting_inputs`) and runs `siting.assess.assess_sites` (`assess_candidates` runs it
on inputs already loaded, as the site-check page does), and
`county_water_use` gives each county's water use before new farms (the build-out check's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import pandas as pd

from errors import InputDataError, ParameterError
from geo.io import read_vector
from layers.coefficients import load_nutrient_params
from layers.planner_params import load_herd_limits
from planning.buildout_inputs import load_buildout_inputs
from planning.siting_inputs import SitingInputs, load_siting_inputs, site_terrain
from siting.assess import SiteAssessment, assess_sites
from siting.buildout import run_buildout
from siting.herd_limits import check_herds
from siting.score import CriteriaWeights, default_weights, weights_from_ahp
from siting.site_attributes import COLUMN_ALIASES
from siting.site_footprint import footprint_area_mu

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from layers.region import Region
    from siting.criteria import SitingParams

HERD_COLUMN = "dairy_cow_head"
#: Columns holding a site's herd, first match wins (case-insensitive): the plan import's
#: spellings (`siting.site_attributes.COLUMN_ALIASES`), so files written with the attribute's
#: name before the vocabulary pass are still read.
HERD_COLUMNS: Final[tuple[str, ...]] = COLUMN_ALIASES[HERD_COLUMN]
#: Columns holding a site's own id, first match wins (case-insensitive); a site without one
#: gets ``site-<feature number>``.
ID_COLUMNS: Final[tuple[str, ...]] = COLUMN_ALIASES["source_id"]
#: Columns holding a site's name (the plan import's, `siting.site_attributes.COLUMN_ALIASES`;
#: KML's ``Name`` matches ``name``).
NAME_COLUMNS: Final[tuple[str, ...]] = COLUMN_ALIASES["name"]


@dataclass(frozen=True)
class SiteInput:
    """Usable sites (EPSG:4326) and the features that were left out, with reasons.

    ``sites`` has ``site_id`` (the file's id, else ``site-<feature number>``), ``name`` (the
    file's name, else NA) and ``dairy_cow_head``; each ``bad`` entry has ``feature_no``,
    ``site_id``, ``name`` and ``reason``.
    """

    sites: gpd.GeoDataFrame
    source_name: str
    bad: list[dict[str, Any]] = field(default_factory=list)
    notes: tuple[str, ...] = ()


def read_sites(
    path: Path | bytes,
    *,
    herd: float | None,
    region_outline: BaseGeometry | None,
    lang: str = "en",
    filename: str | None = None,
    source_datum: Literal["wgs84", "gcj02"] = "wgs84",
) -> SiteInput:
    """Read SITES, check their ids and herd, and split good from bad features.

    ``path`` may be the bytes of an upload (the app), then ``filename`` names its format;
    ``source_datum="gcj02"`` converts Amap/Gaode coordinates to WGS84. A site's id is read
    from the first of `ID_COLUMNS` the file has and its name from the first of
    `NAME_COLUMNS`; a site without an id gets ``site-<feature number>`` and keeps its name.

    Raises
    ------
    InputDataError
        If the file cannot be read, lacks the herd attribute, or has no usable feature.
    """
    result = read_vector(
        path,
        filename=filename,
        geometry_kind="polygon",
        region_extent=region_outline,
        source_datum=source_datum,
        on_bad_feature="skip",
    )
    frame = _with_herd_column(_with_ids_and_names(result.features))
    skipped = _with_ids_and_names(result.skipped)
    bad = [
        {
            "feature_no": int(r["feature_no"]),
            "site_id": r["site_id"],
            "name": r["name"],
            "reason": r["reason"].render(lang),
        }
        for r in skipped.to_dict("records")
    ]
    if herd is None and HERD_COLUMN not in frame.columns:
        msg = (
            f"{result.source_name} has no {HERD_COLUMN!r} attribute (columns: "
            f"{', '.join(c for c in frame.columns if c != 'geometry')}); add it or pass "
            "--dairy-cow-head N."
        )
        raise InputDataError(
            msg,
            zh=f"{result.source_name} 缺少 {HERD_COLUMN} 属性；请添加或使用 --dairy-cow-head N。",
        )
    given = frame[HERD_COLUMN] if herd is None else pd.Series(herd, index=frame.index)
    # true/false is not a head count (to_numeric would read it as 1/0): refused as text is
    is_bool = given.map(lambda v: isinstance(v, bool | np.bool_)).astype(bool)
    frame[HERD_COLUMN] = pd.to_numeric(given.where(~is_bool), errors="coerce")
    reasons = _attribute_problems(frame, given, lang)
    bad += [
        {
            "feature_no": int(frame["feature_no"].loc[k]),
            "site_id": frame.loc[k, "site_id"],
            "name": frame.loc[k, "name"],
            "reason": reason,
        }
        for k, reason in reasons.items()
    ]
    good = frame.drop(index=list(reasons))
    if good.empty:
        listed = "; ".join(f"feature {b['feature_no']}: {b['reason']}" for b in bad[:5])
        msg = f"{result.source_name}: no usable site ({listed})."
        raise InputDataError(msg, zh=f"{result.source_name}：没有可用的场址（{listed}）。")
    return SiteInput(
        sites=good.reset_index(drop=True),
        source_name=result.source_name,
        bad=sorted(bad, key=lambda b: b["feature_no"]),
        notes=tuple(note.render(lang) for note in result.notes),
    )


def _with_ids_and_names(features: pd.DataFrame) -> pd.DataFrame:
    """Return ``features`` with ``site_id`` and ``name`` from the file's own columns."""
    texts = {
        key: _texts(features, _first_column(features, aliases))
        for key, aliases in (("site_id", ID_COLUMNS), ("name", NAME_COLUMNS))
    }
    numbered = "site-" + features["feature_no"].astype(int).astype(str)
    site_ids = texts["site_id"].fillna(numbered).astype(str)
    names = texts["name"].astype(object).where(texts["name"].notna(), None)
    return features.assign(site_id=site_ids, name=names)


def _with_herd_column(features: pd.DataFrame) -> pd.DataFrame:
    """Return ``features`` with the herd under `HERD_COLUMN`, read from any of `HERD_COLUMNS`."""
    found = _first_column(features, HERD_COLUMNS)
    if found is None or found == HERD_COLUMN:
        return features
    return features.rename(columns={found: HERD_COLUMN})


def _first_column(frame: pd.DataFrame, aliases: tuple[str, ...]) -> str | None:
    by_lower = {str(c).strip().lower(): c for c in frame.columns}
    return next((by_lower[a.lower()] for a in aliases if a.lower() in by_lower), None)


def _texts(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """Return the column as stripped text, NA where missing or empty (a number 7 -> "7")."""
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    values = frame[column].map(_text)
    return values.astype("string").where(values.astype("string") != "", pd.NA)


def _text(value: object) -> object:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return pd.NA
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an integer id read as a float (Shapefile, XLSX)
    return str(value).strip()


def _attribute_problems(frame: pd.DataFrame, given: pd.Series, lang: str) -> dict[int, str]:
    reasons: dict[int, str] = {}
    # the labels are ints: read_vector numbers features 0..n-1 (Series.items types them Hashable)
    for k, value in zip(frame.index, frame[HERD_COLUMN], strict=True):
        if not (math.isfinite(value) and value > 0):
            raw = given.loc[k]
            shown = raw.item() if hasattr(raw, "item") else raw  # numpy scalar -> Python
            reasons[k] = (
                f"{HERD_COLUMN} 须为正的头数，实际为 {shown!r}"
                if lang == "zh"
                else f"{HERD_COLUMN} must be a positive number of head, got {shown!r}"
            )
    duplicated = frame["site_id"].duplicated() & ~frame.index.isin(list(reasons))
    for k in frame.index[duplicated]:
        reasons[k] = (
            f"site_id {frame.loc[k, 'site_id']!r} 重复"
            if lang == "zh"
            else f"site_id {frame.loc[k, 'site_id']!r} repeats an earlier feature"
        )
    return reasons


def county_water_use(region: Region, year: int) -> pd.DataFrame:
    """Return each county's water cap and use in ``year`` with no new farms (m³/yr).

    The use is the build-out check's (`siting.buildout.run_buildout` with an empty scenario):
    other use + livestock water of the baseline herd + irrigation of the forage grown.

    Returns
    -------
    pandas.DataFrame
        ``adcode``, ``cap_m3_per_yr``, ``use_m3_per_yr``, ``year``, ``source``.
    """
    inputs, parameters = load_buildout_inputs(region, load_nutrient_params(region.dir))
    no_farms = pd.DataFrame(
        {
            "farm_id": pd.Series(dtype=str),
            "adcode": pd.Series(dtype=str),
            "status": pd.Series(dtype=str),
            "start_year": pd.Series(dtype="int64"),
            "dairy_cow_head": pd.Series(dtype="float64"),
        }
    )
    totals = run_buildout(no_farms, [year], inputs, parameters).county_totals
    return pd.DataFrame(
        {
            "adcode": totals["adcode"].astype(str),
            "cap_m3_per_yr": totals["water_cap_m3_per_yr"].astype(float),
            "use_m3_per_yr": totals["water_use_m3_per_yr"].astype(float),
            "year": totals["year"].astype("int64"),
            "source": f"build-out check {year}, baseline herd, water_caps.csv",
        }
    ).reset_index(drop=True)


@dataclass(frozen=True)
class ScoreOptions:
    """How ``python -m siting score`` (and a file scored in the app) assesses sites.

    ``crop`` None is the region's ``[plan] receiving_crop`` and ``water_year`` None its
    ``[plan] water_baseline_year`` (manifest); ``with_water`` False skips the county water
    headroom. ``weights_method`` is ``"direct"`` (siting_criteria.csv) or ``"ahp"``
    (siting_ahp_matrix.csv); ``weights`` and ``rule_limits`` override single criteria
    weights and gate limits.
    """

    crop: str | None = None
    with_parcels: bool = True
    water_year: int | None = None
    with_water: bool = True
    weights_method: Literal["direct", "ahp"] = "direct"
    weights: tuple[tuple[str, float], ...] = ()
    rule_limits: tuple[tuple[str, float], ...] = ()
    delta_frac: float = 0.2


def check_herd_sizes(sites: gpd.GeoDataFrame, region: Region) -> None:
    """Refuse implausible dairy herds of ``sites`` (EPSG:4326; ``dairy_cow_head``, ``name``).

    Raises
    ------
    ParameterError
        Listing every site over the region's herd limits (`siting.herd_limits.check_herds`).
    """
    heads = pd.to_numeric(sites[HERD_COLUMN], errors="coerce").fillna(0).to_numpy(dtype=float)
    names = sites["name"] if "name" in sites.columns else sites["site_id"]
    labels = names.where(names.notna(), sites["site_id"]).astype(str).tolist()
    area = footprint_area_mu(list(sites.geometry), analysis_crs=region.analysis_crs)
    check_herds(heads, area, labels, load_herd_limits(region.dir))


@dataclass(frozen=True, eq=False)
class ScoringSetup:
    """What scoring a file needs, loaded once: inputs, gate limits and weights."""

    inputs: SitingInputs
    params: SitingParams
    weights: CriteriaWeights


def load_scoring_setup(region: Region, options: ScoreOptions) -> ScoringSetup:
    """Load the region's siting inputs and apply ``options``' limits and weights.

    The one loading step of `assess_site_file` and of the chunked batch
    (`planning.scaleout.sites`, where every worker calls it once).
    """
    water_year = (
        region.plan.water_baseline_year if options.water_year is None else options.water_year
    )
    water = county_water_use(region, water_year) if options.with_water else None
    inputs = load_siting_inputs(
        region, crop=options.crop, with_parcels=options.with_parcels, county_water=water
    )
    params = inputs.params.with_rule_limits(dict(options.rule_limits))
    return ScoringSetup(inputs=inputs, params=params, weights=_weights(options, inputs))


def assess_site_file(
    site_input: SiteInput, region: Region, options: ScoreOptions
) -> tuple[SiteAssessment, SitingInputs]:
    """Load the region's inputs and assess the sites read from a file.

    Raises
    ------
    ParameterError
        If ``options.delta_frac`` is not in (0, 1).
    """
    setup = load_scoring_setup(region, options)
    inputs = setup.inputs
    check_herd_sizes(site_input.sites, region)
    delta = options.delta_frac
    if not 0 < delta < 1:
        msg = f"--delta {delta} must be a fraction in (0, 1), e.g. 0.2 for ±20%."
        raise ParameterError(msg, zh=f"--delta {delta} 须在 (0, 1) 之间。")
    assessment = assess_sites(
        site_input.sites,
        inputs.layers,
        setup.params,
        setup.weights,
        needs=inputs.needs,
        terrain=site_terrain(site_input.sites, inputs),
        delta_frac=delta,
    )
    return assessment, inputs


def assess_candidates(
    sites: gpd.GeoDataFrame,
    inputs: SitingInputs,
    weights: tuple[tuple[str, float], ...],
    *,
    delta_frac: float,
) -> SiteAssessment:
    """Assess ``sites`` on loaded ``inputs`` with (criterion, weight) pairs ``weights``.

    The same call as `assess_site_file` (needs, slope from the inputs' DEM, weight
    sensitivity of ±``delta_frac``), for inputs the caller loaded or replaced (the site-check
    page's user layers).

    Raises
    ------
    ParameterError
        If a site's herd is implausible (`check_herd_sizes`).
    """
    check_herd_sizes(sites, inputs.region)
    return assess_sites(
        sites,
        inputs.layers,
        inputs.params,
        CriteriaWeights.from_mapping(dict(weights)),
        needs=inputs.needs,
        terrain=site_terrain(sites, inputs),
        delta_frac=delta_frac,
    )


def _weights(options: ScoreOptions, inputs: SitingInputs) -> CriteriaWeights:
    base = (
        weights_from_ahp(inputs.ahp_matrix)
        if options.weights_method == "ahp"
        else default_weights(inputs.params)
    )
    if not options.weights:
        return base
    return CriteriaWeights.from_mapping({**base.as_dict(), **dict(options.weights)})
