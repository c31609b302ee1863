"""Labels: every key has both languages, and every literal key the UI uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui.labels import LABELS, t, t_or

ROOT = Path(__file__).resolve().parents[2]
LITERAL_KEY = re.compile(r"\bt\(\s*\"([a-z_]+\.[A-Za-z0-9_.]+)\"")


def test_every_label_has_chinese_and_english() -> None:
    for key, entry in LABELS.items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key


def test_every_literal_key_used_in_the_ui_exists() -> None:
    sources = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]
    used = {key for path in sources for key in LITERAL_KEY.findall(path.read_text("utf-8"))}
    assert used, "the pattern found no keys"
    assert sorted(used - set(LABELS)) == []


def test_lookup_and_fallback() -> None:
    assert t("page.targets", "zh") == "规划目标"
    assert t("page.targets", "en") == "Forage targets"
    assert t_or("crop.unknown_crop", "zh", "unknown_crop") == "unknown_crop"
    with pytest.raises(KeyError):
        t("no.such.key", "zh")
