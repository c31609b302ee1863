"""Load on the scenario store: many planners editing and scoring one scenario at once.

Each simulated user is a thread with its own `store.ScenarioStore` (as each Streamlit session
opens its own; Streamlit runs sessions as threads of one server process). After a common
start (a barrier) every user repeats: load a random site of the shared scenario, add one
dairy cow to it and save it with the version it loaded (optimistic concurrency), and every
``score_every`` edits score the whole scenario with the Plan page's service
(`planning.scenario_ops.check_scenario`, incremental from the user's previous run). Saves
that lost the race get `StoreConflictError` and are counted, not retried.

`check_edits` then proves that no edit was lost: every site's final herd is its initial herd
plus the saves that succeeded on it, its versions are exactly those saves (no duplicate, no
gap), the site history holds each saved version with its user and herd, the audit trail has
one ``site.update`` per save, and every attempt was either saved or reported as a conflict.

``python -m bench load`` runs it on the Hohhot pack (the real inputs of the Plan page) with
20 and 40 users on a GeoPackage file and on a throwaway PostGIS server
(`tests.postgis_server`; set ``FORAGE_SITING_BENCH_STORE=postgresql://...`` to use another
server), and measures the memory of one more app session (`session_memory_mib`).
tests/store/test_load.py runs a bounded version on a tiny synthetic region.
"""

from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from errors import StoreConflictError
from planning.scenario_ops import check_scenario
from planning.scenarios import SiteRecord, open_store

if TYPE_CHECKING:
    from siting.scenario_run import ScenarioInputs, ScenarioRun

ROOT = Path(__file__).resolve().parents[1]
BENCH_STORE_ENV = "FORAGE_SITING_BENCH_STORE"
SCENARIO = "load test"
OPS = ("load", "save", "score")


@dataclass
class UserLog:
    """What one simulated user did: saves, conflicts, latencies (s) per operation."""

    user: str
    saved: list[tuple[str, int, int]] = field(default_factory=list)  # site, version, head
    conflicts: list[tuple[str, int]] = field(default_factory=list)  # site, loaded version
    #: Conflicts that were the store's busy error (a write lock held past its timeout).
    busy: int = 0
    #: Loads refused as busy (the user would reload; not an edit attempt).
    busy_loads: int = 0
    latency_s: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    attempts: int = 0


@dataclass(frozen=True)
class LoadReport:
    """Figures of one load run."""

    users: int
    wall_s: float
    logs: tuple[UserLog, ...]

    @property
    def operations(self) -> int:
        """Store loads, saves and scorings done."""
        return sum(len(v) for log in self.logs for v in log.latency_s.values())

    @property
    def saves(self) -> int:
        """Edits saved."""
        return sum(len(log.saved) for log in self.logs)

    @property
    def conflicts(self) -> int:
        """Edits refused as conflicts (reported to the user)."""
        return sum(len(log.conflicts) for log in self.logs)

    def latency_ms(self, op: str) -> tuple[int, float, float, float]:
        """Return count, p50, p95 and max latency of ``op`` in ms."""
        values = np.array([v for log in self.logs for v in log.latency_s.get(op, [])]) * 1000
        if values.size == 0:
            return 0, float("nan"), float("nan"), float("nan")
        p50, p95 = np.percentile(values, [50, 95])
        return int(values.size), float(p50), float(p95), float(values.max())

    def lines(self) -> list[str]:
        """Return the figures as printable lines."""
        out = [
            f"{self.users} users, {self.wall_s:.1f} s: {self.operations} operations "
            f"({self.operations / self.wall_s:.1f}/s), {self.saves} edits saved "
            f"({self.saves / self.wall_s:.1f}/s), {self.conflicts} conflicts reported "
            f"({sum(log.busy for log in self.logs)} of them 'busy'), "
            f"{sum(log.busy_loads for log in self.logs)} loads refused as busy"
        ]
        for op in OPS:
            n, p50, p95, top = self.latency_ms(op)
            if n:
                out.append(
                    f"  {op:<6} n={n:<5} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  max {top:8.1f} ms"
                )
        return out


def setup_scenario(location: Path | str, sites: Sequence[SiteRecord]) -> list[str]:
    """Create the shared scenario with ``sites``; return their ids."""
    store = open_store(location)
    store.create_scenario(SCENARIO, user="setup")
    return [str(s.site_id) for s in store.add_sites(SCENARIO, sites, user="setup")]


def _user(
    location: Path | str,
    site_ids: Sequence[str],
    inputs: ScenarioInputs,
    *,
    user: str,
    edits: int,
    score_every: int,
    start: threading.Barrier,
) -> UserLog:
    store = open_store(location)
    log, rng = UserLog(user), random.Random(user)
    previous: ScenarioRun | None = None
    start.wait()
    for i in range(edits):
        site_id = rng.choice(list(site_ids))
        t0 = time.perf_counter()
        try:
            loaded = store.get_site(site_id)
        except StoreConflictError:
            log.busy_loads += 1
            continue
        t1 = time.perf_counter()
        edited = dataclasses.replace(
            loaded, dairy_cow_head=loaded.dairy_cow_head + 1, note=f"{user} edit {i}"
        )
        log.attempts += 1
        try:
            new = store.update_site(edited, expected_version=loaded.version, user=user)
            log.saved.append((site_id, new.version, new.dairy_cow_head))
        except StoreConflictError as err:
            log.conflicts.append((site_id, loaded.version))
            log.busy += "is busy" in str(err)
        t2 = time.perf_counter()
        log.latency_s["load"].append(t1 - t0)
        log.latency_s["save"].append(t2 - t1)
        if score_every and (i + 1) % score_every == 0:
            _, previous = check_scenario(store, SCENARIO, inputs, previous=previous)
            log.latency_s["score"].append(time.perf_counter() - t2)
    return log


def run_load(
    location: Path | str,
    site_ids: Sequence[str],
    inputs: ScenarioInputs,
    *,
    users: int = 20,
    edits: int = 10,
    score_every: int = 5,
) -> LoadReport:
    """Run ``users`` simulated users, ``edits`` edits each, on the scenario of `setup_scenario`."""
    start = threading.Barrier(users + 1)
    with ThreadPoolExecutor(max_workers=users) as pool:
        futures = [
            pool.submit(
                _user,
                location,
                site_ids,
                inputs,
                user=f"user{k:02d}",
                edits=edits,
                score_every=score_every,
                start=start,
            )
            for k in range(users)
        ]
        start.wait()
        t0 = time.perf_counter()
        logs = tuple(f.result() for f in futures)
        wall_s = time.perf_counter() - t0
    return LoadReport(users, wall_s, logs)


def check_edits(
    location: Path | str, initial_head: dict[str, int], report: LoadReport
) -> list[str]:
    """Return every way an edit was lost or unreported (empty: none); see module doc."""
    store = open_store(location)
    problems = []
    attempts = sum(log.attempts for log in report.logs)
    if attempts != report.saves + report.conflicts:
        problems.append(f"{attempts} attempts, {report.saves} saved + {report.conflicts} refused")
    saved = [(log.user, *row) for log in report.logs for row in log.saved]
    for site_id, head in initial_head.items():
        mine = sorted((v, user, h) for user, sid, v, h in saved if sid == site_id)
        final = store.get_site(site_id)
        if final.dairy_cow_head != head + len(mine) or final.version != 1 + len(mine):
            problems.append(
                f"{site_id}: {len(mine)} saves but herd {head} -> {final.dairy_cow_head}, "
                f"version {final.version}"
            )
        if [v for v, _, _ in mine] != list(range(2, 2 + len(mine))):
            problems.append(f"{site_id}: saved versions {[v for v, _, _ in mine]}")
        history = store.site_history(site_id).set_index("version")
        for version, user, h in mine:
            row = history.loc[version]
            if (row["updated_by"], row["dairy_cow_head"]) != (user, h):
                problems.append(f"{site_id} v{version}: history has {row['updated_by']}")
    audit = store.audit(SCENARIO)
    updates = Counter(audit.loc[audit["action"] == "site.update", "user"])
    if updates != Counter(user for user, *_ in saved):
        problems.append(f"audit site.update per user {dict(updates)} != saves")
    return problems


_SESSION_PROBE = r"""
import os, sys, resource
sys.path.insert(0, sys.argv[1])
os.environ["FORAGE_SITING_STORE"] = sys.argv[2]
def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
from streamlit.testing.v1 import AppTest
PAGE = "from ui import state\nfrom ui.planner import page\nstate.init_state()\npage.render()\n"
base = rss_mib()
sessions, after = [], []
for _ in range(int(sys.argv[3])):
    at = AppTest.from_string(PAGE, default_timeout=300)
    at.run()
    assert not at.exception, at.exception
    sessions.append(at)  # kept alive, as open browser sessions are
    after.append(rss_mib())
print(base, *after)
"""


def session_memory_mib(location: Path | str, sessions: int = 3) -> tuple[float, list[float]]:
    """Return the RSS (MiB) of a fresh process and after each of ``sessions`` Plan-page runs.

    Each session is a Streamlit ``AppTest`` run of the Plan page (store opened at
    ``location``, region inputs loaded, map built), kept alive. The first one also fills the
    process-wide caches (region layers, ``cache_resource``); the growth per further session
    is the memory an additional user costs.
    """
    out = subprocess.run(
        [sys.executable, "-c", _SESSION_PROBE, str(ROOT), str(location), str(sessions)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    values = [float(v) for v in out]
    return values[0], values[1:]


def _hohhot_sites(count: int) -> tuple[list[SiteRecord], ScenarioInputs]:
    import pandas as pd

    from planning.regions import demo_scenario_sites, load_region
    from planning.scenario_inputs import load_scenario_inputs
    from planning.site_scoring import county_water_use

    region = load_region("hohhot")
    water = county_water_use(region, region.plan.water_baseline_year)
    inputs = load_scenario_inputs(region, county_water=water)
    demo = demo_scenario_sites(region).head(count)
    records = [
        SiteRecord(**{k: (None if pd.isna(v) else v) for k, v in row.items()})
        for row in demo.to_dict("records")
    ]
    return records, inputs


def _run_one(name: str, location: Path | str, records: list[SiteRecord], inputs: ScenarioInputs,
             users: int) -> None:  # fmt: skip
    site_ids = setup_scenario(location, records)
    store = open_store(location)
    initial = {sid: store.get_site(sid).dairy_cow_head for sid in site_ids}
    report = run_load(location, site_ids, inputs, users=users, edits=10, score_every=10)
    problems = check_edits(location, initial, report)
    print(f"{name}: " + "\n".join(report.lines()))
    print(f"  lost or unreported edits: {len(problems)} {problems[:3]}", flush=True)


def main() -> None:
    """Print throughput, latency, conflicts and lost edits on both backends; session memory."""
    from tests.postgis_server import missing_reason, start_server

    t0 = time.perf_counter()
    records, inputs = _hohhot_sites(10)
    print(f"Hohhot plan inputs loaded in {time.perf_counter() - t0:.1f} s; 10 demo ranches")
    server = None
    url = os.environ.get(BENCH_STORE_ENV, "").strip()
    if not url and missing_reason() is None:
        server = start_server()
        url = server.url
    try:
        for users in (20, 40):
            with tempfile.TemporaryDirectory() as tmp:
                _run_one(f"gpkg, {users} users", Path(tmp) / "plans.gpkg", records, inputs, users)
            if url:
                schema_url = _fresh_schema(url, f"load_{users}")
                _run_one(f"postgis, {users} users", schema_url, records, inputs, users)
        print_session_memory(url)
    finally:
        if server is not None:
            from store.postgis import close_idle_connections

            close_idle_connections()
            server.stop()


def print_session_memory(url: str | None, sessions: int = 3) -> None:
    """Print the RSS of Plan-page sessions (`session_memory_mib`) on each backend."""
    for name in ("gpkg", "postgis"):
        if name == "postgis" and not url:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            where = (
                _fresh_schema(url, "memory") if name == "postgis" and url else Path(tmp) / "p.gpkg"
            )
            base, after = session_memory_mib(where, sessions)
        steps = [b - a for a, b in zip([base, *after], after, strict=False)]
        print(
            f"memory ({name}): fresh process {base:.0f} MiB, after {sessions} Plan-page "
            f"sessions {', '.join(f'{a:.0f}' for a in after)} MiB; growth per session "
            f"{', '.join(f'+{d:.0f}' for d in steps)} MiB",
            flush=True,
        )


def _fresh_schema(url: str, name: str) -> str:
    import psycopg

    schema = f"{name}_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema},public"
