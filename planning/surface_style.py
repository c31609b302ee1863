"""How a suitability surface looks: its score ramp, its QGIS style, and a display copy.

`SCORE_RAMP` is the one colour ramp of the score (0-100) shared by the QGIS style written
beside a surface (`write_surface_style`: ``<name>.qml``, which QGIS loads as the layer's
default style) and the Plan page's image overlay. `surface_display` reads a surface at a
reduced size, warped to Web Mercator (the map's pixel grid: Leaflet stretches an image
overlay linearly in that projection), for display only. `gate_legend` names each gate code
with its rule (siting_rules.csv ``name_zh`` / ``name_en``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np

import rasterio
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.transform import Affine
from rasterio.warp import reproject, transform_bounds

from errors import FileFormatError
from geo.crs import DISPLAY_CRS
from layers.siting_params import load_siting_params
from siting.surface import OUTSIDE_CODE, PASS_CODE

if TYPE_CHECKING:
    from layers.region import Region

#: Score (0-100) -> colour stops of the ramp, interpolated linearly between stops.
SCORE_RAMP: Final[tuple[tuple[float, str], ...]] = (
    (0.0, "#ffffcc"),
    (50.0, "#a1dab4"),
    (75.0, "#41b6c4"),
    (100.0, "#225ea8"),
)
GATE_BAND: Final[int] = 1
SCORE_BAND: Final[int] = 2
#: The display warp's projection (pixels only: nothing is measured there).
WEB_MERCATOR: Final[str] = "EPSG:3857"
STYLE_SUFFIX: Final[str] = ".qml"
_ABSTRACT: Final[str] = "score band 0-100; gate_code band: 0 pass, k = rule k fails first"


def write_surface_style(surface_path: Path) -> Path:
    """Write ``<surface>.qml``: the score band in `SCORE_RAMP`, failing cells transparent.

    QGIS reads a ``.qml`` of the same name as a raster's default style when the raster is
    opened. Returns the style's path.
    """
    items = "\n".join(
        f'          <item alpha="255" value="{value:g}" label="{value:g}" color="{colour}"/>'
        for value, colour in SCORE_RAMP
    )
    low, high = SCORE_RAMP[0][0], SCORE_RAMP[-1][0]
    qml = f"""<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0" styleCategories="Symbology">
  <pipe>
    <rasterrenderer type="singlebandpseudocolor" band="{SCORE_BAND}" opacity="1"
        alphaBand="-1" classificationMin="{low:g}" classificationMax="{high:g}"
        nodataColor="">
      <rasterTransparency/>
      <minMaxOrigin><limits>None</limits><extent>WholeRaster</extent></minMaxOrigin>
      <rastershader>
        <colorrampshader colorRampType="INTERPOLATED" classificationMode="1" clip="0"
            minimumValue="{low:g}" maximumValue="{high:g}" labelPrecision="0">
{items}
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
  </pipe>
  <layerGeometryType>-1</layerGeometryType>
  <abstract>{_ABSTRACT}</abstract>
</qgis>
"""
    path = surface_path.with_suffix(STYLE_SUFFIX)
    path.write_text(qml, encoding="utf-8")
    return path


@dataclass(frozen=True)
class GateName:
    """One code of the ``gate_code`` band and what it means."""

    code: int
    key: str
    name_zh: str
    name_en: str


def gate_legend(region: Region) -> tuple[GateName, ...]:
    """Return the failing codes of a surface of ``region``, each with its rule's names.

    Code ``k`` is the ``k``-th rule of siting_rules.csv (`planning.surface.surface_tags`).
    """
    rules = load_siting_params(region.dir).rules
    return tuple(
        GateName(position, rule.key, rule.name_zh, rule.name_en)
        for position, rule in enumerate(rules, start=1)
    )


@dataclass(frozen=True, eq=False)
class SurfaceDisplay:
    """A surface resampled onto Web Mercator pixels for the map.

    ``gate_code`` is uint8 (`PASS_CODE`, k, `OUTSIDE_CODE` also where no data), ``score``
    float32 (NaN where a gate fails); ``bounds_lonlat`` = (west, south, east, north) in
    degrees (EPSG:4326) of the image's outer edges.
    """

    gate_code: np.ndarray
    score: np.ndarray
    bounds_lonlat: tuple[float, float, float, float]

    def pass_share_frac(self) -> float:
        """Share of the region's cells where the footprint passes every gate (0-1)."""
        inside = self.gate_code != OUTSIDE_CODE
        return float((self.gate_code[inside] == PASS_CODE).mean()) if inside.any() else 0.0


def surface_display(surface_path: Path, *, max_px: int) -> SurfaceDisplay:
    """Read a surface warped to Web Mercator, at most ``max_px`` pixels on its longer side.

    Nearest-neighbour resampling: codes stay codes, and a coarse image shows cells as they
    are, not blends. Display only.

    Raises
    ------
    FileFormatError
        If the file cannot be read or lacks the surface's two bands.
    """
    try:
        with rasterio.open(surface_path) as src:
            if src.count < SCORE_BAND:
                msg = f"{surface_path.name!r} is not a suitability surface (one band)."
                raise FileFormatError(msg, zh=f"{surface_path.name!r} 不是适宜性栅格。")
            left, bottom, right, top = transform_bounds(src.crs, WEB_MERCATOR, *src.bounds)
            aspect = (right - left) / (top - bottom)
            longest = min(max_px, max(src.width, src.height))
            width, height = (
                (longest, math.ceil(longest / aspect))
                if aspect >= 1
                else (math.ceil(longest * aspect), longest)
            )
            # built directly: rasterio's from_bounds multiplies affines with the deprecated *
            transform = Affine(
                (right - left) / width, 0.0, left, 0.0, -(top - bottom) / height, top
            )
            bands = np.full((2, height, width), np.nan, dtype=np.float32)
            for index, band in enumerate((GATE_BAND, SCORE_BAND)):
                reproject(
                    rasterio.band(src, band),
                    bands[index],
                    dst_transform=transform,
                    dst_crs=WEB_MERCATOR,
                    dst_nodata=np.nan,
                    resampling=Resampling.nearest,
                )
    except rasterio.errors.RasterioIOError as err:
        msg = f"Cannot read the surface {surface_path.name!r}: {err}."
        raise FileFormatError(msg, zh=f"无法读取适宜性栅格 {surface_path.name!r}：{err}。") from err
    codes = np.where(np.isfinite(bands[0]), bands[0], OUTSIDE_CODE).astype(np.uint8)
    to_lonlat = Transformer.from_crs(WEB_MERCATOR, DISPLAY_CRS, always_xy=True)
    (lon_w, lon_e), (lat_s, lat_n) = to_lonlat.transform([left, right], [bottom, top])
    return SurfaceDisplay(codes, bands[1], (lon_w, lat_s, lon_e, lat_n))
