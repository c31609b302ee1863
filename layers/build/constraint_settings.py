"""Settings of the illustrative constraint layers and DEM, read from a region pack's TOML.

The file (Hohhot: ``data/regions/hohhot/constraint_generator.toml``) holds every assumption of
`layers.build.constraints` and `layers.build.terrain_model`: the seed, the geography lines, the DEM
shape parameters and the rules that place 禁养区, red lines, basic farmland, settlements,
roads, plants and farms. Its comments explain each value.

`Landscape` turns the geography lines (lon/lat) into offsets in metres in the analysis CRS
and the landscape zones (plain, hills, mountain, plateau, urban) used by both the DEM and the
vector layers; the zones are the same as those of the parcel generator.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt

import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from errors import FileFormatError, SchemaError
from geo.crs import STORAGE_CRS
from geo.units import M_PER_KM

SETTINGS_FILE: Final[str] = "constraint_generator.toml"
_SECTIONS: Final[tuple[str, ...]] = (
    "geography",
    "terrain",
    "no_farming_zone",
    "eco_redline",
    "basic_farmland",
    "settlements",
    "main_roads",
    "processing_plants",
    "dairy_farms",
)
# One random stream per generation step, default_rng((seed, number)); never renumber.
RNG_STEPS: Final[dict[str, int]] = {
    "dissection": 1,
    "mountain_noise": 2,
    "plateau_noise": 3,
    "gully_noise": 4,
    "plain_noise": 5,
    "farmland": 6,
    "villages": 7,
    "farms": 8,
    "redline": 9,
}
FloatArray = npt.NDArray[np.float64]
_GeomT = TypeVar("_GeomT", bound=BaseGeometry)


@dataclass(frozen=True)
class ConstraintSettings:
    """The parsed TOML: top-level provenance plus one mapping per section."""

    path: Path
    status: str
    source: str
    seed: int
    sections: Mapping[str, Mapping[str, Any]]

    def section(self, name: str) -> Mapping[str, Any]:
        """Return one section (``terrain``, ``settlements`` ...)."""
        return self.sections[name]

    def rng(self, step: str) -> np.random.Generator:
        """Return the random stream of one generation step (`RNG_STEPS`)."""
        return np.random.default_rng((self.seed, RNG_STEPS[step]))


def load_constraint_settings(path: Path) -> ConstraintSettings:
    """Read the generator settings.

    Raises
    ------
    FileFormatError
        If the file is missing or not valid TOML.
    SchemaError
        If a section or the seed is missing.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        msg = f"Cannot read the constraint generator settings {path}: {err}. Fix or restore it."
        raise FileFormatError(msg, zh=f"无法读取约束图层生成参数 {path}：{err}。") from err
    missing = [s for s in _SECTIONS if not isinstance(data.get(s), dict)]
    missing += [k for k in ("seed", "status", "source") if k not in data]
    if missing:
        msg = f"Constraint generator settings {path} lack {missing}. Add them (see data/README.md)."
        raise SchemaError(msg, zh=f"约束图层生成参数 {path} 缺少 {missing}。")
    return ConstraintSettings(
        path=path,
        status=str(data["status"]),
        source=str(data["source"]),
        seed=int(data["seed"]),
        sections={s: data[s] for s in _SECTIONS},
    )


@dataclass(frozen=True)
class Landscape:
    """Geography lines of the settings, measured in the analysis CRS.

    ``yellow_river`` is the part of the city outline inside the configured box (the river
    border of 托县 and 清水河); all geometries are in ``analysis_crs`` (metres).
    """

    analysis_crs: str
    geography: Mapping[str, Any]
    yellow_river: BaseGeometry
    dahei_river: LineString
    hun_river: LineString
    hasuhai: BaseGeometry
    urban_center_xy: tuple[float, float]
    urban_radius_m: float

    def to_lonlat(self, x_m: FloatArray, y_m: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Transform analysis-CRS metres to lon/lat degrees."""
        transformer = Transformer.from_crs(self.analysis_crs, STORAGE_CRS, always_xy=True)
        lon, lat = transformer.transform(x_m, y_m)
        return np.asarray(lon), np.asarray(lat)

    def to_xy(self, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Transform lon/lat degrees to analysis-CRS metres."""
        transformer = Transformer.from_crs(STORAGE_CRS, self.analysis_crs, always_xy=True)
        x_m, y_m = transformer.transform(lon, lat)
        return np.asarray(x_m), np.asarray(y_m)

    def offsets_m(self, x_m: FloatArray, y_m: FloatArray) -> dict[str, FloatArray]:
        """Return signed north-south offsets (metres) of points from the geography lines.

        ``front``: north of the mountain front (> 0 in the mountains); ``plateau``: north of
        the front + ``mountain_depth_deg`` line; ``hills``: south of ``hills_line`` (> 0 in
        the loess hills). Offsets are measured along the meridian of each point.
        """
        lon, _lat = self.to_lonlat(x_m, y_m)
        geo = self.geography
        front = np.interp(lon, *np.array(geo["mountain_front_lonlat"], dtype=float).T)
        hills = np.interp(lon, *np.array(geo["hills_line_lonlat"], dtype=float).T)
        out = {}
        for name, line_lat, sign in (
            ("front", front, 1.0),
            ("plateau", front + geo["mountain_depth_deg"], 1.0),
            ("hills", hills, -1.0),
        ):
            _, y_line = self.to_xy(lon, line_lat)
            out[name] = sign * (np.asarray(y_m) - y_line)
        return out

    def zones(self, x_m: FloatArray, y_m: FloatArray) -> npt.NDArray[np.str_]:
        """Return the landscape zone of each point (as `layers.build.parcel_synthesis`)."""
        off = self.offsets_m(x_m, y_m)
        zones = np.where(
            off["plateau"] >= 0,
            "plateau",
            np.where(off["front"] >= 0, "mountain", np.where(off["hills"] > 0, "hills", "plain")),
        )
        cx, cy = self.urban_center_xy
        urban = np.hypot(np.asarray(x_m) - cx, np.asarray(y_m) - cy) < self.urban_radius_m
        return np.where(urban, "urban", zones)


def build_landscape(
    settings: ConstraintSettings, city_outline: BaseGeometry, analysis_crs: str
) -> Landscape:
    """Return the `Landscape` of the settings.

    Parameters
    ----------
    city_outline
        The city polygon in lon/lat (EPSG:4326); its boundary inside
        ``yellow_river_box_lonlat`` is the Yellow River.
    analysis_crs
        Projected CRS in metres (the region's analysis CRS).
    """
    geo = settings.section("geography")
    to_xy = Transformer.from_crs(STORAGE_CRS, analysis_crs, always_xy=True)

    def project(geom: _GeomT) -> _GeomT:
        return shapely.transform(geom, lambda xy: np.column_stack(to_xy.transform(*xy.T)))

    river_lonlat = city_outline.boundary.intersection(shapely.box(*geo["yellow_river_box_lonlat"]))
    cx, cy = to_xy.transform(*geo["urban_center_lonlat"])
    hx, hy = to_xy.transform(*geo["hasuhai_center_lonlat"])
    a_km, b_km = geo["hasuhai_semi_axes_km"]
    lake = shapely.affinity.scale(Point(hx, hy).buffer(1.0, 64), a_km * M_PER_KM, b_km * M_PER_KM)
    return Landscape(
        analysis_crs=analysis_crs,
        geography=geo,
        yellow_river=project(river_lonlat),
        dahei_river=project(LineString(geo["dahei_river_lonlat"])),
        hun_river=project(LineString(geo["hun_river_lonlat"])),
        hasuhai=lake,
        urban_center_xy=(float(cx), float(cy)),
        urban_radius_m=float(geo["urban_radius_km"]) * M_PER_KM,
    )
