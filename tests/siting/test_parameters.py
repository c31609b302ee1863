"""Range checks and provenance of the frozen coefficient objects (siting.parameters)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from errors import ParameterError
from layers.coefficients import (
    load_crop_table,
    load_manure_routes,
    load_nutrient_params,
    load_warning_grades,
)
from siting.parameters import (
    USER_STATUS,
    Coefficient,
    CropTable,
    ManureRouteStage,
    WarningGrade,
    WarningGrades,
)

PARAMS = load_nutrient_params()


def test_supply_above_excretion_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"n_supply_kg_per_pe = 12.0 exceeds the excretion"):
        dataclasses.replace(PARAMS, n_supply_kg_per_pe=12.0)


def test_dairy_cow_factor_is_required() -> None:
    with pytest.raises(ParameterError, match="pe_per_head has no 'dairy_cow'"):
        dataclasses.replace(PARAMS, pe_per_head={"pig": 1.0})


def test_soil_classes_must_be_complete_and_fractions() -> None:
    with pytest.raises(ParameterError, match=r"classes \['I', 'II'\].*fert_share_frac\['II'\] = 0"):
        dataclasses.replace(PARAMS, fert_share_frac_by_class={"I": 0.35, "II": 0.0})


def test_every_problem_is_listed_once() -> None:
    with pytest.raises(ParameterError, match=r"n_utilisation_frac = 0.*p_utilisation_frac = 2"):
        dataclasses.replace(PARAMS, n_utilisation_frac=0.0, p_utilisation_frac=2.0)


def test_params_copy_their_mappings() -> None:
    factors = dict(PARAMS.pe_per_head)
    params = dataclasses.replace(PARAMS, pe_per_head=factors)
    factors["dairy_cow"] = 100.0
    assert params.pe_per_head["dairy_cow"] == pytest.approx(100 / 15)
    assert hash(params) == hash(dataclasses.replace(params))


def test_coefficients_show_status_and_user_overrides() -> None:
    records = {c.key: c for c in PARAMS.coefficients()}
    assert records["n_supply_kg_per_pe"].value == 7.0
    assert records["n_supply_kg_per_pe"].status == "corroborated"
    assert "农办牧〔2018〕1号" in records["n_supply_kg_per_pe"].source
    assert "10.15958/j.cnki.sdnyswxb.2023.06.007" in records["n_supply_kg_per_pe"].source
    # the Renhuai study's abstract: 406,534.10 PE -> 2,845.70 t N and 487.80 t P
    assert records["n_supply_kg_per_pe"].value == pytest.approx(2_845.70e3 / 406_534.10, abs=1e-3)
    assert PARAMS.p_supply_kg_per_pe == pytest.approx(487.80e3 / 406_534.10, abs=1e-3)
    assert records["olsen_p_threshold_mg_per_kg"].status == "derived"
    assert "TOOL READING" in records["olsen_p_threshold_mg_per_kg"].note
    changed = dataclasses.replace(PARAMS, n_utilisation_frac=0.25).coefficient("n_utilisation_frac")
    assert changed.status == USER_STATUS
    assert "default 0.3" in changed.note


def test_coefficient_status_vocabulary() -> None:
    with pytest.raises(ParameterError, match="status 'guessed' is not one of"):
        Coefficient("x", 1.0, "kg", "guessed", "nowhere")
    with pytest.raises(ParameterError, match="value is NaN"):
        Coefficient("x", math.nan, "kg", "recalled", "somewhere")


def test_crop_yield_basis_and_table_keys() -> None:
    maize = load_crop_table().get("maize")
    with pytest.raises(ParameterError, match="yield_basis 'straw' is not one of"):
        dataclasses.replace(maize, yield_basis="straw")
    with pytest.raises(ParameterError, match="entry 'corn' holds crop 'maize'"):
        CropTable({"corn": maize})


def test_route_stage_fractions() -> None:
    with pytest.raises(
        ParameterError, match=r"stage 'storage' is not one of.*n_retention_frac = 1.2"
    ):
        ManureRouteStage("x", "dairy_cow", "storage", "x", "x", 1.2, 0.5, "illustrative", "test")
    with pytest.raises(ParameterError, match=r"species is empty"):
        ManureRouteStage("x", "", "overall", "x", "x", 0.5, 0.5, "illustrative", "test")


def test_grades_must_be_contiguous_from_zero_to_infinity() -> None:
    grades = load_warning_grades().grades
    with pytest.raises(ParameterError, match=r"grade I ends at 0\.4 but III starts at 0\.7"):
        WarningGrades((grades[0], *grades[2:]))
    with pytest.raises(ParameterError, match=r"last band ends at 2\.5, not inf"):
        WarningGrades(grades[:-1])
    with pytest.raises(ParameterError, match=r"upper 0\.1 must be above lower 0\.4"):
        WarningGrade("X", 0.4, 0.1, "x", "x", "recalled", "test")


def test_grade_of_negative_or_nan_index() -> None:
    grades = load_warning_grades()
    with pytest.raises(ParameterError, match=r"Load index -0\.1 cannot be graded"):
        grades.classify(-0.1)
    with pytest.raises(ParameterError, match="Load index nan cannot be graded"):
        grades.classify(math.nan)


def test_tables_list_their_coefficients() -> None:
    crops = load_crop_table()
    keys = {c.key for c in crops.coefficients()}
    assert "crop.silage_corn.n_kg_per_100kg" in keys
    assert len(keys) == 3 * len(crops)
    stages = {c.key: c for c in load_manure_routes().coefficients()}
    assert stages["route.separation_compost_lagoon.n_retention_frac"].value == pytest.approx(
        126 / 204
    )
