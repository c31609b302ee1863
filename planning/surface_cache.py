"""Suitability surfaces kept on disk per region, footprint and herd (computed once).

A whole-region surface takes about 47 s at 30 m (`planning.surface`), so the Plan page and
``python -m siting optimise`` ask `cached_surface` for it: the COG is written once under the
region's cache folder, ``<cache root>/<region id>/surfaces/``, with a name that says what it
is (herd, footprint, cell size) and a key that changes when anything it was computed from
changes (the options, and the size and time of every file of the region pack and of the
default coefficient tables). A second request with the same inputs returns the file at once.

The cache root is chosen by the entry points (app, CLI): `CACHE_DIR_ENV`, else
`default_cache_root` (the user's cache folder). Nothing here reads settings.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final

from layers.coefficients import COEFFICIENTS_DIR
from planning.surface import SurfaceOptions, surface_context, write_surface
from planning.surface_style import write_surface_style
from store.paths import APP_DIR_NAME

if TYPE_CHECKING:
    from layers.region import Region
    from planning.surface import Progress
    from siting.surface import SurfaceFootprint

#: Environment variable naming the cache root; read by the entry points only.
CACHE_DIR_ENV: Final[str] = "FORAGE_SITING_CACHE"
SURFACES_DIR: Final[str] = "surfaces"
#: Hex digits of the input key kept in a file name (collisions need 2^32 variants).
_KEY_DIGITS: Final[int] = 8


def default_cache_root(environ: Mapping[str, str] | None = None) -> Path:
    """Return the user's cache folder for the app.

    ``$XDG_CACHE_HOME/forage-siting`` (``~/.cache`` when unset or relative) on Linux,
    ``~/Library/Caches/forage-siting`` on macOS, ``%LOCALAPPDATA%\\forage-siting\\cache``
    on Windows. ``environ`` defaults to the running process's.
    """
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or Path.home())
    if sys.platform.startswith("win"):
        base = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local") / APP_DIR_NAME
        return base / "cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / APP_DIR_NAME
    xdg = env.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if Path(xdg).is_absolute() else home / ".cache"
    return base / APP_DIR_NAME


def region_cache_dir(cache_root: Path, region: Region) -> Path:
    """Return the region's cache folder (not created)."""
    return cache_root / region.id


def _inputs_fingerprint(region: Region) -> str:
    """Hash of the name, size and modification time of every file the surface reads."""
    digest = hashlib.sha256()
    for folder in (region.dir, COEFFICIENTS_DIR):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(
                f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


def surface_cache_path(
    cache_root: Path, region: Region, footprint: SurfaceFootprint, options: SurfaceOptions
) -> Path:
    """Return the file `cached_surface` keeps this surface in.

    The name reads ``surface_<herd>cows_<footprint>mu_<cell>m_<key>.tif``; ``key`` hashes
    the footprint, the options and `_inputs_fingerprint` of the region pack.
    """
    key = hashlib.sha256(
        "|".join(
            (
                f"{footprint.side_m:.6f}",
                f"{footprint.dairy_cow_head:.6f}",
                repr(options),
                _inputs_fingerprint(region),
            )
        ).encode()
    ).hexdigest()[:_KEY_DIGITS]
    name = (
        f"surface_{footprint.dairy_cow_head:g}cows_{footprint.area_mu:.0f}mu_"
        f"{options.cell_m:g}m_{key}.tif"
    )
    return region_cache_dir(cache_root, region) / SURFACES_DIR / name


def cached_surface(
    region: Region,
    footprint: SurfaceFootprint,
    options: SurfaceOptions,
    cache_root: Path,
    *,
    progress: Progress | None = None,
) -> Path:
    """Return the surface's COG, computing and keeping it first if it is not cached yet.

    The file is written under a temporary name and renamed when complete, so an interrupted
    run leaves no half-written surface behind. Its QGIS style (`write_surface_style`) is
    written beside it.

    Parameters
    ----------
    cache_root
        The app's cache folder (`default_cache_root` or `CACHE_DIR_ENV`).
    progress
        Called with (rows done, rows in all) after each window; not called on a cache hit.
    """
    path = surface_cache_path(cache_root, region, footprint, options)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    context = surface_context(region, footprint, options)
    handle, staging = tempfile.mkstemp(suffix=".tif", dir=path.parent)
    os.close(handle)
    try:
        write_surface(context, Path(staging), progress=progress)
        Path(staging).replace(path)
    finally:
        Path(staging).unlink(missing_ok=True)
    write_surface_style(path)
    return path
