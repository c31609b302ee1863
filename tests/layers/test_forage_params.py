"""Loaders of the forage, water-quota and build-out tables and of the region's zones and caps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from errors import SchemaError
from layers.coefficients import coefficient_path
from layers.county_zones import load_county_zones
from layers.forage_params import (
    load_buildout_params,
    load_forage_params,
    load_water_params,
)
from layers.region import REGIONS_DIR, load_region
from layers.water_caps import load_water_caps
from siting.parameters import FEEDS, ZONES

HOHHOT = REGIONS_DIR / "hohhot"


def _small_pack(tmp_path: Path) -> Path:
    """Copy the Hohhot pack without its big generated files."""
    target = tmp_path / "hohhot"
    shutil.copytree(
        HOHHOT, target, ignore=shutil.ignore_patterns("*.tif", "*parcels.gpkg", "constraints.gpkg")
    )
    return target


def test_default_tables_load() -> None:
    forage = load_forage_params()
    assert forage.ration_t_per_head_yr["lactating_cow"]["silage_corn"] == 8.0
    assert forage.ration_t_per_head_yr["lactating_cow"]["grass_hay"] == 2.0
    assert (forage.grass_hay_as_oat_hay_frac, forage.storage_loss_frac) == (0.40, 0.10)
    assert sum(forage.herd_share_frac.values()) == pytest.approx(1.0)
    assert set(forage.yield_t_per_mu) == set(ZONES)
    water = load_water_params()
    assert water.livestock_l_per_head_day["lactating_cow"] == 200
    assert set(water.irrigation_m3_per_mu["plain"]) == set(FEEDS)
    buildout = load_buildout_params()
    assert (buildout.ramp_frac, buildout.warning_band_frac) == ((0.5, 1.0), 0.1)
    assert {c.status for c in water.coefficients()} == {"illustrative"}


def test_hohhot_zones_caps_and_empty_overrides() -> None:
    region = load_region("hohhot")
    zones = load_county_zones(region).set_index("adcode")["zone"]
    assert zones["150121"] == "plain" and zones["150124"] == "hills"
    assert zones["150125"] == "plateau" and len(zones) == 9
    caps = load_water_caps(region)
    assert (caps["other_use_m3_per_yr"] <= caps["cap_m3_per_yr"]).all()
    assert set(caps["status"]) == {"illustrative"}
    assert load_forage_params(region).county_yield_t_per_mu == {}


def test_county_yield_overrides_are_read(tmp_path: Path) -> None:
    folder = _small_pack(tmp_path)
    (folder / "forage_yield_overrides.csv").write_text(
        "adcode,name_zh,crop,yield_t_per_mu,status,source,note\n"
        "150121,土默特左旗,silage_corn,3.6,verified,county survey 2023,\n",
        encoding="utf-8",
    )
    params = load_forage_params(load_region(folder))
    assert params.yields_for("150121", "plain")["silage_corn"] == 3.6
    record = params.coefficient("yield_override.150121.silage_corn")
    assert (record.status, record.source) == ("verified", "county survey 2023")


def test_bad_override_rows_are_listed(tmp_path: Path) -> None:
    folder = _small_pack(tmp_path)
    (folder / "forage_yield_overrides.csv").write_text(
        "adcode,name_zh,crop,yield_t_per_mu,status,source,note\n"
        "150121,土默特左旗,silage_corn,0,guessed,x,\n",
        encoding="utf-8",
    )
    with pytest.raises(
        SchemaError,
        match=r"(?s)'status' is not one of.*'yield_t_per_mu' must "
        r"be > 0 on line\(s\) 2",
    ):
        load_forage_params(load_region(folder))


def test_region_copy_of_a_table_replaces_the_default(tmp_path: Path) -> None:
    folder = tmp_path / "coefficients"
    folder.mkdir()
    (folder / "buildout.csv").write_text(
        "key,value,unit,status,source,note\n"
        "ramp_frac.0,0.3,fraction,illustrative,x,\n"
        "ramp_frac.1,0.8,fraction,illustrative,x,\n"
        "ramp_frac.2,1.0,fraction,illustrative,x,\n"
        "warning_band_frac,0.05,fraction,illustrative,x,\n"
        "load_index_limit,1.0,load index,recalled,x,\n"
        "load_index_warning,0.7,load index,recalled,x,\n",
        encoding="utf-8",
    )
    params = load_buildout_params(tmp_path)
    assert params.ramp_frac == (0.3, 0.8, 1.0)
    assert params.ramp_for([0, 1, 2, 9]).tolist() == [0.3, 0.8, 1.0, 1.0]


def test_buildout_table_problems(tmp_path: Path) -> None:
    folder = tmp_path / "coefficients"
    folder.mkdir()
    (folder / "buildout.csv").write_text(
        "key,value,unit,status,source,note\n"
        "ramp_frac.0,0.5,fraction,illustrative,x,\n"
        "ramp_frac.2,1.0,fraction,illustrative,x,\n"
        "load_index_limit,1.0,load index,recalled,x,\n",
        encoding="utf-8",
    )
    with pytest.raises(
        SchemaError,
        match=r"lacks the key\(s\) warning_band_frac, "
        r"load_index_warning.*\[0, 2\]",
    ):
        load_buildout_params(tmp_path)
    (folder / "buildout.csv").write_text(
        "key,value,unit,status,source,note\n"
        "ramp_frac.0,0.5,fraction,illustrative,x,\n"
        "ramp_frac.1,0.9,fraction,illustrative,x,\n"
        "warning_band_frac,0.1,fraction,illustrative,,\n"
        "load_index_limit,1.0,load index,recalled,x,\n"
        "load_index_warning,0.7,load index,recalled,x,\n",
        encoding="utf-8",
    )
    with pytest.raises(SchemaError, match=r"line 4 \(warning_band_frac\): source is empty"):
        load_buildout_params(tmp_path)


def test_ramp_must_reach_the_full_herd(tmp_path: Path) -> None:
    folder = tmp_path / "coefficients"
    folder.mkdir()
    (folder / "buildout.csv").write_text(
        "key,value,unit,status,source,note\n"
        "ramp_frac.0,0.5,fraction,illustrative,x,\n"
        "ramp_frac.1,0.9,fraction,illustrative,x,\n"
        "warning_band_frac,0.1,fraction,illustrative,x,\n"
        "load_index_limit,1.0,load index,recalled,x,\n"
        "load_index_warning,1.2,load index,recalled,x,\n",
        encoding="utf-8",
    )
    with pytest.raises(
        SchemaError,
        match=r"buildout.csv.*the last ramp_frac is 0.9.*"
        r"load_index_warning 1.2 is above",
    ):
        load_buildout_params(tmp_path)


def test_rations_key_must_match_its_columns(tmp_path: Path) -> None:
    pack = _small_pack(tmp_path)
    (pack / "coefficients").mkdir()
    default = coefficient_path("forage_rations.csv").read_text(encoding="utf-8")
    (pack / "coefficients" / "forage_rations.csv").write_text(
        default.replace("heifer.alfalfa,heifer,alfalfa,0.5", "heifer.alfalfa,heifer,oat_hay,0.5"),
        encoding="utf-8",
    )
    with pytest.raises(
        SchemaError,
        match=r"forage_rations.csv line 11 \(heifer.alfalfa\): key "
        r"'heifer.alfalfa' must be 'heifer.oat_hay'",
    ):
        load_forage_params(load_region(pack))


def test_zone_and_cap_tables_are_checked(tmp_path: Path) -> None:
    folder = _small_pack(tmp_path)
    zones = (folder / "county_zones.csv").read_text(encoding="utf-8")
    (folder / "county_zones.csv").write_text(
        zones.replace(",hills,", ",loess,", 1), encoding="utf-8"
    )
    caps = (folder / "water_caps.csv").read_text(encoding="utf-8").splitlines()
    caps[1] = caps[1].replace("33000000,22000000", "1000,22000000")
    (folder / "water_caps.csv").write_text("\n".join(caps) + "\n", encoding="utf-8")
    region = load_region(folder)
    with pytest.raises(
        SchemaError,
        match=r"'zone' is not one of plain, plateau, hills, "
        r"mountain on line\(s\) 8: 'loess'",
    ):
        load_county_zones(region)
    with pytest.raises(
        SchemaError,
        match=r"'other_use_m3_per_yr' is above cap_m3_per_yr on "
        r"line\(s\) 2",
    ):
        load_water_caps(region)
