"""Large hostile inputs made at test time (never committed): see tests/data/bad/expected.toml.

Each builder writes one file into a folder and returns its path; the file names are the
manifest's entries marked ``generated = true``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import box

from geo.io import DEFAULT_MAX_BYTES

MILLION = 1_000_000
#: Zeros in the zip bomb's one member: 64 MiB deflate to ~64 KiB (ratio ~1,000).
BOMB_BYTES = 64 * 2**20
MANY_LAYERS = 10


def million_vertices(folder: Path) -> Path:
    """A GeoPackage polygon with one million vertices (a circle 1 km across near Hohhot)."""
    angles = np.linspace(0.0, 2 * np.pi, MILLION, endpoint=False)
    ring = np.column_stack([111.6 + 0.005 * np.cos(angles), 40.8 + 0.005 * np.sin(angles)])
    frame = gpd.GeoDataFrame(
        {"name": ["Ranch A"], "dairy_cow_head": [3000]},
        geometry=[shapely.Polygon(ring)],
        crs="EPSG:4326",
    )
    path = folder / "million_vertices.gpkg"
    pyogrio.write_dataframe(frame, path, layer="sites", driver="GPKG")
    return path


def zip_bomb(folder: Path) -> Path:
    """A zip whose ``sites.shp`` inflates 64 MiB of zeros from ~64 KiB."""
    path = folder / "zip_bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("sites.shp", "w", force_zip64=True) as member:
            chunk = bytes(2**20)
            for _ in range(BOMB_BYTES // len(chunk)):
                member.write(chunk)
        for suffix in (".shx", ".dbf", ".prj"):
            archive.writestr(f"sites{suffix}", b"")
    return path


def over_size_limit(folder: Path) -> Path:
    """A sparse GeoJSON one byte over `geo.io.DEFAULT_MAX_BYTES` (no disk space used)."""
    path = folder / "over_size_limit.geojson"
    with path.open("wb") as handle:
        handle.truncate(DEFAULT_MAX_BYTES + 1)
    return path


def many_layers(folder: Path) -> Path:
    """A GeoPackage of `MANY_LAYERS` polygon layers and none chosen."""
    path = folder / "gpkg_many_layers.gpkg"
    frame = gpd.GeoDataFrame(
        {"name": ["Ranch A"]}, geometry=[box(111.60, 40.80, 111.61, 40.81)], crs="EPSG:4326"
    )
    for i in range(MANY_LAYERS):
        pyogrio.write_dataframe(frame, path, layer=f"layer_{i:02d}", driver="GPKG", append=i > 0)
    return path


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "million_vertices.gpkg": million_vertices,
    "zip_bomb.zip": zip_bomb,
    "over_size_limit.geojson": over_size_limit,
    "gpkg_many_layers.gpkg": many_layers,
}
