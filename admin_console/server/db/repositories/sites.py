"""Sites (the rooms of one console's network) and which staff member works at which."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from admin_console.server.db.models import KioskRow, SiteRow, StaffRow, StaffSiteRow
from admin_console.server.db.repositories.base import Repository, copy_row, inserted
from admin_console.server.db.repositories.staff import raise_revision
from admin_console.server.errors import Conflict, NotFound


@dataclass(frozen=True)
class Site:
    """A site."""

    id: int
    name: str
    address: str
    created_at: dt.datetime
    rules: dict[str, Any]
    """Its own settings over the network's policy."""


class SiteRepository(Repository):
    """Sites and staff's sites."""

    def add(self, name: str, address: str, now: dt.datetime) -> Site:
        """A new site; :class:`Conflict` if the name is taken."""
        try:
            with self._write() as s:
                return copy_row(
                    Site, inserted(s, SiteRow(name=name, address=address, created_at=now))
                )
        except IntegrityError as exc:
            raise Conflict(f"a site named {name!r} exists already") from exc

    def change(self, site_id: int, *, name: str | None, address: str | None) -> Site:
        """Rename a site or change its address; :class:`NotFound`, :class:`Conflict`."""
        try:
            with self._write() as s:
                row = s.get(SiteRow, site_id)
                if row is None:
                    raise NotFound(f"no site with id {site_id}")
                if name is not None:
                    row.name = name
                if address is not None:
                    row.address = address
                s.flush()
                return copy_row(Site, row)
        except IntegrityError as exc:
            raise Conflict(f"a site named {name!r} exists already") from exc

    def set_rules(self, site_id: int, rules: dict[str, Any]) -> Site:
        """Replace a site's own settings (already checked); :class:`NotFound`."""
        with self._write() as s:
            row = s.get(SiteRow, site_id)
            if row is None:
                raise NotFound(f"no site with id {site_id}")
            row.rules = dict(rules)
            s.flush()
            return copy_row(Site, row)

    def rules_of(self, site_id: int) -> dict[str, Any]:
        """A site's own settings ({} for a site that is gone)."""
        with self._read() as s:
            row = s.get(SiteRow, site_id)
            return {} if row is None else dict(row.rules)

    def get(self, site_id: int) -> Site | None:
        """A site by id."""
        with self._read() as s:
            row = s.get(SiteRow, site_id)
            return None if row is None else copy_row(Site, row)

    def all(self, among: frozenset[int] | None = None) -> list[Site]:
        """Every site (or those ``among`` these ids), by name."""
        with self._read() as s:
            query = sa.select(SiteRow).order_by(SiteRow.name, SiteRow.id)
            if among is not None:
                query = query.where(SiteRow.id.in_(among))
            return [copy_row(Site, row) for row in s.scalars(query)]

    def of_staff(self, staff_id: int) -> frozenset[int]:
        """The sites a staff member works at (their rows; an admin's are not consulted)."""
        with self._read() as s:
            found = s.scalars(
                sa.select(StaffSiteRow.site_id).where(StaffSiteRow.staff_id == staff_id)
            )
            return frozenset(found)

    def staff_sites(self) -> dict[int, frozenset[int]]:
        """Each staff member's sites, by staff id (admins have none listed)."""
        found: dict[int, set[int]] = {}
        with self._read() as s:
            for staff_id, site_id in s.execute(
                sa.select(StaffSiteRow.staff_id, StaffSiteRow.site_id)
            ):
                found.setdefault(staff_id, set()).add(site_id)
        return {k: frozenset(v) for k, v in found.items()}

    def staff_of(self, site_id: int) -> frozenset[int]:
        """The staff members given this site."""
        with self._read() as s:
            found = s.scalars(
                sa.select(StaffSiteRow.staff_id).where(StaffSiteRow.site_id == site_id)
            )
            return frozenset(found)

    def set_staff_sites(self, staff_id: int, site_ids: frozenset[int]) -> None:
        """Give a staff member exactly these sites; :class:`NotFound` for an unknown one."""
        with self._write() as s:
            known = set(s.scalars(sa.select(SiteRow.id).where(SiteRow.id.in_(site_ids))))
            missing = sorted(site_ids - known)
            if missing:
                raise NotFound(f"no site with id {missing[0]}")
            s.execute(sa.delete(StaffSiteRow).where(StaffSiteRow.staff_id == staff_id))
            for site_id in sorted(site_ids):
                s.add(StaffSiteRow(staff_id=staff_id, site_id=site_id))
            if _has_pin(s, StaffRow.id == staff_id):
                raise_revision(s)  # the rosters of the sites given or taken change

    def move_kiosk(self, kiosk_id: int, site_id: int) -> int:
        """Put a PC in another site; returns the site it left. :class:`NotFound` for an
        unknown PC or site."""
        with self._write() as s:
            if s.get(SiteRow, site_id) is None:
                raise NotFound(f"no site with id {site_id}")
            # Locked: of two moves at once, each learns the site the PC really left.
            row = s.get(KioskRow, kiosk_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no PC with id {kiosk_id}")
            left = row.site_id
            row.site_id = site_id
            if _has_pin(s):
                raise_revision(s)  # the PC now gets the new site's roster
            return left

    def kiosk_sites(self) -> dict[int, int]:
        """Each PC's site, by PC id (revoked PCs too)."""
        with self._read() as s:
            rows = s.execute(sa.select(KioskRow.id, KioskRow.site_id)).all()
            return dict(rows)


def _has_pin(s: Session, *where: sa.ColumnElement[bool]) -> bool:
    """Some enabled account (of ``where``) has a PIN: it is on some PC's roster."""
    query = sa.select(StaffRow.id).where(
        StaffRow.disabled.is_(False), StaffRow.pin_hash.is_not(None), *where
    )
    return s.scalars(query.limit(1)).first() is not None
