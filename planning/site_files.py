"""Read farm sites from a file into plan-store records (UI upload and ``siting plan import``).

Two kinds of file are accepted:

* this program's own scenario exports (GeoPackage layer ``sites``, GeoJSON, KML, zipped
  Shapefile with its column mapping, XLSX): every site field comes back as exported;
* any other vector file `geo.io.read_vector` reads (GeoJSON, KML/KMZ from phone map apps,
  zipped Shapefile, GeoPackage, DXF, CSV of lon/lat): validated like every upload (CRS,
  GCJ-02, inside the region, repaired with a note), then mapped by
  `siting.site_attributes.planned_sites` (names, defaults, point footprints, slivers).
"""

from __future__ import annotations

import dataclasses
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pyogrio

from errors import FileFormatError, GeometryRepairedWarning, SchemaError
from geo.io import read_vector
from layers.planner_params import load_herd_limits
from layers.scenario_files import DEMO_SCENARIO_KIND, demo_scenario_sites
from locales import Message
from planning.accounts import sites_with_geometry_counties
from siting.herd_limits import HerdLimits, check_herds
from siting.site_attributes import planned_sites
from siting.site_footprint import footprint_area_mu
from store import REQUIRED_SITE_COLUMNS, import_sites, site_records
from store.frame_schema import normalise_sites

if TYPE_CHECKING:
    import pandas as pd

    from layers.region import Region
    from siting.scenario_run import ScenarioInputs
    from store import SiteRecord

EXPORT_SITES_LAYER: Final[str] = "sites"
KML_NAME: Final[str] = "Name"
#: Extensions read only by `store.import_sites` (never by `geo.io.read_vector`).
EXPORT_ONLY_SUFFIXES: Final[tuple[str, ...]] = (".xlsx",)
SITE_FILE_TYPES: Final[tuple[str, ...]] = (
    "geojson",
    "json",
    "kml",
    "kmz",
    "zip",
    "gpkg",
    "dxf",
    "csv",
    "xlsx",
)


@dataclass(frozen=True)
class SiteFile:
    """Sites read from one file: records ready for `store.ScenarioStore.add_sites`, and notes.

    ``notes`` are `locales.Message`: geo's reading notes (``input.note.*``), the repair
    warning and the planned-site notes (``footprint.note.*`` ...), rendered by the caller.
    """

    records: tuple[SiteRecord, ...]
    source_name: str
    exported: bool
    notes: tuple[Message, ...] = ()


def read_site_file(
    content: bytes,
    filename: str,
    inputs: ScenarioInputs,
    *,
    gcj02: bool = False,
    declared_crs: str | None = None,
    herd_limits: HerdLimits | None = None,
) -> SiteFile:
    """Read the sites of an uploaded file (bytes) named ``filename``.

    Each site's ``county_code`` is the county its geometry lies in (``inputs.counties``),
    whatever the file says: the store checks a planner's counties against it.

    ``herd_limits`` (default: the bundled ``planner.csv``; `herd_limits_for` gives a
    region's) bounds the dairy herds of the sites read.

    Raises
    ------
    FileFormatError, MissingCrsError, CrsMismatchError, InvalidGeometryError, SchemaError
        From reading and checking the file, naming it.
    ParameterError
        A herd over the plausible limits (`siting.herd_limits.check_herds`).
    """
    read = _read_sites(
        content,
        filename,
        inputs,
        gcj02=gcj02,
        declared_crs=declared_crs,
        herd_limits=herd_limits or load_herd_limits(),
    )
    located = sites_with_geometry_counties(read.records, inputs.counties)
    return dataclasses.replace(read, records=tuple(located))


def _read_sites(
    content: bytes,
    filename: str,
    inputs: ScenarioInputs,
    *,
    gcj02: bool,
    declared_crs: str | None,
    herd_limits: HerdLimits,
) -> SiteFile:
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="planner-sites-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(content)
        exported = None
        if suffix in EXPORT_ONLY_SUFFIXES:
            exported = _from_export(import_sites(path), filename)
        elif suffix == ".zip":
            exported = _try_export(path, filename)
        if exported is None:
            layer = _sites_layer(path) if suffix == ".gpkg" else None
            exported = _from_vector(
                path, filename, inputs, layer=layer, gcj02=gcj02, declared_crs=declared_crs
            )
    _check_herds(exported.records, inputs, herd_limits)
    return exported


def herd_limits_for(region: Region) -> HerdLimits:
    """Return the region's plausible herd limits (its ``coefficients/planner.csv``)."""
    return load_herd_limits(region.dir)


def _check_herds(
    records: tuple[SiteRecord, ...], inputs: ScenarioInputs, limits: HerdLimits
) -> None:
    """Refuse implausible herds (10^12 cows) as the site check does (`check_herds`)."""
    if not records:
        return
    area = footprint_area_mu([r.geometry for r in records], analysis_crs=inputs.analysis_crs)
    heads = [float(r.dairy_cow_head) for r in records]
    check_herds(heads, area, [r.name for r in records], limits)


def _try_export(path: Path, filename: str) -> SiteFile | None:
    try:
        return _from_export(import_sites(path), filename)
    except (FileFormatError, SchemaError):
        return None


def _sites_layer(path: Path) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's, e.g. bad application id
            names = [str(row[0]) for row in pyogrio.list_layers(path)]
    except (pyogrio.errors.DataSourceError, OSError):
        return None
    return EXPORT_SITES_LAYER if EXPORT_SITES_LAYER in names else None


def _from_vector(
    path: Path,
    filename: str,
    inputs: ScenarioInputs,
    *,
    layer: str | None,
    gcj02: bool,
    declared_crs: str | None,
) -> SiteFile:
    with warnings.catch_warnings():
        # the repair is a note of the result (``input.repaired_warning``), not a warning
        warnings.simplefilter("ignore", GeometryRepairedWarning)
        result = read_vector(
            path,
            filename=filename,
            geometry_kind="any",
            region_extent=inputs.region_extent,
            layer=layer,
            source_datum="gcj02" if gcj02 else "wgs84",
            declared_crs=declared_crs or None,
        )
    repaired = (
        (Message.of("input.repaired_warning", file=filename, count=result.repaired_count),)
        if result.repaired_count
        else ()
    )
    features = result.features
    if "name" not in features.columns and KML_NAME in features.columns:
        features = features.rename(columns={KML_NAME: "name"})  # KML keeps it in <name>
    if (
        all(c in features.columns for c in REQUIRED_SITE_COLUMNS)
        and features.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    ):
        exported = _from_export(normalise_sites(features, what=filename), filename)
        return SiteFile(exported.records, filename, True, (*result.notes, *repaired))
    planned = planned_sites(
        features,
        source_name=filename,
        params=inputs.footprint,
        counties=inputs.counties,
        analysis_crs=inputs.analysis_crs,
    )
    frame = planned.sites.assign(version=0)
    return SiteFile(
        tuple(site_records(frame)),
        filename,
        False,
        (*result.notes, *repaired, *planned.notes),
    )


def _from_export(sites: pd.DataFrame, filename: str) -> SiteFile:
    records = tuple(site_records(sites))
    return SiteFile(records, filename, True)


def demo_site_file(region: Region) -> SiteFile:
    """Return the region's bundled demo scenario (`layers.scenario_files`) as site records.

    Raises
    ------
    FileFormatError, SchemaError, InvalidGeometryError
        If the region has no demo scenario or its file is broken.
    """
    sites = demo_scenario_sites(region)
    frame = sites.assign(version=0)
    spec = next(s for s in region.layers.values() if s.kind == DEMO_SCENARIO_KIND)
    return SiteFile(tuple(site_records(frame)), spec.file, False)
