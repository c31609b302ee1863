"""The generators' grids: the one `geo.grid.Grid` (top-left origin), their snapping and cells."""

from __future__ import annotations

import numpy as np

from geo.grid import Grid
from layers.build.grid import grid_for_bounds, make_grid, sw_cell_boxes, sw_cell_rows_cols

CRS = "EPSG:4546"


def _grid() -> Grid:
    return Grid(CRS, cell_m=10.0, left_m=1000.0, top_m=2030.0, width=4, height=3)


def test_grid_origin_is_the_north_west_corner_and_rows_count_from_the_north() -> None:
    grid = _grid()
    assert (grid.right_m, grid.bottom_m, grid.shape) == (1040.0, 2000.0, (3, 4))
    boxes = grid.cell_boxes(np.array([0, 1, 2]), np.array([0, 0, 3]))
    assert boxes[0].bounds == (1000.0, 2020.0, 1010.0, 2030.0)  # row 0, col 0: north-west
    assert boxes[1].bounds == (1000.0, 2010.0, 1010.0, 2020.0)  # row 1 is south of row 0
    assert boxes[2].bounds == (1030.0, 2000.0, 1040.0, 2010.0)  # south-east


def test_raster_order_is_north_up() -> None:
    grid = _grid()
    assert tuple(grid.transform)[:6] == (10.0, 0.0, 1000.0, 0.0, -10.0, 2030.0)
    x_m, y_m = grid.cell_centres_m(grid.full_window)
    np.testing.assert_array_equal(x_m, [1005.0, 1015.0, 1025.0, 1035.0])
    np.testing.assert_array_equal(y_m, [2025.0, 2015.0, 2005.0])


def test_parcel_cell_numbers_count_from_the_south_west_cell() -> None:
    grid = _grid()
    rows, cols = sw_cell_rows_cols(grid, np.array([0, 4, 11]))
    np.testing.assert_array_equal(rows, [2, 1, 0])
    np.testing.assert_array_equal(cols, [0, 0, 3])
    boxes = sw_cell_boxes(grid)
    assert len(boxes) == 12
    assert boxes[0].bounds == (1000.0, 2000.0, 1010.0, 2010.0)  # number 0: south-west
    assert boxes[4].bounds == (1000.0, 2010.0, 1010.0, 2020.0)  # number 4 is north of 0


def test_both_generators_snap_to_whole_cells_and_cover_the_bounds() -> None:
    bounds = (1003.0, 2004.0, 1031.0, 2026.0)
    parcels = make_grid(bounds, 10.0, crs=CRS)  # SW corner snapped
    assert (parcels.left_m, parcels.bottom_m, parcels.height, parcels.width) == (1000, 2000, 3, 4)
    dem = grid_for_bounds(bounds, 10.0, 5.0, crs=CRS)  # NW corner snapped, with a margin
    assert (dem.left_m, dem.top_m, dem.height, dem.width) == (990.0, 2040.0, 5, 5)
    assert dem.bottom_m <= bounds[1] - 5.0 and dem.right_m >= bounds[2] + 5.0
    assert parcels.crs == dem.crs == CRS
