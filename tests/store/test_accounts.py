"""Accounts and roles enforced by the store itself: log-in, sessions, roles, counties, audit.

Every test runs on both backends (``store_location``: a GeoPackage file and a PostGIS
schema); the direct SQL checks (password hashes, the audit guard) open the store's
database with its own driver, as an intruder with the file or the database password would.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher

import geopandas as gpd
from shapely import box
from shapely.affinity import translate

from errors import AuthenticationError, ParameterError, PermissionDenied
from store import ScenarioStore
from store.principal import Principal
from tests.postgis_server import PostgisServer
from tests.store.conftest import StepClock, full_site, new_schema_url

#: Cheap argon2 parameters: the tests check behaviour, not hashing cost.
FAST = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
PASSWORD = "correct horse 1"
TUZUO, HELIN = "150121", "150123"
#: What the database driver raises when the audit guard refuses a change.
REFUSED = (sqlite3.IntegrityError, psycopg.IntegrityError)


@contextmanager
def direct(location: Path | str) -> Iterator[Any]:
    """A DB-API connection to the store's database, past the application (autocommit)."""
    if isinstance(location, Path):
        with closing(sqlite3.connect(location, isolation_level=None)) as conn:
            yield conn
    else:
        with psycopg.connect(location, autocommit=True) as conn:
            yield conn


def fetch_one(location: Path | str, sql: str) -> tuple[Any, ...]:
    with direct(location) as conn:
        return tuple(conn.execute(sql).fetchone())


@pytest.fixture
def shared(
    store_location: Path | str, clock: StepClock, monkeypatch: pytest.MonkeyPatch
) -> ScenarioStore:
    """A store in accounts mode with an admin, a planner and a reviewer of 土左旗, env staff."""
    monkeypatch.setenv("FORAGE_SITING_ACCOUNTS", "on")
    store = ScenarioStore(store_location, clock=clock, hasher=FAST)
    accounts = store.accounts
    accounts.add_user("admin", PASSWORD, role="admin", user="root")
    admin = accounts.log_in("admin", PASSWORD)
    accounts.add_user("wang", PASSWORD, role="planner", counties=[TUZUO], user=admin)
    accounts.add_user("zhao", PASSWORD, role="planner", counties=[HELIN], user=admin)
    accounts.add_user("li", PASSWORD, role="reviewer", counties=[TUZUO], user=admin)
    accounts.add_user("ma", PASSWORD, role="environmental", user=admin)
    store.create_scenario("2021 plan", user=admin)
    return store


def log_in(store: ScenarioStore, name: str) -> Principal:
    return store.accounts.log_in(name, PASSWORD)


def test_a_reviewer_calling_update_site_directly_is_refused(shared: ScenarioStore) -> None:
    site = shared.add_site("2021 plan", full_site(), user=log_in(shared, "wang"))
    reviewer = log_in(shared, "li")
    moved = dataclasses.replace(site, dairy_cow_head=9999)
    with pytest.raises(PermissionDenied, match=r"li \(reviewer\) may not add, change or delete"):
        shared.update_site(moved, expected_version=1, user=reviewer)
    with pytest.raises(PermissionDenied) as info:
        shared.delete_site(str(site.site_id), expected_version=1, user=reviewer)
    assert "li（审核人员）无权新增、修改或删除牧场" in info.value.message("zh")
    assert shared.get_site(str(site.site_id)).dairy_cow_head == 3000
    # ... but may decide and comment on it
    review = shared.record_review(str(site.site_id), "approve", "", reviewer=reviewer)
    assert review.reviewer == "li"


def test_a_planner_touches_only_sites_of_assigned_counties(shared: ScenarioStore) -> None:
    wang, zhao = log_in(shared, "wang"), log_in(shared, "zhao")
    with pytest.raises(
        PermissionDenied, match="may not add, change or delete sites in county 150121"
    ):
        shared.add_site("2021 plan", full_site(), user=zhao)
    site = shared.add_site("2021 plan", full_site(), user=wang)
    with pytest.raises(PermissionDenied, match="county 150121: the assigned counties are 150123"):
        shared.update_site(dataclasses.replace(site, note="x"), expected_version=1, user=zhao)
    with pytest.raises(PermissionDenied, match="county 150121"):
        shared.delete_site(str(site.site_id), expected_version=1, user=zhao)
    # moving a site into a county the planner does not hold is refused too
    with pytest.raises(PermissionDenied, match="county 150123"):
        shared.update_site(
            dataclasses.replace(site, county_code=HELIN), expected_version=1, user=wang
        )
    no_county = dataclasses.replace(full_site("无县牧场"), county_code=None)
    with pytest.raises(PermissionDenied, match="the site has no county"):
        shared.add_site("2021 plan", no_county, user=wang)
    updated = shared.update_site(
        dataclasses.replace(site, note="own county"), expected_version=1, user=wang
    )
    assert updated.version == 2
    shared.delete_site(str(site.site_id), expected_version=2, user=wang)


def test_a_forged_principal_or_a_bare_name_is_refused_in_accounts_mode(
    shared: ScenarioStore,
) -> None:
    with pytest.raises(PermissionDenied, match="log in first"):
        shared.add_site("2021 plan", full_site(), user="wang")
    with pytest.raises(PermissionDenied, match="log in first"):
        shared.add_site("2021 plan", full_site(), user=Principal("boss", "admin"))
    reviewer = log_in(shared, "li")
    # a reviewer's token dressed up as an admin still acts as the reviewer
    forged = dataclasses.replace(reviewer, name="admin", role="admin", counties=frozenset())
    with pytest.raises(PermissionDenied, match=r"li \(reviewer\) may not"):
        shared.add_site("2021 plan", full_site(), user=forged)
    with pytest.raises(AuthenticationError, match="no longer valid"):
        shared.add_site("2021 plan", full_site(), user=Principal("x", "admin", token="made-up"))


def test_the_audit_names_the_real_user_and_cannot_be_changed(
    shared: ScenarioStore, store_location: Path | str
) -> None:
    wang = log_in(shared, "wang")
    shared.add_site("2021 plan", full_site(), user=dataclasses.replace(wang, name="somebody"))
    audit = shared.audit("2021 plan")
    assert audit["user"].tolist() == ["admin", "wang"]
    assert audit["action"].tolist() == ["scenario.create", "site.add"]
    assert shared.sites("2021 plan")["created_by"].tolist() == ["wang"]
    before = shared.audit()
    refused = ["UPDATE audit SET user_name = 'x'", "DELETE FROM audit"]
    if not isinstance(store_location, Path):
        refused.append("TRUNCATE audit")
    with direct(store_location) as conn:
        for sql in refused:
            with pytest.raises(REFUSED, match="append-only"):
                conn.execute(sql)
    assert shared.audit().equals(before)
    assert not hasattr(shared, "delete_audit") and not hasattr(shared, "update_audit")


def test_roles_of_reviewers_and_environmental_staff(shared: ScenarioStore) -> None:
    wang, li, ma = log_in(shared, "wang"), log_in(shared, "li"), log_in(shared, "ma")
    other = shared.add_site(
        "2021 plan",
        dataclasses.replace(full_site("和林牧场"), county_code=HELIN),
        user=log_in(shared, "admin"),
    )
    with pytest.raises(PermissionDenied, match="may not record review decisions in county"):
        shared.record_review(str(other.site_id), "reject", "too close", reviewer=li)
    with pytest.raises(PermissionDenied, match="may not record review decisions"):
        shared.record_review(str(other.site_id), "approve", "", reviewer=wang)
    with pytest.raises(PermissionDenied, match="may not create or change scenarios"):
        shared.create_scenario("mine", user=li)
    shared.add_comment("2021 plan", "please check water", user=li)
    with pytest.raises(PermissionDenied, match=r"ma \(environmental staff\) may not comment"):
        shared.add_comment("2021 plan", "hm", user=ma)
    with pytest.raises(PermissionDenied, match="may not annotate the manure-land balance"):
        shared.add_balance_annotation(TUZUO, "load index high", user=li)
    note = shared.add_balance_annotation(TUZUO, "load index high", user=ma)
    assert note.author == "ma"
    notes = shared.balance_annotations(TUZUO)
    assert notes["text"].tolist() == ["load index high"]
    assert shared.audit()["action"].iloc[-1] == "balance.annotate"


def test_passwords_are_argon2_hashes_and_rehashed_when_parameters_change(
    store_location: Path | str, clock: StepClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORAGE_SITING_ACCOUNTS", "on")
    ScenarioStore(store_location, clock=clock, hasher=FAST).accounts.add_user(
        "admin", PASSWORD, role="admin", user="root"
    )
    (old,) = fetch_one(store_location, "SELECT password_hash FROM users")
    assert old.startswith("$argon2id$") and "m=64,t=1,p=1" in old and PASSWORD not in old
    stronger = PasswordHasher(time_cost=2, memory_cost=128, parallelism=1)
    ScenarioStore(store_location, clock=clock, hasher=stronger).accounts.log_in("admin", PASSWORD)
    (new,) = fetch_one(store_location, "SELECT password_hash FROM users")
    assert "m=128,t=2,p=1" in new
    assert ScenarioStore(store_location, clock=clock, hasher=FAST).accounts.log_in(
        "admin", PASSWORD
    )


def test_failed_log_in_expiry_disable_and_password_change(
    shared: ScenarioStore, clock: StepClock
) -> None:
    accounts = shared.accounts
    for name, password in (("wang", "wrong password"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationError, match="Wrong user name or password") as info:
            accounts.log_in(name, password)
        assert info.value.message("zh") == "用户名或密码错误，或账户已停用。"
    short = accounts.log_in("wang", PASSWORD, ttl=timedelta(minutes=1))
    assert accounts.principal(str(short.token)).counties == frozenset({TUZUO})
    shared.add_site("2021 plan", full_site(), user=short)
    clock.readings += 60  # one minute later
    with pytest.raises(AuthenticationError, match="has expired"):
        shared.add_site("2021 plan", full_site("二号"), user=short)
    admin, wang = log_in(shared, "admin"), log_in(shared, "wang")
    accounts.set_disabled("wang", user=admin)
    with pytest.raises(AuthenticationError, match="no longer valid"):
        shared.add_site("2021 plan", full_site("三号"), user=wang)
    with pytest.raises(AuthenticationError, match="Wrong user name"):
        accounts.log_in("wang", PASSWORD)
    accounts.set_disabled("wang", disabled=False, user=admin)
    with pytest.raises(PermissionDenied, match=r"li \(reviewer\) may not manage users"):
        accounts.set_password("wang", "new password 2", user=log_in(shared, "li"))
    accounts.set_password("wang", "new password 2", user=log_in(shared, "wang"))
    assert accounts.log_in("wang", "new password 2").role == "planner"
    with pytest.raises(ParameterError, match="at least 8 characters"):
        accounts.set_password("wang", "short", user=admin)
    users = {u.name: u for u in accounts.list_users()}
    assert users["li"].role == "reviewer" and users["li"].counties == (TUZUO,)
    assert [a for a in shared.audit()["action"] if a.startswith("user.")][-3:] == [
        "user.disable",
        "user.enable",
        "user.password",
    ]


def test_the_first_account_must_be_an_admin_and_later_ones_need_one(
    store_location: Path | str, clock: StepClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORAGE_SITING_ACCOUNTS", "on")
    accounts = ScenarioStore(store_location, clock=clock, hasher=FAST).accounts
    with pytest.raises(ParameterError, match="first account must be an administrator"):
        accounts.add_user("wang", PASSWORD, role="planner", user="root")
    accounts.add_user("admin", PASSWORD, role="admin", user="root")
    with pytest.raises(PermissionDenied, match="log in first"):
        accounts.add_user("wang", PASSWORD, role="planner", user="root")
    with pytest.raises(ParameterError, match="Unknown role 'boss'"):
        accounts.add_user("x", PASSWORD, role="boss", user="root")


def test_single_user_mode_takes_a_name_as_the_local_admin(
    store: ScenarioStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not store.accounts_on
    store.create_scenario("2021 plan", user="li")
    site = store.add_site("2021 plan", full_site(), user="li")
    store.record_review(str(site.site_id), "approve", "", reviewer="li")
    assert store.audit()["user"].tolist() == ["li", "li", "li"]
    with pytest.raises(ParameterError, match="user name"):
        store.add_site("2021 plan", full_site("二号"), user=" ")


def test_with_registered_outlines_the_county_comes_from_the_geometry(shared: ScenarioStore) -> None:
    counties = gpd.GeoDataFrame(
        {"adcode": [TUZUO, HELIN]},
        geometry=[box(111.0, 40.5, 111.5, 41.0), box(111.5, 40.0, 112.0, 40.5)],
        crs="EPSG:4326",
    )
    with pytest.raises(PermissionDenied, match=r"wang \(planner\) may not manage regions"):
        shared.set_county_areas("hohhot", counties, user=log_in(shared, "wang"))
    assert shared.set_county_areas("hohhot", counties, user=log_in(shared, "admin")) == 2
    zhao, wang = log_in(shared, "zhao"), log_in(shared, "wang")
    # a 土左旗 site labelled 和林 (zhao's county) is still a 土左旗 site
    forged = dataclasses.replace(full_site(), county_code=HELIN)
    with pytest.raises(PermissionDenied, match="in county 150121"):
        shared.add_site("2021 plan", forged, user=zhao)
    site = shared.add_site("2021 plan", forged, user=wang)
    outside = dataclasses.replace(site, geometry=translate(site.geometry, xoff=5.0))
    with pytest.raises(PermissionDenied, match="has no county"):
        shared.update_site(outside, expected_version=1, user=wang)
    changes = [a for a in shared.audit()["action"] if a != "session.open"]
    assert changes[-2:] == ["regions.set", "site.add"]


def test_a_store_made_before_accounts_gains_the_tables_and_the_audit_guard(
    store_location: Path | str, clock: StepClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ScenarioStore(store_location, clock=clock).create_scenario("2021 plan", user="li")
    on_postgis = not isinstance(store_location, Path)
    with direct(store_location) as conn:  # back to a scenario store of before accounts
        for trigger in ("audit_no_update", "audit_no_delete"):
            conn.execute(f"DROP TRIGGER {trigger}" + (" ON audit" if on_postgis else ""))
        for table in ("sessions", "user_counties", "users", "county_areas"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM audit")  # unguarded now
    monkeypatch.setenv("FORAGE_SITING_ACCOUNTS", "on")
    store = ScenarioStore(store_location, clock=clock, hasher=FAST)
    store.accounts.add_user("admin", PASSWORD, role="admin", user="root")
    admin = log_in(store, "admin")
    assert store.create_scenario("2022 plan", user=admin).created_by == "admin"
    with direct(store_location) as conn, pytest.raises(REFUSED, match="append-only"):
        conn.execute("DELETE FROM audit")
    assert store.audit()["action"].tolist() == ["user.add", "session.open", "scenario.create"]


def test_on_postgis_a_disable_waits_for_a_change_already_authorised(
    postgis_server: PostgisServer, clock: StepClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORAGE_SITING_ACCOUNTS", "on")
    store = ScenarioStore(new_schema_url(postgis_server), clock=clock, hasher=FAST)
    store.accounts.add_user("admin", PASSWORD, role="admin", user="root")
    admin = log_in(store, "admin")
    store.accounts.add_user("wang", PASSWORD, role="planner", counties=[TUZUO], user=admin)
    wang = log_in(store, "wang")
    done: list[str] = []

    def disable() -> None:
        store.accounts.set_disabled("wang", user=admin)
        done.append("disabled")

    # a write transaction that has authorised wang (as every ScenarioStore change does first)
    with store._backend.transaction(write=True) as conn:
        assert store._act(conn, wang, store._now(), "site.edit", [TUZUO]).name == "wang"
        worker = threading.Thread(target=disable)
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive() and not done  # the disable waits for the authorised change
    worker.join(timeout=10.0)
    assert done == ["disabled"]
    with pytest.raises(AuthenticationError, match="no longer valid"):
        store.create_scenario("later", user=wang)
