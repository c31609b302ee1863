"""The folium map builder: pure functions (no ``st.*``), display only.

Layers arrive in any CRS; this is the only place that reprojects to ``DISPLAY_CRS``
(EPSG:4326). Geometry is simplified for display only, with a tolerance in metres applied in
the region's analysis CRS before reprojection. Basemaps: none (offline, the default),
OpenStreetMap, or 天地图 vector/imagery with annotation when a key is given. Legends and
notes are HTML controls; no branca ColorMap, no ``folium.Icon`` (both pull CDN assets).

Reusable pieces for later pages: `new_map`, `add_polygons`, `add_points`,
`add_html_control`, `finish_map`, `display_frame`, and `build_map`, which composes them from
`MapLayer` descriptions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

import folium
import folium.plugins
from branca.element import Element, MacroElement
from jinja2 import Template

import shapely

import locales
from errors import MissingCrsError
from geo.crs import DISPLAY_CRS
from ui.assets import use_local_assets
from ui.labels import t
from ui.legend import note_html
from ui.worker import in_worker

if TYPE_CHECKING:
    import geopandas as gpd

BASEMAP_NONE = "none"
BASEMAP_OSM = "osm"
BASEMAP_TIANDITU_VEC = "tianditu_vec"
BASEMAP_TIANDITU_IMG = "tianditu_img"
TIANDITU_BASEMAPS = (BASEMAP_TIANDITU_VEC, BASEMAP_TIANDITU_IMG)
# Display simplification (not a planning coefficient): 100 m is below one screen pixel at
# the city-wide zoom (~470 m/px at zoom 8, 40N) and keeps the county GeoJSON small.
DISPLAY_TOLERANCE_M = 100.0
# Fitting the view: keep features clear of the map edge and controls; do not zoom in beyond
# street level on a single point.
FIT_PADDING_PX = (70, 70)
FIT_MAX_ZOOM = 15
# Coordinates sent to the browser are rounded to 1e-5 degree (about 1 m).
DISPLAY_GRID_DEG = 1e-5
_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTR = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
# 天地图 WMTS in Web Mercator ("_w"); CGCS2000 datum, no GCJ-02 offset.
_TIANDITU_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
    "&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
_TOOLTIP_CSS = "white-space: normal; width: max-content; max-width: 420px;"
# Tooltip headers stay on one line; long values (sources) wrap.
_MAP_CSS = (
    "<style>.foliumtooltip th{white-space:nowrap;vertical-align:top;}"
    ".foliumtooltip td{white-space:normal;}</style>"
)
# inline-block: the box is as wide as the text, so translate(-50%) centres it on the point
# (a block in the 0-wide icon was 0 wide: the text started at the point)
_LABEL_HTML = (
    '<div style="display:inline-block;transform:translate(-50%,-50%);white-space:nowrap;'
    "font:bold 12px sans-serif;color:#222;"
    'text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;">'
    "{text}</div>"
)
_TIANDITU_LAYERS = {BASEMAP_TIANDITU_VEC: ("vec", "cva"), BASEMAP_TIANDITU_IMG: ("img", "cia")}


def available_basemaps(has_tianditu_key: bool) -> tuple[str, ...]:
    """Return the basemap choices to offer (天地图 only with a key)."""
    base = (BASEMAP_NONE, BASEMAP_OSM)
    return (*base, *TIANDITU_BASEMAPS) if has_tianditu_key else base


@dataclass(frozen=True)
class MapView:
    """Initial view and chrome of a map. ``center_lonlat`` is (lon, lat) in degrees."""

    center_lonlat: tuple[float, float]
    zoom: int
    basemap: str = BASEMAP_NONE
    tianditu_key: str | None = None
    lang: str = "zh"
    draw: bool = False


@dataclass(frozen=True)
class PolygonStyle:
    """Leaflet path style; ``fill_color_column`` names a property holding per-feature fills."""

    color: str = "#444444"
    weight: float = 1.0
    fill_color: str = "#3388ff"
    fill_opacity: float = 0.7
    fill_color_column: str | None = None

    def for_feature(self, feature: Mapping[str, Any]) -> dict[str, Any]:
        """Return the Leaflet style of one GeoJSON feature."""
        fill = self.fill_color
        if self.fill_color_column is not None:
            fill = feature["properties"].get(self.fill_color_column) or self.fill_color
        return {
            "color": self.color,
            "weight": self.weight,
            "fillColor": fill,
            "fillOpacity": self.fill_opacity,
        }


DEFAULT_STYLE = PolygonStyle()


@dataclass(frozen=True)
class MapLayer:
    """One layer for `build_map`: its frame, label, tooltip and display settings.

    ``kind`` is "polygon" (polygons and lines) or "point". ``analysis_crs`` is the region's
    projected CRS, in which ``tolerance_m`` is applied; ``coverage`` keeps shared borders
    shared (counties). ``illustrative`` layers are labelled as such on the map. The map is
    fitted to the layers with ``fit`` set. ``label_field`` puts that column as a permanent
    text label inside each feature.
    """

    frame: gpd.GeoDataFrame
    name: str
    analysis_crs: str
    kind: str = "polygon"
    style: PolygonStyle = field(default_factory=PolygonStyle)
    tooltip_fields: tuple[str, ...] = ()
    tooltip_aliases: tuple[str, ...] = ()
    tolerance_m: float = DISPLAY_TOLERANCE_M
    coverage: bool = False
    illustrative: bool = False
    fit: bool = True
    label_field: str | None = None


class HtmlControl(MacroElement):
    """A Leaflet control showing fixed HTML (legend, note) in a corner of the map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create('div', 'planner-html-control');
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html: str, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.html = html
        self.position = position


def display_frame(
    frame: gpd.GeoDataFrame,
    *,
    analysis_crs: str,
    tolerance_m: float = DISPLAY_TOLERANCE_M,
    coverage: bool = False,
    columns: Sequence[str] = (),
) -> gpd.GeoDataFrame:
    """Return ``columns`` + simplified geometry of ``frame`` in ``DISPLAY_CRS`` (display only).

    Simplifies by ``tolerance_m`` metres in ``analysis_crs`` (coverage-aware when
    ``coverage``), reprojects to EPSG:4326 and rounds coordinates to ~1 m. The input is
    not modified.

    Raises
    ------
    MissingCrsError
        If ``frame`` has no CRS.
    """
    if frame.crs is None:
        msg = "A map layer has no CRS; set it before display (e.g. EPSG:4326)."
        raise MissingCrsError(msg, zh="地图图层没有坐标系，无法显示。")
    # on the long-lived thread: its PROJ operations are built once, not once per page run
    return in_worker(_display_frame, frame, analysis_crs, tolerance_m, coverage, tuple(columns))


def _display_frame(
    frame: gpd.GeoDataFrame,
    analysis_crs: str,
    tolerance_m: float,
    coverage: bool,
    columns: tuple[str, ...],
) -> gpd.GeoDataFrame:
    out = frame[[*columns, frame.geometry.name]].to_crs(analysis_crs)
    if tolerance_m > 0:
        geoms = out.geometry
        out = out.set_geometry(
            geoms.simplify_coverage(tolerance_m)
            if coverage
            else geoms.simplify(tolerance_m, preserve_topology=True)
        )
    out = out.to_crs(DISPLAY_CRS)
    return out.set_geometry(shapely.set_precision(out.geometry.array, DISPLAY_GRID_DEG))


def new_map(view: MapView) -> folium.Map:
    """Return an empty map with local assets, the chosen basemap and optional Draw control."""
    use_local_assets()
    lon, lat = view.center_lonlat
    m = folium.Map(
        location=(lat, lon),
        zoom_start=view.zoom,
        tiles=None,
        control_scale=False,  # folium's scale shows miles too: ours is metric only
        prefer_canvas=False,
    )
    MetricScale().add_to(m)
    m.get_root().header.add_child(Element(_MAP_CSS), name="planner_css")
    add_basemap(m, view.basemap, tianditu_key=view.tianditu_key, lang=view.lang)
    if view.draw:
        DrawTexts(view.lang).add_to(m)
        folium.plugins.Draw(
            export=False,
            position="topleft",
            draw_options={
                "polyline": False,
                "circle": False,
                "circlemarker": False,
                "rectangle": False,
            },
        ).add_to(m)
    return m


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (``imperial: false``)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, position: "bottomleft"})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class DeclutterLabels(MacroElement):
    """Hide a label of its feature group that would overlap one drawn before it.

    Runs when the map is ready and after every zoom, so a label hidden at the city-wide zoom
    (small urban districts crowd each other) comes back when the user zooms in. The labels
    are taken in the group's order: put the ones that should win first.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            var map = {{ this.map_name }};
            function overlaps(a, b) {
                return !(a.right < b.left || b.right < a.left ||
                         a.bottom < b.top || b.bottom < a.top);
            }
            function declutter() {
                var kept = [];
                group.eachLayer(function (layer) {
                    var el = layer.getElement ? layer.getElement() : null;
                    if (!el || !el.firstElementChild) { return; }
                    el.style.visibility = "";
                    var box = el.firstElementChild.getBoundingClientRect();
                    if (kept.some(function (k) { return overlaps(k, box); })) {
                        el.style.visibility = "hidden";
                    } else {
                        kept.push(box);
                    }
                });
            }
            map.on("zoomend overlayadd", declutter);
            map.whenReady(function () { setTimeout(declutter, 0); });
        })();
        {% endmacro %}
    """)

    def __init__(self, map_name: str) -> None:
        super().__init__()
        self._name = "DeclutterLabels"
        self.map_name = map_name


class DrawTexts(MacroElement):
    """Leaflet.draw's toolbar and tooltip texts (``L.drawLocal``) from the message catalogue.

    Catalogue key ``leaflet_draw.<path>`` sets ``L.drawLocal.<path>``; the assignments run
    in the page script, after leaflet.draw.js has loaded and before any toolbar is drawn.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "DrawTexts"
        prefix = "leaflet_draw."
        texts = {
            key.removeprefix(prefix): locales.text(key, lang)
            for key in locales.message_keys(prefix)
        }
        self.js = "\n".join(
            f"L.drawLocal.{path} = {json.dumps(value, ensure_ascii=False)};"
            for path, value in texts.items()
        )


def add_basemap(m: folium.Map, basemap: str, *, tianditu_key: str | None, lang: str) -> None:
    """Add the tile layers of ``basemap``; "none" (or 天地图 without a key) adds nothing."""
    if basemap == BASEMAP_OSM:
        folium.TileLayer(_OSM_URL, attr=_OSM_ATTR, name=t("basemap.osm", lang), max_zoom=19).add_to(
            m
        )
    elif basemap in TIANDITU_BASEMAPS and tianditu_key:
        base, annotation = _TIANDITU_LAYERS[basemap]
        attr = t("basemap.tianditu_attr", lang)
        for layer, overlay in ((base, False), (annotation, True)):
            url = _TIANDITU_URL.format(layer=layer, key=tianditu_key)
            folium.TileLayer(
                url,
                attr=attr,
                name=t(f"basemap.{basemap}", lang),
                subdomains="01234567",
                max_zoom=18,
                overlay=overlay,
                control=not overlay,
            ).add_to(m)


def add_polygons(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    *,
    name: str,
    analysis_crs: str,
    style: PolygonStyle = DEFAULT_STYLE,
    tooltip_fields: Sequence[str] = (),
    tooltip_aliases: Sequence[str] = (),
    tolerance_m: float = DISPLAY_TOLERANCE_M,
    coverage: bool = False,
) -> folium.GeoJson:
    """Add polygons (or lines) as one GeoJson layer with a hover tooltip; return the layer."""
    columns = list(dict.fromkeys([*tooltip_fields, *_style_columns(style)]))
    shown = display_frame(
        frame,
        analysis_crs=analysis_crs,
        tolerance_m=tolerance_m,
        coverage=coverage,
        columns=columns,
    )
    tooltip = (
        folium.GeoJsonTooltip(
            fields=list(tooltip_fields),
            aliases=list(tooltip_aliases or tooltip_fields),
            sticky=True,
            style=_TOOLTIP_CSS,
        )
        if tooltip_fields
        else None
    )
    highlight = {"weight": style.weight + 2, "color": "#000000"}
    layer = folium.GeoJson(
        shown,
        name=name,
        style_function=style.for_feature,
        highlight_function=lambda _f: highlight,
        tooltip=tooltip,
    )
    return layer.add_to(m)


def add_points(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    *,
    name: str,
    color: str = "#d62728",
    stroke: str = "#ffffff",
    radius_px: float = 7.0,
    tooltip_fields: Sequence[str] = (),
    tooltip_aliases: Sequence[str] = (),
) -> folium.FeatureGroup:
    """Add points as circle markers (no icon files needed) in one feature group."""
    shown = display_frame(
        frame, analysis_crs=DISPLAY_CRS, tolerance_m=0.0, columns=list(tooltip_fields)
    )
    group = folium.FeatureGroup(name=name)
    aliases = list(tooltip_aliases or tooltip_fields)
    for row in shown.itertuples(index=False):
        geom = row[-1]
        text = "<br>".join(f"<b>{a}</b>: {v}" for a, v in zip(aliases, row[:-1], strict=True))
        for point in getattr(geom, "geoms", [geom]):
            folium.CircleMarker(
                (point.y, point.x),
                radius=radius_px,
                color=stroke,
                weight=2,
                fill=True,
                fill_color=color,
                fill_opacity=0.9,
                tooltip=text or None,
            ).add_to(group)
    return group.add_to(m)


def add_labels(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    *,
    field: str,
    name: str,
    analysis_crs: str,
    declutter: bool = False,
) -> folium.FeatureGroup:
    """Add ``frame[field]`` as permanent text at a point inside each feature (not clickable).

    ``declutter`` hides labels that would overlap a label of a larger feature (see
    `DeclutterLabels`); they show again at a closer zoom.
    """
    frame, points = in_worker(_label_points, frame, analysis_crs, largest_first=declutter)
    group = folium.FeatureGroup(name=name)
    for text, point in zip(frame[field], points, strict=True):
        icon = folium.DivIcon(
            html=_LABEL_HTML.format(text=escape(str(text))),
            icon_size=(0, 0),
            class_name="planner-label",
        )
        folium.Marker((point.y, point.x), icon=icon, interactive=False).add_to(group)
    if declutter:
        DeclutterLabels(m.get_name()).add_to(group)
    return group.add_to(m)


def add_html_control(m: folium.Map, html: str, *, position: str = "bottomright") -> HtmlControl:
    """Place fixed HTML (see `ui.legend`) in a map corner; return the control."""
    return HtmlControl(html, position).add_to(m)


def finish_map(
    m: folium.Map, bounds_lonlat: Sequence[float] | None, *, collapsed: bool = False
) -> folium.Map:
    """Add the layer control and fit to ``(minx, miny, maxx, maxy)`` in degrees if given.

    ``collapsed`` folds the layer control into a button (maps with many layers, whose open
    list would cover the map beside the results).
    """
    folium.LayerControl(collapsed=collapsed, position="topright").add_to(m)
    if bounds_lonlat is not None:
        minx, miny, maxx, maxy = bounds_lonlat
        m.fit_bounds([[miny, minx], [maxy, maxx]], padding=FIT_PADDING_PX, max_zoom=FIT_MAX_ZOOM)
    return m


def build_map(
    layers: Sequence[MapLayer],
    *,
    view: MapView,
    legends: Sequence[str] = (),
    focus_lonlat: Sequence[float] | None = None,
    collapsed: bool = False,
) -> folium.Map:
    """Return a folium map of ``layers`` (drawn in order) with legends and notes.

    ``legends`` are HTML blocks (`ui.legend.legend_html`) placed bottom right. Layers
    marked ``illustrative`` get a suffix in the layer control and a note on the map. The
    view fits ``focus_lonlat`` (minx, miny, maxx, maxy in degrees) if given, else the layers
    marked ``fit``. ``collapsed`` folds the layer control (see `finish_map`).
    """
    m = new_map(view)
    suffix = t("map.illustrative_suffix", view.lang)
    for layer in layers:
        name = layer.name + suffix if layer.illustrative else layer.name
        if layer.kind == "point":
            add_points(
                m,
                layer.frame,
                name=name,
                color=layer.style.fill_color,
                stroke=layer.style.color,
                tooltip_fields=layer.tooltip_fields,
                tooltip_aliases=layer.tooltip_aliases,
            )
        else:
            add_polygons(
                m,
                layer.frame,
                name=name,
                analysis_crs=layer.analysis_crs,
                style=layer.style,
                tooltip_fields=layer.tooltip_fields,
                tooltip_aliases=layer.tooltip_aliases,
                tolerance_m=layer.tolerance_m,
                coverage=layer.coverage,
            )
        if layer.label_field is not None:
            add_labels(
                m,
                layer.frame,
                field=layer.label_field,
                analysis_crs=layer.analysis_crs,
                name=t("map.labels", view.lang).format(layer=layer.name),
                declutter=True,
            )
    for html in legends:
        add_html_control(m, html, position="bottomright")
    illustrative = [layer.name for layer in layers if layer.illustrative]
    if illustrative:
        sep = ", " if view.lang == "en" else "、"
        text = t("map.illustrative_note", view.lang).format(layers=sep.join(illustrative))
        add_html_control(m, note_html(text), position="bottomleft")
    bounds = _bounds(layers) if focus_lonlat is None else focus_lonlat
    return finish_map(m, bounds, collapsed=collapsed)


def _label_points(
    frame: gpd.GeoDataFrame, analysis_crs: str, *, largest_first: bool
) -> tuple[gpd.GeoDataFrame, gpd.GeoSeries]:
    """Return ``frame`` (larger features first if asked: their labels win) and a point
    inside each of its features (EPSG:4326), found in ``analysis_crs``."""
    projected = frame.geometry.to_crs(analysis_crs)
    if largest_first:
        order = (-projected.area.to_numpy()).argsort(kind="stable")
        frame, projected = frame.iloc[order], projected.iloc[order]
    return frame, projected.representative_point().to_crs(DISPLAY_CRS)


def _style_columns(style: PolygonStyle) -> list[str]:
    return [style.fill_color_column] if style.fill_color_column else []


def _bounds(layers: Sequence[MapLayer]) -> tuple[float, float, float, float] | None:
    frames = [
        in_worker(layer.frame.to_crs, DISPLAY_CRS)
        for layer in layers
        if layer.fit and layer.frame.crs is not None and not layer.frame.empty
    ]
    if not frames:
        return None
    boxes = [f.total_bounds for f in frames]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
