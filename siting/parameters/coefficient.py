"""One coefficient record: value, unit, status and source, as shown next to every number."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from problems import Problems

#: Status vocabulary of bundled coefficients (docs/decisions.md).
STATUSES: Final[tuple[str, ...]] = (
    "verified",
    "corroborated",
    "recalled",
    "illustrative",
    "derived",
)
#: Status of a value the user set (a CLI option or a UI widget) instead of the default.
USER_STATUS: Final[str] = "user"
USER_SOURCE: Final[str] = "set by the user"


def check_status(problems: Problems, name: str, status: str) -> None:
    """Record a problem unless ``status`` is one of `STATUSES` or `USER_STATUS`."""
    if status not in (*STATUSES, USER_STATUS):
        known = ", ".join((*STATUSES, USER_STATUS))
        problems.add(
            f"{name}: status {status!r} is not one of {known}",
            f"{name}：状态 {status!r} 不在 {known} 之中",
        )


@dataclass(frozen=True, slots=True)
class Coefficient:
    """A coefficient as displayed: its key, value, unit, status and source.

    Parameters
    ----------
    key
        Dotted identifier, the same as in the CSV (e.g. ``"pe_per_head.dairy_cow"``).
    value
        The value in ``unit`` (``inf`` is allowed for an open upper bound).
    unit
        Unit text, e.g. ``"kg N per PE per yr"``.
    status
        ``verified``, ``recalled``, ``illustrative``, ``derived``, or ``user``.
    source
        Where the value comes from (document, section, URL).
    note
        Derivation or caveat.
    """

    key: str
    value: float
    unit: str
    status: str
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        problems = Problems(f"coefficient {self.key!r}", f"系数 {self.key!r}")
        if math.isnan(self.value):
            problems.add("value is NaN; give a number", "数值为 NaN，请填写数字")
        check_status(problems, self.key, self.status)
        problems.raise_if_any()

    def to_dict(self) -> dict[str, object]:
        """Return the record as a plain dict (JSON-ready except an infinite value)."""
        return {
            "key": self.key,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "source": self.source,
            "note": self.note,
        }


def resolve_coefficient(
    key: str, value: float, unit: str, defaults: dict[str, Coefficient]
) -> Coefficient:
    """Return the record of ``key`` holding ``value``, with provenance from ``defaults``.

    If ``value`` equals the loaded default the default's status and source are kept;
    otherwise the value was overridden and gets status ``user``, with the default named in
    the note so that the display can show what was replaced.
    """
    default = defaults.get(key)
    if default is None:
        return Coefficient(key, value, unit, USER_STATUS, USER_SOURCE)
    if default.value == value:
        return default
    note = f"default {default.value:g} ({default.status}; {default.source})"
    return Coefficient(key, value, default.unit, USER_STATUS, USER_SOURCE, note)
