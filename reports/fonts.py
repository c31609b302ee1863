"""A CJK font for matplotlib, found on the system (never bundled, never downloaded)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

import matplotlib as mpl
from matplotlib import font_manager

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: Font files tried first (Debian/Ubuntu packages fonts-wqy-microhei, fonts-noto-cjk ...).
CJK_FONT_FILES: Final[tuple[str, ...]] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
#: Family names accepted when matplotlib already knows the font.
CJK_FAMILIES: Final[tuple[str, ...]] = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "AR PL UMing CN",
)


@cache
def cjk_family() -> str | None:
    """Return a font family name that renders Chinese, or None if the system has none."""
    for file in CJK_FONT_FILES:
        if Path(file).is_file():
            font_manager.fontManager.addfont(file)
            return font_manager.FontProperties(fname=file).get_name()
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in known), None)


def font_rc(family: str | None) -> dict[RcKeyType, object]:
    """Return matplotlib rc settings that use ``family`` (if any) with DejaVu Sans after it."""
    families = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": families,
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "svg.fonttype": "path",
    }


@contextmanager
def fonts_in_use(family: str | None) -> Iterator[None]:
    """Use ``family`` for the figures drawn inside the block.

    CJK fonts such as WenQuanYi Micro Hei have no bold face; matplotlib then uses the
    regular face and logs "Failed to find font weight bold" for every bold label. That
    message is silenced inside the block (the result is the intended one).
    """
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with mpl.rc_context(font_rc(family)):
            yield
    finally:
        logger.setLevel(level)
