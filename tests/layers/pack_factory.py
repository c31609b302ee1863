"""Build small region packs in a temporary folder for loader tests (not a test module)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from layers.region import REGIONS_DIR

HOHHOT_DIR = REGIONS_DIR / "hohhot"

TOP_DEFAULTS: dict[str, Any] = {
    "id": "testregion",
    "name_zh": "测试",
    "name_en": "Test",
    "adcode": "150100",
    "analysis_crs": "EPSG:4546",
    "storage_crs": "EPSG:4326",
    "map_center_lonlat": [111.41, 40.49],
    "map_zoom": 8,
    "plan": {
        "years": [2021, 2022, 2023, 2025],
        "base_year": 2021,
        "target_year": 2023,
        "horizon_year": 2025,
        "water_baseline_year": 2021,
        "receiving_crop": "silage_corn",
    },
}


def layer_entry(kind: str, file: str, **overrides: Any) -> dict[str, Any]:
    """Return a complete ``[layers.<name>]`` table, with ``overrides`` applied."""
    entry: dict[str, Any] = {
        "kind": kind,
        "file": file,
        "source": "test",
        "licence": "CC0",
        "datum": "WGS84",
        "illustrative": True,
        "generated": False,
        "description_zh": "测试",
        "description_en": "test",
    }
    entry.update(overrides)
    return entry


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # an inline table
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    msg = f"cannot write {value!r} as TOML in this helper"
    raise TypeError(msg)


def write_manifest(folder: Path, layers: dict[str, dict[str, Any]], **top: Any) -> Path:
    """Write ``folder/manifest.toml``: ``TOP_DEFAULTS`` updated by ``top`` (None drops a key)."""
    folder.mkdir(parents=True, exist_ok=True)
    values = {**TOP_DEFAULTS, **top}
    lines = [f"{key} = {_toml_value(v)}" for key, v in values.items() if v is not None]
    for name, table in layers.items():
        lines.append(f"\n[layers.{name}]")
        lines += [f"{key} = {_toml_value(v)}" for key, v in table.items()]
    path = folder / "manifest.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def copy_hohhot_pack(tmp_path: Path) -> Path:
    """Copy the committed Hohhot pack to ``tmp_path/hohhot`` and return the folder."""
    target = tmp_path / "hohhot"
    shutil.copytree(HOHHOT_DIR, target)
    return target
