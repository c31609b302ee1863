"""A writer killed in the middle of a save leaves the last committed state (SIGKILL test).

The child process adds many sites in one transaction. A trace callback on its SQLite
connection counts the inserts into ``sites``; after half of them it writes a ready file and
sleeps, still inside the transaction. The cache is kept tiny so SQLite has already spilled
changed pages into the database file: the file on disk really is half-written, and only the
hot journal can restore it. The parent then kills the child with SIGKILL.

A second test kills a child that saves in a loop (add a site, edit a site, ...) at random
moments, 30 times over, and checks after each kill that the store opens, passes SQLite's
integrity check, and that its rows agree with each other and with the saves the child
reported (the store may hold one more: the child reports after the commit).
"""

from __future__ import annotations

import dataclasses
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

import geopandas as gpd
import pyogrio

from store import ScenarioStore
from tests.store.conftest import full_site

ROOT = Path(__file__).resolve().parents[2]
N_SITES = 200
READY_TIMEOUT_S = 60.0

CHILD = r"""
import pathlib, sqlite3, sys, time
root, store_path, ready_path, n_sites = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, root)
from shapely.geometry import Point
from store import ScenarioStore, SiteRecord

real_connect = sqlite3.connect
inserts = 0

def pause_half_way(sql):
    global inserts
    if sql.startswith("INSERT INTO sites ("):
        inserts += 1
        if inserts == n_sites // 2 + 1:  # n_sites // 2 rows are written
            pathlib.Path(ready_path).write_text("ready")
            time.sleep(600)

def connect(*args, **kwargs):
    conn = real_connect(*args, **kwargs)
    conn.execute("PRAGMA cache_size = 10")  # pages: forces spills into the database file
    conn.set_trace_callback(pause_half_way)
    return conn

sqlite3.connect = connect
store = ScenarioStore(pathlib.Path(store_path))
# 400-vertex footprints: ~6 kB of WKB per site, far more than the cache holds
sites = [SiteRecord(name=f"child {i}", geometry=Point(111 + i / 1000, 40.5).buffer(0.005, 100),
                    dairy_cow_head=i) for i in range(n_sites)]
store.add_sites("2021 plan", sites, user="child")
print("the child was not stopped", file=sys.stderr)
"""


def _wait_for(ready: Path, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready.exists():
        if child.poll() is not None:
            stderr = child.stderr.read().decode() if child.stderr else ""
            pytest.fail(f"child exited early: {stderr}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("child did not reach the middle of its transaction")
        time.sleep(0.05)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_writer_leaves_last_committed_state(store_path: Path, tmp_path: Path) -> None:
    store = ScenarioStore(store_path)
    store.create_scenario("2021 plan", user="parent")
    store.add_sites("2021 plan", [full_site("A"), full_site("B", lon=111.3)], user="parent")
    committed_sites = store.sites("2021 plan")
    committed_audit = store.audit()
    committed_bytes = store_path.read_bytes()

    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ROOT), str(store_path), str(ready), str(N_SITES)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(ready, child)
        journal = store_path.with_name(store_path.name + "-journal")
        assert journal.exists()
        assert store_path.read_bytes() != committed_bytes  # half-written on disk
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    reopened = ScenarioStore(store_path)  # rolls the hot journal back
    assert not journal.exists()
    pd.testing.assert_frame_equal(reopened.sites("2021 plan"), committed_sites)
    pd.testing.assert_frame_equal(reopened.audit(), committed_audit)
    assert reopened.get_scenario("2021 plan").version == 2
    with closing(sqlite3.connect(store_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM site_history").fetchone() == (2,)
    assert len(gpd.read_file(store_path, layer="sites")) == 2
    assert "sites" in pyogrio.list_layers(store_path)[:, 0]
    # and it is writable again
    reopened.add_site("2021 plan", full_site("C", lon=111.5), user="parent")
    assert reopened.sites("2021 plan")["name"].tolist() == ["A", "B", "C"]


# --- random kills -----------------------------------------------------------------------

KILL_REPETITIONS = 30
KILL_DELAY_MAX_S = 0.4
BASE_HEAD = 3000

LOOP_CHILD = r"""
import os, pathlib, sqlite3, sys
root, store_path, progress_path = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, root)
from shapely.geometry import Point
from store import ScenarioStore, SiteRecord
import dataclasses

real_connect = sqlite3.connect

def connect(*args, **kwargs):
    conn = real_connect(*args, **kwargs)
    conn.execute("PRAGMA cache_size = 10")  # pages: changes spill into the file mid-save
    return conn

sqlite3.connect = connect
store = ScenarioStore(pathlib.Path(store_path), backups=None)
progress = pathlib.Path(progress_path)
partial = progress.with_suffix(".partial")
sites = store.sites("2021 plan")
first = sites["site_id"].iloc[0]
done = len(sites) - 1 + store.get_site(first).version - 1  # saves of earlier children
while True:  # alternate: add a 400-vertex site, then raise the first site's herd by one
    if done % 2 == 0:
        site = SiteRecord(name=f"child {done}", dairy_cow_head=done,
                          geometry=Point(111 + done / 1000, 40.5).buffer(0.005, 100))
        store.add_site("2021 plan", site, user="child")
    else:
        stored = store.get_site(first)
        store.update_site(dataclasses.replace(stored, dairy_cow_head=stored.dairy_cow_head + 1),
                          expected_version=stored.version, user="child")
    done += 1
    partial.write_text(str(done))  # after the commit: the store may be one save ahead
    os.replace(partial, progress)  # atomic: the parent never reads a half-written count
"""


def _committed_operations(path: Path) -> int:
    """Open the store, check that its rows agree with each other; return the child's ops."""
    store = ScenarioStore(path, backups=None)  # rolls back a hot journal
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        history = conn.execute("SELECT count(*) FROM site_history").fetchone()[0]
    sites = store.sites("2021 plan")
    first = store.get_site(str(sites["site_id"].iloc[0]))
    added = len(sites) - 1
    updates = first.version - 1
    assert first.dairy_cow_head == BASE_HEAD + updates  # every committed update, none torn
    assert added - updates in (0, 1)  # the child alternates add, update, add ...
    assert history == len(sites) + updates
    audit = store.audit()
    assert len(audit) == 1 + len(sites) + updates  # scenario, every add, every update
    assert sites["name"].tolist() == ["A", *(f"child {2 * i}" for i in range(added))]
    return added + updates


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_writer_killed_at_random_points_always_leaves_a_committed_state(tmp_path: Path) -> None:
    rng = random.Random(14)
    path = tmp_path / "plans.gpkg"
    store = ScenarioStore(path, backups=None)
    store.create_scenario("2021 plan", user="parent")
    store.add_site(
        "2021 plan", dataclasses.replace(full_site("A"), dairy_cow_head=BASE_HEAD), user="parent"
    )
    committed = hot_journals = 0
    for _ in range(KILL_REPETITIONS):
        progress = tmp_path / "progress"
        progress.unlink(missing_ok=True)
        child = subprocess.Popen(
            [sys.executable, "-c", LOOP_CHILD, str(ROOT), str(path), str(progress)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_for(progress, child)  # one save done: the child is in its loop
            time.sleep(rng.uniform(0, KILL_DELAY_MAX_S))
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
            if child.stderr:
                child.stderr.close()
        assert child.returncode == -signal.SIGKILL
        reported = int(progress.read_text())  # total saves, as the child counts them
        hot_journals += path.with_name(path.name + "-journal").exists()
        total = _committed_operations(path)
        assert reported <= total <= reported + 1
        assert total > committed
        committed = total
    assert committed >= KILL_REPETITIONS
    assert hot_journals >= 1, "no kill landed inside a transaction"
    print(f"{KILL_REPETITIONS} kills, {hot_journals} inside a transaction, {committed} saves")
