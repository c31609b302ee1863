"""Fixtures of the scenario store tests: a store on each backend, a fixed clock, sites.

``store`` and ``store_location`` are parametrized over both backends: ``gpkg`` (a temporary
GeoPackage file) and ``postgis`` (a fresh schema on a throwaway PostgreSQL + PostGIS server,
`tests.postgis_server`, started once per test session by ``tests/conftest.py`` and removed at
its end). Where the server cannot be started (no PostgreSQL binaries or no PostGIS extension
on this machine) the ``postgis`` cases are skipped with the reason; ``make test`` installs
both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shapely.geometry import Polygon

from store import ScenarioStore, SiteRecord
from tests.postgis_server import BACKENDS, new_schema_url

__all__ = ["BACKENDS", "StepClock", "full_site", "new_schema_url"]

START = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)


class StepClock:
    """A clock that advances one second per reading (deterministic timestamps)."""

    def __init__(self) -> None:
        self.readings = 0

    def __call__(self) -> datetime:
        self.readings += 1
        return START + timedelta(seconds=self.readings)


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "plans.gpkg"


@pytest.fixture(params=BACKENDS)
def store_location(request: pytest.FixtureRequest, store_path: Path) -> Path | str:
    """Where a new, empty store goes: a .gpkg path, or a postgresql:// URL (fresh schema)."""
    if request.param == "gpkg":
        return store_path
    return new_schema_url(request.getfixturevalue("postgis_server"))


@pytest.fixture
def store(store_location: Path | str, clock: StepClock) -> ScenarioStore:
    return ScenarioStore(store_location, clock=clock)


def footprint(lon: float, lat: float, size_deg: float = 0.01, *, hole: bool = False) -> Polygon:
    """A square (optionally with a square hole) with corners off the round numbers."""
    ring = [
        (lon, lat),
        (lon + size_deg, lat),
        (lon + size_deg, lat + size_deg),
        (lon, lat + size_deg),
    ]
    holes = []
    if hole:
        q = size_deg / 4
        holes = [
            [
                (lon + q, lat + q),
                (lon + q, lat + 2 * q),
                (lon + 2 * q, lat + 2 * q),
                (lon + 2 * q, lat + q),
            ]
        ]
    return Polygon(ring, holes)


def full_site(
    name: str = "土左旗一号牧场", lon: float = 111.123456789012, lat: float = 40.654321987654
) -> SiteRecord:
    """A site with every attribute set (non-default values)."""
    return SiteRecord(
        name=name,
        geometry=footprint(lon, lat, hole=True),
        status="under_construction",
        start_year=2022,
        dairy_cow_head=3000,
        beef_cattle_head=10,
        sheep_head=20,
        goat_head=50,
        manure_route="dry_scrape+composting",
        haul_radius_km=12.5,
        footprint_source="uploaded",
        county_code="150121",
        note="近G6高速 near the G6",
    )


@pytest.fixture
def make_site() -> Iterator[Callable[..., SiteRecord]]:
    yield full_site
