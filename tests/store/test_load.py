"""Bounded load test: 20 users edit and score one scenario at once; no edit is lost.

The harness is `bench.bench_load` (``python -m bench load`` runs it on the Hohhot pack); here
it runs on the planner tests' tiny region (`tests.siting.scenario_fixtures`: one county, ten
parcels) so that scoring stays cheap, on both backends. Figures are printed (``-s``).
"""

from __future__ import annotations

from pathlib import Path

from bench.bench_load import check_edits, run_load, setup_scenario
from store import SiteRecord
from tests.siting.scenario_fixtures import COUNTY, footprint, scenario_inputs

USERS = 20
EDITS_PER_USER = 6
SCORE_EVERY = 6  # one scoring per user (~0.3 s of CPU each: most of the test's time)
SITES = 4
#: A bound on the whole run (2 shared, busy cores): far above it means writers block.
MAX_WALL_S = 120.0


def _sites() -> list[SiteRecord]:
    return [
        SiteRecord(
            name=f"Ranch {k}",
            geometry=footprint(k + 0.5, 2.0),
            dairy_cow_head=15 * (k + 1),
            county_code=COUNTY,
            start_year=2025,
        )
        for k in range(SITES)
    ]


def test_twenty_users_editing_and_scoring_lose_no_edit(store_location: Path | str) -> None:
    site_ids = setup_scenario(store_location, _sites())
    initial = {sid: 15 * (k + 1) for k, sid in enumerate(site_ids)}
    report = run_load(
        store_location,
        site_ids,
        scenario_inputs(),
        users=USERS,
        edits=EDITS_PER_USER,
        score_every=SCORE_EVERY,
    )
    print("\n".join(report.lines()))
    assert check_edits(store_location, initial, report) == []
    assert report.saves + report.conflicts == USERS * EDITS_PER_USER
    assert report.saves > 0
    assert report.conflicts > 0, "20 users on 4 sites never collided: the test proves nothing"
    n_scores = report.latency_ms("score")[0]
    assert n_scores == USERS * (EDITS_PER_USER // SCORE_EVERY)
    assert report.wall_s < MAX_WALL_S
