"""Map legends and notes as small HTML blocks with inline CSS (no JS libraries needed).

The same HTML is placed on the map by `ui.map.add_html_control` and can be shown by
Streamlit with ``st.html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ui.colorscale import ColorScale, label_decimals

_BOX = (
    "background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;"
    "box-shadow:0 1px 4px rgba(0,0,0,0.3);font:12px/1.4 sans-serif;color:#222;"
)
_SWATCH = (
    "display:inline-block;width:14px;height:14px;margin-right:6px;box-sizing:border-box;"
    "vertical-align:middle;border:{border};background:{color};opacity:{opacity};"
)
#: Border of a plain swatch; a framed swatch (an outline style) gets a thick one.
_PLAIN_BORDER = "1px solid #888"
_FRAME_BORDER = "3px solid {color}"
_NOTE = (
    "background:#fff3cd;border:1px solid #d39e00;color:#5c4400;padding:4px 8px;"
    "border-radius:4px;font:12px/1.4 sans-serif;max-width:260px;"
)


def legend_html(
    title: str,
    entries: Sequence[tuple[str, str] | tuple[str, str, str]],
    *,
    note: str | None = None,
    opacity: float = 1.0,
) -> str:
    """Return a legend box: a title and one ``(colour, label)`` swatch per row.

    A row ``(colour, label, frame colour)`` draws the swatch with a thick frame (for an
    outline style such as the red frame of a site that fails a gate). ``opacity`` should
    match the fill opacity of the mapped layer so the colours agree.
    """
    rows = "".join(
        f'<div><span style="{_swatch(entry, opacity)}"></span>{escape(entry[1])}</div>'
        for entry in entries
    )
    note_html = f'<div style="margin-top:4px;color:#555;">{escape(note)}</div>' if note else ""
    return (
        f'<div class="planner-legend" style="{_BOX}">'
        f'<div style="font-weight:bold;margin-bottom:4px;">{escape(title)}</div>'
        f"{rows}{note_html}</div>"
    )


def _swatch(entry: tuple[str, ...], opacity: float) -> str:
    border = _FRAME_BORDER.format(color=escape(entry[2])) if len(entry) > 2 else _PLAIN_BORDER
    return _SWATCH.format(color=escape(entry[0]), opacity=f"{opacity:g}", border=border)


def scale_entries(scale: ColorScale, *, no_data_label: str) -> list[tuple[str, str]]:
    """Return legend rows for a classed scale: one per class, then the no-data colour."""
    decimals = label_decimals(scale)
    rows = [
        (color, f"{lower:,.{decimals}f} – {upper:,.{decimals}f}")
        for lower, upper, color in scale.class_ranges()
    ]
    rows.append((scale.no_data_color, no_data_label))
    return rows


def note_html(text: str) -> str:
    """Return a highlighted one-line note (used for the illustrative-data warning)."""
    return f'<div class="planner-note" style="{_NOTE}">⚠ {escape(text)}</div>'
