"""County manure–land balance: choropleth by warning grade, grade legend, table and CSV.

Pure preparation (no ``st.*``): the numbers come from `ui.data.county_balance_table`
(the same computation as ``python -m siting capacity``); this module only joins them to the
county polygons, picks the N or P basis, formats text and colours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ui.balance.format import basis_name, fmt_index, fmt_int, hectares, status_label, wan_mu
from ui.labels import t
from ui.legend import legend_html, note_html
from ui.map import MapLayer, PolygonStyle, add_html_control, build_map

if TYPE_CHECKING:
    import folium

    import geopandas as gpd

    from siting.parameters import WarningGrade, WarningGrades
    from ui.map import MapView

BASES: tuple[str, ...] = ("N", "P")
FILL_COLUMN = "fill_color"
# Display colours of grades I..VI (ColorBrewer RdYlGn, 6 classes, reversed: green = no
# threat, red = very serious). Not a planning coefficient.
GRADE_COLORS: tuple[str, ...] = ("#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fc8d59", "#d73027")
GRADE_STYLE = PolygonStyle(
    color="#444444", weight=1.0, fill_opacity=0.8, fill_color_column=FILL_COLUMN
)
TOOLTIP_FIELDS = (
    "name",
    "capacity_pe_txt",
    "capacity_cows_txt",
    "present_pe_txt",
    "load_index_txt",
    "grade_txt",
)
LEGEND_MAX_WIDTH_PX = 260


def grade_color(position: int, n_grades: int) -> str:
    """Return the colour of the grade at ``position`` (0 = lowest) among ``n_grades``."""
    last = len(GRADE_COLORS) - 1
    return GRADE_COLORS[round(position * last / max(n_grades - 1, 1))]


def grade_text(grade: WarningGrade, lang: str) -> str:
    """Return "II 稍有威胁" / "II slight threat"."""
    return f"{grade.grade} {grade.label_en if lang == 'en' else grade.label_zh}"


def county_frame(
    counties: gpd.GeoDataFrame,
    balance: pd.DataFrame,
    *,
    basis: str,
    grades: WarningGrades,
    lang: str,
) -> gpd.GeoDataFrame:
    """Return every county with the balance on ``basis`` ("N" or "P") and display columns.

    Columns: adcode, name, label (short name), the ``*_txt`` tooltip texts, the fill colour
    of the grade, and geometry (CRS of ``counties``). Numbers are not recomputed.
    """
    x = basis.lower()
    by_grade = {g.grade: (i, g) for i, g in enumerate(grades.grades)}
    name_col, label_col = ("name_en", "name_en") if lang == "en" else ("name_zh", "name_short_zh")
    rows = (
        counties[["adcode", counties.geometry.name]]
        .assign(name=counties[name_col], label=counties[label_col])
        .merge(
            balance.drop(columns=["name_zh", "name_en", "name_short_zh"], errors="ignore"),
            on="adcode",
            how="left",
        )
    )
    grade_info = rows[f"grade_{x}"].map(by_grade)
    return rows.assign(
        capacity_pe_txt=rows[f"capacity_pe_{x}"].map(fmt_int),
        capacity_cows_txt=rows[f"capacity_dairy_cows_{x}"].map(fmt_int),
        present_pe_txt=rows["present_pe"].map(fmt_int),
        load_index_txt=rows[f"load_index_{x}"].map(fmt_index),
        grade_txt=grade_info.map(lambda info: grade_text(info[1], lang)),
        **{FILL_COLUMN: grade_info.map(lambda info: grade_color(info[0], len(grades.grades)))},
    )


def grade_legend_html(grades: WarningGrades, *, basis: str, lang: str) -> str:
    """Return the legend: one swatch per grade with its load-index band, then status/source."""
    entries = []
    for i, grade in enumerate(grades.grades):
        band = t("balance.band", lang).format(lower=f"{grade.lower:g}", upper=f"{grade.upper:g}")
        if grade.upper == float("inf"):
            band = t("balance.band_open", lang).format(lower=f"{grade.lower:g}")
        label = t("balance.legend_entry", lang).format(grade=grade_text(grade, lang), band=band)
        entries.append((grade_color(i, len(grades.grades)), label))
    title = t("balance.legend_title", lang).format(basis=basis_name(basis, lang))
    note = provenance_text(grades, lang)
    return (
        f'<div style="max-width:{LEGEND_MAX_WIDTH_PX}px;overflow-wrap:anywhere">'
        f"{legend_html(title, entries, note=note)}</div>"
    )


def provenance_text(grades: WarningGrades, lang: str) -> str:
    """Return "阈值状态：待核实；来源：…" with each distinct status and source once."""
    statuses = dict.fromkeys(status_label(g.status, lang) for g in grades.grades)
    sources = dict.fromkeys(g.source for g in grades.grades)
    sep = "；" if lang == "zh" else "; "
    return t("balance.legend_source", lang).format(
        status="、".join(statuses), source=sep.join(sources)
    )


def balance_map(
    frame: gpd.GeoDataFrame,
    *,
    basis: str,
    grades: WarningGrades,
    analysis_crs: str,
    view: MapView,
    illustrative_inputs: tuple[str, ...],
) -> folium.Map:
    """Return the county choropleth of ``frame`` (from `county_frame`) with the grade legend.

    ``illustrative_inputs`` names the illustrative inputs (parcels, herd); if any, the
    layer name gets the illustrative suffix and a note on the map names them.
    """
    lang = view.lang
    aliases = tuple(
        t(f"balance.tip.{field}", lang).format(basis=basis_name(basis, lang))
        for field in TOOLTIP_FIELDS
    )
    name = t("balance.map_layer", lang).format(basis=basis_name(basis, lang))
    if illustrative_inputs:
        name += t("map.illustrative_suffix", lang)
    layer = MapLayer(
        frame=frame,
        name=name,
        analysis_crs=analysis_crs,
        style=GRADE_STYLE,
        tooltip_fields=TOOLTIP_FIELDS,
        tooltip_aliases=aliases,
        coverage=True,
        label_field="label",
    )
    m = build_map([layer], view=view, legends=[grade_legend_html(grades, basis=basis, lang=lang)])
    if illustrative_inputs:
        add_html_control(
            m, note_html(illustrative_note(illustrative_inputs, lang)), position="bottomleft"
        )
    return m


def balance_table(balance: pd.DataFrame, grades: WarningGrades, lang: str) -> pd.DataFrame:
    """Return the county table with both bases, formatted as in the tooltips (units in labels).

    Grades and load indices come first, then present load, capacities and manure land.
    """
    by_grade = {g.grade: g for g in grades.grades}
    name = balance["name_en"] if lang == "en" else balance["name_zh"]
    columns: dict[str, pd.Series] = {t("col.county", lang): name}
    for basis in BASES:
        x, nutrient = basis.lower(), basis_name(basis, lang)
        columns |= {
            t("balance.col.grade", lang).format(basis=nutrient): balance[f"grade_{x}"].map(
                lambda g: grade_text(by_grade[g], lang)
            ),
            t("balance.col.load_index", lang).format(basis=nutrient): balance[
                f"load_index_{x}"
            ].map(fmt_index),
        }
    columns[t("balance.col.present_pe", lang)] = balance["present_pe"].map(fmt_int)
    for label, column in (("capacity_pe", "capacity_pe"), ("capacity_cows", "capacity_dairy_cows")):
        for basis in BASES:
            columns[t(f"balance.col.{label}", lang).format(basis=basis_name(basis, lang))] = (
                balance[f"{column}_{basis.lower()}"].map(fmt_int)
            )
    columns |= {
        t("balance.col.manure_area_wan_mu", lang): balance["manure_area_mu"].map(wan_mu),
        t("balance.col.manure_area_ha", lang): balance["manure_area_mu"].map(hectares),
    }
    return pd.DataFrame(columns).reset_index(drop=True)


def balance_csv(balance: pd.DataFrame) -> bytes:
    """Return the county balance as CSV (UTF-8 with BOM for Excel; column names carry units).

    Infinite load indices (livestock but no manure land) are written as ``inf``.
    """
    return balance.to_csv(index=False).encode("utf-8-sig")


def illustrative_note(inputs: tuple[str, ...], lang: str) -> str:
    """Return "示意数据（非真实数据）：消纳地块、分县存栏" for the illustrative ``inputs``."""
    sep = "、" if lang == "zh" else ", "
    return t("map.illustrative_note", lang).format(layers=sep.join(inputs))
