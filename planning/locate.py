"""Propose candidate footprints from a suitability surface (`python -m siting locate`).

`propose_candidates` reads the surface's score band (the whole band, float64: 8 bytes a cell,
about 270 MB for Hohhot at 30 m), picks the best cells at least ``min_distance_km`` apart
(`siting.locate.locate_cells`) and returns the footprint squares centred on them in EPSG:4326
with ``site_id``, ``name``, ``score``, ``county`` (adcode), ``dairy_cow_head``,
``footprint_mu`` and ``status`` = ``proposed``: the columns ``python -m siting score`` and
``siting plan import`` read. This is the one call a "propose candidates" button makes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

import geopandas as gpd
import shapely

import locales
from errors import FileFormatError
from geo.crs import STORAGE_CRS
from geo.grid import rasterize_mask, read_named_band
from geo.io import write_vector
from geo.units import M2_PER_MU, M_PER_KM
from layers.counties import load_counties
from siting.assess import site_counties
from siting.locate import locate_cells

if TYPE_CHECKING:
    from pathlib import Path

    from layers.region import Region

SCORE_BAND: Final[str] = "score"
#: Columns of the candidates file, besides geometry.
CANDIDATE_COLUMNS: Final[tuple[str, ...]] = (
    "site_id",
    "name",
    "score",
    "county",
    "dairy_cow_head",
    "footprint_mu",
    "status",
)


def _tag(tags: dict[str, str], key: str, path: Path) -> float:
    try:
        return float(tags[key])
    except (KeyError, ValueError):
        msg = (
            f"{path.name!r} lacks the tag {key!r}; give a surface written by "
            "`python -m siting surface`."
        )
        raise FileFormatError(
            msg,
            zh=f"{path.name!r} 缺少标签 {key!r}；请使用 `python -m siting surface` 生成的栅格。",
        ) from None


def propose_candidates(
    region: Region,
    surface_path: Path,
    *,
    count: int,
    min_distance_km: float,
    lang: str = "zh",
    adcodes: tuple[str, ...] | None = None,
) -> gpd.GeoDataFrame:
    """Return the best ``count`` footprints on the surface, ``min_distance_km`` apart.

    Parameters
    ----------
    region
        The region the surface was computed for (its counties name each candidate's county).
    surface_path
        A COG written by `planning.surface.write_surface`.
    count, min_distance_km
        How many candidates, and the least distance between two centres (km).
    lang
        Language of the candidates' names.
    adcodes
        None: the best over the whole surface. Else ``count`` candidates inside each of these
        counties (cells whose centre lies in it), county after county: a county with low
        scores still gets its own candidates.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns `CANDIDATE_COLUMNS`, best first (per county with ``adcodes``);
        ``score`` is the surface's (0-100).

    Raises
    ------
    FileFormatError
        If the file is not a surface.
    ParameterError
        If ``count`` is not positive or the distance is negative.
    """
    band = read_named_band(surface_path, SCORE_BAND)
    side_m = _tag(band.tags, "footprint_side_m", surface_path)
    herd = _tag(band.tags, "dairy_cow_head", surface_path)
    cell_m = abs(band.transform.a)
    counties = load_counties(region).to_crs(band.crs)
    masks: list[np.ndarray | None] = [None]
    if adcodes is not None:
        by_code = counties.assign(adcode=counties["adcode"].astype(str)).set_index("adcode")
        masks = [
            rasterize_mask(
                list(by_code.geometry.reindex([code]).dropna()),
                transform=band.transform,
                shape=band.values.shape,
                all_touched=False,
            )
            for code in adcodes
        ]
    rows, cols, scores = [], [], []
    for mask in masks:
        values = band.values if mask is None else np.where(mask, band.values, np.nan)
        cells = locate_cells(
            values, cell_m=cell_m, count=count, min_distance_m=min_distance_km * M_PER_KM
        )
        rows.append(cells.rows)
        cols.append(cells.cols)
        scores.append(cells.score)
    row, col, score = np.concatenate(rows), np.concatenate(cols), np.concatenate(scores)
    x_m = band.transform.c + (col + 0.5) * cell_m
    y_m = band.transform.f - (row + 0.5) * cell_m
    half = side_m / 2
    squares = gpd.GeoSeries(
        shapely.box(x_m - half, y_m - half, x_m + half, y_m + half), crs=band.crs
    )
    numbers = np.arange(1, len(score) + 1)
    sites = gpd.GeoDataFrame(
        {
            "site_id": [f"LOC-{n:03d}" for n in numbers],
            "name": [locales.text("locate.candidate_name", lang, number=int(n)) for n in numbers],
            "score": np.round(score, 2),
            "dairy_cow_head": herd,
            "footprint_mu": side_m**2 / M2_PER_MU,
            "status": "proposed",
        },
        geometry=squares,
        crs=band.crs,
    )
    sites["county"] = site_counties(sites, counties).to_numpy()
    return sites[[*CANDIDATE_COLUMNS, "geometry"]].to_crs(STORAGE_CRS)


def write_candidates(candidates: gpd.GeoDataFrame, path: Path) -> Path:
    """Write the candidates (GeoPackage layer ``candidates``, GeoJSON, ...) and return ``path``."""
    return write_vector(candidates, path, layer="candidates")
