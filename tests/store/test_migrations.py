"""A store written by the version 1 schema opens, is backed up, migrated, and keeps its data.

The old store is built here from the literal version 1 DDL (as the program of that version
wrote it), filled with the rows of a store made by today's code (only the columns version 1
had), and then opened by `ScenarioStore`.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from errors import FileFormatError
from store import ScenarioStore
from store.backups import list_backups
from store.gpkg import create_gpkg_core
from store.migrations import MIGRATIONS, SCHEMA_VERSION, column_names, migrate
from tests.store.conftest import StepClock, full_site

V1_DDL = (
    "CREATE TABLE store_meta (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
    "key TEXT NOT NULL UNIQUE, value TEXT NOT NULL)",
    "CREATE TABLE scenarios (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
    "scenario_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE, "
    "description TEXT NOT NULL DEFAULT '', parent_scenario_id TEXT, "
    "version INTEGER NOT NULL, created_at DATETIME NOT NULL, created_by TEXT NOT NULL, "
    "updated_at DATETIME NOT NULL, updated_by TEXT NOT NULL)",
    "CREATE TABLE sites (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POLYGON NOT NULL, "
    "site_id TEXT NOT NULL UNIQUE, "
    "scenario_id TEXT NOT NULL REFERENCES scenarios(scenario_id), name TEXT NOT NULL, "
    "status TEXT NOT NULL CHECK (status IN ('existing', 'under_construction', 'proposed')), "
    "start_year INTEGER, "
    "dairy_cow_head INTEGER NOT NULL DEFAULT 0 CHECK (dairy_cow_head >= 0), "
    "beef_cattle_head INTEGER NOT NULL DEFAULT 0 CHECK (beef_cattle_head >= 0), "
    "sheep_head INTEGER NOT NULL DEFAULT 0 CHECK (sheep_head >= 0), "
    "goat_head INTEGER NOT NULL DEFAULT 0 CHECK (goat_head >= 0), "
    "manure_route TEXT, haul_radius_km DOUBLE, footprint_source TEXT NOT NULL "
    "CHECK (footprint_source IN ('drawn', 'uploaded', 'point_footprint')), "
    "county_code TEXT, note TEXT, origin_site_id TEXT, "
    "version INTEGER NOT NULL, created_at DATETIME NOT NULL, created_by TEXT NOT NULL, "
    "updated_at DATETIME NOT NULL, updated_by TEXT NOT NULL, "
    "deleted BOOLEAN NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))",
    "CREATE TABLE site_history (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
    "site_id TEXT NOT NULL, scenario_id TEXT NOT NULL, version INTEGER NOT NULL, "
    "action TEXT NOT NULL, changed_at DATETIME NOT NULL, changed_by TEXT NOT NULL, "
    "snapshot TEXT NOT NULL, UNIQUE (site_id, version))",
    "CREATE TABLE allocations (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
    "scenario_id TEXT NOT NULL REFERENCES scenarios(scenario_id), "
    "site_id TEXT NOT NULL, parcel_id TEXT NOT NULL, county_code TEXT, "
    "share_frac DOUBLE NOT NULL, area_mu DOUBLE NOT NULL, n_kg_per_yr DOUBLE NOT NULL, "
    "p_kg_per_yr DOUBLE NOT NULL, haul_km DOUBLE NOT NULL, "
    "computed_at DATETIME NOT NULL, computed_by TEXT NOT NULL)",
    "CREATE TABLE reviews (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
    "review_id TEXT NOT NULL UNIQUE, scenario_id TEXT NOT NULL, site_id TEXT NOT NULL, "
    "site_version INTEGER NOT NULL, decision TEXT NOT NULL "
    "CHECK (decision IN ('approve', 'reject', 'request_changes')), "
    "reason TEXT NOT NULL, reviewer TEXT NOT NULL, decided_at DATETIME NOT NULL)",
    "CREATE TABLE comments (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
    "comment_id TEXT NOT NULL UNIQUE, scenario_id TEXT NOT NULL, site_id TEXT, "
    "text TEXT NOT NULL, author TEXT NOT NULL, created_at DATETIME NOT NULL)",
    "CREATE TABLE audit (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
    "at DATETIME NOT NULL, user_name TEXT NOT NULL, action TEXT NOT NULL, "
    "entity TEXT NOT NULL, entity_id TEXT NOT NULL, scenario_id TEXT, detail TEXT NOT NULL)",
    "CREATE UNIQUE INDEX sites_live_name ON sites(scenario_id, name) WHERE deleted = 0",
    "CREATE INDEX sites_scenario ON sites(scenario_id)",
    "CREATE INDEX allocations_scenario ON allocations(scenario_id)",
    "CREATE INDEX reviews_scenario ON reviews(scenario_id)",
    "CREATE INDEX comments_scenario ON comments(scenario_id)",
    "CREATE INDEX audit_scenario ON audit(scenario_id)",
)
PLAN_TABLES = (
    "store_meta",
    "scenarios",
    "sites",
    "site_history",
    "allocations",
    "reviews",
    "comments",
    "audit",
)


def _filled_store(path: Path) -> ScenarioStore:
    store = ScenarioStore(path, clock=StepClock(), backups=None)
    store.create_scenario("2021 plan", user="alice")
    first = store.add_site("2021 plan", full_site("Ranch 1"), user="alice")
    store.add_site("2021 plan", full_site("Ranch 2", lon=111.3), user="alice")
    store.record_review(str(first.site_id), "approve", reason="meets every gate", reviewer="bob")
    store.add_comment("2021 plan", "check the well", user="bob")
    return store


def _write_v1_store(source: Path, target: Path) -> None:
    """Write ``target`` with the version 1 DDL and the v1 columns of ``source``'s rows."""
    with closing(sqlite3.connect(target, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        create_gpkg_core(conn)
        for ddl in V1_DDL:
            conn.execute(ddl)
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        listed = ", ".join(f"'{table}'" for table in PLAN_TABLES)  # a v1 store lists only these
        for table in ("gpkg_contents", "gpkg_geometry_columns"):
            conn.execute(
                f"INSERT INTO main.{table} SELECT * FROM src.{table} WHERE table_name IN ({listed})"
            )
        for table in PLAN_TABLES:
            columns = ", ".join(sorted(column_names(conn, table)))
            conn.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM src.{table}")
        conn.execute("DELETE FROM store_meta WHERE key = 'migrated_at'")
        conn.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")


def _dump(conn: sqlite3.Connection) -> list[str]:
    return list(conn.iterdump())


def test_a_version_1_store_is_backed_up_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    current = _filled_store(tmp_path / "current.gpkg")
    old_path = tmp_path / "plans.gpkg"
    _write_v1_store(current.path, old_path)
    with closing(sqlite3.connect(old_path)) as conn:
        assert "source_id" not in column_names(conn, "sites")
    with closing(sqlite3.connect(old_path)) as conn:
        old_dump = _dump(conn)

    opened = ScenarioStore(old_path, backups=None)

    with closing(sqlite3.connect(old_path)) as conn:
        assert "source_id" in column_names(conn, "sites")
        meta = dict(conn.execute("SELECT key, value FROM store_meta").fetchall())
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["migrated_at"].endswith("Z")
    pd.testing.assert_frame_equal(opened.sites("2021 plan"), current.sites("2021 plan"))
    pd.testing.assert_frame_equal(opened.audit(), current.audit())
    pd.testing.assert_frame_equal(opened.reviews("2021 plan"), current.reviews("2021 plan"))
    assert [s.name for s in opened.list_scenarios()] == ["2021 plan"]
    (backup,) = list_backups(old_path)
    assert backup.reason == "pre-migration-v1"
    with closing(sqlite3.connect(backup.path)) as conn:  # the version 1 store as it was
        assert "source_id" not in column_names(conn, "sites")
        assert conn.execute(
            "SELECT value FROM store_meta WHERE key = 'schema_version'"
        ).fetchone() == ("1",)
        assert _dump(conn) == old_dump
    # and the migrated store takes new edits
    opened.add_site("2021 plan", full_site("Ranch 3", lon=111.5), user="carol")
    assert opened.sites("2021 plan")["name"].tolist() == ["Ranch 1", "Ranch 2", "Ranch 3"]
    ScenarioStore(old_path, backups=None)  # a second open migrates nothing more
    assert len(list_backups(old_path)) == 1


def test_migrations_are_ordered_and_every_new_store_is_current(tmp_path: Path) -> None:
    assert sorted(MIGRATIONS) == list(range(2, SCHEMA_VERSION + 1))
    store = ScenarioStore(tmp_path / "new.gpkg", backups=None)
    with closing(sqlite3.connect(store.path)) as conn:
        version = conn.execute(
            "SELECT value FROM store_meta WHERE key = 'schema_version'"
        ).fetchone()
        assert version == (str(SCHEMA_VERSION),)
        assert migrate(conn, now="2026-01-01T00:00:00.000Z") == []  # nothing left to do
    assert list_backups(store.path) == []


def test_a_migration_that_finds_its_column_already_there_is_a_no_op(tmp_path: Path) -> None:
    """Another branch's baseline may already have ``sites.source_id`` (issue 9)."""
    path = tmp_path / "plans.gpkg"
    _write_v1_store(_filled_store(tmp_path / "current.gpkg").path, path)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("ALTER TABLE sites ADD COLUMN source_id TEXT")
    ScenarioStore(path, backups=None)
    with closing(sqlite3.connect(path)) as conn:
        assert sorted(column_names(conn, "sites")).count("source_id") == 1


def test_a_store_of_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "plans.gpkg"
    ScenarioStore(path, backups=None)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(
            "UPDATE store_meta SET value = ? WHERE key = 'schema_version'",
            (str(SCHEMA_VERSION + 1),),
        )
    before = path.read_bytes()
    with pytest.raises(
        FileFormatError,
        match=rf"plans\.gpkg has scenario store schema version {SCHEMA_VERSION + 1}; this program "
        rf"reads versions 1 to {SCHEMA_VERSION}\. Open it with the matching program version\.",
    ):
        ScenarioStore(path)
    assert path.read_bytes() == before
    assert list_backups(path) == []
