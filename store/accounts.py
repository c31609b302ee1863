"""User accounts, log-in sessions and the check of the acting user on every store change.

Passwords are hashed with argon2id (argon2-cffi's `PasswordHasher`); a hash made with other
parameters than the current hasher's is replaced at the next successful log-in. A log-in
returns a `Principal` carrying a random session token; the store keeps only the token's
SHA-256 and its expiry time. `authorise` is what every mutating method of `ScenarioStore` and
`AccountStore` calls inside its write transaction: in accounts mode it takes name, role and
counties from the tables (never from the caller), so the audit trail names the real user.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from errors import AuthenticationError, ParameterError, PermissionDeniedError, PlannerError
from locales import text
from store.audit_log import write_audit
from store.backend import Backend, StoreDb
from store.frame_schema import format_utc
from store.principal import ROLES, Principal, Role, local_principal, require
from store.site_checks import require_text

#: Environment variable that switches accounts mode on (``on``); off (single user) if unset.
ACCOUNTS_ENV: Final[str] = "FORAGE_SITING_ACCOUNTS"
#: How long a log-in lasts unless the caller asks for another time.
DEFAULT_SESSION_TTL: Final[timedelta] = timedelta(hours=8)
MIN_PASSWORD_CHARS: Final[int] = 8

Actor = Principal | str
"""The acting user a store method takes: a `Principal`, or (single-user mode only) a name."""


def accounts_mode() -> bool:
    """Return whether accounts mode is on (``FORAGE_SITING_ACCOUNTS=on``; off by default)."""
    return os.environ.get(ACCOUNTS_ENV, "").strip().lower() in {"on", "1", "true", "yes"}


def _bilingual(error: type[PlannerError], key: str, **values: object) -> PlannerError:
    return error(text(key, "en", **values), zh=text(key, "zh", **values))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    # Verified against for unknown users, so a failed log-in takes as long either way.
    return hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class UserAccount:
    """A user as listed to an administrator (never the password hash)."""

    name: str
    role: Role
    counties: tuple[str, ...]
    disabled: bool
    created_at: str


def authorise(
    conn: StoreDb, actor: Actor, *, accounts_on: bool, now: str, lock: bool = False
) -> Principal:
    """Return the acting user as the store knows it (then `store.principal.require` it).

    In single-user mode a name stands for the implicit administrator of that name and a
    `Principal` is taken as given. In accounts mode only a `Principal` with a live session
    token counts; its name, role and counties are read from the ``users`` tables.

    Raises
    ------
    PermissionDeniedError
        In accounts mode, for a bare name or a principal without a session token.
    AuthenticationError
        If the session is unknown, expired or its user disabled.

    Notes
    -----
    ``lock=True`` (inside a write transaction) share-locks the session and user rows until
    commit (`StoreDb.for_share`): on PostgreSQL a concurrent disable, password change or
    log-out waits for the change it would have refused, instead of slipping in between the
    check and the write. SQLite's single write lock serialises them already.
    """
    if not accounts_on:
        if isinstance(actor, Principal):
            return actor
        return local_principal(require_text(actor, "user name", "用户名"))
    if isinstance(actor, str) or actor.token is None:
        raise _bilingual(PermissionDeniedError, "accounts.denied.login")
    row = conn.execute(
        "SELECT u.user_name, u.role, u.disabled, s.expires_at FROM sessions s "
        "JOIN users u ON u.user_name = s.user_name WHERE s.token_sha256 = ?"
        + (conn.for_share if lock else ""),
        (_token_digest(actor.token),),
    ).fetchone()
    if row is None or row["disabled"]:
        raise _bilingual(AuthenticationError, "accounts.session.unknown")
    if row["expires_at"] <= now:
        raise _bilingual(AuthenticationError, "accounts.session.expired")
    return Principal(row["user_name"], row["role"], _counties(conn, row["user_name"]), actor.token)


def _counties(conn: StoreDb, name: str) -> frozenset[str]:
    rows = conn.execute("SELECT county_code FROM user_counties WHERE user_name = ?", (name,))
    return frozenset(str(r[0]) for r in rows)


def _check_role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    msg = f"Unknown role {role!r}; choose one of {', '.join(ROLES)}."
    raise ParameterError(msg, zh=f"未知角色 {role!r}，可选：{'、'.join(ROLES)}。")


def _check_counties(counties: Iterable[str]) -> tuple[str, ...]:
    codes = tuple(sorted({str(c).strip() for c in counties if str(c).strip()}))
    bad = [c for c in codes if len(c) != 6 or not c.isdigit()]
    if bad:
        msg = f"County codes {', '.join(bad)} are not 6-digit codes (e.g. 150121)."
        raise ParameterError(
            msg, zh=f"县代码 {'、'.join(bad)} 不是 6 位行政区划代码（如 150121）。"
        )
    return codes


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise _bilingual(ParameterError, "accounts.password.short", chars=MIN_PASSWORD_CHARS)
    return password


class AccountStore:
    """Users, their counties and log-in sessions, kept in the scenario store (file or database).

    Parameters
    ----------
    backend
        The scenario store's backend, a GeoPackage file or PostGIS (`ScenarioStore` creates the
        tables on open).
    clock
        Returns the current time (timezone-aware); session expiry is measured on it.
    accounts_on
        Whether the store is in accounts mode (see `accounts_mode`).
    hasher
        The argon2 hasher; its parameters are the current ones (older hashes are upgraded
        at log-in).
    """

    def __init__(
        self,
        backend: Backend,
        *,
        clock: Callable[[], datetime],
        accounts_on: bool,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._backend = backend
        self.accounts_on = accounts_on
        self._clock = clock
        self._hasher = hasher if hasher is not None else PasswordHasher()

    def _now(self) -> str:
        return format_utc(self._clock())

    def _admin(self, conn: StoreDb, actor: Actor, now: str) -> Principal:
        principal = authorise(conn, actor, accounts_on=self.accounts_on, now=now, lock=True)
        require(principal, "users")
        return principal

    def has_users(self) -> bool:
        """Return whether any account exists."""
        with self._backend.transaction(write=False) as conn:
            return bool(conn.execute("SELECT count(*) FROM users").fetchone()[0] > 0)

    def add_user(
        self,
        name: str,
        password: str,
        *,
        role: str,
        counties: Iterable[str] = (),
        user: Actor,
    ) -> UserAccount:
        """Create an account; ``user`` (the acting administrator) is audited.

        The first account of a store must be an administrator and needs no log-in (there is
        nobody to log in as yet); every later one needs an administrator.
        """
        name = require_text(name, "user name", "用户名")
        checked_role = _check_role(role)
        codes = _check_counties(counties)
        password_hash = self._hasher.hash(_check_password(password))
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            # One account creation at a time (PostgreSQL; SQLite's write lock does it): two
            # sessions must not both see an empty store and both create a first admin.
            conn.execute(
                "SELECT value FROM store_meta WHERE key = 'schema_version'" + conn.for_update
            )
            if conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0:
                if checked_role != "admin":
                    raise _bilingual(ParameterError, "accounts.first_admin")
                by = name if isinstance(user, Principal) else require_text(user, "user", "用户")
            else:
                by = self._admin(conn, user, now).name
            if conn.execute("SELECT 1 FROM users WHERE user_name = ?", (name,)).fetchone():
                raise _bilingual(ParameterError, "accounts.user.exists", name=name)
            conn.execute(
                "INSERT INTO users (user_name, role, password_hash, disabled, created_at, "
                "created_by, updated_at, updated_by) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
                (name, checked_role, password_hash, now, by, now, by),
            )
            conn.executemany(
                "INSERT INTO user_counties (user_name, county_code) VALUES (?, ?)",
                [(name, code) for code in codes],
            )
            detail = {"name": name, "role": checked_role, "counties": list(codes)}
            write_audit(
                conn,
                at=now,
                user=by,
                action="user.add",
                entity_id=name,
                scenario_id=None,
                detail=detail,
            )
        return UserAccount(name, checked_role, codes, False, now)

    def list_users(self) -> list[UserAccount]:
        """Return every account, by name."""
        with self._backend.transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT user_name, role, disabled, created_at FROM users ORDER BY user_name"
            ).fetchall()
            return [
                UserAccount(
                    r["user_name"],
                    _check_role(r["role"]),
                    tuple(sorted(_counties(conn, r["user_name"]))),
                    bool(r["disabled"]),
                    r["created_at"],
                )
                for r in rows
            ]

    def set_password(self, name: str, password: str, *, user: Actor) -> None:
        """Set a new password: an administrator for anyone, a user for themself.

        Every session of the account ends (log in again with the new password).
        """
        password_hash = self._hasher.hash(_check_password(password))
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            actor = authorise(conn, user, accounts_on=self.accounts_on, now=now, lock=True)
            if actor.name != name:
                require(actor, "users")
            self._require_user(conn, name)
            conn.execute(
                "UPDATE users SET password_hash = ?, updated_at = ?, updated_by = ? "
                "WHERE user_name = ?",
                (password_hash, now, actor.name, name),
            )
            conn.execute("DELETE FROM sessions WHERE user_name = ?", (name,))
            write_audit(
                conn,
                at=now,
                user=actor.name,
                action="user.password",
                entity_id=name,
                scenario_id=None,
                detail={"name": name},
            )

    def set_disabled(self, name: str, *, disabled: bool = True, user: Actor) -> None:
        """Disable (or enable again) an account; a disabled user's sessions end at once."""
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            actor = self._admin(conn, user, now)
            self._require_user(conn, name)
            conn.execute(
                "UPDATE users SET disabled = ?, updated_at = ?, updated_by = ? WHERE user_name = ?",
                (int(disabled), now, actor.name, name),
            )
            if disabled:
                conn.execute("DELETE FROM sessions WHERE user_name = ?", (name,))
            write_audit(
                conn,
                at=now,
                user=actor.name,
                action="user.disable" if disabled else "user.enable",
                entity_id=name,
                scenario_id=None,
                detail={"name": name},
            )

    def _require_user(self, conn: StoreDb, name: str) -> None:
        if not conn.execute("SELECT 1 FROM users WHERE user_name = ?", (name,)).fetchone():
            raise _bilingual(ParameterError, "accounts.user.unknown", name=name)

    def log_in(
        self, name: str, password: str, *, ttl: timedelta = DEFAULT_SESSION_TTL
    ) -> Principal:
        """Check a password and open a session of ``ttl``; return the principal with its token.

        Raises
        ------
        AuthenticationError
            For an unknown name, a wrong password or a disabled account (one message for
            all three, so that the form does not tell which names exist).
        """
        with self._backend.transaction(write=False) as conn:
            row = conn.execute(
                "SELECT password_hash, disabled FROM users WHERE user_name = ?", (name.strip(),)
            ).fetchone()
        stored = row["password_hash"] if row is not None else _dummy_hash(self._hasher)
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            row = None
        if row is None or row["disabled"]:
            raise _bilingual(AuthenticationError, "accounts.login.failed")
        token = secrets.token_urlsafe(32)
        moment = self._clock()
        now, expires = format_utc(moment), format_utc(moment + ttl)
        with self._backend.transaction(write=True) as conn:
            conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            if self._hasher.check_needs_rehash(stored):
                conn.execute(
                    "UPDATE users SET password_hash = ? WHERE user_name = ?",
                    (self._hasher.hash(password), name.strip()),
                )
            conn.execute(
                "INSERT INTO sessions (token_sha256, user_name, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (_token_digest(token), name.strip(), now, expires),
            )
            write_audit(
                conn,
                at=now,
                user=name.strip(),
                action="session.open",
                entity_id=name.strip(),
                scenario_id=None,
                detail={"expires_at": expires},
            )
        return self.principal(token)

    def principal(self, token: str) -> Principal:
        """Return the user of a live session token (e.g. from ``FORAGE_SITING_TOKEN``)."""
        with self._backend.transaction(write=False) as conn:
            return authorise(
                conn, Principal("", "planner", token=token), accounts_on=True, now=self._now()
            )

    def log_out(self, token: str) -> None:
        """End a session (nothing happens for an unknown or expired token)."""
        with self._backend.transaction(write=True) as conn:
            conn.execute("DELETE FROM sessions WHERE token_sha256 = ?", (_token_digest(token),))
