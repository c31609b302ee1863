"""Tables of the site-check page: ranking, gates and criteria of one site, AHP summary.

Pure functions (no ``st.*``): they turn `siting.assess.SiteAssessment` results into frames
with translated column labels (units in the label or in a unit column).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

import geopandas as gpd

from ui.gate_words import gate_rule
from ui.labels import t, t_or

if TYPE_CHECKING:
    from siting.ahp import AhpResult
    from siting.assess import SiteAssessment
    from siting.gates import GateResult
    from siting.score import SiteResult


def site_names(sites: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """Return ``{site_id: "site_id name"}`` using ``name_zh``/``name_en``/``name`` if present."""
    column = next((c for c in (f"name_{lang}", "name_zh", "name") if c in sites.columns), None)
    ids = sites["site_id"].astype(str)
    if column is None:
        return dict(zip(ids, ids, strict=True))
    names = sites[column].fillna("").astype(str)
    return {i: f"{i} {n}".strip() for i, n in zip(ids, names, strict=True)}


def site_counties(
    sites: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, *, analysis_crs: str, lang: str
) -> dict[str, str]:
    """Return ``{site_id: county name}`` of the county holding each site's inner point."""
    points = sites[["site_id", "geometry"]].to_crs(analysis_crs)
    points = points.set_geometry(points.representative_point())
    column = "name_en" if lang == "en" else "name_zh"
    joined = gpd.sjoin(
        points, counties[[column, "geometry"]].to_crs(analysis_crs), how="left", predicate="within"
    )
    first = joined.drop_duplicates("site_id")
    return dict(
        zip(first["site_id"].astype(str), first[column].fillna("").astype(str), strict=True)
    )


def gate_short(gate: GateResult, lang: str) -> str:
    """Return ``rule: value unit (limit L; feature)`` of one gate (rule as a requirement)."""
    name = gate_rule(gate, lang)
    value = "—" if gate.measured_value is None else f"{gate.measured_value:,.1f}"
    where = f"; {gate.feature_name}" if gate.feature_name else ""
    limit = t("sites.limit_word", lang)
    return f"{name}: {value} {_unit(gate.unit, lang)} ({limit} {gate.limit:g}{where})"


#: Shown for the score and rank of a site that fails a gate (it is not scored).
NOT_SCORED = "—"


def ranking_frame(
    assessment: SiteAssessment, names: dict[str, str], counties: dict[str, str], lang: str
) -> pd.DataFrame:
    """Return one row per site, best rank first and failed sites last.

    Columns: rank, score, passed, site, the rules of the failed gates (with the deciding
    feature), rank range under the weight sensitivity and county (the verdict first: in
    view in the column beside the map). A failed site has no score or rank ("—").
    """
    sens = assessment.sensitivity
    ordered = sorted(
        assessment.scores.sites,
        key=lambda s: (s.rank is None, s.rank or 0, s.site_id),
    )
    rows = []
    for s in ordered:
        rank_range = sens.rank_range(s.site_id)
        rows.append(
            {
                "rank": NOT_SCORED if s.rank is None else str(s.rank),
                "score": NOT_SCORED if s.score is None else f"{s.score:.1f}",
                "passed": "✔" if s.passed else "✖",
                "site": names.get(s.site_id, s.site_id),
                "failed": t("list.separator", lang).join(
                    gate_rule(g, lang) + (f" · {g.feature_name}" if g.feature_name else "")
                    for g in s.failed_gates
                ),
                "range": "" if rank_range is None else f"{rank_range[0]}–{rank_range[1]}",
                "county": counties.get(s.site_id, ""),
            }
        )
    frame = pd.DataFrame(rows)
    delta = f"{sens.delta_frac:.0%}"
    return frame.rename(
        columns={c: t(f"scol.{c}", lang).format(delta=delta) for c in frame.columns}
    )


def criterion_label(key: str, fallback: str, lang: str) -> str:
    """Return the catalogue's short name of criterion ``key`` (``fallback`` if none)."""
    return t_or(f"criterion.{key}", lang, fallback)


def sensitivity_rows(
    assessment: SiteAssessment, names: dict[str, str], criteria: dict[str, str], lang: str
) -> list[str]:
    """Return one sentence per weight change that puts another site first.

    E.g. "水源余量 −20 % → DEMO-09 居首" / "water headroom −20 % → DEMO-09 first", with the
    criterion's catalogue name (``criteria``: key -> name) and the site's name.
    """
    sens = assessment.sensitivity
    pct = f"{sens.delta_frac * 100:g}"
    signs = {"+": "+", "-": "−"}
    return [
        t("sites.sensitivity_row", lang).format(
            criterion=criteria.get(key, key),
            sign=signs.get(sign, sign),
            pct=pct,
            site=names.get(site, site),
        )
        for key, sign, site in sens.top_changes
    ]


def top_sites(assessment: SiteAssessment, names: dict[str, str], count: int) -> list[str]:
    """Return the names of the ``count`` best-ranked sites, best first."""
    ranked = sorted(
        (s for s in assessment.scores.sites if s.rank is not None), key=lambda s: s.rank or 0
    )
    return [names.get(s.site_id, s.site_id) for s in ranked[:count]]


def _unit(unit: str, lang: str) -> str:
    return t_or(f"unit.{unit}", lang, unit)


def gate_frame(site: SiteResult, lang: str) -> pd.DataFrame:
    """Return one row per gate: rule, passed, measured value, limit, unit, feature, source."""
    rows = [
        {
            "rule": gate_rule(g, lang),
            "passed": ("✔" if g.passed else "✖") if g.evaluated else t("sites.unchecked", lang),
            "value": None if g.measured_value is None else round(g.measured_value, 1),
            "limit": g.limit,
            "unit": _unit(g.unit, lang),
            "feature": " ".join(x for x in (g.feature_id, g.feature_name) if x),
            "source": g.source,
            "status": t_or(f"status.{g.status}", lang, g.status),
        }
        for g in site.gates
    ]
    frame = pd.DataFrame(rows).astype({"value": "Float64"})
    return frame.rename(columns={c: t(f"gcol.{c}", lang) for c in frame.columns})


def criteria_frame(site: SiteResult, lang: str) -> pd.DataFrame:
    """Return one row per criterion: value, unit, normalised, weight, contribution, source."""
    en = lang == "en"
    rows = [
        {
            "criterion": c.name_en if en else c.name_zh,
            "value": None if c.raw_value is None else round(c.raw_value, 2),
            "unit": _unit(c.unit, lang),
            "normalised": None if c.normalised is None else round(c.normalised, 3),
            "weight": round(c.weight, 3) if c.available else None,
            "contribution": None if c.contribution is None else round(c.contribution, 1),
            "explanation": c.explanation.render(lang)
            if c.available or c.reason_unavailable is None
            else c.reason_unavailable.render(lang),
            "source": c.source,
        }
        for c in site.criteria
    ]
    frame = pd.DataFrame(rows).astype(
        {
            "value": "Float64",
            "normalised": "Float64",
            "weight": "Float64",
            "contribution": "Float64",
        }
    )
    return frame.rename(columns={c: t(f"ccol.{c}", lang) for c in frame.columns})


def contributions(site: SiteResult, lang: str) -> pd.Series:
    """Return the points each available criterion adds to the 0-100 score, by name."""
    parts = {
        (c.name_en if lang == "en" else c.name_zh): c.contribution
        for c in site.criteria
        if c.available and c.contribution is not None
    }
    return pd.Series(parts, name=t("ccol.contribution", lang), dtype="float64")


def unavailable_criteria(assessment: SiteAssessment, lang: str) -> dict[str, str]:
    """Return ``{criterion key: reason}`` of criteria not available at any site."""
    out: dict[str, str] = {}
    sites = assessment.scores.sites
    for c in sites[0].criteria if sites else ():
        if all(not x.available for s in sites for x in s.criteria if x.key == c.key):
            reason = c.reason_unavailable
            out[c.key] = reason.render(lang) if reason is not None else ""
    return out


def ahp_summary(result: AhpResult, lang: str) -> pd.DataFrame:
    """Return λmax, CI, RI and CR of an AHP result as a two-column table."""
    rows = [("λmax", result.lambda_max), ("CI", result.ci), ("RI", result.ri), ("CR", result.cr)]
    return pd.DataFrame(
        {
            t("col.item", lang): [r[0] for r in rows],
            t("col.value", lang): [round(r[1], 4) for r in rows],
        }
    )


def reciprocal_matrix(edited: pd.DataFrame) -> pd.DataFrame:
    """Return the matrix with the upper triangle as entered and ``a_ji = 1 / a_ij`` below.

    The diagonal is set to 1; a non-positive entry leaves -1 below it, which
    `siting.ahp.ahp_weights` rejects with a message. The input is not modified.
    """
    values = edited.to_numpy(dtype="float64", copy=True)
    upper = np.triu(values, k=1)
    with np.errstate(divide="ignore"):
        lower = np.where(upper > 0, 1.0 / np.where(upper > 0, upper, 1.0), -1.0).T
    values = upper + np.tril(lower, k=-1) + np.eye(len(values))
    return pd.DataFrame(values, index=edited.index, columns=edited.columns)
