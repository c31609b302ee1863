"""Check a stored scenario, keep its allocations current, export it with its results.

Used by the planner page and ``python -m siting plan``: both read the scenario from the
store, run `siting.scenario_run.run_scenario` and save the allocation rows the ledger gives, with
the scenario version they were computed from (a concurrent change is refused).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from planning.terrain import site_terrain
from siting.scenario_results import parcel_use, store_allocations
from siting.scenario_run import run_scenario
from store import export_scenario

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    import geopandas as gpd

    from siting.allocate import AllocationParams
    from siting.scenario_run import ScenarioInputs, ScenarioRun
    from store import Scenario, ScenarioStore
    from store.accounts import Actor
    from store.export import ExportFormat
    from store.records import ScenarioSnapshot
    from store.scenario_store import ScenarioRef

#: Result tables added to every export (layer / sheet names).
SITE_RESULTS: Final[str] = "site_results"
PARCEL_USE: Final[str] = "parcel_use"
# Shares that differ by less than this are the same allocation (solver round-off).
_SHARE_TOLERANCE: Final[float] = 1e-9


def check_scenario_sites(
    sites: gpd.GeoDataFrame,
    inputs: ScenarioInputs,
    *,
    allocation: AllocationParams | None = None,
    previous: ScenarioRun | None = None,
) -> ScenarioRun:
    """Check sites (`siting.scenario_run.run_scenario`) with their slope from the region's DEM.

    ``previous`` (the last run of the same scenario) makes the check incremental, and its
    terrain rows are reused for footprints that did not change.
    """
    terrain = site_terrain(sites, inputs.dem_path, None if previous is None else previous.terrain)
    return run_scenario(sites, inputs, allocation=allocation, previous=previous, terrain=terrain)


def check_scenario(
    store: ScenarioStore,
    scenario: ScenarioRef,
    inputs: ScenarioInputs,
    *,
    allocation: AllocationParams | None = None,
    previous: ScenarioRun | None = None,
) -> tuple[ScenarioSnapshot, ScenarioRun]:
    """Read a scenario (one transaction) and check its sites (`check_scenario_sites`).

    Returns
    -------
    snapshot, run
        The scenario with its sites and stored allocations, and the checked plan.
    """
    snapshot = store.scenario_snapshot(scenario)
    return snapshot, check_scenario_sites(
        snapshot.sites, inputs, allocation=allocation, previous=previous
    )


def allocations_current(stored: pd.DataFrame, computed: pd.DataFrame) -> bool:
    """Return True if the stored allocation rows are the computed ones (same shares)."""
    keys = ["site_id", "parcel_id"]
    if len(stored) != len(computed):
        return False
    left = stored[[*keys, "share_frac"]].sort_values(keys, ignore_index=True)
    right = computed[[*keys, "share_frac"]].sort_values(keys, ignore_index=True)
    same_keys = bool(
        (left[keys].astype(str).to_numpy() == right[keys].astype(str).to_numpy()).all()
    )
    return same_keys and bool(
        np.allclose(
            left["share_frac"].to_numpy(dtype=float),
            right["share_frac"].to_numpy(dtype=float),
            rtol=0.0,
            atol=_SHARE_TOLERANCE,
        )
    )


def save_allocations(
    store: ScenarioStore,
    snapshot: ScenarioSnapshot,
    run: ScenarioRun,
    inputs: ScenarioInputs,
    *,
    user: Actor,
    force: bool = False,
) -> Scenario | None:
    """Save the run's allocation rows unless the store already holds them.

    Saved with ``expected_version`` = the snapshot's scenario version, so the save is
    refused (`StoreConflictError`) if the scenario changed since it was read.

    Returns
    -------
    scenario
        The updated scenario, or None when nothing was written.
    """
    rows = store_allocations(run.ledger, inputs.parcels)
    if not force and allocations_current(snapshot.allocations, rows):
        return None
    return store.save_allocations(
        snapshot.scenario, rows, user=user, expected_version=snapshot.scenario.version
    )


def result_tables(run: ScenarioRun, inputs: ScenarioInputs) -> dict[str, pd.DataFrame]:
    """Return the result tables of an export: per-site results and parcel use (spatial)."""
    names = run.sites.set_index("site_id")["name"]
    return {
        SITE_RESULTS: run.results.reset_index(drop=True),
        PARCEL_USE: parcel_use(run.ledger, inputs.parcels, names),
    }


def export_checked(
    store: ScenarioStore,
    scenario: ScenarioRef,
    out: Path,
    fmt: ExportFormat,
    inputs: ScenarioInputs,
    *,
    allocation: AllocationParams | None = None,
    labels: Mapping[str, str] | None = None,
) -> Path:
    """Check a scenario and export it with its results to ``out`` in ``fmt``.

    The results are computed from the same sites the export writes (the check and the
    export each read the scenario; a change in between raises nothing but is visible in
    the audit trail).
    """
    _, run = check_scenario(store, scenario, inputs, allocation=allocation)
    return export_scenario(
        store, scenario, out, fmt, results=result_tables(run, inputs), labels=labels
    )


def site_gates(store: ScenarioStore, scenario: ScenarioRef, inputs: ScenarioInputs) -> pd.DataFrame:
    """Return each site's gate result, score, land and water, as the Plan page checks it.

    The figures are those of the Plan page's verdict (`check_scenario`): the absorption land
    from the run's results, the water (livestock plus forage irrigation) from its needs.

    Returns
    -------
    gates
        One row per site: ``site_id``, ``scored`` (False for sites without dairy cattle),
        ``gates_passed`` (None when not scored), ``suitability_score`` (0-100; NaN when a gate
        failed or not scored), ``failed_gates_zh`` / ``failed_gates_en`` (names of the failed
        gates, "、" / ", "-joined), ``absorption_land_n_mu`` (N absorption land needed, 亩)
        and ``water_m3_per_yr`` (livestock plus irrigation water, m³/yr).
    """
    _, run = check_scenario(store, scenario, inputs)
    results = run.results.set_index("site_id")
    ids = list(results.index.astype(str))
    needs = run.needs.set_index("site_id")
    water = (
        needs["livestock_water_m3_per_yr"].astype(float)
        + needs["irrigation_water_m3_per_yr"].astype(float)
    ).reindex(results.index)
    failed = {sid: run.scores[sid].failed_gates if sid in run.scores else () for sid in ids}
    return pd.DataFrame(
        {
            "site_id": ids,
            "scored": results["scored"].to_numpy(dtype=bool),
            "gates_passed": results["gates_passed"].to_numpy(dtype=object),
            "suitability_score": results["suitability_score"].to_numpy(dtype=float),
            "failed_gates_zh": ["、".join(g.name_zh for g in failed[s]) for s in ids],
            "failed_gates_en": [", ".join(g.name_en for g in failed[s]) for s in ids],
            "absorption_land_n_mu": results["absorption_land_n_mu"].to_numpy(dtype=float),
            "water_m3_per_yr": water.to_numpy(dtype=float),
        }
    )
