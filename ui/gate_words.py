"""Gates named by their rule ("距禁养区边界 ≥ 500 m"), with pass / fail beside.

The rule sentence is the catalogue text ``gate_rule.<rule key>`` with the gate's limit from
its parameter (``siting_rules.csv``) filled in, never a number typed into the sentence. A
rule of a region pack that the catalogue does not know keeps its recorded name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.labels import t, t_or

if TYPE_CHECKING:
    from siting.gates import GateResult

#: Verdict marks beside a rule (display only).
PASS_MARK = "✔"
FAIL_MARK = "✖"
UNCHECKED_MARK = "–"


def gate_rule(gate: GateResult, lang: str) -> str:
    """Return the rule of ``gate`` as a requirement, with its limit from the parameter."""
    recorded = gate.name_en if lang == "en" else gate.name_zh
    return t_or(f"gate_rule.{gate.rule}", lang, recorded).format(limit=f"{gate.limit:g}")


def gate_state(gate: GateResult) -> str:
    """Return ``passed``, ``failed`` or ``unchecked`` (no layer to check against)."""
    if not gate.evaluated:
        return "unchecked"
    return "passed" if gate.passed else "failed"


def gate_mark(gate: GateResult) -> str:
    """Return ✔, ✖ or – for a passed, failed or unchecked gate."""
    return {"passed": PASS_MARK, "failed": FAIL_MARK, "unchecked": UNCHECKED_MARK}[gate_state(gate)]


def gate_verdict(gate: GateResult, lang: str) -> str:
    """Return "rule ✔ passed" (or failed / not checked) for one gate."""
    word = t(f"planner.gate.{gate_state(gate)}", lang)
    return f"{gate_rule(gate, lang)} {gate_mark(gate)} {word}"


def failed_rules(gates: tuple[GateResult, ...] | list[GateResult], lang: str) -> str:
    """Return the rules of the failed gates, joined the way ``lang`` lists things."""
    return t("list.separator", lang).join(gate_rule(g, lang) for g in gates)


def gate_measured(gate: GateResult, lang: str) -> str:
    """Return the measured value with its unit and the deciding feature, e.g. "336.6 m 大黑河"."""
    if gate.measured_value is None:
        return ""
    unit = t_or(f"unit.{gate.unit}", lang, gate.unit)
    feature = " ".join(x for x in (gate.feature_id, gate.feature_name) if x)
    return f"{gate.measured_value:,.1f} {unit}" + (f" · {feature}" if feature else "")
