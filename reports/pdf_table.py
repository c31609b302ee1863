"""Paginated tables drawn with matplotlib text: wrapped cells, rows never clipped."""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from matplotlib.patches import Rectangle

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Average glyph width of a Latin character as a share of the font size (points).
_LATIN_EM: Final[float] = 0.55
_LINE_SPACING: Final[float] = 1.35
_POINTS_PER_INCH: Final[float] = 72.0


@dataclass(frozen=True)
class Column:
    """A table column: header, share of the table width, alignment."""

    header: str
    width_frac: float
    align: str = "left"


@dataclass(frozen=True)
class TableStyle:
    """Geometry of a table on a page (figure fractions, inches, points)."""

    left: float = 0.07
    width: float = 0.86
    fontsize: float = 9.0
    page_width_in: float = 8.27
    page_height_in: float = 11.69


def _char_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` to ``width`` Latin-character widths (a CJK character counts two)."""
    if "\n" in text:
        return [line for part in text.split("\n") for line in wrap(part, width)]
    if not text:
        return [""]
    if all(_char_width(c) == 1 for c in text):
        return textwrap.wrap(
            text, width=max(width, 4), break_long_words=True, break_on_hyphens=False
        ) or [""]
    lines, line, used = [], "", 0
    for char in text:
        w = _char_width(char)
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line += char
        used += w
    return [*lines, line]


def wrapped_rows(
    columns: list[Column], rows: list[list[str]], style: TableStyle
) -> list[list[list[str]]]:
    """Return every cell of ``rows`` as its wrapped lines."""
    table_pt = style.width * style.page_width_in * _POINTS_PER_INCH
    widths = [
        max(4, int(c.width_frac * table_pt / (_LATIN_EM * style.fontsize)) - 1) for c in columns
    ]
    return [[wrap(cell, w) for cell, w in zip(row, widths, strict=True)] for row in rows]


def line_height(style: TableStyle) -> float:
    """Return the height of one text line as a figure fraction."""
    return style.fontsize * _LINE_SPACING / _POINTS_PER_INCH / style.page_height_in


def paginate(
    cells: list[list[list[str]]], first_height: float, height: float, style: TableStyle
) -> list[list[int]]:
    """Split row indices into pages: ``first_height`` free on the first, ``height`` after."""
    pages: list[list[int]] = [[]]
    free = first_height - 3.4 * line_height(style)
    for k, row in enumerate(cells):
        need = (max(len(c) for c in row) + 0.4) * line_height(style)
        if need > free and pages[-1]:
            pages.append([])
            free = height - 3.4 * line_height(style)
        pages[-1].append(k)
        free -= need
    return pages


def draw(
    fig: Figure,
    top: float,
    columns: list[Column],
    cells: list[list[list[str]]],
    fills: list[str | None],
    style: TableStyle,
) -> float:
    """Draw the header and ``cells`` from ``top`` down; return the bottom (figure fraction)."""
    lh = line_height(style)
    xs = [style.left]
    for c in columns:
        xs.append(xs[-1] + c.width_frac * style.width)
    header = wrapped_rows(columns, [[c.header for c in columns]], style)[0]
    y = _row(
        fig,
        top,
        xs,
        columns,
        header,
        (max(len(h) for h in header) + 0.4) * lh,
        "#d9d9d9",
        style,
        bold=True,
    )
    for row, fill in zip(cells, fills, strict=True):
        y = _row(fig, y, xs, columns, row, (max(len(c) for c in row) + 0.4) * lh, fill, style)
    return y


def _row(
    fig: Figure,
    top: float,
    xs: list[float],
    columns: list[Column],
    row: list[list[str]],
    height: float,
    fill: str | None,
    style: TableStyle,
    *,
    bold: bool = False,
) -> float:
    bottom = top - height
    fig.add_artist(
        Rectangle(
            (xs[0], bottom),
            xs[-1] - xs[0],
            height,
            transform=fig.transFigure,
            facecolor=fill or "white",
            edgecolor="#9a9a9a",
            linewidth=0.5,
        )
    )
    pad = 0.004
    for k, (column, lines) in enumerate(zip(columns, row, strict=True)):
        x = xs[k + 1] - pad if column.align == "right" else xs[k] + pad
        fig.text(
            x,
            top - 0.2 * line_height(style),
            "\n".join(lines),
            ha=column.align,
            va="top",
            fontsize=style.fontsize,
            weight="bold" if bold else "normal",
            linespacing=_LINE_SPACING,
        )
    return bottom
