"""Check rows of a build-out: value, limit, status and source for every county (or the city).

Each check is a row: ``scope`` (county | city), ``adcode``, ``year``, ``check`` (key of
`CHECKS`), ``value``, ``limit``, ``warning_limit``, ``limit_type`` (max: the value must not
exceed the limit; min: it must reach it), ``unit``, ``status`` (ok | warning | exceeded:
the limit is breached, for a minimum the value falls short), ``grade`` (load-index checks),
``source`` (of the limit), ``name`` and ``note`` (`locales.Message`: catalogue keys
``buildout.check.*`` and ``buildout.note.*`` with their values, rendered in a language only
by the entry points). Rows are built from the additive totals of `siting.buildout_county`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from geo.units import MU_PER_WAN_MU, WAN_MU_UNIT
from locales import Message, Term
from siting.buildout_inputs import BuildoutRegion
from siting.parameters import FEEDS, RegionParams
from siting.targets import city_target
from siting.utilisation import utilisation_frac

LimitType = Literal["max", "min"]
STATUSES: Final[tuple[str, ...]] = ("ok", "warning", "exceeded")
CHECK_COLUMNS: Final[tuple[str, ...]] = (
    "scope",
    "adcode",
    "year",
    "check",
    "value",
    "limit",
    "warning_limit",
    "limit_type",
    "unit",
    "status",
    "grade",
    "source",
    "name",
    "note",
)
#: Columns holding a `locales.Message` (rendered by the entry points).
MESSAGE_COLUMNS: Final[tuple[str, ...]] = ("name", "note")
#: Plan-target key of each self-sufficiency check.
SELF_SUFFICIENCY_KEYS: Final[dict[str, str]] = {
    "silage_self_sufficiency": "silage_corn_self_sufficiency_min_frac",
    "hay_self_sufficiency": "alfalfa_oat_self_sufficiency_min_frac",
}
_SELF_SUFFICIENCY_FEEDS: Final[dict[str, tuple[str, ...]]] = {
    "silage_self_sufficiency": ("silage_corn",),
    "hay_self_sufficiency": ("alfalfa", "oat_hay"),
}
#: Text of a target year when no plan target is in force.
NO_TARGET_YEAR: Final[str] = "-"


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """Display name (a catalogue message), unit and kind of limit of one check."""

    name: Message
    unit: str
    limit_type: LimitType


def _named(check: str, unit: str, limit_type: LimitType) -> CheckSpec:
    """Return the spec of ``check`` named by the catalogue key ``buildout.check.<check>``."""
    return CheckSpec(Message.of(f"buildout.check.{check}"), unit, limit_type)


def _feed(feed: str) -> Message:
    return Message.of(f"buildout.feed.{feed}")


CHECKS: Final[dict[str, CheckSpec]] = {
    "silage_self_sufficiency": _named("silage_self_sufficiency", "frac", "min"),
    "hay_self_sufficiency": _named("hay_self_sufficiency", "frac", "min"),
    **{
        f"forage_area_{f}": CheckSpec(
            Message.of("buildout.check.forage_area", feed=_feed(f)), WAN_MU_UNIT, "max"
        )
        for f in FEEDS
    },
    **{
        f"forage_grown_{f}": CheckSpec(
            Message.of("buildout.check.forage_grown", feed=_feed(f)), WAN_MU_UNIT, "min"
        )
        for f in FEEDS
    },
    "forage_area_total": _named("forage_area_total", WAN_MU_UNIT, "max"),
    "manure_load_index_n": _named("manure_load_index_n", "load index", "max"),
    "manure_load_index_p": _named("manure_load_index_p", "load index", "max"),
    "manure_utilisation_n": _named("manure_utilisation_n", "frac", "min"),
    "manure_utilisation_p": _named("manure_utilisation_p", "frac", "min"),
    "manure_unmet_need": _named("manure_unmet_need", "kg/yr", "max"),
    "water_use": _named("water_use", "m3/yr", "max"),
    "dairy_cow_head": _named("dairy_cow_head", "head", "min"),
    "goat_head": _named("goat_head", "head", "min"),
}


def check_status(
    value: pd.Series, limit: pd.Series, warning_limit: pd.Series, limit_type: pd.Series
) -> np.ndarray:
    """Return ok / warning / exceeded per row (ok where the value or limit is NaN)."""
    v, lim, warn = (s.to_numpy(dtype=float) for s in (value, limit, warning_limit))
    is_max = (limit_type == "max").to_numpy()
    with np.errstate(invalid="ignore"):
        exceeded = np.where(is_max, v > lim, v < lim)
        warning = np.where(is_max, v > warn, v < warn)
    return np.where(exceeded, "exceeded", np.where(warning, "warning", "ok"))


def _rows(
    totals: pd.DataFrame,
    check: str,
    value: np.ndarray,
    limit: np.ndarray,
    *,
    warning_limit: np.ndarray | None,
    band_frac: float,
    source: object,
    note: Message | Sequence[Message],
) -> pd.DataFrame:
    spec = CHECKS[check]
    notes = [note] * len(totals) if isinstance(note, Message) else list(note)
    limit = np.asarray(limit, dtype=float)
    if warning_limit is None:
        factor = 1 - band_frac if spec.limit_type == "max" else 1 + band_frac
        warning_limit = limit * factor
    return pd.DataFrame(
        {
            "scope": totals["scope"].to_numpy(),
            "adcode": totals["adcode"].to_numpy(),
            "year": totals["year"].to_numpy(),
            "check": check,
            "value": value,
            "limit": limit,
            "warning_limit": warning_limit,
            "limit_type": spec.limit_type,
            "unit": spec.unit,
            "grade": "",
            "source": source,
            "name": [spec.name] * len(totals),
            "note": notes,
        }
    )


def _column_sum(frame: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    """Return ``frame[a] + frame[b] + ...`` (NaN propagates; typed, unlike a bare ``sum``)."""
    return sum((frame[c] for c in columns), start=pd.Series(0, index=frame.index))


def _ratio(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    num, den = numerator.to_numpy(dtype=float), denominator.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def self_sufficiency_rows(
    totals: pd.DataFrame, region: BuildoutRegion, parameters: RegionParams
) -> list[pd.DataFrame]:
    """Return the silage and alfalfa-oat self-sufficiency rows (local supply ÷ demand)."""
    frames = []
    for check, key in SELF_SUFFICIENCY_KEYS.items():
        feeds = _SELF_SUFFICIENCY_FEEDS[check]
        supply = _column_sum(totals, (f"{f}_supply_t_per_yr" for f in feeds))
        demand = _column_sum(totals, (f"{f}_demand_t_per_yr" for f in feeds))
        targets = [city_target(region.city_targets, key, int(y)) for y in totals["year"]]
        if all(t is None for t in targets):
            continue
        limit = np.array([np.nan if t is None else t.value for t in targets])
        note = [
            Message.of(
                "buildout.note.self_sufficiency",
                supply_t=float(s),
                demand_t=float(d),
                target_year=t.target_year if t else NO_TARGET_YEAR,
            )
            for s, d, t in zip(supply, demand, targets, strict=True)
        ]
        source = [t.source if t else "" for t in targets]
        frames.append(
            _rows(
                totals,
                check,
                _ratio(supply, demand),
                limit,
                warning_limit=None,
                band_frac=parameters.buildout.warning_band_frac,
                source=source,
                note=note,
            )
        )
    return frames


def forage_area_rows(
    totals: pd.DataFrame, region: BuildoutRegion, parameters: RegionParams, *, grown: bool
) -> list[pd.DataFrame]:
    """Return, per feed, area needed (or grown on parcels) vs the planned area, in 万亩."""
    source = str(region.forage_targets["source"].iloc[0]) if len(region.forage_targets) else ""
    band = parameters.buildout.warning_band_frac
    frames = []
    for feed in FEEDS:
        column = f"{feed}_area_mu" if grown else f"{feed}_area_needed_mu"
        value = totals[column].to_numpy(dtype=float) / MU_PER_WAN_MU
        limit = totals[f"{feed}_target_mu"].to_numpy(dtype=float) / MU_PER_WAN_MU
        note = Message.of("buildout.note.forage_grown" if grown else "buildout.note.forage_needed")
        check = f"forage_grown_{feed}" if grown else f"forage_area_{feed}"
        frames.append(
            _rows(
                totals,
                check,
                value,
                limit,
                warning_limit=None,
                band_frac=band,
                source=source,
                note=note,
            )
        )
    return frames


def manure_rows(
    totals: pd.DataFrame, parameters: RegionParams, region: BuildoutRegion
) -> list[pd.DataFrame]:
    """Return the N and P load-index rows (with grade) and the utilisation row."""
    params = parameters.buildout
    limit_source = params.coefficient("load_index_limit").source
    frames = []
    for x in ("n", "p"):
        index = _load_index(totals["present_pe"], totals[f"capacity_pe_{x}"])
        grades = [parameters.grades.classify(i) for i in index]
        rows = _rows(
            totals,
            f"manure_load_index_{x}",
            index,
            np.full(len(totals), params.load_index_limit),
            warning_limit=np.full(len(totals), params.load_index_warning),
            band_frac=params.warning_band_frac,
            source=limit_source,
            note=[
                Message.of(
                    "buildout.note.load_index",
                    present_pe=float(p),
                    capacity_pe=float(c),
                    grade=g.grade,
                    grade_label=Term(g.label_zh, g.label_en),
                )
                for p, c, g in zip(
                    totals["present_pe"], totals[f"capacity_pe_{x}"], grades, strict=True
                )
            ],
        )
        frames.append(rows.assign(grade=[g.grade for g in grades]))
    frames += _utilisation_rows(totals, parameters, region)
    return frames


def _load_index(present: pd.Series, capacity: pd.Series) -> np.ndarray:
    p, c = present.to_numpy(dtype=float), capacity.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c > 0, p / np.where(c > 0, c, 1.0), np.where(p > 0, np.inf, 0.0))


def _utilisation_rows(
    totals: pd.DataFrame, parameters: RegionParams, region: BuildoutRegion
) -> list[pd.DataFrame]:
    """Return the N and P utilisation rows (`siting.utilisation`) against the plan target."""
    ledger = totals["ledger_need_kg_per_yr"].notna().to_numpy()
    targets = [
        city_target(region.city_targets, "manure_utilisation_min_frac", int(y))
        for y in totals["year"]
    ]
    limit = np.array([np.nan if t is None else t.value for t in targets])
    frames = []
    for x in ("n", "p"):
        parts = [totals[f"{x}_{part}_kg_per_yr"] for part in ("on_land", "to_plants", "produced")]
        note = [
            Message.of(
                "buildout.note.utilisation",
                on_land_kg=float(a),
                to_plants_kg=float(b),
                produced_kg=float(c),
                land=Message.of(
                    "buildout.note.land_ledger" if matched else "buildout.note.land_proxy"
                ),
            )
            for a, b, c, matched in zip(*parts, ledger, strict=True)
        ]
        frames.append(
            _rows(
                totals,
                f"manure_utilisation_{x}",
                utilisation_frac(
                    totals[f"{x}_utilised_kg_per_yr"], totals[f"{x}_produced_kg_per_yr"]
                ),
                limit,
                warning_limit=None,
                band_frac=parameters.buildout.warning_band_frac,
                source=[t.source if t else "" for t in targets],
                note=note,
            )
        )
    return frames


def unmet_rows(totals: pd.DataFrame) -> list[pd.DataFrame]:
    """Return the ledger shortfall rows (only when an allocation was given)."""
    if totals["ledger_unmet_kg_per_yr"].isna().all():
        return []
    zero = np.zeros(len(totals))
    return [
        _rows(
            totals,
            "manure_unmet_need",
            totals["ledger_unmet_kg_per_yr"].to_numpy(),
            zero,
            warning_limit=zero,
            band_frac=0.0,
            source="absorption-land ledger (siting.allocate)",
            note=Message.of("buildout.note.unmet_need"),
        )
    ]


def water_rows(
    totals: pd.DataFrame, parameters: RegionParams, region: BuildoutRegion
) -> list[pd.DataFrame]:
    """Return the water use vs cap rows (m³/yr)."""
    caps = region.water_caps.assign(adcode=region.water_caps["adcode"].astype(str))
    source = (
        totals["adcode"]
        .map(caps.set_index("adcode")["source"])
        .astype(object)  # all NaN (a pack without water caps) would be float
        .fillna("; ".join(sorted(set(caps["source"].astype(str)))) or "no water caps in the pack")
    )
    note = [
        Message.of(
            "buildout.note.water_use",
            livestock_m3=float(a),
            irrigation_m3=float(b),
            other_m3=float(c),
        )
        for a, b, c in zip(
            totals["livestock_water_m3_per_yr"],
            totals["irrigation_water_m3_per_yr"],
            totals["other_water_m3_per_yr"],
            strict=True,
        )
    ]
    return [
        _rows(
            totals,
            "water_use",
            totals["water_use_m3_per_yr"].to_numpy(),
            totals["water_cap_m3_per_yr"].to_numpy(),
            warning_limit=None,
            band_frac=parameters.buildout.warning_band_frac,
            source=source.to_numpy(),
            note=note,
        )
    ]


def finish(rows: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate check rows, set their status and order the columns."""
    frame = pd.concat(rows, ignore_index=True)
    frame["status"] = check_status(
        frame["value"], frame["limit"], frame["warning_limit"], frame["limit_type"]
    )
    return frame[list(CHECK_COLUMNS)]


def city_rows(
    city: pd.DataFrame, region: BuildoutRegion, parameters: RegionParams
) -> list[pd.DataFrame]:
    """Return the city-only rows: forage base and herd targets of the plan."""
    specs = (
        (
            "forage_area_total",
            "forage_base_wan_mu",
            MU_PER_WAN_MU,
            _column_sum(city, (f"{f}_area_needed_mu" for f in FEEDS)),
        ),
        ("dairy_cow_head", "dairy_cow_head", 1.0, city["dairy_cow_head"]),
        ("goat_head", "goat_head", 1.0, city["dairy_goat_head"]),
    )
    frames = []
    for check, key, per_unit, value in specs:
        targets = [city_target(region.city_targets, key, int(y)) for y in city["year"]]
        if all(t is None for t in targets):
            continue
        limit = np.array([np.nan if t is None else t.value for t in targets])
        years = [t.target_year if t else NO_TARGET_YEAR for t in targets]
        frames.append(
            _rows(
                city,
                check,
                value.to_numpy(dtype=float) / per_unit,
                limit,
                warning_limit=None,
                band_frac=parameters.buildout.warning_band_frac,
                source=[t.source if t else "" for t in targets],
                note=[Message.of("buildout.note.city_target", target_year=y) for y in years],
            )
        )
    return frames
