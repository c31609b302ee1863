"""Everything site suitability needs from a region pack, loaded once (the app caches it).

`load_siting_inputs` reads the constraint layers (analysis CRS), the absorption parcels (if
the pack has them), the rules and criteria tables, the default AHP matrix and the nutrient
coefficients for the land need; `site_terrain` measures the slope under candidate sites
from the pack's DEM. Scoring itself is `siting.assess.assess_sites`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from layers.coefficients import load_crop_table, load_nutrient_params
from layers.constraints import DEM_KIND, dem_path, load_constraint_layers
from layers.parcels import PARCELS_KIND, load_parcels
from layers.siting_params import load_ahp_matrix, load_siting_params
from siting.assess import NeedAssumptions

if TYPE_CHECKING:
    from pathlib import Path

    import geopandas as gpd
    import pandas as pd

    from layers.region import Region
    from siting.criteria import ConstraintLayers, SitingParams

#: Receiving crop of the manure-land need by default (Hohhot dairy farms spread on silage
#: maize); the CLI's --crop and the app can change it.
DEFAULT_RECEIVING_CROP: str = "silage_corn"


@dataclass(frozen=True, eq=False)
class SitingInputs:
    """Loaded inputs of site suitability for one region pack."""

    region: Region
    layers: ConstraintLayers
    params: SitingParams
    ahp_matrix: pd.DataFrame
    needs: NeedAssumptions
    dem: Path | None


def load_siting_inputs(region: Region, *, crop: str = DEFAULT_RECEIVING_CROP,
                       soil_class: str = "II", with_parcels: bool = True) -> SitingInputs:
    """Load the layers, parameters and DEM path of ``region``.

    Parameters
    ----------
    crop, soil_class
        Receiving crop (key of crops.csv) and soil class of the manure-land need.
    with_parcels
        Load the absorption parcels for the land criteria (if the pack has them).

    Raises
    ------
    FileFormatError
        If a declared layer file is missing (generated layers: run ``make data``).
    SchemaError, ParameterError
        For bad tables or an unknown crop.
    """
    has_parcels = any(s.kind == PARCELS_KIND for s in region.layers.values())
    parcels = load_parcels(region) if with_parcels and has_parcels else None
    nutrient_params = load_nutrient_params(region.dir)
    needs = NeedAssumptions(nutrient_params=nutrient_params,
                            crop=load_crop_table(region.dir).get(crop), soil_class=soil_class)
    has_dem = any(s.kind == DEM_KIND for s in region.layers.values())
    return SitingInputs(region=region,
                        layers=load_constraint_layers(region, parcels=parcels),
                        params=load_siting_params(region.dir),
                        ahp_matrix=load_ahp_matrix(region.dir), needs=needs,
                        dem=dem_path(region) if has_dem else None)


def site_terrain(sites: gpd.GeoDataFrame, inputs: SitingInputs) -> pd.DataFrame | None:
    """Return the slope statistics of ``sites`` (any CRS) from the pack's DEM, or None."""
    from geo.raster import slope_stats

    if inputs.dem is None:
        return None
    return slope_stats(sites, inputs.dem, id_column="site_id")
