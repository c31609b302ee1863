"""Hostile uploads on the Plan page's import: one error in the active language, no traceback.

The page reads an upload with `planning.site_files.read_site_file` inside
`ui.errors.user_errors`; here the same two calls run in an AppTest on files of the
bad-input corpus (tests/data/bad/), and the text shown is the manifest's.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

TIMEOUT_S = 60
CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))


def _import_upload(path: str, lang: str) -> None:
    from pathlib import Path

    from planning.regions import load_region
    from planning.scenario_inputs import load_scenario_inputs
    from planning.site_files import read_site_file
    from ui.errors import user_errors

    upload = Path(path)
    with user_errors(lang):
        read_site_file(
            upload.read_bytes(), upload.name, load_scenario_inputs(load_region("hohhot"))
        )


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("kml_external_entity.kml", "zh"),
        ("zip_dotdot_path.zip", "en"),
        ("swapped_lat_lon.geojson", "zh"),
        ("gpkg_not_sqlite.gpkg", "en"),
    ],
)
def test_a_hostile_upload_shows_one_error_in_the_page_language(name: str, lang: str) -> None:
    at = AppTest.from_function(
        _import_upload, args=(str(CORPUS / name), lang), default_timeout=TIMEOUT_S
    ).run()
    assert not at.exception
    assert [e.value for e in at.error] == [EXPECTED[name][lang]]
