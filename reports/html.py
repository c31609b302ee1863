"""The packet as one self-contained HTML page: inline CSS, figures as base64 PNG.

Nothing is fetched: no scripts, style sheets, fonts or images from elsewhere. Sources that
are web pages are printed as text (not links), so the page reads the same offline.
"""

from __future__ import annotations

import base64
import io
from html import escape
from typing import TYPE_CHECKING, Final

from locales import text
from reports.cells import (
    STATUS_COLOURS,
    check_cells,
    check_note,
    coefficient_unit,
    data_status,
    number,
)
from reports.content import place_checks, status_counts

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.figure import Figure

    from reports.pdf import PacketView

_CSS: Final[str] = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;
margin:2em auto;max-width:60em;color:#222;line-height:1.45}
h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:2px solid #999;margin-top:2em}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:.5em 0}
th,td{border:1px solid #aaa;padding:.25em .45em;vertical-align:top}th{background:#e3e3e3}
td.num{text-align:right;white-space:nowrap}.facts td{border:none}
.ok{background:#d9f0d3}.warning{background:#fee8a6}.exceeded{background:#f4b6b0}
.illustrative{background:#fff6d5}img{max-width:100%}
.counts span{display:inline-block;padding:.4em 1em;margin-right:.6em;border-radius:4px}
@media print{h2{page-break-before:always}}
"""


def figure_png(fig: Figure) -> str:
    """Return ``fig`` as a ``data:image/png;base64`` URI."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def write_html(view: PacketView, figures: dict[str, str], path: Path) -> None:
    """Write the page; ``figures`` maps map|forage|water_load to data URIs."""
    lang = view.lang
    title = text("report.title_city" if view.place.is_city else "report.title_county", lang)
    parts = [
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>"
        f"<meta charset='utf-8'><title>{escape(title)} — {escape(view.place.name(lang))}"
        f"</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}: {escape(view.place.name(lang))}</h1>",
        f"<p>{escape(text('report.subtitle', lang))}</p>",
        _facts(view),
        _summary(view),
        f"<h2>{escape(text('report.map', lang))}</h2><img alt='map' src='{figures['map']}'>",
        f"<h2>{escape(text('report.checks', lang))}</h2>",
        _checks(view),
        f"<h2>{escape(text('report.charts_forage', lang))}</h2>"
        f"<img alt='forage' src='{figures['forage']}'>",
        f"<h2>{escape(text('report.charts_load', lang))}</h2>"
        f"<img alt='water and load' src='{figures['water_load']}'>",
        f"<h2>{escape(text('report.sites', lang))}</h2>",
        _sites(view),
        f"<h2>{escape(text('report.parameters', lang))}</h2>",
        _parameters(view),
        "</body></html>",
    ]
    path.write_text("\n".join(parts), encoding="utf-8")


def _facts(view: PacketView) -> str:
    lang, inputs = view.lang, view.inputs
    region_name = inputs.region_name_zh if lang == "zh" else inputs.region_name_en
    rows = [
        (text("report.region", lang), region_name),
        (text("report.scenario", lang), inputs.scenario),
        (text("report.years", lang), ", ".join(str(y) for y in inputs.result.years)),
        (text("report.supply", lang), inputs.result.supply_from),
        (text("report.date", lang), inputs.report_date.isoformat()),
    ]
    body = "".join(
        f"<tr><td><b>{escape(k)}</b></td><td>{escape(str(v))}</td></tr>" for k, v in rows
    )
    return f"<table class='facts'>{body}</table>"


def _summary(view: PacketView) -> str:
    lang = view.lang
    counts = status_counts(place_checks(view.inputs, view.place))
    spans = "".join(
        f"<span class='{s}'><b>{n}</b> {escape(text('report.' + s, lang))}</span>"
        for s, n in counts.items()
    )
    notes = "".join(f"<li>{escape(note)}</li>" for note in view.notes)
    return (
        f"<h3>{escape(text('report.summary', lang))}</h3><p class='counts'>{spans}</p>"
        f"<h3>{escape(text('report.notes', lang))}</h3><ul>{notes}</ul>"
    )


def _table(headers: list[str], rows: list[list[str]], classes: list[str], numeric: set[int]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        f"<tr class='{cls}'>"
        + "".join(
            f"<td class='num'>{escape(c)}</td>" if k in numeric else f"<td>{escape(c)}</td>"
            for k, c in enumerate(row)
        )
        + "</tr>"
        for row, cls in zip(rows, classes, strict=True)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _checks(view: PacketView) -> str:
    lang = view.lang
    checks = place_checks(view.inputs, view.place)
    rows = [
        [*cells, check_note(row, lang)]
        for cells, (_, row) in zip(check_cells(checks, lang), checks.iterrows(), strict=True)
    ]
    headers = [
        text(f"report.{k}", lang)
        for k in ("year", "check", "value", "limit", "unit", "status", "note")
    ]
    classes = [s if s in STATUS_COLOURS and s != "ok" else "" for s in checks["status"]]
    return _table(headers, rows, classes, {2, 3})


def _sites(view: PacketView) -> str:
    lang = view.lang
    if view.sites.empty:
        return f"<p>{escape(text('report.no_sites', lang))}</p>"
    headers = [
        text(f"report.{k}", lang)
        for k in (
            "number",
            "site_id",
            "name",
            "site_status",
            "start_year",
            "dairy_cow_head",
            "goat_head",
            "score",
            "decision",
        )
    ]
    rows = [
        [
            str(k),
            str(r["site_id"]),
            str(r["name"]),
            text(f"report.{r['status']}", lang)
            if str(r["status"]) in ("existing", "under_construction", "proposed")
            else str(r["status"]),
            str(r["start_year"]).removesuffix(".0"),
            number(r["dairy_cow_head"], "head"),
            number(r["goat_head"], "head"),
            str(r["score"]),
            " ".join(filter(None, [str(r["decision"]), str(r["reason"] or "")])),
        ]
        for k, (_, r) in enumerate(view.sites.iterrows(), start=1)
    ]
    return _table(headers, rows, [""] * len(rows), {0, 4, 5, 6})


def _parameters(view: PacketView) -> str:
    lang = view.lang
    params = view.parameters
    headers = [
        text(f"report.{k}", lang) for k in ("key", "value", "unit", "status", "source", "note")
    ]
    rows = [
        [
            str(r["key"]),
            number(r["value"], str(r["unit"])),
            coefficient_unit(str(r["unit"]), lang),
            data_status(str(r["status"]), lang),
            str(r["source"]),
            str(r["note"] or ""),
        ]
        for _, r in params.iterrows()
    ]
    classes = ["illustrative" if s == "illustrative" else "" for s in params["status"]]
    return _table(headers, rows, classes, {1})
