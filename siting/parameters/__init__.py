"""Frozen coefficient objects with range checks, units, sources and status.

One module per method: ``nutrients`` (2018 MoA guide), ``crops``, ``manure_routes``,
``warning_grades``; later issues add ``forage``, ``water`` ... next to them and re-export
here. Defaults are CSV files read by `layers.coefficients`; no number is hard-coded.
"""

from __future__ import annotations

from siting.parameters.coefficient import STATUSES, USER_STATUS, Coefficient
from siting.parameters.crops import UPTAKE_BASIS_KG, YIELD_BASES, CropCoefficient, CropTable
from siting.parameters.manure_routes import (
    GUIDE_DEFAULT,
    STAGES,
    ManureRoute,
    ManureRouteStage,
    ManureRouteTable,
    measured_route,
)
from siting.parameters.nutrients import DAIRY_COW, SOIL_CLASSES, NutrientParams
from siting.parameters.warning_grades import WarningGrade, WarningGrades

__all__ = [
    "DAIRY_COW",
    "GUIDE_DEFAULT",
    "SOIL_CLASSES",
    "STAGES",
    "STATUSES",
    "UPTAKE_BASIS_KG",
    "USER_STATUS",
    "YIELD_BASES",
    "Coefficient",
    "CropCoefficient",
    "CropTable",
    "ManureRoute",
    "ManureRouteStage",
    "ManureRouteTable",
    "NutrientParams",
    "WarningGrade",
    "WarningGrades",
    "measured_route",
]

# Forage, water and build-out parameters (issue 6).
from siting.parameters.buildout import BuildoutParams
from siting.parameters.forage import (
    ADULT_CLASSES,
    ANIMAL_CLASSES,
    DAIRY_CLASSES,
    FEEDS,
    ZONES,
    ForageParams,
)
from siting.parameters.region import (
    DEFAULT_RECEIVING_CROP,
    DEFAULT_RECEIVING_SOIL_CLASS,
    RegionParams,
)
from siting.parameters.water import LIVESTOCK_CLASSES, WaterParams

__all__ += [
    "ADULT_CLASSES",
    "ANIMAL_CLASSES",
    "DAIRY_CLASSES",
    "FEEDS",
    "LIVESTOCK_CLASSES",
    "ZONES",
    "BuildoutParams",
    "ForageParams",
    "WaterParams",
]
# The region bundle of every coefficient object above (one truth for needs and build-out).
__all__ += ["DEFAULT_RECEIVING_CROP", "DEFAULT_RECEIVING_SOIL_CLASS", "RegionParams"]
