"""Geospatial core: CRS roles, units, GCJ-02, measurement, vector/raster I/O, validation."""
