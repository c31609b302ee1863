"""Synthesise the ILLUSTRATIVE DEM of a region: plain, mountains, plateau and loess hills.

Notes
-----
The elevation (m) is the sum of a smooth large-scale surface, computed on a coarse grid
(``coarse_cell_m``) and upsampled with cubic B-splines, and fine random relief at the DEM's
cell size. With ``s`` the offset north of the mountain front, ``t`` the offset south of the
hills line (km, `Landscape.offsets_m`) and ``d`` the distance to the Yellow River (km):

* plain: ``datum + gradient * distance along the azimuth from the datum point``;
* mountains: ``+ ridge * (s / R)^0.6`` up to the crest ``R`` km north of the front, then
  ``plateau + (ridge - plateau) * exp(-(s - R) / decay)`` on the northern side, plus rugged
  relief ``mountain_relief * |noise|``-type ridges;
* loess hills: ``+ hills_uplift * (1 - exp(-t / decay))`` plus gullies
  ``gully_relief * dissection * (|n| / sd)^exponent`` (V-shaped valleys along the zero lines
  of a smooth noise ``n``), where the dissection strength varies smoothly in space;
* the Yellow River cuts a canyon: within ``canyon_half_width`` km the surface is pulled down
  towards the river level ``plain - 10 m``; rivers are incised by ``river_incision_m``.

Random fields are cubic B-splines through standard-normal control values spaced half a
wavelength apart (one numpy stream per field, `ConstraintSettings.rng`), evaluated by two
matrix products, so a 30 m DEM of ~35 million cells builds in well under a minute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from rasterio.features import rasterize

from geo.grid import Grid
from geo.units import M_PER_KM
from layers.build.constraint_settings import ConstraintSettings, Landscape

FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]
_RIVER_BELOW_PLAIN_M = 10.0
_FAN_HEIGHT_M, _FAN_DECAY_KM = 25.0, 2.5
_RIDGE_EXPONENT = 0.6


def _bspline_taps(
    n_out: int, n_ctrl: int, step: float, offset: float
) -> tuple[npt.NDArray[np.int64], Float32Array]:
    """Control indices (n_out x 4) and cubic B-spline weights of outputs at ``k/step+offset``."""
    u = np.arange(n_out) / step + offset
    i = np.floor(u).astype(np.int64)
    t = u - i
    weights = (
        np.stack(
            [(1 - t) ** 3, 3 * t**3 - 6 * t**2 + 4, -3 * t**3 + 3 * t**2 + 3 * t + 1, t**3], axis=1
        )
        / 6.0
    )
    index = np.clip(i[:, None] - 1 + np.arange(4)[None, :], 0, n_ctrl - 1)
    return index, weights.astype(np.float32)


@dataclass(frozen=True)
class SplineField:
    """A smooth field on a fine grid, evaluated block by block.

    ``cols_up`` holds the control rows already interpolated along the columns (control rows x
    grid columns); `rows` interpolates a block of rows with one small matrix product, which
    keeps memory traffic low on a grid of tens of millions of cells.
    """

    cols_up: Float32Array
    index: npt.NDArray[np.int64]
    weights: Float32Array

    def rows(self, row0: int, row1: int) -> Float32Array:
        """Return the field on grid rows ``row0:row1`` (all columns)."""
        index, weights = self.index[row0:row1], self.weights[row0:row1]
        first, last = int(index.min()), int(index.max())
        local = np.zeros((row1 - row0, last - first + 1), dtype=np.float32)
        for k in range(4):
            np.add.at(local, (np.arange(row1 - row0), index[:, k] - first), weights[:, k])
        return local @ self.cols_up[first : last + 1]


def spline_field(control: FloatArray, grid: Grid, step: float) -> SplineField:
    """Cubic B-spline through control values spaced ``step`` fine cells apart.

    Control point (0, 0) sits two steps outside the fine grid's top-left cell centre.
    """
    values = np.asarray(control, dtype=np.float32)
    index, weights = _bspline_taps(grid.width, values.shape[1], step, 2.0)
    cols_up = np.einsum("ck,rck->rc", weights, values[:, index])
    index, weights = _bspline_taps(grid.height, values.shape[0], step, 2.0)
    return SplineField(cols_up=cols_up, index=index, weights=weights)


def noise_field(grid: Grid, wavelength_m: float, rng: np.random.Generator) -> SplineField:
    """Smooth random field with features ~``wavelength_m`` across (zero mean, sd ~0.5)."""
    step = max(wavelength_m / 2.0 / grid.cell_m, 1.0)
    shape = (int(grid.height / step) + 5, int(grid.width / step) + 5)
    return spline_field(rng.standard_normal(shape), grid, step)


def _coarse_grid(grid: Grid, coarse_cell_m: float) -> tuple[Grid, float]:
    step = coarse_cell_m / grid.cell_m
    offset_m = 2.0 * coarse_cell_m  # two control points beyond the fine grid on every side
    height, width = int(grid.height / step) + 6, int(grid.width / step) + 6
    coarse = Grid(
        grid.crs,
        coarse_cell_m,
        grid.left_m + grid.cell_m / 2 - offset_m - coarse_cell_m / 2,
        grid.top_m - grid.cell_m / 2 + offset_m + coarse_cell_m / 2,
        width,
        height,
    )
    return coarse, step


def _river_distance_km(coarse: Grid, landscape: Landscape) -> dict[str, FloatArray]:
    """Distance (km) of coarse cell centres to the Yellow River and to any river."""
    out = {}
    for name, lines in (
        ("yellow", [landscape.yellow_river]),
        ("any", [landscape.yellow_river, landscape.dahei_river, landscape.hun_river]),
    ):
        burnt = rasterize(
            [(line, 1) for line in lines],
            out_shape=(coarse.height, coarse.width),
            transform=coarse.transform,
            all_touched=True,
            dtype="uint8",
        )
        out[name] = ndimage.distance_transform_edt(burnt == 0) * coarse.cell_m / M_PER_KM
    return out


def _large_scale(
    coarse: Grid, landscape: Landscape, terrain: Mapping[str, Any]
) -> dict[str, FloatArray]:
    """Smooth surface and relief amplitudes on the coarse grid (metres)."""
    x1, y1 = coarse.cell_centres_m(coarse.full_window)
    x_m, y_m = np.meshgrid(x1, y1)
    off = {k: v / M_PER_KM for k, v in landscape.offsets_m(x_m, y_m).items()}
    dx, dy = landscape.to_xy(*np.array(terrain["plain_datum_lonlat"], dtype=float))
    azimuth = np.radians(terrain["plain_gradient_azimuth_deg"])
    along_km = ((x_m - dx) * np.sin(azimuth) + (y_m - dy) * np.cos(azimuth)) / M_PER_KM
    plain = terrain["plain_datum_m"] + terrain["plain_gradient_m_per_km"] * along_km
    s, t = off["front"], np.maximum(off["hills"], 0.0)
    ridge_km = terrain["ridge_offset_km"]
    south_face = terrain["ridge_uplift_m"] * (np.clip(s, 0, ridge_km) / ridge_km) ** _RIDGE_EXPONENT
    north_side = terrain["plateau_uplift_m"] + (
        terrain["ridge_uplift_m"] - terrain["plateau_uplift_m"]
    ) * np.exp(-np.maximum(s - ridge_km, 0) / terrain["plateau_decay_km"])
    mountain = np.where(s <= ridge_km, south_face, north_side)
    fan = _FAN_HEIGHT_M * np.exp(-np.abs(s) / _FAN_DECAY_KM)
    hills = terrain["hills_uplift_m"] * (1 - np.exp(-t / terrain["hills_uplift_decay_km"]))
    in_mountains = np.clip(s / 2.0, 0, 1) * np.clip(1 - off["plateau"] / 5.0, 0, 1)
    return {
        "surface": plain + np.where(s > 0, mountain, 0.0) + fan + hills,
        "river_level": plain - _RIVER_BELOW_PLAIN_M,
        "mountain_amp": terrain["mountain_relief_m"] * in_mountains,
        "plateau_amp": terrain["plateau_relief_m"] * np.clip(off["plateau"] / 3.0, 0, 1),
        "gully_amp": terrain["gully_relief_m"] * (1 - np.exp(-t / 4.0)),
        "plain_amp": terrain["plain_relief_m"] * (1 - in_mountains) * np.exp(-t / 2.0),
    }


@dataclass(frozen=True)
class DemModel:
    """Every field of the DEM formula on one grid; `block` evaluates rows on demand."""

    grid: Grid
    fields: Mapping[str, SplineField]
    gully_exponent: float

    def block(self, row0: int, row1: int) -> Float32Array:
        """Return DEM rows ``row0:row1`` in metres (float32)."""
        f = {name: field.rows(row0, row1) for name, field in self.fields.items()}
        dem = f["surface"]
        dem += f["mountain_amp"] * np.abs(f["mountain_noise"])
        dem += f["plateau_amp"] * f["plateau_noise"]
        dem += f["plain_amp"] * f["plain_noise"]
        dissection = np.clip(0.8 + 1.4 * f["dissection"], 0.15, 1.5)
        gully = (np.abs(f["gully_noise"]) / np.float32(0.48)) ** np.float32(self.gully_exponent)
        dem += f["gully_amp"] * dissection * gully
        level = f["river_level"]
        return np.minimum(dem, level + (dem - level) * f["canyon_keep"]).astype(np.float32)

    def dissection(self, row0: int, row1: int) -> Float32Array:
        """Return the 0.15..1.5 gully-dissection strength on rows ``row0:row1``."""
        # float32 in, float32 out (NumPy 2 keeps the array dtype with Python scalars)
        strength: Float32Array = np.clip(
            0.8 + 1.4 * self.fields["dissection"].rows(row0, row1), 0.15, 1.5
        )
        return strength


def dem_model(grid: Grid, landscape: Landscape, settings: ConstraintSettings) -> DemModel:
    """Prepare the DEM of ``grid`` (see the module notes; parameters in ``[terrain]``)."""
    terrain = settings.section("terrain")
    coarse, step = _coarse_grid(grid, float(terrain["coarse_cell_m"]))
    large = _large_scale(coarse, landscape, terrain)
    rivers = _river_distance_km(coarse, landscape)
    large["canyon_keep"] = (
        np.clip(rivers["yellow"] / terrain["canyon_half_width_km"], 0.0, 1.0) ** 0.8
    )
    large["surface"] = large["surface"] - terrain["river_incision_m"] * np.exp(
        -((rivers["any"] / 0.3) ** 2)
    )
    fields = {name: spline_field(values, grid, step) for name, values in large.items()}
    for name in ("mountain", "plateau", "plain", "gully", "dissection"):
        key = f"{name}_noise" if name != "dissection" else "dissection"
        fields[key] = noise_field(
            grid, terrain[f"{name}_wavelength_km"] * M_PER_KM, settings.rng(key)
        )
    return DemModel(grid=grid, fields=fields, gully_exponent=float(terrain["gully_exponent"]))


def synthesise_dem(
    grid: Grid, landscape: Landscape, settings: ConstraintSettings, *, block_rows: int = 256
) -> Float32Array:
    """Return the whole DEM (metres, float32, rows x cols of ``grid``)."""
    model = dem_model(grid, landscape, settings)
    starts = range(0, grid.height, block_rows)
    return np.vstack([model.block(r, min(r + block_rows, grid.height)) for r in starts])
