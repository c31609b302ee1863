"""Needs of many sites at once: `siting.needs.herd_needs`' formulas over arrays.

`herd_needs_table` gives, per row, the headline numbers `siting.needs.herd_needs` gives for
one herd on the guide's per-PE supply with nothing sold (the site check's herds,
``Herd.dairy``). It uses the same coefficients and the same frame functions of
`siting.forage` and `siting.water` (``class_heads``, ``feed_demand``, ``livestock_heads``,
``livestock_water_m3_per_yr``, ``irrigation_water_m3_per_yr``) on all rows at once, so
1,000 sites cost one pass instead of 1,000 (issue 12). ``tests/siting/test_needs_table.py``
checks it equals `herd_needs` site by site on the demo candidates to 1e-9.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from problems import Problems
from siting.forage import check_herd_columns, class_heads, feed_demand
from siting.needs import SPECIES_BY_HERD_COLUMN, ReceivingLand, UtilisationEnds
from siting.parameters.forage import FEEDS
from siting.water import irrigation_water_m3_per_yr, livestock_heads, livestock_water_m3_per_yr

if TYPE_CHECKING:
    from siting.parameters import NutrientParams
    from siting.parameters.region import RegionParams

FloatArray = npt.NDArray[np.float64]

#: Columns of `herd_needs_table`, named as the `siting.needs.HerdNeeds` properties.
NEED_TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "absorption_land_n_mu",
    "absorption_land_p_mu",
    "binding_basis",
    "absorption_land_need_mu",
    "absorption_land_need_low_mu",
    "absorption_land_need_high_mu",
    "receiving_land",
    "forage_land_mu",
    "livestock_water_m3_per_yr",
    "irrigation_water_m3_per_yr",
    "water_need_m3_per_yr",
)


def herd_needs_table(
    head: pd.DataFrame,
    lands: Sequence[ReceivingLand],
    params: RegionParams,
    adcodes: Sequence[str | None],
) -> pd.DataFrame:
    """Return the absorption land, forage land and water of every row's herd.

    Parameters
    ----------
    head
        Head on stock by plan-store herd column (``dairy_cow_head`` ...), one row per farm;
        the guide's per-PE manure supply, nothing sold.
    lands
        The land receiving each row's manure (`siting.needs.site_receiving_lands`).
    params
        The region's coefficients.
    adcodes
        County of each row (None: forage land and water are NaN, as in `herd_needs`).

    Returns
    -------
    pandas.DataFrame
        `NEED_TABLE_COLUMNS` (亩, m³/yr; ``binding_basis`` "N"/"P", ``receiving_land``
        "parcels"/"crop"), index of ``head``.

    Raises
    ------
    ParameterError
        For an unknown species column, a bad head count, a bad Olsen-P, or a zone without
        yields or irrigation quotas.
    """
    absorption = _absorption_table(head, lands, params.nutrients)
    forage_water = _forage_water_table(head, adcodes, params)
    return pd.concat([absorption, forage_water], axis=1)[list(NEED_TABLE_COLUMNS)]


def land_required_mu_array(
    supply_kg_per_yr: FloatArray, demand_kg_per_mu: FloatArray
) -> FloatArray:
    """Return ``supply ÷ demand`` (亩) per row: 0 without supply, inf if the land takes none.

    The array form of `siting.nutrients.land.land_required_mu`.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = supply_kg_per_yr / demand_kg_per_mu
    none_taken = np.where(supply_kg_per_yr == 0, 0.0, np.inf)
    return np.asarray(np.where(demand_kg_per_mu > 0, ratio, none_taken), dtype=np.float64)


def total_pig_equivalents(head: pd.DataFrame, nutrients: NutrientParams) -> FloatArray:
    """Return each row's pig equivalents (``Σ head × pe_per_head``) from herd columns.

    Raises
    ------
    ParameterError
        For a column whose species has no PE factor, or a negative or non-numeric count.
    """
    species = {c: SPECIES_BY_HERD_COLUMN.get(c, c.removesuffix("_head")) for c in head.columns}
    unknown = sorted(c for c, sp in species.items() if sp not in nutrients.pe_per_head)
    if unknown:
        problems = Problems("herd", "畜群")
        known = ", ".join(nutrients.pe_per_head)
        problems.add(
            f"unknown species column(s) {unknown}; known species: {known}",
            f"未知畜种列 {unknown}；可选：{known}",
        )
        problems.raise_if_any()
    check_herd_columns(head, tuple(head.columns))
    total = np.zeros(len(head))
    for column, sp in species.items():
        total = total + head[column].to_numpy(dtype=float) * nutrients.pe_per_head[sp]
    return total


def _absorption_table(
    head: pd.DataFrame, lands: Sequence[ReceivingLand], nutrients: NutrientParams
) -> pd.DataFrame:
    pe = total_pig_equivalents(head, nutrients)
    olsen = np.array(
        [np.nan if x.olsen_p_mg_per_kg is None else x.olsen_p_mg_per_kg for x in lands]
    )
    problems = Problems("farm land requirement", "配套土地")
    if (olsen < 0).any() or np.isinf(olsen).any():
        problems.add("olsen_p_mg_per_kg must be >= 0 and finite", "土壤有效磷须为不小于 0 的有限值")
    problems.raise_if_any()
    land = {
        x: land_required_mu_array(
            pe * getattr(nutrients, f"{x}_supply_kg_per_pe"),
            np.array([getattr(lnd.demand, f"{x}_demand_kg_per_mu") for lnd in lands], dtype=float),
        )
        for x in ("n", "p")
    }
    p_rich = olsen > nutrients.olsen_p_threshold_mg_per_kg
    on_p = p_rich | np.array([lnd.p_sensitive for lnd in lands], dtype=bool)
    need = np.where(on_p, land["p"], land["n"])
    ends = UtilisationEnds.of(nutrients)
    used = np.where(on_p, ends.p_frac, ends.n_frac)
    low = np.where(on_p, ends.p_range_frac[0], ends.n_range_frac[0])
    high = np.where(on_p, ends.p_range_frac[1], ends.n_range_frac[1])
    return pd.DataFrame(
        {
            "absorption_land_n_mu": land["n"],
            "absorption_land_p_mu": land["p"],
            "binding_basis": np.where(on_p, "P", "N").astype(object),
            "absorption_land_need_mu": need,
            "absorption_land_need_low_mu": need * low / used,
            "absorption_land_need_high_mu": need * high / used,
            "receiving_land": [lnd.source for lnd in lands],
        },
        index=head.index,
    )


def _forage_water_table(
    head: pd.DataFrame, adcodes: Sequence[str | None], params: RegionParams
) -> pd.DataFrame:
    columns = list(NEED_TABLE_COLUMNS[-4:])
    out = pd.DataFrame(np.nan, index=head.index, columns=columns)
    zones = pd.Series([params.zone_of(a) for a in adcodes], index=head.index, dtype=object)
    zoned = zones.notna().to_numpy()
    if not zoned.any():
        return out
    herd, zone = head.loc[zoned], zones.loc[zoned]
    area = _forage_area_mu(
        herd, [str(a) for a, z in zip(adcodes, zoned, strict=True) if z], zone, params
    )
    livestock = livestock_water_m3_per_yr(livestock_heads(herd, params.forage), params.water)
    irrigation = irrigation_water_m3_per_yr(area, zone, params.water)
    total_area = sum(area[f"{f}_area_mu"].to_numpy(dtype=float) for f in FEEDS)
    out.loc[zoned, columns] = np.column_stack(
        [total_area, livestock, irrigation, livestock.to_numpy() + irrigation.to_numpy()]
    )
    return out


def _forage_area_mu(
    herd: pd.DataFrame, adcodes: list[str], zones: pd.Series, params: RegionParams
) -> pd.DataFrame:
    """``<feed>_area_mu`` per row: demand x local share (1) ÷ the county's yield."""
    demand = feed_demand(class_heads(herd, params.forage), params.forage)
    yields_by_county = {
        a: params.forage.yields_for(a, z) for a, z in dict(zip(adcodes, zones, strict=True)).items()
    }
    return pd.DataFrame(
        {
            f"{feed}_area_mu": demand[f"{feed}_demand_t_per_yr"].to_numpy(dtype=float)
            * 1.0
            / np.array([yields_by_county[a][feed] for a in adcodes])
            for feed in FEEDS
        },
        index=herd.index,
    )
