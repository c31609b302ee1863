"""`ScenarioStore`: scenarios, sites, allocations, reviews and the audit trail.

The store lives in one GeoPackage file (default) or in a PostgreSQL + PostGIS database shared
by a bureau (`store.backend`, `store.postgis`; `store.factory.open_store` picks one). Every
public method is one transaction on a fresh connection: a save either lands completely or not
at all, and many sessions, threads, processes and the CLI can share the store. Edits use
optimistic concurrency: each site and scenario has a ``version``; an update passes the
version it was loaded at (``expected_version``) and gets `StoreConflictError`, with nothing
written, if someone saved in between. Every change is authorised inside its own write
transaction (`ScenarioStore._act`: role and counties of the acting user, on both backends) and
writes an audit entry.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from argon2 import PasswordHasher

import geopandas as gpd

from errors import ParameterError
from geo.crs import STORAGE_CRS
from store import balance_notes, review_rows, scenario_rows, site_rows
from store.accounts import AccountStore, Actor, accounts_mode, authorise
from store.allocation_checks import check_allocations
from store.allocation_rows import copy_allocations, fetch_allocations, insert_allocation_rows
from store.audit_log import read_audit, write_audit
from store.backend import Backend, GpkgBackend, StoreDb
from store.backups import BackupPolicy
from store.county_areas import replace_county_areas, site_counties
from store.frame_schema import format_utc, sites_frame
from store.paths import is_database_url
from store.principal import Action, Principal, require
from store.records import Comment, Review, Scenario, ScenarioSnapshot, SiteRecord
from store.schema import SITES_TABLE
from store.site_checks import (
    MAX_COMMENT_CHARS,
    check_review,
    check_site,
    check_sites,
    require_site_in,
    require_text,
    require_unique_names,
)

ScenarioRef = Scenario | str
DEFAULT_POLICY = BackupPolicy()
"""A scenario, its id or its name."""


def utc_now() -> datetime:
    """Return the current time in UTC (the default clock of `ScenarioStore`)."""
    return datetime.now(UTC)


class ScenarioStore:
    """Plans that last: scenarios, sites, allocations and reviews in a GeoPackage or PostGIS.

    Parameters
    ----------
    location
        The ``.gpkg`` file (created with its folder on first use), a ``postgresql://`` URL
        (`store.postgis.PostgisBackend`; the tables are created in an empty database) or a
        `store.backend.Backend`. An existing file or database must be a scenario store
        (`FileFormatError` otherwise; other GeoPackages and tables are never modified).
    clock
        Returns the current time (timezone-aware); stored as UTC ISO 8601 with milliseconds.
    hasher
        The argon2 password hasher of `accounts` (default: argon2-cffi's defaults).
    backups
        Automatic backups at open (`store.backups.BackupPolicy`: keep N, interval); None
        for none. A store of an older schema is always backed up before it is migrated.

    Notes
    -----
    Geometry is stored and returned in EPSG:4326. Every change takes the acting user
    (``user=``/``reviewer=``, an `Actor`) and checks its role and counties inside the
    write transaction (`store.principal.require`), on either backend. Accounts mode
    (`accounts_mode`, read once here from ``FORAGE_SITING_ACCOUNTS``) accepts only a
    logged-in `Principal` and re-reads its role from the store; single-user mode takes a
    bare name as the implicit administrator of that name.
    """

    def __init__(
        self,
        location: Path | str | Backend,
        *,
        clock: Callable[[], datetime] = utc_now,
        hasher: PasswordHasher | None = None,
        backups: BackupPolicy | None = DEFAULT_POLICY,
    ) -> None:
        self._backend = _backend_of(location, backups=backups, clock=clock)
        self._clock = clock
        #: Where the store is, as `store.factory.open_store` takes it (file path or URL).
        self.location = self._backend.location
        #: The GeoPackage file, or how the database is named in messages (no password).
        self.path: Path | str = (
            self._backend.path if isinstance(self._backend, GpkgBackend) else self._backend.label
        )
        self.accounts_on = accounts_mode()
        self._backend.open(self._now())
        self.accounts = AccountStore(
            self._backend, clock=clock, accounts_on=self.accounts_on, hasher=hasher
        )

    def _now(self) -> str:
        return format_utc(self._clock())

    def _act(
        self,
        conn: StoreDb,
        user: Actor,
        now: str,
        action: Action,
        counties: Iterable[str | None] = (),
    ) -> Principal:
        """Return the acting user if it may do ``action`` (in ``counties``), else raise.

        Called inside the write transaction; the session and user rows stay share-locked
        until commit (`store.accounts.authorise`).
        """
        principal = authorise(conn, user, accounts_on=self.accounts_on, now=now, lock=True)
        require(principal, action, counties)
        return principal

    # Scenarios -----------------------------------------------------------------------------

    def create_scenario(self, name: str, *, user: Actor, description: str = "") -> Scenario:
        """Create an empty scenario (version 1). Raises ParameterError if the name is taken."""
        name = require_text(name, "scenario name", "方案名称")
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            user = self._act(conn, user, now, "scenario.edit").name
            scenario = Scenario(
                str(uuid.uuid4()), name, description.strip(), None, 1, now, user, now, user
            )
            scenario_rows.insert_scenario(conn, scenario)
            write_audit(
                conn,
                at=now,
                user=user,
                action="scenario.create",
                entity_id=scenario.scenario_id,
                scenario_id=scenario.scenario_id,
                detail={"name": name, "description": scenario.description},
            )
            conn.touch_contents("scenarios", now)
        return scenario

    def list_scenarios(self) -> list[Scenario]:
        """Return every scenario, in creation order."""
        with self._backend.transaction(write=False) as conn:
            return scenario_rows.fetch_all_scenarios(conn)

    def get_scenario(self, scenario: ScenarioRef) -> Scenario:
        """Return the current state of a scenario given by name, id or `Scenario`."""
        with self._backend.transaction(write=False) as conn:
            return scenario_rows.fetch_scenario(conn, scenario)

    def duplicate_scenario(self, source: ScenarioRef, new_name: str, *, user: Actor) -> Scenario:
        """Copy a scenario's live sites (new ids, version 1) and allocations under a new name.

        Reviews and comments stay with the source. Each copy records ``origin_site_id``.
        """
        new_name = require_text(new_name, "scenario name", "方案名称")
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            user = self._act(conn, user, now, "scenario.edit").name
            src = scenario_rows.fetch_scenario(conn, source, lock=True)
            copy = Scenario(
                str(uuid.uuid4()),
                new_name,
                src.description,
                src.scenario_id,
                1,
                now,
                user,
                now,
                user,
            )
            scenario_rows.insert_scenario(conn, copy)
            id_map = site_rows.copy_sites(conn, src.scenario_id, copy)
            n_allocations = copy_allocations(conn, src, copy, id_map)
            write_audit(
                conn,
                at=now,
                user=user,
                action="scenario.duplicate",
                entity_id=copy.scenario_id,
                scenario_id=copy.scenario_id,
                detail={
                    "name": new_name,
                    "source_scenario_id": src.scenario_id,
                    "source_name": src.name,
                    "sites": len(id_map),
                    "allocation_rows": n_allocations,
                },
            )
            for table in ("scenarios", SITES_TABLE, "allocations"):
                conn.touch_contents(table, now)
        return copy

    # Sites ---------------------------------------------------------------------------------

    def add_site(self, scenario: ScenarioRef, site: SiteRecord, *, user: Actor) -> SiteRecord:
        """Add one site to a scenario; return it as stored (new ``site_id``, version 1)."""
        return self.add_sites(scenario, [site], user=user)[0]

    def add_sites(
        self, scenario: ScenarioRef, sites: Iterable[SiteRecord], *, user: Actor
    ) -> list[SiteRecord]:
        """Add several sites in one transaction (all or none), e.g. from an uploaded file.

        Raises
        ------
        InvalidGeometryError, ParameterError
            If any site is unusable (every bad site is listed) or a name is already used by
            a live site of the scenario.
        PermissionDeniedError
            If the user may not edit sites, or not in the county of one of them.
        """
        checked = check_sites(list(sites))
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            counties = site_counties(
                conn, [s.geometry for s in checked], [s.county_code for s in checked]
            )
            user = self._act(conn, user, now, "site.edit", counties).name
            current = scenario_rows.fetch_scenario(conn, scenario, lock=True)
            live = site_rows.fetch_live_sites(conn, current.scenario_id)
            require_unique_names(current, [s.name for s in live], [s.name for s in checked])
            added = []
            for site in checked:
                new = dataclasses.replace(
                    site,
                    site_id=str(uuid.uuid4()),
                    scenario_id=current.scenario_id,
                    origin_site_id=None,
                    version=1,
                    created_at=now,
                    created_by=user,
                    updated_at=now,
                    updated_by=user,
                )
                site_rows.insert_site(conn, new)
                site_rows.write_history(conn, new, "add")
                write_audit(
                    conn,
                    at=now,
                    user=user,
                    action="site.add",
                    entity_id=str(new.site_id),
                    scenario_id=current.scenario_id,
                    detail={"name": new.name, "version": 1},
                )
                added.append(new)
            scenario_rows.bump_scenario(conn, current, at=now, user=user)
            conn.touch_contents(SITES_TABLE, now)
        return added

    def get_site(self, site_id: str) -> SiteRecord:
        """Return the current state of a live site (to edit it, then `update_site`)."""
        with self._backend.transaction(write=False) as conn:
            stored = self._stored_site(conn, site_id)
        if stored.deleted:
            raise site_rows.deleted_site_error(stored.record)
        return stored.record

    def _stored_site(
        self, conn: StoreDb, site_id: str, *, lock: bool = False
    ) -> site_rows.StoredSite:
        stored = site_rows.fetch_site(conn, site_id, lock=lock)
        if stored is None:
            msg = (
                f"No site with id {site_id!r} in {conn.label}; reload the scenario to "
                "get current site ids."
            )
            zh = f"{conn.label} 中没有编号为 {site_id!r} 的站点，请重新加载方案。"
            raise ParameterError(msg, zh=zh)
        return stored

    def _locked_site(self, conn: StoreDb, site_id: str) -> tuple[site_rows.StoredSite, Scenario]:
        """Lock a site's scenario, then the site (one lock order for every writer)."""
        scenario_id = site_rows.site_scenario_id(conn, site_id)
        current = (
            None
            if scenario_id is None
            else scenario_rows.fetch_scenario(conn, scenario_id, lock=True)
        )
        stored = self._stored_site(conn, site_id, lock=True)
        if current is None:  # the site appeared between the two reads: read its scenario
            current = scenario_rows.fetch_scenario(conn, str(stored.record.scenario_id), lock=True)
        return stored, current

    def update_site(self, site: SiteRecord, *, expected_version: int, user: Actor) -> SiteRecord:
        """Save an edited site if it is still at ``expected_version``; return the new state.

        A save without any change writes nothing and returns the stored record.

        Raises
        ------
        StoreConflictError
            If someone changed or deleted the site since it was loaded (nothing is written).
        PermissionDeniedError
            If the user may not edit sites, or not in the site's old or new county.
        """
        checked = check_site(site)
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            stored, current = self._locked_site(conn, str(site.site_id))
            old = stored.record
            counties = site_counties(
                conn, [old.geometry, checked.geometry], [old.county_code, checked.county_code]
            )
            user = self._act(conn, user, now, "site.edit", counties).name
            if stored.deleted or old.version != expected_version:
                raise site_rows.site_conflict(stored, expected_version)
            new = dataclasses.replace(
                checked,
                site_id=old.site_id,
                scenario_id=old.scenario_id,
                origin_site_id=old.origin_site_id,
                version=old.version + 1,
                created_at=old.created_at,
                created_by=old.created_by,
                updated_at=now,
                updated_by=user,
            )
            changes = site_rows.changed_fields(old, new)
            if not changes:
                return old
            if new.name != old.name:
                live = site_rows.fetch_live_sites(conn, current.scenario_id)
                require_unique_names(current, [s.name for s in live], [new.name])
            if not site_rows.update_site_row(conn, new, expected_version=expected_version):
                raise site_rows.site_conflict(stored, expected_version)
            self._log_site_change(
                conn,
                current,
                new,
                "update",
                {"changed": changes, "version": [old.version, new.version]},
            )
        return new

    def delete_site(self, site_id: str, *, expected_version: int, user: Actor) -> None:
        """Soft-delete a site still at ``expected_version`` (kept in site_history).

        Its allocation rows are removed in the same transaction (they would be stale).

        Raises
        ------
        StoreConflictError
            If someone changed or deleted the site since it was loaded (nothing is written).
        """
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            stored, current = self._locked_site(conn, site_id)
            old = stored.record
            counties = site_counties(conn, [old.geometry], [old.county_code])
            user = self._act(conn, user, now, "site.edit", counties).name
            if stored.deleted or old.version != expected_version:
                raise site_rows.site_conflict(stored, expected_version)
            new = dataclasses.replace(old, version=old.version + 1, updated_at=now, updated_by=user)
            if not site_rows.update_site_row(
                conn, new, expected_version=expected_version, deleted=True
            ):
                raise site_rows.site_conflict(stored, expected_version)
            removed = conn.execute("DELETE FROM allocations WHERE site_id = ?", (site_id,)).rowcount
            self._log_site_change(
                conn,
                current,
                new,
                "delete",
                {
                    "name": old.name,
                    "version": [old.version, new.version],
                    "allocation_rows_removed": removed,
                },
            )

    def _log_site_change(
        self,
        conn: StoreDb,
        current: Scenario,
        new: SiteRecord,
        verb: str,
        detail: dict[str, object],
    ) -> None:
        at, user = str(new.updated_at), str(new.updated_by)
        site_rows.write_history(conn, new, verb)
        write_audit(
            conn,
            at=at,
            user=user,
            action=f"site.{verb}",
            entity_id=str(new.site_id),
            scenario_id=current.scenario_id,
            detail={"name": new.name, **detail},
        )
        scenario_rows.bump_scenario(conn, current, at=at, user=user)
        conn.touch_contents(SITES_TABLE, at)

    def sites(self, scenario: ScenarioRef) -> gpd.GeoDataFrame:
        """Return the live sites of a scenario (EPSG:4326, columns `SITE_COLUMNS`)."""
        with self._backend.transaction(write=False) as conn:
            current = scenario_rows.fetch_scenario(conn, scenario)
            return sites_frame(site_rows.fetch_live_sites(conn, current.scenario_id))

    def site_history(self, site_id: str) -> gpd.GeoDataFrame:
        """Return every version of a site, oldest first, with the ``action`` that made it."""
        with self._backend.transaction(write=False) as conn:
            self._stored_site(conn, site_id)
            history = site_rows.fetch_history(conn, site_id)
        frame = sites_frame(record for _, record in history)
        frame.insert(0, "action", pd.Series([a for a, _ in history], dtype="str"))
        return frame

    # Allocations ---------------------------------------------------------------------------

    def save_allocations(
        self,
        scenario: ScenarioRef,
        allocations: pd.DataFrame,
        *,
        user: Actor,
        expected_version: int | None = None,
    ) -> Scenario:
        """Replace a scenario's allocations (all rows in one transaction); return the scenario.

        Parameters
        ----------
        allocations
            Columns ``site_id, parcel_id, share_frac, area_mu, n_kg_per_yr, p_kg_per_yr,
            haul_km`` and optionally ``county_code`` (see `store.allocation_checks`).
        expected_version
            The scenario version the allocation was computed from; if given and the
            scenario changed since, `StoreConflictError` is raised and nothing is written.
        """
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            user = self._act(conn, user, now, "scenario.edit").name
            current = scenario_rows.fetch_scenario(conn, scenario, lock=True)
            live = site_rows.fetch_live_sites(conn, current.scenario_id)
            frame = check_allocations(allocations, {str(s.site_id) for s in live}, current.name)
            updated = scenario_rows.bump_scenario(
                conn, current, at=now, user=user, expected_version=expected_version
            )
            replaced = conn.execute(
                "DELETE FROM allocations WHERE scenario_id = ?", (current.scenario_id,)
            ).rowcount
            rows = [
                (current.scenario_id, *row, now, user)
                for row in frame.astype("object").itertuples(index=False, name=None)
            ]
            insert_allocation_rows(conn, rows)
            write_audit(
                conn,
                at=now,
                user=user,
                action="allocations.save",
                entity_id=current.scenario_id,
                scenario_id=current.scenario_id,
                detail={"rows": len(rows), "replaced_rows": replaced},
            )
            conn.touch_contents("allocations", now)
        return updated

    def allocations(self, scenario: ScenarioRef) -> pd.DataFrame:
        """Return a scenario's allocations (columns `ALLOCATION_COLUMNS`)."""
        return self.scenario_snapshot(scenario).allocations

    def scenario_snapshot(self, scenario: ScenarioRef) -> ScenarioSnapshot:
        """Return a scenario with its live sites and allocations, read consistently."""
        with self._backend.transaction(write=False) as conn:
            current = scenario_rows.fetch_scenario(conn, scenario)
            sites = sites_frame(site_rows.fetch_live_sites(conn, current.scenario_id))
            allocations = fetch_allocations(conn, current.scenario_id)
        return ScenarioSnapshot(current, sites, allocations)

    # Reviews, comments, audit --------------------------------------------------------------

    def record_review(
        self,
        site_id: str,
        decision: str,
        reason: str,
        *,
        reviewer: Actor,
        gate_override: bool = False,
    ) -> Review:
        """Record a reviewer's decision on the current version of a site.

        ``decision`` is ``approve``, ``reject`` or ``request_changes``; a reason is required
        except for ``approve``. ``gate_override`` marks an approval of a site that fails a
        siting gate: it needs a reason too and is kept in the audit detail. Site rows (and so
        geometry) are never touched.
        """
        reason = check_review(decision, reason)
        if gate_override and not reason:
            msg = "Approving a site that fails a siting gate needs a reason for the override."
            raise ParameterError(msg, zh="批准未通过选址门槛的牧场须填写越过门槛的理由。")
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            site, _ = self._locked_site(conn, site_id)
            if site.deleted:
                raise site_rows.deleted_site_error(site.record)
            county = site_counties(conn, [site.record.geometry], [site.record.county_code])
            name = self._act(conn, reviewer, now, "review.record", county).name
            review = Review(
                str(uuid.uuid4()),
                str(site.record.scenario_id),
                site_id,
                site.record.version,
                decision,
                reason,
                name,
                now,
            )
            review_rows.insert_review(conn, review)
            write_audit(
                conn,
                at=now,
                user=name,
                action="review.record",
                entity_id=site_id,
                scenario_id=review.scenario_id,
                detail={
                    "site_name": site.record.name,
                    "decision": decision,
                    "reason": reason,
                    "site_version": review.site_version,
                    **({"gate_override": True} if gate_override else {}),
                },
            )
            conn.touch_contents("reviews", now)
        return review

    def reviews(self, scenario: ScenarioRef) -> pd.DataFrame:
        """Return a scenario's review decisions, oldest first."""
        with self._backend.transaction(write=False) as conn:
            current = scenario_rows.fetch_scenario(conn, scenario)
            return review_rows.fetch_reviews(conn, current.scenario_id)

    def add_comment(
        self, scenario: ScenarioRef, text: str, *, user: Actor, site_id: str | None = None
    ) -> Comment:
        """Add a comment to a scenario, or to one of its sites (of the user's counties)."""
        text = require_text(text, "comment", "评论", max_chars=MAX_COMMENT_CHARS)
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            current = scenario_rows.fetch_scenario(conn, scenario)
            counties: list[str | None] = []
            if site_id is not None:
                stored = self._stored_site(conn, site_id)
                require_site_in(stored, current)
                counties += site_counties(
                    conn, [stored.record.geometry], [stored.record.county_code]
                )
            user = self._act(conn, user, now, "comment.add", counties).name
            comment = Comment(str(uuid.uuid4()), current.scenario_id, site_id, text, user, now)
            review_rows.insert_comment(conn, comment)
            write_audit(
                conn,
                at=now,
                user=user,
                action="comment.add",
                entity_id=comment.comment_id,
                scenario_id=current.scenario_id,
                detail={"site_id": site_id, "text": text},
            )
            conn.touch_contents("comments", now)
        return comment

    def comments(self, scenario: ScenarioRef) -> pd.DataFrame:
        """Return a scenario's comments, oldest first."""
        with self._backend.transaction(write=False) as conn:
            current = scenario_rows.fetch_scenario(conn, scenario)
            return review_rows.fetch_comments(conn, current.scenario_id)

    def add_balance_annotation(
        self, county_code: str, text: str, *, user: Actor, scenario: ScenarioRef | None = None
    ) -> balance_notes.BalanceAnnotation:
        """Add a note on a county's manure-land balance (environmental staff, admin)."""
        text = require_text(text, "annotation", "批注", max_chars=MAX_COMMENT_CHARS)
        county_code = balance_notes.check_county_code(county_code)
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            user = self._act(conn, user, now, "balance.annotate").name
            scenario_id = (
                None
                if scenario is None
                else scenario_rows.fetch_scenario(conn, scenario).scenario_id
            )
            note = balance_notes.BalanceAnnotation(
                str(uuid.uuid4()), county_code, scenario_id, text, user, now
            )
            balance_notes.insert_annotation(conn, note)
            write_audit(
                conn,
                at=now,
                user=user,
                action="balance.annotate",
                entity_id=note.annotation_id,
                scenario_id=scenario_id,
                detail={"county_code": county_code, "text": text},
            )
            conn.touch_contents(balance_notes.BALANCE_NOTES_TABLE, now)
        return note

    def set_county_areas(self, region_id: str, counties: gpd.GeoDataFrame, *, user: Actor) -> int:
        """Register a region's county outlines (administrators); return how many.

        From then on the county of a site, for the planners' and reviewers' county rights,
        is the one its geometry lies in (`store.county_areas`), not the record's code.

        Parameters
        ----------
        counties
            ``adcode`` (6-digit text) and (Multi)Polygon geometry, in any CRS (stored as
            EPSG:4326).
        """
        lonlat = counties.to_crs(STORAGE_CRS) if counties.crs is not None else counties
        areas = [
            (balance_notes.check_county_code(str(code)), geom)
            for code, geom in zip(lonlat["adcode"], lonlat.geometry, strict=True)
        ]
        now = self._now()
        with self._backend.transaction(write=True) as conn:
            name = self._act(conn, user, now, "regions").name
            count = replace_county_areas(conn, region_id, areas, at=now, user=name)
            write_audit(
                conn,
                at=now,
                user=name,
                action="regions.set",
                entity_id=region_id,
                scenario_id=None,
                detail={"counties": [code for code, _ in areas]},
            )
        return count

    def balance_annotations(self, county_code: str | None = None) -> pd.DataFrame:
        """Return the balance notes (all, or one county's), oldest first."""
        with self._backend.transaction(write=False) as conn:
            return balance_notes.fetch_annotations(conn, county_code)

    def audit(self, scenario: ScenarioRef | None = None) -> pd.DataFrame:
        """Return the audit trail (all, or one scenario's), oldest first.

        Columns: ``audit_id, at, user, action, entity, entity_id, scenario_id, detail``
        (``detail`` is a dict, e.g. ``{"changed": {"dairy_cow_head": [3000, 3500]}}``).
        """
        with self._backend.transaction(write=False) as conn:
            scenario_id = (
                None
                if scenario is None
                else scenario_rows.fetch_scenario(conn, scenario).scenario_id
            )
            return read_audit(conn, scenario_id)


def _backend_of(
    location: Path | str | Backend,
    *,
    backups: BackupPolicy | None,
    clock: Callable[[], datetime],
) -> Backend:
    """Return the backend of a file path, a ``postgresql://`` URL or a ready `Backend`.

    ``backups`` and ``clock`` are the GeoPackage's automatic backups and migration time
    (a PostGIS server has its own backups: pg_dump, or the DBA's).
    """
    if isinstance(location, Backend):
        return location
    if is_database_url(location):
        from store.postgis import PostgisBackend

        return PostgisBackend(str(location))
    return GpkgBackend(Path(location).expanduser(), backups=backups, clock=clock)
