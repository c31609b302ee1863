"""Static figures of a packet (matplotlib, drawn on axes the caller provides).

The map is drawn in the region's projected analysis CRS (metres) so that shapes and the
scale bar are true; it is a static figure, not a web-map screenshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from geo.units import M_PER_KM, MU_PER_WAN_MU
from locales import text
from reports.content import county_names

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from reports.content import PacketInputs, Place

CROPS: Final[tuple[str, ...]] = ("silage_corn", "alfalfa", "oat_hay")
DECISION_COLOURS: Final[dict[str, str]] = {
    "pending": "#6b6b6b",
    "approve": "#1a9850",
    "reject": "#d73027",
    "request_changes": "#f39c12",
}
STAGE_MARKERS: Final[dict[str, str]] = {"existing": "s", "under_construction": "^", "proposed": "o"}
_BAR_COLOURS: Final[tuple[str, ...]] = ("#4575b4", "#f46d43", "#a6d96a")
_SCALE_STEPS_KM: Final[tuple[float, ...]] = (1, 2, 5, 10, 20, 50, 100)


def place_totals(inputs: PacketInputs, place: Place) -> pd.DataFrame:
    """Return the place's totals by year (county totals, or the city totals)."""
    totals = inputs.result.city_totals if place.is_city else inputs.result.county_totals
    if not place.is_city:
        totals = totals[totals["adcode"] == place.adcode]
    return totals.sort_values("year").reset_index(drop=True)


def latest_decisions(inputs: PacketInputs) -> dict[str, str]:
    """Return site_id -> latest decision key (``pending`` without a review)."""
    if inputs.reviews is None or inputs.reviews.empty:
        return {}
    latest = inputs.reviews.sort_values("decided_at").drop_duplicates("site_id", keep="last")
    return dict(zip(latest["site_id"], latest["decision"], strict=True))


def draw_map(
    ax: Axes, inputs: PacketInputs, place: Place, lang: str, numbers: dict[str, int]
) -> None:
    """Draw the counties, the place highlighted, and the sites numbered as in the table.

    ``numbers`` maps site_id -> the number printed next to it (sites not in it are drawn
    without a number). Colour = review decision, marker = construction stage.
    """
    counties = inputs.counties.to_crs(inputs.analysis_crs)
    counties.plot(ax=ax, facecolor="#f2f2f2", edgecolor="#7a7a7a", linewidth=0.8)
    if not place.is_city:
        own = counties[counties["adcode"] == place.adcode]
        own.plot(ax=ax, facecolor="#fff3c4", edgecolor="#b35900", linewidth=2.0)
        _zoom(ax, own.total_bounds)
    names = county_names(inputs, lang)
    for _, row in counties.iterrows():
        point = row.geometry.representative_point()
        weight = "bold" if row["adcode"] == place.adcode else "normal"
        ax.annotate(
            names[row["adcode"]],
            (point.x, point.y),
            ha="center",
            va="center",
            fontsize=9,
            color="#404040",
            weight=weight,
            annotation_clip=True,
        )
    _draw_sites(ax, inputs, numbers)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax, lang)
    ax.legend(
        handles=_legend_handles(inputs, place, lang), loc="lower right", fontsize=8, framealpha=0.9
    )


def _zoom(ax: Axes, bounds: np.ndarray) -> None:
    xmin, ymin, xmax, ymax = bounds
    pad = 0.08 * max(xmax - xmin, ymax - ymin)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)


def _draw_sites(ax: Axes, inputs: PacketInputs, numbers: dict[str, int]) -> None:
    if inputs.sites.empty:
        return
    sites = inputs.sites.to_crs(inputs.analysis_crs)
    decisions = latest_decisions(inputs)
    stages = sites["status"] if "status" in sites.columns else pd.Series("proposed", sites.index)
    for (_, row), stage in zip(sites.iterrows(), stages, strict=True):
        point = row.geometry.representative_point()
        colour = DECISION_COLOURS.get(decisions.get(row["site_id"], "pending"), "#6b6b6b")
        ax.plot(
            point.x,
            point.y,
            marker=STAGE_MARKERS.get(str(stage), "o"),
            color=colour,
            markersize=8,
            markeredgecolor="black",
            markeredgewidth=0.6,
            linestyle="none",
        )
        if row["site_id"] in numbers:
            ax.annotate(
                str(numbers[row["site_id"]]),
                (point.x, point.y),
                xytext=(5, 4),
                textcoords="offset points",
                fontsize=8,
                weight="bold",
                annotation_clip=True,
            )


def _legend_handles(inputs: PacketInputs, place: Place, lang: str) -> list[object]:
    handles: list[object] = []
    if not place.is_city:
        handles.append(
            Patch(
                facecolor="#fff3c4",
                edgecolor="#b35900",
                label=text("report.map_legend_place", lang),
            )
        )
    stages = set(inputs.sites["status"]) if "status" in inputs.sites.columns else set()
    handles += [
        Line2D(
            [],
            [],
            marker=marker,
            color="white",
            markerfacecolor="#bbbbbb",
            markeredgecolor="black",
            markersize=8,
            label=text(f"report.{stage}", lang),
        )
        for stage, marker in STAGE_MARKERS.items()
        if stage in stages
    ]
    used = set(latest_decisions(inputs).values()) | {"pending"}
    handles += [
        Patch(facecolor=colour, edgecolor="black", label=text(f"report.{decision}", lang))
        for decision, colour in DECISION_COLOURS.items()
        if decision in used
    ]
    return handles


def _scale_bar(ax: Axes, lang: str) -> None:
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    target_km = (xmax - xmin) / M_PER_KM / 5
    length_km = max((s for s in _SCALE_STEPS_KM if s <= target_km), default=_SCALE_STEPS_KM[0])
    x0, y0 = xmin + 0.04 * (xmax - xmin), ymin + 0.05 * (ymax - ymin)
    ax.plot([x0, x0 + length_km * M_PER_KM], [y0, y0], color="black", linewidth=3)
    ax.annotate(
        f"{length_km:g} km", (x0, y0), xytext=(0, 5), textcoords="offset points", fontsize=9
    )
    ax.annotate(
        "N\n↑",
        (0.96, 0.95),
        xycoords="axes fraction",
        ha="center",
        va="top",
        fontsize=12,
        weight="bold",
    )


def draw_forage_place(ax: Axes, inputs: PacketInputs, place: Place, lang: str) -> None:
    """Bars per crop: planned county acreage, area the herd needs, area grown (latest year)."""
    totals = place_totals(inputs, place).iloc[-1]
    series = (("planned", "target"), ("needed", "area_needed"), ("grown", "area"))
    x = np.arange(len(CROPS))
    width = 0.26
    for k, (label, suffix) in enumerate(series):
        values = [float(totals[f"{crop}_{suffix}_mu"]) / MU_PER_WAN_MU for crop in CROPS]
        bars = ax.bar(
            x + (k - 1) * width,
            values,
            width,
            label=text(f"report.{label}", lang),
            color=_BAR_COLOURS[k],
        )
        ax.bar_label(bars, fmt="%.1f", fontsize=8, padding=2)
    ax.set_xticks(x, [text(f"report.{crop}", lang) for crop in CROPS], fontsize=10)
    ax.set_ylabel(text("report.wan_mu", lang), fontsize=10)
    ax.set_title(text("report.charts_forage_year", lang, year=int(totals["year"])), fontsize=12)
    ax.legend(fontsize=9)
    ax.margins(y=0.15)


def draw_forage_counties(axes: list[Axes], inputs: PacketInputs, lang: str) -> None:
    """One panel per crop: planned vs needed area per county (latest year)."""
    totals = inputs.result.county_totals
    totals = totals[totals["year"] == totals["year"].max()]
    names = county_names(inputs, lang)
    labels = [names.get(a, a) for a in totals["adcode"]]
    y = np.arange(len(totals))
    for ax, crop in zip(axes, CROPS, strict=True):
        planned = totals[f"{crop}_target_mu"].to_numpy(dtype=float) / MU_PER_WAN_MU
        needed = totals[f"{crop}_area_needed_mu"].to_numpy(dtype=float) / MU_PER_WAN_MU
        ax.barh(y - 0.2, planned, 0.4, label=text("report.planned", lang), color=_BAR_COLOURS[0])
        ax.barh(y + 0.2, needed, 0.4, label=text("report.needed", lang), color=_BAR_COLOURS[1])
        ax.set_yticks(y, labels, fontsize=9)
        ax.invert_yaxis()
        ax.set_title(
            text(
                "report.forage_panel",
                lang,
                crop=text(f"report.{crop}", lang),
                year=int(totals["year"].max()),
            ),
            fontsize=11,
        )
        ax.grid(axis="x", alpha=0.3)
    axes[0].legend(fontsize=9, loc="lower right")


def draw_water(ax: Axes, inputs: PacketInputs, place: Place, lang: str) -> None:
    """Bars of water use by year with the cap as a line."""
    totals = place_totals(inputs, place)
    years = totals["year"].astype(int).astype(str)
    use = totals["water_use_m3_per_yr"].to_numpy(dtype=float)
    cap = totals["water_cap_m3_per_yr"].to_numpy(dtype=float)
    colours = ["#d73027" if u > c else "#4575b4" for u, c in zip(use, cap, strict=True)]
    ax.bar(years, use, color=colours, label=text("report.water_use", lang))
    ax.plot(
        years,
        cap,
        color="black",
        linewidth=2,
        marker="_",
        markersize=30,
        linestyle="--",
        label=text("report.water_cap", lang),
    )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylabel(text("report.m3", lang), fontsize=10)
    ax.set_title(text("report.water_title", lang), fontsize=12)
    ax.set_ylim(0, 1.25 * max(float(np.nanmax(use)), float(np.nanmax(cap, initial=0))))
    ax.legend(fontsize=9, loc="upper left", ncols=2)


def draw_load(ax: Axes, inputs: PacketInputs, place: Place, lang: str) -> None:
    """Manure load index (N and P) by year with the warning (0.7) and overload (1.0) lines."""
    checks = inputs.result.checks
    rows = checks[checks["adcode"] == place.adcode]
    for check, label, colour in (
        ("manure_load_index_n", "load_n", "#4575b4"),
        ("manure_load_index_p", "load_p", "#d73027"),
    ):
        series = rows[rows["check"] == check].sort_values("year")
        if series.empty:
            continue
        ax.plot(
            series["year"].astype(int).astype(str),
            series["value"].astype(float),
            marker="o",
            color=colour,
            label=text(f"report.{label}", lang),
            linewidth=2,
        )
        warn = float(series["warning_limit"].iloc[0])
        limit = float(series["limit"].iloc[0])
    if not rows[rows["check"].str.startswith("manure_load_index")].empty:
        ax.axhline(
            warn,
            color="#f39c12",
            linestyle=":",
            label=text("report.load_warn", lang, value=f"{warn:g}"),
        )
        ax.axhline(
            limit,
            color="black",
            linestyle="--",
            label=text("report.load_limit", lang, value=f"{limit:g}"),
        )
    loads = rows.loc[rows["check"].str.startswith("manure_load_index"), "value"].astype(float)
    ax.set_ylim(0, max(1.2, 1.1 * float(loads.max())) if not loads.empty else 1.2)
    ax.set_title(text("report.load_title", lang), fontsize=12)
    ax.legend(fontsize=9)
    ax.grid(axis="y", alpha=0.3)
