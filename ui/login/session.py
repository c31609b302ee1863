"""The logged-in user of this browser session and what its role lets the pages offer.

The store checks every change again (`store.principal.require`); these helpers only decide
which controls a page shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import streamlit as st

from planning.accounts import (
    COUNTY_ROLES,
    LOCAL_USER,
    Action,
    Actor,
    Principal,
    accounts_mode,
    acting_principal,
    may,
)
from ui.labels import t

#: Session-state key of the logged-in `Principal` (accounts mode).
PRINCIPAL: Final[str] = "login_principal"


def logged_in() -> Principal | None:
    """Return the logged-in user of this session, or None."""
    principal = st.session_state.get(PRINCIPAL)
    return principal if isinstance(principal, Principal) else None


def acting(name: str = LOCAL_USER) -> Actor:
    """Return who acts on the store: the logged-in user, or ``name`` in single-user mode.

    In accounts mode without a log-in the bare name is returned, which the store refuses.
    """
    if accounts_mode():
        return logged_in() or name
    return name.strip() or LOCAL_USER


def allows(action: Action, *counties: str | None) -> bool:
    """Return whether the acting user may do ``action`` (in each of ``counties``)."""
    actor = acting()
    return (
        all(may(actor, action, county) for county in counties) if counties else may(actor, action)
    )


def signed_in_name() -> str:
    """Return the logged-in user's name (accounts mode), else "" (pages ask for a name)."""
    principal = logged_in() if accounts_mode() else None
    return principal.name if principal is not None else ""


def read_only_note(lang: str, counties: Sequence[str | None] = ()) -> str:
    """Return why this page shows no edit controls: the role, or a county not assigned."""
    principal = acting_principal(acting())
    role = t(f"accounts.role.{principal.role}", lang)
    outside = [c for c in counties if c not in principal.counties]
    if principal.role in COUNTY_ROLES and outside:
        return t("login.other_county", lang).format(county=outside[0] or "-")
    return t("login.read_only", lang).format(role=role)
