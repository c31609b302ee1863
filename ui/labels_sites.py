"""Labels of the site-check page (选址评价), merged into `ui.labels.LABELS`."""

from __future__ import annotations

from collections.abc import Mapping

LABELS_SITES: Mapping[str, Mapping[str, str]] = {
    "page.sites": {"zh": "选址评价", "en": "Site check"},
    "sites.title": {"zh": "候选场址评价", "en": "Candidate site check"},
    "sites.intro": {
        "zh": "检查候选场址的硬性约束（禁养区、永久基本农田、生态保护红线、退让距离、坡度），"
              "按指标加权评分（0–100）、排名，并检验权重 ±20% 时排名是否稳定。结果与 "
              "`python -m siting score` 相同。",
        "en": "Checks candidate sites against the hard gates (禁养区, permanent basic "
              "farmland, ecological red line, setbacks, slope), scores them 0–100 by weighted "
              "criteria, ranks them and tests whether the ranks hold when each weight moves "
              "by ±20 %. Same results as `python -m siting score`.",
    },
    "sites.source": {"zh": "候选场址来源", "en": "Candidate sites"},
    "sites.source.demo": {"zh": "示例候选场址（15 个）", "en": "Demo candidates (15)"},
    "sites.source.upload": {"zh": "上传文件", "en": "Upload a file"},
    "sites.drawing_later": {
        "zh": "要在地图上绘制场址并保存，请用“规划方案”页；本页评价示例场址或上传的文件。",
        "en": "To draw sites on the map and keep them, use the Plan page; this page assesses "
              "the demo candidates or an uploaded file.",
    },
    "sites.file": {
        "zh": "场址多边形（GeoJSON、KML、KMZ、压缩 Shapefile、GeoPackage）",
        "en": "Site polygons (GeoJSON, KML, KMZ, zipped Shapefile, GeoPackage)",
    },
    "sites.waiting": {"zh": "请上传场址文件。", "en": "Upload a file of site polygons."},
    "sites.herd_all": {"zh": "所有场址使用同一存栏数", "en": "Same herd for every site"},
    "sites.herd_all_help": {
        "zh": "不勾选时使用文件中的 herd_dairy_cows 属性。",
        "en": "Unticked: the file's herd_dairy_cows attribute is used.",
    },
    "sites.herd": {"zh": "奶牛存栏（头）", "en": "Dairy cows (head)"},
    "sites.skipped": {"zh": "已跳过 {n} 个要素：", "en": "Skipped {n} features:"},
    "sites.skipped_row": {"zh": "要素 {no}：{reason}", "en": "Feature {no}: {reason}"},
    "sites.weights": {"zh": "指标权重", "en": "Criteria weights"},
    "sites.weights_method": {"zh": "权重来源", "en": "Weights from"},
    "sites.method.direct": {"zh": "直接设定", "en": "Direct entry"},
    "sites.method.ahp": {"zh": "AHP 两两比较矩阵", "en": "AHP pairwise matrix"},
    "sites.weights_help": {
        "zh": "权重可为任意非负数，评分时按可用指标归一化。默认值见 siting_criteria.csv。",
        "en": "Any non-negative numbers; they are renormalised over the available criteria "
              "when scoring. Defaults from siting_criteria.csv.",
    },
    "sites.not_available": {"zh": "不可用：{reason}", "en": "Not available: {reason}"},
    "sites.reset_weights": {"zh": "恢复默认权重", "en": "Reset default weights"},
    "sites.ahp_help": {
        "zh": "填写上三角（行指标比列指标重要多少倍，Saaty 1–9 标度），下三角自动取倒数。",
        "en": "Fill in the upper triangle (how much more important the row criterion is "
              "than the column one, Saaty's 1–9 scale); the lower triangle is its reciprocal.",
    },
    "sites.ahp_consistent": {
        "zh": "一致性比率 CR = {cr:.3f} < 0.10：判断矩阵一致。",
        "en": "Consistency ratio CR = {cr:.3f} < 0.10: the matrix is consistent.",
    },
    "sites.ahp_inconsistent": {
        "zh": "一致性比率 CR = {cr:.3f} ≥ 0.10：判断矩阵不一致，请修改比较值后再采用这些权重。",
        "en": "Consistency ratio CR = {cr:.3f} ≥ 0.10: the matrix is inconsistent; revise "
              "the comparisons before relying on these weights.",
    },
    "sites.ahp_weights": {"zh": "AHP 权重", "en": "AHP weights"},
    "sites.running": {"zh": "正在评价候选场址……", "en": "Checking the candidate sites..."},
    "sites.ranking": {"zh": "排名", "en": "Ranking"},
    "sites.summary": {
        "zh": "{n} 个场址：{passed} 个通过硬性约束，{failed} 个未通过。",
        "en": "{n} sites: {passed} pass the hard gates, {failed} fail.",
    },
    "sites.top_stays": {
        "zh": "权重各变化 ±{pct}% 时，排名第一的 {site} 始终第一。",
        "en": "The top site {site} stays on top when each weight moves by ±{pct}%.",
    },
    "sites.top_changes": {
        "zh": "权重各变化 ±{pct}% 时，排名第一的 {site} 不能保持第一：{changes}。",
        "en": "The top site {site} does NOT stay on top when each weight moves by ±{pct}%: "
              "{changes}.",
    },
    "sites.top_change_row": {"zh": "{criterion} {sign} → {site}", "en": "{criterion} {sign} → {site}"},
    "sites.no_passing": {"zh": "没有场址通过硬性约束。", "en": "No site passes the hard gates."},
    "sites.selected": {"zh": "查看场址", "en": "Site to inspect"},
    "sites.gates": {"zh": "硬性约束：{site}", "en": "Hard gates: {site}"},
    "sites.criteria": {"zh": "评分指标：{site}", "en": "Criteria: {site}"},
    "sites.contributions": {"zh": "各指标得分贡献（分）", "en": "Points added by each criterion"},
    "sites.no_score": {
        "zh": "该场址未通过硬性约束，不评分、不排名。",
        "en": "This site fails a hard gate: it gets no score and no rank.",
    },
    "sites.unchecked": {"zh": "未检查", "en": "not checked"},
    "sites.limit_word": {"zh": "限值", "en": "limit"},
    "sites.map_caption": {
        "zh": "绿色为通过、红色为未通过。所选场址的决定性要素以粗边框标出（红色：未通过，蓝色：通过），"
              "虚线为量得的最近距离；未通过的场址自动放大显示。可在右上角开关各约束图层（永久基本农田、"
              "居民点图斑较多，默认关闭）。",
        "en": "Green passes, red fails. The features that decided the selected site's gates "
              "have a thick outline (red: failed, blue: passed); dashed lines show the "
              "measured shortest distance; a failed site is zoomed to. Toggle the constraint "
              "layers top right (basic farmland and settlements, thousands of patches, start "
              "switched off).",
    },
    "sites.map_candidates": {"zh": "候选场址", "en": "Candidate sites"},
    "sites.map_deciding": {"zh": "所选场址的决定性要素", "en": "Deciding features of the selected site"},
    "sites.map_result": {"zh": "结果", "en": "Result"},
    "sites.map_gate": {"zh": "约束", "en": "Gate"},
    "sites.map_passed": {"zh": "通过；得分 {score}，排名 {rank}", "en": "passes; score {score}, rank {rank}"},
    "sites.map_failed": {"zh": "未通过：{gates}", "en": "fails: {gates}"},
    "sites.feature_id": {"zh": "编号", "en": "ID"},
    "sites.feature_name": {"zh": "名称", "en": "Name"},
    "sites.legend_title": {"zh": "候选场址", "en": "Candidate sites"},
    "sites.legend_pass": {"zh": "通过硬性约束", "en": "passes the gates"},
    "sites.legend_fail": {"zh": "未通过（红框：决定性要素）", "en": "fails (red outline: deciding feature)"},
    "sites.legend_deciding_passed": {"zh": "最近要素（约束通过）", "en": "nearest feature (gate passed)"},
    # Users' own constraint layers and DEM
    "sites.user.expander": {
        "zh": "使用自己的约束图层与地形", "en": "Use your own constraint layers and DEM"},
    "sites.user.help": {
        "zh": "每类图层可上传一个文件（GeoJSON、KML、KMZ、压缩 Shapefile、GeoPackage、DXF、CSV，"
              "任意坐标系），它将在本次会话中替换该类内置图层。文件无坐标系时请填写声明坐标系"
              "（如 EPSG:4546）。DEM 为任意投影坐标系（米）的 GeoTIFF，最大 200 MB。",
        "en": "One file per layer kind (GeoJSON, KML, KMZ, zipped Shapefile, GeoPackage, DXF, "
              "CSV, any CRS) replaces the bundled layer of that kind for this session. Declare "
              "the CRS (e.g. EPSG:4546) when the file has none. The DEM is a GeoTIFF in any "
              "projected CRS in metres, at most 200 MB.",
    },
    "sites.user.layer": {"zh": "{layer}：自己的图层", "en": "{layer}: your own layer"},
    "sites.user.crs": {"zh": "声明坐标系（可选）", "en": "Declared CRS (optional)"},
    "sites.user.crs_help": {
        "zh": "文件没有坐标系或坐标系有误时填写，如 EPSG:4546；会覆盖文件自带的坐标系。",
        "en": "When the file has no CRS or a wrong one, e.g. EPSG:4546; overrides the file's.",
    },
    "sites.user.dem": {"zh": "DEM（GeoTIFF，投影坐标系，米）", "en": "DEM (GeoTIFF, projected CRS, metres)"},
    "sites.user.none": {"zh": "使用内置图层与 DEM。", "en": "Using the bundled layers and DEM."},
    "sites.user.active": {
        "zh": "评分使用你上传的图层（其余为内置图层）：{layers}",
        "en": "Scoring uses your layers (the others are bundled): {layers}",
    },
    "sites.user.reset": {"zh": "恢复内置图层与 DEM", "en": "Back to the bundled layers and DEM"},
    "sites.user.suffix": {"zh": "（用户）", "en": " (user)"},
    # Ranking columns
    "scol.site": {"zh": "场址", "en": "Site"},
    "scol.county": {"zh": "旗县区", "en": "County"},
    "scol.passed": {"zh": "通过", "en": "Passed"},
    "scol.score": {"zh": "得分（0–100）", "en": "Score (0–100)"},
    "scol.rank": {"zh": "排名", "en": "Rank"},
    "scol.range": {"zh": "权重 ±20% 排名范围", "en": "Rank range (±20% weights)"},
    "scol.failed": {"zh": "未通过的约束", "en": "Failed gates"},
    # Gate columns
    "gcol.rule": {"zh": "约束", "en": "Rule"},
    "gcol.passed": {"zh": "通过", "en": "Passed"},
    "gcol.value": {"zh": "量测值", "en": "Measured"},
    "gcol.limit": {"zh": "限值", "en": "Limit"},
    "gcol.unit": {"zh": "单位", "en": "Unit"},
    "gcol.feature": {"zh": "决定性要素", "en": "Deciding feature"},
    "gcol.source": {"zh": "依据", "en": "Source"},
    "gcol.status": {"zh": "数据状态", "en": "Status"},
    # Criterion columns
    "ccol.criterion": {"zh": "指标", "en": "Criterion"},
    "ccol.value": {"zh": "原始值", "en": "Raw value"},
    "ccol.unit": {"zh": "单位", "en": "Unit"},
    "ccol.normalised": {"zh": "归一化（0–1）", "en": "Normalised (0–1)"},
    "ccol.weight": {"zh": "权重", "en": "Weight"},
    "ccol.contribution": {"zh": "得分贡献（分）", "en": "Contribution (points)"},
    "ccol.explanation": {"zh": "说明", "en": "Explanation"},
    "ccol.source": {"zh": "来源", "en": "Source"},
}
