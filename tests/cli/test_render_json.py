"""cli.render.write_json: indented and compact output hold the same document."""

from __future__ import annotations

import io
import json

import pytest

from cli.render import write_json

DOCUMENT = {"region": "hohhot", "名称": "牧场", "sites": [{"score": 71.25, "rank": 1}, None]}


def test_compact_json_is_one_line_and_the_same_document() -> None:
    indented, compact = io.StringIO(), io.StringIO()
    write_json(DOCUMENT, indented)
    write_json(DOCUMENT, compact, compact=True)
    assert json.loads(indented.getvalue()) == json.loads(compact.getvalue()) == DOCUMENT
    assert compact.getvalue().count("\n") == 1
    assert '"名称":"牧场"' in compact.getvalue()
    assert '\n  "region": "hohhot"' in indented.getvalue()


def test_nan_is_refused_in_both_forms() -> None:
    for compact in (False, True):
        with pytest.raises(ValueError, match="Out of range float"):
            write_json({"x": float("nan")}, io.StringIO(), compact=compact)
