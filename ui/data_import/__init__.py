"""Page 导入数据 / Import data: put a bureau's own layer into the current region pack.

`ui.data_import.page` is the page (`render`, registered in `ui.navigation`); the checks and
the write are `planning.data_import`.
"""

from ui.data_import.page import render

__all__ = ["render"]
