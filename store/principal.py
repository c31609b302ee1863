"""Who acts on the scenario store, and what each role may change (pure rules, no SQL).

A `Principal` is the acting user as the store knows it: name, role and assigned counties.
In accounts mode the store never trusts those fields from the caller: it reads them again
from its ``users`` and ``sessions`` tables by the principal's session token
(`store.accounts.authorise`), so a hand-made ``Principal(role="admin")`` is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from errors import PermissionDeniedError
from locales import text

Role = Literal["planner", "reviewer", "environmental", "admin"]
Action = Literal[
    "scenario.edit",
    "site.edit",
    "review.record",
    "comment.add",
    "balance.annotate",
    "users",
    "regions",
]

#: Roles, in the order the user lists show them.
ROLES: Final[tuple[Role, ...]] = ("planner", "reviewer", "environmental", "admin")
#: The name of the implicit user of single-user mode (no log-in).
LOCAL_USER: Final[str] = "local"

#: action -> roles that may do it.
ROLE_ACTIONS: Final[Mapping[Action, frozenset[Role]]] = {
    "scenario.edit": frozenset({"planner", "admin"}),
    "site.edit": frozenset({"planner", "admin"}),
    "review.record": frozenset({"reviewer", "admin"}),
    "comment.add": frozenset({"planner", "reviewer", "admin"}),
    "balance.annotate": frozenset({"environmental", "admin"}),
    "users": frozenset({"admin"}),
    "regions": frozenset({"admin"}),
}
#: Roles whose changes to a site are limited to their assigned counties.
COUNTY_ROLES: Final[frozenset[Role]] = frozenset({"planner", "reviewer"})


@dataclass(frozen=True)
class Principal:
    """The acting user: name, role, assigned counties (6-digit codes) and session token.

    ``token`` is None in single-user mode; in accounts mode it is the session token that
    `store.accounts.AccountStore.log_in` returned (kept out of ``repr``).
    """

    name: str
    role: Role
    counties: frozenset[str] = frozenset()
    token: str | None = field(default=None, repr=False)


def local_principal(name: str = LOCAL_USER) -> Principal:
    """Return the implicit user of single-user mode: an administrator named ``name``."""
    return Principal(name, "admin")


def allowed(principal: Principal, action: Action, county: str | None = None) -> bool:
    """Return whether ``principal`` may do ``action`` (on a site of ``county``, if given)."""
    if principal.role not in ROLE_ACTIONS[action]:
        return False
    if principal.role in COUNTY_ROLES and county is not None:
        return county in principal.counties
    return True


def require(principal: Principal, action: Action, counties: Iterable[str | None] = ()) -> None:
    """Raise `PermissionDeniedError` unless ``principal`` may do ``action`` in ``counties``.

    ``counties`` are the county codes of the sites the change touches (old and new county of
    an edited site); a county-bound role (planner, reviewer) needs every one of them among
    its assigned counties, and a site without a county code is refused for those roles.
    """
    if principal.role not in ROLE_ACTIONS[action]:
        key = "accounts.denied.role"
        raise denied(key, principal, action)
    if principal.role not in COUNTY_ROLES:
        return
    for county in counties:
        if county is None:
            key = "accounts.denied.no_county"
            raise denied(key, principal, action)
        if county not in principal.counties:
            key = "accounts.denied.county"
            raise denied(key, principal, action, county=county)


def denied(key: str, principal: Principal, action: Action, **values: str) -> PermissionDeniedError:
    """Return the bilingual `PermissionDeniedError` of message ``key`` for ``principal``."""

    def say(lang: str) -> str:
        assigned = "、" if lang == "zh" else ", "
        return text(
            key,
            lang,
            user=principal.name,
            role=text(f"accounts.role.{principal.role}", lang),
            action=text(f"accounts.action.{action}", lang),
            counties=assigned.join(sorted(principal.counties)) or "-",
            **values,
        )

    return PermissionDeniedError(say("en"), zh=say("zh"))
