"""Page 规划目标 / Forage targets: a county choropleth of a crop × year target, and tables.

`ui.targets.page` is the page (`render`, registered in `ui.navigation`); `ui.targets.view`
prepares its frames, tables and map without ``st.*``.
"""

from ui.targets.page import render

__all__ = ["render"]
