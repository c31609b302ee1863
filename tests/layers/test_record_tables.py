"""One validation for the region pack's record tables: manure plants and water caps share it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from errors import SchemaError
from layers.csv_tables import ColumnType, RecordRules, read_record_table, rows_problem
from layers.manure_plants import load_manure_plants
from layers.region import load_region
from tests.layers.pack_factory import copy_hohhot_pack

COLUMNS: dict[str, ColumnType] = {"key": "str", "value": "float", "status": "str"}
RULES = RecordRules(key="key", non_negative=("value",))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "records.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_table_comes_back_sorted_by_its_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "key,value,status\nb,2.5,derived\na,0,verified\n")
    table = read_record_table(path, COLUMNS, RULES, what="records")
    assert list(table["key"]) == ["a", "b"]
    assert list(table["value"]) == [0.0, 2.5]


def test_every_problem_is_listed_in_order(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "key,value,status\na,-1,verified\na,3,guessed\nc,9,derived\nd,x,derived\n"
    )

    def above_five(table: pd.DataFrame) -> list[tuple[str, str]]:
        return rows_problem(table["value"] > 5, table, "value", "is above 5", "大于 5")

    with pytest.raises(SchemaError) as caught:
        read_record_table(path, COLUMNS, RULES, what="records", more_problems=above_five)
    message = str(caught.value)
    assert "records table 'records.csv'" in message and "has 5 problem(s)" in message
    parts = [
        "column 'value'",  # the cell 'x' is not a number (line 5)
        "column 'value' is negative on line(s) 2: -1.0",
        "column 'value' is above 5 on line(s) 4: 9.0",
        "column 'status' is not one of verified, corroborated, recalled, illustrative, "
        "derived on line(s) 3: 'guessed'",
        "column 'key' is repeated on line(s) 2, 3: 'a', 'a'",
    ]
    positions = [message.index(part) for part in parts]
    assert positions == sorted(positions)
    assert "列 'key' 第 2, 3 行重复" in caught.value.message("zh")


def test_the_bundled_manure_plant_is_read(tmp_path: Path) -> None:
    plants = load_manure_plants(load_region(copy_hohhot_pack(tmp_path)))
    assert list(plants["plant_id"]) == ["P-150121-1"]
    assert plants["capacity_n_kg_per_yr"].iloc[0] == 150_000.0
    assert plants["capacity_p_kg_per_yr"].iloc[0] == 25_000.0


def test_a_bad_manure_plants_file_is_refused_with_every_problem(tmp_path: Path) -> None:
    folder = copy_hohhot_pack(tmp_path)
    (folder / "manure_plants.csv").write_text(
        "plant_id,adcode,name_zh,capacity_n_kg_per_yr,capacity_p_kg_per_yr,status,source,note\n"
        "P1,150121,甲厂,-5,0,published,s,\n"
        "P1,150122,乙厂,10,-1,verified,s,\n",
        encoding="utf-8",
    )
    with pytest.raises(
        SchemaError,
        match=r"(?s)organic-fertiliser plants.*'capacity_n_kg_per_yr' is negative.*"
        r"'capacity_p_kg_per_yr' is negative.*'status' is not one of.*'plant_id' is repeated",
    ):
        load_manure_plants(load_region(folder))
