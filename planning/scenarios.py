"""The scenario store as the entry points see it: scenarios, sites, their records and exports.

The UI and the command line reach the store (`store`) only through `planning`; this module
names what they use of it (STYLE.md B1). They open it with `open_store`: a GeoPackage file
or, for a bureau-wide server, a ``postgresql://`` URL (``$FORAGE_SITING_STORE``).
"""

from __future__ import annotations

from store import (
    EXPORT_FORMATS,
    SITE_STATUSES,
    STORE_PATH_ENV,
    Scenario,
    ScenarioStore,
    SiteRecord,
    configured_store,
    default_store_path,
    export_scenario,
    is_database_url,
    open_store,
    site_records,
)
from store.backups import (
    DEFAULT_KEEP_BACKUPS,
    Backup,
    BackupPolicy,
    backup_store,
    list_backups,
    restore_store,
)
from store.export import SUFFIXES
from store.frame_schema import sites_frame
from store.records import ScenarioSnapshot

__all__ = [
    "DEFAULT_KEEP_BACKUPS",
    "EXPORT_FORMATS",
    "SITE_STATUSES",
    "STORE_PATH_ENV",
    "SUFFIXES",
    "Backup",
    "BackupPolicy",
    "Scenario",
    "ScenarioSnapshot",
    "ScenarioStore",
    "SiteRecord",
    "backup_store",
    "configured_store",
    "default_store_path",
    "export_scenario",
    "is_database_url",
    "list_backups",
    "open_store",
    "restore_store",
    "site_records",
    "sites_frame",
]
