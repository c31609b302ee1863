"""Tests of the parcel generator settings loader (layers.parcel_model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from errors import FileFormatError, SchemaError
from layers.parcel_model import RNG_STEPS, ZONES, load_parcel_model, with_forage_yields

PACK_DIR = Path(__file__).resolve().parents[2] / "data" / "regions" / "hohhot"
SETTINGS = PACK_DIR / "parcel_generator.toml"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SETTINGS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "parcel_generator.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_bundled_settings_load() -> None:
    model = load_parcel_model(SETTINGS)
    assert set(model.zones) == set(ZONES)
    assert model.forage_crop_keys == {
        "silage_corn": "silage_corn",
        "oat_hay": "forage_oat",
        "alfalfa": "alfalfa",
    }
    assert model.forage_target_year == 2021
    assert {"maize", "potato", "silage_corn"} <= model.crop_keys()


def test_forage_yield_ranges_come_from_the_forage_table() -> None:
    model = with_forage_yields(
        load_parcel_model(SETTINGS), {"150121": {"silage_corn": 3.0, "oat_hay": 0.6}}
    )
    spread = model.forage_yield_spread_frac  # 0.15
    assert model.yield_range("plain", "150121", "silage_corn") == pytest.approx(
        (3.0 * 1_000 * (1 - spread), 3.0 * 1_000 * (1 + spread))
    )
    assert model.yield_range("hills", "150121", "forage_oat") == pytest.approx(
        (600 * (1 - spread), 600 * (1 + spread))
    )  # the county's yield, whatever the cell zone
    assert model.yield_range("plain", "150121", "maize") == (650, 850)  # the generator's own


def test_random_streams_are_fixed_per_step() -> None:
    model = load_parcel_model(SETTINGS)
    first = model.rng("strips").random(3)
    again = np.random.default_rng((model.seed, RNG_STEPS["strips"])).random(3)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, model.rng("forage").random(3))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="do not exist"):
        load_parcel_model(tmp_path / "none.toml")


def test_bad_toml(tmp_path: Path) -> None:
    path = _edited(tmp_path, "seed = 20210714", "seed = = 1")
    with pytest.raises(FileFormatError, match="not valid UTF-8 TOML"):
        load_parcel_model(path)


def test_missing_key(tmp_path: Path) -> None:
    path = _edited(tmp_path, "river_buffer_m = 300.0", "")
    pattern = r"missing or ill-typed setting: KeyError\('river_buffer_m'"
    with pytest.raises(SchemaError, match=pattern):
        load_parcel_model(path)


def test_value_problems_are_listed_together(tmp_path: Path) -> None:
    path = _edited(tmp_path, "plain = { maize = 0.84,", "plain = { maize = 0.94,")
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("150122 = 0.50", "150122 = 1.50")
        .replace("maize = [650, 850]", "maize = [850, 650]")
        .replace("forage_yield_spread_frac = 0.15", "forage_yield_spread_frac = 1.5"),
        encoding="utf-8",
    )
    with pytest.raises(SchemaError, match="4 problem") as caught:
        load_parcel_model(path)
    text = str(caught.value)
    assert "other_crops.plain: shares must be >= 0 and sum to 1, sum is 1.1" in text
    assert "cropland.county_frac.150122 = 1.5 must be in (0, 1)" in text
    assert "yields.kg_per_mu.plain: need 0 <= low <= high for ['maize']" in text
    assert "yields.forage_yield_spread_frac = 1.5 must be in [0, 1)" in text
    assert "比例" in caught.value.message("zh")


def test_unknown_zone(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        'zones = ["plain", "plateau", "mountain", "hills"]',
        'zones = ["plain", "plateau", "mountain", "desert"]',
    )
    with pytest.raises(SchemaError, match="zones: zones must be exactly"):
        load_parcel_model(path)
