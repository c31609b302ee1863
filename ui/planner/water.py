"""Water of the edited site as a breakdown against its county's headroom (display only).

The herd's water (livestock: drinking, parlour and cleaning, one quota per head; forage
irrigation) comes from the checked run (`siting.farm_needs`); the county's cap and current
use from the same table the water-headroom criterion reads (``county_water`` of the
suitability inputs). The county is the one holding the site's inner point, named, not coded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shapely

if TYPE_CHECKING:
    import pandas as pd

    from shapely.geometry.base import BaseGeometry

    from siting.scenario_run import ScenarioInputs, ScenarioRun


@dataclass(frozen=True)
class SiteWater:
    """One site's water need (m³/yr) and its county's cap and use (m³/yr; NaN if unknown)."""

    county_name: str
    livestock_m3_per_yr: float
    irrigation_m3_per_yr: float
    cap_m3_per_yr: float
    use_m3_per_yr: float
    use_year: int | None

    @property
    def total_m3_per_yr(self) -> float:
        """Livestock plus irrigation water (m³/yr)."""
        return self.livestock_m3_per_yr + self.irrigation_m3_per_yr

    @property
    def headroom_m3_per_yr(self) -> float:
        """The county's cap less its current use, before this site (m³/yr)."""
        return self.cap_m3_per_yr - self.use_m3_per_yr

    @property
    def left_m3_per_yr(self) -> float:
        """Headroom left after this site (m³/yr; negative: the cap is exceeded)."""
        return self.headroom_m3_per_yr - self.total_m3_per_yr

    @property
    def share_of_headroom(self) -> float:
        """This site's water as a fraction of the headroom (inf if there is none)."""
        room = self.headroom_m3_per_yr
        if math.isnan(room):
            return math.nan
        return self.total_m3_per_yr / room if room > 0 else math.inf


def site_water(
    run: ScenarioRun, site_id: str, geometry: BaseGeometry, inputs: ScenarioInputs, lang: str
) -> SiteWater:
    """Return the water of ``site_id`` in ``run`` and its county's cap and use."""
    need = run.needs.set_index("site_id").loc[site_id]
    counties = inputs.counties
    point = shapely.Point(geometry.representative_point())
    hits = counties[counties.geometry.contains(point)]
    name_column = "name_en" if lang == "en" else "name_zh"
    name, adcode = (
        ("", "") if hits.empty else (str(hits[name_column].iloc[0]), str(hits["adcode"].iloc[0]))
    )
    cap, use, year = _county_water(inputs, adcode)
    return SiteWater(
        county_name=name,
        livestock_m3_per_yr=float(need["livestock_water_m3_per_yr"]),
        irrigation_m3_per_yr=float(need["irrigation_water_m3_per_yr"]),
        cap_m3_per_yr=cap,
        use_m3_per_yr=use,
        use_year=year,
    )


def _county_water(inputs: ScenarioInputs, adcode: str) -> tuple[float, float, int | None]:
    table: pd.DataFrame | None = (
        None if inputs.suitability is None else inputs.suitability.layers.county_water
    )
    if table is None or not adcode:
        return math.nan, math.nan, None
    rows = table[table["adcode"].astype(str) == adcode]
    if rows.empty:
        return math.nan, math.nan, None
    row = rows.iloc[0]
    return float(row["cap_m3_per_yr"]), float(row["use_m3_per_yr"]), int(row["year"])
