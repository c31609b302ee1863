"""The county packet of the review page: PDF, HTML and XLSX for download.

The files come from `reports.write_county_packet`, the writer of ``python -m siting report``,
fed with what the page shows: the scenario's build-out check (`ui.data.buildout`), its sites
and review decisions from the scenario store, and the gate result and score of each site as the
Plan page checks them (`ui.data.site_gates`). Built on request (a PDF takes seconds) and kept
per scenario version, place and language.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Final

import pandas as pd
import streamlit as st

from planning.scenarios import ScenarioStore
from reports import PacketInputs, write_county_packet
from ui import data

#: Download formats: file suffix -> MIME type.
FORMATS: Final[dict[str, str]] = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def packet_scores(gates: pd.DataFrame) -> pd.DataFrame:
    """Return ``site_id, passed, score`` of the scored sites of a `ui.data.site_gates` table."""
    scored = gates[gates["scored"]]
    return pd.DataFrame(
        {
            "site_id": scored["site_id"].astype(str).to_numpy(),
            "passed": scored["gates_passed"].astype(bool).to_numpy(),
            "score": scored["suitability_score"].to_numpy(dtype=float),
        }
    )


@st.cache_data(show_spinner=False, max_entries=8)
def county_packet(
    region_id: str,
    scenario_id: str,
    version: int,
    store_file: str,
    years: tuple[int, ...],
    adcode: str,
    lang: str,
) -> dict[str, tuple[str, bytes]]:
    """Return ``{suffix: (file name, bytes)}`` of the packet of ``adcode`` (city or county).

    ``version`` is only a cache key: the scenario's current sites and decisions are read.
    """
    region = data.region(region_id)
    store = ScenarioStore(Path(store_file))
    scenario = store.get_scenario(scenario_id)
    checked = data.buildout(region_id, scenario_id, version, store_file, years)
    gates = data.site_gates(region_id, scenario_id, version, store_file)
    inputs = PacketInputs(
        region_id=region.id,
        region_adcode=region.adcode,
        region_name_zh=region.name_zh,
        region_name_en=region.name_en,
        analysis_crs=region.analysis_crs,
        scenario=scenario.name,
        counties=data.counties(region_id),
        sites=store.sites(scenario),
        result=checked.result,
        report_date=date.today(),
        reviews=store.reviews(scenario),
        scores=packet_scores(gates),
    )
    county = None if adcode == region.adcode else adcode
    with tempfile.TemporaryDirectory() as folder:
        files = write_county_packet(inputs, county, Path(folder), lang=lang)
        paths = {"pdf": files.pdf, "html": files.html, "xlsx": files.xlsx}
        return {suffix: (path.name, path.read_bytes()) for suffix, path in paths.items()}
