"""A zipped Shapefile export whose ring no longer closes (found by the import fuzzing in CI)."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from errors import FileFormatError
from store import ScenarioStore, export_scenario, import_sites
from tests.store.conftest import full_site

#: Offsets in a .shp of one polygon record (ESRI Shapefile Technical Description, 1998).
FIRST_RECORD_PARTS = 144  # 100-byte file header + 8-byte record header + type + bbox
POINT_BYTES = 16


def _unclosed_export(tmp_path: Path) -> Path:
    store = ScenarioStore(tmp_path / "plans.gpkg", backups=None)
    store.create_scenario("s", user="li")
    store.add_site("s", full_site("Ranch A"), user="li")
    out = export_scenario(store, "s", tmp_path / "sites.zip", "shp_zip")
    with zipfile.ZipFile(out) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    shp = bytearray(members["sites.shp"])
    parts, points = struct.unpack("<ii", shp[FIRST_RECORD_PARTS : FIRST_RECORD_PARTS + 8])
    last_point = FIRST_RECORD_PARTS + 8 + 4 * parts + POINT_BYTES * (points - 1)
    (x,) = struct.unpack("<d", shp[last_point : last_point + 8])
    struct.pack_into("<d", shp, last_point, x + 0.001)  # the ring's last point moves away
    members["sites.shp"] = bytes(shp)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return damaged


def test_an_unclosed_ring_is_one_clear_message(tmp_path: Path) -> None:
    damaged = _unclosed_export(tmp_path)
    with pytest.raises(FileFormatError) as caught:
        import_sites(damaged)
    assert caught.value.message("en").startswith(
        "damaged.zip cannot be read as exported sites (IllegalArgumentException: Points of "
        "LinearRing do not form a closed linestring)"
    )
    assert caught.value.message("zh").startswith("damaged.zip 无法作为导出的站点文件读取")
