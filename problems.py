"""Collect every problem found in an input, then raise one bilingual error (collect-then-raise)."""

from __future__ import annotations

import math

from errors import ParameterError, PlannerError


class Problems:
    """Bilingual list of problems found while checking one input.

    Parameters
    ----------
    what, what_zh
        Name of the checked input in English and Chinese (e.g. ``"NutrientParams"``,
        ``"养分参数"``); it prefixes the message.

    Examples
    --------
    >>> problems = Problems("herd", "畜群")
    >>> problems.add("dairy_cow = -5 is negative", "dairy_cow = -5 为负数")
    >>> problems.raise_if_any()
    Traceback (most recent call last):
    ...
    errors.ParameterError: herd: dairy_cow = -5 is negative
    """

    def __init__(self, what: str, what_zh: str) -> None:
        self.what = what
        self.what_zh = what_zh
        self._en: list[str] = []
        self._zh: list[str] = []

    def __bool__(self) -> bool:
        return bool(self._en)

    def __len__(self) -> int:
        return len(self._en)

    def add(self, en: str, zh: str) -> None:
        """Record one problem, in English and Chinese."""
        self._en.append(en)
        self._zh.append(zh)

    def require_fraction(self, name: str, value: float, *, allow_zero: bool = False) -> None:
        """Record a problem unless ``value`` is a fraction in (0, 1] (or [0, 1])."""
        low_ok = value >= 0 if allow_zero else value > 0
        if not (math.isfinite(value) and low_ok and value <= 1):
            bounds = "[0, 1]" if allow_zero else "(0, 1]"
            self.add(
                f"{name} = {value!r} must be a fraction in {bounds} (e.g. 0.45 for 45%)",
                f"{name} = {value!r} 须为 {bounds} 之间的比例（如 45% 写作 0.45）",
            )

    def require_positive(self, name: str, value: float, *, allow_zero: bool = False) -> None:
        """Record a problem unless ``value`` is finite and > 0 (or >= 0)."""
        ok = value >= 0 if allow_zero else value > 0
        if not (math.isfinite(value) and ok):
            sign = ">= 0" if allow_zero else "> 0"
            self.add(
                f"{name} = {value!r} must be a finite number {sign}",
                f"{name} = {value!r} 须为有限数且 {sign}",
            )

    def raise_if_any(self, error_type: type[PlannerError] = ParameterError) -> None:
        """Raise one ``error_type`` listing every recorded problem, if there is any."""
        if not self._en:
            return
        msg = f"{self.what}: " + "; ".join(self._en)
        zh = f"{self.what_zh}：" + "；".join(self._zh)
        raise error_type(msg, zh=zh)
