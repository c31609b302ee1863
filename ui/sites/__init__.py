"""Page 选址评价 / Site check: gates, score, rank and weight sensitivity of candidate sites.

`ui.sites.page` is the page (`render`, registered in `ui.navigation`). Its concepts:
`results` (ranking, gate and criteria tables, AHP summary; no ``st.*``), `map` (the site map
with each gate's deciding feature) and `user_layers` (the user's own constraint layers and
DEM).
"""

from ui.sites.page import render

__all__ = ["render"]
