"""Labels of the planner page (规划方案 / Plan), merged into `ui.labels.LABELS`.

Same form as `ui.labels`: key -> {"zh": ..., "en": ...}; units in column labels.
"""

from __future__ import annotations

from collections.abc import Mapping

LABELS_PLANNER: Mapping[str, Mapping[str, str]] = {
    "page.planner": {"zh": "规划方案", "en": "Plan"},
    "planner.title": {"zh": "牧场规划方案", "en": "Farm siting plan"},
    "planner.intro": {
        "zh": "在地图上绘制牧场（多边形或点），填写畜群与粪污处理方式，即时查看选址门槛与评分、"
              "所需消纳地与饲草地、分配的消纳地块及运输距离。方案保存在本机的规划文件中，重启后仍在。",
        "en": "Draw farms on the map (outline or point), enter herd and manure route, and see "
              "at once the siting gates and score, the absorption and forage land needed, the "
              "parcels allocated and their haul distance. Plans are saved in a local plan "
              "file and survive a restart.",
    },
    # Scenario bar
    "planner.scenario": {"zh": "规划方案", "en": "Scenario"},
    "planner.user": {"zh": "用户名", "en": "User name"},
    "planner.user_help": {"zh": "记录在修改日志中（暂无账户）。",
                          "en": "Recorded in the change log (no accounts yet)."},
    "planner.scenario_new": {"zh": "新建或复制方案", "en": "New or copied scenario"},
    "planner.scenario_name": {"zh": "新方案名称", "en": "New scenario name"},
    "planner.scenario_create": {"zh": "新建空方案", "en": "Create empty scenario"},
    "planner.scenario_copy_name": {"zh": "副本名称", "en": "Name of the copy"},
    "planner.scenario_copy": {"zh": "复制“{name}”以尝试变体",
                              "en": "Copy '{name}' to try a variant"},
    "planner.store_path": {"zh": "规划文件：{path}", "en": "Plan file: {path}"},
    "planner.no_scenario": {
        "zh": "还没有规划方案。请在上方新建一个，或载入示范方案。",
        "en": "No scenario yet. Create one above, or load the demo scenario.",
    },
    "planner.empty_scenario": {
        "zh": "此方案还没有牧场。在地图上绘制，或在下方导入文件。",
        "en": "This scenario has no farms yet. Draw one on the map or import a file below.",
    },
    # Site picker and form
    "planner.pick": {"zh": "编辑的场址", "en": "Site being edited"},
    "planner.pick_help": {
        "zh": "选择已保存的场址（或在地图上点击它）进行修改；选择“新场址”后在地图上绘制。",
        "en": "Pick a saved site (or click it on the map) to change it; pick 'New site' and "
              "draw on the map to add one.",
    },
    "planner.site_gone": {
        "zh": "正在编辑的场址已被他人删除或已不在此方案中。",
        "en": "The site being edited was deleted by someone else or is no longer in this "
              "scenario.",
    },
    "planner.new_site": {"zh": "＋ 新场址", "en": "+ New site"},
    "planner.draw_first": {
        "zh": "用地图左上角的工具绘制场区多边形，或放置一个点（按占地面积生成方形场区）。",
        "en": "Use the tools at the top left of the map to draw the farm outline, or place a "
              "point (a square footprint of the given size is built around it).",
    },
    "planner.draft_new": {"zh": "已绘制新场址的占地范围（未保存）。",
                          "en": "Footprint of a new site drawn (not saved yet)."},
    "planner.draft_redraw": {
        "zh": "已重新绘制占地范围：保存后替换原范围，“放弃修改”则保留原范围。",
        "en": "Footprint redrawn: saving replaces the saved one; 'Discard' keeps it.",
    },
    "planner.drawn_file": {"zh": "地图绘制.geojson", "en": "drawn-on-map.geojson"},
    "planner.field.name": {"zh": "名称", "en": "Name"},
    "planner.field.name_hint": {"zh": "如：托县新建牧场 1", "en": "e.g. Togtoh new ranch 1"},
    "planner.field.status": {"zh": "建设状态", "en": "Status"},
    "planner.field.start_year": {"zh": "投产年份", "en": "Start year"},
    "planner.field.dairy_cow_head": {"zh": "奶牛存栏（头）", "en": "Dairy cattle (head)"},
    "planner.field.beef_cattle_head": {"zh": "肉牛存栏（头）", "en": "Beef cattle (head)"},
    "planner.field.sheep_head": {"zh": "羊存栏（只）", "en": "Sheep (head)"},
    "planner.field.goat_head": {"zh": "奶山羊存栏（只）", "en": "Dairy goats (head)"},
    "planner.field.route": {"zh": "粪污处理方式", "en": "Manure route"},
    "planner.route.default": {"zh": "指南默认（7.0 kg N/猪当量）",
                              "en": "Guide default (7.0 kg N per PE)"},
    "planner.field.radius": {"zh": "运输半径（公里）", "en": "Haul radius (km)"},
    "planner.field.radius_default": {"zh": "默认 {km:g}", "en": "default {km:g}"},
    "planner.field.footprint": {"zh": "占地面积（亩）", "en": "Footprint (mu)"},
    "planner.field.footprint_default": {"zh": "默认 {mu:g}", "en": "default {mu:g}"},
    "planner.field.note": {"zh": "备注", "en": "Note"},
    "planner.status.existing": {"zh": "现有", "en": "Existing"},
    "planner.status.under_construction": {"zh": "在建", "en": "Under construction"},
    "planner.status.proposed": {"zh": "拟建", "en": "Proposed"},
    "planner.save_new": {"zh": "保存新场址", "en": "Save new site"},
    "planner.save_changes": {"zh": "保存修改", "en": "Save changes"},
    "planner.discard": {"zh": "放弃修改", "en": "Discard"},
    "planner.delete_confirm": {"zh": "确认删除", "en": "Confirm delete"},
    "planner.delete": {"zh": "删除场址", "en": "Delete site"},
    "planner.name_required": {"zh": "请先填写名称再保存。", "en": "Enter a name before saving."},
    "planner.msg.saved": {"zh": "已保存“{name}”（第 {version} 版）。",
                          "en": "Saved '{name}' (version {version})."},
    "planner.msg.deleted": {"zh": "已删除“{name}”。", "en": "Deleted '{name}'."},
    "planner.msg.created": {"zh": "已新建方案“{name}”。", "en": "Created scenario '{name}'."},
    "planner.msg.copied": {"zh": "已复制为方案“{name}”。", "en": "Copied to scenario '{name}'."},
    "planner.msg.demo": {"zh": "已载入示范方案“{name}”（{n} 个牧场，位置为示意）。",
                         "en": "Loaded the demo scenario '{name}' ({n} farms, positions "
                               "illustrative)."},
    "planner.msg.imported": {"zh": "已从 {file} 导入 {n} 个场址。",
                             "en": "Imported {n} sites from {file}."},
    # Map
    "planner.map_help": {
        "zh": "多边形工具画场区轮廓，点工具放置场址；点击已保存的场址可选中修改。虚线为正在编辑的"
              "场址，紫色为分配给它的消纳地块，细线为运输路线（直线距离 × 道路系数）。",
        "en": "Polygon tool: farm outline; marker tool: a site point; click a saved site to "
              "edit it. Dashed: the site being edited; purple: the parcels allocated to it; "
              "thin lines: haul routes (straight line x road factor).",
    },
    "planner.layer.sites_false": {"zh": "已保存场址", "en": "Saved sites"},
    "planner.layer.sites_true": {"zh": "未通过门槛的场址", "en": "Sites failing a gate"},
    "planner.layer.markers": {"zh": "场址位置", "en": "Site locations"},
    "planner.layer.names": {"zh": "场址名称", "en": "Site names"},
    "planner.layer.edited": {"zh": "编辑中的场址", "en": "Site being edited"},
    "planner.illustrative.absorption_parcels": {"zh": "消纳地块", "en": "absorption parcels"},
    "planner.illustrative.constraints": {"zh": "选址约束图层", "en": "siting constraint layers"},
    "planner.illustrative.dem": {"zh": "地形（DEM）", "en": "terrain (DEM)"},
    "planner.legend.title": {"zh": "场址", "en": "Sites"},
    "planner.legend.failed": {"zh": "红框：未通过门槛", "en": "Red outline: fails a gate"},
    "planner.legend.parcels": {"zh": "分配的消纳地块", "en": "Allocated parcels"},
    "planner.tip.name": {"zh": "名称", "en": "Name"},
    "planner.tip.status": {"zh": "状态", "en": "Status"},
    "planner.tip.dairy": {"zh": "奶牛（头）", "en": "Dairy cattle (head)"},
    "planner.tip.score": {"zh": "适宜性评分", "en": "Suitability score"},
    "planner.tip.draft": {"zh": "新绘制的占地范围（未保存）", "en": "New footprint (not saved)"},
    "planner.tip.selected": {"zh": "正在编辑的场址", "en": "Site being edited"},
    "planner.tip.parcel_id": {"zh": "地块", "en": "Parcel"},
    "planner.tip.area_text": {"zh": "面积（亩）", "en": "Area (mu)"},
    "planner.tip.share_pct": {"zh": "分配比例（%）", "en": "Share allocated (%)"},
    "planner.tip.haul_text": {"zh": "运输距离（公里）", "en": "Haul distance (km)"},
    "planner.tip.haul_line": {"zh": "运输距离 {km} 公里", "en": "Haul {km} km"},
    "planner.score_failed": {"zh": "未通过门槛", "en": "fails a gate"},
    # Feedback
    "planner.fb.not_scored": {
        "zh": "未评分：选址评分针对奶牛场，此场址没有奶牛存栏。",
        "en": "Not scored: the siting score is for dairy farms and this site has no dairy "
              "cattle.",
    },
    "planner.fb.gates_failed": {"zh": "未通过选址门槛：{gates}",
                                "en": "Fails siting gates: {gates}"},
    "planner.fb.gates_passed": {"zh": "通过已检查的选址门槛 · 适宜性评分 {score}/100{rank}",
                                "en": "Passes the checked siting gates · suitability "
                                      "{score}/100{rank}"},
    "planner.fb.rank": {"zh": "（方案内第 {rank} 名）", "en": " (rank {rank} in the scenario)"},
    "planner.fb.gates_detail": {"zh": "门槛与评分明细（{n} 项门槛，"
                                      "{unchecked} 项因缺少图层未检查）",
                                "en": "Gates and score details ({n} gates, {unchecked} not "
                                      "checked for lack of a layer)"},
    "planner.fb.n_need": {"zh": "粪污氮（kg/年）", "en": "Manure N (kg/yr)"},
    "planner.fb.land_n": {"zh": "需消纳地（亩）", "en": "Land needed (mu)"},
    "planner.fb.demand_local": {
        "zh": "氮基准：粪污氮 ÷ 运输半径内可施肥地块的平均需氮量（农办牧〔2018〕1号方法）。",
        "en": "N basis: manure N ÷ the mean manure N demand of the land within the haul "
              "radius (2018 MoA method).",
    },
    "planner.fb.demand_region": {
        "zh": "运输半径内没有可施肥地块，按全市平均需氮量计算。",
        "en": "No manure land within the haul radius: at the region's mean demand.",
    },
    "planner.fb.demand_crop": {
        "zh": "运输半径内没有可施肥地块，按本地区默认消纳作物（青贮玉米，默认产量）的需氮量计算。",
        "en": "No manure land within the haul radius: at the demand of the region's default "
              "receiving crop (silage maize, default yield).",
    },
    "planner.fb.forage": {"zh": "需饲草地（亩）", "en": "Forage land (mu)"},
    "planner.fb.forage_help": {
        "zh": "青贮玉米、苜蓿、燕麦草全部本地种植所需面积（奶牛与奶山羊日粮 ÷ 所在旗县产量）。",
        "en": "Silage corn, alfalfa and oat hay all grown locally (dairy cattle and goat "
              "rations ÷ the county's yields).",
    },
    "planner.fb.allocated": {"zh": "已分配（亩）", "en": "Allocated (mu)"},
    "planner.fb.haul": {"zh": "平均运距（公里）", "en": "Mean haul (km)"},
    "planner.fb.unmet": {"zh": "未满足（kg {basis}/年）", "en": "Unmet (kg {basis}/yr)"},
    "planner.fb.unmet_warning": {
        "zh": "运输半径内可用消纳地不足：还有 {kg} kg {basis}/年（{frac:.0%}）没有地块消纳。"
              "可扩大运输半径、减少存栏或改变位置。",
        "en": "Not enough absorption land within the haul radius: {kg} kg {basis}/yr "
              "({frac:.0%}) has no land. Widen the radius, reduce the herd or move the site.",
    },
    "planner.fb.p_line": {"zh": "粪污磷 {p} kg P/年；按磷计所需消纳地 {land} 亩。",
                          "en": "Manure P {p} kg P/yr; absorption land on the P basis {land} mu."},
    "planner.fb.parcels": {"zh": "分配的消纳地块（{n} 块）", "en": "Allocated parcels ({n})"},
    "planner.fb.no_parcels": {"zh": "没有分配到地块。", "en": "No parcel allocated."},
    "planner.fb.timing_incremental": {
        "zh": "计算用时 {ms:.0f} 毫秒（增量：重新查询 {farms} 个牧场，求解 {solved} 个分量，"
              "复用 {reused} 个；台账 {ledger_ms:.0f} 毫秒）",
        "en": "Computed in {ms:.0f} ms (incremental: {farms} farm(s) re-queried, {solved} "
              "component(s) solved, {reused} reused; ledger {ledger_ms:.0f} ms)",
    },
    "planner.fb.timing_full": {
        "zh": "计算用时 {ms:.0f} 毫秒（全部重算：{farms} 个牧场，求解 {solved} 个分量；"
              "台账 {ledger_ms:.0f} 毫秒）",
        "en": "Computed in {ms:.0f} ms (from scratch: {farms} farm(s), {solved} component(s) "
              "solved; ledger {ledger_ms:.0f} ms)",
    },
    "planner.gate.passed": {"zh": "通过", "en": "passed"},
    "planner.gate.failed": {"zh": "未通过", "en": "failed"},
    "planner.gate.unchecked": {"zh": "未检查", "en": "not checked"},
    "planner.fb.criteria": {"zh": "评分指标（得分，满分 100）", "en": "Criteria (points of 100)"},
    # Columns (units in the label)
    "planner.col.parcel": {"zh": "地块", "en": "Parcel"},
    "planner.col.county": {"zh": "旗县区代码", "en": "County code"},
    "planner.col.area_mu": {"zh": "分配面积（亩）", "en": "Area (mu)"},
    "planner.col.share": {"zh": "分配比例（%）", "en": "Share (%)"},
    "planner.col.n_kg": {"zh": "消纳氮（kg/年）", "en": "N taken (kg/yr)"},
    "planner.col.haul_km": {"zh": "运输距离（公里）", "en": "Haul (km)"},
    "planner.col.site": {"zh": "场址", "en": "Site"},
    "planner.col.status": {"zh": "状态", "en": "Status"},
    "planner.col.score": {"zh": "评分", "en": "Score"},
    "planner.col.n_need": {"zh": "粪污氮（kg/年）", "en": "Manure N (kg/yr)"},
    "planner.col.land_need": {"zh": "所需消纳地（亩）", "en": "Land needed (mu)"},
    "planner.col.allocated_mu": {"zh": "已分配（亩）", "en": "Land allocated (mu)"},
    "planner.col.unmet": {"zh": "未满足（kg/年）", "en": "Unmet (kg/yr)"},
    "planner.col.unmet_frac": {"zh": "未满足（%）", "en": "Unmet (%)"},
    "planner.col.forage": {"zh": "所需饲草地（亩）", "en": "Forage land (mu)"},
    "planner.col.used_pct": {"zh": "已用（%）", "en": "Used (%)"},
    "planner.col.farms": {"zh": "使用的牧场", "en": "Farms using it"},
    # Scenario sections
    "planner.ledger": {"zh": "消纳地台账：{name}", "en": "Absorption-land ledger: {name}"},
    "planner.priority": {"zh": "分配优先级", "en": "Allocation priority"},
    "planner.priority_help": {
        "zh": "数字小的先分配：默认现有牧场先于在建，在建先于拟建"
              "（先到先得，后来者只用剩余土地）。",
        "en": "Lower numbers are served first: by default existing before under construction "
              "before proposed (later farms only get the land left).",
    },
    "planner.table.farms": {"zh": "各牧场", "en": "Per farm"},
    "planner.table.farms_note": {
        "zh": "所需消纳地按运输半径内可施肥地块的平均需氮量计算；已分配面积取决于实际分到的地块"
              "（近处地块需肥量较高时，分到的面积少于平均值算出的面积）。未满足按各场的计算基准（氮或磷）。",
        "en": "Land needed is at the mean manure N demand of the land within the haul radius; "
              "the land allocated depends on the parcels actually given (less when nearby "
              "parcels take more manure per mu). Unmet need is on each farm's basis (N or P).",
    },
    "planner.table.parcels": {"zh": "被使用的地块（{n} 块）", "en": "Parcels in use ({n})"},
    "planner.tab.import": {"zh": "导入场址", "en": "Import sites"},
    "planner.tab.export": {"zh": "导出方案", "en": "Export scenario"},
    "planner.import_intro": {
        "zh": "GeoJSON、KML/KMZ（手机地图 App 标注）、压缩的 Shapefile、GeoPackage、DXF、"
              "经纬度 CSV（可含 footprint_mu 占地列），或本程序导出的文件。",
        "en": "GeoJSON, KML/KMZ (placemarks from phone map apps), zipped Shapefile, "
              "GeoPackage, DXF, lon/lat CSV (optional footprint_mu column), or a file "
              "exported by this program.",
    },
    "planner.import_file": {"zh": "场址文件", "en": "Sites file"},
    "planner.import_button": {"zh": "导入到本方案", "en": "Add to this scenario"},
    "planner.demo": {"zh": "载入示范方案（2021–2023 规划的 25 个牧场）",
                     "en": "Load the demo scenario (the plan's 25 ranches, 2021–2023)"},
    "planner.demo_help": {"zh": "新建一个方案并载入示范牧场；位置为示意。",
                          "en": "Creates a new scenario with the demo ranches; positions are "
                                "illustrative."},
    "planner.demo_description": {"zh": "示范方案（位置为示意）",
                                 "en": "Demo scenario (positions illustrative)"},
    "planner.export_intro": {
        "zh": "GeoPackage 可在 QGIS 中打开（场址、分配、地块使用、结果表，列名含单位）；"
              "KML 的描述中含主要指标。",
        "en": "The GeoPackage opens in QGIS (sites, allocations, parcel use, results with "
              "units in the column names); KML descriptions carry the key figures.",
    },
    # Result columns in the KML descriptions of exported sites
    "planner.xcol.name": {"zh": "名称", "en": "Name"},
    "planner.xcol.status": {"zh": "建设状态", "en": "Status"},
    "planner.xcol.start_year": {"zh": "投产年份", "en": "Start year"},
    "planner.xcol.dairy_cow_head": {"zh": "奶牛存栏（头）", "en": "Dairy cattle (head)"},
    "planner.xcol.pig_equivalents_pe": {"zh": "猪当量", "en": "Pig equivalents"},
    "planner.xcol.n_need_kg_per_yr": {"zh": "粪污氮（kg/年）", "en": "Manure N (kg/yr)"},
    "planner.xcol.p_need_kg_per_yr": {"zh": "粪污磷（kg/年）", "en": "Manure P (kg/yr)"},
    "planner.xcol.absorption_land_n_mu": {"zh": "需消纳地，氮（亩）",
                                          "en": "Land needed, N (mu)"},
    "planner.xcol.absorption_land_p_mu": {"zh": "需消纳地，磷（亩）",
                                          "en": "Land needed, P (mu)"},
    "planner.xcol.forage_land_mu": {"zh": "需饲草地（亩）", "en": "Forage land (mu)"},
    "planner.xcol.land_allocated_mu": {"zh": "已分配消纳地（亩）", "en": "Land allocated (mu)"},
    "planner.xcol.mean_haul_km": {"zh": "平均运距（公里）", "en": "Mean haul (km)"},
    "planner.xcol.unmet_kg_per_yr": {"zh": "未满足（kg/年）", "en": "Unmet (kg/yr)"},
    "planner.xcol.unmet_frac": {"zh": "未满足比例", "en": "Unmet share"},
    "planner.xcol.parcel_count": {"zh": "分配地块数", "en": "Parcels allocated"},
    "planner.xcol.suitability_score": {"zh": "适宜性评分", "en": "Suitability score"},
    "planner.xcol.suitability_rank": {"zh": "方案内排名", "en": "Rank in scenario"},
    "planner.xcol.gates_passed": {"zh": "通过门槛", "en": "Passes gates"},
    "planner.xcol.failed_gates": {"zh": "未通过的门槛", "en": "Failed gates"},
    "planner.export.gpkg": {"zh": "GeoPackage", "en": "GeoPackage"},
    "planner.export.geojson": {"zh": "GeoJSON", "en": "GeoJSON"},
    "planner.export.kml": {"zh": "KML", "en": "KML"},
    "planner.export.shp_zip": {"zh": "Shapefile（zip）", "en": "Shapefile (zip)"},
    "planner.export.xlsx": {"zh": "Excel 表格", "en": "Excel tables"},
}
