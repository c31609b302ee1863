"""The one grid of the bundled-data generators: SW-corner origin, north-up rasters."""

from __future__ import annotations

import numpy as np

from layers.build.grid import Grid, grid_for_bounds, make_grid


def test_grid_origin_is_the_south_west_corner_and_rows_count_from_the_south() -> None:
    grid = Grid(x_min_m=1000.0, y_min_m=2000.0, cell_m=10.0, rows=3, cols=4)
    assert (grid.x_max_m, grid.y_max_m) == (1040.0, 2030.0)
    boxes = grid.cell_boxes()
    assert boxes[0].bounds == (1000.0, 2000.0, 1010.0, 2010.0)  # row 0, col 0: south-west
    assert boxes[4].bounds == (1000.0, 2010.0, 1010.0, 2020.0)  # row 1 is north of row 0


def test_raster_order_is_north_up() -> None:
    grid = Grid(x_min_m=1000.0, y_min_m=2000.0, cell_m=10.0, rows=3, cols=4)
    assert tuple(grid.transform)[:6] == (10.0, 0.0, 1000.0, 0.0, -10.0, 2030.0)
    x_m, y_m = grid.raster_centres()
    np.testing.assert_array_equal(x_m, [1005.0, 1015.0, 1025.0, 1035.0])
    np.testing.assert_array_equal(y_m, [2025.0, 2015.0, 2005.0])


def test_both_generators_snap_to_whole_cells_and_cover_the_bounds() -> None:
    bounds = (1003.0, 2004.0, 1031.0, 2026.0)
    parcels = make_grid(bounds, 10.0)  # SW corner snapped
    assert (parcels.x_min_m, parcels.y_min_m, parcels.rows, parcels.cols) == (1000, 2000, 3, 4)
    dem = grid_for_bounds(bounds, 10.0, 5.0)  # NW corner snapped, with a margin
    assert (dem.x_min_m, dem.y_max_m, dem.rows, dem.cols) == (990.0, 2040.0, 5, 5)
    assert dem.y_min_m <= bounds[1] - 5.0 and dem.x_max_m >= bounds[2] + 5.0
