"""Coefficient overrides: untouched defaults keep their status, changed values become user."""

from __future__ import annotations

import pytest

from errors import ParameterError
from layers.coefficients import load_nutrient_params
from ui.balance.coefficients import coefficient_name, overridden, override_params


@pytest.fixture(scope="module")
def params():
    return load_nutrient_params()


def test_untouched_values_return_the_defaults_themselves(params) -> None:
    assert override_params(params, params.values_by_key()) is params
    assert overridden(params, "zh") == []


def test_changed_values_get_status_user_and_keep_the_rest(params) -> None:
    edited = override_params(
        params,
        {
            "pe_per_head.dairy_cow": 7.0,
            "fert_share_frac.III": 0.6,
            "n_supply_kg_per_pe": 6.5,
            "manure_share_frac": 0.5,
        },
    )
    assert edited.pe_per_head["dairy_cow"] == 7.0
    assert edited.fert_share_frac_by_class == {"I": 0.35, "II": 0.45, "III": 0.6}
    assert edited.coefficient("pe_per_head.dairy_cow").status == "user"
    assert edited.coefficient("n_supply_kg_per_pe").status == "user"
    assert edited.coefficient("manure_share_frac").status == "illustrative"
    assert edited.coefficient("pe_per_head.beef_cattle").status == "recalled"
    assert "每头奶牛折猪当量 = 7（默认 6.66667）" in overridden(edited, "zh")
    assert params.pe_per_head["dairy_cow"] == 100 / 15  # the defaults are not modified


def test_out_of_range_edit_raises_parameter_error(params) -> None:
    with pytest.raises(ParameterError, match=r"n_supply_kg_per_pe = 12\.0 exceeds the excretion"):
        override_params(params, {"n_supply_kg_per_pe": 12.0})


def test_coefficient_names() -> None:
    names = {"maize": "玉米", "dry_scrape": "干清粪"}
    assert coefficient_name("crop.maize.n_kg_per_100kg", "zh", names) == "玉米每 100 kg 产量吸氮量"
    assert coefficient_name("route.dry_scrape.p_retention_frac", "zh", names) == "干清粪磷保留率"
    assert coefficient_name("fert_share_frac.II", "en") == "Fertilisation share (soil II)"
    assert coefficient_name("warning_grade.I.upper", "zh") == "warning_grade.I.upper"
