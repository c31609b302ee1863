"""Fixtures shared by test folders: the throwaway PostGIS server of the store tests.

`postgis_server` is started once per test session, only if a test asks for it (the plan
store tests in ``tests/store`` and the ``users``/``plan`` command tests, parametrized over
both backends), and removed at the end. Where it cannot be started (no PostgreSQL binaries
or no PostGIS extension on this machine) the ``postgis`` cases are skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgis_server import PostgisServer, missing_reason, start_server


@pytest.fixture(scope="session")
def postgis_server() -> Iterator[PostgisServer]:
    """A throwaway PostGIS server for the whole test session (skipped if it cannot run)."""
    from store.postgis import close_idle_connections

    reason = missing_reason()
    if reason is not None:
        pytest.skip(f"PostGIS backend not tested: {reason}")
    server = start_server()
    yield server
    close_idle_connections()
    server.stop()
