"""A local dask.distributed cluster for the chunked (scale-out) paths."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, LocalCluster


@contextmanager
def local_cluster(
    n_workers: int = 2, memory_limit: str | int = "2GiB", *, processes: bool = False
) -> Iterator[Client]:
    """Start a LocalCluster and a Client on it; close both on exit.

    Parameters
    ----------
    n_workers
        Number of workers (one thread each).
    memory_limit
        Memory limit per worker (bytes or a string such as ``"2GiB"``).
    processes
        False (default): workers are threads of this process (starts fast, no pickling;
        GDAL reads release the GIL). True: one process per worker (isolated memory).

    Yields
    ------
    client
        The Client connected to the cluster (no dashboard).
    """
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=processes,
            memory_limit=memory_limit,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
