"""Parcel view: one county's parcels coloured by remaining capacity, marked illustrative."""

from __future__ import annotations

import re

import pytest

import geopandas as gpd
from shapely.geometry import box

from layers.coefficients import load_crop_table, load_nutrient_params
from layers.counties import load_counties
from layers.parcels import load_parcels
from layers.region import load_region
from siting.nutrients import parcel_absorption_capacity
from siting.nutrients.remaining import remaining_capacity
from ui.balance.parcels import parcel_frame, parcel_map, value_column
from ui.colorscale import NO_DATA_COLOR
from ui.map import MapView

JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
HUIMIN = "150103"


@pytest.fixture(scope="module")
def huimin():
    region = load_region("hohhot")
    parcels = load_parcels(region)
    chosen = parcels.loc[parcels["adcode"] == HUIMIN]
    crops = load_crop_table(region.dir)
    with_capacity = parcel_absorption_capacity(chosen, crops, load_nutrient_params(region.dir))
    counties = load_counties(region)
    return (
        region,
        remaining_capacity(with_capacity),
        counties.loc[counties["adcode"] == HUIMIN],
        crops,
    )


def _render(m) -> str:
    html = m.get_root().render()
    return JSON_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), html)


def test_parcel_map_shows_the_county_parcels_and_the_illustrative_note(huimin) -> None:
    region, parcels, outline, crops = huimin
    view = MapView(center_lonlat=region.map_center_lonlat, zoom=region.map_zoom)
    html = _render(
        parcel_map(
            parcels,
            outline,
            basis="N",
            measure="per_mu",
            crops=crops,
            analysis_crs=region.analysis_crs,
            view=view,
            illustrative=True,
        )
    )
    assert f"{HUIMIN}-000001" in html
    assert "示意数据（非真实数据）：地块剩余消纳能力（以氮计）" in html
    assert "剩余可消纳粪肥氮（kg/亩）" in html and "无（不可施粪肥）" in html
    assert "剩余可消纳氮（kg/年）" in html  # tooltip alias


def test_only_needed_properties_are_sent(huimin) -> None:
    _, parcels, _, crops = huimin
    shown = parcel_frame(parcels, basis="P", measure="total", crops=crops, lang="zh")
    assert set(shown.columns) == {
        "parcel_id",
        "geometry",
        "crop_txt",
        "area_txt",
        "manure_txt",
        "remaining_txt",
        "remaining_per_mu_txt",
        "fill_color",
    }
    no_manure = ~parcels["manure_allowed"].to_numpy()
    assert (shown.loc[no_manure, "fill_color"] == NO_DATA_COLOR).all()
    assert (shown.loc[~no_manure, "fill_color"] != NO_DATA_COLOR).all()


def test_value_column_follows_basis_and_measure() -> None:
    assert value_column("N", "per_mu") == "remaining_n_kg_per_mu"
    assert value_column("P", "total") == "remaining_p_kg_per_yr"


def test_remaining_per_mu_text_is_capacity_over_area() -> None:
    crops = load_crop_table()
    frame = gpd.GeoDataFrame(
        {
            "parcel_id": ["x"],
            "area_mu": [100.0],
            "crop": ["maize"],
            "manure_allowed": [True],
            "remaining_n_kg_per_yr": [1242.0],
            "remaining_n_kg_per_mu": [12.42],
            "remaining_p_kg_per_yr": [135.0],
            "remaining_p_kg_per_mu": [1.35],
        },
        geometry=[box(0, 0, 1, 1)],
        crs="EPSG:4326",
    )
    shown = parcel_frame(frame, basis="N", measure="per_mu", crops=crops, lang="zh")
    assert shown.loc[0, "remaining_per_mu_txt"] == "12.42"
    assert shown.loc[0, "remaining_txt"] == "1,242"
    assert shown.loc[0, "crop_txt"] == "玉米"
