"""The site file's own id (``source_id``) in the scenario store; older stores still open.

A store created before ``source_id`` existed has no such column: opening it adds the
column (all NULL), keeps every site, and the new field reads as None. Exports carry it; an
export written before it existed still imports.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyogrio

from store import SITE_COLUMNS, ScenarioStore, SiteRecord, export_scenario
from store.schema import SITES_TABLE
from store.site_import import import_sites
from tests.store.conftest import footprint


def _columns(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({SITES_TABLE})")]


def test_source_id_round_trip_and_export(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path / "plans.gpkg")
    store.create_scenario("s", user="li")
    store.add_sites(
        "s",
        [
            SiteRecord(name="A", geometry=footprint(111.0, 40.5), source_id=" DEMO-09 "),
            SiteRecord(name="B", geometry=footprint(111.1, 40.5)),
        ],
        user="li",
    )
    sites = store.sites("s").set_index("name")
    assert sites.loc["A", "source_id"] == "DEMO-09"  # stripped like the other texts
    assert sites["source_id"].isna().tolist() == [False, True]
    assert "source_id" in SITE_COLUMNS
    out = export_scenario(store, "s", tmp_path / "s.gpkg", "gpkg")
    exported = pyogrio.read_dataframe(out, layer="sites").set_index("name")
    assert exported.loc["A", "source_id"] == "DEMO-09"


def test_a_store_without_the_column_opens_and_gets_it(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    store = ScenarioStore(path)
    store.create_scenario("s", user="li")
    store.add_site("s", SiteRecord(name="A", geometry=footprint(111.0, 40.5)), user="li")
    with sqlite3.connect(path) as conn:  # what a store of the first release looks like
        conn.execute(f"ALTER TABLE {SITES_TABLE} DROP COLUMN source_id")
        conn.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    assert "source_id" not in _columns(path)
    reopened = ScenarioStore(path)
    assert "source_id" in _columns(path)
    sites = reopened.sites("s")
    assert list(sites["name"]) == ["A"] and sites["source_id"].isna().all()
    added = reopened.add_site(
        "s", SiteRecord(name="B", geometry=footprint(111.1, 40.5), source_id="P-7"), user="li"
    )
    assert reopened.get_site(str(added.site_id)).source_id == "P-7"


def test_an_export_without_the_column_still_imports(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path / "plans.gpkg")
    store.create_scenario("s", user="li")
    store.add_site("s", SiteRecord(name="A", geometry=footprint(111.0, 40.5)), user="li")
    out = export_scenario(store, "s", tmp_path / "s.geojson", "geojson")
    old = pyogrio.read_dataframe(out).drop(columns="source_id")
    old_file = tmp_path / "old.geojson"
    pyogrio.write_dataframe(old, old_file, driver="GeoJSON")
    sites = import_sites(old_file)
    assert list(sites.columns) == [*SITE_COLUMNS, "geometry"]
    assert sites["source_id"].isna().all()
