"""Frames, tables and the map of the review page (no ``st.*``): display only.

Status colours: ok green, warning amber, exceeded red; a county's colour is its worst check
status in the chosen year. Sites are points at their footprint's inside point, coloured by
their latest review decision (a 500亩 footprint is too small to see at city zoom).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

import geopandas as gpd

from geo.crs import DISPLAY_CRS
from geo.units import mu_to_ha
from ui.labels import t, t_or
from ui.legend import legend_html
from ui.map import MapLayer, PolygonStyle, build_map

if TYPE_CHECKING:
    import folium

    from siting.buildout import BuildoutResult
    from ui.map import MapView

STATUS_ORDER: Final[tuple[str, ...]] = ("ok", "warning", "exceeded")
STATUS_COLORS: Final[dict[str, str]] = {
    "ok": "#66bd63",
    "warning": "#fdae61",
    "exceeded": "#d73027",
    "none": "#cccccc",
}
# Plain-text flags: emoji need a colour-emoji font many offline machines lack.
STATUS_FLAGS: Final[dict[str, str]] = {"ok": "✓", "warning": "▲", "exceeded": "✖"}
DECISIONS: Final[tuple[str, ...]] = ("approve", "reject", "request_changes")
DECISION_COLORS: Final[dict[str, str]] = {
    "approve": "#1a9850",
    "reject": "#d73027",
    "request_changes": "#f39c12",
    "pending": "#4575b4",
}
HERD_COLUMNS: Final[tuple[str, ...]] = (
    "dairy_cow_head",
    "beef_cattle_head",
    "sheep_head",
    "goat_head",
)
FILL_OPACITY: Final[float] = 0.6


def place_names(counties: pd.DataFrame, city_adcode: str, lang: str) -> dict[str, str]:
    """Return ``adcode -> name`` of the counties, then the city as 全市 / Whole city."""
    col = "name_en" if lang == "en" else "name_zh"
    names = dict(zip(counties["adcode"].astype(str), counties[col].astype(str), strict=True))
    names[city_adcode] = t("review.city", lang)
    return names


def worst_status(statuses: pd.Series) -> str:
    """Return the worst of ``statuses`` (ok < warning < exceeded); "none" if empty."""
    ranks = statuses.map({s: i for i, s in enumerate(STATUS_ORDER)}).dropna()
    return STATUS_ORDER[int(ranks.max())] if len(ranks) else "none"


def _check_name(checks: pd.DataFrame, lang: str) -> pd.Series:
    return _rendered(checks["name"], lang)


def _rendered(messages: pd.Series, lang: str) -> pd.Series:
    """Return a column of `locales.Message` (check names, notes) as text in ``lang``."""
    return messages.map(lambda message: message.render(lang)).astype(str)


def county_status_frame(
    counties: gpd.GeoDataFrame, checks: pd.DataFrame, *, year: int, lang: str
) -> gpd.GeoDataFrame:
    """Return the counties with ``worst``, its label, fill colour and the broken checks."""
    rows = checks[(checks["scope"] == "county") & (checks["year"] == year)]
    worst = rows.groupby("adcode")["status"].agg(worst_status)
    broken_rows = rows[rows["status"] != "ok"].assign(
        text=lambda f: (
            _check_name(f, lang) + "（" + f["status"].map(lambda s: t(f"check.{s}", lang)) + "）"
        )
    )
    broken = broken_rows.groupby("adcode")["text"].agg("；".join)
    out = counties[["adcode", "name_zh", "name_en", counties.geometry.name]].copy()
    out["worst"] = out["adcode"].map(worst).fillna("none")
    out["fill"] = out["worst"].map(STATUS_COLORS)
    out["name"] = out["name_en" if lang == "en" else "name_zh"]
    out["status_label"] = out["worst"].map(lambda s: t(f"check.{s}", lang))
    out["broken"] = out["adcode"].map(broken).fillna(t("review.none_broken", lang))
    return out


def latest_decisions(reviews: pd.DataFrame) -> pd.DataFrame:
    """Return the latest review per site (``site_id`` index: decision, reason, reviewer...)."""
    if reviews.empty:
        return pd.DataFrame(columns=["decision", "reason", "reviewer", "decided_at"], dtype=object)
    return reviews.sort_values("decided_at").groupby("site_id").last()


def sites_frame(
    sites: gpd.GeoDataFrame,
    reviews: pd.DataFrame,
    adcodes: pd.Series,
    lang: str,
    gates: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return the sites with county, herd total, status and latest decision, for display.

    ``gates`` (`planning.scenario_ops.site_gates`) adds ``gate_label`` (passed / failed with
    the failing gate names / not checked), ``gates_failed`` (bool), ``suitability_score``,
    ``absorption_land_n_mu`` (亩) and ``water_m3_per_yr`` (NaN when not checked).
    """
    latest = latest_decisions(reviews)
    decision = sites["site_id"].map(latest["decision"].astype(object)).astype(object)
    decision = decision.where(decision.notna(), "pending").astype(str)
    out = sites[["site_id", "name", "status", "start_year", "version", sites.geometry.name]].copy()
    out["adcode"] = adcodes.to_numpy()
    out["herd_head"] = sites[list(HERD_COLUMNS)].sum(axis=1).astype("int64")
    out["decision"] = decision.to_numpy()
    out["decision_label"] = out["decision"].map(lambda d: t(f"decision.{d}", lang))
    reason = sites["site_id"].map(latest["reason"].astype(object)).astype(object)
    out["reason"] = reason.where(reason.notna(), "").astype(str).to_numpy()
    out["status_label"] = out["status"].map(lambda s: t(f"site_status.{s}", lang))
    return _with_gates(out, gates, lang)


def _with_gates(out: gpd.GeoDataFrame, gates: pd.DataFrame | None, lang: str) -> gpd.GeoDataFrame:
    by_site = (gates if gates is not None else pd.DataFrame(columns=["site_id"])).set_index(
        "site_id"
    )
    passed = out["site_id"].map(by_site.get("gates_passed", pd.Series(dtype=object)))
    names = out["site_id"].map(
        by_site.get("failed_gates_en" if lang == "en" else "failed_gates_zh", pd.Series(dtype=str))
    )
    failed = passed.map(lambda p: p is False or p is np.False_)
    out["gates_failed"] = failed.to_numpy(dtype=bool)
    out["gate_label"] = [
        t("review.gate.failed", lang).format(gates=n)
        if f
        else t(
            "review.gate.passed" if p is True or p is np.True_ else "review.gate.unchecked", lang
        )
        for p, f, n in zip(passed, failed, names.fillna(""), strict=True)
    ]
    score = out["site_id"].map(by_site.get("suitability_score", pd.Series(dtype=float)))
    out["suitability_score"] = pd.to_numeric(score, errors="coerce").round(1).to_numpy()
    for column in ("absorption_land_n_mu", "water_m3_per_yr"):
        value = out["site_id"].map(by_site.get(column, pd.Series(dtype=float)))
        out[column] = pd.to_numeric(value, errors="coerce").to_numpy(dtype=float)
    return out


def review_map(
    counties: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    *,
    year: int,
    analysis_crs: str,
    view: MapView,
    focus_adcode: str | None = None,
) -> folium.Map:
    """Return the county status choropleth with the sites coloured by decision (no drawing).

    The view fits the county ``focus_adcode`` if it is one of ``counties``, else all of them.
    """
    lang = view.lang
    layers = [
        MapLayer(
            counties,
            t("review.map_layer", lang).format(year=year),
            analysis_crs,
            style=PolygonStyle(fill_opacity=FILL_OPACITY, fill_color_column="fill"),
            tooltip_fields=("name", "status_label", "broken"),
            tooltip_aliases=(
                t("rcol.place", lang),
                t("rcol.status", lang),
                t("review.broken", lang),
            ),
            coverage=True,
            label_field="name",
        )
    ]
    points = sites.set_geometry(sites.geometry.to_crs(analysis_crs).representative_point()).to_crs(
        DISPLAY_CRS
    )
    for decision in (*DECISIONS, "pending"):
        chosen = points[points["decision"] == decision]
        if chosen.empty:
            continue
        name = t("review.sites_layer", lang).format(decision=t(f"decision.{decision}", lang))
        layers.append(
            MapLayer(
                chosen,
                name,
                analysis_crs,
                kind="point",
                fit=False,
                style=PolygonStyle(color="#ffffff", fill_color=DECISION_COLORS[decision]),
                tooltip_fields=("name", "status_label", "herd_head", "decision_label", "reason"),
                tooltip_aliases=(
                    t("rcol.name", lang),
                    t("rcol.site_status", lang),
                    t("rcol.herd", lang),
                    t("rcol.decision", lang),
                    t("rcol.reason", lang),
                ),
            )
        )
    chosen = counties[counties["adcode"].astype(str) == str(focus_adcode)]
    focus = (
        None if chosen.empty else tuple(float(v) for v in chosen.to_crs(DISPLAY_CRS).total_bounds)
    )
    # the layer list, open, would cover the top of the map beside the tables: folded
    return build_map(
        layers, view=view, legends=_legends(year, lang), focus_lonlat=focus, collapsed=True
    )


def _legends(year: int, lang: str) -> list[str]:
    status = legend_html(
        t("review.legend.status", lang).format(year=year),
        [(STATUS_COLORS[s], t(f"check.{s}", lang)) for s in STATUS_ORDER],
        opacity=FILL_OPACITY,
    )
    decision = legend_html(
        t("review.legend.decision", lang),
        [(DECISION_COLORS[d], t(f"decision.{d}", lang)) for d in (*DECISIONS, "pending")],
    )
    return [status, decision]


def check_table(checks: pd.DataFrame, *, adcode: str, year: int, lang: str) -> pd.DataFrame:
    """Return the checks of one place and year: name, value, limit, unit, flagged status."""
    rows = checks[(checks["adcode"] == adcode) & (checks["year"] == year)]
    return pd.DataFrame(
        {
            t("rcol.check", lang): _check_name(rows, lang).to_numpy(),
            t("rcol.value", lang): rows["value"].map(_fmt).to_numpy(),
            t("rcol.limit", lang): rows["limit"].map(_fmt).to_numpy(),
            t("rcol.unit", lang): rows["unit"].map(lambda u: unit_label(str(u), lang)).to_numpy(),
            t("rcol.status", lang): rows["status"].map(lambda s: _flag(s, lang)).to_numpy(),
            t("rcol.note", lang): _rendered(rows["note"], lang).to_numpy(),
            t("rcol.source", lang): rows["source"].astype(str).to_numpy(),
        }
    )


def unit_label(unit: str, lang: str) -> str:
    """Return a check's unit code (``frac``, ``load index``, ``万亩`` ...) in ``lang``."""
    return t_or(f"unit.{unit}", lang, unit)


def audit_frame(audit: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return audit rows with the action and its detail in words of ``lang``.

    ``action`` (e.g. ``site.update``) reads catalogue key ``audit.<action>``; ``detail`` (a
    dict) becomes "field: value" pairs named by ``audit.field.<field>``, decisions in words;
    a ``user`` that is a program's id (``demo_loader``) reads ``audit.user.<id>``.
    """
    if "user" in audit.columns:
        users = audit["user"].map(lambda u: t_or(f"audit.user.{u}", lang, str(u)))
        audit = audit.assign(user=users)
    return audit.assign(
        action=audit["action"].map(lambda a: t_or(f"audit.{a}", lang, str(a))),
        detail=audit["detail"].map(lambda d: _audit_detail(d, lang)),
    )


def _audit_detail(detail: object, lang: str) -> str:
    if not isinstance(detail, dict):
        return str(detail)
    pairs = [
        t("audit.field_value", lang).format(
            field=t_or(f"audit.field.{field}", lang, field),
            value=t_or(f"decision.{value}", lang, str(value)) if field == "decision" else value,
        )
        for field, value in detail.items()
    ]
    return t("audit.field_separator", lang).join(pairs)


def status_matrix(checks: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Return place × year cells "超限 n · 预警 m" (exceeded / warning checks), or "✓ 满足"."""
    cells = checks.groupby(["adcode", "year"])["status"].agg(_cell, lang=lang).unstack("year")
    order = [a for a in names if a in cells.index]
    out = cells.reindex(order)
    out.index = [names[a] for a in order]
    out.index.name = t("rcol.place", lang)
    out.columns = [str(int(y)) for y in out.columns]
    return out.reset_index()


#: Score cell of a site that fails a gate or is not scored.
NO_SCORE: Final[str] = "—"


def sites_table(sites: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Return the sites for display: name, gates, score, land, water, decision, county, ...

    The verdict (gates, score, absorption land in 亩 with hectares, water) and the decision
    come right after the name, so they are in view in the narrow column beside the map.
    """
    return pd.DataFrame(
        {
            t("rcol.name", lang): sites["name"].astype(str).to_numpy(),
            t("rcol.gates", lang): sites["gate_label"].to_numpy(),
            t("rcol.score", lang): [
                NO_SCORE if pd.isna(v) else f"{float(v):.1f}" for v in sites["suitability_score"]
            ],
            t("rcol.land_need", lang): [
                land_cell(float(v), lang) for v in sites["absorption_land_n_mu"]
            ],
            t("rcol.water_use", lang): [
                NO_SCORE if pd.isna(v) else f"{float(v):,.0f}" for v in sites["water_m3_per_yr"]
            ],
            t("rcol.decision", lang): sites["decision_label"].to_numpy(),
            t("rcol.place", lang): sites["adcode"].map(names).fillna("").to_numpy(),
            t("rcol.site_status", lang): sites["status_label"].to_numpy(),
            t("rcol.start_year", lang): sites["start_year"].to_numpy(),
            t("rcol.herd", lang): sites["herd_head"].to_numpy(),
            t("rcol.reason", lang): sites["reason"].to_numpy(),
        }
    )


def land_cell(area_mu: float, lang: str) -> str:
    """Return an area in 亩 with its hectares ("1,234 亩（82.3 公顷）"), or "—" if unknown."""
    if pd.isna(area_mu):
        return NO_SCORE
    return t("review.land_cell", lang).format(mu=f"{area_mu:,.0f}", ha=f"{mu_to_ha(area_mu):,.1f}")


def unusable_table(unusable: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the sites the build-out left out: name and what is missing, in words of ``lang``."""
    separator = t("audit.field_separator", lang)
    return pd.DataFrame(
        {
            t("rcol.name", lang): unusable["name"].astype(str).to_numpy(),
            t("rcol.missing", lang): [
                separator.join(t(f"review.gap.{gap}", lang) for gap in gaps)
                for gaps in unusable["missing"]
            ],
        }
    )


def _cell(statuses: pd.Series, lang: str) -> str:
    exceeded = int((statuses == "exceeded").sum())
    warning = int((statuses == "warning").sum())
    if not exceeded and not warning:
        return _flag("ok", lang)
    parts = [
        f"{_flag(status, lang)} {n}"
        for status, n in (("exceeded", exceeded), ("warning", warning))
        if n
    ]
    return " · ".join(parts)


def status_style(text: object) -> str:
    """Return the CSS of a table cell holding a flagged status (for ``Styler.map``)."""
    for status in ("exceeded", "warning", "ok"):
        if STATUS_FLAGS[status] in str(text):
            return f"background-color: {STATUS_COLORS[status]}55;"
    return ""


def _flag(status: str, lang: str) -> str:
    return f"{STATUS_FLAGS.get(status, '')} {t(f'check.{status}', lang)}"


def _fmt(value: object) -> str:
    number = pd.to_numeric(value, errors="coerce")
    if pd.isna(number):
        return "—"
    return f"{number:,.3f}" if abs(number) < 10 else f"{number:,.0f}"


def site_counties(sites: pd.DataFrame, result: BuildoutResult) -> pd.Series:
    """Return each site's county code (the one the build-out used), indexed like ``sites``."""
    years = result.farm_years
    if years.empty or "adcode" not in years.columns:
        return sites["county_code"].fillna("").astype(str)
    by_farm = years.drop_duplicates("farm_id").set_index("farm_id")["adcode"]
    return sites["site_id"].map(by_farm).fillna(sites["county_code"]).fillna("").astype(str)
