"""Accounts mode in the app (AppTest): log-in form, role-limited Plan page, log-out.

The store has real accounts (``FORAGE_SITING_ACCOUNTS=on``) and is, in turn, a file in
``tmp_path`` and a fresh schema on the tests' throwaway PostGIS server
(``$FORAGE_SITING_STORE`` names either, as on a bureau server); a user is logged in through
the form, or by putting a principal from a real store log-in in the session (the page
functions run without the app's gate).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from store import STORE_PATH_ENV, ScenarioStore
from store.principal import Principal
from tests.postgis_server import BACKENDS, new_schema_url
from tests.ui.test_planner_page import SQUARE, TIMEOUT_S, _draw, _page
from ui.login.session import PRINCIPAL
from ui.planner import state as ps

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "grass and cows 1"
TUZUO, HELIN = "150121", "150123"  # the drawn SQUARE lies in 土默特左旗 150121


@pytest.fixture(params=BACKENDS)
def accounts(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ScenarioStore:
    """A store in accounts mode with scenario 方案一 and an admin, reviewer, two planners."""
    if request.param == "gpkg":
        location = str(tmp_path / "plans.gpkg")
    else:
        location = new_schema_url(request.getfixturevalue("postgis_server"))
    monkeypatch.setenv(STORE_PATH_ENV, location)
    monkeypatch.setenv("FORAGE_SITING_ACCOUNTS", "on")
    store = ScenarioStore(
        location, hasher=PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )
    store.accounts.add_user("admin", PASSWORD, role="admin", user="setup")
    admin = store.accounts.log_in("admin", PASSWORD)
    for name, role, county in (("li", "reviewer", TUZUO), ("wang", "planner", TUZUO),
                               ("zhao", "planner", HELIN)):  # fmt: skip
        store.accounts.add_user(name, PASSWORD, role=role, counties=[county], user=admin)
    store.create_scenario("方案一", user=admin)
    return store


def _as(store: ScenarioStore, name: str) -> AppTest:
    """The Plan page run as ``name`` (logged in through the store)."""
    at = AppTest.from_function(_page, default_timeout=TIMEOUT_S)
    at.session_state[PRINCIPAL] = store.accounts.log_in(name, PASSWORD)
    return at.run()


def test_the_app_asks_for_a_log_in_and_refuses_a_wrong_password(accounts: ScenarioStore) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.title[0].value == "登录"
    assert not any(t.value == "规划方案" for t in at.title)  # no page behind the form
    at.text_input(key="login_name").set_value("li")
    at.text_input(key="login_password").set_value("not the password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["用户名或密码错误，或账户已停用。"]
    at.text_input(key="login_password").set_value(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert "当前用户：li（审核人员）" in [m.value for m in at.sidebar.markdown]
    assert isinstance(at.session_state[PRINCIPAL], Principal)
    at.sidebar.button(key="login_log_out").click().run()
    assert at.title[0].value == "登录"
    assert accounts.audit()["action"].tolist().count("session.open") >= 2


def test_a_reviewer_sees_no_edit_or_save_controls_on_the_plan_page(accounts: ScenarioStore) -> None:
    at = _as(accounts, "li")
    assert not at.exception and not at.error, [e.value for e in at.error]
    keys = {b.key for b in at.button}
    assert not keys & {"planner_save", "planner_create_scenario", "planner_import_sites"}
    assert "审核人员只能查看此页，不能修改牧场。" in [i.value for i in at.info]
    assert not [w for w in at.text_input if w.key == ps.USER]  # the name comes from the log-in
    _draw(at, {"type": "Polygon", "coordinates": [SQUARE]})
    assert not [b for b in at.button if b.key == "planner_save"]
    assert accounts.sites("方案一").empty
    assert "allocations.save" not in accounts.audit()["action"].tolist()


def test_a_planner_edits_only_the_own_county(accounts: ScenarioStore) -> None:
    other = _draw(_as(accounts, "zhao"), {"type": "Polygon", "coordinates": [SQUARE]})
    assert not other.exception
    assert not [b for b in other.button if b.key == "planner_save"]
    assert any("县 150121" in i.value for i in other.info)
    at = _draw(_as(accounts, "wang"), {"type": "Polygon", "coordinates": [SQUARE]})
    at.text_input(key=ps.FIELD_NAME).set_value("王的牧场")
    at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).set_value(3000)
    at.number_input(key=ps.FIELD_START_YEAR).set_value(2023)
    at.run()
    at.button(key="planner_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    sites = accounts.sites("方案一")
    assert sites["name"].tolist() == ["王的牧场"]
    assert sites["created_by"].tolist() == ["wang"]
    assert sites["county_code"].tolist() == [TUZUO]


def _balance_page() -> None:
    from ui import state
    from ui.balance import page as balance

    state.init_state()
    balance.render()


def test_environmental_staff_annotate_the_balance_and_reviewers_only_read(
    accounts: ScenarioStore,
) -> None:
    accounts.accounts.add_user(
        "ma", PASSWORD, role="environmental", user=accounts.accounts.log_in("admin", PASSWORD)
    )
    at = AppTest.from_function(_balance_page, default_timeout=TIMEOUT_S)
    at.session_state[PRINCIPAL] = accounts.accounts.log_in("ma", PASSWORD)
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.selectbox(key="balance_note_county").set_value(TUZUO)
    at.text_area(key="balance_note_text").set_value("负荷指数偏高，需核实消纳地")
    at.button(key="balance_note_save").click().run()
    assert [s.value for s in at.success] == ["已保存对土默特左旗的批注。"]
    notes = accounts.balance_annotations(TUZUO)
    assert notes[["author", "text"]].values.tolist() == [["ma", "负荷指数偏高，需核实消纳地"]]
    reviewer = AppTest.from_function(_balance_page, default_timeout=TIMEOUT_S)
    reviewer.session_state[PRINCIPAL] = accounts.accounts.log_in("li", PASSWORD)
    reviewer.run()
    assert not reviewer.exception
    assert not [b for b in reviewer.button if b.key == "balance_note_save"]
    assert "负荷指数偏高，需核实消纳地" in reviewer.dataframe[-1].value.to_string()
