"""Session-state keys of the manure–land balance page (constants; widgets bind with ``key=``).

Kept apart from `ui.state` so the page owns its keys. Widgets pass their default as
``value=`` and ``persist_state="session"`` (values survive tab and page switches), so no
key needs to be set here. Choices with translated option labels keep their value under the
key below and use `widget_key` for the widget (`ui.balance_widgets`). Keys that depend on a
choice are built by the functions below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd

    from ui.balance_data import ParcelSource

PERSIST = "session"

TAB = "balance_tab"
BASIS = "balance_basis"
TABLE_BASIS = "balance_table_basis"
PARCEL_COUNTY = "balance_parcel_county"
PARCEL_BASIS = "balance_parcel_basis"
PARCEL_MEASURE = "balance_parcel_measure"
ROUTE = "balance_route"
SOLD_FRAC = "balance_sold_frac"
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
class UserParcels:
    """A parcel layer the user loaded: it replaces the bundled one for this session."""

    region_id: str
    source: ParcelSource
    parcels: gpd.GeoDataFrame
