"""Write a county (or city) packet: HTML page, A4 PDF and XLSX workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from errors import ParameterError
from locales import text
from reports.cells import check_texts, number
from reports.content import (
    PacketInputs,
    ReportFiles,
    parameters_table,
    place_checks,
    place_of,
    sites_table,
)
from reports.figures import draw_forage_counties, draw_forage_place, draw_load, draw_map, draw_water
from reports.fonts import cjk_family, fonts_in_use
from reports.html import figure_png, write_html
from reports.pdf import PacketView, site_numbers, write_pdf
from reports.workbook import write_workbook

if TYPE_CHECKING:
    from reports.content import Place


def write_county_packet(
    inputs: PacketInputs, county: str | None, out_dir: Path, *, lang: str = "zh"
) -> ReportFiles:
    """Write ``report_<adcode>.html|.pdf|.xlsx`` for ``county`` (None: the city).

    Figures and the PDF use Chinese only if a CJK font is installed (`reports.fonts`);
    otherwise they are in English and the cover says so (never empty boxes).

    Raises
    ------
    ParameterError
        If ``county`` is not one of the region's county adcodes.
    """
    _check_county(inputs, county)
    family = cjk_family()
    drawn_lang = lang if family is not None else "en"
    place = place_of(inputs, county)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"report_{place.adcode}"
    with fonts_in_use(family):
        drawn = _view(inputs, place, drawn_lang, font_missing=lang == "zh" and family is None)
        pages = write_pdf(drawn, stem.with_suffix(".pdf"))
        figures = _figures(drawn)
    view = _view(inputs, place, lang, font_missing=False)
    write_html(view, figures, stem.with_suffix(".html"))
    write_workbook(_tables(view), stem.with_suffix(".xlsx"), view.lang)
    return ReportFiles(
        html=stem.with_suffix(".html"),
        pdf=stem.with_suffix(".pdf"),
        xlsx=stem.with_suffix(".xlsx"),
        pdf_pages=pages,
    )


def _check_county(inputs: PacketInputs, county: str | None) -> None:
    known = [str(a) for a in inputs.counties["adcode"]]
    if county is None or county in known:
        return
    listed = ", ".join(f"{a} {n}" for a, n in zip(known, inputs.counties["name_zh"], strict=True))
    msg = f"County {county!r} is not a county of {inputs.region_id}; use one of: {listed}."
    raise ParameterError(
        msg, zh=f"{county!r} 不是 {inputs.region_name_zh} 的旗县区代码；可用：{listed}。"
    )


def _view(inputs: PacketInputs, place: Place, lang: str, *, font_missing: bool) -> PacketView:
    notes = [_status_note(inputs, lang), text("report.note_illustrative", lang)]
    if inputs.scores is None:
        notes.append(text("report.note_scores", lang))
    if inputs.reviews is None:
        notes.append(text("report.note_decisions_demo", lang))
    if font_missing:
        notes.append(text("report.note_font", lang))
    return PacketView(
        inputs=inputs,
        place=place,
        lang=lang,
        sites=sites_table(inputs, place, lang),
        parameters=parameters_table(inputs),
        notes=tuple(notes),
    )


def _status_note(inputs: PacketInputs, lang: str) -> str:
    """Return the note on the check statuses, its band and threshold from the coefficients."""
    values = {c.key: float(c.value) for c in inputs.result.coefficients}
    return text(
        "report.note_status",
        lang,
        band=number(values["warning_band_frac"], "frac"),
        load_warning=f"{values['load_index_warning']:g}",
    )


def _figures(view: PacketView) -> dict[str, str]:
    inputs, place, lang = view.inputs, view.place, view.lang
    fig = Figure(figsize=(8, 8))
    draw_map(fig.add_subplot(), inputs, place, lang, site_numbers(view.sites))
    figures = {"map": figure_png(fig)}
    if place.is_city:
        fig = Figure(figsize=(8, 10), layout="constrained")
        draw_forage_counties(list(fig.subplots(3, 1)), inputs, lang)
    else:
        fig = Figure(figsize=(8, 4.5), layout="constrained")
        draw_forage_place(fig.add_subplot(), inputs, place, lang)
    figures["forage"] = figure_png(fig)
    fig = Figure(figsize=(8, 8), layout="constrained")
    top, bottom = fig.subplots(2, 1)
    draw_water(top, inputs, place, lang)
    draw_load(bottom, inputs, place, lang)
    figures["water_load"] = figure_png(fig)
    return figures


def _tables(view: PacketView) -> dict[str, pd.DataFrame]:
    inputs, place = view.inputs, view.place
    result = inputs.result
    county_totals = (
        result.county_totals
        if place.is_city
        else result.county_totals[result.county_totals["adcode"] == place.adcode]
    )
    reviews = (
        inputs.reviews
        if inputs.reviews is not None
        else pd.DataFrame(columns=["site_id", "decision", "reason", "reviewer", "decided_at"])
    )
    if not place.is_city:
        reviews = reviews[reviews["site_id"].isin(view.sites["site_id"])]
    return {
        "checks": check_texts(place_checks(inputs, place)),
        "county_totals": county_totals,
        "city_totals": result.city_totals,
        "sites": view.sites,
        "reviews": _named_reviews(reviews, view.sites),
        "parameters": view.parameters,
    }


def _named_reviews(reviews: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Return ``reviews`` with each site's ``name`` next to its ``site_id``."""
    names = sites.set_index("site_id")["name"]
    named = reviews.copy()
    named.insert(
        list(named.columns).index("site_id") + 1,
        "name",
        named["site_id"].map(names).astype("string"),
    )
    return named
