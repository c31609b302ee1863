"""The herd attribute of an uploaded site, whatever its JSON value (hypothesis).

`read_sites` keeps a site exactly when its ``dairy_cow_head`` is a finite number above
zero; anything else (negative, zero, null, text, true/false, infinite as a huge literal) is
refused with one `InputDataError` naming the feature and the value.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from errors import InputDataError
from planning.site_scoring import read_sites

FAST = settings(max_examples=40, deadline=None, database=None)
RING = [[111.60, 40.80], [111.61, 40.80], [111.61, 40.81], [111.60, 40.81], [111.60, 40.80]]
herd_values = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e7, 1e7, allow_nan=False),
    st.text(max_size=8),
    st.none(),
    st.booleans(),
    st.just(1e400),  # json.dumps writes Infinity; GDAL reads it as inf
)


def _upload(value: object) -> bytes:
    feature = {
        "type": "Feature",
        "properties": {"name": "Ranch A", "dairy_cow_head": value},
        "geometry": {"type": "Polygon", "coordinates": [RING]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def _usable(value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    try:
        number = float(value)  # type: ignore[arg-type]
    except ValueError:
        return False
    return math.isfinite(number) and number > 0


@FAST
@given(herd_values)
def test_a_site_is_kept_exactly_when_its_herd_is_a_positive_number(value: object) -> None:
    data = _upload(value)
    if _usable(value):
        read = read_sites(data, herd=None, region_outline=None, filename="sites.geojson")
        assert read.sites["dairy_cow_head"].tolist() == [pytest.approx(float(value))]  # type: ignore[arg-type]
        return
    with pytest.raises(InputDataError, match=r"^sites\.geojson: no usable site \(feature 1: "):
        read_sites(data, herd=None, region_outline=None, filename="sites.geojson")
