"""Rotated backups of the scenario store: consistent copies, kept N, made at open, restored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from errors import FileFormatError, PlannerWarning
from store import ScenarioStore
from store.backups import (
    BackupPolicy,
    backup_dir,
    backup_if_due,
    backup_store,
    list_backups,
    restore_store,
)
from tests.store.conftest import full_site

T0 = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)


def _store(path: Path) -> ScenarioStore:
    store = ScenarioStore(path, backups=None)
    store.create_scenario("2021 plan", user="alice")
    store.add_site("2021 plan", full_site("Ranch 1"), user="alice")
    return store


def test_backups_are_named_by_time_and_reason_and_rotated_to_keep(store_path: Path) -> None:
    _store(store_path)
    for hour in range(5):
        backup_store(store_path, reason="manual", keep=3, now=T0 + timedelta(hours=hour))
    backups = list_backups(store_path)
    assert [b.taken_at for b in backups] == [T0 + timedelta(hours=h) for h in (2, 3, 4)]
    assert backups[0].path == backup_dir(store_path) / "plans-20260301T100000000000Z-manual.gpkg"
    assert sorted(p.name for p in backup_dir(store_path).iterdir()) == [
        b.path.name for b in backups
    ]  # no partial file left behind


def test_a_backup_opens_as_a_store_with_the_same_content(store_path: Path) -> None:
    store = _store(store_path)
    backup = backup_store(store_path, now=T0)
    copy = ScenarioStore(backup.path, backups=None)
    pd.testing.assert_frame_equal(copy.sites("2021 plan"), store.sites("2021 plan"))
    pd.testing.assert_frame_equal(copy.audit(), store.audit())


def test_the_store_backs_itself_up_at_open_once_per_interval(store_path: Path) -> None:
    _store(store_path)
    policy = BackupPolicy(keep=2, every=timedelta(hours=1))
    assert list_backups(store_path) == []
    ScenarioStore(store_path, backups=policy)
    ScenarioStore(store_path, backups=policy)  # within the hour: no second backup
    (made,) = list_backups(store_path)
    assert made.reason == "auto"
    assert backup_if_due(store_path, policy, now=made.taken_at + timedelta(minutes=59)) is None
    later = backup_if_due(store_path, policy, now=made.taken_at + timedelta(hours=1))
    assert later is not None
    assert [b.reason for b in list_backups(store_path)] == ["auto", "auto"]
    assert backup_if_due(store_path, BackupPolicy(every=None), now=T0 + timedelta(days=9)) is None


def test_restore_brings_back_the_backup_and_keeps_what_it_replaced(store_path: Path) -> None:
    store = _store(store_path)
    saved_sites = store.sites("2021 plan")
    backup = backup_store(store_path, now=T0)
    store.add_site("2021 plan", full_site("Ranch 2", lon=111.3), user="bob")
    store.create_scenario("2023 plan", user="bob")

    replaced = restore_store(store_path, backup.path, now=T0 + timedelta(hours=1))

    pd.testing.assert_frame_equal(store.sites("2021 plan"), saved_sites)
    assert [s.name for s in store.list_scenarios()] == ["2021 plan"]
    assert replaced is not None
    assert replaced.reason == "pre-restore"
    undo = ScenarioStore(replaced.path, backups=None)
    assert [s.name for s in undo.list_scenarios()] == ["2021 plan", "2023 plan"]


def test_restoring_a_file_that_is_not_a_store_changes_nothing(
    store_path: Path, tmp_path: Path
) -> None:
    _store(store_path)
    before = store_path.read_bytes()
    not_a_store = tmp_path / "notes.gpkg"
    not_a_store.write_text("not a database")
    with pytest.raises(FileFormatError, match=r"notes\.gpkg cannot be read as a scenario store"):
        restore_store(store_path, not_a_store, now=T0)
    with pytest.raises(FileFormatError, match=r"missing\.gpkg does not exist; list the backups"):
        restore_store(store_path, tmp_path / "missing.gpkg", now=T0)
    assert store_path.read_bytes() == before
    assert list_backups(store_path) == []


def test_a_failed_automatic_backup_warns_and_the_store_still_opens(store_path: Path) -> None:
    _store(store_path)
    backup_dir(store_path).write_text("a file where the backup folder should be")
    with pytest.warns(PlannerWarning, match=r"The scenario store plans\.gpkg cannot be backed up"):
        store = ScenarioStore(store_path)
    assert [s.name for s in store.list_scenarios()] == ["2021 plan"]
    with pytest.raises(FileFormatError, match=r"cannot be backed up into .*plans\.backups"):
        backup_store(store_path, now=T0)
