"""Batch scoring (issue 12): the vectorised needs and slope equal the per-site ones.

On the 15 demo candidates with the Hohhot pack's parcels and counties:

* `siting.assess.site_needs_table` (all sites at once) equals `siting.needs.herd_needs` run
  site by site (`siting.assess.site_needs`) to 1e-9, including the binding basis and the
  receiving land; the same with one herd of goats added (the other herd columns);
* `siting.nutrients.parcel_mix_demands` (grouped sums) equals `parcel_mix_demand` per site;
* `geo.raster.slope_stats` (one windowed block per DEM tile) equals the slope computed on
  each site's own window, done here independently (window read, Horn slope, exactextract).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from exactextract import exact_extract
from exactextract.raster import NumPyRasterSource

from geo.raster import read_raster_window, slope_deg, slope_stats
from layers.region import load_region
from planning.siting_inputs import SitingInputs, load_siting_inputs
from siting.assess import site_counties, site_needs, site_needs_table
from siting.needs import Herd, crop_receiving_land, herd_needs, parcels_in_reach
from siting.needs_table import herd_needs_table
from siting.nutrients import parcel_mix_demand, parcel_mix_demands

REGION = load_region("hohhot")
REL = 1e-9


@pytest.fixture(scope="module")
def inputs() -> SitingInputs:
    return load_siting_inputs(REGION)


@pytest.fixture(scope="module")
def demo(inputs: SitingInputs) -> gpd.GeoDataFrame:
    sites = gpd.read_file(REGION.dir / "demo_candidates.geojson").to_crs(inputs.layers.crs)
    sites = sites[["site_id", "dairy_cow_head", "geometry"]]
    return sites.assign(adcode=site_counties(sites, inputs.layers.counties))


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=REL, abs=0.0)


def test_needs_table_equals_herd_needs_site_by_site(
    inputs: SitingInputs, demo: gpd.GeoDataFrame
) -> None:
    assert inputs.needs is not None
    table = site_needs_table(demo, inputs.needs)
    per_site = site_needs(demo, inputs.needs)
    assert set(table["receiving_land"]) == {"parcels"}  # the parcels path is exercised
    for k, sid in zip(demo.index, demo["site_id"], strict=True):
        need, row = per_site[sid], table.loc[k]
        low, high = need.absorption_land_need_range_mu
        pairs = [
            (row["absorption_land_n_mu"], need.absorption_land_n_mu),
            (row["absorption_land_p_mu"], need.absorption_land_p_mu),
            (row["absorption_land_need_mu"], need.absorption_land_need_mu),
            (row["absorption_land_need_low_mu"], low),
            (row["absorption_land_need_high_mu"], high),
            (row["forage_land_mu"], need.forage_land_mu),
            (row["water_need_m3_per_yr"], need.water_need_m3_per_yr),
            (row["livestock_water_m3_per_yr"], need.water_parts_m3_per_yr["livestock"]),
            (row["irrigation_water_m3_per_yr"], need.water_parts_m3_per_yr["irrigation"]),
        ]
        assert all(_close(float(a), float(b)) for a, b in pairs), (sid, pairs)
        assert (row["binding_basis"], row["receiving_land"]) == (
            need.binding_basis,
            need.land.source,
        )
    assert table["forage_land_mu"].notna().all()  # every demo site is in a zoned county


def test_needs_table_without_county_is_nan(inputs: SitingInputs, demo: gpd.GeoDataFrame) -> None:
    assert inputs.needs is not None
    table = site_needs_table(demo.assign(adcode=None), inputs.needs)
    assert table["forage_land_mu"].isna().all()
    assert table["water_need_m3_per_yr"].isna().all()
    assert table["absorption_land_need_mu"].gt(0).all()


def _slope_one_site(site: gpd.GeoDataFrame, dem: str) -> tuple[float, float]:
    """Slope mean and max on the site's own window (the per-site method)."""
    window = read_raster_window(dem, tuple(site.total_bounds), site.crs, pad_cells=1)
    slope = slope_deg(window.values, window.transform)
    t = window.transform
    rows, cols = slope.shape
    source = NumPyRasterSource(
        slope,
        xmin=t.c,
        ymin=t.f + rows * t.e,
        xmax=t.c + cols * t.a,
        ymax=t.f,
        srs_wkt=window.crs.to_wkt(),
    )
    out = exact_extract(source, site.to_crs(window.crs), ["mean", "max"], output="pandas")
    return float(out["mean"].iloc[0]), float(out["max"].iloc[0])


def test_slope_stats_equal_the_per_site_windows(
    inputs: SitingInputs, demo: gpd.GeoDataFrame
) -> None:
    assert inputs.dem is not None
    stats = slope_stats(demo, inputs.dem)
    assert list(stats["site_id"]) == list(demo["site_id"])
    expected = np.array([_slope_one_site(demo.iloc[[k]], str(inputs.dem)) for k in range(15)])
    got = stats[["slope_mean_deg", "slope_max_deg"]].to_numpy()
    assert got == pytest.approx(expected, rel=REL, abs=0.0)
    assert pd.Series(stats["nodata_cells"]).eq(0).all()


def test_needs_table_with_goats_equals_herd_needs(inputs: SitingInputs) -> None:
    assert inputs.needs is not None
    params = inputs.needs.params
    head = pd.DataFrame({"dairy_cow_head": [5000.0, 0.0], "goat_head": [300.0, 1200.0]})
    lands = [crop_receiving_land(params), crop_receiving_land(params, p_sensitive=True)]
    table = herd_needs_table(head, lands, params, ["150121", "150122"])
    for k in range(2):
        need = herd_needs(
            Herd(head.iloc[k].to_dict()), lands[k], params, adcode=["150121", "150122"][k]
        )
        assert table["absorption_land_need_mu"].iloc[k] == pytest.approx(
            need.absorption_land_need_mu, rel=REL
        )
        assert table["binding_basis"].iloc[k] == need.binding_basis
        assert table["water_need_m3_per_yr"].iloc[k] == pytest.approx(
            need.water_need_m3_per_yr, rel=REL
        )
        assert table["forage_land_mu"].iloc[k] == pytest.approx(need.forage_land_mu, rel=REL)


def test_parcel_mix_demands_equal_parcel_mix_demand_per_site(
    inputs: SitingInputs, demo: gpd.GeoDataFrame
) -> None:
    assert inputs.needs is not None and inputs.needs.parcels is not None
    parcels = inputs.needs.parcels
    pairs = parcels_in_reach(demo.to_crs(parcels.crs), parcels, inputs.needs.haul)
    mixes = parcel_mix_demands(pairs, parcels)
    assert set(mixes) == set(demo["site_id"])
    for sid, rows in pairs.groupby("farm_id")["parcel_pos"]:
        one = parcel_mix_demand(parcels.iloc[rows.to_numpy()])
        many = mixes[str(sid)]
        assert one is not None and many is not None
        assert many.parcel_count == one.parcel_count
        for field in (
            "n_area_mu",
            "p_capacity_kg_per_yr",
            "n_demand_kg_per_mu",
            "p_demand_kg_per_mu",
        ):
            assert getattr(many, field) == pytest.approx(getattr(one, field), rel=REL), field
