"""One herd, one polygon, one set of needs: every path gives the same land, forage and water.

A 20,000-cow ranch on the DEMO-09 polygon (Tumed Left Banner, east) goes through

* ``python -m siting score --json`` (`cli.main`, i.e. `planning.site_scoring.assess_site_file`);
* the site-check page's calls (`planning.siting_inputs.load_siting_inputs` +
  `siting.assess.assess_sites`);
* the planner and ``python -m siting scenario allocate``
  (`planning.scenario_inputs.load_scenario_inputs` +
  `siting.scenario_run.run_scenario`).

All must report the same absorption land on N and P, binding basis, forage land and water
(0.1 %). At this herd no needs criterion saturates (absorption-land, forage-land and
water-headroom criteria strictly between 0 and 1), so the equal scores are not an
accident of clipping.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli import main
from geo.io import read_vector
from layers.counties import load_counties
from layers.region import load_region
from planning.scenario_inputs import load_scenario_inputs
from planning.site_scoring import county_water_use
from planning.siting_inputs import load_siting_inputs, site_terrain
from siting.assess import assess_sites
from siting.scenario_run import run_scenario
from siting.score import default_weights
from siting.site_footprint import county_codes
from store import SiteRecord
from store.frame_schema import sites_frame

REGION = load_region("hohhot")
SITE_ID = "DEMO-09"
HERD_HEAD = 20_000
REL = 1e-3
NEEDS_CRITERIA = ("absorption_land_ratio", "forage_land_ratio", "water_headroom")


@pytest.fixture(scope="module")
def polygon() -> pd.DataFrame:
    candidates = read_vector(
        REGION.dir / "demo_candidates.geojson", geometry_kind="polygon"
    ).features
    site = candidates[candidates["site_id"] == SITE_ID].reset_index(drop=True)
    return site[["site_id", "geometry"]].assign(dairy_cow_head=float(HERD_HEAD))


@pytest.fixture(scope="module")
def water() -> pd.DataFrame:
    return county_water_use(REGION, REGION.plan.water_baseline_year)


@pytest.fixture(scope="module")
def cli_needs(polygon: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = Path(tmp_path_factory.mktemp("site")) / "site.geojson"
    polygon.to_file(path, driver="GeoJSON")
    capture = tmp_path_factory.mktemp("out") / "score.json"
    import contextlib

    with capture.open("w") as out, contextlib.redirect_stdout(out):
        assert main(["score", str(path), "--region", "hohhot", "--json"]) == 0
    data = json.loads(capture.read_text())
    site = data["sites"][0]
    return {
        **site["needs"],
        "score": site["score"],
        "criteria": {c["key"]: c["normalised"] for c in site["criteria"]},
    }


@pytest.fixture(scope="module")
def page_needs(polygon: pd.DataFrame, water: pd.DataFrame) -> dict:
    inputs = load_siting_inputs(REGION, county_water=water)
    result = assess_sites(
        polygon,
        inputs.layers,
        inputs.params,
        default_weights(inputs.params),
        needs=inputs.needs,
        terrain=site_terrain(polygon, inputs),
    )
    row = result.sites.iloc[0]
    return {
        "absorption_need_mu": row["absorption_need_mu"],
        "absorption_land_n_mu": row["absorption_land_n_mu"],
        "absorption_land_p_mu": row["absorption_land_p_mu"],
        "absorption_basis": row["absorption_basis"],
        "forage_need_mu": row["forage_need_mu"],
        "water_need_m3_per_yr": row["water_need_m3_per_yr"],
        "score": result.scores.site(SITE_ID).score,
    }


@pytest.fixture(scope="module")
def plan_needs(polygon: pd.DataFrame, water: pd.DataFrame) -> dict:
    inputs = load_scenario_inputs(REGION, county_water=water)
    code = county_codes(list(polygon.geometry), load_counties(REGION))[0]
    sites = sites_frame(
        [
            SiteRecord(
                site_id=SITE_ID,
                version=1,
                name=SITE_ID,
                status="proposed",
                geometry=polygon.geometry.iloc[0],
                dairy_cow_head=HERD_HEAD,
                county_code=code,
            )
        ]
    )
    terrain = site_terrain(polygon, load_siting_inputs(REGION, with_parcels=False))
    run = run_scenario(sites, inputs, terrain=terrain)
    row = run.results.iloc[0]
    return {
        "absorption_need_mu": row["absorption_land_need_mu"],
        "absorption_land_n_mu": row["absorption_land_n_mu"],
        "absorption_land_p_mu": row["absorption_land_p_mu"],
        "absorption_basis": row["absorption_need_basis"],
        "forage_need_mu": row["forage_land_mu"],
        "water_need_m3_per_yr": row["water_need_m3_per_yr"],
        "allocated_mu": row["land_allocated_mu"],
        "score": row["suitability_score"],
    }


FIGURES = (
    "absorption_need_mu",
    "absorption_land_n_mu",
    "absorption_land_p_mu",
    "forage_need_mu",
    "water_need_m3_per_yr",
    "score",
)


@pytest.mark.parametrize("figure", FIGURES)
def test_every_path_gives_the_same_figure(
    cli_needs: dict, page_needs: dict, plan_needs: dict, figure: str
) -> None:
    assert page_needs[figure] == pytest.approx(cli_needs[figure], rel=REL)
    assert plan_needs[figure] == pytest.approx(cli_needs[figure], rel=REL)


def test_every_path_binds_on_the_same_basis(
    cli_needs: dict, page_needs: dict, plan_needs: dict
) -> None:
    assert cli_needs["absorption_basis"] == page_needs["absorption_basis"] == "N"
    assert plan_needs["absorption_basis"] == "N"
    assert cli_needs["receiving_land"] == "parcels"


def test_no_needs_criterion_saturates(cli_needs: dict) -> None:
    for key in NEEDS_CRITERIA:
        assert 0.0 < cli_needs["criteria"][key] < 1.0, key


def test_the_need_is_the_herd_supply_over_its_parcels(cli_needs: dict) -> None:
    """Independent check: N need = 20,000 x 100/15 PE x 7.0 kg N over the land need."""
    n_supply_kg_per_yr = HERD_HEAD * 100 / 15 * 7.0
    demand_kg_per_mu = n_supply_kg_per_yr / cli_needs["absorption_land_n_mu"]
    # The parcels' area-weighted demand lies between the crops' (alfalfa low, maize high).
    assert 5.0 < demand_kg_per_mu < 20.0
