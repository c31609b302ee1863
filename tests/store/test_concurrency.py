"""Two sessions on one store (file or PostGIS): conflicts are detected, nothing is overwritten."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import store.connection
import store.postgis
from errors import StoreConflictError
from store import ScenarioStore
from store.postgis import close_idle_connections
from tests.postgis_server import PostgisServer
from tests.store.conftest import StepClock, full_site, new_schema_url


def _two_sessions(location: Path | str) -> tuple[ScenarioStore, ScenarioStore]:
    first = ScenarioStore(location, clock=StepClock())
    first.create_scenario("2021 plan", user="alice")
    first.add_site("2021 plan", full_site("Ranch 1"), user="alice")
    return first, ScenarioStore(location)


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sessions(store_location: Path | str) -> tuple[ScenarioStore, ScenarioStore]:
    """Two independent store objects on the same store, like two browser sessions."""
    return _two_sessions(store_location)


def test_second_save_of_the_same_version_is_refused(
    sessions: tuple[ScenarioStore, ScenarioStore],
) -> None:
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


def test_update_after_delete_is_a_conflict(sessions: tuple[ScenarioStore, ScenarioStore]) -> None:
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
    sessions: tuple[ScenarioStore, ScenarioStore],
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


# --- several writer processes -----------------------------------------------------------

WRITERS = 4
INCREMENTS = 15
START_TIMEOUT_S = 120.0

WRITER = r"""
import dataclasses, pathlib, sys, time
root, store_path, ready_path, go_path, increments = sys.argv[1:6]
sys.path.insert(0, root)
from errors import StoreConflictError
from store import ScenarioStore

store = ScenarioStore(pathlib.Path(store_path), backups=None)
site_id = store.sites("2021 plan")["site_id"].iloc[0]
pathlib.Path(ready_path).write_text("ready")
while not pathlib.Path(go_path).exists():
    time.sleep(0.01)
done = conflicts = 0
while done < int(increments):  # read, think, write back: the classic lost-update pattern
    loaded = store.get_site(site_id)
    time.sleep(0.005)
    edited = dataclasses.replace(loaded, dairy_cow_head=loaded.dairy_cow_head + 1)
    try:
        store.update_site(edited, expected_version=loaded.version, user=ready_path)
    except StoreConflictError:
        conflicts += 1  # reported to this writer; it reloads and tries again
        continue
    done += 1
print(done, conflicts)
"""


def test_writer_processes_lose_no_update_and_see_their_conflicts(
    store_path: Path, tmp_path: Path
) -> None:
    """Four processes add 1 to the same site's herd 15 times each: the herd grows by 60."""
    store = ScenarioStore(store_path, backups=None)
    store.create_scenario("2021 plan", user="alice")
    site = store.add_site("2021 plan", full_site("Ranch 1"), user="alice")
    go = tmp_path / "go"
    readies = [tmp_path / f"writer{i}" for i in range(WRITERS)]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, *map(str, (ROOT, store_path, r, go, INCREMENTS))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in readies
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not all(r.exists() for r in readies) and time.monotonic() < deadline:
            time.sleep(0.05)
        go.write_text("go")  # all start together
        results = [w.communicate(timeout=START_TIMEOUT_S) for w in writers]
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
    assert [w.returncode for w in writers] == [0] * WRITERS, [err for _, err in results]
    counts = [tuple(map(int, out.split())) for out, _ in results]
    assert [done for done, _ in counts] == [INCREMENTS] * WRITERS
    conflicts = sum(c for _, c in counts)

    stored = store.get_site(str(site.site_id))
    assert stored.dairy_cow_head == site.dairy_cow_head + WRITERS * INCREMENTS  # none lost
    assert stored.version == 1 + WRITERS * INCREMENTS
    updates = store.audit().query("action == 'site.update'")
    assert len(updates) == WRITERS * INCREMENTS
    assert sorted(updates["user"].value_counts().tolist()) == [INCREMENTS] * WRITERS
    assert conflicts > 0  # the writers did collide, and each collision was reported
    print(f"{WRITERS} writers x {INCREMENTS} updates: {conflicts} conflicts reported, none lost")


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
