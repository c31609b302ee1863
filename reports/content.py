"""What a packet shows: its inputs, the place it is for, and the tables drawn from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd

from locales import text

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.buildout import BuildoutResult

#: Columns of the sites table, in order.
SITE_COLUMNS: Final[tuple[str, ...]] = (
    "site_id",
    "name",
    "adcode",
    "status",
    "start_year",
    "dairy_cow_head",
    "goat_head",
    "score",
    "decision",
    "reason",
)
PARAMETER_COLUMNS: Final[tuple[str, ...]] = ("key", "value", "unit", "status", "source", "note")
STATUS_ORDER: Final[tuple[str, ...]] = ("ok", "warning", "exceeded")


@dataclass(frozen=True, eq=False)
class PacketInputs:
    """Everything a packet is drawn from (nothing is read from disk after this).

    Attributes
    ----------
    region_id, region_adcode, region_name_zh, region_name_en
        The region (city) the counties belong to.
    analysis_crs
        Projected CRS the map is drawn in (the region's analysis CRS, metres).
    scenario
        Scenario name as shown.
    counties
        County polygons (any CRS) with ``adcode``, ``name_zh``, ``name_en``.
    sites
        The scenario's sites (any CRS) with ``site_id`` and, if known, names, ``status``,
        ``start_year``, herd columns.
    result
        The build-out check of the scenario.
    reviews
        Review decisions of a plan-store scenario (oldest first); None when the scenario
        is not in a store (every decision is then ``pending``).
    scores
        ``site_id, passed, score`` of the suitability engine; None when not computed.
    report_date
        Date printed on the packet.
    """

    region_id: str
    region_adcode: str
    region_name_zh: str
    region_name_en: str
    analysis_crs: str
    scenario: str
    counties: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    result: BuildoutResult
    report_date: date
    reviews: pd.DataFrame | None = None
    scores: pd.DataFrame | None = None


@dataclass(frozen=True)
class Place:
    """The county (or the city) a packet is for."""

    adcode: str
    name_zh: str
    name_en: str
    is_city: bool

    def name(self, lang: str) -> str:
        """Return the place's name in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class ReportFiles:
    """Files written for one packet, and the titles of the PDF's pages in order."""

    html: Path
    pdf: Path
    xlsx: Path
    pdf_pages: tuple[str, ...]


def place_of(inputs: PacketInputs, county: str | None) -> Place:
    """Return the packet's place: the county ``county`` (adcode) or, if None, the city."""
    if county is None:
        return Place(inputs.region_adcode, inputs.region_name_zh, inputs.region_name_en, True)
    row = inputs.counties.set_index("adcode").loc[county]
    return Place(county, str(row["name_zh"]), str(row["name_en"]), False)


def place_checks(inputs: PacketInputs, place: Place) -> pd.DataFrame:
    """Return the place's check rows, by year then in the build-out's check order."""
    checks = inputs.result.checks
    rows = checks[checks["adcode"] == place.adcode]
    return rows.sort_values("year", kind="stable").reset_index(drop=True)


def county_names(inputs: PacketInputs, lang: str) -> pd.Series:
    """Return adcode -> county name in ``lang``."""
    column = "name_zh" if lang == "zh" else "name_en"
    names: pd.Series = inputs.counties.set_index("adcode")[column].astype(str)
    return names


def sites_table(inputs: PacketInputs, place: Place, lang: str) -> pd.DataFrame:
    """Return the place's sites (`SITE_COLUMNS`): county, stage, herd, score and decision.

    The county is the one the build-out placed the farm in. ``score`` is the 0-100 score,
    ``failed gates`` or the words "scores not computed"; ``decision`` is the latest review.
    """
    sites = pd.DataFrame(inputs.sites.drop(columns="geometry"))
    located = inputs.result.farm_years.drop_duplicates("farm_id").set_index("farm_id")["adcode"]
    sites["adcode"] = sites["site_id"].map(located).astype("string")
    if not place.is_city:
        sites = sites[sites["adcode"] == place.adcode]
    sites = sites.assign(name=_site_names(sites, lang), score=_scores(inputs, sites, lang))
    decisions = _decisions(inputs.reviews, sites["site_id"], lang)
    sites = sites.assign(decision=decisions["decision"], reason=decisions["reason"])
    for column in SITE_COLUMNS:
        if column not in sites.columns:
            sites[column] = pd.NA
    return (
        pd.DataFrame(sites[list(SITE_COLUMNS)])
        .sort_values(["adcode", "site_id"])
        .reset_index(drop=True)
    )


def _site_names(sites: pd.DataFrame, lang: str) -> pd.Series:
    preferred = "name_zh" if lang == "zh" else "name_en"
    for column in (preferred, "name", "name_zh", "name_en"):
        if column in sites.columns:
            return sites[column].astype("string").fillna(sites["site_id"])
    return sites["site_id"].astype("string")


def _scores(inputs: PacketInputs, sites: pd.DataFrame, lang: str) -> pd.Series:
    if inputs.scores is None:
        return pd.Series(
            text("report.scores_not_computed", lang), index=sites.index, dtype="string"
        )
    scored = inputs.scores.set_index("site_id")
    shown = [
        (f"{scored.loc[s, 'score']:.0f}" if bool(scored.loc[s, "passed"]) else "×")
        if s in scored.index
        else ""
        for s in sites["site_id"]
    ]
    return pd.Series(shown, index=sites.index, dtype="string")


def _decisions(reviews: pd.DataFrame | None, site_ids: pd.Series, lang: str) -> pd.DataFrame:
    pending = text("report.pending", lang)
    out = pd.DataFrame({"decision": pending, "reason": ""}, index=site_ids.index)
    if reviews is None or reviews.empty:
        return out
    latest = reviews.sort_values("decided_at").drop_duplicates("site_id", keep="last")
    latest = latest.set_index("site_id")
    for k, site_id in site_ids.items():
        if site_id in latest.index:
            out.loc[k, "decision"] = text(f"report.{latest.loc[site_id, 'decision']}", lang)
            out.loc[k, "reason"] = str(latest.loc[site_id, "reason"] or "")
    return out


def parameters_table(inputs: PacketInputs) -> pd.DataFrame:
    """Return every coefficient the check used: key, value, unit, status, source, note."""
    records = [
        (c.key, c.value, c.unit, c.status, c.source, c.note) for c in inputs.result.coefficients
    ]
    frame = pd.DataFrame(records, columns=list(PARAMETER_COLUMNS))
    return frame.drop_duplicates("key").reset_index(drop=True)


def status_counts(checks: pd.DataFrame) -> dict[str, int]:
    """Return the number of check rows per status (ok, warning, exceeded)."""
    counts = checks["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUS_ORDER}
