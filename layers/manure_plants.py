"""Organic-fertiliser plants (declared off-farm manure routes): layer kind ``manure_plants``.

Columns of the CSV: ``plant_id`` (text, unique), ``adcode`` (county), ``name_zh``,
``capacity_n_kg_per_yr`` and ``capacity_p_kg_per_yr`` (manure N and P the plant can take
in a year, kg), ``status``, ``source``, ``note``. The layer is optional: a region pack
without it has no plants (utilisation then counts land only). The bundled Hohhot plant is
ILLUSTRATIVE; replace it with the county's registered plants and their permitted intake.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd

from layers.csv_tables import ColumnType, RecordRules, read_record_table
from siting.utilisation import no_plants

if TYPE_CHECKING:
    from layers.region import Region

MANURE_PLANTS_KIND: Final[str] = "manure_plants"
_COLUMNS: Final[dict[str, ColumnType]] = {
    "plant_id": "str",
    "adcode": "adcode",
    "name_zh": "str",
    "capacity_n_kg_per_yr": "float",
    "capacity_p_kg_per_yr": "float",
    "status": "str",
    "source": "str",
    "note": "str_optional",
}
_RULES: Final[RecordRules] = RecordRules(
    key="plant_id", non_negative=("capacity_n_kg_per_yr", "capacity_p_kg_per_yr")
)


def load_manure_plants(region: Region) -> pd.DataFrame:
    """Load the organic-fertiliser plants of ``region`` (empty frame if it declares none).

    Returns
    -------
    manure_plants
        The CSV's columns, sorted by ``plant_id``.

    Raises
    ------
    FileFormatError
        If the file is missing or not a UTF-8 CSV.
    SchemaError
        Listing every missing column, non-number, negative capacity, unknown status and
        repeated ``plant_id``.
    """
    specs = [s for s in region.layers.values() if s.kind == MANURE_PLANTS_KIND]
    if not specs:
        return no_plants()
    path = region.layer_path(region.layer_of_kind(MANURE_PLANTS_KIND).name)
    return read_record_table(path, _COLUMNS, _RULES, what="organic-fertiliser plants")
