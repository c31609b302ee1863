"""One region's coefficient bundle: what a herd's needs and the build-out check are computed from.

`RegionParams` gathers every coefficient object the needs of a herd
(`siting.needs.herd_needs`) and the build-out check (`siting.buildout.run_buildout`) use:
the 2018 MoA guide's nutrient coefficients, manure routes, the crop table, forage rations
and yields, water quotas, the county zones, warning grades and the build-out ramp, plus the
region's default receiving crop (the land that takes a site's manure when no absorption
parcel lies within its haul radius). `planning.region_inputs.load_region_params` builds it
from a region pack; every page and command gets its numbers from this one object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from problems import Problems
from siting.parameters.buildout import BuildoutParams
from siting.parameters.coefficient import Coefficient
from siting.parameters.crops import CropTable
from siting.parameters.forage import ForageParams
from siting.parameters.manure_routes import ManureRouteTable
from siting.parameters.nutrients import SOIL_CLASSES, NutrientParams
from siting.parameters.warning_grades import WarningGrades
from siting.parameters.water import WaterParams

#: Default receiving crop of a site's manure (Hohhot dairy farms spread on silage maize);
#: the key of ``crops.csv`` used when no absorption parcel is within the haul radius.
DEFAULT_RECEIVING_CROP: Final[str] = "silage_corn"
#: Soil N and P class of that default receiving land (the guide's middle class).
DEFAULT_RECEIVING_SOIL_CLASS: Final[str] = "II"


@dataclass(frozen=True, eq=False)
class RegionParams:
    """Every coefficient object of one region (frozen; build with `dataclasses.replace`).

    Parameters
    ----------
    nutrients
        2018 MoA guide coefficients (pig equivalents, N/P per PE, soil classes ...).
    routes
        Manure-handling routes (N and P retention per stage).
    crops
        Crop uptake per 100 kg and default yields.
    forage
        Rations, herd structure and zone/county yields.
    water
        Livestock and irrigation water quotas.
    county_zones
        County adcode -> zone (selects yields and irrigation quotas); copied into a dict.
    grades
        Load-index warning grades.
    buildout
        Herd ramp, warning band and load-index limits of the build-out check.
    receiving_crop, receiving_soil_class
        The region's default receiving land: crop key of ``crops`` at its default yield
        on this soil class (used where no absorption parcel is within the haul radius).

    Raises
    ------
    ParameterError
        If ``receiving_crop`` is not in ``crops`` or the soil class is unknown.
    """

    nutrients: NutrientParams
    routes: ManureRouteTable
    crops: CropTable
    forage: ForageParams
    water: WaterParams
    county_zones: Mapping[str, str]
    grades: WarningGrades
    buildout: BuildoutParams
    receiving_crop: str = DEFAULT_RECEIVING_CROP
    receiving_soil_class: str = DEFAULT_RECEIVING_SOIL_CLASS

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "county_zones", {str(k): str(v) for k, v in self.county_zones.items()}
        )
        problems = Problems("region parameters", "地区参数")
        if self.receiving_crop not in self.crops:
            problems.add(
                f"receiving_crop {self.receiving_crop!r} is not in the crop table "
                f"({', '.join(self.crops)}); choose one of them",
                f"默认消纳作物 {self.receiving_crop!r} 不在作物表中",
            )
        if self.receiving_soil_class not in SOIL_CLASSES:
            problems.add(
                f"receiving_soil_class {self.receiving_soil_class!r} is not one of "
                f"{', '.join(SOIL_CLASSES)}",
                f"默认消纳土地肥力等级 {self.receiving_soil_class!r} 无效",
            )
        problems.raise_if_any()

    def zone_of(self, adcode: str | None) -> str | None:
        """Return the zone of county ``adcode``, or None (no county, or a county without zone)."""
        return None if adcode is None else self.county_zones.get(str(adcode))

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return every record (value, unit, status, source), user overrides marked ``user``."""
        return (
            *self.forage.coefficients(),
            *self.water.coefficients(),
            *self.nutrients.coefficients(),
            *self.grades.coefficients(),
            *self.buildout.coefficients(),
        )
