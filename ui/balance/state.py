"""Session state of the manure–land balance page: keys, the parcel layer in use, choices.

Kept apart from `ui.state` so the page owns its keys (constants; widgets bind with
``key=``). Widgets pass their default as ``value=`` and ``persist_state="session"`` (values
survive tab and page switches), so no key needs to be set here. Keys that depend on a
choice are built by the functions below.

Choices with translated option labels (`translated_choice`) keep their value under a
language-neutral key and key the widget with `widget_key`. Streamlit identifies a keyed
widget by its key alone, and the browser keeps the *label* of the chosen option: after a
switch to the other language that label is no longer among the options, so the widget
would show nothing (radio) or the old label (selectbox). With the language in the widget
key the browser draws a fresh widget, seeded from the kept value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import streamlit as st

if TYPE_CHECKING:
    import geopandas as gpd

T = TypeVar("T")

PERSIST = "session"

TAB = "balance_tab"
BASIS = "balance_basis"
TABLE_BASIS = "balance_table_basis"
PARCEL_COUNTY = "balance_parcel_county"
PARCEL_BASIS = "balance_parcel_basis"
PARCEL_MEASURE = "balance_parcel_measure"
ROUTE = "balance_route"
SOLD_FRAC = "balance_sold_frac"
N_RETENTION = "balance_n_retention_frac"
P_RETENTION = "balance_p_retention_frac"
CROP = "balance_crop"
SOIL_N_CLASS = "balance_soil_n_class"
SOIL_P_CLASS = "balance_soil_p_class"
OLSEN_P = "balance_olsen_p"
P_SENSITIVE = "balance_p_sensitive"
UPLOAD_FILE = "balance_upload_file"
UPLOAD_GCJ02 = "balance_upload_gcj02"
UPLOAD_CRS = "balance_upload_crs"
UPLOAD_LAYER = "balance_upload_layer"
USER_PARCELS = "balance_user_parcels"  # not a widget: the loaded `UserParcels`


def widget_key(key: str, lang: str) -> str:
    """Return the widget key of a translated choice whose value is kept under ``key``."""
    return f"{key}.{lang}"


def head_key(species: str) -> str:
    """Return the key of the head-count input of ``species``."""
    return f"balance_head.{species}"


def yield_key(crop: str) -> str:
    """Return the key of the target-yield input of ``crop`` (one per crop: its own default)."""
    return f"balance_yield.{crop}"


def coefficient_key(region_id: str, key: str) -> str:
    """Return the key of the editor input of coefficient ``key`` (per region: its default)."""
    return f"balance_coef.{region_id}.{key}"


def mapping_key(column: str) -> str:
    """Return the key of the column-mapping choice for parcel column ``column``."""
    return f"balance_map.{column}"


def default_key(column: str) -> str:
    """Return the key of the default-value input for parcel column ``column``."""
    return f"balance_default.{column}"


@dataclass(frozen=True)
class ParcelSource:
    """Which parcel layer the page uses: the region pack's or one the user uploaded.

    ``token`` identifies the layer's content (cache key); ``file_name`` is the uploaded
    file's name (None for the region pack's layer); ``illustrative`` is True for the
    generated Hohhot layer.
    """

    token: str
    illustrative: bool
    file_name: str | None = None


@dataclass(frozen=True)
class UserParcels:
    """A parcel layer the user loaded: it replaces the bundled one for this session."""

    region_id: str
    source: ParcelSource
    parcels: gpd.GeoDataFrame


def translated_choice(
    widget: Callable[..., Any],
    label: str,
    options: Sequence[T],
    *,
    key: str,
    default: T,
    lang: str,
    **kwargs: Any,
) -> T:
    """Draw ``widget`` (``st.radio``, ``st.selectbox`` or a column's) and return the choice.

    ``key`` holds the value (not a widget key); the widget itself is keyed
    ``widget_key(key, lang)``. ``default`` is used until the user chooses, or when the kept
    value is no longer among ``options``.
    """
    current = st.session_state.get(key, default)
    choices = list(options)
    index = choices.index(current) if current in choices else choices.index(default)
    value: T = widget(label, choices, index=index, key=widget_key(key, lang), **kwargs)
    st.session_state[key] = value
    return value
