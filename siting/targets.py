"""Which plan target is in force in a given year (county forage acreage, city-level targets).

A plan states targets for some years only (Hohhot: 2021 and 2023). The target in force in
year Y is the one of the latest target year <= Y; before the first target year, the first
target applies. Inputs are the frames of `layers.targets` (``load_forage_targets``,
``load_city_targets``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo.units import wan_mu_to_mu
from siting.parameters import FEEDS


def target_year_in_force(target_years: Iterable[int], year: int) -> int | None:
    """Return the latest target year <= ``year``, else the earliest; None if there is none."""
    years = sorted({int(y) for y in target_years})
    if not years:
        return None
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else years[0]


@dataclass(frozen=True, slots=True)
class CityTarget:
    """One city-level target in force: value (in ``unit``), its year, source and note."""

    key: str
    value: float
    unit: str
    target_year: int
    source: str
    status: str
    note: str


def city_target(city_targets: pd.DataFrame, key: str, year: int) -> CityTarget | None:
    """Return the target ``key`` in force in ``year``, or None if the plan has no such key.

    ``city_targets`` has the columns of `layers.targets.load_city_targets` (``key``,
    ``year``, ``value``, ``unit``, ``source``, ``status``, ``note``).
    """
    rows = city_targets[city_targets["key"] == key]
    target_year = target_year_in_force(rows["year"], year)
    if target_year is None:
        return None
    row = rows[rows["year"] == target_year].iloc[0]
    return CityTarget(
        key,
        float(row["value"]),
        str(row["unit"]),
        target_year,
        str(row["source"]),
        str(row["status"]),
        str(row["note"]),
    )


def county_forage_targets(forage_targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return each county's forage acreage targets in force in ``year``.

    Parameters
    ----------
    forage_targets
        Long table of `layers.targets.load_forage_targets` (``adcode``, ``crop`` = feed key,
        ``year``, ``target_mu``, ``source``).
    year
        The year checked.

    Returns
    -------
    targets
        ``adcode`` and, per feed, ``<feed>_target_mu`` (亩, 0 where the county has no target),
        ``<feed>_target_year`` (the year the target was set for, 0 if none) and
        ``<feed>_target_source``; one row per county with any target.
    """
    frames = []
    for feed in FEEDS:
        rows = forage_targets[forage_targets["crop"] == feed]
        target_year = target_year_in_force(rows["year"], year)
        chosen = rows[rows["year"] == target_year] if target_year is not None else rows.iloc[0:0]
        frames.append(
            pd.DataFrame(
                {
                    "adcode": chosen["adcode"].astype(str).to_numpy(),
                    f"{feed}_target_mu": chosen["target_mu"].to_numpy(dtype=float),
                    f"{feed}_target_year": [target_year or 0] * len(chosen),
                    f"{feed}_target_source": chosen["source"].astype(str).to_numpy(),
                }
            ).set_index("adcode")
        )
    joined = pd.concat(frames, axis=1)
    for feed in FEEDS:
        joined[f"{feed}_target_mu"] = joined[f"{feed}_target_mu"].fillna(0.0)
        joined[f"{feed}_target_year"] = joined[f"{feed}_target_year"].fillna(0).astype(int)
        joined[f"{feed}_target_source"] = joined[f"{feed}_target_source"].fillna("")
    return joined.rename_axis("adcode").reset_index().sort_values("adcode", ignore_index=True)


def wan_mu_target_mu(target: CityTarget | None) -> float | None:
    """Return a 万亩 target in 亩 (None stays None)."""
    return None if target is None else wan_mu_to_mu(target.value)
