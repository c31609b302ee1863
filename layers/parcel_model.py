"""Settings of the illustrative absorption-parcel generator, read from a region pack's TOML.

The file (Hohhot: ``data/regions/hohhot/parcel_generator.toml``, manifest layer of kind
``parcel_generator``) holds every assumption of `layers.build.parcel_synthesis`: the seed, grid
size, landscape zones, cropland shares, field sizes, forage goal factors, crop shares, yield
ranges, soil distributions and the manure exclusions. Its comments explain each value.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from errors import FileFormatError, SchemaError
from geo.units import KG_PER_T

SOIL_CLASSES: tuple[str, ...] = ("I", "II", "III")
# Landscape zones the generator knows (layers.build.parcel_synthesis.classify_zones); cells of the
# built-up city form a fifth zone, "urban", that never holds cropland.
ZONES: tuple[str, ...] = ("plain", "plateau", "mountain", "hills")
_SHARE_TOLERANCE = 1e-6

# One random stream per generation step, ``default_rng((seed, number))``, so that one step's
# draws do not depend on how many another step made. Never renumber: it changes every layer.
RNG_STEPS: dict[str, int] = {
    "cropland_field": 1,
    "forage_fields": 2,
    "quality_field": 3,
    "soil_fields": 4,
    "steep_field": 5,
    "strips": 6,
    "forage": 7,
    "other_crops": 8,
    "yield_noise": 9,
    "soil_noise": 10,
    "steep_noise": 11,
}

# One problem = (English text, Chinese text).
_Problem = tuple[str, str]
LonLat = tuple[float, float]
Range = tuple[float, float]


@dataclass(frozen=True)
class StripRule:
    """How a grid cell of one zone is cut into parallel fields (strips)."""

    counts: tuple[int, ...]
    probs: tuple[float, ...]
    width_jitter_frac: float


@dataclass(frozen=True)
class ParcelModel:
    """Every setting of the generator (units in the names; zone-keyed mappings by zone).

    Mappings keyed by zone use the names in ``zones``; ``forage_*`` mappings are keyed by the
    target crops of the forage-target table (``silage_corn``, ``oat_hay``, ``alfalfa``).
    """

    source: str
    seed: int
    cell_m: float
    min_parcel_mu: float
    zones: tuple[str, ...]
    mountain_front_lonlat: tuple[LonLat, ...]
    mountain_depth_deg: float
    hills_line_lonlat: tuple[LonLat, ...]
    urban_center_lonlat: LonLat
    urban_radius_km: float
    yellow_river_box_lonlat: tuple[float, float, float, float]
    dahei_river_lonlat: tuple[LonLat, ...]
    river_buffer_m: float
    cropland_smoothing_km: float
    cropland_noise_sigma: float
    cropland_strip_noise_sigma: float
    cropland_zone_weight: Mapping[str, float]
    cropland_county_frac: Mapping[str, float]
    strips: Mapping[str, StripRule]
    forage_target_year: int
    forage_smoothing_km: float
    forage_noise_sigma: float
    forage_parcel_noise_sigma: float
    forage_crop_keys: Mapping[str, str]
    forage_goal_factor: Mapping[str, Range]
    forage_zone_affinity: Mapping[str, Mapping[str, float]]
    other_crop_shares: Mapping[str, Mapping[str, float]]
    yield_smoothing_km: float
    yield_round_kg_per_mu: float
    yield_kg_per_mu: Mapping[str, Mapping[str, Range]]
    forage_yield_spread_frac: float
    soil_smoothing_km: float
    total_n_class_min_g_per_kg: Mapping[str, float]
    olsen_p_class_min_mg_per_kg: Mapping[str, float]
    total_n_g_per_kg: Mapping[str, Range]
    olsen_p_mg_per_kg: Mapping[str, Range]
    steep_frac: Mapping[str, float]
    steep_smoothing_km: float
    #: ``adcode -> forage crop key -> kg/亩``: the region's forage yield table (the one that
    #: forage supply uses), set by `with_forage_yields`; empty until then.
    forage_yield_kg_per_mu: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def rng(self, step: str) -> np.random.Generator:
        """Return the random generator of generation step ``step`` (a key of `RNG_STEPS`)."""
        return np.random.default_rng((self.seed, RNG_STEPS[step]))

    def yield_range(self, zone: str, adcode: str, crop: str) -> Range:
        """Return the [low, high] target yield (kg/亩) of ``crop`` on a parcel.

        A forage crop's range is its county's yield from the forage yield table ±
        ``forage_yield_spread_frac``; other crops use ``yield_kg_per_mu[zone]``.
        """
        county = self.forage_yield_kg_per_mu.get(adcode, {})
        if crop in county:
            centre, spread = county[crop], self.forage_yield_spread_frac
            return (centre * (1.0 - spread), centre * (1.0 + spread))
        return self.yield_kg_per_mu[zone][crop]

    def crop_keys(self) -> set[str]:
        """Return every crop key the model can assign (forage and other crops)."""
        keys = set(self.forage_crop_keys.values())
        for shares in self.other_crop_shares.values():
            keys |= set(shares)
        return keys


def load_parcel_model(path: Path) -> ParcelModel:
    """Read and validate the generator settings in ``path`` (TOML).

    Raises
    ------
    FileFormatError
        If the file is missing or not valid UTF-8 TOML.
    SchemaError
        If keys are missing or values are out of range (all problems listed at once).
    """
    data = _read_toml(path)
    try:
        model = _build_model(data)
    except (KeyError, TypeError, ValueError) as err:
        problem = (f"missing or ill-typed setting: {err!r}", f"缺少设置或类型错误：{err!r}")
        raise _error(path, [problem]) from err
    problems = _model_problems(model)
    if problems:
        raise _error(path, problems)
    return model


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        msg = f"Parcel generator settings {path} do not exist. Check the region manifest."
        raise FileFormatError(msg, zh=f"地块生成设置文件 {path} 不存在，请检查地区清单。") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        msg = f"Parcel generator settings {path} are not valid UTF-8 TOML: {err}. Fix the syntax."
        zh = f"地块生成设置文件 {path} 不是有效的 UTF-8 TOML：{err}。请修正语法。"
        raise FileFormatError(msg, zh=zh) from err


def _pairs(values: Any) -> tuple[LonLat, ...]:
    return tuple((float(lon), float(lat)) for lon, lat in values)


def _ranges(table: Mapping[str, Any]) -> dict[str, Range]:
    return {key: (float(low), float(high)) for key, (low, high) in table.items()}


def _floats(table: Mapping[str, Any]) -> dict[str, float]:
    return {str(key): float(value) for key, value in table.items()}


def _build_model(data: Mapping[str, Any]) -> ParcelModel:
    geo, crop, forage = data["geography"], data["cropland"], data["forage"]
    yields, soil, manure = data["yields"], data["soil"], data["manure"]
    lon, lat = geo["urban_center_lonlat"]
    west, south, east, north = geo["yellow_river_box_lonlat"]
    return ParcelModel(
        source=str(data["source"]),
        seed=int(data["seed"]),
        cell_m=float(data["cell_m"]),
        min_parcel_mu=float(data["min_parcel_mu"]),
        zones=tuple(data["zones"]),
        mountain_front_lonlat=_pairs(geo["mountain_front_lonlat"]),
        mountain_depth_deg=float(geo["mountain_depth_deg"]),
        hills_line_lonlat=_pairs(geo["hills_line_lonlat"]),
        urban_center_lonlat=(float(lon), float(lat)),
        urban_radius_km=float(geo["urban_radius_km"]),
        yellow_river_box_lonlat=(float(west), float(south), float(east), float(north)),
        dahei_river_lonlat=_pairs(geo["dahei_river_lonlat"]),
        river_buffer_m=float(geo["river_buffer_m"]),
        cropland_smoothing_km=float(crop["smoothing_km"]),
        cropland_noise_sigma=float(crop["noise_sigma"]),
        cropland_strip_noise_sigma=float(crop["strip_noise_sigma"]),
        cropland_zone_weight=_floats(crop["zone_weight"]),
        cropland_county_frac=_floats(crop["county_frac"]),
        strips={
            zone: StripRule(
                tuple(int(c) for c in rule["counts"]),
                tuple(float(p) for p in rule["probs"]),
                float(rule["width_jitter_frac"]),
            )
            for zone, rule in data["strips"].items()
        },
        forage_target_year=int(forage["target_year"]),
        forage_smoothing_km=float(forage["smoothing_km"]),
        forage_noise_sigma=float(forage["noise_sigma"]),
        forage_parcel_noise_sigma=float(forage["parcel_noise_sigma"]),
        forage_crop_keys={k: str(v) for k, v in forage["target_crop_keys"].items()},
        forage_goal_factor=_ranges(forage["goal_factor"]),
        forage_zone_affinity={k: _floats(v) for k, v in forage["zone_affinity"].items()},
        other_crop_shares={k: _floats(v) for k, v in data["other_crops"].items()},
        yield_smoothing_km=float(yields["smoothing_km"]),
        yield_round_kg_per_mu=float(yields["round_kg_per_mu"]),
        yield_kg_per_mu={k: _ranges(v) for k, v in yields["kg_per_mu"].items()},
        forage_yield_spread_frac=float(yields["forage_yield_spread_frac"]),
        soil_smoothing_km=float(soil["smoothing_km"]),
        total_n_class_min_g_per_kg=_floats(soil["total_n_class_min_g_per_kg"]),
        olsen_p_class_min_mg_per_kg=_floats(soil["olsen_p_class_min_mg_per_kg"]),
        total_n_g_per_kg=_ranges(soil["total_n_g_per_kg"]),
        olsen_p_mg_per_kg=_ranges(soil["olsen_p_mg_per_kg"]),
        steep_frac=_floats(manure["steep_frac"]),
        steep_smoothing_km=float(manure["steep_smoothing_km"]),
    )


def _model_problems(model: ParcelModel) -> list[_Problem]:
    problems = _zone_key_problems(model)
    for zone, rule in model.strips.items():
        if len(rule.counts) != len(rule.probs) or min(rule.counts, default=0) < 1:
            problems.append(
                (
                    f"strips.{zone}: counts and probs must pair up, counts >= 1",
                    f"strips.{zone}：counts 与 probs 应一一对应，counts ≥ 1",
                )
            )
        problems += _share_problems(f"strips.{zone}.probs", dict(enumerate(rule.probs)))
    for zone, shares in model.other_crop_shares.items():
        problems += _share_problems(f"other_crops.{zone}", shares)
    for adcode, frac in model.cropland_county_frac.items():
        if not 0 < frac < 1:
            problems.append(
                (
                    f"cropland.county_frac.{adcode} = {frac} must be in (0, 1)",
                    f"cropland.county_frac.{adcode} = {frac} 应在 (0, 1) 之间",
                )
            )
    for zone, crops in model.yield_kg_per_mu.items():
        bad = [crop for crop, (low, high) in crops.items() if not 0 <= low <= high]
        if bad:
            problems.append(
                (
                    f"yields.kg_per_mu.{zone}: need 0 <= low <= high for {bad}",
                    f"yields.kg_per_mu.{zone}：{bad} 应满足 0 ≤ 下限 ≤ 上限",
                )
            )
    if not 0 <= model.forage_yield_spread_frac < 1:
        problems.append(
            (
                f"yields.forage_yield_spread_frac = {model.forage_yield_spread_frac} "
                "must be in [0, 1)",
                "yields.forage_yield_spread_frac 应在 [0, 1) 之间",
            )
        )
    if model.cell_m <= 0 or model.min_parcel_mu < 0:
        problems.append(
            (
                "cell_m must be > 0 and min_parcel_mu >= 0",
                "cell_m 应大于 0，min_parcel_mu 应不小于 0",
            )
        )
    return problems


def _zone_key_problems(model: ParcelModel) -> list[_Problem]:
    zones = set(ZONES)
    tables: dict[str, Mapping[str, object]] = {
        "cropland.zone_weight": model.cropland_zone_weight,
        "strips": model.strips,
        "other_crops": model.other_crop_shares,
        "yields.kg_per_mu": model.yield_kg_per_mu,
        "soil.total_n_g_per_kg": model.total_n_g_per_kg,
        "soil.olsen_p_mg_per_kg": model.olsen_p_mg_per_kg,
        "manure.steep_frac": model.steep_frac,
        **{
            f"forage.zone_affinity.{crop}": table
            for crop, table in model.forage_zone_affinity.items()
        },
    }
    tables["zones"] = dict.fromkeys(model.zones)
    problems = [
        (
            f"{name}: zones must be exactly {sorted(zones)}, got {sorted(table)}",
            f"{name}：分区应为 {sorted(zones)}，实际为 {sorted(table)}",
        )
        for name, table in tables.items()
        if set(table) != zones
    ]
    for zone, crops in model.yield_kg_per_mu.items():
        missing = sorted(model.crop_keys() - set(model.forage_crop_keys.values()) - set(crops))
        if missing:
            problems.append(
                (
                    f"yields.kg_per_mu.{zone}: no yield range for {missing}",
                    f"yields.kg_per_mu.{zone}：缺少 {missing} 的产量范围",
                )
            )
    return problems


def _share_problems(name: str, shares: Mapping[Any, float]) -> list[_Problem]:
    total = sum(shares.values())
    if abs(total - 1.0) <= _SHARE_TOLERANCE and min(shares.values(), default=0) >= 0:
        return []
    return [
        (
            f"{name}: shares must be >= 0 and sum to 1, sum is {total:.6g}",
            f"{name}：比例应非负且合计为 1，实际合计 {total:.6g}",
        )
    ]


def _error(path: Path, problems: list[_Problem]) -> SchemaError:
    lines_en = "\n".join(f"- {en}" for en, _ in problems)
    lines_zh = "\n".join(f"- {zh}" for _, zh in problems)
    msg = (
        f"Parcel generator settings {path.name!r} ({path}) have {len(problems)} problem(s):"
        f"\n{lines_en}\nFix the file (its comments explain every key)."
    )
    zh = f"地块生成设置 {path.name!r} 有 {len(problems)} 处问题：\n{lines_zh}\n请修改该文件。"
    return SchemaError(msg, zh=zh)


def with_forage_yields(
    model: ParcelModel, yield_t_per_mu_by_county: Mapping[str, Mapping[str, float]]
) -> ParcelModel:
    """Return ``model`` whose forage crops take the region's forage yields, by county.

    Parameters
    ----------
    model
        Generator settings.
    yield_t_per_mu_by_county
        ``adcode -> feed -> t/亩`` (feeds ``silage_corn``, ``alfalfa``, ``oat_hay``: the keys of
        ``model.forage_crop_keys``), e.g. `siting.parameters.ForageParams.yields_for` of each
        county's zone: the same yields that forage supply uses.
    """
    by_county = {
        adcode: {
            model.forage_crop_keys[feed]: t_per_mu * KG_PER_T
            for feed, t_per_mu in feeds.items()
            if feed in model.forage_crop_keys
        }
        for adcode, feeds in yield_t_per_mu_by_county.items()
    }
    return replace(model, forage_yield_kg_per_mu=by_county)
