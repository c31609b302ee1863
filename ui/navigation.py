"""Page registry: adding a page is one line in `PAGES`.

A page is a subpackage of `ui` (``ui/<key>/``) whose ``page.py`` has a ``render() -> None``
function, re-exported by the subpackage; its title is the
label ``page.<key>`` in `ui.labels` and ``key`` is its stable URL path (the same in both
languages, so switching language keeps the page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ui import balance, data_import, planner, review, sites, targets, upload


@dataclass(frozen=True)
class PageSpec:
    """A registered page: URL key, Material icon and its render function."""

    key: str
    icon: str
    render: Callable[[], None]

    @property
    def title_key(self) -> str:
        """Label key of the page title."""
        return f"page.{self.key}"


#: In the order of the README's "Pages of the app" table.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("targets", ":material/grass:", targets.render),
    PageSpec("balance", ":material/compost:", balance.render),
    PageSpec("sites", ":material/where_to_vote:", sites.render),
    PageSpec("planner", ":material/edit_location_alt:", planner.render),
    PageSpec("review", ":material/fact_check:", review.render),
    PageSpec("upload", ":material/upload_file:", upload.render),
    PageSpec("data_import", ":material/database:", data_import.render),
)
