"""One long-lived thread for the pages' geometry work, so that reprojections stay warm.

pyproj keeps the PROJ operation of a `pyproj.Transformer` per thread, and Streamlit runs
every script run and every fragment rerun on a new thread: each run built the operations
again, about 0.09 s per pair of coordinate systems on an idle machine and up to 0.5 s at a
load of 7 (measured: two to seven pairs per drawing checked, i.e. a third of the time from a
drawing to its verdict; on the targets page 0.2–0.8 s per run for the county map). Work
handed to `in_worker` runs on one thread that lives as long as the server, so they are built
once. Used by the Plan page and by `ui.map.display_frame` (every page's map layers).

Only pure computations go there (no ``st.*`` call: the worker has no script-run context;
pass values read from the session state, not the session state). One worker: the checks of
several sessions queue (on two cores parallel checks would not finish sooner). Exceptions
(e.g. `errors.InvalidGeometryError`) are raised in the caller.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import geopandas as gpd
import shapely

from geo.crs import STORAGE_CRS

if TYPE_CHECKING:
    from collections.abc import Callable

_P = ParamSpec("_P")
_R = TypeVar("_R")

_THREAD_PREFIX = "ui-geometry-worker"
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix=_THREAD_PREFIX)
_WARMED: set[str] = set()


def in_worker(fn: Callable[_P, _R], /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """Return ``fn(*args, **kwargs)`` computed on the long-lived worker thread.

    Called on the worker itself (work that hands work on), ``fn`` runs at once: waiting
    for the only worker from the worker would never end.
    """
    if threading.current_thread().name.startswith(_THREAD_PREFIX):
        return fn(*args, **kwargs)
    return _WORKER.submit(fn, *args, **kwargs).result()


def warm(analysis_crs: str) -> None:
    """Build the worker's EPSG:4326 <-> ``analysis_crs`` operations now, without waiting.

    Called when the Plan page is shown, so that the first drawing does not pay for them.
    """
    if analysis_crs not in _WARMED:
        _WARMED.add(analysis_crs)
        _WORKER.submit(_round_trip, analysis_crs)


def _round_trip(analysis_crs: str) -> None:
    point = gpd.GeoSeries([shapely.Point(111.0, 40.0)], crs=STORAGE_CRS)
    point.to_crs(analysis_crs).to_crs(STORAGE_CRS)
