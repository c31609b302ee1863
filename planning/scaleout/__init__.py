"""Scale-out path: the same `siting` functions over parcel layers too big for memory.

Reads a parcel GeoPackage in row windows (pyogrio) as Dask tasks and runs them on a
dask.distributed cluster (`planning.scaleout.cluster.local_cluster` by default). Does file
I/O, so it lives outside the pure ``siting/`` package.
"""
