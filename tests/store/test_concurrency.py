"""Two sessions on one store (file or PostGIS): conflicts are detected, nothing is overwritten."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import store.connection
import store.postgis
from errors import StoreConflictError
from store import PlanStore
from store.postgis import close_idle_connections
from tests.postgis_server import PostgisServer
from tests.store.conftest import StepClock, full_site, new_schema_url


def _two_sessions(location: Path | str) -> tuple[PlanStore, PlanStore]:
    first = PlanStore(location, clock=StepClock())
    first.create_scenario("2021 plan", user="alice")
    first.add_site("2021 plan", full_site("Ranch 1"), user="alice")
    return first, PlanStore(location)


@pytest.fixture
def sessions(store_location: Path | str) -> tuple[PlanStore, PlanStore]:
    """Two independent store objects on the same store, like two browser sessions."""
    return _two_sessions(store_location)


def test_second_save_of_the_same_version_is_refused(sessions: tuple[PlanStore, PlanStore]) -> None:
    alice, bob = sessions
    site_id = str(alice.sites("2021 plan").loc[0, "site_id"])
    loaded_by_alice = alice.get_site(site_id)
    loaded_by_bob = bob.get_site(site_id)
    alice.update_site(
        dataclasses.replace(loaded_by_alice, dairy_cow_head=4000), expected_version=1, user="alice"
    )
    with pytest.raises(
        StoreConflictError,
        match=r"Site 'Ranch 1' was changed by alice at 2026-03-01T08:00:\d\d"
        r"\.000Z since you loaded it \(your version 1, stored 2\)\. "
        r"Reload to see their change, then apply yours again\.",
    ) as info:
        bob.update_site(
            dataclasses.replace(loaded_by_bob, dairy_cow_head=9999),
            expected_version=loaded_by_bob.version,
            user="bob",
        )
    assert "请重新加载" in info.value.message("zh")
    stored = bob.get_site(site_id)
    assert (stored.dairy_cow_head, stored.version, stored.updated_by) == (4000, 2, "alice")
    assert "bob" not in set(bob.audit()["user"])


def test_update_after_delete_is_a_conflict(sessions: tuple[PlanStore, PlanStore]) -> None:
    alice, bob = sessions
    site = bob.get_site(str(alice.sites("2021 plan").loc[0, "site_id"]))
    alice.delete_site(str(site.site_id), expected_version=1, user="alice")
    with pytest.raises(
        StoreConflictError,
        match=r"Site 'Ranch 1' was deleted by alice .* "
        r"\(your version 1, stored 2\)",
    ):
        bob.update_site(dataclasses.replace(site, goat_head=1), expected_version=1, user="bob")
    with pytest.raises(StoreConflictError, match=r"was deleted by alice"):
        bob.delete_site(str(site.site_id), expected_version=1, user="bob")


def test_allocations_computed_from_an_old_scenario_version_are_refused(
    sessions: tuple[PlanStore, PlanStore],
) -> None:
    alice, bob = sessions
    version_bob_computed_from = bob.get_scenario("2021 plan").version
    site = alice.get_site(str(alice.sites("2021 plan").loc[0, "site_id"]))
    alice.update_site(dataclasses.replace(site, dairy_cow_head=1), expected_version=1, user="alice")
    allocation = pd.DataFrame(
        {
            "site_id": [site.site_id],
            "parcel_id": ["P1"],
            "share_frac": [1.0],
            "area_mu": [10.0],
            "n_kg_per_yr": [1.0],
            "p_kg_per_yr": [1.0],
            "haul_km": [1.0],
        }
    )
    with pytest.raises(
        StoreConflictError,
        match=r"Scenario '2021 plan' was changed by alice "
        r"at .* \(your version 2, stored 3\)",
    ):
        bob.save_allocations(
            "2021 plan", allocation, user="bob", expected_version=version_bob_computed_from
        )
    assert bob.allocations("2021 plan").empty


def test_a_held_write_lock_gives_a_busy_error_and_writes_nothing(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, _ = _two_sessions(store_path)
    monkeypatch.setattr(store.connection, "BUSY_TIMEOUT_S", 0.2)
    audit_before = alice.audit()
    other_program = sqlite3.connect(store_path, isolation_level=None)
    try:
        other_program.execute("BEGIN IMMEDIATE")
        with pytest.raises(
            StoreConflictError,
            match=r"plans\.gpkg is busy: another session or "
            r"program .* Nothing was saved",
        ):
            alice.create_scenario("2023 plan", user="alice")
    finally:
        other_program.execute("ROLLBACK")
        other_program.close()
    pd.testing.assert_frame_equal(alice.audit(), audit_before)
    assert [s.name for s in alice.list_scenarios()] == ["2021 plan"]


def test_a_held_row_lock_on_postgis_gives_a_busy_error_and_writes_nothing(
    postgis_server: PostgisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    url = new_schema_url(postgis_server)
    alice, _ = _two_sessions(url)
    close_idle_connections()  # new connections take the shorter lock timeout
    monkeypatch.setattr(store.postgis, "LOCK_TIMEOUT_S", 0.2)
    audit_before = alice.audit()
    with psycopg.connect(url) as other_program:  # e.g. a DBA's psql session
        other_program.execute("SELECT * FROM scenarios FOR UPDATE")
        with pytest.raises(
            StoreConflictError,
            match=r"database forage on \S+ is busy: another session changed or locked "
            r"the same records at the same time \(LockNotAvailable\)\. Nothing was saved",
        ):
            alice.add_site("2021 plan", full_site("Ranch 2"), user="alice")
        other_program.rollback()
    close_idle_connections()
    pd.testing.assert_frame_equal(alice.audit(), audit_before)
    assert list(alice.sites("2021 plan")["name"]) == ["Ranch 1"]


def test_a_read_blocked_by_a_committing_writer_gives_a_busy_error(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, _ = _two_sessions(store_path)
    site_id = str(alice.sites("2021 plan").loc[0, "site_id"])
    monkeypatch.setattr(store.connection, "BUSY_TIMEOUT_S", 0.2)
    other_program = sqlite3.connect(store_path, isolation_level=None)
    try:
        other_program.execute("BEGIN EXCLUSIVE")  # as a writer while it commits
        with pytest.raises(StoreConflictError, match=r"plans\.gpkg is busy: another session"):
            alice.get_site(site_id)
    finally:
        other_program.execute("ROLLBACK")
        other_program.close()
    assert alice.get_site(site_id).name == "Ranch 1"
