"""Where the scenario store lives by default (the user's data directory).

The store itself takes an explicit path. Callers (the app, the CLI) pick it as: an explicit
option, else the environment variable `STORE_PATH_ENV`, else `default_store_path()`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final

APP_DIR_NAME: Final[str] = "forage-siting"
STORE_FILE_NAME: Final[str] = "plans.gpkg"
#: Environment variable naming the store file; read by callers, never by `ScenarioStore`.
STORE_PATH_ENV: Final[str] = "FORAGE_SITING_STORE"


def default_store_path(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> Path:
    """Return the default store file in the user's data directory.

    * Linux and other Unix: ``$XDG_DATA_HOME/forage-siting/plans.gpkg`` (``~/.local/share``
      when unset or relative);
    * macOS: ``~/Library/Application Support/forage-siting/plans.gpkg``;
    * Windows: ``%LOCALAPPDATA%\\forage-siting\\plans.gpkg``.

    ``environ`` and ``platform``
    default to the running process (``os.environ``, ``sys.platform``).
    """
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    home = Path(env.get("HOME") or Path.home())
    if plat.startswith("win"):
        base = Path(env.get("LOCALAPPDATA") or env.get("APPDATA") or home / "AppData" / "Local")
    elif plat == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = env.get("XDG_DATA_HOME", "")
        # The XDG spec says to ignore a relative path.
        base = Path(xdg) if Path(xdg).is_absolute() else home / ".local" / "share"
    return base / APP_DIR_NAME / STORE_FILE_NAME


#: Prefixes of a store location that names a PostgreSQL + PostGIS database, not a file.
DATABASE_URL_SCHEMES: Final[tuple[str, ...]] = ("postgresql://", "postgres://")


def is_database_url(location: object) -> bool:
    """Return True if ``location`` is a ``postgresql://`` (or ``postgres://``) URL."""
    return isinstance(location, str) and location.strip().lower().startswith(DATABASE_URL_SCHEMES)


def configured_store(
    explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> str | Path:
    """Return where the scenario store is: ``explicit``, else `STORE_PATH_ENV`, else the default.

    A ``postgresql://`` URL is returned as text (a shared PostGIS database); anything else
    as a path with ``~`` expanded.
    """
    env = os.environ if environ is None else environ
    chosen = str(explicit).strip() if explicit is not None else env.get(STORE_PATH_ENV, "").strip()
    if not chosen:
        return default_store_path(env)
    return chosen if is_database_url(chosen) else Path(chosen).expanduser()
