"""A short fuzzing run of the vector readers: mutated bytes of valid files (hypothesis).

Each format starts from a small valid file; hypothesis flips, inserts and deletes bytes and
cuts the file short, and `read_vector` must either read it or raise one of the planner's
own errors (`PlannerError`): no other exception and no warning other than the planner's
own repair warning. About 30 examples per format, a few seconds each.
"""

from __future__ import annotations

import io
import json
import tempfile
import warnings
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geopandas as gpd
import pyogrio
from shapely.geometry import box

from errors import PlannerError, PlannerWarning
from geo.io import read_vector

FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SITES = gpd.GeoDataFrame(
    {"name": ["Ranch A", "农场乙"], "cows": [3000, 1200]},
    geometry=[box(111.60, 40.80, 111.61, 40.81), box(111.70, 40.85, 111.71, 40.86)],
    crs="EPSG:4326",
)
RING = "111.60,40.80 111.61,40.80 111.61,40.81 111.60,40.81 111.60,40.80"
KML = (
    '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
    "<Document><Placemark><name>Ranch A</name><Polygon><outerBoundaryIs><LinearRing>"
    f"<coordinates>{RING}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
    "</Document></kml>"
)


def _written(driver: str, suffix: str) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"sites{suffix}"
        pyogrio.write_dataframe(SITES, path, driver=driver)
        return {p.name: p.read_bytes() for p in Path(tmp).iterdir()}


def _zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(members.items()):
            archive.writestr(name, data)
    return buffer.getvalue()


@cache
def seed(suffix: str) -> bytes:
    """A valid file of the format of ``suffix``."""
    if suffix == ".geojson":
        return json.dumps(json.loads(SITES.to_json())).encode()
    if suffix == ".kml":
        return KML.encode()
    if suffix == ".kmz":
        return _zipped({"doc.kml": KML.encode()})
    if suffix == ".zip":
        return _zipped(_written("ESRI Shapefile", ".shp"))
    if suffix == ".gpkg":
        return _written("GPKG", ".gpkg")["sites.gpkg"]
    return "name,lon,lat\nRanch A,111.605,40.805\n农场乙,111.705,40.855\n".encode()


mutation = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "truncate"]),
    st.floats(0, 1, exclude_max=True),
    st.integers(0, 255),
)


def _mutate(data: bytes, mutations: list[tuple[str, float, int]]) -> bytes:
    out = bytearray(data)
    for op, where, value in mutations:
        at = int(where * len(out)) if out else 0
        if op == "flip" and out:
            out[at] ^= value or 1
        elif op == "insert":
            out[at:at] = bytes([value]) * (1 + value % 16)
        elif op == "delete":
            del out[at : at + 1 + value % 16]
        elif op == "truncate":
            del out[at:]
    return bytes(out)


@pytest.mark.parametrize("suffix", [".geojson", ".kml", ".kmz", ".zip", ".gpkg", ".csv"])
def test_the_seed_file_is_read(suffix: str) -> None:
    read = read_vector(seed(suffix), filename=f"fuzz{suffix}")
    assert len(read.features) >= 1


@pytest.mark.parametrize("suffix", [".geojson", ".kml", ".kmz", ".zip", ".gpkg", ".csv"])
@FUZZ
@given(mutations=st.lists(mutation, min_size=1, max_size=4), polygon=st.booleans())
def test_mutated_files_give_a_result_or_a_planner_error(
    suffix: str, mutations: list[tuple[str, float, int]], polygon: bool
) -> None:
    data = _mutate(seed(suffix), mutations)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", PlannerWarning)
        try:
            read_vector(
                data,
                filename=f"fuzz{suffix}",
                geometry_kind="polygon" if polygon else "any",
                region_extent=box(110.5, 39.5, 112.5, 41.5),
            )
        except PlannerError as err:
            assert err.message("en").strip()
            assert err.message("zh").strip()
