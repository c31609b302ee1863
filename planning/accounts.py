"""Accounts and roles as the entry points see them: who acts, and what the pages may offer.

The store enforces every rule (`store.principal.require` inside each write transaction);
what is here only helps the UI hide controls a role may not use and the command line find
its acting user. Single-user mode (the default, ``make run`` on a laptop) acts as a name
that the store takes for the local administrator; accounts mode
(``FORAGE_SITING_ACCOUNTS=on``) acts as a logged-in `Principal`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from errors import AuthenticationError, PermissionDeniedError
from layers.counties import load_counties
from siting.site_footprint import county_codes
from store.accounts import ACCOUNTS_ENV, DEFAULT_SESSION_TTL, Actor, UserAccount, accounts_mode
from store.principal import (
    COUNTY_ROLES,
    LOCAL_USER,
    ROLES,
    Action,
    Principal,
    Role,
    allowed,
    local_principal,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from layers.region import Region
    from store import ScenarioStore, SiteRecord

__all__ = [
    "ACCOUNTS_ENV",
    "CLI_SESSION_TTL",
    "COUNTY_ROLES",
    "DEFAULT_SESSION_TTL",
    "LOCAL_USER",
    "ROLES",
    "TOKEN_ENV",
    "Action",
    "Actor",
    "AuthenticationError",
    "PermissionDeniedError",
    "Principal",
    "Role",
    "UserAccount",
    "accounts_mode",
    "acting_principal",
    "cli_actor",
    "may",
    "register_region_counties",
    "sites_with_geometry_counties",
]

#: Environment variable with a session token: the command line acts as that session's user.
TOKEN_ENV: Final[str] = "FORAGE_SITING_TOKEN"
#: A command-line log-in (``--user`` and a password) lasts as long as one command needs.
CLI_SESSION_TTL: Final[timedelta] = timedelta(minutes=10)


def acting_principal(actor: Actor) -> Principal:
    """Return ``actor`` as a principal (a bare name is single-user mode's local admin)."""
    return actor if isinstance(actor, Principal) else local_principal(actor or LOCAL_USER)


def may(actor: Actor, action: Action, county: str | None = None) -> bool:
    """Return whether ``actor`` may do ``action`` (in ``county``): what a page may offer.

    The store checks again on save; this only decides which controls to show.
    """
    return allowed(acting_principal(actor), action, county)


def sites_with_geometry_counties(
    sites: Iterable[SiteRecord], counties: gpd.GeoDataFrame
) -> list[SiteRecord]:
    """Return the sites with ``county_code`` set from their geometry (the county holding it).

    A site's county is where it lies, not what a file says: the store checks a planner's
    counties against this code. A site outside every county gets None (refused for
    county-bound roles).
    """
    records = list(sites)
    codes = county_codes([s.geometry for s in records], counties) if records else []
    return [dataclasses.replace(s, county_code=c) for s, c in zip(records, codes, strict=True)]


def register_region_counties(store: ScenarioStore, region: Region, *, user: Actor) -> int:
    """Store the county outlines of ``region`` (administrators); return how many.

    From then on the store decides a site's county from its geometry (`store.county_areas`).
    """
    return store.set_county_areas(region.id, load_counties(region), user=user)


def cli_actor(
    store: ScenarioStore,
    user: str,
    password: Callable[[], str],
    *,
    ttl: timedelta = CLI_SESSION_TTL,
) -> Actor:
    """Return the acting user of a command: a name, a token's session or a log-in.

    Single-user mode: ``user`` as it is. Accounts mode: the session of ``$FORAGE_SITING_TOKEN``
    if set, else a log-in of ``user`` with ``password()`` (asked only then).

    Raises
    ------
    AuthenticationError
        If the token is not a live session or the log-in fails.
    """
    if not store.accounts_on:
        return user
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return store.accounts.principal(token)
    return store.accounts.log_in(user, password(), ttl=ttl)
