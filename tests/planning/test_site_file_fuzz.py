"""A short fuzzing run of the import path: mutated scenario exports through `read_site_file`.

The Plan page and ``siting plan import`` first try a file as this program's own export
(`store.import_sites`: zipped Shapefile with its column map, XLSX, GeoPackage layer
``sites``), then as any vector file. Mutated bytes of real exports must give sites or a
`PlannerError`, nothing else (hypothesis, ~20 examples per format).
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errors import PlannerError, PlannerWarning
from planning.regions import load_region
from planning.scenario_inputs import load_scenario_inputs
from planning.site_files import read_site_file
from store import ScenarioStore, export_scenario
from tests.geo.test_reader_fuzz import _mutate, mutation
from tests.store.conftest import full_site

FUZZ = settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FORMATS = {"shp_zip": ".zip", "xlsx": ".xlsx", "gpkg": ".gpkg", "kml": ".kml"}


@cache
def scenario_inputs() -> Any:
    return load_scenario_inputs(load_region("hohhot"))


@cache
def exported(fmt: str, folder: str) -> bytes:
    store = ScenarioStore(Path(folder) / "plans.gpkg", backups=None)
    if not store.list_scenarios():
        store.create_scenario("S", user="u")
        store.add_site("S", full_site("Ranch A", lon=111.6, lat=40.8), user="u")
    out = Path(folder) / f"export{FORMATS[fmt]}"
    export_scenario(store, "S", out, fmt)  # type: ignore[arg-type]
    return out.read_bytes()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("exports"))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_export_is_read_back(fmt: str, folder: str) -> None:
    sites = read_site_file(exported(fmt, folder), f"sites{FORMATS[fmt]}", scenario_inputs())
    assert [r.name for r in sites.records] == ["Ranch A"]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@FUZZ
@given(mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_exports_give_sites_or_a_planner_error(
    fmt: str, folder: str, mutations: list[tuple[str, float, int]]
) -> None:
    data = _mutate(exported(fmt, folder), mutations)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", PlannerWarning)
        try:
            read_site_file(data, f"sites{FORMATS[fmt]}", scenario_inputs())
        except PlannerError as err:
            assert err.message("en").strip()
