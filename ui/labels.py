"""Every user-facing string of the interface, in Chinese (shown first) and English.

``t(key, lang)`` looks a string up; ``LABELS[key]`` maps ``"zh"`` and ``"en"`` to the text.
Column labels carry their unit (亩 / 万亩 with 公顷 beside them). Strings with ``{name}``
fields are filled with ``t(key, lang).format(...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from ui.labels_balance import LABELS_BALANCE
from ui.labels_planner import LABELS_PLANNER
from ui.labels_review import LABELS_REVIEW
from ui.labels_sites import LABELS_SITES

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
LANG_NAMES: Mapping[str, str] = {"zh": "中文", "en": "English"}

_CORE: Mapping[str, Mapping[str, str]] = {
    # App chrome and sidebar
    "app.title": {"zh": "饲草与牧场选址规划", "en": "Forage & Farm Siting Planner"},
    "sidebar.language": {"zh": "语言 / Language", "en": "Language / 语言"},
    "sidebar.region": {"zh": "地区", "en": "Region"},
    "sidebar.basemap": {"zh": "底图", "en": "Basemap"},
    "sidebar.basemap_help": {
        "zh": "“无底图”可离线使用；在线底图需要联网。天地图需在 secrets 或环境变量中设置 "
              "TIANDITU_KEY。",
        "en": "'No basemap' works offline; online basemaps need internet. Tianditu needs "
              "TIANDITU_KEY in the secrets or the environment.",
    },
    "sidebar.about": {
        "zh": "面向市、旗县农牧部门的饲草基地与牧场选址规划工具。所有系数均注明来源；"
              "示意数据在地图上标注。",
        "en": "Forage-base and ranch siting planner for city and county agriculture "
              "bureaus. Every coefficient shows its source; illustrative data is labelled "
              "on the map.",
    },
    "basemap.none": {"zh": "无底图（离线）", "en": "None (offline)"},
    "basemap.osm": {"zh": "OpenStreetMap", "en": "OpenStreetMap"},
    "basemap.tianditu_vec": {"zh": "天地图 矢量", "en": "Tianditu vector"},
    "basemap.tianditu_img": {"zh": "天地图 影像", "en": "Tianditu imagery"},
    "basemap.tianditu_attr": {
        "zh": "天地图 © 国家地理信息公共服务平台", "en": "Tianditu © National Platform for "
        "Common GeoSpatial Information Services",
    },
    "assets.missing": {
        "zh": "地图组件文件缺失：{files}。请在项目目录运行 `make assets` 后重启应用。",
        "en": "Map asset files are missing: {files}. Run `make assets` in the project "
              "folder, then restart the app.",
    },
    # Pages
    "page.targets": {"zh": "规划目标", "en": "Forage targets"},
    "page.upload": {"zh": "数据上传检查", "en": "Upload check"},
    # Targets page
    "targets.title": {"zh": "饲草种植规划目标", "en": "Forage acreage targets"},
    "targets.intro": {
        "zh": "各旗县区饲草种植目标（来自规划文件）。选择饲草种类和年份，地图按目标面积着色。",
        "en": "County targets for forage acreage from the plan documents. Choose a crop and "
              "a year; the map is coloured by the target area.",
    },
    "targets.crop": {"zh": "饲草种类", "en": "Forage crop"},
    "targets.year": {"zh": "年份", "en": "Year"},
    "targets.total": {"zh": "全市合计（万亩）", "en": "City total (10,000 mu)"},
    "targets.none": {
        "zh": "该地区的数据包中没有饲草种植目标。",
        "en": "The region pack has no forage acreage targets.",
    },
    "targets.total_ha": {"zh": "合 {ha} 公顷", "en": "= {ha} ha"},
    "targets.county_table": {"zh": "分旗县区目标", "en": "Targets by county"},
    "targets.plan_table": {"zh": "全市规划目标", "en": "City plan targets"},
    "targets.map_layer": {"zh": "{crop}目标 {year}", "en": "{crop} target {year}"},
    "targets.legend_title": {"zh": "{crop}目标（万亩）", "en": "{crop} target (10,000 mu)"},
    "legend.no_target": {"zh": "无目标", "en": "No target"},
    "crop.silage_corn": {"zh": "青贮玉米", "en": "Silage corn"},
    "crop.oat_hay": {"zh": "燕麦草", "en": "Oat hay"},
    "crop.alfalfa": {"zh": "苜蓿", "en": "Alfalfa"},
    # Columns (units in the label)
    "col.county": {"zh": "旗县区", "en": "County"},
    "col.target_wan_mu": {"zh": "目标（万亩）", "en": "Target (10,000 mu)"},
    "col.target_mu": {"zh": "目标（亩）", "en": "Target (mu)"},
    "col.target_ha": {"zh": "目标（公顷）", "en": "Target (ha)"},
    "col.source": {"zh": "来源", "en": "Source"},
    "col.status": {"zh": "数据状态", "en": "Status"},
    "col.item": {"zh": "指标", "en": "Item"},
    "col.year": {"zh": "年份", "en": "Year"},
    "col.value": {"zh": "数值", "en": "Value"},
    "col.unit": {"zh": "单位", "en": "Unit"},
    "col.note": {"zh": "备注", "en": "Note"},
    "status.verified": {"zh": "已核实", "en": "verified"},
    "status.recalled": {"zh": "待核实", "en": "recalled"},
    "status.illustrative": {"zh": "示意", "en": "illustrative"},
    "status.derived": {"zh": "推算", "en": "derived"},
    # City plan targets (keys of the plan_targets table) and their units
    "plan.forage_base_wan_mu": {"zh": "配套饲草料基地", "en": "Forage base"},
    "plan.silage_corn_wan_mu": {"zh": "青贮玉米种植面积", "en": "Silage corn acreage"},
    "plan.oat_hay_wan_mu": {"zh": "优质燕麦草种植面积", "en": "Oat hay acreage"},
    "plan.alfalfa_wan_mu": {"zh": "优质苜蓿种植面积", "en": "Alfalfa acreage"},
    "plan.silage_corn_self_sufficiency_min_frac": {
        "zh": "青贮玉米自给率（下限）", "en": "Silage corn self-sufficiency (min)"},
    "plan.alfalfa_oat_self_sufficiency_min_frac": {
        "zh": "燕麦草、苜蓿本土自给率（下限）", "en": "Oat hay and alfalfa self-sufficiency (min)"},
    "plan.dairy_cows_head": {"zh": "奶牛存栏", "en": "Dairy cows"},
    "plan.dairy_goats_head": {"zh": "奶羊存栏", "en": "Dairy goats"},
    "plan.raw_milk_t_per_yr": {"zh": "生鲜乳产量", "en": "Raw milk output"},
    "plan.new_large_dairy_ranches_count": {"zh": "新建大型奶牛牧场", "en": "New large dairy ranches"},
    "plan.new_dairy_goat_farms_count": {"zh": "新建奶羊场", "en": "New dairy goat farms"},
    "plan.ranches_under_construction_count": {"zh": "续建奶牛牧场", "en": "Ranches under construction"},
    "plan.ranches_new_to_site_count": {"zh": "启动选址的新建牧场", "en": "New ranches to site"},
    "plan.forage_land_for_15_ranches_wan_mu": {
        "zh": "15 个牧场配套饲草种植面积", "en": "Forage land for the 15 ranches"},
    "plan.manure_utilisation_min_frac": {
        "zh": "规模养殖场粪污综合利用率（下限）", "en": "Manure utilisation of large farms (min)"},
    "unit.万亩": {"zh": "万亩", "en": "10,000 mu"},
    "unit.head": {"zh": "头（只）", "en": "head"},
    "unit.frac": {"zh": "比例", "en": "share"},
    "unit.count": {"zh": "个", "en": "count"},
    "unit.t/yr": {"zh": "吨/年", "en": "t/yr"},
    # Map
    "map.counties": {"zh": "旗县区界", "en": "County boundaries"},
    "map.labels": {"zh": "{layer}（名称）", "en": "{layer} (names)"},
    "map.illustrative_note": {
        "zh": "示意数据（非真实数据）：{layers}",
        "en": "Illustrative data (not real): {layers}",
    },
    "map.illustrative_suffix": {"zh": "（示意）", "en": " (illustrative)"},
    # Upload page
    "upload.title": {"zh": "数据上传检查", "en": "Upload check"},
    "upload.intro": {
        "zh": "上传矢量文件，检查坐标系、几何和范围。支持 GeoJSON、KML、KMZ、压缩的 "
              "Shapefile（.zip）和 GeoPackage。",
        "en": "Upload a vector file to check its CRS, geometry and extent. GeoJSON, KML, "
              "KMZ, zipped Shapefile (.zip) and GeoPackage are accepted.",
    },
    "upload.file": {"zh": "选择文件", "en": "Choose a file"},
    "upload.gcj02": {"zh": "坐标为 GCJ-02（高德/腾讯）", "en": "Coordinates are GCJ-02 (Amap/Tencent)"},
    "upload.gcj02_help": {
        "zh": "从高德或腾讯地图取得的坐标有约数百米的偏移，勾选后自动纠正为 WGS84。",
        "en": "Coordinates taken from Amap or Tencent maps are offset by a few hundred "
              "metres; tick to convert them to WGS84.",
    },
    "upload.kind": {"zh": "要素类型", "en": "Feature type"},
    "upload.kind.any": {"zh": "不限", "en": "Any"},
    "upload.kind.polygon": {"zh": "面", "en": "Polygons"},
    "upload.kind.point": {"zh": "点", "en": "Points"},
    "upload.crs": {"zh": "声明坐标系（可选）", "en": "Declared CRS (optional)"},
    "upload.crs_help": {
        "zh": "文件没有坐标系（如缺少 .prj）或坐标系有误时填写，例如 EPSG:4546（高斯-克吕格 "
              "CM 111E）、EPSG:4326（经纬度）。",
        "en": "Fill in when the file has no CRS (e.g. no .prj) or a wrong one, e.g. "
              "EPSG:4546 (Gauss-Kruger CM 111E) or EPSG:4326 (lon/lat).",
    },
    "upload.skip_bad": {"zh": "跳过无效要素", "en": "Skip invalid features"},
    "upload.waiting": {"zh": "请上传一个文件。", "en": "Upload a file to check it."},
    "upload.ok": {
        "zh": "读取 {n} 个要素，来自 {name}（原坐标系 {crs}）。",
        "en": "Read {n} features from {name} (source CRS {crs}).",
    },
    "upload.skipped": {"zh": "已跳过 {n} 个无效要素。", "en": "Skipped {n} invalid features."},
    "upload.notes": {"zh": "检查说明", "en": "Notes"},
    "upload.layer": {"zh": "上传要素", "en": "Uploaded features"},
    "upload.attributes": {"zh": "属性表（前 {n} 行）", "en": "Attributes (first {n} rows)"},
}
LABELS: Mapping[str, Mapping[str, str]] = {**_CORE, **LABELS_BALANCE, **LABELS_PLANNER,
                                         **LABELS_REVIEW, **LABELS_SITES}


def t(key: str, lang: str) -> str:
    """Return the text of ``key`` in ``lang`` ("zh" or "en"); unknown keys raise KeyError."""
    entry = LABELS[key]
    return entry["en"] if lang == "en" else entry["zh"]


def t_or(key: str, lang: str, default: str) -> str:
    """Return the text of ``key`` in ``lang``, or ``default`` if there is no such label."""
    return t(key, lang) if key in LABELS else default
