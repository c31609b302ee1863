"""The site being edited: a drawn footprint checked like an upload, and the form's record.

A drawing is validated by `geo.io.read_vector` on its GeoJSON (the same checks as an
uploaded file: inside the region, valid or repaired with a note), then by the footprint
rules (`siting.site_footprint`: one part, no sliver). A marker stays a point until the form
gives its footprint size; the square is built on every run so the size can be changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

import geopandas as gpd
import shapely

from errors import GeometryRepairedWarning, PlannerWarning
from geo.io import read_vector
from locales import text
from planning.scenarios import SiteRecord, sites_frame
from siting.site_footprint import check_footprints, county_codes, single_footprint, square_footprint
from ui import planner_state as ps

if TYPE_CHECKING:
    from collections.abc import Mapping

    from shapely.geometry.base import BaseGeometry

    from siting.plan_run import PlanInputs
    from ui.drawn import DrawnFeature

#: Site id of a new site in the draft scenario (before the store gives it one).
DRAFT_SITE_ID = "draft-new-site"


@dataclass(frozen=True)
class DraftFootprint:
    """A checked drawing (EPSG:4326): a polygon footprint, or a point to build one around."""

    kind: Literal["polygon", "point"]
    geometry: BaseGeometry
    notes_en: tuple[str, ...] = ()
    notes_zh: tuple[str, ...] = ()

    def notes(self, lang: str) -> tuple[str, ...]:
        """Return the notes in ``lang``."""
        return self.notes_en if lang == "en" else self.notes_zh


def check_drawing(drawing: DrawnFeature, inputs: PlanInputs, *, source_name: str,
                  name: str) -> DraftFootprint:
    """Validate a drawing like an uploaded file and return it as a draft footprint.

    Raises
    ------
    InvalidGeometryError
        Outside the region, unrepairable, several parts, or a sliver (with the reason).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        result = read_vector(drawing.to_geojson_bytes(), filename=source_name,
                             geometry_kind=drawing.kind, region_extent=inputs.region_extent)
    repaired = [text("planner.draft.repaired", lang) for lang in ("en", "zh")] if any(
        issubclass(w.category, GeometryRepairedWarning) for w in caught) else []
    notes_en = [*result.notes, *(str(w.message) for w in caught
                                 if issubclass(w.category, PlannerWarning)
                                 and not issubclass(w.category, GeometryRepairedWarning)),
                *repaired[:1]]
    notes_zh = [*result.notes_zh, *repaired[1:]]
    geometry = result.features.geometry.iloc[0]
    if drawing.kind == "point":
        return DraftFootprint("point", geometry, tuple(notes_en), tuple(notes_zh))
    polygon, en, zh = single_footprint(geometry, name=name, params=inputs.footprint,
                                       analysis_crs=inputs.analysis_crs)
    check_footprints([polygon], [name], params=inputs.footprint,
                     analysis_crs=inputs.analysis_crs)
    return DraftFootprint("polygon", polygon, (*notes_en, *en), (*notes_zh, *zh))


def footprint_polygon(draft: DraftFootprint, footprint_mu: float | None,
                      inputs: PlanInputs) -> shapely.Polygon:
    """Return the draft's footprint: the polygon, or a square of ``footprint_mu`` 亩."""
    if draft.kind == "polygon":
        return draft.geometry
    size = inputs.footprint.default_footprint_mu if footprint_mu is None else footprint_mu
    return square_footprint(draft.geometry, float(size), analysis_crs=inputs.analysis_crs)


def form_values(site: SiteRecord) -> dict[str, Any]:
    """Return the form field values (planner_state keys) showing ``site``."""
    values = {ps.FIELD_NAME: site.name, ps.FIELD_STATUS: site.status,
              ps.FIELD_START_YEAR: site.start_year, ps.FIELD_ROUTE: site.manure_route or "",
              ps.FIELD_RADIUS: site.haul_radius_km, ps.FIELD_NOTE: site.note or ""}
    return values | {key: int(getattr(site, col)) for col, key in ps.HERD_FIELDS.items()}


def record_from_form(state: Mapping[str, Any], geometry: BaseGeometry, *,
                     base: SiteRecord | None, source: str, inputs: PlanInputs) -> SiteRecord:
    """Return the site the form describes, on ``geometry`` (EPSG:4326).

    ``base`` is the saved site being edited (its ids and version are kept), None for a new
    site. ``source`` is the footprint source ("drawn", "point_footprint" or, when the
    footprint was not redrawn, the base's).
    """
    year = state[ps.FIELD_START_YEAR]
    radius = state[ps.FIELD_RADIUS]
    fields = {
        "name": str(state[ps.FIELD_NAME]).strip(), "geometry": geometry,
        "status": str(state[ps.FIELD_STATUS]),
        "start_year": None if year is None else int(year),
        "manure_route": str(state[ps.FIELD_ROUTE]).strip() or None,
        "haul_radius_km": None if radius is None else float(radius),
        "footprint_source": source,
        "county_code": county_codes([geometry], inputs.counties)[0],
        "note": str(state[ps.FIELD_NOTE]).strip() or None,
        **{col: int(state[key] or 0) for col, key in ps.HERD_FIELDS.items()},
    }
    if base is None:
        return SiteRecord(**fields, site_id=DRAFT_SITE_ID)
    return dataclasses.replace(base, **fields)


def draft_sites(saved: gpd.GeoDataFrame, record: SiteRecord) -> gpd.GeoDataFrame:
    """Return the scenario's sites with ``record`` in place of its saved version (or added)."""
    others = saved[saved["site_id"] != record.site_id]
    draft = sites_frame([record])
    if record.name == "":
        draft["name"] = DRAFT_SITE_ID
    if others.empty:
        return draft
    return gpd.GeoDataFrame(pd.concat([others, draft], ignore_index=True), crs=saved.crs)


def record_signature(record: SiteRecord) -> str:
    """Return a digest of everything in ``record`` that a scenario check depends on."""
    values = dataclasses.asdict(record) | {"geometry": shapely.to_wkb(record.geometry, hex=True)}
    text = repr(sorted(values.items()))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def differs(record: SiteRecord, saved: SiteRecord | None) -> bool:
    """Return True if ``record`` differs from the saved site (or is new)."""
    return saved is None or record_signature(record) != record_signature(saved)
