"""``python -m siting users`` and the acting user of ``plan`` in accounts mode (in process).

Each test runs on both store backends: ``--store`` is a GeoPackage path or a
``postgresql://`` URL of a fresh schema on the tests' throwaway PostGIS server.
"""

from __future__ import annotations

import getpass
import io
import json
import sys
from pathlib import Path

import pytest

from cli import main
from store import ScenarioStore
from tests.postgis_server import BACKENDS, new_schema_url

PASSWORD = "admin password 1"


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new store goes, as ``--store`` takes it: a .gpkg path or a postgresql:// URL."""
    if request.param == "gpkg":
        return str(tmp_path / "plans.gpkg")
    return new_schema_url(request.getfixturevalue("postgis_server"))


@pytest.fixture
def accounts_store(location: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FORAGE_SITING_ACCOUNTS", "on")
    monkeypatch.delenv("FORAGE_SITING_TOKEN", raising=False)
    return location


def run(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(list(args))


def test_first_admin_then_users_managed_by_the_admin(
    accounts_store: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", accounts_store]
    assert (
        run(
            monkeypatch,
            "users",
            "add",
            "admin",
            "--role",
            "admin",
            "--password-stdin",
            *store,
            "--user",
            "root",
            stdin=PASSWORD + "\n",
        )
        == 0
    )
    assert capsys.readouterr().out == "Added user admin (admin)\n"
    # without a log-in nobody else may add users: the password asked is the admin's
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "wrong password")
    code = run(
        monkeypatch,
        "users",
        "add",
        "wang",
        "--role",
        "planner",
        "--counties",
        "150121",
        "--password-stdin",
        *store,
        "--user",
        "admin",
        stdin="wang pass 1\n",
    )
    assert code == 2
    assert "Wrong user name or password" in capsys.readouterr().err
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    for name, role in (("wang", "planner"), ("li", "reviewer")):
        code = run(
            monkeypatch,
            "users",
            "add",
            name,
            "--role",
            role,
            "--counties",
            "150121",
            "--password-stdin",
            *store,
            "--user",
            "admin",
            stdin=f"{name} pass 1\n",
        )
        assert code == 0
    capsys.readouterr()
    assert run(monkeypatch, "users", "list", "--json", *store) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(u["name"], u["role"], u["counties"]) for u in listed] == [
        ("admin", "admin", ""),
        ("li", "reviewer", "150121"),
        ("wang", "planner", "150121"),
    ]
    # a reviewer acting through a session token cannot create a scenario nor manage users
    token = ScenarioStore(accounts_store).accounts.log_in("li", "li pass 1").token
    monkeypatch.setenv("FORAGE_SITING_TOKEN", str(token))
    assert run(monkeypatch, "plan", "create", "--scenario", "x", *store, "--lang", "zh") == 2
    assert "li（审核人员）无权新建或修改方案" in capsys.readouterr().err
    assert run(monkeypatch, "users", "disable", "wang", *store) == 2
    assert "li (reviewer) may not manage users" in capsys.readouterr().err
    monkeypatch.delenv("FORAGE_SITING_TOKEN")
    assert run(monkeypatch, "users", "disable", "wang", *store, "--user", "admin") == 0
    assert capsys.readouterr().out == "Disabled user wang\n"
    audit = ScenarioStore(accounts_store).audit()
    assert audit["user"].tolist()[:2] == ["root", "admin"]
    assert audit["action"].iloc[-1] == "user.disable"


def test_single_user_mode_needs_no_log_in(
    location: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FORAGE_SITING_ACCOUNTS", raising=False)
    store = ["--store", location]
    assert run(monkeypatch, "plan", "create", "--scenario", "x", *store, "--user", "li") == 0
    code = run(
        monkeypatch,
        "users",
        "add",
        "wang",
        "--role",
        "planner",
        "--password-stdin",
        *store,
        stdin="short\n",
    )
    assert code == 2
    assert "at least 8 characters" in capsys.readouterr().err
    assert ScenarioStore(location).audit()["user"].tolist() == ["li"]


def test_regions_stores_the_county_outlines_of_a_pack(
    location: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FORAGE_SITING_ACCOUNTS", raising=False)
    assert run(monkeypatch, "users", "regions", "--region", "hohhot", "--store", location) == 0
    assert capsys.readouterr().out.startswith("Registered 9 county outlines of hohhot")
    assert ScenarioStore(location).audit()["action"].tolist() == ["regions.set"]
