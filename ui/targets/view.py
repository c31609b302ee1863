"""Display preparation of the forage-target page: joined county frame, tables, choropleth.

Display only: the numbers are the loaded targets (万亩, 亩, ha as loaded), formatted with
their units; nothing is computed here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ui.colorscale import ColorScale, sequential_scale
from ui.labels import t, t_or
from ui.legend import legend_html, scale_entries
from ui.map import MapLayer, MapView, PolygonStyle, build_map

if TYPE_CHECKING:
    import folium

    import geopandas as gpd

CROPS: tuple[str, ...] = ("silage_corn", "oat_hay", "alfalfa")
NO_VALUE = "—"
FILL_COLUMN = "fill_color"
CHOROPLETH = PolygonStyle(
    color="#444444", weight=1.0, fill_opacity=0.85, fill_color_column=FILL_COLUMN
)


def available_years(targets: pd.DataFrame, crop: str | None = None) -> list[int]:
    """Return the sorted years with targets (for ``crop`` if given)."""
    rows = targets if crop is None else targets[targets["crop"] == crop]
    return sorted(int(y) for y in rows["year"].unique())


def available_crops(targets: pd.DataFrame) -> list[str]:
    """Return the crops present in ``targets``, known crops first in a fixed order."""
    present = set(targets["crop"].unique())
    return [c for c in CROPS if c in present] + sorted(present - set(CROPS))


def crop_label(crop: str, lang: str) -> str:
    """Return the display name of ``crop``."""
    return t_or(f"crop.{crop}", lang, crop)


def fmt_wan_mu(value: float) -> str:
    """Format an area in 万亩 (two decimals: targets go down to 0.07 万亩)."""
    return NO_VALUE if _missing(value) else f"{value:,.2f}"


def fmt_ha(value: float) -> str:
    """Format an area in hectares (whole hectares)."""
    return NO_VALUE if _missing(value) else f"{value:,.0f}"


def fmt_target_value(value: float, unit: str) -> str:
    """Format a plan target: fractions (0-1) as percent, others with thousands separators."""
    if _missing(value):
        return NO_VALUE
    return f"{value:.0%}" if unit == "frac" else f"{value:,.10g}"


def county_targets(
    counties: gpd.GeoDataFrame,
    targets: pd.DataFrame,
    *,
    crop: str,
    year: int,
    lang: str,
) -> gpd.GeoDataFrame:
    """Return every county with its ``crop`` × ``year`` target (NaN where there is none).

    Columns: adcode, name, label (short name for map labels), target_wan_mu, target_ha,
    source, status, the formatted ``*_txt`` columns for tooltips, and geometry (CRS of
    ``counties``).
    """
    chosen = targets[(targets["crop"] == crop) & (targets["year"] == year)]
    cols = ["adcode", "target_wan_mu", "target_ha", "source", "status"]
    name_col, label_col = ("name_en", "name_en") if lang == "en" else ("name_zh", "name_short_zh")
    frame = (
        counties[["adcode", counties.geometry.name]]
        .assign(name=counties[name_col], label=counties[label_col])
        .merge(chosen[cols], on="adcode", how="left")
    )
    frame["target_wan_mu_txt"] = frame["target_wan_mu"].map(fmt_wan_mu)
    frame["target_ha_txt"] = frame["target_ha"].map(fmt_ha)
    frame["source"] = frame["source"].fillna(NO_VALUE)
    frame["status"] = frame["status"].fillna("")
    return frame


def totals(frame: pd.DataFrame) -> tuple[float, float]:
    """Return the city totals (万亩, ha) of the county targets in ``frame`` (NaN if none)."""
    return (
        float(frame["target_wan_mu"].sum(min_count=1)),
        float(frame["target_ha"].sum(min_count=1)),
    )


def targets_table(frame: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    """Return the per-county table (labelled columns, units in the labels), largest first.

    Areas are formatted text like the tooltips ("—" where a county has no target: no target
    is not a target of 0).
    """
    rows = frame.sort_values("target_wan_mu", ascending=False, na_position="last")
    return pd.DataFrame(
        {
            t("col.county", lang): rows["name"],
            t("col.target_wan_mu", lang): rows["target_wan_mu_txt"],
            t("col.target_ha", lang): rows["target_ha_txt"],
            t("col.source", lang): rows["source"],
            t("col.status", lang): rows["status"].map(lambda s: t_or(f"status.{s}", lang, s)),
        }
    ).reset_index(drop=True)


def city_target_table(plan: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the city-level plan targets with labelled columns."""
    return pd.DataFrame(
        {
            t("col.item", lang): plan["key"].map(lambda k: t_or(f"target.{k}", lang, str(k))),
            t("col.year", lang): plan["year"],
            t("col.value", lang): [
                fmt_target_value(v, u) for v, u in zip(plan["value"], plan["unit"], strict=True)
            ],
            t("col.unit", lang): plan["unit"].map(lambda u: t_or(f"unit.{u}", lang, str(u))),
            t("col.source", lang): plan["source"],
            t("col.status", lang): plan["status"].map(lambda s: t_or(f"status.{s}", lang, s)),
            t("col.note", lang): plan["note"].fillna(""),
        }
    )


def targets_map(
    frame: gpd.GeoDataFrame,
    *,
    crop: str,
    year: int,
    analysis_crs: str,
    view: MapView,
    illustrative: bool,
) -> folium.Map:
    """Return the choropleth of ``frame`` (from `county_targets`) with its HTML legend."""
    lang = view.lang
    scale = target_scale(frame)
    shown = frame.assign(**{FILL_COLUMN: frame["target_wan_mu"].map(scale.color_for)})
    aliases = (
        t("col.county", lang),
        t("col.target_wan_mu", lang),
        t("col.target_ha", lang),
        t("col.source", lang),
    )
    layer = MapLayer(
        frame=shown,
        name=t("targets.map_layer", lang).format(crop=crop_label(crop, lang), year=year),
        analysis_crs=analysis_crs,
        style=CHOROPLETH,
        tooltip_fields=("name", "target_wan_mu_txt", "target_ha_txt", "source"),
        tooltip_aliases=aliases,
        coverage=True,
        label_field="label",
        illustrative=illustrative or bool((frame["status"] == "illustrative").any()),
    )
    title = t("targets.legend_title", lang).format(crop=crop_label(crop, lang))
    legend = legend_html(
        title,
        scale_entries(scale, no_data_label=t("legend.no_target", lang)),
        opacity=CHOROPLETH.fill_opacity,
    )
    return build_map([layer], view=view, legends=[legend])


def target_scale(frame: pd.DataFrame) -> ColorScale:
    """Return the colour scale of the targets in ``frame`` (万亩)."""
    return sequential_scale(frame["target_wan_mu"].dropna().tolist())


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def group_table(groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the county-group targets with labelled columns (one row per group and key)."""
    name = groups["name_en"] if lang == "en" else groups["name_zh"]
    return pd.DataFrame(
        {
            t("col.group", lang): name,
            t("col.group_counties", lang): groups["counties_zh"],
            t("col.item", lang): groups["key"].map(
                lambda k: t_or(f"target.{k}", lang, str(k)) if k else NO_VALUE
            ),
            t("col.year", lang): groups["year"].map(lambda y: NO_VALUE if _missing(y) else int(y)),
            t("col.value", lang): [
                fmt_target_value(v, u) for v, u in zip(groups["value"], groups["unit"], strict=True)
            ],
            t("col.unit", lang): groups["unit"].map(lambda u: t_or(f"unit.{u}", lang, str(u))),
            t("col.limit_type", lang): groups["limit_type"].map(
                lambda x: t(f"targets.limit_{x}", lang) if x else NO_VALUE
            ),
            t("col.checked", lang): groups["checked"].map(
                lambda c: t("targets.checked_yes" if c else "targets.checked_no", lang)
            ),
            t("col.source", lang): groups["source"],
            t("col.note", lang): groups["note"],
        }
    )


def group_sums_table(sums: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the groups' summed targets next to the region's, with the difference."""
    return pd.DataFrame(
        {
            t("col.item", lang): sums["key"].map(lambda k: t_or(f"target.{k}", lang, str(k))),
            t("col.year", lang): sums["year"],
            t("col.groups_total", lang): sums["groups_total"].map(lambda v: f"{v:,.10g}"),
            t("col.region_target", lang): sums["region_target"].map(
                lambda v: NO_VALUE if _missing(v) else f"{v:,.10g}"
            ),
            t("col.difference", lang): sums["difference"].map(
                lambda v: NO_VALUE if _missing(v) else f"{v:,.10g}"
            ),
        }
    )


def size_class_table(classes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the farm counts by herd-size class with labelled columns."""
    name = classes["name_en"] if lang == "en" else classes["name_zh"]
    return pd.DataFrame(
        {
            t("col.size_class", lang): name,
            t("col.min_head", lang): classes["min_head"].map(lambda v: f"{v:,.0f}"),
            t("col.max_head", lang): classes["max_head"].map(
                lambda v: NO_VALUE if math.isinf(v) else f"{v:,.0f}"
            ),
            t("col.year", lang): classes["year"],
            t("col.target_count", lang): classes["target_count"],
            t("col.source", lang): classes["source"],
            t("col.note", lang): classes["note"].fillna(""),
        }
    )


def group_map_frame(
    counties: gpd.GeoDataFrame, groups: pd.DataFrame, lang: str
) -> gpd.GeoDataFrame:
    """Return every county with the name of its group (``group`` empty if in none)."""
    first = groups.drop_duplicates("group_id")
    label = dict(
        zip(first["group_id"], first["name_en" if lang == "en" else "name_zh"], strict=True)
    )
    name_col = "name_en" if lang == "en" else "name_zh"
    frame = counties[["adcode", counties.geometry.name]].assign(name=counties[name_col])
    return frame.assign(group=frame["adcode"].map(_county_group(groups, label)).fillna(""))


def _county_group(groups: pd.DataFrame, label: dict[str, str]) -> dict[str, str]:
    return {
        str(a): label[str(g)] for a, g in zip(groups["adcode"], groups["group_id"], strict=True)
    }
