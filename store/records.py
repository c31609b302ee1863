"""Records of the scenario store: scenarios, sites, reviews, comments (frozen dataclasses).

A `SiteRecord` is what the planner edits: build a new one, or ``dataclasses.replace`` a loaded
one, and hand it to the store. Fields after ``note`` are set by the store (identifiers,
``version`` for optimistic concurrency, who/when); values passed in them are ignored on add.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from shapely.geometry import Polygon

if TYPE_CHECKING:
    import pandas as pd

    import geopandas as gpd

SITE_STATUSES: Final[tuple[str, ...]] = ("existing", "under_construction", "proposed")
FOOTPRINT_SOURCES: Final[tuple[str, ...]] = ("drawn", "uploaded", "point_footprint")
REVIEW_DECISIONS: Final[tuple[str, ...]] = ("approve", "reject", "request_changes")
#: Herd on stock (存栏) by species, in head. Species names are the keys of ``pe_per_head.*``
#: in data/coefficients/nutrient_factors.csv. ``dairy_cow_head`` counts all dairy cattle as
#: plans do (奶牛存栏); the split into cows, heifers and calves is a coefficient
#: (data/coefficients/herd_structure.csv), not a site attribute.
HERD_COLUMNS: Final[tuple[str, ...]] = (
    "dairy_cow_head",
    "beef_cattle_head",
    "sheep_head",
    "goat_head",
)
#: Attributes the planner sets, in table order (geometry excluded).
SITE_INPUT_FIELDS: Final[tuple[str, ...]] = (
    "name",
    "status",
    "start_year",
    *HERD_COLUMNS,
    "manure_route",
    "haul_radius_km",
    "footprint_source",
    "county_code",
    "note",
    "source_id",
)
#: Attributes the store sets.
SITE_STORE_FIELDS: Final[tuple[str, ...]] = (
    "site_id",
    "scenario_id",
    "origin_site_id",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
)

ReviewDecision = Literal["approve", "reject", "request_changes"]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named plan variant (e.g. "2023 plan").

    ``version`` increases by one with every change to the scenario's sites or allocations;
    pass it as ``expected_version`` to detect concurrent edits. Times are UTC ISO 8601.
    """

    scenario_id: str
    name: str
    description: str
    parent_scenario_id: str | None
    version: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str


@dataclass(frozen=True, slots=True)
class SiteRecord:
    """A farm (牧场) site: footprint, herd and manure handling.

    Parameters
    ----------
    name
        Display name, unique among the live sites of a scenario.
    geometry
        Footprint polygon in EPSG:4326 (lon/lat degrees). A single-part MultiPolygon is
        accepted and stored as its polygon; Z is dropped; the exterior ring is stored
        counter-clockwise.
    status
        ``existing``, ``under_construction`` or ``proposed``.
    start_year
        Year the farm starts (or started) operating, or None.
    dairy_cow_head, beef_cattle_head, sheep_head, goat_head
        Herd on stock (存栏) in head (whole numbers >= 0); dairy counts all dairy cattle.
    manure_route
        Manure handling route key (e.g. ``"separation_compost_lagoon"``), or None for the
        region default; checked against the coefficient table by ``siting``, not here.
    haul_radius_km
        Maximum manure haul distance in km (> 0), or None for the region default.
    footprint_source
        ``drawn``, ``uploaded`` or ``point_footprint`` (a square built from a point).
    county_code
        6-digit administrative code of the county (旗县), or None.
    note
        Free text, or None.
    source_id
        The site's id in the file it came from (e.g. ``"DEMO-09"`` or the user's id column),
        or None for a drawn site or a file without one; kept as text, never used as a key.
    site_id, scenario_id, origin_site_id, version, created_at, created_by, updated_at,
    updated_by
        Set by the store. ``origin_site_id`` is the site this one was copied from when its
        scenario was duplicated. ``version`` starts at 1 and increases with each change.
    """

    name: str
    geometry: Polygon
    status: str = "proposed"
    start_year: int | None = None
    dairy_cow_head: int = 0
    beef_cattle_head: int = 0
    sheep_head: int = 0
    goat_head: int = 0
    manure_route: str | None = None
    haul_radius_km: float | None = None
    footprint_source: str = "drawn"
    county_code: str | None = None
    note: str | None = None
    source_id: str | None = None
    site_id: str | None = None
    scenario_id: str | None = None
    origin_site_id: str | None = None
    version: int = 0
    created_at: str | None = None
    created_by: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """A reviewer's decision on one version of a site (UTC ISO 8601 time)."""

    review_id: str
    scenario_id: str
    site_id: str
    site_version: int
    decision: str
    reason: str
    reviewer: str
    decided_at: str


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment on a scenario, or on one of its sites when ``site_id`` is set."""

    comment_id: str
    scenario_id: str
    site_id: str | None
    text: str
    author: str
    created_at: str


@dataclass(frozen=True, slots=True)
class ScenarioSnapshot:
    """A scenario with its live sites and allocations, read in one transaction."""

    scenario: Scenario
    sites: gpd.GeoDataFrame
    allocations: pd.DataFrame
