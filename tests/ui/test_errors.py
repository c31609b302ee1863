"""user_errors: one message in the active language; only PlannerError is caught."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

TIMEOUT_S = 30


def _raise_input_error() -> None:
    from errors import SchemaError
    from ui.errors import user_errors

    with user_errors("zh"):
        msg = "sites.gpkg lacks column herd_head."
        raise SchemaError(msg, zh="sites.gpkg 缺少 herd_head 列。")


def _raise_parameter_error() -> None:
    from errors import ParameterError
    from ui.errors import user_errors

    with user_errors("en"):
        msg = "herd_head must be > 0, got -5."
        raise ParameterError(msg, zh="herd_head 必须大于 0。")


def _raise_bug() -> None:
    from ui.errors import user_errors

    with user_errors("zh"):
        msg = "programming error"
        raise KeyError(msg)


def test_input_data_error_is_one_error_in_chinese() -> None:
    at = AppTest.from_function(_raise_input_error, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["sites.gpkg 缺少 herd_head 列。"]


def test_parameter_error_is_a_warning_in_english() -> None:
    at = AppTest.from_function(_raise_parameter_error, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert not at.error
    assert [w.value for w in at.warning] == ["herd_head must be > 0, got -5."]


def test_other_exceptions_are_not_swallowed() -> None:
    at = AppTest.from_function(_raise_bug, default_timeout=TIMEOUT_S).run()
    assert len(at.exception) == 1
    assert "programming error" in at.exception[0].message
