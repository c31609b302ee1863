"""Map of the site-check page: candidates by pass/fail, constraint layers, deciding features.

Every constraint layer is one toggleable overlay in the layer control (simplified for
display, labelled illustrative when the pack says so). Candidates are green (pass) or red
(fail) with a tooltip of the failed gates (score and rank depend on the weights and are in
the ranking beside the map, so the map does not change with them). For the selected site the
feature that decided each gate is drawn with a thick outline (red if the gate failed, blue
if it passed) and, for setbacks, a dashed line shows the measured shortest distance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import folium

import geopandas as gpd
import shapely

from geo.crs import DISPLAY_CRS
from ui.labels import t
from ui.legend import legend_html, note_html
from ui.map import (
    PolygonStyle,
    add_html_control,
    add_points,
    add_polygons,
    finish_map,
    new_map,
)
from ui.sites.results import gate_short

if TYPE_CHECKING:
    from planning.siting_inputs import SitingInputs
    from siting.assess import SiteAssessment
    from siting.gates import GateResult
    from siting.score import SiteResult
    from ui.map import MapView

PASS_COLOR: Final[str] = "#2ca02c"
FAIL_COLOR: Final[str] = "#d62728"
DECIDING_PASSED_COLOR: Final[str] = "#1f5fbf"
#: Display colours of the constraint layers (display only).
LAYER_COLORS: Final[dict[str, str]] = {
    "no_farming_zone": "#8e44ad",
    "basic_farmland": "#c9a227",
    "eco_redline": "#1e8449",
    "surface_water": "#2e86c1",
    "settlements": "#7f7f7f",
    "main_roads": "#5d4037",
    "dairy_farms": "#e67e22",
    "processing_plants": "#17202a",
}

#: Dense layers (thousands of patches) start switched off; their deciding features are still
#: drawn for the selected site.
HIDDEN_AT_START: Final[frozenset[str]] = frozenset({"basic_farmland", "settlements"})


def layer_name(
    kind: str, inputs: SitingInputs, lang: str, user_kinds: frozenset[str] = frozenset()
) -> str:
    """Return the layer-control name of ``kind`` (illustrative or user suffix)."""
    name = t(f"layer_kind.{kind}", lang)
    if kind in user_kinds:
        name += t("sites.user.suffix", lang)
    if inputs.layers.illustrative.get(kind, False):
        name += t("map.illustrative_suffix", lang)
    return name


def sites_map(
    assessment: SiteAssessment,
    sites: gpd.GeoDataFrame,
    inputs: SitingInputs,
    names: dict[str, str],
    *,
    selected: str | None,
    view: MapView,
    user_kinds: frozenset[str] = frozenset(),
) -> folium.Map:
    """Return the map: constraint layers (``user_kinds``: the user's), candidates and the
    selected site's features."""
    lang, crs = view.lang, inputs.layers.crs
    m = new_map(view)
    for kind, frame in inputs.layers.features.items():
        _add_constraint_layer(
            m, kind, frame, layer_name(kind, inputs, lang, user_kinds), inputs, lang
        )
    _add_candidates(m, assessment, sites, names, crs=crs, lang=lang)
    focus = sites.to_crs(crs).geometry
    if selected is not None:
        site_geom = sites.to_crs(crs).set_index(sites["site_id"].astype(str)).geometry[selected]
        failed = _add_deciding(m, assessment.scores.site(selected), site_geom, inputs, lang)
        if failed:  # zoom to the failed site and the features that failed it
            focus = gpd.GeoSeries([site_geom, *failed], crs=crs)
    _add_legend_and_note(m, inputs, lang)
    minx, miny, maxx, maxy = focus.to_crs(DISPLAY_CRS).total_bounds
    return finish_map(m, (float(minx), float(miny), float(maxx), float(maxy)), collapsed=True)


def _add_constraint_layer(
    m: folium.Map, kind: str, frame: gpd.GeoDataFrame, name: str, inputs: SitingInputs, lang: str
) -> None:
    group = folium.FeatureGroup(name=name, show=kind not in HIDDEN_AT_START).add_to(m)
    color = LAYER_COLORS.get(kind, "#444444")
    fields = ("feature_id", "name")
    aliases = (t("sites.feature_id", lang), t("sites.feature_name", lang))
    if frame.empty:
        return
    if frame.geom_type.isin(["Point", "MultiPoint"]).all():
        add_points(
            group,
            frame,
            name=kind,
            color=color,
            radius_px=5.0,  # type: ignore[arg-type]
            tooltip_fields=fields,
            tooltip_aliases=aliases,
        )
        return
    style = PolygonStyle(color=color, weight=1.5, fill_color=color, fill_opacity=0.25)
    add_polygons(
        group,
        frame,
        name=kind,
        analysis_crs=inputs.layers.crs,  # type: ignore[arg-type]
        style=style,
        tooltip_fields=fields,
        tooltip_aliases=aliases,
    )


def _add_candidates(
    m: folium.Map,
    assessment: SiteAssessment,
    sites: gpd.GeoDataFrame,
    names: dict[str, str],
    *,
    crs: str,
    lang: str,
) -> None:
    results = {s.site_id: s for s in assessment.scores.sites}
    shown = sites[["site_id", "geometry"]].copy()
    ids = shown["site_id"].astype(str)
    shown["site"] = ids.map(names)
    shown["fill"] = ids.map(lambda i: PASS_COLOR if results[i].passed else FAIL_COLOR)
    shown["result"] = ids.map(lambda i: _result_text(results[i], lang))
    style = PolygonStyle(
        color="#000000",
        weight=2.0,
        fill_color=PASS_COLOR,
        fill_opacity=0.6,
        fill_color_column="fill",
    )
    group = folium.FeatureGroup(name=t("sites.map_candidates", lang)).add_to(m)
    fields = ("site", "result")
    aliases = (t("scol.site", lang), t("sites.map_result", lang))
    add_polygons(
        group,
        shown,
        name="sites",
        analysis_crs=crs,
        style=style,  # type: ignore[arg-type]
        tooltip_fields=fields,
        tooltip_aliases=aliases,
        tolerance_m=0.0,
    )
    # A marker per site keeps sites of a few hundred metres visible at the city-wide zoom.
    points = shown.to_crs(crs)
    points = points.set_geometry(points.representative_point())
    for fill, part in points.groupby("fill"):
        add_points(
            group,
            part,
            name="site_markers",
            color=str(fill),
            stroke="#000000",  # type: ignore[arg-type]
            radius_px=7.0,
            tooltip_fields=fields,
            tooltip_aliases=aliases,
        )


def _result_text(site: SiteResult, lang: str) -> str:
    if site.passed:  # score and rank depend on the weights: the ranking beside the map
        return t("sites.map_passed", lang)
    failed = "; ".join(gate_short(g, lang) for g in site.failed_gates)
    return t("sites.map_failed", lang).format(gates=failed)


def _add_deciding(
    m: folium.Map, site: SiteResult, site_geom: shapely.Geometry, inputs: SitingInputs, lang: str
) -> list[shapely.Geometry]:
    """Draw the deciding feature of each gate; return the geometries of the failed ones."""
    failed: list[shapely.Geometry] = []
    group = folium.FeatureGroup(name=t("sites.map_deciding", lang), show=True).add_to(m)
    rules = {r.key: r for r in inputs.params.rules}
    for gate in site.gates:
        rule = rules.get(gate.rule)
        if gate.feature_id is None or rule is None or not inputs.layers.has(rule.layer_kind):
            continue
        layer = inputs.layers.features[rule.layer_kind]
        feature = layer[layer["feature_id"].astype(str) == gate.feature_id]
        if feature.empty:
            continue
        _add_feature(group, feature, site_geom, gate, crs=inputs.layers.crs, lang=lang)
        if not gate.passed:
            failed.append(feature.geometry.union_all())
    return failed


def _add_feature(
    group: folium.FeatureGroup,
    feature: gpd.GeoDataFrame,
    site_geom: shapely.Geometry,
    gate: GateResult,
    *,
    crs: str,
    lang: str,
) -> None:
    color = DECIDING_PASSED_COLOR if gate.passed else FAIL_COLOR
    text = ("✔ " if gate.passed else "✖ ") + gate_short(gate, lang)
    shown = feature[["geometry"]].assign(gate=text)
    if shown.geom_type.isin(["Point", "MultiPoint"]).all():
        add_points(
            group,
            shown,
            name=gate.rule,
            color=color,
            radius_px=9.0,  # type: ignore[arg-type]
            tooltip_fields=("gate",),
            tooltip_aliases=(t("sites.map_gate", lang),),
        )
    else:
        style = PolygonStyle(color=color, weight=5.0, fill_color=color, fill_opacity=0.15)
        add_polygons(
            group,
            shown,
            name=gate.rule,
            analysis_crs=crs,  # type: ignore[arg-type]
            style=style,
            tooltip_fields=("gate",),
            tooltip_aliases=(t("sites.map_gate", lang),),
            tolerance_m=0.0,
        )
    if gate.unit == "m" and gate.measured_value:
        line = shapely.shortest_line(site_geom, feature.geometry.union_all())
        coords = gpd.GeoSeries([line], crs=crs).to_crs(DISPLAY_CRS).iloc[0].coords
        folium.PolyLine(
            [(y, x) for x, y in coords], color=color, weight=3, dash_array="8 6", tooltip=text
        ).add_to(group)


def _add_legend_and_note(m: folium.Map, inputs: SitingInputs, lang: str) -> None:
    entries = [
        (PASS_COLOR, t("sites.legend_pass", lang)),
        (FAIL_COLOR, t("sites.legend_fail", lang)),
        (DECIDING_PASSED_COLOR, t("sites.legend_deciding_passed", lang)),
    ]
    add_html_control(m, legend_html(t("sites.legend_title", lang), entries, opacity=0.6))
    illustrative = [
        layer_name(k, inputs, lang).removesuffix(t("map.illustrative_suffix", lang))
        for k in inputs.layers.features
        if inputs.layers.illustrative.get(k)
    ]
    if illustrative:
        sep = ", " if lang == "en" else "、"
        text = t("map.illustrative_note", lang).format(layers=sep.join(illustrative))
        add_html_control(m, note_html(text), position="bottomleft")
