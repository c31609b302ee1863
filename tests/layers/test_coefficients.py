"""Loading the coefficient CSVs: defaults, region overrides, and every error path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from errors import FileFormatError, SchemaError
from layers.coefficients import (
    COEFFICIENTS_DIR,
    CROPS_FILE,
    MANURE_ROUTES_FILE,
    NUTRIENT_FACTORS_FILE,
    WARNING_GRADES_FILE,
    coefficient_path,
    load_crop_table,
    load_manure_routes,
    load_nutrient_params,
    load_warning_grades,
)

ROOT = Path(__file__).resolve().parents[2]


def test_default_directory_is_in_the_repository() -> None:
    assert COEFFICIENTS_DIR == ROOT / "data" / "coefficients"


def test_nutrient_factors_load_with_the_guide_values() -> None:
    params = load_nutrient_params()
    assert params.pe_per_head["dairy_cow"] == pytest.approx(100 / 15)
    assert params.pe_per_head["beef_cattle"] == pytest.approx(100 / 30)
    assert params.pe_per_head["sheep"] == pytest.approx(100 / 250)
    assert params.pe_per_head["poultry"] == pytest.approx(100 / 2500)
    assert (params.n_excreted_kg_per_pe, params.p_excreted_kg_per_pe) == (11.0, 1.65)
    assert (params.n_supply_kg_per_pe, params.p_supply_kg_per_pe) == (7.0, 1.2)
    assert params.fert_share_frac_by_class == {"I": 0.35, "II": 0.45, "III": 0.55}
    assert params.n_utilisation_range_frac == (0.25, 0.30)
    assert params.p_utilisation_range_frac == (0.30, 0.35)
    # defaults: the cautious high ends (most land; docs/decisions.md)
    assert (params.n_utilisation_frac, params.p_utilisation_frac) == (0.30, 0.35)
    assert params.olsen_p_threshold_mg_per_kg == 40
    assert all(c.source and c.status for c in params.coefficients())


def test_crop_table_holds_the_guide_crops_and_silage_corn() -> None:
    crops = load_crop_table()
    expected = {
        "wheat": (3.0, 1.0),
        "rice": (2.2, 0.8),
        "maize": (2.3, 0.3),
        "millet": (3.8, 0.44),
        "soybean": (7.2, 0.748),
        "potato": (0.5, 0.088),
        "alfalfa": (0.2, 0.2),
        "forage_oat": (2.5, 0.8),
        "cotton": (11.7, 3.04),
    }
    for key, (n, p) in expected.items():
        crop = crops.get(key)
        assert (crop.n_kg_per_100kg, crop.p_kg_per_100kg) == (n, p)
        assert crop.status == "recalled"
    assert crops.get("silage_corn").status == "derived"
    assert crops.get("silage_corn").yield_basis == "whole_plant_fresh"


def test_routes_and_grades_load() -> None:
    routes = load_manure_routes()
    dairy = routes.route("separation_compost_lagoon", ["dairy_cow"])
    assert (dairy.n_retention_frac, dairy.p_retention_frac) == pytest.approx((126 / 204, 27 / 33))
    assert routes.stages["separation_compost_lagoon"].species == "dairy_cow"
    grades = load_warning_grades()
    assert [g.grade for g in grades.grades] == ["I", "II", "III", "IV", "V", "VI"]
    assert [g.upper for g in grades.grades[:-1]] == [0.4, 0.7, 1.0, 1.5, 2.5]


def _region_with(tmp_path: Path, filename: str, edit: tuple[str, str] | None = None) -> Path:
    """Copy a default table into a fake region pack, replacing text ``edit = (old, new)``."""
    target = tmp_path / "coefficients" / filename
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(COEFFICIENTS_DIR / filename, target)
    if edit is not None:
        text = target.read_text(encoding="utf-8")
        assert edit[0] in text
        target.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    return tmp_path


def test_region_pack_overrides_a_whole_table(tmp_path: Path) -> None:
    region = _region_with(
        tmp_path, NUTRIENT_FACTORS_FILE, ("manure_share_frac,0.5,", "manure_share_frac,1.0,")
    )
    assert coefficient_path(NUTRIENT_FACTORS_FILE, region).parent == tmp_path / "coefficients"
    assert coefficient_path(CROPS_FILE, region) == COEFFICIENTS_DIR / CROPS_FILE
    assert load_nutrient_params(region).manure_share_frac == 1.0
    assert load_nutrient_params().manure_share_frac == 0.5


def test_missing_column(tmp_path: Path) -> None:
    region = _region_with(tmp_path, CROPS_FILE, ("yield_status", "yield_state"))
    with pytest.raises(SchemaError, match=r"crops.csv' lacks the column\(s\) yield_status"):
        load_crop_table(region)


def test_non_number_and_bad_status_are_listed_together(tmp_path: Path) -> None:
    region = _region_with(
        tmp_path, CROPS_FILE, ("maize,玉米,maize (grain),2.3,", "maize,玉米,x,2.3x,")
    )
    (tmp_path / "coefficients" / CROPS_FILE).write_text(
        (tmp_path / "coefficients" / CROPS_FILE)
        .read_text(encoding="utf-8")
        .replace("hay,recalled", "hay,guessed", 1),
        encoding="utf-8",
    )
    with pytest.raises(
        SchemaError,
        match=r"line 4 \(maize\): n_kg_per_100kg = '2.3x' is not a "
        r"number.*line 8 \(alfalfa\): status 'guessed'",
    ):
        load_crop_table(region)


def test_value_out_of_range(tmp_path: Path) -> None:
    region = _region_with(
        tmp_path, NUTRIENT_FACTORS_FILE, ("fert_share_frac.II,0.45,", "fert_share_frac.II,1.45,")
    )
    with pytest.raises(SchemaError, match=r"nutrient_factors.csv.*fert_share_frac\['II'\] = 1.45"):
        load_nutrient_params(region)


def test_missing_and_unknown_keys(tmp_path: Path) -> None:
    region = _region_with(
        tmp_path, NUTRIENT_FACTORS_FILE, ("n_supply_kg_per_pe,", "n_suply_kg_per_pe,")
    )
    with pytest.raises(SchemaError, match="unknown key 'n_suply_kg_per_pe'"):
        load_nutrient_params(region)


def test_duplicate_key(tmp_path: Path) -> None:
    region = _region_with(tmp_path, MANURE_ROUTES_FILE)
    path = region / "coefficients" / MANURE_ROUTES_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"line 3 \(separation_compost_lagoon\): duplicate key"):
        load_manure_routes(region)


def test_grade_gap(tmp_path: Path) -> None:
    region = _region_with(tmp_path, WARNING_GRADES_FILE, ("II,0.4,0.7", "II,0.5,0.7"))
    with pytest.raises(SchemaError, match=r"grade I ends at 0\.4 but II starts at 0\.5"):
        load_warning_grades(region)


def test_unreadable_file(tmp_path: Path) -> None:
    target = tmp_path / "coefficients" / WARNING_GRADES_FILE
    target.parent.mkdir()
    target.write_bytes(b"grade,lower\n\xff\xfe,1\n")
    with pytest.raises(
        FileFormatError, match=r"Cannot read coefficient table 'warning_grades\.csv'"
    ):
        load_warning_grades(tmp_path)


def test_empty_table(tmp_path: Path) -> None:
    target = tmp_path / "coefficients" / WARNING_GRADES_FILE
    target.parent.mkdir()
    target.write_text("grade,lower,upper,label_zh,label_en,status,source,note\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="the table has no rows"):
        load_warning_grades(tmp_path)


def test_missing_file(tmp_path: Path) -> None:
    from layers.coefficients import read_table

    with pytest.raises(FileFormatError, match=r"Cannot read coefficient table 'none\.csv'"):
        read_table(tmp_path / "none.csv", ("key",))
