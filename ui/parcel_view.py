"""Parcels of one county coloured by remaining manure N or P capacity (display only).

The numbers come from `ui.balance_data.county_parcels` (`siting.nutrients`); here they are
only picked (basis, per 亩 or total), formatted and coloured. Parcels are drawn for one
county at a time (a city has tens of thousands), simplified by `PARCEL_TOLERANCE_M`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.balance_format import basis_name, fmt_dec, fmt_int
from ui.colorscale import sequential_scale
from ui.labels import t
from ui.legend import legend_html, scale_entries
from ui.map import MapLayer, PolygonStyle, build_map

if TYPE_CHECKING:
    import folium

    import geopandas as gpd

    from siting.parameters import CropTable
    from ui.colorscale import ColorScale
    from ui.map import MapView

MEASURES: tuple[str, ...] = ("per_mu", "total")
FILL_COLUMN = "fill_color"
# Display simplification of parcels (metres, analysis CRS): parcels are a few hundred metres
# across, so the 100 m county tolerance would distort them; 10 m is invisible at zoom 12.
PARCEL_TOLERANCE_M = 10.0
PARCEL_STYLE = PolygonStyle(color="#555555", weight=0.5, fill_opacity=0.8,
                            fill_color_column=FILL_COLUMN)
OUTLINE_STYLE = PolygonStyle(color="#222222", weight=2.0, fill_opacity=0.0)
TOOLTIP_FIELDS = ("parcel_id", "crop_txt", "area_txt", "manure_txt", "remaining_txt",
                  "remaining_per_mu_txt")


def value_column(basis: str, measure: str) -> str:
    """Return the remaining-capacity column shown for ``basis`` and ``measure``."""
    suffix = "kg_per_mu" if measure == "per_mu" else "kg_per_yr"
    return f"remaining_{basis.lower()}_{suffix}"


def parcel_frame(
    parcels: gpd.GeoDataFrame, *, basis: str, measure: str, crops: CropTable, lang: str,
) -> gpd.GeoDataFrame:
    """Return the tooltip texts and fill colour of each parcel (only the needed columns).

    ``parcels`` is the output of `county_parcels` (remaining capacity columns).
    """
    x = basis.lower()
    scale = parcel_scale(parcels, basis=basis, measure=measure)
    names = {key: (crops.get(key).name_en if lang == "en" else crops.get(key).name_zh)
             for key in crops}
    allowed = (t("balance.parcel.manure_yes", lang), t("balance.parcel.manure_no", lang))
    return parcels[["parcel_id", parcels.geometry.name]].assign(
        crop_txt=parcels["crop"].map(lambda k: names.get(k, k)),
        area_txt=parcels["area_mu"].map(fmt_int),
        manure_txt=parcels["manure_allowed"].map(lambda ok: allowed[0] if ok else allowed[1]),
        remaining_txt=parcels[f"remaining_{x}_kg_per_yr"].map(fmt_int),
        remaining_per_mu_txt=parcels[f"remaining_{x}_kg_per_mu"].map(fmt_dec),
        **{FILL_COLUMN: parcels[value_column(basis, measure)].map(scale.color_for)},
    )


def parcel_scale(parcels: gpd.GeoDataFrame, *, basis: str, measure: str) -> ColorScale:
    """Return the colour scale of the remaining capacity shown (0 and below: grey)."""
    return sequential_scale(parcels[value_column(basis, measure)].tolist())


def parcel_map(
    parcels: gpd.GeoDataFrame, outline: gpd.GeoDataFrame, *, basis: str, measure: str,
    crops: CropTable, analysis_crs: str, view: MapView, illustrative: bool,
) -> folium.Map:
    """Return the map of one county's parcels (``outline`` = that county) with its legend."""
    lang = view.lang
    shown = parcel_frame(parcels, basis=basis, measure=measure, crops=crops, lang=lang)
    nutrient = basis_name(basis, lang)
    aliases = tuple(t(f"balance.parcel.tip.{field}", lang).format(basis=nutrient)
                    for field in TOOLTIP_FIELDS)
    layers = [
        MapLayer(frame=outline, name=t("map.counties", lang), analysis_crs=analysis_crs,
                 style=OUTLINE_STYLE, fit=True),
        MapLayer(frame=shown, name=t("balance.parcel.layer", lang).format(basis=nutrient),
                 analysis_crs=analysis_crs, style=PARCEL_STYLE, tooltip_fields=TOOLTIP_FIELDS,
                 tooltip_aliases=aliases, tolerance_m=PARCEL_TOLERANCE_M,
                 illustrative=illustrative, fit=False),
    ]
    scale = parcel_scale(parcels, basis=basis, measure=measure)
    title = t(f"balance.parcel.legend.{measure}", lang).format(basis=nutrient)
    legend = legend_html(title, scale_entries(scale, no_data_label=t("balance.parcel.none",
                                                                     lang)))
    return build_map(layers, view=view, legends=[legend])
