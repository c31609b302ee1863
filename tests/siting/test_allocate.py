"""Tests of the absorption-land ledger (siting.allocate).

Layers are built in EPSG:4546 (CGCS2000 GK CM 111E, the Hohhot analysis CRS) on a line
y = Y0_M, so that distances are differences of eastings; parcels are 100 m x 100 m squares
(1 ha = 10,000 m2 = 10,000 / M2_PER_MU mu) whose representative point is their centre.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import geopandas as gpd
from shapely.geometry import Point, box

from errors import (
    CrsMismatchError,
    GeographicCrsError,
    InvalidGeometryError,
    ParameterError,
    SchemaError,
)
from geo.units import M2_PER_MU, M_PER_KM
from siting.allocate import (
    AllocationParams,
    allocate,
    build_candidates,
    solve_allocation,
    update_candidates,
)

CRS = "EPSG:4546"
X0_M = 500_000.0
Y0_M = 4_520_000.0
PARCEL_HALF_SIDE_M = 50.0
PARCEL_AREA_MU = 10_000 / M2_PER_MU
PARAMS = AllocationParams(
    road_factor=1.0,
    default_haul_radius_km=10.0,
    priority_by_status={"existing": 0, "under_construction": 1, "proposed": 2},
)


def make_farms(rows: list[dict], crs: str = CRS) -> gpd.GeoDataFrame:
    """Farms from dicts with ``x_km`` (east of X0_M) and optional ``y_km``, plus columns."""
    frame = pd.DataFrame(rows)
    geometry = [
        Point(X0_M + r["x_km"] * M_PER_KM, Y0_M + r.get("y_km", 0.0) * M_PER_KM) for r in rows
    ]
    frame = frame.drop(columns=[c for c in ("x_km", "y_km") if c in frame.columns])
    defaults = {"p_need_kg_per_yr": 0.0, "status": "existing"}
    frame = frame.assign(**{k: v for k, v in defaults.items() if k not in frame.columns})
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=crs)


def make_parcels(rows: list[dict], crs: str = CRS) -> gpd.GeoDataFrame:
    """100 m squares centred ``x_km`` (and ``y_km``) km from (X0_M, Y0_M) with capacities."""
    frame = pd.DataFrame(
        rows, columns=["parcel_id", "x_km", "y_km", "n_capacity_kg_per_yr", "p_capacity_kg_per_yr"]
    )
    frame["y_km"] = frame["y_km"].fillna(0.0)
    frame["p_capacity_kg_per_yr"] = frame["p_capacity_kg_per_yr"].fillna(0.0)
    x_m = X0_M + frame["x_km"].to_numpy(dtype=float) * M_PER_KM
    y_m = Y0_M + frame["y_km"].to_numpy(dtype=float) * M_PER_KM
    geometry = [
        box(
            x - PARCEL_HALF_SIDE_M,
            y - PARCEL_HALF_SIDE_M,
            x + PARCEL_HALF_SIDE_M,
            y + PARCEL_HALF_SIDE_M,
        )
        for x, y in zip(x_m, y_m, strict=True)
    ]
    frame = frame.drop(columns=["x_km", "y_km"]).assign(area_mu=PARCEL_AREA_MU)
    return gpd.GeoDataFrame(
        frame.astype({"n_capacity_kg_per_yr": float, "p_capacity_kg_per_yr": float}),
        geometry=geometry,
        crs=crs,
    )


def share_of(result, farm_id: str, parcel_id: str) -> float:
    rows = result.allocations
    picked = rows[(rows["farm_id"] == farm_id) & (rows["parcel_id"] == parcel_id)]
    return float(picked["share_frac"].sum())


def farm_row(result, farm_id: str) -> pd.Series:
    return result.farms.set_index("farm_id").loc[farm_id]


# Three parcels on a line between farm A (x = 0 km) and farm B (x = 10 km), 1,000 kg N each.
LINE_PARCELS = [
    {"parcel_id": "P1", "x_km": 2.0, "n_capacity_kg_per_yr": 1000.0, "p_capacity_kg_per_yr": 200.0},
    {"parcel_id": "P2", "x_km": 5.0, "n_capacity_kg_per_yr": 1000.0, "p_capacity_kg_per_yr": 200.0},
    {"parcel_id": "P3", "x_km": 8.0, "n_capacity_kg_per_yr": 1000.0, "p_capacity_kg_per_yr": 200.0},
]


def test_hand_case_nearest_land_first() -> None:
    # A needs 1,500 kg N: P1 (2 km) whole + half of P2 (5 km); B needs 1,000: P3 (2 km).
    # Any swap is longer (e.g. A taking P3 at 8 km instead of P2 at 5 km).
    farms = make_farms(
        [
            {"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 1500.0},
            {"farm_id": "B", "x_km": 10.0, "n_need_kg_per_yr": 1000.0},
        ]
    )
    result = allocate(farms, make_parcels(LINE_PARCELS), PARAMS)

    assert share_of(result, "A", "P1") == pytest.approx(1.0)
    assert share_of(result, "A", "P2") == pytest.approx(0.5)
    assert share_of(result, "B", "P3") == pytest.approx(1.0)
    assert len(result.allocations) == 3
    assert result.total_nutrient_kg_km_per_yr == pytest.approx(1000 * 2 + 500 * 5 + 1000 * 2)
    a = farm_row(result, "A")
    assert a["allocated_kg_per_yr"] == pytest.approx(1500.0)
    assert a["unmet_kg_per_yr"] == pytest.approx(0.0, abs=1e-6)
    assert a["land_allocated_mu"] == pytest.approx(1.5 * PARCEL_AREA_MU)
    assert a["allocated_p_kg_per_yr"] == pytest.approx(1.5 * 200.0)
    assert a["mean_haul_km"] == pytest.approx((1000 * 2 + 500 * 5) / 1500)
    assert a["n_parcels"] == 2
    assert a["n_candidate_parcels"] == 3
    p2 = result.parcels.set_index("parcel_id").loc["P2"]
    assert p2["used_frac"] == pytest.approx(0.5)
    assert p2["farm_ids"] == "A"
    assert p2["remaining_n_capacity_kg_per_yr"] == pytest.approx(500.0)
    assert p2["remaining_p_capacity_kg_per_yr"] == pytest.approx(100.0)
    assert result.solver_status == "optimal"


def test_hand_case_parcel_shared_by_two_farms() -> None:
    # Both need 1,500: each takes its 2 km parcel and half of P2 at 5 km.
    farms = make_farms(
        [
            {"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 1500.0},
            {"farm_id": "B", "x_km": 10.0, "n_need_kg_per_yr": 1500.0},
        ]
    )
    result = allocate(farms, make_parcels(LINE_PARCELS), PARAMS)

    assert share_of(result, "A", "P2") == pytest.approx(0.5)
    assert share_of(result, "B", "P2") == pytest.approx(0.5)
    assert result.total_nutrient_kg_km_per_yr == pytest.approx(2 * (1000 * 2 + 500 * 5))
    p2 = result.parcels.set_index("parcel_id").loc["P2"]
    assert sorted(p2["farm_ids"].split(";")) == ["A", "B"]
    assert p2["used_frac"] == pytest.approx(1.0)
    assert p2["n_farms"] == 2


def test_p_basis_uses_p_capacity() -> None:
    # A on P basis needs 300 kg P: P1 (200 kg P) + half of P2; N taken alongside = 1,500.
    farms = make_farms(
        [
            {
                "farm_id": "A",
                "x_km": 0.0,
                "n_need_kg_per_yr": 0.0,
                "p_need_kg_per_yr": 300.0,
                "basis": "P",
            }
        ]
    )
    result = allocate(farms, make_parcels(LINE_PARCELS), PARAMS)

    a = farm_row(result, "A")
    assert a["basis"] == "P"
    assert a["allocated_kg_per_yr"] == pytest.approx(300.0)
    assert a["allocated_n_kg_per_yr"] == pytest.approx(1500.0)
    assert result.total_nutrient_kg_km_per_yr == pytest.approx(200 * 2 + 100 * 5)


NEAR_FAR_PARCELS = [
    {"parcel_id": "near", "x_km": 2.0, "n_capacity_kg_per_yr": 1000.0},
    {"parcel_id": "far", "x_km": 9.0, "n_capacity_kg_per_yr": 1000.0},
]


def test_existing_farm_served_before_closer_proposed_farm() -> None:
    # E (existing, x = 0, radius 10) and Q (proposed, x = 3, radius 3) both need 1,000 kg.
    # Only "near" is within Q's radius (1 km from Q, 2 km from E). E is served first and
    # takes "near" (2 km < 9 km), so Q is left unmet although it is closer.
    farms = make_farms(
        [
            {"farm_id": "E", "x_km": 0.0, "n_need_kg_per_yr": 1000.0, "status": "existing"},
            {
                "farm_id": "Q",
                "x_km": 3.0,
                "n_need_kg_per_yr": 1000.0,
                "status": "proposed",
                "haul_radius_km": 3.0,
            },
        ]
    )
    result = allocate(farms, make_parcels(NEAR_FAR_PARCELS), PARAMS)

    assert share_of(result, "E", "near") == pytest.approx(1.0)
    assert farm_row(result, "Q")["unmet_kg_per_yr"] == pytest.approx(1000.0)
    assert farm_row(result, "Q")["priority"] == 2

    # Same priority: the joint optimum serves both (Q near, E far).
    equal = allocate(farms.assign(priority=0), make_parcels(NEAR_FAR_PARCELS), PARAMS)
    assert share_of(equal, "Q", "near") == pytest.approx(1.0)
    assert share_of(equal, "E", "far") == pytest.approx(1.0)
    assert equal.farms["unmet_kg_per_yr"].sum() == pytest.approx(0.0, abs=1e-6)


def test_priority_order_user_can_change() -> None:
    farms = make_farms(
        [
            {"farm_id": "E", "x_km": 0.0, "n_need_kg_per_yr": 1000.0, "status": "existing"},
            {
                "farm_id": "Q",
                "x_km": 3.0,
                "n_need_kg_per_yr": 1000.0,
                "status": "proposed",
                "haul_radius_km": 3.0,
            },
        ]
    )
    swapped = AllocationParams(
        road_factor=1.0,
        default_haul_radius_km=10.0,
        priority_by_status={"existing": 1, "proposed": 0},
    )
    result = allocate(farms, make_parcels(NEAR_FAR_PARCELS), swapped)

    assert share_of(result, "Q", "near") == pytest.approx(1.0)
    assert share_of(result, "E", "far") == pytest.approx(1.0)


def test_parcel_outside_radius_never_used() -> None:
    # Need 5,000 kg, parcels at 9.9 km and 10.5 km: only the first is within 10 km.
    farms = make_farms([{"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 5000.0}])
    parcels = make_parcels(
        [
            {"parcel_id": "in", "x_km": 9.9, "n_capacity_kg_per_yr": 1000.0},
            {"parcel_id": "out", "x_km": 10.5, "n_capacity_kg_per_yr": 1000.0},
        ]
    )
    result = allocate(farms, parcels, PARAMS)

    assert set(result.allocations["parcel_id"]) == {"in"}
    assert farm_row(result, "A")["unmet_kg_per_yr"] == pytest.approx(4000.0)
    wider = allocate(farms.assign(haul_radius_km=11.0), parcels, PARAMS)
    assert set(wider.allocations["parcel_id"]) == {"in", "out"}


def test_road_factor_scales_haul_and_shrinks_reach() -> None:
    # road factor 1.2: the 8 km parcel is 9.6 km by road (kept), the 9 km one 10.8 km (dropped).
    farms = make_farms([{"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 5000.0}])
    parcels = make_parcels(
        [
            {"parcel_id": "p8", "x_km": 8.0, "n_capacity_kg_per_yr": 1000.0},
            {"parcel_id": "p9", "x_km": 9.0, "n_capacity_kg_per_yr": 1000.0},
        ]
    )
    params = AllocationParams(
        road_factor=1.2, default_haul_radius_km=10.0, priority_by_status={"existing": 0}
    )
    result = allocate(farms, parcels, params)

    assert list(result.allocations["parcel_id"]) == ["p8"]
    assert result.allocations["haul_km"].iloc[0] == pytest.approx(1.2 * 8.0)


def test_unmet_need_reported_per_farm() -> None:
    farms = make_farms(
        [
            {"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 5000.0},
            {"farm_id": "Z", "x_km": 100.0, "n_need_kg_per_yr": 700.0},
        ]
    )
    result = allocate(farms, make_parcels(LINE_PARCELS[:2]), PARAMS)

    a, z = farm_row(result, "A"), farm_row(result, "Z")
    assert a["allocated_kg_per_yr"] == pytest.approx(2000.0)
    assert a["unmet_kg_per_yr"] == pytest.approx(3000.0)
    assert a["unmet_frac"] == pytest.approx(3000 / 5000)
    assert z["unmet_kg_per_yr"] == pytest.approx(700.0)
    assert np.isnan(z["mean_haul_km"])
    assert z["n_parcels"] == 0


def test_no_parcels_leaves_all_need_unmet() -> None:
    farms = make_farms([{"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 5000.0}])
    result = allocate(farms, make_parcels([]), PARAMS)

    assert result.allocations.empty
    assert result.parcels.empty
    assert farm_row(result, "A")["unmet_kg_per_yr"] == pytest.approx(5000.0)


# --- random cases -------------------------------------------------------------------------

KM = st.integers(min_value=0, max_value=12).map(float)
CAPACITY = st.integers(min_value=0, max_value=2000).map(float)


@st.composite
def scenarios(
    draw,
    *,
    max_farms: int,
    max_parcels: int,
    bases: tuple[str, ...] = ("N",),
    max_priority: int = 0,
):
    n_farms = draw(st.integers(1, max_farms))
    n_parcels = draw(st.integers(1, max_parcels))
    farm_rows = [
        {
            "farm_id": f"F{i}",
            "x_km": draw(KM),
            "y_km": draw(KM),
            "n_need_kg_per_yr": draw(CAPACITY),
            "p_need_kg_per_yr": draw(CAPACITY) / 5,
            "haul_radius_km": float(draw(st.integers(3, 12))),
            "basis": draw(st.sampled_from(bases)),
            "priority": draw(st.integers(0, max_priority)),
        }
        for i in range(n_farms)
    ]
    parcel_rows = [
        {
            "parcel_id": f"P{j}",
            "x_km": draw(KM),
            "y_km": draw(KM),
            "n_capacity_kg_per_yr": draw(CAPACITY),
            "p_capacity_kg_per_yr": draw(CAPACITY) / 5,
        }
        for j in range(n_parcels)
    ]
    return make_farms(farm_rows), make_parcels(parcel_rows)


@settings(max_examples=30, deadline=None)
@given(scenarios(max_farms=6, max_parcels=10, bases=("N", "P"), max_priority=2))
def test_ledger_invariants_on_random_cases(case) -> None:
    farms, parcels = case
    result = allocate(farms, parcels, PARAMS)

    per_parcel = result.allocations.groupby("parcel_id")["share_frac"].sum()
    assert (per_parcel <= 1 + 1e-9).all()
    assert (result.parcels["used_frac"] <= 1 + 1e-9).all()
    radius = farms.set_index("farm_id")["haul_radius_km"]
    assert (
        result.allocations["haul_km"] <= radius.loc[result.allocations["farm_id"]].to_numpy() + 1e-9
    ).all()
    rows = result.farms
    assert np.allclose(
        rows["allocated_kg_per_yr"] + rows["unmet_kg_per_yr"], rows["need_kg_per_yr"], atol=1e-4
    )
    assert (rows["unmet_kg_per_yr"] >= 0).all()


def reference_optimum(farms: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame) -> tuple[float, float]:
    """Independent dense LP (interior point) of one priority tier.

    Variables x[f, p] for every pair (bound 0 beyond the radius); farm f takes cap[f, p] =
    the parcel's capacity on f's basis per unit share. Stage 1 maximises the kg served under
    need and land limits; stage 2 minimises kg x km keeping exactly that service (no slack:
    with N and P bases mixed, a tiny slack can buy a visible haul saving).
    Returns (total unmet kg, total kg x km).
    """
    farm_xy = np.column_stack([farms.geometry.x, farms.geometry.y])
    parcel_xy = np.column_stack([parcels.geometry.centroid.x, parcels.geometry.centroid.y])
    dist_km = np.linalg.norm(farm_xy[:, None, :] - parcel_xy[None, :, :], axis=2) / M_PER_KM
    on_n = (farms["basis"] == "N").to_numpy()[:, None]
    cap = np.where(
        on_n,
        parcels["n_capacity_kg_per_yr"].to_numpy()[None, :],
        parcels["p_capacity_kg_per_yr"].to_numpy()[None, :],
    )
    need = np.where(on_n[:, 0], farms["n_need_kg_per_yr"], farms["p_need_kg_per_yr"])
    n_f, n_p = dist_km.shape
    reach = dist_km <= farms["haul_radius_km"].to_numpy()[:, None]
    bounds = [(0.0, 1.0 if ok else 0.0) for ok in reach.ravel()]
    need_rows = np.zeros((n_f, n_f * n_p))
    land_rows = np.zeros((n_p, n_f * n_p))
    for f in range(n_f):
        need_rows[f, f * n_p : (f + 1) * n_p] = cap[f]
        land_rows[:, f * n_p : (f + 1) * n_p] += np.eye(n_p)
    a_ub = np.vstack([need_rows, land_rows])
    b_ub = np.concatenate([need, np.ones(n_p)])
    served = -linprog(-cap.ravel(), A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs-ipm").fun
    keep = np.vstack([a_ub, -cap.ravel()])
    stage2 = linprog(
        (cap * dist_km).ravel(),
        A_ub=keep,
        b_ub=np.append(b_ub, -served),
        bounds=bounds,
        method="highs-ipm",
    )
    assert stage2.status == 0, stage2.message
    return need.sum() - served, stage2.fun


@settings(max_examples=30, deadline=None)
@given(scenarios(max_farms=3, max_parcels=4, bases=("N",)))
def test_one_basis_matches_independent_dense_lp(case) -> None:
    check_against_reference(*case)


@settings(max_examples=30, deadline=None)
@given(scenarios(max_farms=3, max_parcels=4, bases=("N", "P")))
def test_mixed_bases_match_independent_dense_lp(case) -> None:
    check_against_reference(*case)


def check_against_reference(farms: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame) -> None:
    result = allocate(farms, parcels, PARAMS)
    unmet_ref, haul_ref = reference_optimum(farms, parcels)

    scale_kg = max(farms["n_need_kg_per_yr"].sum(), 1.0)
    assert result.farms["unmet_kg_per_yr"].sum() == pytest.approx(unmet_ref, abs=1e-6 * scale_kg)
    assert result.total_nutrient_kg_km_per_yr == pytest.approx(haul_ref, rel=1e-6, abs=1e-3)


@settings(max_examples=30, deadline=None)
@given(scenarios(max_farms=1, max_parcels=8))
def test_single_farm_matches_greedy_nearest_first(case) -> None:
    # One farm: filling the nearest parcels first is optimal (exchange argument).
    farms, parcels = case
    result = allocate(farms, parcels, PARAMS)
    farm = farms.iloc[0]
    dist_km = parcels.geometry.centroid.distance(farm.geometry).to_numpy() / M_PER_KM
    cap = parcels["n_capacity_kg_per_yr"].to_numpy()
    remaining, haul = farm["n_need_kg_per_yr"], 0.0
    for p in np.argsort(dist_km, kind="stable"):
        if dist_km[p] <= farm["haul_radius_km"]:
            taken = min(cap[p], remaining)
            remaining, haul = remaining - taken, haul + taken * dist_km[p]

    assert result.farms["unmet_kg_per_yr"].iloc[0] == pytest.approx(remaining, abs=1e-6)
    assert result.total_nutrient_kg_km_per_yr == pytest.approx(haul, rel=1e-6, abs=1e-3)


# --- incremental re-solving ---------------------------------------------------------------


def clustered_scenario(seed: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Two clusters 60 km apart with 3 farms each and 60 parcels each."""
    rng = np.random.default_rng(seed)
    farm_rows, parcel_rows = [], []
    for cluster, offset_km in enumerate((0.0, 60.0)):
        for i, status in enumerate(("existing", "under_construction", "proposed")):
            farm_rows.append(
                {
                    "farm_id": f"C{cluster}F{i}",
                    "status": status,
                    "x_km": offset_km + rng.uniform(0, 8),
                    "y_km": rng.uniform(0, 8),
                    "n_need_kg_per_yr": rng.uniform(5_000, 15_000),
                }
            )
        parcel_rows += [
            {
                "parcel_id": f"C{cluster}P{j:02d}",
                "x_km": offset_km + rng.uniform(-4, 12),
                "y_km": rng.uniform(-4, 12),
                "n_capacity_kg_per_yr": rng.uniform(100, 600),
            }
            for j in range(60)
        ]
    return make_farms(farm_rows), make_parcels(parcel_rows)


def moved(farms: gpd.GeoDataFrame, farm_id: str, dx_km: float) -> gpd.GeoDataFrame:
    edited = farms.copy()
    row = edited.index[edited["farm_id"] == farm_id][0]
    point = edited.geometry.loc[row]
    edited.loc[row, "geometry"] = Point(point.x + dx_km * M_PER_KM, point.y)
    return edited


def test_update_candidates_equals_rebuild() -> None:
    farms, parcels = clustered_scenario(seed=1)
    candidates = build_candidates(farms, parcels, PARAMS)
    edited = moved(farms, "C1F2", dx_km=3.0)
    edited = pd.concat(
        [
            edited[edited["farm_id"] != "C0F1"],
            make_farms([{"farm_id": "NEW", "x_km": 5.0, "n_need_kg_per_yr": 1e3}]),
        ],
        ignore_index=True,
    )
    changed = edited[edited["farm_id"].isin(["C1F2", "NEW"])]

    updated = update_candidates(candidates, changed, parcels, PARAMS, removed_farm_ids=["C0F1"])
    rebuilt = build_candidates(edited, parcels, PARAMS)
    pd.testing.assert_frame_equal(updated.pairs, rebuilt.pairs)
    pd.testing.assert_frame_equal(updated.farm_sites, rebuilt.farm_sites)


def test_incremental_solve_equals_full_solve_and_reuses_components() -> None:
    farms, parcels = clustered_scenario(seed=2)
    candidates = build_candidates(farms, parcels, PARAMS)
    first = solve_allocation(candidates, farms, parcels, PARAMS)
    edited = moved(farms, "C1F2", dx_km=2.0)
    updated = update_candidates(candidates, edited[edited["farm_id"] == "C1F2"], parcels, PARAMS)

    again = solve_allocation(updated, edited, parcels, PARAMS, previous=first)
    full = allocate(edited, parcels, PARAMS)
    assert again.n_components_reused > 0
    assert again.n_components_solved < full.n_components_solved
    assert again.total_nutrient_kg_km_per_yr == pytest.approx(
        full.total_nutrient_kg_km_per_yr, rel=1e-9
    )
    pd.testing.assert_frame_equal(again.farms, full.farms, rtol=1e-6, atol=1e-6)
    # Cluster 0 and the higher tiers of cluster 1 keep exactly their earlier allocation.
    kept = first.allocations[first.allocations["farm_id"] != "C1F2"].reset_index(drop=True)
    same = again.allocations[again.allocations["farm_id"] != "C1F2"].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, same)


def test_solve_rejects_out_of_date_candidates() -> None:
    farms, parcels = clustered_scenario(seed=3)
    candidates = build_candidates(farms, parcels, PARAMS)
    with pytest.raises(ParameterError, match=r"out of date.*C0F0"):
        solve_allocation(candidates, moved(farms, "C0F0", dx_km=1.0), parcels, PARAMS)
    with pytest.raises(ParameterError, match=r"not in the candidate table: NEW"):
        extra = make_farms([{"farm_id": "NEW", "x_km": 1.0, "n_need_kg_per_yr": 1.0}])
        solve_allocation(candidates, pd.concat([farms, extra], ignore_index=True), parcels, PARAMS)
    with pytest.raises(ParameterError, match=r"parcel layer differs"):
        update_candidates(candidates, farms.iloc[:1], parcels.iloc[:-1], PARAMS)
    other = AllocationParams(
        road_factor=1.3, default_haul_radius_km=10.0, priority_by_status=PARAMS.priority_by_status
    )
    with pytest.raises(ParameterError, match=r"road_factor 1.3"):
        update_candidates(candidates, farms.iloc[:1], parcels, other)


# --- error paths --------------------------------------------------------------------------


def test_missing_columns_listed_together() -> None:
    farms = make_farms([{"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 1.0}])
    parcels = make_parcels(LINE_PARCELS)
    with pytest.raises(SchemaError, match=r"missing columns: n_need_kg_per_yr, p_need_kg_per_yr"):
        allocate(farms.drop(columns=["n_need_kg_per_yr", "p_need_kg_per_yr"]), parcels, PARAMS)
    with pytest.raises(SchemaError, match=r"missing columns: area_mu, n_capacity_kg_per_yr"):
        allocate(farms, parcels.drop(columns=["area_mu", "n_capacity_kg_per_yr"]), PARAMS)
    with pytest.raises(SchemaError, match=r"missing columns: priority"):
        allocate(farms.drop(columns=["status"]), parcels, PARAMS)


def test_negative_need_and_capacity_rejected_bilingually() -> None:
    farms = make_farms([{"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": -5.0}])
    with pytest.raises(ParameterError, match=r"n_need_kg_per_yr must be .*>= 0.*\(A\)") as err:
        allocate(farms, make_parcels(LINE_PARCELS), PARAMS)
    assert "须为非负有限数" in err.value.message("zh")
    parcels = make_parcels(LINE_PARCELS).assign(p_capacity_kg_per_yr=[1.0, -2.0, np.nan])
    with pytest.raises(ParameterError, match=r"p_capacity_kg_per_yr .*\(P2, P3\)"):
        allocate(farms.assign(n_need_kg_per_yr=1.0), parcels, PARAMS)


def test_bad_categories_and_radius_rejected() -> None:
    farms = make_farms(
        [
            {"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 1.0, "basis": "K"},
            {"farm_id": "A", "x_km": 1.0, "n_need_kg_per_yr": 1.0, "status": "planned"},
        ]
    )
    with pytest.raises(SchemaError, match=r"duplicated.*basis must be one of N, P.*status"):
        allocate(farms, make_parcels(LINE_PARCELS), PARAMS)
    farms = make_farms(
        [{"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 1.0, "haul_radius_km": 0.0}]
    )
    with pytest.raises(ParameterError, match=r"haul_radius_km must be > 0"):
        allocate(farms, make_parcels(LINE_PARCELS), PARAMS)


def test_crs_and_geometry_errors() -> None:
    farms = make_farms([{"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 1.0}])
    parcels = make_parcels(LINE_PARCELS)
    with pytest.raises(CrsMismatchError, match=r"parcels"):
        allocate(farms, parcels.to_crs("EPSG:4547"), PARAMS)
    with pytest.raises(GeographicCrsError, match=r"farms"):
        allocate(farms.to_crs("EPSG:4326"), parcels.to_crs("EPSG:4326"), PARAMS)
    broken = parcels.copy()
    broken.loc[1, "geometry"] = None
    with pytest.raises(InvalidGeometryError, match=r"(?s)parcels.*feature 2"):
        allocate(farms, broken, PARAMS)


def test_params_out_of_range() -> None:
    with pytest.raises(ParameterError, match=r"road_factor = 0.9 must be >= 1"):
        AllocationParams(
            road_factor=0.9, default_haul_radius_km=10.0, priority_by_status={"existing": 0}
        )
    with pytest.raises(ParameterError, match=r"default_haul_radius_km"):
        AllocationParams(
            road_factor=1.0, default_haul_radius_km=0.0, priority_by_status={"existing": 0}
        )
    with pytest.raises(ParameterError, match=r"whole-number rank"):
        AllocationParams(
            road_factor=1.0, default_haul_radius_km=1.0, priority_by_status={"existing": 0.5}
        )


def test_inputs_not_mutated() -> None:
    farms = make_farms([{"farm_id": "A", "x_km": 0.0, "n_need_kg_per_yr": 1500.0}])
    parcels = make_parcels(LINE_PARCELS)
    farms_before, parcels_before = farms.copy(), parcels.copy()
    allocate(farms, parcels, PARAMS)
    pd.testing.assert_frame_equal(farms, farms_before)
    pd.testing.assert_frame_equal(parcels, parcels_before)
