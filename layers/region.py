"""Region pack manifest: what a region folder holds, read from ``manifest.toml``.

A region pack is a folder ``data/regions/<id>/`` (or any folder given by path) with a
``manifest.toml``:

* top level: ``id``, ``name_zh``, ``name_en``, ``adcode`` (text), ``analysis_crs`` (projected,
  where everything is measured), ``storage_crs`` (what the files are stored in),
  ``map_center_lonlat = [lon, lat]`` (degrees) and ``map_zoom`` (Leaflet zoom level);
* one table ``[plan]``, the region's planning calendar and defaults (`RegionPlan`):
  ``years`` (the years a build-out is checked for, ascending), ``base_year`` (year of the
  herd baseline), ``target_year`` (the plan's end year, the year shown first),
  ``horizon_year`` (the last year checked), ``water_baseline_year`` (year of the county water
  use a site's water headroom starts from) and ``receiving_crop`` (default crop of the
  manure-absorption land, a crop key of ``crop_params.csv``);
* one table ``[layers.<name>]`` per layer with ``kind``, ``file`` (relative to the folder),
  optional ``layer`` (the layer inside a GeoPackage), ``source``, ``licence``, ``datum``
  (one of ``DATUMS``), ``illustrative`` (true = not real data), ``generated`` (true = built by
  ``make data`` and not committed), ``description_zh`` and ``description_en``, and an
  optional ``status`` (``user`` for a layer the bureau imported, `layers.pack_writer`).

Unknown keys are reported as errors (they are usually typos such as ``license``). All problems
are collected and raised at once. Whether a layer's file exists is checked by its loader (a
generated layer appears only after ``make data``; the build itself starts from a manifest).
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from errors import (
    FileFormatError,
    GeographicCrsError,
    LayerNotAvailableError,
    MissingCrsError,
    SchemaError,
)
from geo.crs import crs_from_user_input, require_projected

REGIONS_DIR: Path = Path(__file__).resolve().parent.parent / "data" / "regions"
#: Environment variable naming another folder of region packs; read by the entry points only
#: (app.py, ``python -m siting``, ``python -m layers.build``), which pass it to
#: `use_regions_dir` (tests use it to run everything on packs built in a temporary folder).
REGIONS_DIR_ENV: str = "FORAGE_SITING_REGIONS"
MANIFEST_NAME: str = "manifest.toml"
DATUMS: tuple[str, ...] = ("WGS84", "CGCS2000", "GCJ-02", "none")
#: Old layer kind -> current (manifests written before the vocabulary pass).
KIND_ALIASES: dict[str, str] = {"plan_targets": "city_targets"}  # vocab: old name

_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")
_ADCODE_PATTERN = re.compile(r"^\d{6}$")
_TOP_KEYS: dict[str, type] = {
    "id": str,
    "name_zh": str,
    "name_en": str,
    "adcode": str,
    "analysis_crs": str,
    "storage_crs": str,
    "map_center_lonlat": list,
    "map_zoom": int,
    "plan": dict,
    "layers": dict,
}
_PLAN_KEYS: dict[str, type] = {
    "years": list,
    "base_year": int,
    "target_year": int,
    "horizon_year": int,
    "water_baseline_year": int,
    "receiving_crop": str,
}
#: Plausible plan years (the PRC's founding to the end of the century): catches typos.
_YEAR_RANGE = (1949, 2100)
_LAYER_KEYS: dict[str, type] = {
    "kind": str,
    "file": str,
    "source": str,
    "licence": str,
    "datum": str,
    "illustrative": bool,
    "generated": bool,
    "description_zh": str,
    "description_en": str,
}
#: ``status``: where a layer's data stands (a status of ``layers.csv_tables.STATUSES``, or
#: ``user`` for a layer the bureau imported; absent: see ``illustrative``).
_LAYER_OPTIONAL_KEYS: dict[str, type] = {"layer": str, "status": str}
_ZOOM_RANGE = (1, 20)

# One problem = (English text, Chinese text).
_Problem = tuple[str, str]


@dataclass(frozen=True)
class LayerSpec:
    """One ``[layers.<name>]`` entry of a region manifest (``file`` is relative to the pack)."""

    name: str
    kind: str
    file: str
    layer: str | None
    source: str
    licence: str
    datum: str
    illustrative: bool
    generated: bool
    description_zh: str
    description_en: str
    status: str | None = None


class LayerMap(Mapping[str, LayerSpec]):
    """Read-only, hashable and picklable ``name -> LayerSpec`` mapping in manifest order."""

    __slots__ = ("_index", "_items")

    def __init__(self, specs: Iterable[LayerSpec]) -> None:
        self._items = tuple((spec.name, spec) for spec in specs)
        self._index = dict(self._items)

    def __getitem__(self, name: str) -> LayerSpec:
        return self._index[name]

    def __iter__(self) -> Iterator[str]:
        return iter(name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __repr__(self) -> str:
        return f"LayerMap({list(self)!r})"


@dataclass(frozen=True)
class RegionPlan:
    """A region's planning calendar and defaults (manifest table ``[plan]``).

    ``years`` are checked by the build-out (ascending, ending at ``horizon_year``);
    ``base_year`` is the herd baseline's year, ``target_year`` the plan's end year (shown
    first), ``water_baseline_year`` the year of the county water use a site's water headroom
    starts from, ``receiving_crop`` the default crop of the manure-absorption land.
    """

    years: tuple[int, ...]
    base_year: int
    target_year: int
    horizon_year: int
    water_baseline_year: int
    receiving_crop: str


@dataclass(frozen=True)
class Region:
    """A loaded region pack: identity, CRS roles, map view and its layers.

    ``analysis_crs`` is the projected CRS every area and distance is measured in;
    ``storage_crs`` the lon/lat CRS of the files; ``map_center_lonlat`` is (lon, lat) degrees;
    ``plan`` holds the plan years and defaults that computations take as parameters.
    """

    id: str
    name_zh: str
    name_en: str
    adcode: str
    analysis_crs: str
    storage_crs: str
    map_center_lonlat: tuple[float, float]
    map_zoom: int
    plan: RegionPlan
    dir: Path
    layers: Mapping[str, LayerSpec]

    def has_layer(self, name: str) -> bool:
        """Return True if the manifest declares a layer called ``name``."""
        return name in self.layers

    def layer_path(self, name: str) -> Path:
        """Return the absolute path of layer ``name``'s file.

        Raises
        ------
        SchemaError
            If the manifest has no such layer.
        """
        return self.dir / self._spec(name).file

    def layer_of_kind(self, kind: str) -> LayerSpec:
        """Return the single layer of ``kind`` (e.g. ``"counties"``).

        Raises
        ------
        SchemaError
            If there is more than one layer of that kind.
        LayerNotAvailableError
            If there is none (a `SchemaError`: the layer is not in this pack).
        """
        specs = [spec for spec in self.layers.values() if spec.kind == kind]
        if not specs:
            msg = (
                f"Layer {kind!r} is not in region pack {self.id!r} ({self.name_en}). Add a "
                f"[layers.<name>] of kind {kind!r} to {self.dir / MANIFEST_NAME} to use it."
            )
            zh = (
                f"地区数据包 {self.id!r}（{self.name_zh}）中没有图层 {kind!r}。"
                f"如需使用，请在清单中添加类型为 {kind!r} 的图层。"
            )
            raise LayerNotAvailableError(msg, zh=zh)
        if len(specs) != 1:
            found = ", ".join(spec.name for spec in specs) or "none"
            msg = (
                f"Region {self.id!r} must have exactly one layer of kind {kind!r} in "
                f"{self.dir / MANIFEST_NAME}; found: {found}. Fix the manifest."
            )
            zh = (
                f"地区 {self.id!r} 的清单中类型为 {kind!r} 的图层应恰有一个，"
                f"实际：{found}。请修改清单。"
            )
            raise SchemaError(msg, zh=zh)
        return specs[0]

    def _spec(self, name: str) -> LayerSpec:
        if name not in self.layers:
            known = ", ".join(self.layers) or "none"
            msg = (
                f"Region {self.id!r} has no layer {name!r} (layers: {known}). "
                f"Add [layers.{name}] to {self.dir / MANIFEST_NAME}."
            )
            zh = (
                f"地区 {self.id!r} 没有图层 {name!r}（现有：{known}）。"
                f"请在清单中添加 [layers.{name}]。"
            )
            raise SchemaError(msg, zh=zh)
        return self.layers[name]


class _RegionsRoot:
    """The folder region ids are looked up in (``REGIONS_DIR`` unless an entry point says)."""

    folder: Path = REGIONS_DIR


def use_regions_dir(folder: Path | None) -> None:
    """Look region ids up in ``folder`` from now on (None: back to ``REGIONS_DIR``)."""
    _RegionsRoot.folder = folder.resolve() if folder is not None else REGIONS_DIR


def regions_dir() -> Path:
    """Return the folder region ids are looked up in (see `use_regions_dir`)."""
    return _RegionsRoot.folder


def list_regions() -> list[str]:
    """Return the ids of the region packs under `regions_dir` (folders with a manifest)."""
    root = regions_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / MANIFEST_NAME).is_file())


def default_region_id() -> str:
    """Return the first installed region pack's id (the default of every entry point).

    Raises
    ------
    FileFormatError
        If no region pack is installed.
    """
    regions = list_regions()
    if not regions:
        msg = (
            f"No region pack is installed under {regions_dir()}. Build one with "
            "`python -m layers.build --adcode ADCODE`."
        )
        zh = f"{regions_dir()} 下没有地区数据包。请运行 python -m layers.build --adcode 代码 生成。"
        raise FileFormatError(msg, zh=zh)
    return regions[0]


def load_region(region: str | Path | None = None) -> Region:
    """Read and validate a region pack's ``manifest.toml``.

    Parameters
    ----------
    region
        A region id (a folder under `regions_dir`, e.g. ``"hohhot"``) or the path of a
        region folder; None: the first installed region (`default_region_id`).

    Raises
    ------
    FileFormatError
        If the folder or manifest does not exist or is not valid TOML.
    SchemaError
        If keys are missing, ill-typed, unknown or have bad values (all listed at once).
    """
    region_dir = _resolve_dir(default_region_id() if region is None else region)
    manifest_path = region_dir / MANIFEST_NAME
    data = _read_toml(manifest_path)
    problems = _top_level_problems(data)
    raw_layers = data.get("layers")
    layer_tables: dict[str, Any] = raw_layers if isinstance(raw_layers, dict) else {}
    for name, table in layer_tables.items():
        problems += _layer_problems(name, table)
    if problems:
        _raise_problems(manifest_path, problems)
    specs = [_layer_spec(name, table) for name, table in layer_tables.items()]
    lon, lat = data["map_center_lonlat"]
    return Region(
        id=data["id"],
        name_zh=data["name_zh"],
        name_en=data["name_en"],
        adcode=data["adcode"],
        analysis_crs=data["analysis_crs"],
        storage_crs=data["storage_crs"],
        map_center_lonlat=(float(lon), float(lat)),
        map_zoom=data["map_zoom"],
        plan=_region_plan(data["plan"]),
        dir=region_dir,
        layers=LayerMap(specs),
    )


def _resolve_dir(region: str | Path) -> Path:
    if isinstance(region, Path) or "/" in region or "\\" in region:
        region_dir = Path(region).resolve()
    elif _ID_PATTERN.match(region):
        region_dir = regions_dir() / region
    else:
        msg = (
            f"{region!r} is not a region id (lower-case letters, digits, '-', '_') "
            f"nor a folder path. Known regions: {', '.join(list_regions()) or 'none'}."
        )
        zh = (
            f"{region!r} 不是有效的地区编号或文件夹路径。"
            f"已有地区：{', '.join(list_regions()) or '无'}。"
        )
        raise FileFormatError(msg, zh=zh)
    if not (region_dir / MANIFEST_NAME).is_file():
        msg = (
            f"No region pack at {region_dir}: {MANIFEST_NAME} is missing. Known regions "
            f"under {regions_dir()}: {', '.join(list_regions()) or 'none'}."
        )
        zh = (
            f"{region_dir} 不是地区数据包：缺少 {MANIFEST_NAME}。"
            f"已有地区：{', '.join(list_regions()) or '无'}。"
        )
        raise FileFormatError(msg, zh=zh)
    return region_dir


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        msg = f"Region manifest {path} is not valid UTF-8 TOML: {err}. Fix the syntax there."
        zh = f"地区清单 {path} 不是有效的 UTF-8 TOML 文件：{err}。请修正语法。"
        raise FileFormatError(msg, zh=zh) from err


def _type_problems(
    table: Mapping[str, Any], expected: Mapping[str, type], where: str, *, required: bool
) -> list[_Problem]:
    problems: list[_Problem] = []
    for key, kind in expected.items():
        if key not in table:
            if required:
                problems.append((f"{where}: missing key {key!r}", f"{where}：缺少键 {key!r}"))
            continue
        value = table[key]
        wrong_bool = isinstance(value, bool) and kind is not bool
        if wrong_bool or not isinstance(value, kind):
            problems.append(
                (
                    f"{where}: {key!r} must be {kind.__name__}, got {value!r}",
                    f"{where}：{key!r} 应为 {kind.__name__} 类型，实际为 {value!r}",
                )
            )
    return problems


def _unknown_key_problems(
    table: Mapping[str, Any], known: Iterable[str], where: str
) -> list[_Problem]:
    unknown = sorted(set(table) - set(known))
    return [
        (
            f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(known))})",
            f"{where}：未知键 {key!r}",
        )
        for key in unknown
    ]


def _top_level_problems(data: Mapping[str, Any]) -> list[_Problem]:
    where = "top level"
    problems = _type_problems(data, _TOP_KEYS, where, required=True)
    problems += _unknown_key_problems(data, _TOP_KEYS, where)
    if isinstance(data.get("id"), str) and not _ID_PATTERN.match(data["id"]):
        problems.append(
            (
                f"id {data['id']!r} must be lower-case letters, digits, '-' or '_'",
                f"id {data['id']!r} 只能含小写字母、数字、'-' 或 '_'",
            )
        )
    if isinstance(data.get("adcode"), str) and not _ADCODE_PATTERN.match(data["adcode"]):
        problems.append(
            (
                f'adcode {data["adcode"]!r} must be 6 digits as text, e.g. "150100"',
                f'adcode {data["adcode"]!r} 应为 6 位数字文本，如 "150100"',
            )
        )
    problems += _crs_problems(data)
    problems += _view_problems(data)
    problems += _plan_problems(data.get("plan"))
    if isinstance(data.get("layers"), dict) and not data["layers"]:
        problems.append(("no [layers.<name>] tables", "没有任何 [layers.<name>] 图层"))
    return problems


def _crs_problems(data: Mapping[str, Any]) -> list[_Problem]:
    problems: list[_Problem] = []
    for key in ("analysis_crs", "storage_crs"):
        if not isinstance(data.get(key), str):
            continue
        try:
            if key == "analysis_crs":
                require_projected(data[key], what=key)
            else:
                crs_from_user_input(data[key])
        except (MissingCrsError, GeographicCrsError) as err:
            problems.append((f"{key}: {err.message('en')}", f"{key}：{err.message('zh')}"))
    return problems


def _view_problems(data: Mapping[str, Any]) -> list[_Problem]:
    problems: list[_Problem] = []
    center = data.get("map_center_lonlat")
    if isinstance(center, list):
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in center)
        if not (
            len(center) == 2 and numbers and -180 <= center[0] <= 180 and -90 <= center[1] <= 90
        ):
            problems.append(
                (
                    f"map_center_lonlat must be [lon, lat] in degrees, got {center!r}",
                    f"map_center_lonlat 应为 [经度, 纬度]（度），实际为 {center!r}",
                )
            )
    zoom = data.get("map_zoom")
    if isinstance(zoom, int) and not isinstance(zoom, bool):
        low, high = _ZOOM_RANGE
        if not low <= zoom <= high:
            problems.append(
                (
                    f"map_zoom must be {low}..{high}, got {zoom}",
                    f"map_zoom 应在 {low}–{high} 之间，实际为 {zoom}",
                )
            )
    return problems


def _plan_problems(table: Any) -> list[_Problem]:
    if not isinstance(table, dict):
        return []  # reported as missing or ill-typed with the top-level keys
    where = "[plan]"
    problems = _type_problems(table, _PLAN_KEYS, where, required=True)
    problems += _unknown_key_problems(table, _PLAN_KEYS, where)
    if problems:
        return problems
    low, high = _YEAR_RANGE
    years = table["years"]
    if not (
        years
        and all(_is_year(y) for y in years)
        and all(a < b for a, b in itertools.pairwise(years))
    ):
        problems.append(
            (
                f"{where}: years must be ascending whole years in {low}..{high}, got {years!r}",
                f"{where}：years 应为 {low}–{high} 之间递增的年份，实际为 {years!r}",
            )
        )
    for key in ("base_year", "target_year", "horizon_year", "water_baseline_year"):
        if not _is_year(table[key]):
            problems.append(
                (
                    f"{where}: {key} must be a year in {low}..{high}, got {table[key]!r}",
                    f"{where}：{key} 应为 {low}–{high} 之间的年份，实际为 {table[key]!r}",
                )
            )
    return problems or _plan_order_problems(table, where)


def _plan_order_problems(table: Mapping[str, Any], where: str) -> list[_Problem]:
    years = table["years"]
    problems: list[_Problem] = [
        (
            f"{where}: {key} {table[key]} is not one of years {years!r}",
            f"{where}：{key} {table[key]} 不在 years {years!r} 之中",
        )
        for key in ("base_year", "target_year", "horizon_year")
        if table[key] not in years
    ]
    if table["horizon_year"] != years[-1]:
        problems.append(
            (
                f"{where}: horizon_year {table['horizon_year']} must be the last of "
                f"years {years!r}",
                f"{where}：horizon_year 应为 years 的最后一年",
            )
        )
    if not table["base_year"] <= table["target_year"] <= table["horizon_year"]:
        problems.append(
            (
                f"{where}: need base_year <= target_year <= horizon_year",
                f"{where}：应满足 base_year ≤ target_year ≤ horizon_year",
            )
        )
    if not table["receiving_crop"].strip():
        problems.append(
            (
                f'{where}: receiving_crop is empty; give a crop key such as "silage_corn"',
                f"{where}：receiving_crop 为空",
            )
        )
    return problems


def _is_year(value: object) -> bool:
    low, high = _YEAR_RANGE
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _region_plan(table: Mapping[str, Any]) -> RegionPlan:
    return RegionPlan(
        years=tuple(table["years"]),
        base_year=table["base_year"],
        target_year=table["target_year"],
        horizon_year=table["horizon_year"],
        water_baseline_year=table["water_baseline_year"],
        receiving_crop=table["receiving_crop"].strip(),
    )


def _layer_problems(name: str, table: Any) -> list[_Problem]:
    where = f"[layers.{name}]"
    if not isinstance(table, dict):
        return [(f"{where} must be a table, got {table!r}", f"{where} 应为表，实际为 {table!r}")]
    problems = _type_problems(table, _LAYER_KEYS, where, required=True)
    problems += _type_problems(table, _LAYER_OPTIONAL_KEYS, where, required=False)
    problems += _unknown_key_problems(table, {*_LAYER_KEYS, *_LAYER_OPTIONAL_KEYS}, where)
    if isinstance(table.get("datum"), str) and table["datum"] not in DATUMS:
        problems.append(
            (
                f"{where}: datum {table['datum']!r} is not one of {', '.join(DATUMS)}",
                f"{where}：datum {table['datum']!r} 不在 {', '.join(DATUMS)} 之中",
            )
        )
    if isinstance(table.get("file"), str):
        problems += _file_problems(table, where)
    return problems


def _file_problems(table: Mapping[str, Any], where: str) -> list[_Problem]:
    file = PurePosixPath(table["file"])
    if file.is_absolute() or ".." in file.parts or not file.parts:
        return [
            (
                f"{where}: file {table['file']!r} must be a relative path inside the region folder",
                f"{where}：文件 {table['file']!r} 必须是地区文件夹内的相对路径",
            )
        ]
    return []


def _layer_spec(name: str, table: Mapping[str, Any]) -> LayerSpec:
    return LayerSpec(
        name=name,
        kind=KIND_ALIASES.get(table["kind"], table["kind"]),
        file=table["file"],
        layer=table.get("layer"),
        source=table["source"],
        licence=table["licence"],
        datum=table["datum"],
        illustrative=table["illustrative"],
        generated=table["generated"],
        description_zh=table["description_zh"],
        description_en=table["description_en"],
        status=table.get("status"),
    )


def _raise_problems(manifest_path: Path, problems: list[_Problem]) -> None:
    lines_en = "\n".join(f"- {en}" for en, _ in problems)
    lines_zh = "\n".join(f"- {zh}" for _, zh in problems)
    msg = (
        f"Region manifest {manifest_path} has {len(problems)} problem(s):\n{lines_en}\n"
        "Fix these keys in the manifest (format: layers/region.py docstring)."
    )
    zh = f"地区清单 {manifest_path} 有 {len(problems)} 处问题：\n{lines_zh}\n请修改清单中的这些键。"
    raise SchemaError(msg, zh=zh)
