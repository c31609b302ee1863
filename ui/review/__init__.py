"""Page 县域审核 / County review: build-out checks per county and year, decisions per ranch.

`ui.review.page` is the page (`render`, registered in `ui.navigation`); `ui.review.view`
prepares its frames, tables and map without ``st.*``.
"""

from ui.review.page import render

__all__ = ["render"]
