"""Row windows of a parcel GeoPackage as Dask delayed tasks (pyogrio ``skip_features``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from dask.delayed import Delayed, delayed

import pyogrio

from errors import FileFormatError, ParameterError
from geo.area import area_mu
from siting.nutrients import PARCEL_COLUMNS

#: Attribute columns the capacity needs (``area_mu`` is measured if the file lacks it).
NEEDED_COLUMNS: tuple[str, ...] = tuple(PARCEL_COLUMNS)


def layer_rows(path: Path, layer: str) -> tuple[int, list[str]]:
    """Return the feature count and attribute field names of ``layer`` in ``path``.

    Raises
    ------
    FileFormatError
        If the file does not exist or the layer cannot be read.
    """
    if not path.is_file():
        msg = f"The parcel file {path} does not exist; give the path of a GeoPackage."
        raise FileFormatError(msg, zh=f"地块文件 {path} 不存在；请给出 GeoPackage 路径。")
    try:
        info = pyogrio.read_info(path, layer=layer)
    except pyogrio.errors.DataLayerError as err:
        msg = f"{path.name} has no readable layer {layer!r} ({err}); give the parcel layer name."
        raise FileFormatError(msg, zh=f"{path.name} 中没有可读图层 {layer!r}。") from err
    return int(info["features"]), [str(f) for f in info["fields"]]


def read_window(
    path: Path, layer: str, skip: int, rows: int, *, measure_crs: str | None = None
) -> pd.DataFrame:
    """Read rows ``skip`` .. ``skip + rows`` of the parcel layer, only the needed columns.

    Parameters
    ----------
    path, layer
        GeoPackage and layer name.
    skip, rows
        Row window (``skip_features`` / ``max_features``).
    measure_crs
        None: the file has ``area_mu`` (亩) and no geometry is read. Otherwise the projected
        analysis CRS in which ``area_mu`` is measured from the geometry (`geo.area.area_mu`).

    Returns
    -------
    window
        Plain DataFrame with `NEEDED_COLUMNS` (no geometry).
    """
    if measure_crs is None:
        window: pd.DataFrame = pyogrio.read_dataframe(
            path,
            layer=layer,
            columns=list(NEEDED_COLUMNS),
            read_geometry=False,
            skip_features=skip,
            max_features=rows,
        )
        return window
    columns = [c for c in NEEDED_COLUMNS if c != "area_mu"]
    frame = pyogrio.read_dataframe(
        path, layer=layer, columns=columns, skip_features=skip, max_features=rows
    )
    measured = area_mu(frame.to_crs(measure_crs)).to_numpy()
    return pd.DataFrame(frame.drop(columns="geometry")).assign(area_mu=measured)


def parcel_windows(
    path: Path, layer: str, chunk_rows: int, *, analysis_crs: str | None = None
) -> list[Delayed]:
    """Return one delayed `read_window` per ``chunk_rows`` rows of the layer.

    ``analysis_crs`` is used only when the layer has no ``area_mu`` column (areas are then
    measured from the geometry); it must be projected.

    Raises
    ------
    ParameterError
        If ``chunk_rows`` < 1, or the layer lacks ``area_mu`` and no ``analysis_crs`` is given.
    FileFormatError
        As `layer_rows`.
    """
    if chunk_rows < 1:
        msg = f"chunk_rows must be a row count >= 1, got {chunk_rows}."
        raise ParameterError(msg, zh=f"chunk_rows 须为不小于 1 的行数，实为 {chunk_rows}。")
    total, fields = layer_rows(path, layer)
    measure_crs = None if "area_mu" in fields else analysis_crs
    if "area_mu" not in fields and analysis_crs is None:
        msg = (
            f"{path.name} layer {layer!r} has no area_mu column; pass analysis_crs (the "
            "region's projected CRS) so areas are measured from the geometry."
        )
        zh = f"{path.name} 图层 {layer!r} 没有 area_mu 列；请给出 analysis_crs 以量算面积。"
        raise ParameterError(msg, zh=zh)
    read = delayed(read_window, pure=True)
    return [
        read(path, layer, skip, min(chunk_rows, total - skip), measure_crs=measure_crs)
        for skip in range(0, total, chunk_rows)
    ]
