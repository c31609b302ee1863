"""The description balloon of a site in KML: its key figures as a small HTML table."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Final

import pandas as pd

from store.records import HERD_COLUMNS

#: Site attributes shown in the balloon (herd columns only when not zero).
KEY_SITE_COLUMNS: Final[tuple[str, ...]] = (
    "source_id",
    "status",
    "start_year",
    *HERD_COLUMNS,
    "manure_route",
    "haul_radius_km",
    "county_code",
    "version",
)


def _format(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float):
        return f"{value:,.6g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def site_descriptions(
    sites: pd.DataFrame, key_figures: pd.DataFrame, labels: Mapping[str, str]
) -> list[str]:
    """Return one HTML description per site row.

    Parameters
    ----------
    sites
        Typed sites frame.
    key_figures
        Extra figures per site (index ``site_id``, unit-suffixed column names), e.g.
        results of the siting computation; may have no columns.
    labels
        Display label per column name (e.g. from ``ui/labels.py``); a column without a label
        is shown by its name, which carries its unit.
    """
    descriptions = []
    for row in sites.to_dict("records"):
        figures = {c: row[c] for c in KEY_SITE_COLUMNS if not (c in HERD_COLUMNS and row[c] == 0)}
        if row["site_id"] in key_figures.index:
            figures.update(key_figures.loc[row["site_id"]].to_dict())
        cells = [(labels.get(c, c), _format(v)) for c, v in figures.items()]
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
            for k, v in cells
            if v is not None
        )
        descriptions.append(f"<table>{rows}</table>")
    return descriptions
