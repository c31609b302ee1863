"""Strings of the manure–land balance page (粪污土地承载力), merged into `ui.labels.LABELS`.

Chinese first; areas in 亩 / 万亩 with 公顷 beside; nutrient rates in kg N/亩, kg P/亩.
"""

from __future__ import annotations

from collections.abc import Mapping

_GUIDE = "农办牧〔2018〕1号"

LABELS_BALANCE: Mapping[str, Mapping[str, str]] = {
    "page.balance": {"zh": "粪污土地承载力", "en": "Manure–land balance"},
    "status.user": {"zh": "用户设定", "en": "user"},
    # Page
    "balance.title": {"zh": "畜禽粪污土地承载力", "en": "Manure–land balance"},
    "balance.intro": {
        "zh": f"按《畜禽粪污土地承载力测算技术指南》（{_GUIDE}）测算：各旗县区承载力与负荷预警、"
              "地块剩余消纳能力、单个养殖场所需配套土地。每个数字都可追溯到系数及其来源。",
        "en": f"By the MoA guide on manure-land carrying capacity ({_GUIDE}): county capacity "
              "and warning grade, remaining parcel capacity, and the land one farm needs. "
              "Every number traces back to its coefficients and their sources.",
    },
    "balance.tab.county": {"zh": "县域承载力与预警", "en": "County capacity and grade"},
    "balance.tab.parcels": {"zh": "地块剩余消纳能力", "en": "Parcel remaining capacity"},
    "balance.tab.farm": {"zh": "养殖场配套土地计算", "en": "Farm land calculator"},
    "balance.source.bundled_illustrative": {
        "zh": "消纳地块：数据包自带的示意地块（非真实数据，{n} 块）。"
              "可在上方“使用自己的地块图层”中替换。",
        "en": "Absorption parcels: the region pack's ILLUSTRATIVE parcels (not real data, {n} "
              "parcels). Replace them under 'Use your own parcel layer' above.",
    },
    "balance.source.bundled": {
        "zh": "消纳地块：数据包自带地块（{n} 块）。", "en": "Absorption parcels: the region "
        "pack's layer ({n} parcels).",
    },
    "balance.source.uploaded": {
        "zh": "消纳地块：用户上传的 {name}（{n} 块），本次会话中替换数据包自带地块。",
        "en": "Absorption parcels: your upload {name} ({n} parcels), replacing the region "
              "pack's parcels for this session.",
    },
    "balance.area_beside": {"zh": "合 {ha} 公顷，{wan_mu} 万亩", "en": "= {ha} ha = {wan_mu} 万亩"},
    # County tab
    "balance.basis": {"zh": "测算基准", "en": "Basis"},
    "balance.basis.N": {"zh": "以氮计", "en": "Nitrogen (N)"},
    "balance.basis.P": {"zh": "以磷计", "en": "Phosphorus (P)"},
    "balance.basis_name.N": {"zh": "氮", "en": "N"},
    "balance.basis_name.P": {"zh": "磷", "en": "P"},
    "balance.map_layer": {
        "zh": "粪污负荷预警等级（以{basis}计）",
        "en": "Manure load warning grade ({basis})",
    },
    "balance.input.parcels": {"zh": "消纳地块", "en": "absorption parcels"},
    "balance.input.herd": {"zh": "分旗县区存栏", "en": "county herd split"},
    "balance.legend_title": {
        "zh": "预警等级（负荷指数，以{basis}计）",
        "en": "Warning grade (load index, {basis})",
    },
    "balance.legend_entry": {"zh": "{grade}（{band}）", "en": "{grade} ({band})"},
    "balance.band": {"zh": "{lower}–{upper}", "en": "{lower}–{upper}"},
    "balance.band_open": {"zh": "> {lower}", "en": "> {lower}"},
    "balance.legend_source": {"zh": "阈值状态：{status}；来源：{source}",
                              "en": "Thresholds: {status}; source: {source}"},
    "balance.tip.name": {"zh": "旗县区", "en": "County"},
    "balance.tip.capacity_pe_txt": {"zh": "承载力（猪当量，以{basis}计）",
                                    "en": "Capacity (pig equivalents, {basis})"},
    "balance.tip.capacity_cows_txt": {"zh": "承载力（折奶牛，头）", "en": "Capacity (dairy cows)"},
    "balance.tip.present_pe_txt": {
        "zh": "现有存栏（猪当量）",
        "en": "Present load (pig equivalents)",
    },
    "balance.tip.load_index_txt": {"zh": "负荷指数", "en": "Load index"},
    "balance.tip.grade_txt": {"zh": "预警等级", "en": "Warning grade"},
    "balance.index_note": {
        "zh": "承载力（猪当量）= 消纳地块粪肥养分需求 ÷ 每猪当量粪肥养分供给（7.0 kg N / 1.2 kg "
              "P）；负荷指数 = 现有存栏猪当量 ÷ 承载力，大于 1 即超载。"
              "指南本身未给出负荷指数分级，分级阈值取自应用文献。",
        "en": "Capacity (PE) = manure nutrient demand of the absorption parcels ÷ manure supply "
              "per pig equivalent (7.0 kg N / 1.2 kg P); load index = present PE ÷ capacity, "
              "above 1 = overloaded. The guide has no grading of the index; the thresholds come "
              "from the applied literature.",
    },
    "balance.table": {
        "zh": "分旗县区承载力（氮、磷两种基准）",
        "en": "Capacity by county (N and P basis)",
    },
    "balance.col.manure_area_wan_mu": {
        "zh": "可施粪肥地块（万亩）",
        "en": "Manure land (10,000 mu)",
    },
    "balance.col.manure_area_ha": {"zh": "可施粪肥地块（公顷）", "en": "Manure land (ha)"},
    "balance.col.present_pe": {"zh": "现有存栏（猪当量）", "en": "Present load (PE)"},
    "balance.col.capacity_pe": {"zh": "承载力（猪当量，以{basis}计）",
                                "en": "Capacity (PE, {basis})"},
    "balance.col.capacity_cows": {"zh": "承载力（折奶牛头数，以{basis}计）",
                                  "en": "Capacity (dairy cows, {basis})"},
    "balance.col.load_index": {"zh": "负荷指数（以{basis}计）", "en": "Load index ({basis})"},
    "balance.col.grade": {"zh": "预警等级（以{basis}计）", "en": "Warning grade ({basis})"},
    "balance.download": {"zh": "下载 CSV（含全部数值）", "en": "Download CSV (all numbers)"},
    # Parcels tab
    "balance.parcel.county": {"zh": "旗县区", "en": "County"},
    "balance.parcel.measure": {"zh": "着色依据", "en": "Colour by"},
    "balance.parcel.measure.per_mu": {"zh": "每亩（kg/亩）", "en": "Per mu (kg/mu)"},
    "balance.parcel.measure.total": {"zh": "地块合计（kg/年）", "en": "Parcel total (kg/yr)"},
    "balance.parcel.layer": {
        "zh": "地块剩余消纳能力（以{basis}计）",
        "en": "Remaining parcel capacity ({basis})",
    },
    "balance.parcel.legend.per_mu": {"zh": "剩余可消纳粪肥{basis}（kg/亩）",
                                     "en": "Remaining manure {basis} capacity (kg/mu)"},
    "balance.parcel.legend.total": {"zh": "剩余可消纳粪肥{basis}（kg/年）",
                                    "en": "Remaining manure {basis} capacity (kg/yr)"},
    "balance.parcel.none": {"zh": "无（不可施粪肥）", "en": "None (no manure allowed)"},
    "balance.parcel.manure_yes": {"zh": "可施", "en": "allowed"},
    "balance.parcel.manure_no": {"zh": "不可施", "en": "not allowed"},
    "balance.parcel.tip.parcel_id": {"zh": "地块编号", "en": "Parcel"},
    "balance.parcel.tip.crop_txt": {"zh": "作物", "en": "Crop"},
    "balance.parcel.tip.area_txt": {"zh": "面积（亩）", "en": "Area (mu)"},
    "balance.parcel.tip.manure_txt": {"zh": "施用粪肥", "en": "Manure"},
    "balance.parcel.tip.remaining_txt": {"zh": "剩余可消纳{basis}（kg/年）",
                                         "en": "Remaining {basis} (kg/yr)"},
    "balance.parcel.tip.remaining_per_mu_txt": {"zh": "剩余可消纳{basis}（kg/亩）",
                                                "en": "Remaining {basis} (kg/mu)"},
    "balance.parcel.empty": {
        "zh": "{county}没有消纳地块。",
        "en": "{county} has no absorption parcels.",
    },
    "balance.parcel.m.area": {"zh": "可施粪肥地块（亩）", "en": "Manure land (mu)"},
    "balance.parcel.m.n": {"zh": "粪肥氮消纳能力（kg N/年）", "en": "Manure N capacity (kg N/yr)"},
    "balance.parcel.m.p": {"zh": "粪肥磷消纳能力（kg P/年）", "en": "Manure P capacity (kg P/yr)"},
    "balance.parcel.no_ledger": {
        "zh": "剩余消纳能力 = 消纳能力 − 方案分配台账已占用部分。目前尚无分配台账，"
              "剩余即全部消纳能力。",
        "en": "Remaining capacity = capacity − what the scenario's allocation ledger uses. There "
              "is no ledger yet, so the remaining capacity is the full capacity.",
    },
    # Parcel upload
    "parcels_upload.expander": {"zh": "使用自己的地块图层（GeoPackage 或 Shapefile）",
                                "en": "Use your own parcel layer (GeoPackage or Shapefile)"},
    "parcels_upload.intro": {
        "zh": "上传 GeoPackage（.gpkg）或压缩的 Shapefile（.zip），并指定各字段对应的列。"
              "面积按分析坐标系由几何计算。加载后在本次会话中替换数据包自带的示意地块。",
        "en": "Upload a GeoPackage (.gpkg) or a zipped Shapefile (.zip) and say which column "
              "holds which field. Areas are measured from the geometry in the analysis CRS. "
              "Once loaded, the layer replaces the bundled illustrative parcels for this "
              "session.",
    },
    "parcels_upload.layer": {"zh": "图层名（可选）", "en": "Layer name (optional)"},
    "parcels_upload.layer_help": {"zh": "GeoPackage 含多个图层时填写。",
                                  "en": "Needed when the GeoPackage holds several layers."},
    "parcels_upload.mapping": {"zh": "字段对应：为每个字段选择文件中的列（没有则留空）。",
                               "en": "Column mapping: pick the file column of each field "
                                     "(leave empty if there is none)."},
    "parcels_upload.defaults": {"zh": "文件中没有的字段可给统一默认值：",
                                "en": "Default values for fields the file lacks:"},
    "parcels_upload.submit": {"zh": "加载地块", "en": "Load parcels"},
    "parcels_upload.loaded": {
        "zh": "已从 {name} 加载 {n} 个地块。",
        "en": "Loaded {n} parcels from {name}.",
    },
    "parcels_upload.use_bundled": {"zh": "改回数据包自带地块", "en": "Back to the bundled parcels"},
    "parcels_upload.col.parcel_id": {"zh": "地块编号", "en": "Parcel id"},
    "parcels_upload.col.adcode": {"zh": "旗县区代码", "en": "County code"},
    "parcels_upload.col.crop": {"zh": "作物", "en": "Crop"},
    "parcels_upload.col.yield_kg_per_mu": {"zh": "目标产量（kg/亩）", "en": "Target yield (kg/mu)"},
    "parcels_upload.col.soil_n_class": {"zh": "土壤氮等级", "en": "Soil N class"},
    "parcels_upload.col.soil_p_class": {"zh": "土壤磷等级", "en": "Soil P class"},
    "parcels_upload.col.olsen_p_mg_per_kg": {"zh": "有效磷（mg/kg）", "en": "Olsen-P (mg/kg)"},
    "parcels_upload.col.manure_allowed": {"zh": "可施粪肥", "en": "Manure allowed"},
    # Coefficient editor
    "coef.expander": {"zh": "编辑系数（作用于本页全部计算）",
                      "en": "Edit coefficients (used by every view on this page)"},
    "coef.intro": {
        "zh": "默认值来自系数表（见下方系数表的来源与状态）。改动的数值状态记为“用户设定”。",
        "en": "Defaults come from the coefficient tables (source and status in the "
              "coefficient table). Changed values get the status 'user'.",
    },
    "coef.changed": {"zh": "已修改系数：{items}", "en": "Changed coefficients: {items}"},
    "coef.changed_item": {"zh": "{name} = {value}（默认 {default}）",
                          "en": "{name} = {value} (default {default})"},
    "coef.guide_range": {"zh": "指南范围 {low}–{high}", "en": "Guide range {low}–{high}"},
    "coef.manure_share_help": {
        "zh": "指南未给全国默认值，按当地施肥习惯设定（本工具默认 0.5，示意）。",
        "en": "The guide gives no national default; set it from local practice (tool default 0.5, "
              "illustrative).",
    },
    "coef.supply_help": {
        "zh": "不能大于排泄量 {excreted}。",
        "en": "Cannot exceed the excretion {excreted}.",
    },
    "coef.pe_per_head": {"zh": "每头{species}折猪当量", "en": "PE per {species}"},
    "coef.manure_share_frac": {"zh": "粪肥占施肥比例", "en": "Manure share of fertilisation"},
    "coef.n_utilisation_frac": {"zh": "粪肥氮当季利用率", "en": "Manure N utilisation"},
    "coef.p_utilisation_frac": {"zh": "粪肥磷当季利用率", "en": "Manure P utilisation"},
    "coef.fert_share_frac.I": {
        "zh": "施肥供给占比（I 级土壤）",
        "en": "Fertilisation share (soil I)",
    },
    "coef.fert_share_frac.II": {
        "zh": "施肥供给占比（II 级土壤）",
        "en": "Fertilisation share (soil II)",
    },
    "coef.fert_share_frac.III": {"zh": "施肥供给占比（III 级土壤）",
                                 "en": "Fertilisation share (soil III)"},
    "coef.n_supply_kg_per_pe": {
        "zh": "每猪当量粪肥氮供给（kg/年）",
        "en": "Manure N per PE (kg/yr)",
    },
    "coef.p_supply_kg_per_pe": {
        "zh": "每猪当量粪肥磷供给（kg/年）",
        "en": "Manure P per PE (kg/yr)",
    },
    "coef.n_excreted_kg_per_pe": {
        "zh": "每猪当量氮排泄量（kg/年）",
        "en": "N excreted per PE (kg/yr)",
    },
    "coef.p_excreted_kg_per_pe": {
        "zh": "每猪当量磷排泄量（kg/年）",
        "en": "P excreted per PE (kg/yr)",
    },
    "coef.olsen_p_threshold_mg_per_kg": {"zh": "改按磷计的有效磷阈值（mg/kg）",
                                         "en": "Olsen-P threshold for the P basis (mg/kg)"},
    "coef.low_n_demand_np_ratio": {
        "zh": "低需氮作物判定比（N:P）",
        "en": "Low-N-demand ratio (N:P)",
    },
    "coef.crop.n_kg_per_100kg": {
        "zh": "{crop}每 100 kg 产量吸氮量",
        "en": "{crop} N uptake per 100 kg",
    },
    "coef.crop.p_kg_per_100kg": {
        "zh": "{crop}每 100 kg 产量吸磷量",
        "en": "{crop} P uptake per 100 kg",
    },
    "coef.crop.default_yield_kg_per_mu": {"zh": "{crop}默认产量", "en": "{crop} default yield"},
    "coef.route.n_retention_frac": {"zh": "{stage}氮保留率", "en": "{stage} N retention"},
    "coef.route.p_retention_frac": {"zh": "{stage}磷保留率", "en": "{stage} P retention"},
    # Species and yield bases
    "species.dairy_cow": {"zh": "奶牛", "en": "dairy cow"},
    "species.beef_cattle": {"zh": "肉牛", "en": "beef cattle"},
    "species.sheep": {"zh": "绵羊", "en": "sheep"},
    "species.goat": {"zh": "山羊", "en": "goat"},
    "species.pig": {"zh": "猪", "en": "pig"},
    "species.poultry": {"zh": "家禽", "en": "poultry"},
    "yield_basis.grain": {"zh": "籽粒", "en": "grain"},
    "yield_basis.hay": {"zh": "干草", "en": "hay"},
    "yield_basis.fresh": {"zh": "鲜重", "en": "fresh"},
    "yield_basis.whole_plant_fresh": {"zh": "全株鲜重", "en": "whole-plant fresh"},
    "yield_basis.lint": {"zh": "皮棉", "en": "lint"},
    # Farm calculator inputs
    "farm.herd": {"zh": "存栏（头/只）", "en": "Head on stock"},
    "farm.head": {"zh": "{species}", "en": "{species}"},
    "farm.manure": {"zh": "粪污去向", "en": "Manure handling"},
    "farm.route": {"zh": "粪污处理路线", "en": "Manure route"},
    "farm.route.per_pe": {"zh": "指南默认（每猪当量 7.0 kg N、1.2 kg P）",
                          "en": "Guide default (7.0 kg N, 1.2 kg P per PE)"},
    "farm.route_help": {
        "zh": "指南默认值已包含收集、处理、贮存损失。分环节数值为单个养殖场实测（示意），"
              "请用当地数值替换。",
        "en": "The guide's default already includes collection, treatment and storage losses. "
              "Stage values are one farm's measurements (illustrative); replace them with local "
              "values.",
    },
    "farm.sold_frac": {"zh": "外售或外运粪肥比例", "en": "Share of manure sold or moved off"},
    "farm.sold_help": {"zh": "0–1，如 30% 写作 0.3；外售部分不需本场配套土地。",
                       "en": "0–1, e.g. 0.3 for 30%; manure sold needs none of the farm's land."},
    "farm.crop_block": {"zh": "消纳作物", "en": "Receiving crop"},
    "farm.crop": {"zh": "作物", "en": "Crop"},
    "farm.yield": {"zh": "目标产量（kg/亩，{basis}）", "en": "Target yield (kg/mu, {basis})"},
    "farm.yield_help": {"zh": "默认 {default} kg/亩（{status}；{source}），请填写当地目标产量。",
                        "en": "Default {default} kg/mu ({status}; {source}); enter the local "
                              "target yield."},
    "farm.soil": {"zh": "土壤", "en": "Soil"},
    "farm.soil_n_class": {"zh": "土壤氮养分等级", "en": "Soil N class"},
    "farm.soil_p_class": {"zh": "土壤磷养分等级", "en": "Soil P class"},
    "farm.soil_class.I": {"zh": "I（高）", "en": "I (high)"},
    "farm.soil_class.II": {"zh": "II（中）", "en": "II (medium)"},
    "farm.soil_class.III": {"zh": "III（低）", "en": "III (low)"},
    "farm.soil_n_help": {
        "zh": "指南附表2：旱地全氮 >1.0 g/kg 为 I，0.8–1.0 为 II，<0.8 为 III。",
        "en": "Guide table 2: dryland total N > 1.0 g/kg I, 0.8–1.0 II, < 0.8 III.",
    },
    "farm.soil_p_help": {"zh": "指南附表2：有效磷 >40 mg/kg 为 I，20–40 为 II，<20 为 III。",
                         "en": "Guide table 2: Olsen-P > 40 mg/kg I, 20–40 II, < 20 III."},
    "farm.olsen_p": {"zh": "土壤有效磷（mg/kg，可选）", "en": "Soil Olsen-P (mg/kg, optional)"},
    "farm.olsen_unknown": {"zh": "未知", "en": "unknown"},
    "farm.olsen_help": {"zh": "高于 40 mg/kg 时按磷计算配套土地。",
                        "en": "Above 40 mg/kg the P basis applies."},
    "farm.p_sensitive": {"zh": "位于磷敏感区域", "en": "In a P-sensitive area"},
    "farm.p_sensitive_help": {"zh": "如水源保护区周边；勾选后按磷计算。",
                              "en": "E.g. near drinking-water protection zones; ticked = P basis."},
    "farm.coef_hint": {"zh": "粪肥占比、当季利用率等系数在页面上方“编辑系数”中修改。",
                       "en": "Manure share, utilisation and other coefficients are set under "
                             "'Edit coefficients' above."},
    # Farm calculator results
    "farm.m.pe": {"zh": "猪当量", "en": "Pig equivalents"},
    "farm.m.n_supply": {"zh": "粪肥氮供给（kg N/年）", "en": "Manure N supply (kg N/yr)"},
    "farm.m.p_supply": {"zh": "粪肥磷供给（kg P/年）", "en": "Manure P supply (kg P/yr)"},
    "farm.m.n_demand": {"zh": "每亩粪肥氮需求（kg N/亩）", "en": "Manure N demand (kg N/mu)"},
    "farm.m.p_demand": {"zh": "每亩粪肥磷需求（kg P/亩）", "en": "Manure P demand (kg P/mu)"},
    "farm.m.land_n": {"zh": "配套土地·以氮计（亩）", "en": "Land needed, N basis (mu)"},
    "farm.m.land_p": {"zh": "配套土地·以磷计（亩）", "en": "Land needed, P basis (mu)"},
    "farm.binding": {"zh": "按指南规则以{basis}计：需配套土地 {land} 亩（{beside}）。{reason}",
                     "en": "By the guide's rule the {basis} basis applies: {land} mu of land "
                           "({beside}). {reason}"},
    "farm.formula": {"zh": "计算公式与过程", "en": "Formula and steps"},
    "farm.formula_symbols": {
        "zh": "f：每头折猪当量；s：每猪当量粪肥养分供给（或排泄量 × 处理路线保留率）；r：外售比例；"
              "Y：目标产量（kg/亩）；u：每 100 kg 产量养分吸收量；a：土壤等级对应的施肥供给占比；"
              "m：粪肥占施肥比例；η：粪肥当季利用率；A：配套土地（亩）。",
        "en": "f: PE per head; s: manure nutrient per PE (or excretion × route retention); "
              "r: share sold; Y: target yield (kg/mu); u: uptake per 100 kg of yield; a: "
              "fertilisation share of the soil class; m: manure share of fertilisation; η: "
              "in-season utilisation; A: land (mu).",
    },
    "farm.coefficients": {"zh": "所用系数（数值、单位、状态、来源）",
                          "en": "Coefficients used (value, unit, status, source)"},
    "farm.col.key": {"zh": "系数键", "en": "Key"},
    "farm.col.name": {"zh": "系数", "en": "Coefficient"},
    "farm.col.quantity": {"zh": "计算量", "en": "Quantity"},
    "farm.col.formula": {"zh": "算式（代入数值）", "en": "Formula (with numbers)"},
    # Quantities of the explain rows
    "qty.pe_species": {"zh": "猪当量（{species}）", "en": "Pig equivalents ({species})"},
    "qty.pig_equivalents": {"zh": "猪当量合计", "en": "Pig equivalents, total"},
    "qty.n_excreted_kg_per_yr": {"zh": "氮排泄量", "en": "N excreted"},
    "qty.p_excreted_kg_per_yr": {"zh": "磷排泄量", "en": "P excreted"},
    "qty.n_retained_kg_per_yr": {"zh": "处理后粪肥氮", "en": "N after losses"},
    "qty.p_retained_kg_per_yr": {"zh": "处理后粪肥磷", "en": "P after losses"},
    "qty.n_sold_kg_per_yr": {"zh": "外售粪肥氮", "en": "N sold off-farm"},
    "qty.p_sold_kg_per_yr": {"zh": "外售粪肥磷", "en": "P sold off-farm"},
    "qty.n_supply_kg_per_yr": {"zh": "本场土地需消纳的粪肥氮", "en": "Manure N for own land"},
    "qty.p_supply_kg_per_yr": {"zh": "本场土地需消纳的粪肥磷", "en": "Manure P for own land"},
    "qty.n_uptake_kg_per_mu": {"zh": "作物每亩吸氮量", "en": "Crop N uptake per mu"},
    "qty.p_uptake_kg_per_mu": {"zh": "作物每亩吸磷量", "en": "Crop P uptake per mu"},
    "qty.n_demand_kg_per_mu": {"zh": "每亩粪肥氮需求", "en": "Manure N demand per mu"},
    "qty.p_demand_kg_per_mu": {"zh": "每亩粪肥磷需求", "en": "Manure P demand per mu"},
    "qty.land_required_mu_n": {"zh": "配套土地（以氮计）", "en": "Land, N basis"},
    "qty.land_required_mu_p": {"zh": "配套土地（以磷计）", "en": "Land, P basis"},
    "qty.land_required_mu": {"zh": "配套土地（按指南规则）", "en": "Land, guide's basis"},
    # Units of explain rows and coefficients
    "bunit.PE": {"zh": "猪当量", "en": "PE"},
    "bunit.mu": {"zh": "亩", "en": "mu"},
    "bunit.kg N/yr": {"zh": "kg N/年", "en": "kg N/yr"},
    "bunit.kg P/yr": {"zh": "kg P/年", "en": "kg P/yr"},
    "bunit.kg N/mu": {"zh": "kg N/亩", "en": "kg N/mu"},
    "bunit.kg P/mu": {"zh": "kg P/亩", "en": "kg P/mu"},
    "bunit.PE per head": {"zh": "猪当量/头", "en": "PE per head"},
    "bunit.kg N per PE per yr": {"zh": "kg N/猪当量/年", "en": "kg N per PE per yr"},
    "bunit.kg P per PE per yr": {"zh": "kg P/猪当量/年", "en": "kg P per PE per yr"},
    "bunit.fraction": {"zh": "比例", "en": "fraction"},
    "bunit.mg P per kg soil (Olsen)": {"zh": "mg/kg（有效磷）", "en": "mg P per kg soil (Olsen)"},
    "bunit.kg N per kg P": {"zh": "kg N/kg P", "en": "kg N per kg P"},
}
