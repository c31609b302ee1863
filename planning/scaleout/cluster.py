"""The dask.distributed cluster of the chunked (scale-out) paths: local or a scheduler's."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, LocalCluster

#: Workers of the default LocalCluster of ``python -m siting batch`` (one thread each).
DEFAULT_WORKERS: int = 2
#: Memory limit per worker of the default LocalCluster (dask's nanny pauses, then restarts,
#: a worker above it).
DEFAULT_MEMORY_LIMIT: str = "2GB"


@contextmanager
def local_cluster(
    n_workers: int = DEFAULT_WORKERS,
    memory_limit: str | int = "2GiB",
    *,
    processes: bool = False,
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
        The Client connected to the cluster (dashboard on a free port).
    """
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=processes,
            memory_limit=memory_limit,
            dashboard_address=":0",  # any free port: 8787 may be taken by another cluster
            # the nannies' "still alive after 4 s, killing" at shut-down is not for the user
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextmanager
def cluster_client(
    scheduler: str | None,
    *,
    n_workers: int = DEFAULT_WORKERS,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> Iterator[Client]:
    """Connect to ``scheduler`` (e.g. ``tcp://host:8786``), or start a process LocalCluster.

    Parameters
    ----------
    scheduler
        Address of a running ``dask-scheduler``; None starts a LocalCluster of
        ``n_workers`` worker processes with ``memory_limit`` each (both ignored otherwise:
        a real cluster's workers set their own with ``dask-worker --memory-limit``).
    n_workers, memory_limit
        The LocalCluster's workers and per-worker memory limit (e.g. ``"2GB"``).

    Yields
    ------
    client
        The connected Client; closed on exit (a LocalCluster is shut down too).
    """
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    with local_cluster(n_workers, memory_limit, processes=True) as client:
        yield client
