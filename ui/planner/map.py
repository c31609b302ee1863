"""The planner map: saved sites with draw tools (base), and the edited site's overlay.

The base map (counties, saved sites coloured by status, outlined red where a gate fails,
draw tools) changes only when the saved scenario changes, so drawing, panning and zooming
never re-mount it. The edited site's footprint, its allocated parcels and haul lines are a
separate feature group handed to ``st_folium(feature_group_to_add=...)``: it is replaced
in the browser without re-mounting the map. Pure functions, no ``st.*`` calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import folium
import folium.plugins
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

import geopandas as gpd
import shapely

from geo.crs import DISPLAY_CRS
from geo.units import M2_PER_HA, M2_PER_MU, M_PER_KM
from ui.labels import t, t_or
from ui.legend import legend_html, note_html
from ui.map import (
    DrawTexts,
    MapView,
    PolygonStyle,
    add_html_control,
    add_labels,
    finish_map,
    new_map,
)

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

STATUS_COLORS: Final[dict[str, str]] = {
    "existing": "#2166ac",
    "under_construction": "#e08214",
    "proposed": "#1b7837",
}
FAILED_OUTLINE: Final[str] = "#d7191c"
#: The saved outline under the edit tool (display only), and the measuring line.
EDITABLE_STYLE: Final[dict[str, object]] = {
    "color": "#ff7f00",
    "weight": 3,
    "fill": True,
    "fill_opacity": 0.05,
}
MEASURE_LINE_STYLE: Final[dict[str, object]] = {"color": "#333333", "weight": 2}
#: Vertices of the editable outline sent to the browser: 1e-6 degree (about 0.1 m).
EDIT_DECIMALS: Final[int] = 6
COUNTY_STYLE: Final[PolygonStyle] = PolygonStyle(color="#777777", weight=1.0, fill_opacity=0.0)
SITE_STYLE: Final[PolygonStyle] = PolygonStyle(
    color="#222222", weight=2.0, fill_opacity=0.6, fill_color_column="fill"
)
FAILED_STYLE: Final[PolygonStyle] = PolygonStyle(
    color=FAILED_OUTLINE, weight=4.0, fill_opacity=0.6, fill_color_column="fill"
)
SELECTED_STYLE: Final[dict[str, object]] = {
    "color": "#000000",
    "weight": 4,
    "dashArray": "6 4",
    "fillOpacity": 0.0,
}
DRAFT_STYLE: Final[dict[str, object]] = {
    "color": "#c51b7d",
    "weight": 3,
    "dashArray": "6 4",
    "fillColor": "#de77ae",
    "fillOpacity": 0.35,
}
PARCEL_STYLE: Final[dict[str, object]] = {
    "color": "#54278f",
    "weight": 1,
    "fillColor": "#9e9ac8",
    "fillOpacity": 0.6,
}
HAUL_LINE_STYLE: Final[dict[str, object]] = {"color": "#54278f", "weight": 1.5, "opacity": 0.8}
# Site dots (radius in screen pixels) and the most sites whose names are shown by default.
MARKER_RADIUS_PX: Final[float] = 6.0
MAX_LABELLED_SITES: Final[int] = 8
# Margin around the saved sites when the map is fitted to them (degrees, ~5 km: the land
# around a farm is what the planner looks at).
FIT_MARGIN_DEG: Final[float] = 0.05
# Zoom at which an edited site is shown (about 5 km across a 600 px map at 40N).
SITE_ZOOM: Final[int] = 12
_TOOLTIP_CSS = "white-space: normal; width: max-content; max-width: 320px;"


@dataclass(frozen=True)
class SiteOverlay:
    """What to draw for the edited site (all EPSG:4326 except where said).

    ``footprint`` is the site's (draft) footprint, ``is_draft`` True when it is not saved
    yet (drawn dashed magenta, else dashed black). ``parcels`` are the parcels allocated to
    it with ``parcel_id``, ``area_mu``, ``share_frac``, ``haul_km`` (any CRS).
    """

    footprint: BaseGeometry | None
    is_draft: bool
    parcels: gpd.GeoDataFrame | None = None


def sites_view(sites: gpd.GeoDataFrame, results: pd.DataFrame, lang: str) -> gpd.GeoDataFrame:
    """Return the saved sites with display columns: name, status, herd, score, fill, failed."""
    res = results.set_index("site_id").reindex(sites["site_id"])
    failed = (res["gates_passed"].astype("boolean") == False).fillna(False)  # noqa: E712
    score = [_score_text(s, f, lang) for s, f in zip(res["suitability_score"], failed, strict=True)]
    return gpd.GeoDataFrame(
        {
            "name": sites["name"].astype(str).to_numpy(),
            "status": [t(f"planner.status.{s}", lang) for s in sites["status"]],
            "dairy": [f"{int(v):,}" for v in sites["dairy_cow_head"].fillna(0)],
            "score": score,
            "fill": [STATUS_COLORS.get(s, "#999999") for s in sites["status"]],
            "failed": failed.to_numpy(dtype=bool),
        },
        geometry=sites.geometry.to_numpy(),
        crs=sites.crs,
    )


def _score_text(score: float, failed: bool, lang: str) -> str:
    if failed:
        return t("planner.score_failed", lang)
    if score is None or pd.isna(score):
        return "—"
    return f"{score:.1f}"


def base_map(
    view: MapView,
    counties: Mapping[str, Any],
    sites: gpd.GeoDataFrame,
    *,
    analysis_crs: str,
    illustrative: Sequence[str] = (),
    editable: tuple[str, BaseGeometry] | None = None,
) -> folium.Map:
    """Return the planner's base map: counties, saved sites (`sites_view`) and draw tools.

    ``editable`` is (site id, EPSG:4326 polygon) of the saved site whose outline the edit
    tool reshapes vertex by vertex; the edited outline comes back in ``all_drawings`` with
    the property ``edit_of`` = the site id (`ui.planner.events.MapEvents`). The line tool
    measures distances, and every drawn line or polygon is labelled with its length or
    area in 亩 (`MeasureReadout`).

    ``counties`` is display GeoJSON (EPSG:4326); the outlines do not react to clicks (a
    click there would rerun the page for nothing). Fitted to the saved sites, or to the
    counties when there are none.
    """
    lang = view.lang
    m = new_map(MapView(view.center_lonlat, view.zoom, view.basemap, view.tianditu_key, lang))
    folium.GeoJson(
        counties,
        name=t("map.counties", lang),
        style_function=lambda _f: COUNTY_STYLE.for_feature(_f),
        interactive=False,
    ).add_to(m)
    for failed, style in ((False, SITE_STYLE), (True, FAILED_STYLE)):
        part = sites[sites["failed"] == failed]
        if not part.empty:
            _add_sites(
                m, part, style, name=t(f"planner.layer.sites_{failed}".lower(), lang), lang=lang
            )
    if not sites.empty:
        _add_markers(m, sites, lang=lang)
        if len(sites) <= MAX_LABELLED_SITES:
            add_labels(
                m,
                sites,
                field="name",
                name=t("planner.layer.names", lang),
                analysis_crs=analysis_crs,
            )
    DrawTexts(lang).add_to(m)
    group = _editable_group(editable, lang)
    if group is not None:
        group.add_to(m)
    folium.plugins.Draw(
        export=False,
        position="topleft",
        show_geometry_on_click=False,
        feature_group=group,
        draw_options={
            "polyline": {"shapeOptions": MEASURE_LINE_STYLE, "metric": True, "feet": False},
            "circle": False,
            "rectangle": False,
            "circlemarker": False,
        },
        edit_options={"edit": group is not None, "remove": False},
    ).add_to(m)
    MeasureReadout(lang).add_to(m)
    add_html_control(m, _legend(lang), position="bottomright")
    if illustrative:
        names = [t_or(f"planner.illustrative.{kind}", lang, kind) for kind in illustrative]
        text = t("map.illustrative_note", lang).format(
            layers=(", " if lang == "en" else "、").join(names)
        )
        add_html_control(m, note_html(text), position="bottomleft")
    if sites.empty:
        return finish_map(
            m, tuple(shapely.bounds(shapely.from_geojson(json.dumps(dict(counties)))).tolist())
        )
    minx, miny, maxx, maxy = sites.to_crs(DISPLAY_CRS).total_bounds
    return finish_map(
        m,
        (
            minx - FIT_MARGIN_DEG,
            miny - FIT_MARGIN_DEG,
            maxx + FIT_MARGIN_DEG,
            maxy + FIT_MARGIN_DEG,
        ),
    )


def _add_sites(
    m: folium.Map, sites: gpd.GeoDataFrame, style: PolygonStyle, *, name: str, lang: str
) -> None:
    """Add site footprints (EPSG:4326, not simplified: they are small) with a tooltip."""
    fields = ["name", "status", "dairy", "score"]
    aliases = [t(f"planner.tip.{f}", lang) for f in fields]
    highlight = {"weight": style.weight + 2, "color": "#000000"}
    folium.GeoJson(
        sites[[*fields, "fill", "geometry"]].to_crs(DISPLAY_CRS),
        name=name,
        style_function=style.for_feature,
        highlight_function=lambda _f: highlight,
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, style=_TOOLTIP_CSS),
    ).add_to(m)


def _add_markers(m: folium.Map, sites: gpd.GeoDataFrame, *, lang: str) -> None:
    """Mark every site with a dot (footprints are too small to see at the city's zoom).

    One GeoJson layer of points drawn as circle markers (one element to render, not one
    per site).
    """
    points = shapely.point_on_surface(sites.to_crs(DISPLAY_CRS).geometry.to_numpy())
    shown = gpd.GeoDataFrame(
        sites[["name", "status", "score", "fill", "failed"]], geometry=points, crs=DISPLAY_CRS
    )
    fields = ["name", "status", "score"]
    aliases = [t(f"planner.tip.{f}", lang) for f in fields]
    folium.GeoJson(
        shown,
        name=t("planner.layer.markers", lang),
        marker=folium.CircleMarker(radius=MARKER_RADIUS_PX, weight=2, fill=True, fill_opacity=0.95),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": FAILED_OUTLINE if f["properties"]["failed"] else "#ffffff",
        },
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, style=_TOOLTIP_CSS),
    ).add_to(m)


def _editable_group(
    editable: tuple[str, BaseGeometry] | None, lang: str
) -> folium.FeatureGroup | None:
    """Return the feature group of the edit tool: the selected site's outline, or None."""
    if editable is None or editable[1].geom_type != "Polygon":
        return None
    site_id, polygon = editable
    group = folium.FeatureGroup(name=t("planner.layer.editable", lang))
    ring = [(round(y, EDIT_DECIMALS), round(x, EDIT_DECIMALS)) for x, y in polygon.exterior.coords]
    outline = folium.Polygon(ring[:-1], **EDITABLE_STYLE)
    outline.add_child(_FeatureTag(site_id))
    outline.add_to(group)
    return group


class _FeatureTag(MacroElement):
    """Give a Leaflet layer a GeoJSON ``feature`` with ``edit_of`` (kept by ``toGeoJSON``)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.feature = {
            type: "Feature", properties: {edit_of: {{ this.site_id|tojson }}}
        };
        {% endmacro %}
    """)

    def __init__(self, site_id: str) -> None:
        super().__init__()
        self._name = "FeatureTag"
        self.site_id = site_id


class MeasureReadout(MacroElement):
    """Label each line drawn with its length (m) and each polygon with its area (亩, ha).

    Measured on the sphere in the browser (Leaflet's ``distanceTo`` and Leaflet.draw's
    ``L.GeometryUtil.geodesicArea``), for orientation while drawing; the checks measure
    areas in the region's analysis CRS.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.on("draw:created draw:edited", function (e) {
            var layers = e.layers ? e.layers.getLayers() : [e.layer];
            layers.forEach(function (layer) {
                var text = null;
                if (layer instanceof L.Polygon) {
                    var m2 = L.GeometryUtil.geodesicArea(layer.getLatLngs()[0]);
                    text = (m2 / {{ this.m2_per_mu }}).toFixed(0) + " "
                        + {{ this.mu|tojson }} + " ("
                        + (m2 / {{ this.m2_per_ha }}).toFixed(1) + " "
                        + {{ this.ha|tojson }} + ")";
                } else if (layer instanceof L.Polyline) {
                    var pts = layer.getLatLngs(), metres = 0;
                    for (var i = 1; i < pts.length; i++) {
                        metres += pts[i - 1].distanceTo(pts[i]);
                    }
                    text = metres >= {{ this.m_per_km }}
                        ? (metres / {{ this.m_per_km }}).toFixed(2) + " km"
                        : metres.toFixed(0) + " m";
                }
                if (text) {
                    layer.unbindTooltip();
                    layer.bindTooltip({{ this.prefix|tojson }} + text,
                        {permanent: true, className: "planner-measure"}).openTooltip();
                }
            });
        });
        {% endmacro %}
    """)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "MeasureReadout"
        self.m2_per_mu = M2_PER_MU
        self.m2_per_ha = M2_PER_HA
        self.m_per_km = M_PER_KM
        self.mu = t("unit.mu", lang)
        self.ha = t("unit.ha", lang)
        self.prefix = t("planner.measure_prefix", lang)


def _legend(lang: str) -> str:
    entries: list[tuple[str, str] | tuple[str, str, str]] = [
        (color, t(f"planner.status.{status}", lang)) for status, color in STATUS_COLORS.items()
    ]
    entries.append(("#ffffff", t("planner.legend.failed", lang), FAILED_OUTLINE))
    entries.append((PARCEL_STYLE["fillColor"], t("planner.legend.parcels", lang)))
    return legend_html(t("planner.legend.title", lang), entries, opacity=0.8)


def overlay_group(overlay: SiteOverlay, lang: str) -> folium.FeatureGroup:
    """Return the edited site's feature group: footprint, allocated parcels, haul lines."""
    group = folium.FeatureGroup(name=t("planner.layer.edited", lang))
    if overlay.parcels is not None and not overlay.parcels.empty:
        parcels = overlay.parcels
        if not parcels.crs.equals(DISPLAY_CRS):
            parcels = parcels.to_crs(DISPLAY_CRS)
        _add_parcels(group, parcels, overlay.footprint, lang)
    if overlay.footprint is not None:
        style = DRAFT_STYLE if overlay.is_draft else SELECTED_STYLE
        folium.GeoJson(
            gpd.GeoSeries([overlay.footprint], crs=DISPLAY_CRS).__geo_interface__,
            style_function=lambda _f: style,
            tooltip=t("planner.tip.draft" if overlay.is_draft else "planner.tip.selected", lang),
        ).add_to(group)
    return group


def _add_parcels(
    group: folium.FeatureGroup, parcels: gpd.GeoDataFrame, footprint: BaseGeometry | None, lang: str
) -> None:
    shown = parcels.assign(
        share_pct=(parcels["share_frac"] * 100).round(1),
        area_text=parcels["area_mu"].map(lambda v: f"{v:,.0f}"),
        haul_text=parcels["haul_km"].map(lambda v: f"{v:.2f}"),
    )
    fields = ["parcel_id", "area_text", "share_pct", "haul_text"]
    aliases = [t(f"planner.tip.{f}", lang) for f in fields]
    folium.GeoJson(
        shown[[*fields, "geometry"]],
        style_function=lambda _f: PARCEL_STYLE,
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, style=_TOOLTIP_CSS),
    ).add_to(group)
    if footprint is None:
        return
    origin = shapely.point_on_surface(footprint)
    ends = shapely.point_on_surface(shown.geometry.to_numpy())
    lines = gpd.GeoDataFrame(
        {"haul": [t("planner.tip.haul_line", lang).format(km=km) for km in shown["haul_text"]]},
        geometry=shapely.linestrings([[(origin.x, origin.y), (end.x, end.y)] for end in ends]),
        crs=DISPLAY_CRS,
    )
    folium.GeoJson(
        lines,
        style_function=lambda _f: HAUL_LINE_STYLE,
        tooltip=folium.GeoJsonTooltip(fields=["haul"], labels=False),
    ).add_to(group)


def focus(footprint: BaseGeometry | None) -> tuple[tuple[float, float] | None, int | None]:
    """Return the (lat, lon) centre and zoom that show ``footprint``, or (None, None)."""
    if footprint is None:
        return None, None
    point = footprint.representative_point()
    return (float(np.round(point.y, 6)), float(np.round(point.x, 6))), SITE_ZOOM
