"""Round trips of the scenario store: scenarios, sites, history, allocations, reviews, audit."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import shapely

from errors import FileFormatError, ParameterError
from store import SITE_COLUMNS, ScenarioStore, SiteRecord
from tests.store.conftest import footprint, full_site

#: How messages name the store: the GeoPackage file or the PostGIS database.
STORE_NAME = r"(plans\.gpkg|database forage on \S+)"


def _allocation(site_ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site_id": site_ids,
            "parcel_id": [f"P{i:04d}" for i in range(len(site_ids))],
            "county_code": ["150121"] * len(site_ids),
            "share_frac": [0.25] * len(site_ids),
            "area_mu": [120.5] * len(site_ids),
            "n_kg_per_yr": [1800.0] * len(site_ids),
            "p_kg_per_yr": [300.0] * len(site_ids),
            "haul_km": [4.2] * len(site_ids),
        }
    )


def test_scenario_round_trip(store: ScenarioStore) -> None:
    created = store.create_scenario(" 2021 plan ", user="li", description="baseline")
    assert created.name == "2021 plan"
    assert created.version == 1
    assert created.created_at == "2026-03-01T08:00:02.000Z"  # reading 1 created the file
    assert store.get_scenario("2021 plan") == created
    assert store.get_scenario(created.scenario_id) == created
    assert store.list_scenarios() == [created]


def test_site_round_trip_keeps_every_attribute(store: ScenarioStore) -> None:
    store.create_scenario("2021 plan", user="li")
    given = full_site()
    added = store.add_site("2021 plan", given, user="li")
    for field in (
        "name",
        "status",
        "start_year",
        "dairy_cow_head",
        "beef_cattle_head",
        "sheep_head",
        "goat_head",
        "manure_route",
        "haul_radius_km",
        "footprint_source",
        "county_code",
        "note",
    ):
        assert getattr(added, field) == getattr(given, field), field
    assert shapely.equals_exact(
        added.geometry, shapely.orient_polygons(given.geometry), tolerance=0
    )
    assert shapely.is_ccw(added.geometry.exterior)
    assert added.version == 1
    assert (added.created_by, added.updated_by) == ("li", "li")
    assert store.get_site(str(added.site_id)) == added
    sites = store.sites("2021 plan")
    assert list(sites.columns) == [*SITE_COLUMNS, "geometry"]
    assert sites.crs == "EPSG:4326"
    assert sites.loc[0, "dairy_cow_head"] == 3000
    assert sites.loc[0, "county_code"] == "150121"
    assert shapely.equals_exact(sites.geometry[0], added.geometry, tolerance=0)


def test_geometry_is_stored_without_precision_loss(store: ScenarioStore) -> None:
    store.create_scenario("s", user="li")
    given = SiteRecord(name="A", geometry=footprint(111.123456789012345, 40.1234567890123456))
    added = store.add_site("s", given, user="li")
    reread = store.sites("s").geometry[0]
    assert added.geometry.equals(given.geometry)
    assert shapely.equals_exact(reread, added.geometry, tolerance=0)


def test_restart_sees_everything(store_location: Path | str, store: ScenarioStore) -> None:
    scenario = store.create_scenario("2021 plan", user="li")
    site = store.add_site(scenario, full_site(), user="li")
    store.save_allocations(scenario, _allocation([str(site.site_id)]), user="li")
    store.record_review(str(site.site_id), "approve", "", reviewer="gov")
    store.add_comment(scenario, "check water", user="gov", site_id=str(site.site_id))
    reopened = ScenarioStore(store_location)
    assert reopened.list_scenarios() == store.list_scenarios()
    pd.testing.assert_frame_equal(reopened.sites(scenario.name), store.sites(scenario.name))
    pd.testing.assert_frame_equal(
        reopened.allocations(scenario.name), store.allocations(scenario.name)
    )
    pd.testing.assert_frame_equal(reopened.reviews(scenario.name), store.reviews(scenario.name))
    pd.testing.assert_frame_equal(reopened.audit(), store.audit())
    assert len(reopened.comments(scenario.name)) == 1


def test_update_bumps_site_and_scenario_versions_and_keeps_history(store: ScenarioStore) -> None:
    store.create_scenario("s", user="li")
    site = store.add_site("s", full_site(), user="li")
    moved = dataclasses.replace(site, dairy_cow_head=3500, geometry=footprint(111.3, 40.7))
    updated = store.update_site(moved, expected_version=1, user="wang")
    assert (updated.version, updated.updated_by, updated.created_by) == (2, "wang", "li")
    assert store.get_scenario("s").version == 3  # created 1, add 2, update 3
    history = store.site_history(str(site.site_id))
    assert history["action"].tolist() == ["add", "update"]
    assert history["version"].tolist() == [1, 2]
    assert history["dairy_cow_head"].tolist() == [3000, 3500]
    assert shapely.equals_exact(history.geometry[0], site.geometry, tolerance=0)
    entry = store.audit("s").iloc[-1]
    assert (entry["action"], entry["user"]) == ("site.update", "wang")
    assert entry["detail"]["changed"] == {"dairy_cow_head": [3000, 3500], "geometry": "changed"}


def test_update_without_change_writes_nothing(store: ScenarioStore) -> None:
    store.create_scenario("s", user="li")
    site = store.add_site("s", full_site(), user="li")
    assert store.update_site(site, expected_version=1, user="wang") == site
    assert store.audit("s")["action"].tolist() == ["scenario.create", "site.add"]


def test_delete_is_soft_and_removes_the_site_allocations(store: ScenarioStore) -> None:
    store.create_scenario("s", user="li")
    keep = store.add_site("s", full_site("keep"), user="li")
    gone = store.add_site("s", full_site("gone", lon=111.4), user="li")
    store.save_allocations("s", _allocation([str(keep.site_id), str(gone.site_id)]), user="li")
    store.delete_site(str(gone.site_id), expected_version=1, user="wang")
    assert store.sites("s")["name"].tolist() == ["keep"]
    assert store.allocations("s")["site_id"].tolist() == [keep.site_id]
    history = store.site_history(str(gone.site_id))
    assert history["action"].tolist() == ["add", "delete"]
    detail = store.audit("s").iloc[-1]["detail"]
    assert detail["allocation_rows_removed"] == 1
    with pytest.raises(ParameterError, match=r"Site 'gone' .* was deleted by wang"):
        store.get_site(str(gone.site_id))
    # the name is free again once the site is deleted
    store.add_site("s", full_site("gone", lon=111.6), user="li")


def test_add_sites_is_one_transaction(store: ScenarioStore) -> None:
    store.create_scenario("s", user="li")
    sites = [full_site(f"S{i}", lon=111.0 + i / 10) for i in range(3)]
    bad = dataclasses.replace(sites[2], dairy_cow_head=-1)
    with pytest.raises(ParameterError, match=r"site 'S2': dairy_cow_head = -1 must be a whole"):
        store.add_sites("s", [*sites[:2], bad], user="li")
    assert store.sites("s").empty
    added = store.add_sites("s", sites, user="li")
    assert [s.name for s in added] == ["S0", "S1", "S2"]
    assert store.get_scenario("s").version == 2  # one bump for the batch


def test_duplicate_scenario_copies_sites_and_allocations(store: ScenarioStore) -> None:
    src = store.create_scenario("2021 plan", user="li", description="baseline")
    site = store.add_site(src, full_site(), user="li")
    store.save_allocations(src, _allocation([str(site.site_id)]), user="li")
    store.record_review(str(site.site_id), "reject", "too close to village", reviewer="gov")
    copy = store.duplicate_scenario("2021 plan", "2023 plan", user="zhao")
    assert (copy.parent_scenario_id, copy.description, copy.version) == (
        src.scenario_id,
        "baseline",
        1,
    )
    copied = store.sites(copy)
    original = store.sites(src)
    assert copied.loc[0, "origin_site_id"] == site.site_id
    assert copied.loc[0, "site_id"] != site.site_id
    attribute_columns = ["name", "status", "dairy_cow_head", "manure_route", "haul_radius_km"]
    pd.testing.assert_frame_equal(copied[attribute_columns], original[attribute_columns])
    assert shapely.equals_exact(copied.geometry[0], original.geometry[0], tolerance=0)
    allocations = store.allocations(copy)
    assert allocations["site_id"].tolist() == [copied.loc[0, "site_id"]]
    assert allocations["area_mu"].tolist() == [120.5]
    assert store.reviews(copy).empty
    # editing the copy leaves the source alone
    copy_site = store.get_site(str(copied.loc[0, "site_id"]))
    store.update_site(
        dataclasses.replace(copy_site, dairy_cow_head=5000), expected_version=1, user="zhao"
    )
    assert store.sites(src).loc[0, "dairy_cow_head"] == 3000
    assert store.audit(copy)["action"].tolist() == ["scenario.duplicate", "site.update"]


def test_allocations_round_trip_and_replace(store: ScenarioStore) -> None:
    store.create_scenario("s", user="li")
    a = store.add_site("s", full_site("A"), user="li")
    b = store.add_site("s", full_site("B", lon=111.4), user="li")
    first = _allocation([str(a.site_id), str(b.site_id)])
    scenario = store.save_allocations("s", first, user="li")
    assert scenario.version == 4
    stored = store.allocations("s")
    pd.testing.assert_frame_equal(stored[list(first.columns)], first, check_dtype=False)
    assert set(stored["computed_by"]) == {"li"}
    store.save_allocations("s", first.iloc[:1], user="wang", expected_version=4)
    assert len(store.allocations("s")) == 1
    assert store.audit("s").iloc[-1]["detail"] == {"rows": 1, "replaced_rows": 2}


def test_reviews_never_touch_the_site(store: ScenarioStore) -> None:
    store.create_scenario("s", user="li")
    site = store.add_site("s", full_site(), user="li")
    review = store.record_review(
        str(site.site_id), "request_changes", "move 300 m north", reviewer="county reviewer"
    )
    assert (review.site_version, review.decision) == (1, "request_changes")
    assert store.get_site(str(site.site_id)) == site
    reviews = store.reviews("s")
    assert reviews[["decision", "reason", "reviewer", "site_version"]].values.tolist() == [
        ["request_changes", "move 300 m north", "county reviewer", 1]
    ]
    entry = store.audit("s").iloc[-1]
    assert (entry["action"], entry["user"], entry["entity_id"]) == (
        "review.record",
        "county reviewer",
        site.site_id,
    )
    assert entry["detail"]["reason"] == "move 300 m north"


def test_every_change_writes_an_audit_entry(store: ScenarioStore) -> None:
    scenario = store.create_scenario("s", user="li")
    site = store.add_site(scenario, full_site(), user="li")
    site = store.update_site(
        dataclasses.replace(site, status="existing"), expected_version=1, user="li"
    )
    store.save_allocations(scenario, _allocation([str(site.site_id)]), user="li")
    store.record_review(str(site.site_id), "approve", "", reviewer="gov")
    store.add_comment(scenario, "ok", user="gov")
    store.duplicate_scenario(scenario, "copy", user="li")
    store.delete_site(str(site.site_id), expected_version=2, user="li")
    audit = store.audit()
    assert audit["action"].tolist() == [
        "scenario.create",
        "site.add",
        "site.update",
        "allocations.save",
        "review.record",
        "comment.add",
        "scenario.duplicate",
        "site.delete",
    ]
    assert audit["at"].is_monotonic_increasing
    assert audit["at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z").all()
    assert audit.loc[2, "detail"]["changed"] == {"status": ["under_construction", "existing"]}


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda s: s.create_scenario("  ", user="li"), r"scenario name: '  ' is empty"),
        (lambda s: s.create_scenario("x", user=""), r"user name: '' is empty"),
        (
            lambda s: s.create_scenario("s", user="li"),
            rf"scenario named 's' already exists in {STORE_NAME}",
        ),
        (
            lambda s: s.get_scenario("nope"),
            rf"No scenario 'nope' in {STORE_NAME}\. Existing scenarios: 's'",
        ),
        (lambda s: s.duplicate_scenario("s", "s", user="li"), r"scenario named 's' already"),
        (lambda s: s.get_site("no-such-id"), r"No site with id 'no-such-id'"),
        (lambda s: s.site_history("no-such-id"), r"No site with id 'no-such-id'"),
        (
            lambda s: s.add_site("s", full_site("A"), user="li"),
            r"Site name\(s\) 'A' are already used in scenario 's'",
        ),
        (
            lambda s: s.add_sites("s", [full_site("B"), full_site("B")], user="li"),
            r"Site name\(s\) 'B' are already used",
        ),
    ],
)
def test_store_errors(store: ScenarioStore, call: object, match: str) -> None:
    store.create_scenario("s", user="li")
    store.add_site("s", full_site("A"), user="li")
    with pytest.raises(ParameterError, match=match):
        call(store)  # type: ignore[operator]


def test_review_errors(store: ScenarioStore) -> None:
    store.create_scenario("s", user="li")
    site = store.add_site("s", full_site(), user="li")
    with pytest.raises(
        ParameterError,
        match=r"decision 'maybe' is not one of approve, "
        r"reject, request_changes",
    ):
        store.record_review(str(site.site_id), "maybe", "x", reviewer="gov")
    with pytest.raises(ParameterError, match=r"'reject' needs a reason"):
        store.record_review(str(site.site_id), "reject", "  ", reviewer="gov")
    store.delete_site(str(site.site_id), expected_version=1, user="li")
    with pytest.raises(
        ParameterError, match=r"was deleted by li at .*; it can no longer be edited or reviewed"
    ):
        store.record_review(str(site.site_id), "approve", "", reviewer="gov")


def test_comment_on_site_of_another_scenario_is_refused(store: ScenarioStore) -> None:
    store.create_scenario("a", user="li")
    store.create_scenario("b", user="li")
    site = store.add_site("a", full_site(), user="li")
    with pytest.raises(ParameterError, match=r"belongs to another scenario than 'b'"):
        store.add_comment("b", "hello", user="li", site_id=str(site.site_id))


@pytest.mark.parametrize(
    ("frame_change", "match", "error"),
    [
        (lambda f: f.drop(columns="haul_km"), r"missing column\(s\) haul_km", "SchemaError"),
        (lambda f: f.assign(extra_m=1.0), r"unknown column\(s\) extra_m", "SchemaError"),
        (lambda f: f.assign(parcel_id=[7]), r"parcel_id must be text identifiers", "SchemaError"),
        (
            lambda f: f.assign(share_frac=[1.5]),
            r"share_frac must be a fraction in \[0, 1\]; "
            r"rows \[0\] have \[1\.5\]",
            "ParameterError",
        ),
        (
            lambda f: f.assign(area_mu=[-3.0]),
            r"area_mu must be a finite number >= 0",
            "ParameterError",
        ),
        (
            lambda f: f.assign(site_id=["other"]),
            r"site_id 'other' are not sites of the scenario",
            "ParameterError",
        ),
    ],
)
def test_allocation_errors(
    store: ScenarioStore, frame_change: object, match: str, error: str
) -> None:
    import errors

    store.create_scenario("s", user="li")
    site = store.add_site("s", full_site(), user="li")
    frame = frame_change(_allocation([str(site.site_id)]))  # type: ignore[operator]
    with pytest.raises(getattr(errors, error), match=match):
        store.save_allocations("s", frame, user="li")
    assert store.allocations("s").empty
    assert store.get_scenario("s").version == 2


def test_a_foreign_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.gpkg"
    text_file.write_text("not a database " * 100)
    with pytest.raises(FileFormatError, match=r"notes\.gpkg cannot be read as a scenario store"):
        ScenarioStore(text_file)
    other = tmp_path / "parcels.gpkg"
    pd.DataFrame({"a": [1]}).pipe(lambda f: __import__("pyogrio").write_dataframe(f, other))
    before = other.read_bytes()
    with pytest.raises(
        FileFormatError,
        match=r"parcels\.gpkg is not a forage-siting scenario "
        r"store \(missing tables: allocations, audit",
    ):
        ScenarioStore(other)
    assert other.read_bytes() == before


def test_store_creates_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "plans.gpkg"
    ScenarioStore(path).create_scenario("s", user="li")
    assert ScenarioStore(path).get_scenario("s").name == "s"
