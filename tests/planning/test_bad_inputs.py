"""The bad-input corpus (tests/data/bad/) through the real upload paths: one clear message each.

Every file of the corpus, and the large hostile files made at test time
(`tests.hostile_files`), goes through the score path (`read_sites` + `check_herd_sizes`, as
``siting score`` and the site-check page) and the import path (`read_site_file`, the Plan
page's upload and ``siting plan import``). Each must raise the error class of the manifest
(``expected.toml``) with its catalogue key and its exact English and Chinese text, or, for
the two files that are repaired or decoded with a note, be accepted with that note. Nothing
else may escape: no traceback type, no warning (pytest turns warnings into errors).
"""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path
from typing import Any

import pytest

import errors
from errors import GeometryRepairedWarning, PlannerError
from planning.regions import load_region, region_outline
from planning.scenario_inputs import load_scenario_inputs
from planning.site_files import read_site_file
from planning.site_scoring import check_herd_sizes, read_sites
from tests.data.bad.build_corpus import build
from tests.hostile_files import BUILDERS

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (CORPUS / "expected.toml").read_text(encoding="utf-8")
)
DEFAULT_HERD = 3000.0
MAX_COMMITTED_BYTES = 50 * 1024
REGION = "hohhot"


@pytest.fixture(scope="module")
def region() -> Any:
    return load_region(REGION)


@pytest.fixture(scope="module")
def scenario_inputs(region: Any) -> Any:
    return load_scenario_inputs(region)


def _path(name: str, tmp_path: Path) -> Path:
    if EXPECTED[name].get("generated"):
        return BUILDERS[name](tmp_path)
    return CORPUS / name


def _expect_error(spec: dict[str, Any], call: Any) -> None:
    error_type = getattr(errors, spec["error"])
    with pytest.raises(PlannerError) as info:
        call()
    err = info.value
    assert type(err) is error_type
    assert err.key == spec.get("key")
    assert err.message("en") == spec["en"]
    assert err.message("zh") == spec["zh"]


def test_the_corpus_has_forty_files_or_more_each_in_the_manifest() -> None:
    committed = sorted(p.name for p in CORPUS.iterdir() if p.suffix not in (".py", ".toml"))
    listed = sorted(n for n, spec in EXPECTED.items() if not spec.get("generated"))
    assert committed == listed
    assert len(EXPECTED) >= 40
    assert sorted(n for n, s in EXPECTED.items() if s.get("generated")) == sorted(BUILDERS)
    too_big = [p.name for p in CORPUS.iterdir() if p.stat().st_size > MAX_COMMITTED_BYTES]
    assert too_big == []


def test_the_builder_writes_exactly_the_committed_files(tmp_path: Path) -> None:
    written = build(tmp_path)
    assert sorted(p.name for p in written) == sorted(
        n for n, s in EXPECTED.items() if not s.get("generated")
    )
    # a .dbf header holds its write date, so compare the files that carry no shapefile
    same = [p.name for p in written if p.read_bytes() == (CORPUS / p.name).read_bytes()]
    assert len(same) >= len(written) - 8


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_score_path(name: str, region: Any, tmp_path: Path) -> None:
    spec = EXPECTED[name]
    path = _path(name, tmp_path)
    herd = None if spec.get("herd") == "file" else DEFAULT_HERD

    def score() -> Any:
        site_input = read_sites(path, herd=herd, region_outline=region_outline(region))
        check_herd_sizes(site_input.sites, region)
        return site_input

    outcome = spec.get("outcome")
    if outcome is None:
        _expect_error(spec, score)
    elif outcome == "repaired":
        with pytest.warns(GeometryRepairedWarning, match=f"{name}: 1 invalid geometries"):
            site_input = score()
        assert list(site_input.notes) == [spec["note_en"]]
    else:
        site_input = score()
        assert list(site_input.notes) == [spec["note_en"]]
        assert site_input.sites["name"].tolist() == [spec["name"]]


@pytest.mark.parametrize(
    "name", sorted(n for n, s in EXPECTED.items() if "import" in s.get("paths", ["import"]))
)
def test_import_path(name: str, scenario_inputs: Any, tmp_path: Path) -> None:
    spec = {**EXPECTED[name], **EXPECTED[name].get("import", {})}
    if "import" in EXPECTED[name]:
        spec.pop("outcome", None)
        spec.pop("key", None) if "key" not in EXPECTED[name]["import"] else None
    path = _path(name, tmp_path)

    def upload() -> Any:
        return read_site_file(path.read_bytes(), name, scenario_inputs)

    if spec.get("outcome") == "note":
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sites = upload()
        assert sites.notes[0].render("en") == spec["note_en"]
        assert sites.notes[0].render("zh") == spec["note_zh"]
        assert [r.name for r in sites.records] == [spec["name"]]
    else:
        _expect_error(spec, upload)
