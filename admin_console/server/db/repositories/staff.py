"""Staff accounts and their access tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from admin_console.server.db.models import AccessTokenRow, SiteRow, StaffRow, StaffSiteRow
from admin_console.server.db.repositories.base import (
    Repository,
    WithSecret,
    copy_row,
    inserted,
)
from admin_console.server.errors import Conflict


@dataclass(frozen=True)
class Staff:
    """A staff account, without its password hash."""

    id: int
    username: str
    role: str
    failed_logins: int
    locked_until: dt.datetime | None
    disabled: bool


@dataclass(frozen=True)
class TokenOwner:
    """The staff member a valid token belongs to, and when the token expires."""

    staff: Staff
    expires_at: dt.datetime


class StaffRepository(Repository):
    """Staff accounts."""

    def add(self, username: str, password_hash: str, role: str, now: dt.datetime) -> Staff:
        """Create an account; :class:`Conflict` if the username is taken. On a console of
        one site, someone who is not an admin works there from the start; with several,
        they work nowhere until given sites (an admin works everywhere)."""
        try:
            with self._write() as s:
                row = inserted(
                    s,
                    StaffRow(
                        username=username, password_hash=password_hash, role=role, created_at=now
                    ),
                )
                sites = s.scalars(sa.select(SiteRow.id).limit(2)).all()
                if role != "admin" and len(sites) == 1:
                    s.add(StaffSiteRow(staff_id=row.id, site_id=sites[0]))
                return copy_row(Staff, row)
        except IntegrityError as exc:
            raise Conflict(f"the username {username!r} is taken") from exc

    def add_first(
        self, username: str, password_hash: str, role: str, now: dt.datetime
    ) -> Staff | None:
        """Create an account only if there is none at all; None if one exists. Atomic: one
        ``INSERT ... SELECT ... WHERE NOT EXISTS`` statement, which SQLite runs under its
        write lock, after (on PostgreSQL) a lock on the table that two such transactions
        cannot hold at once; of several callers at once, exactly one inserts."""
        values = sa.select(
            sa.literal(username, sa.String(80)),
            sa.literal(password_hash, sa.String(200)),
            sa.literal(role, sa.String(16)),
            sa.literal(0),
            sa.literal(False),
            sa.literal(now, StaffRow.__table__.c.created_at.type),
        ).where(~sa.select(StaffRow.id).correlate(None).exists())
        insert = (
            sa.insert(StaffRow)
            .from_select(
                ["username", "password_hash", "role", "failed_logins", "disabled", "created_at"],
                values,
            )
            .returning(StaffRow.id)
        )
        with self._write() as s:
            if s.get_bind().dialect.name == "postgresql":
                # SHARE ROW EXCLUSIVE conflicts with itself and with every insert: the
                # second caller waits, then sees the first one's account.
                s.execute(sa.text("LOCK TABLE staff IN SHARE ROW EXCLUSIVE MODE"))
            made = s.execute(insert).scalar()
            if made is None:
                return None
            row = s.get_one(StaffRow, made)
            return copy_row(Staff, row)

    def credentials(self, username: str) -> WithSecret[Staff] | None:
        """The account named ``username`` with its password hash, if any."""
        with self._read() as s:
            row = s.scalars(sa.select(StaffRow).where(StaffRow.username == username)).first()
            return None if row is None else WithSecret(copy_row(Staff, row), row.password_hash)

    def get(self, staff_id: int) -> Staff | None:
        """An account by id."""
        with self._read() as s:
            row = s.get(StaffRow, staff_id)
            return None if row is None else copy_row(Staff, row)

    def count(self) -> int:
        """How many accounts exist."""
        with self._read() as s:
            return s.scalar(sa.select(sa.func.count()).select_from(StaffRow)) or 0

    def record_failure(
        self, staff_id: int, now: dt.datetime, limit: int, lock_for: dt.timedelta
    ) -> dt.datetime | None:
        """Count a failed login; at ``limit`` in a row, lock the account. Returns the lock's
        end if this failure locked it."""
        with self._write() as s:
            row = s.get(StaffRow, staff_id, with_for_update=True)
            if row is None:
                return None
            row.failed_logins += 1
            if row.failed_logins >= limit:
                row.failed_logins = 0
                row.locked_until = now + lock_for
                return row.locked_until
            return None

    def record_success(self, staff_id: int) -> None:
        """A good login clears the count of failures and any expired lock."""
        with self._write() as s:
            s.execute(
                sa.update(StaffRow)
                .where(StaffRow.id == staff_id)
                .values(failed_logins=0, locked_until=None)
            )

    def set_password_hash(self, staff_id: int, password_hash: str) -> None:
        """Replace a password hash (after a rehash with newer parameters)."""
        with self._write() as s:
            s.execute(
                sa.update(StaffRow)
                .where(StaffRow.id == staff_id)
                .values(password_hash=password_hash)
            )

    def set_disabled(self, staff_id: int, disabled: bool) -> None:
        """Disable or re-enable an account."""
        with self._write() as s:
            s.execute(sa.update(StaffRow).where(StaffRow.id == staff_id).values(disabled=disabled))


class TokenRepository(Repository):
    """Staff access tokens (only their SHA-256)."""

    def add(
        self, token_sha256: str, staff_id: int, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        """Keep a new token's digest."""
        self._keep(
            AccessTokenRow(
                token_sha256=token_sha256, staff_id=staff_id, created_at=now, expires_at=expires_at
            )
        )

    def owner(self, token_sha256: str, now: dt.datetime) -> TokenOwner | None:
        """The account of a token that has not expired, if any."""
        with self._read() as s:
            found = s.execute(
                sa.select(StaffRow, AccessTokenRow.expires_at)
                .join(AccessTokenRow, AccessTokenRow.staff_id == StaffRow.id)
                .where(AccessTokenRow.token_sha256 == token_sha256)
                .where(AccessTokenRow.expires_at > now)
            ).first()
            return None if found is None else TokenOwner(copy_row(Staff, found[0]), found[1])

    def remove(self, token_sha256: str) -> None:
        """Forget a token (logout)."""
        with self._write() as s:
            s.execute(sa.delete(AccessTokenRow).where(AccessTokenRow.token_sha256 == token_sha256))

    def purge_expired(self, now: dt.datetime) -> int:
        """Forget every expired token; returns how many."""
        with self._write() as s:
            result = s.execute(sa.delete(AccessTokenRow).where(AccessTokenRow.expires_at <= now))
            return int(getattr(result, "rowcount", 0) or 0)
