"""Classed colour scales for choropleths (display only; no branca ColorMap, which needs d3).

A `ColorScale` has ``n`` upper class breaks and ``n`` colours: a value ``v`` gets the colour
of the first class with ``v <= break``. Missing values and values ``<= 0`` (no target) get
``no_data_color``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# ColorBrewer YlGn, 5 classes (sequential, colour-blind safe, prints in grey).
YLGN_5: tuple[str, ...] = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")
NO_DATA_COLOR = "#d9d9d9"
_NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class ColorScale:
    """Upper class breaks (ascending) and one colour per class."""

    breaks: tuple[float, ...]
    colors: tuple[str, ...]
    no_data_color: str = NO_DATA_COLOR

    def color_for(self, value: float | None) -> str:
        """Return the fill colour of ``value`` (``no_data_color`` if missing or <= 0)."""
        if value is None or not math.isfinite(value) or value <= 0:
            return self.no_data_color
        for upper, color in zip(self.breaks, self.colors, strict=True):
            if value <= upper:
                return color
        return self.colors[-1]

    def class_ranges(self) -> list[tuple[float, float, str]]:
        """Return ``(lower, upper, colour)`` of every class; the first lower bound is 0."""
        lowers = (0.0, *self.breaks[:-1])
        return list(zip(lowers, self.breaks, self.colors, strict=True))


def nice_step(raw_step: float) -> float:
    """Round a positive step up to 1, 2, 2.5 or 5 times a power of ten."""
    if raw_step <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw_step))
    return next(s * magnitude for s in _NICE_STEPS if s * magnitude >= raw_step * (1 - 1e-12))


def sequential_scale(values: Iterable[float], colors: Sequence[str] = YLGN_5) -> ColorScale:
    """Return an equal-interval scale with round breaks from 0 to just above max(``values``).

    The step is max/len(colors) rounded up to a nice number, so there are at most
    ``len(colors)`` classes and the top class contains the maximum.
    """
    positive = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    top = max(positive, default=1.0)
    step = nice_step(top / len(colors))
    n_classes = min(len(colors), max(1, math.ceil(top / step - 1e-9)))
    breaks = tuple(step * (i + 1) for i in range(n_classes))
    if n_classes == 1:
        return ColorScale(breaks=breaks, colors=(colors[-1],))
    last = len(colors) - 1
    palette = tuple(colors[round(i * last / (n_classes - 1))] for i in range(n_classes))
    return ColorScale(breaks=breaks, colors=palette)


def label_decimals(scale: ColorScale) -> int:
    """Return how many decimals the class bounds of ``scale`` need (0, 1 or 2)."""
    for decimals in (0, 1):
        if all(abs(b * 10**decimals - round(b * 10**decimals)) < 1e-9 for b in scale.breaks):
            return decimals
    return 2
