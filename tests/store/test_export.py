"""Exports of a scenario and imports of their sites: every format round-trips."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import Point

from errors import FileFormatError, MissingCrsError, ParameterError, SchemaError
from store import (
    EXPORT_FORMATS,
    ScenarioStore,
    SiteRecord,
    export_scenario,
    import_sites,
    site_records,
)
from store.export import SUFFIXES
from store.shapefile_zip import SHAPEFILE_NAMES
from tests.store.conftest import full_site

GEOMETRY_TOL_DEG = 1e-9


@pytest.fixture
def scenario_store(store: ScenarioStore) -> ScenarioStore:
    """A scenario with a fully described site, a sparse site and allocations."""
    store.create_scenario("2023 plan", user="li")
    full = store.add_site("2023 plan", full_site(), user="li")
    sparse = store.add_site(
        "2023 plan",
        SiteRecord(name="Sparse", geometry=Point(111.7, 40.9).buffer(0.004, 8)),
        user="li",
    )
    store.save_allocations(
        "2023 plan",
        pd.DataFrame(
            {
                "site_id": [full.site_id, full.site_id, sparse.site_id],
                "parcel_id": ["150121-0001", "150122-0002", "150121-0003"],
                "county_code": ["150121", "150122", None],
                "share_frac": [0.5, 1.0, 0.2],
                "area_mu": [100.0, 250.5, 40.0],
                "n_kg_per_yr": [1000.0, 2500.0, 300.0],
                "p_kg_per_yr": [150.0, 400.0, 50.0],
                "haul_km": [3.5, 8.25, 1.0],
            }
        ),
        user="li",
    )
    return store


def _assert_same_sites(actual: gpd.GeoDataFrame, expected: gpd.GeoDataFrame) -> None:
    pd.testing.assert_frame_equal(
        actual.drop(columns="geometry"), expected.drop(columns="geometry"), rtol=1e-12
    )
    assert actual.crs == expected.crs == "EPSG:4326"
    same = shapely.equals_exact(
        actual.geometry.values, expected.geometry.values, tolerance=GEOMETRY_TOL_DEG
    )
    assert same.all()


@pytest.mark.parametrize("fmt", [f for f in EXPORT_FORMATS if f != "kml"])
def test_round_trip_without_loss(scenario_store: ScenarioStore, tmp_path: Path, fmt: str) -> None:
    out = export_scenario(scenario_store, "2023 plan", tmp_path / f"plan{SUFFIXES[fmt]}", fmt)
    _assert_same_sites(import_sites(out), scenario_store.sites("2023 plan"))
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]


def test_kml_has_names_geometry_and_key_figures(
    scenario_store: ScenarioStore, tmp_path: Path
) -> None:
    sites = scenario_store.sites("2023 plan")
    scores = pd.DataFrame(
        {
            "site_id": sites["site_id"],
            "score_pts": [87.5, 40.0],
            "absorption_land_need_mu": [12_345.6, 10.0],
        }
    )
    out = export_scenario(
        scenario_store,
        "2023 plan",
        tmp_path / "plan.kml",
        "kml",
        results={"site_scores": scores},
        labels={"dairy_cow_head": "奶牛存栏 (头)"},
    )
    back = import_sites(out)
    assert back["name"].tolist() == ["土左旗一号牧场", "Sparse"]
    assert shapely.equals_exact(
        back.geometry.values, sites.geometry.values, tolerance=GEOMETRY_TOL_DEG
    ).all()
    _assert_same_sites(back, sites)  # ExtendedData carries the other columns
    descriptions = pyogrio.read_dataframe(out)["description"].tolist()
    assert "<td>奶牛存栏 (头)</td><td>3,000</td>" in descriptions[0]
    assert "<td>score_pts</td><td>87.5</td>" in descriptions[0]
    assert "<td>absorption_land_need_mu</td><td>12,345.6</td>" in descriptions[0]
    assert "<td>haul_radius_km</td><td>12.5</td>" in descriptions[0]
    assert "goat_head" not in descriptions[1]  # zero herd classes are left out


def test_gpkg_layers_for_qgis(scenario_store: ScenarioStore, tmp_path: Path) -> None:
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["150121-0001"], "used_area_mu": [100.0]},
        geometry=[Point(500_000, 4_500_000).buffer(100)],
        crs="EPSG:4546",
    )
    out = export_scenario(
        scenario_store, "2023 plan", tmp_path / "plan.gpkg", "gpkg", results={"parcel_use": parcels}
    )
    layers = dict(pyogrio.list_layers(out))
    assert layers == {
        "scenario": None,
        "sites": "Polygon",
        "allocations": None,
        "county_totals": None,
        "parcel_use": "Polygon",
    }
    parcel_use = gpd.read_file(out, layer="parcel_use")
    assert parcel_use.crs == "EPSG:4326"
    assert parcel_use.geometry[0].centroid.x == pytest.approx(111.0, abs=0.01)
    allocations = pyogrio.read_dataframe(out, layer="allocations")
    assert allocations["area_mu"].tolist() == [100.0, 250.5, 40.0]
    assert pyogrio.read_dataframe(out, layer="scenario")["name"].tolist() == ["2023 plan"]


def test_xlsx_sheets_and_county_totals(scenario_store: ScenarioStore, tmp_path: Path) -> None:
    out = export_scenario(scenario_store, "2023 plan", tmp_path / "plan.xlsx", "xlsx")
    sheets = pd.read_excel(out, sheet_name=None, dtype={"county_code": str})
    assert list(sheets) == ["scenario", "sites", "allocations", "county_totals"]
    totals = sheets["county_totals"].set_index("county_code")
    # the sparse site has no county; its allocation row has none either -> NA group
    assert totals.loc["150121", "site_count"] == 1
    assert totals.loc["150121", "dairy_cow_head"] == 3000
    assert totals.loc["150121", "allocated_area_mu"] == pytest.approx(100.0)
    assert totals.loc["150122", "site_count"] == 0
    assert totals.loc["150122", "allocated_n_kg_per_yr"] == pytest.approx(2500.0)
    unknown = totals[totals.index.isna()].iloc[0]
    assert (unknown["site_count"], unknown["allocated_p_kg_per_yr"]) == (1, 50.0)
    assert sheets["county_totals"]["allocated_area_mu"].sum() == pytest.approx(100.0 + 250.5 + 40.0)


def test_shapefile_zip_holds_the_name_mapping(
    scenario_store: ScenarioStore, tmp_path: Path
) -> None:
    out = export_scenario(scenario_store, "2023 plan", tmp_path / "plan.zip", "shp_zip")
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        mapping = archive.read("sites_columns.csv").decode()
    assert {"sites.shp", "sites.dbf", "sites.shx", "sites.prj", "sites.cpg"} <= names
    assert "cow_head,dairy_cow_head" in mapping
    assert all(len(short) <= 10 for short in SHAPEFILE_NAMES.values())
    assert len(set(SHAPEFILE_NAMES.values())) == len(SHAPEFILE_NAMES)


def test_export_replaces_an_existing_file(scenario_store: ScenarioStore, tmp_path: Path) -> None:
    out = tmp_path / "plan.gpkg"
    out.write_text("old")
    export_scenario(scenario_store, "2023 plan", out, "gpkg")
    assert len(import_sites(out)) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"out": "plan.pdf", "fmt": "pdf"}, ParameterError, r"Export format 'pdf' is not one of"),
        (
            {"out": "plan.gpkg", "fmt": "kml"},
            ParameterError,
            r"plan\.gpkg must end with \.kml for format 'kml'",
        ),
        (
            {"results": {"sites": pd.DataFrame()}},
            ParameterError,
            r"name 'sites' must be a lower-case identifier",
        ),
        ({"results": {"Bad Name": pd.DataFrame()}}, ParameterError, r"name 'Bad Name' must be"),
        (
            {"results": {"scores": pd.DataFrame({"score": [1.0], "water": [2.0]})}},
            SchemaError,
            r"scores: numeric column\(s\) water have no unit in their name",
        ),
        (
            {"results": {"parcels": gpd.GeoDataFrame(geometry=[Point(1, 1)])}},
            MissingCrsError,
            r"Result 'parcels' has no CRS",
        ),
    ],
)
def test_export_errors(
    scenario_store: ScenarioStore,
    tmp_path: Path,
    kwargs: dict[str, object],
    error: type[Exception],
    match: str,
) -> None:
    args = {"out": "plan.gpkg", "fmt": "gpkg", **kwargs}
    with pytest.raises(error, match=match):
        export_scenario(
            scenario_store, "2023 plan", tmp_path / str(args.pop("out")), args.pop("fmt"), **args
        )  # type: ignore[arg-type]
    assert {p.name for p in tmp_path.iterdir()} <= {"plans.gpkg"}  # the store only


def test_shapefile_refuses_text_it_would_truncate(store: ScenarioStore, tmp_path: Path) -> None:
    store.create_scenario("s", user="li")
    store.add_site(
        "s", SiteRecord(name="A", geometry=Point(111, 40).buffer(0.01), note="长" * 100), user="li"
    )
    with pytest.raises(
        ParameterError,
        match=r"text field holds 254 bytes; too long: note of "
        r"site 'A' \(300 bytes\)",
    ):
        export_scenario(store, "s", tmp_path / "s.zip", "shp_zip")


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("sites.csv", "a,b", r"sites\.csv: cannot import sites from a \.csv file"),
        ("missing.gpkg", None, r"missing\.gpkg does not exist"),
        ("broken.geojson", "{not json", r"broken\.geojson cannot be read as exported sites"),
    ],
)
def test_import_errors(tmp_path: Path, name: str, content: str | None, match: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(FileFormatError, match=match):
        import_sites(path)


def test_import_of_a_foreign_file_names_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "other.geojson"
    gpd.GeoDataFrame({"title": ["x"]}, geometry=[Point(1, 1).buffer(1)], crs="EPSG:4326").to_file(
        path
    )
    with pytest.raises(
        SchemaError,
        match=r"other\.geojson lacks the column\(s\) site_id, "
        r"scenario_id, name",
    ):
        import_sites(path)


@pytest.mark.parametrize("fmt", ["geojson", "kml"])
def test_layer_is_named_sites_not_after_the_temporary_file(
    scenario_store: ScenarioStore, tmp_path: Path, fmt: str
) -> None:
    out = export_scenario(scenario_store, "2023 plan", tmp_path / f"x{SUFFIXES[fmt]}", fmt)
    assert pyogrio.list_layers(out)[:, 0].tolist() == ["sites"]


def test_imported_sites_can_be_added_to_another_scenario(
    scenario_store: ScenarioStore, tmp_path: Path
) -> None:
    out = export_scenario(scenario_store, "2023 plan", tmp_path / "plan.gpkg", "gpkg")
    scenario_store.create_scenario("imported", user="li")
    added = scenario_store.add_sites("imported", site_records(import_sites(out)), user="li")
    original = scenario_store.sites("2023 plan")
    again = scenario_store.sites("imported")
    kept = [
        "name",
        "status",
        "start_year",
        "dairy_cow_head",
        "manure_route",
        "haul_radius_km",
        "footprint_source",
        "county_code",
        "note",
    ]
    pd.testing.assert_frame_equal(again[kept], original[kept])
    assert shapely.equals_exact(again.geometry.values, original.geometry.values, tolerance=0).all()
    assert {s.version for s in added} == {1}
    assert set(again["site_id"]).isdisjoint(original["site_id"])
