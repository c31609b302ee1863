"""Several processes edit the same sites at once: no update is lost, every conflict is reported.

Each writer process loops: load a site, wait a few milliseconds (a planner editing), save it
with one more dairy cow (read-modify-write, ``expected_version`` = the loaded version). The
store must refuse a save whose version moved on (`StoreConflictError`), so the final herd is
the initial herd plus the number of saves that succeeded, the versions the writers got are
exactly 2..final with no duplicate, and the site history holds every one of them with its
writer. Runs on both backends (``store_location``).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from store import ScenarioStore
from tests.store.conftest import full_site

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
EDITS_PER_WRITER = 12
INITIAL_HEAD = 1000

CHILD = r"""
import dataclasses, json, pathlib, sys, time
root, location, user, start, edits = sys.argv[1:6]
site_ids = json.loads(sys.argv[6])
sys.path.insert(0, root)
from errors import StoreConflictError
from store import open_store
store = open_store(location)
pathlib.Path(start + "." + user).write_text("ready")
while not pathlib.Path(start).exists():
    time.sleep(0.005)
saved, conflicts = [], []
for i in range(int(edits)):
    site_id = site_ids[i % len(site_ids)]
    loaded = store.get_site(site_id)
    time.sleep(0.005)
    edited = dataclasses.replace(loaded, dairy_cow_head=loaded.dairy_cow_head + 1)
    try:
        new = store.update_site(edited, expected_version=loaded.version, user=user)
    except StoreConflictError:
        conflicts.append([site_id, loaded.version])
    else:
        saved.append([site_id, new.version, new.dairy_cow_head])
print(json.dumps({"saved": saved, "conflicts": conflicts}))
"""


def _run_writers(location: Path | str, site_ids: list[str], start: Path) -> list[dict]:
    users = [f"writer{i}" for i in range(WRITERS)]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                str(ROOT),
                str(location),
                user,
                str(start),
                str(EDITS_PER_WRITER),
                json.dumps(site_ids),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for user in users
    ]
    deadline = time.monotonic() + 120
    while not all(Path(f"{start}.{u}").exists() for u in users):
        assert time.monotonic() < deadline, "writers did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.05)
    start.write_text("go")
    results = []
    for user, proc in zip(users, procs, strict=True):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append({"user": user, **json.loads(out)})
    return results


def test_concurrent_writer_processes_lose_no_update(
    store_location: Path | str, tmp_path: Path
) -> None:
    store = ScenarioStore(store_location)
    store.create_scenario("shared", user="setup")
    sites = [
        store.add_site("shared", full_site(f"Ranch {i}", lon=111.0 + i / 10), user="setup").site_id
        for i in range(2)
    ]
    for site_id in sites:
        loaded = store.get_site(str(site_id))
        store.update_site(
            dataclasses.replace(loaded, dairy_cow_head=INITIAL_HEAD),
            expected_version=1,
            user="setup",
        )
    site_ids = [str(s) for s in sites]
    results = _run_writers(store_location, site_ids, tmp_path / "start")

    saved = [(r["user"], *row) for r in results for row in r["saved"]]
    conflicts = [row for r in results for row in r["conflicts"]]
    assert len(saved) + len(conflicts) == WRITERS * EDITS_PER_WRITER
    assert conflicts, "the writers never collided: the test proves nothing"
    for site_id in site_ids:
        mine = [(user, version, head) for user, sid, version, head in saved if sid == site_id]
        final = store.get_site(site_id)
        # version 1 = added, 2 = set to INITIAL_HEAD, then one version per successful save
        assert final.version == 2 + len(mine)
        assert final.dairy_cow_head == INITIAL_HEAD + len(mine)
        assert sorted(v for _, v, _ in mine) == list(range(3, final.version + 1))
        history = store.site_history(site_id).set_index("version")
        for user, version, head in mine:
            assert history.loc[version, "updated_by"] == user
            assert history.loc[version, "dairy_cow_head"] == head == INITIAL_HEAD + version - 2
    updates = Counter(
        row["user"] for _, row in store.audit("shared").iterrows() if row["action"] == "site.update"
    )
    assert updates == Counter({"setup": 2}) + Counter(user for user, *_ in saved)
