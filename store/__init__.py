"""Plan store: scenarios, sites, allocations, reviews and audit trail in a GeoPackage file.

A package of its own (not in ``siting/``, which is pure computation) because it does file
I/O. It is used by the UI and the CLI; it imports ``geo``, ``errors`` and
``problems`` only.
"""

from __future__ import annotations

from store.export import EXPORT_FORMATS, export_scenario
from store.frame_schema import (
    ALLOCATION_COLUMNS,
    ALLOCATION_INPUT_COLUMNS,
    REQUIRED_SITE_COLUMNS,
    SITE_COLUMNS,
    site_records,
)
from store.paths import STORE_PATH_ENV, default_store_path
from store.plan_store import PlanStore
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
    "PlanStore",
    "Review",
    "Scenario",
    "SiteRecord",
    "default_store_path",
    "export_scenario",
    "import_sites",
    "site_records",
]
