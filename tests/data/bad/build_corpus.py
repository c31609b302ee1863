"""Write the committed bad-input corpus of tests/data/bad/ (python tests/data/bad/build_corpus.py).

Every file is small (well under 50 KB) and made from the literals below, so the corpus can be
rebuilt byte for byte. Large hostile inputs (a million-vertex polygon, a zip bomb, a file
over the size limit, a GeoPackage with many layers) are made at test time by
``tests/hostile_files.py`` and never committed. What each file must produce is in
``expected.toml`` beside this script.
"""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
from shapely.geometry import box

HERE = Path(__file__).resolve().parent
#: A 1 km x 1.1 km ranch footprint near Hohhot (lon/lat), inside the bundled region.
SITE = box(111.60, 40.80, 111.61, 40.81)
RING = [[111.60, 40.80], [111.61, 40.80], [111.61, 40.81], [111.60, 40.81], [111.60, 40.80]]
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def _feature(geometry: object, **properties: object) -> dict[str, object]:
    props = {"name": "Ranch A", "dairy_cow_head": 3000, **properties}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _collection(*features: dict[str, object]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _polygon(ring: list[list[float]]) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [ring]}


def geojson_files() -> dict[str, bytes | str]:
    """GeoJSON: syntax, wrong types, nulls, empty, swapped, projected, outside, degenerate."""
    swapped = [[y, x] for x, y in RING]
    metres = [
        [500_000 + 1000 * (x - 111.6) * 100, 4_517_000 + (y - 40.8) * 110_000] for x, y in RING
    ]
    paris = [[2.30 + (x - 111.6), 48.85 + (y - 40.8)] for x, y in RING]
    folded = [[111.60, 40.80], [111.61, 40.80], [111.62, 40.80], [111.60, 40.80]]
    one_point = [[111.60, 40.80]] * 4
    bowtie = [[111.60, 40.80], [111.61, 40.81], [111.61, 40.80], [111.60, 40.81], [111.60, 40.80]]
    return {
        "invalid_json.geojson": '{"type": "FeatureCollection", "features": [{"type": "Feat',
        "binary_garbage.geojson": bytes(range(256)) * 4,
        "empty_file.geojson": b"",
        "json_array.geojson": "[1, 2, 3]",
        "unknown_type.geojson": json.dumps({"type": "Banana", "features": []}),
        "geometry_type_misspelt.geojson": _collection(
            _feature({"type": "Polygonn", "coordinates": [RING]})
        ),
        "coordinates_as_text.geojson": _collection(
            _feature({"type": "Polygon", "coordinates": [[["lon", "lat"]] * 4]})
        ),
        "null_geometry.geojson": _collection(_feature(None)),
        "null_coordinates.geojson": _collection(_feature({"type": "Polygon", "coordinates": None})),
        "empty_collection.geojson": _collection(),
        "ring_of_three_positions.geojson": _collection(_feature(_polygon(RING[:3]))),
        "swapped_lat_lon.geojson": _collection(_feature(_polygon(swapped))),
        "projected_without_crs.geojson": _collection(_feature(_polygon(metres))),
        "outside_china.geojson": _collection(_feature(_polygon(paris))),
        "self_intersecting.geojson": _collection(_feature(_polygon(bowtie))),
        "zero_area_folded.geojson": _collection(_feature(_polygon(folded))),
        "zero_area_one_point.geojson": _collection(_feature(_polygon(one_point))),
        "deeply_nested.geojson": '{"type": "FeatureCollection", "features": '
        + "[" * 20_000
        + "]" * 20_000
        + "}",
        "herd_negative.geojson": _collection(_feature(_polygon(RING), dairy_cow_head=-5)),
        "herd_zero.geojson": _collection(_feature(_polygon(RING), dairy_cow_head=0)),
        "herd_nan.geojson": _collection(_feature(_polygon(RING), dairy_cow_head=None)),
        "herd_text.geojson": _collection(_feature(_polygon(RING), dairy_cow_head="many")),
        "herd_absurd.geojson": _collection(_feature(_polygon(RING), dairy_cow_head=10**12)),
        "unsupported_extension.txt": _collection(_feature(_polygon(RING))),
    }


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _shapefile_parts(encoding: str = "UTF-8", name: str = "农场甲") -> dict[str, bytes]:
    """The parts of a one-polygon shapefile ``sites.*`` whose name field holds ``name``."""
    frame = gpd.GeoDataFrame({"name": [name], "cows": [3000]}, geometry=[SITE], crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "sites.shp"
        pyogrio.write_dataframe(frame, shp, driver="ESRI Shapefile", encoding=encoding)
        return {p.suffix: p.read_bytes() for p in sorted(Path(tmp).iterdir())}


def _without(parts: dict[str, bytes], *suffixes: str) -> dict[str, bytes]:
    return {f"sites{s}": data for s, data in parts.items() if s not in suffixes}


def zip_files() -> dict[str, bytes | str]:
    """Zipped shapefiles: missing parts, GBK without .cpg, unsafe paths, nesting, damage."""
    parts = _shapefile_parts()
    gbk = _shapefile_parts(encoding="GBK")
    whole = _without(parts)
    many = {f"f{i:03d}.txt": b"" for i in range(201)}
    return {
        "zip_missing_shp.zip": _zip(_without(parts, ".shp")),
        "zip_missing_shx.zip": _zip(_without(parts, ".shx")),
        "zip_missing_dbf.zip": _zip(_without(parts, ".dbf")),
        "zip_missing_prj.zip": _zip(_without(parts, ".prj")),
        "zip_gbk_dbf_without_cpg.zip": _zip(_without(gbk, ".cpg")),
        "zip_absolute_path.zip": _zip({"/tmp/sites.shp": parts[".shp"], **_without(parts, ".shp")}),
        "zip_dotdot_path.zip": _zip({"../../sites.shp": parts[".shp"], **_without(parts, ".shp")}),
        "zip_windows_dotdot_path.zip": _zip(
            {"..\\..\\sites.shp": parts[".shp"], **_without(parts, ".shp")}
        ),
        "zip_nested.zip": _zip({"inner.zip": _zip(whole)}),
        "zip_empty.zip": _zip({}),
        "zip_not_a_zip.zip": "PK but not really a zip archive",
        "zip_too_many_members.zip": _zip(many),
        "zip_corrupt_shp.zip": _zip({**whole, "sites.shp": b"\x00" * 100}),
        "zip_two_shapefiles.zip": _zip(
            {**whole, **{k.replace("sites", "other"): v for k, v in whole.items()}}
        ),
        "zip_encrypted.zip": _encrypted_zip(whole),
        "kmz_without_kml.kmz": _zip({"images/icon.png": b"\x89PNG\r\n\x1a\n"}),
    }


def _encrypted_zip(members: dict[str, bytes]) -> bytes:
    """A zip whose members are flagged as encrypted (bit 0), as a password-protected zip is."""
    data = bytearray(_zip(members))
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            (flags,) = struct.unpack_from("<H", data, at + flag_offset)
            struct.pack_into("<H", data, at + flag_offset, flags | 0x1)
            start = at + 4
    return bytes(data)


_KML_BODY = (
    "<Placemark><name>Ranch A</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
    + " ".join(f"{x},{y}" for x, y in RING)
    + "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
)
_KML_NS = 'xmlns="http://www.opengis.net/kml/2.2"'


def kml_files() -> dict[str, bytes | str]:
    """KML: DOCTYPE with external entities (XXE), billion laughs, not XML, no placemark."""
    laughs = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    return {
        "kml_external_entity.kml": '<?xml version="1.0"?>\n'
        '<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f"<kml {_KML_NS}><Document><name>&xxe;</name>{_KML_BODY}</Document></kml>",
        "kml_billion_laughs.kml": f'<?xml version="1.0"?>\n<!DOCTYPE kml [{laughs}]>\n'
        f"<kml {_KML_NS}><Document><name>&lol9;</name>{_KML_BODY}</Document></kml>",
        "kml_external_dtd.kml": '<?xml version="1.0"?>\n'
        '<!DOCTYPE kml SYSTEM "http://example.invalid/kml.dtd">\n'
        f"<kml {_KML_NS}><Document>{_KML_BODY}</Document></kml>",
        "kml_not_xml.kml": "this is not <kml at all",
        "kml_without_placemarks.kml": f'<?xml version="1.0"?>\n<kml {_KML_NS}><Document>'
        "<name>empty</name></Document></kml>",
    }


def other_files() -> dict[str, bytes | str]:
    """GeoPackage that is not SQLite, SQLite that is not a GeoPackage, CSV, DXF."""
    return {
        "gpkg_not_sqlite.gpkg": "this is a text file renamed to .gpkg\n",
        "gpkg_plain_sqlite.gpkg": _plain_sqlite(),
        "csv_text_in_lon_lat.csv": "name,lon,lat,dairy_cow_head\nRanch A,east,north,3000\n",
        "csv_without_lon_lat.csv": "name,x_coord,y_coord\nRanch A,111.6,40.8\n",
        "dxf_without_polygons.dxf": _dxf_text_only(),
        "dxf_garbage.dxf": "0\nSECTION\n2\nENTITIES\n0\nNOT_AN_ENTITY\n",
    }


def _plain_sqlite() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plain.sqlite"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE ranches (name TEXT, head INTEGER)")
        conn.execute("INSERT INTO ranches VALUES ('Ranch A', 3000)")
        conn.commit()
        conn.close()
        return path.read_bytes()


def _dxf_text_only() -> str:
    """A DXF holding one TEXT entity and one open LINE: no closed outline to read as a site."""
    entities = [
        "0", "TEXT", "8", "0", "10", "500000.0", "20", "4517000.0", "30", "0.0", "40", "5.0",
        "1", "Ranch A",
        "0", "LINE", "8", "0", "10", "500000.0", "20", "4517000.0", "30", "0.0",
        "11", "501000.0", "21", "4517000.0", "31", "0.0",
    ]  # fmt: skip
    lines = ["0", "SECTION", "2", "ENTITIES", *entities, "0", "ENDSEC", "0", "EOF"]
    return "\n".join(lines) + "\n"


def build(out_dir: Path = HERE) -> list[Path]:
    """Write every corpus file into ``out_dir``; return their paths."""
    written = []
    for group in (geojson_files, zip_files, kml_files, other_files):
        for name, content in group().items():
            path = out_dir / name
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"{path.stat().st_size:8d}  {path.name}")
