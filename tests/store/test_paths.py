"""Default location of the store file."""

from __future__ import annotations

from pathlib import Path

from store import STORE_PATH_ENV, default_store_path


def test_linux_uses_xdg_data_home() -> None:
    env = {"HOME": "/home/li", "XDG_DATA_HOME": "/data/li"}
    assert default_store_path(env, "linux") == Path("/data/li/forage-siting/plans.gpkg")


def test_linux_default_and_relative_xdg_is_ignored() -> None:
    expected = Path("/home/li/.local/share/forage-siting/plans.gpkg")
    assert default_store_path({"HOME": "/home/li"}, "linux") == expected
    assert default_store_path({"HOME": "/home/li", "XDG_DATA_HOME": "rel"}, "linux") == expected


def test_macos_and_windows() -> None:
    assert default_store_path({"HOME": "/Users/li"}, "darwin") == Path(
        "/Users/li/Library/Application Support/forage-siting/plans.gpkg"
    )
    env = {"HOME": "/h", "LOCALAPPDATA": "/appdata/local"}
    assert default_store_path(env, "win32") == Path("/appdata/local/forage-siting/plans.gpkg")


def test_env_name() -> None:
    assert STORE_PATH_ENV == "FORAGE_SITING_STORE"
