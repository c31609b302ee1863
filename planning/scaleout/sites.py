"""Candidate sites scored in dask-geopandas partitions on a dask.distributed cluster.

Every partition runs the scorer of ``python -m siting score`` (`siting.assess.add_site_needs`
and `siting.score.score_sites` on the inputs of `planning.site_scoring.load_scoring_setup`);
each worker loads the region's inputs once (from the region folder, which every worker must
see at the same path) and keeps them for later partitions. A site's gates, criteria, score and
needs depend only on the site, so they equal the in-memory run; ranks depend on all sites and
are given after the partitions come back (`siting.score.rank_scores`). The weight
sensitivity (rank ranges) of ``score`` is not computed in the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from dask.delayed import delayed

import dask_geopandas

from layers.region import load_region
from planning.site_scoring import (
    HERD_COLUMN,
    ScoreOptions,
    ScoringSetup,
    check_herd_sizes,
    load_scoring_setup,
)
from planning.siting_inputs import site_terrain
from siting.assess import NEED_COLUMNS, add_site_needs
from siting.score import rank_scores, score_sites

if TYPE_CHECKING:
    from distributed import Client, Future

    import geopandas as gpd

    from layers.region import Region

#: Columns of a batch score table, in order (needs in 亩 and m³/yr as `siting.assess`).
BATCH_SCORE_COLUMNS: tuple[str, ...] = (
    "site_id",
    "name",
    HERD_COLUMN,
    "passed",
    "score",
    "rank",
    "failed_rules",
    "adcode",
    *NEED_COLUMNS,
)
#: Text columns, kept as Python strings (None where missing) on both paths.
_TEXT_COLUMNS: tuple[str, ...] = ("site_id", "name", "failed_rules", "adcode")
#: Sites per partition of the batch (one task each).
DEFAULT_PARTITION_SITES: int = 500

#: Called with the futures of all partitions once they are submitted (a progress bar).
Submitted = Callable[["list[Future[pd.DataFrame]]"], None]


def score_table(sites: gpd.GeoDataFrame, setup: ScoringSetup) -> pd.DataFrame:
    """Return the batch score table of ``sites``, ranked among themselves.

    Parameters
    ----------
    sites
        Candidate polygons (any declared CRS) with ``site_id``, ``name`` and
        ``dairy_cow_head`` (head), as `planning.site_scoring.read_sites` gives them.
    setup
        Loaded inputs, limits and weights (`load_scoring_setup`).

    Returns
    -------
    table
        Columns `BATCH_SCORE_COLUMNS`, one row per site in input order; ``score`` 0-100
        (NaN where a gate fails), ``rank`` 1 = best among the passing sites,
        ``failed_rules`` the failed gates joined by ``;``.
    """
    inputs = setup.inputs
    prepared = add_site_needs(
        sites.to_crs(inputs.layers.crs), inputs.needs, setup.params, inputs.layers.counties
    )
    scores = score_sites(
        prepared,
        inputs.layers,
        setup.params,
        setup.weights,
        terrain=site_terrain(sites, inputs),
    )
    table = scores.to_frame().drop(columns="rank")
    attributes = pd.DataFrame(prepared.drop(columns="geometry")).reset_index(drop=True)
    table = table.assign(
        name=attributes["name"].to_numpy(),
        **{c: attributes[c].to_numpy() for c in (HERD_COLUMN, "adcode", *NEED_COLUMNS)},
    )
    table["score"] = pd.to_numeric(table["score"], errors="coerce").astype(float)
    return with_ranks(table)


def with_ranks(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with ``rank`` over all its passing sites (`siting.score.rank_scores`)."""
    scored = table["passed"].astype(bool).to_numpy() & table["score"].notna().to_numpy()
    ranks = pd.array([pd.NA] * len(table), dtype="Int64")
    if scored.any():
        ranks[np.flatnonzero(scored)] = rank_scores(table["score"].to_numpy()[scored])
    texts = {c: _plain_texts(table[c]) for c in _TEXT_COLUMNS}
    return table.assign(rank=ranks, **texts)[list(BATCH_SCORE_COLUMNS)]


def _plain_texts(column: pd.Series) -> pd.Series:
    """Return ``column`` as Python strings or None (dask partitions arrive as arrow strings)."""
    values = column.astype(object)
    return values.where(column.notna(), None)


@lru_cache(maxsize=2)
def _worker_setup(region_dir: str, options: ScoreOptions) -> ScoringSetup:
    """Load the scoring inputs once per worker process (kept for the next partitions)."""
    return load_scoring_setup(load_region(Path(region_dir)), options)


def score_partition(
    sites: gpd.GeoDataFrame, region_dir: str, options: ScoreOptions
) -> pd.DataFrame:
    """Score one partition on a worker (ranks within the partition, replaced later)."""
    return score_table(sites, _worker_setup(region_dir, options))


def score_on_cluster(
    sites: gpd.GeoDataFrame,
    region: Region,
    options: ScoreOptions,
    client: Client,
    *,
    partition_sites: int = DEFAULT_PARTITION_SITES,
    on_submitted: Submitted | None = None,
) -> pd.DataFrame:
    """Score ``sites`` in partitions of ``partition_sites`` on ``client``'s workers.

    Parameters
    ----------
    sites
        As `score_table`.
    region
        The region pack; its folder must be readable by every worker at the same path.
    options
        Scoring options (crop, water year, weights, gate limits).
    client
        dask.distributed Client (`planning.scaleout.cluster.cluster_client`).
    partition_sites
        Sites per dask-geopandas partition (one task each).
    on_submitted
        Called with the partitions' futures once submitted (e.g. a progress bar).

    Returns
    -------
    table
        As `score_table` on all sites at once: same rows, order, values and ranks.

    Raises
    ------
    ParameterError
        If a herd is implausible (`check_herd_sizes`), before anything is submitted.
    """
    check_herd_sizes(sites, region)
    partitions = dask_geopandas.from_geopandas(
        sites.reset_index(drop=True), chunksize=max(partition_sites, 1), sort=False
    )
    score = delayed(score_partition, pure=True)
    tasks = [score(part, str(region.dir), options) for part in partitions.to_delayed()]
    futures: list[Future[pd.DataFrame]] = client.compute(tasks)
    if on_submitted is not None:
        on_submitted(futures)
    parts: list[pd.DataFrame] = client.gather(futures)
    return with_ranks(pd.concat(parts, ignore_index=True))
