"""One way to open the scenario store, whatever holds it: a GeoPackage file or PostGIS.

The app, the CLI and ``planning`` open the store with `open_store`; the location is a path
(``.gpkg``) or a ``postgresql://`` URL, by default `store.paths.configured_store` (the
``--store`` option, else ``$FORAGE_SITING_STORE``, else the user's data directory).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from store.paths import configured_store
from store.scenario_store import ScenarioStore, utc_now


def open_store(
    location: str | os.PathLike[str] | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> ScenarioStore:
    """Return the scenario store at ``location`` (created on first use).

    Parameters
    ----------
    location
        A ``.gpkg`` path, or ``postgresql://user:password@host:port/dbname`` for a shared
        PostGIS database; None reads ``$FORAGE_SITING_STORE`` (then the default file).
    clock
        Returns the current time (timezone-aware), for the stored timestamps.

    Raises
    ------
    FileFormatError
        If the file or database exists but is not a scenario store, or cannot be reached.
    """
    chosen = configured_store(location)
    return ScenarioStore(chosen if isinstance(chosen, str) else Path(chosen), clock=clock)
