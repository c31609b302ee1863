"""The packet as an A4 PDF (matplotlib ``PdfPages``): cover, map, checks, charts, sites,
parameters. Page builders are collected first so that every page shows "page n of N"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from locales import text
from reports import pdf_table
from reports.cells import (
    STATUS_COLOURS,
    check_cells,
    check_note,
    coefficient_unit,
    data_status,
    number,
)
from reports.content import place_checks, status_counts
from reports.figures import draw_forage_counties, draw_forage_place, draw_load, draw_map, draw_water

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    from matplotlib.patches import FancyBboxPatch

    from reports.content import PacketInputs, Place

A4_IN: Final[tuple[float, float]] = (8.27, 11.69)
_TABLE_TOP: Final[float] = 0.90
_TABLE_BOTTOM: Final[float] = 0.06
_STYLE: Final[pdf_table.TableStyle] = pdf_table.TableStyle()


@dataclass(frozen=True)
class PacketView:
    """What the PDF pages draw from: inputs, place, language and the tables."""

    inputs: PacketInputs
    place: Place
    lang: str
    sites: pd.DataFrame
    parameters: pd.DataFrame
    notes: tuple[str, ...]


Page = tuple[str, Callable[[Figure], None]]


def write_pdf(view: PacketView, path: Path) -> tuple[str, ...]:
    """Write the PDF to ``path``; return the titles of its pages in order."""
    pages = _pages(view)
    metadata = {
        "Title": f"{_title(view)} — {view.place.name(view.lang)}",
        "Subject": view.inputs.scenario,
        "Creator": "forage-siting reports",
    }
    with PdfPages(path, metadata=metadata) as pdf:
        for n, (title, build) in enumerate(pages, start=1):
            fig = Figure(figsize=A4_IN)
            _frame(fig, view, title, n, len(pages))
            build(fig)
            pdf.savefig(fig)
    return tuple(title for title, _ in pages)


def _title(view: PacketView) -> str:
    return text("report.title_city" if view.place.is_city else "report.title_county", view.lang)


def _pages(view: PacketView) -> list[Page]:
    lang = view.lang
    pages: list[Page] = [
        (_title(view), lambda f: _cover(f, view)),
        (text("report.map", lang), lambda f: _map(f, view)),
    ]
    pages += _table_pages(text("report.checks", lang), lang, *_check_table(view))
    pages.append((text("report.charts_forage", lang), lambda f: _forage(f, view)))
    pages.append((text("report.charts_load", lang), lambda f: _water_load(f, view)))
    pages += _table_pages(text("report.sites", lang), lang, *_site_table(view))
    pages += _table_pages(text("report.parameters", lang), lang, *_parameter_table(view))
    return pages


def _frame(fig: Figure, view: PacketView, title: str, n: int, total: int) -> None:
    lang = view.lang
    if n > 1:
        fig.text(0.07, 0.955, title, fontsize=15, weight="bold", va="top")
        fig.text(
            0.93,
            0.955,
            f"{view.place.name(lang)}\n{view.inputs.scenario}",
            fontsize=9,
            ha="right",
            va="top",
            color="#404040",
        )
    footer = f"{_title(view)} · {view.place.name(lang)} · {view.inputs.report_date.isoformat()}"
    fig.text(0.07, 0.03, footer, fontsize=8, color="#606060")
    fig.text(
        0.93,
        0.03,
        text("report.page", lang).format(n=n, total=total),
        fontsize=8,
        ha="right",
        color="#606060",
    )


def _cover(fig: Figure, view: PacketView) -> None:
    lang, inputs = view.lang, view.inputs
    fig.text(0.5, 0.80, _title(view), fontsize=28, weight="bold", ha="center")
    fig.text(0.5, 0.75, text("report.subtitle", lang), fontsize=13, ha="center", color="#404040")
    fig.text(0.5, 0.66, view.place.name(lang), fontsize=24, ha="center")
    region_name = inputs.region_name_zh if lang == "zh" else inputs.region_name_en
    facts = [
        (text("report.region", lang), region_name),
        (text("report.scenario", lang), inputs.scenario),
        (text("report.years", lang), ", ".join(str(y) for y in inputs.result.years)),
        (text("report.supply", lang), inputs.result.supply_from),
        (text("report.date", lang), inputs.report_date.isoformat()),
    ]
    for k, (label, value) in enumerate(facts):
        y = 0.56 - 0.035 * k
        fig.text(0.30, y, f"{label}：" if lang == "zh" else f"{label}:", fontsize=12, ha="right")
        fig.text(0.32, y, str(value), fontsize=12)
    counts = status_counts(place_checks(inputs, view.place))
    fig.text(0.07, 0.34, text("report.summary", lang), fontsize=13, weight="bold")
    for k, (status, count) in enumerate(counts.items()):
        x = 0.07 + 0.29 * k
        fig.patches.append(_box(fig, x, 0.26, STATUS_COLOURS[status]))
        fig.text(x + 0.135, 0.295, str(count), fontsize=22, ha="center", weight="bold")
        fig.text(x + 0.135, 0.268, text(f"report.{status}", lang), fontsize=11, ha="center")
    fig.text(0.07, 0.22, text("report.notes", lang), fontsize=12, weight="bold")
    lines = [line for note in view.notes for line in pdf_table.wrap(f"• {note}", 100)]
    fig.text(0.07, 0.205, "\n".join(lines), fontsize=9, va="top", linespacing=1.5)


def _box(fig: Figure, x: float, y: float, colour: str) -> FancyBboxPatch:
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch(
        (x, y),
        0.27,
        0.07,
        boxstyle="round,pad=0.005",
        facecolor=colour,
        edgecolor="#9a9a9a",
        transform=fig.transFigure,
        figure=fig,
    )


def site_numbers(sites: pd.DataFrame) -> dict[str, int]:
    """Return site_id -> number shown on the map and in the sites table (1, 2, ...)."""
    return {site_id: k for k, site_id in enumerate(sites["site_id"], start=1)}


def _map(fig: Figure, view: PacketView) -> None:
    ax = fig.add_axes((0.05, 0.07, 0.90, 0.84))
    draw_map(ax, view.inputs, view.place, view.lang, site_numbers(view.sites))


def _forage(fig: Figure, view: PacketView) -> None:
    if view.place.is_city:
        axes = [fig.add_axes((0.22, 0.66 - 0.29 * k, 0.72, 0.23)) for k in range(3)]
        draw_forage_counties(axes, view.inputs, view.lang)
        return
    draw_forage_place(fig.add_axes((0.12, 0.50, 0.80, 0.38)), view.inputs, view.place, view.lang)


def _water_load(fig: Figure, view: PacketView) -> None:
    draw_water(fig.add_axes((0.17, 0.53, 0.76, 0.35)), view.inputs, view.place, view.lang)
    draw_load(fig.add_axes((0.17, 0.09, 0.76, 0.35)), view.inputs, view.place, view.lang)


TableParts = tuple[list[pdf_table.Column], list[list[str]], list[str | None]]


def _check_table(view: PacketView) -> TableParts:
    lang = view.lang
    checks = place_checks(view.inputs, view.place)
    columns = [
        pdf_table.Column(text("report.year", lang), 0.07),
        pdf_table.Column(text("report.check", lang), 0.24),
        pdf_table.Column(text("report.value", lang), 0.13, "right"),
        pdf_table.Column(text("report.limit", lang), 0.13, "right"),
        pdf_table.Column(text("report.unit", lang), 0.08),
        pdf_table.Column(text("report.status", lang), 0.10),
        pdf_table.Column(text("report.note", lang), 0.25),
    ]
    rows = [
        [*cells, check_note(row, lang)]
        for cells, (_, row) in zip(check_cells(checks, lang), checks.iterrows(), strict=True)
    ]
    fills = [STATUS_COLOURS.get(str(s)) if s != "ok" else None for s in checks["status"]]
    return columns, rows, fills


def _site_table(view: PacketView) -> TableParts:
    lang = view.lang
    columns = [
        pdf_table.Column(text("report.number", lang), 0.05, "right"),
        pdf_table.Column(text("report.name", lang), 0.27),
        pdf_table.Column(text("report.site_status", lang), 0.12),
        pdf_table.Column(text("report.start_year", lang), 0.07, "right"),
        pdf_table.Column(text("report.dairy_cow_head", lang), 0.11, "right"),
        pdf_table.Column(text("report.goat_head", lang), 0.11, "right"),
        pdf_table.Column(text("report.score", lang), 0.13),
        pdf_table.Column(text("report.decision", lang), 0.14),
    ]
    rows = [
        [
            str(k),
            f"{row['name']}\n{row['site_id']}",
            text(f"report.{row['status']}", lang)
            if str(row["status"]) in ("existing", "under_construction", "proposed")
            else str(row["status"]),
            _year(row["start_year"]),
            number(row["dairy_cow_head"], "head"),
            number(row["goat_head"], "head"),
            str(row["score"]),
            " ".join(filter(None, [str(row["decision"]), str(row["reason"] or "")])),
        ]
        for k, (_, row) in enumerate(view.sites.iterrows(), start=1)
    ]
    if not rows:
        rows = [["", text("report.no_sites", lang), "", "", "", "", "", ""]]
    return columns, rows, [None] * len(rows)


def _year(value: object) -> str:
    try:
        # a table cell of any type: what float() refuses is handled below
        return str(int(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"


def _parameter_table(view: PacketView) -> TableParts:
    lang = view.lang
    params = view.parameters
    columns = [
        pdf_table.Column(text("report.key", lang), 0.30),
        pdf_table.Column(text("report.value", lang), 0.08, "right"),
        pdf_table.Column(text("report.unit", lang), 0.15),
        pdf_table.Column(text("report.status", lang), 0.12),
        pdf_table.Column(text("report.source", lang), 0.35),
    ]
    rows = [
        [
            str(r["key"]),
            number(r["value"], str(r["unit"])),
            coefficient_unit(str(r["unit"]), lang),
            data_status(str(r["status"]), lang),
            str(r["source"]),
        ]
        for _, r in params.iterrows()
    ]
    fills = ["#fff6d5" if s == "illustrative" else None for s in params["status"]]
    return columns, rows, fills


def _table_pages(
    title: str,
    lang: str,
    columns: list[pdf_table.Column],
    rows: list[list[str]],
    fills: list[str | None],
) -> list[Page]:
    cells = pdf_table.wrapped_rows(columns, rows, _STYLE)
    height = _TABLE_TOP - _TABLE_BOTTOM
    chunks = pdf_table.paginate(cells, height, height, _STYLE)
    pages: list[Page] = []
    for k, chunk in enumerate(chunks):
        shown = title if k == 0 else title + text("report.continued", lang)

        def build(fig: Figure, chunk: list[int] = chunk) -> None:
            pdf_table.draw(
                fig,
                _TABLE_TOP,
                columns,
                [cells[i] for i in chunk],
                [fills[i] for i in chunk],
                _STYLE,
            )

        pages.append((shown, build))
    return pages
