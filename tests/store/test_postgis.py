"""What only the PostGIS backend has: the factory's choice, PostGIS types, foreign databases."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

import shapely

from errors import FileFormatError
from store import configured_store, is_database_url, open_store
from store.backend import GpkgBackend
from store.postgis import PostgisBackend, database_label
from tests.postgis_server import PostgisServer
from tests.store.conftest import full_site, new_schema_url


def test_the_factory_picks_the_backend_from_the_location(
    tmp_path: Path, postgis_server: PostgisServer
) -> None:
    gpkg = open_store(tmp_path / "plans.gpkg")
    assert isinstance(gpkg._backend, GpkgBackend)
    assert gpkg.path == tmp_path / "plans.gpkg"
    url = new_schema_url(postgis_server)
    shared = open_store(url)
    assert isinstance(shared._backend, PostgisBackend)
    assert shared.location == url
    assert shared.path == f"database forage on {postgis_server.directory}:{postgis_server.port}"


def test_the_location_comes_from_the_option_then_the_environment(tmp_path: Path) -> None:
    url = "postgresql://planner:secret@db.bureau.local:5432/forage"
    assert configured_store(None, {"FORAGE_SITING_STORE": url}) == url
    assert configured_store(None, {"FORAGE_SITING_STORE": " ~/p.gpkg "}) == Path.home() / "p.gpkg"
    assert configured_store(tmp_path / "x.gpkg", {"FORAGE_SITING_STORE": url}) == (
        tmp_path / "x.gpkg"
    )
    default = configured_store(None, {"HOME": str(tmp_path), "XDG_DATA_HOME": ""})
    assert default == tmp_path / ".local" / "share" / "forage-siting" / "plans.gpkg"
    assert is_database_url("postgres://h/db")
    assert not is_database_url(Path("postgresql:/x"))


def test_messages_never_show_the_password() -> None:
    label = database_label("postgresql://planner:secret@db.bureau.local:5432/forage")
    assert label == "database forage on db.bureau.local:5432"


def test_sites_are_postgis_polygons_in_epsg_4326(postgis_server: PostgisServer) -> None:
    url = new_schema_url(postgis_server)
    store = open_store(url)
    store.create_scenario("s", user="li")
    site = store.add_site("s", full_site(), user="li")
    with psycopg.connect(url) as conn:
        column = conn.execute(
            "SELECT type, srid FROM geometry_columns WHERE f_table_schema = current_schema() "
            "AND f_table_name = 'sites'"
        ).fetchone()
        same, valid = conn.execute(
            "SELECT ST_Equals(geom, ST_GeomFromText(%s, 4326)), ST_IsValid(geom) FROM sites",
            (shapely.to_wkt(site.geometry, rounding_precision=-1),),
        ).fetchone()
    assert column == ("POLYGON", 4326)
    assert same and valid


def test_a_database_of_other_tables_gets_the_plan_tables_beside_them(
    postgis_server: PostgisServer,
) -> None:
    url = new_schema_url(postgis_server)
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE parcels (id int PRIMARY KEY, name text)")
        conn.execute("INSERT INTO parcels VALUES (1, 'a')")
    open_store(url).create_scenario("s", user="li")
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT * FROM parcels").fetchall() == [(1, "a")]


def test_a_partial_or_newer_store_is_refused(postgis_server: PostgisServer) -> None:
    url = new_schema_url(postgis_server)
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE scenarios (id int)")
    with pytest.raises(
        FileFormatError,
        match=r"database forage on \S+ is not a forage-siting scenario store \(missing tables: "
        r"allocations, audit, comments",
    ):
        open_store(url)
    newer = new_schema_url(postgis_server)
    open_store(newer)
    with psycopg.connect(newer) as conn:
        conn.execute("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(
        FileFormatError, match=r"has scenario store schema version 99; this program"
    ):
        open_store(newer)


def test_an_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    url = f"postgresql://postgres@/forage?host={tmp_path}&port=1"
    unreachable = (
        r"The scenario store database forage on .* cannot be reached .*"
        r"Check the connection URL \(FORAGE_SITING_STORE\)"
    )
    with pytest.raises(FileFormatError, match=unreachable) as info:
        open_store(url)
    assert "无法连接方案库" in info.value.message("zh")


def test_processes_opening_a_new_database_at_once_create_it_once(
    postgis_server: PostgisServer,
) -> None:
    url = new_schema_url(postgis_server)
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            open_store(url)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with psycopg.connect(url) as conn:
        (rows,) = conn.execute("SELECT count(*) FROM store_meta").fetchone()
    assert rows == 4


def test_the_app_and_the_cli_open_the_postgis_store_from_the_setting(
    postgis_server: PostgisServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import cli
    from ui import data

    url = new_schema_url(postgis_server)
    monkeypatch.setenv("FORAGE_SITING_STORE", url)
    assert data.open_store().location == url  # what every page opens
    assert cli.main(["plan", "create", "--scenario", "2026 plan", "--user", "li"]) == 0
    assert cli.main(["plan", "list", "--json"]) == 0
    assert '"name": "2026 plan"' in capsys.readouterr().out
    monkeypatch.delenv("FORAGE_SITING_STORE")
    assert cli.main(["plan", "list", "--store", url]) == 0
    assert "database forage on" in capsys.readouterr().out
    assert [s.name for s in open_store(url).list_scenarios()] == ["2026 plan"]
