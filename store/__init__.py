"""Scenario store: scenarios, sites, allocations, reviews and audit trail.

In a GeoPackage file by default, or in a shared PostgreSQL + PostGIS database when the
location is a ``postgresql://`` URL (`open_store`). A package of its own (not in
``siting/``, which is pure computation) because it does file and database I/O. It is used
through ``planning`` by the UI and the CLI; it imports ``geo``, ``errors`` and ``problems``
only.
"""

from __future__ import annotations

from store.export import EXPORT_FORMATS, export_scenario
from store.factory import open_store
from store.frame_schema import (
    ALLOCATION_COLUMNS,
    ALLOCATION_INPUT_COLUMNS,
    REQUIRED_SITE_COLUMNS,
    SITE_COLUMNS,
    site_records,
)
from store.paths import STORE_PATH_ENV, configured_store, default_store_path, is_database_url
from store.records import (
    FOOTPRINT_SOURCES,
    HERD_COLUMNS,
    REVIEW_DECISIONS,
    SITE_STATUSES,
    Comment,
    Review,
    Scenario,
    SiteRecord,
)
from store.scenario_store import ScenarioStore
from store.site_import import import_sites

__all__ = [
    "ALLOCATION_COLUMNS",
    "ALLOCATION_INPUT_COLUMNS",
    "EXPORT_FORMATS",
    "FOOTPRINT_SOURCES",
    "HERD_COLUMNS",
    "REQUIRED_SITE_COLUMNS",
    "REVIEW_DECISIONS",
    "SITE_COLUMNS",
    "SITE_STATUSES",
    "STORE_PATH_ENV",
    "Comment",
    "Review",
    "Scenario",
    "ScenarioStore",
    "SiteRecord",
    "configured_store",
    "default_store_path",
    "export_scenario",
    "import_sites",
    "is_database_url",
    "open_store",
    "site_records",
]
