"""Staff accounts, their access tokens, and the staff roster the PCs are sent.

The roster is every enabled account with a PIN of its own, under one revision number
(the ``staff_roster`` row): each change a PC must know (a PIN set or cleared, an account
disabled or enabled, a name or language changed) raises it in the transaction that makes
the change, so a PC holding an older revision is sent the whole roster again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from admin_console.server.db.models import (
    AccessTokenRow,
    SiteRow,
    StaffRosterRow,
    StaffRow,
    StaffSiteRow,
)
from admin_console.server.db.repositories.base import (
    Repository,
    WithSecret,
    copy_row,
    dialect_insert,
    inserted,
    rowcount,
)
from admin_console.server.errors import Conflict
from epn_shared.protocol import RosterEntry, StaffRoster

ROSTER_ROW = 1
"""The id of the one ``staff_roster`` row."""
ADMIN = "admin"


@dataclass(frozen=True)
class Staff:
    """A staff account, without its password hash nor its PIN hash (only whether it has
    a PIN): what the API, the audit and the hub may see."""

    id: int
    username: str
    role: str
    failed_logins: int
    locked_until: dt.datetime | None
    disabled: bool
    display_name: str = ""
    language: str = "fr"
    has_pin: bool = False
    pin_set_at: dt.datetime | None = None
    created_at: dt.datetime | None = None


def _staff(row: StaffRow) -> Staff:
    return copy_row(Staff, row, has_pin=row.pin_hash is not None)


def roster_name(display_name: str, username: str) -> str:
    """How the PCs greet a staff member: their display name, else their username (cut to
    the 40 characters a PC shows)."""
    return (display_name.strip() or username)[:40]


@dataclass(frozen=True)
class StaffChanged:
    """An account after a change, and what the change means beyond the console."""

    staff: Staff
    before: Staff
    roster_changed: bool
    """The PCs must be sent the roster again."""
    logged_out: bool
    """Its tokens were dropped: its open staff connections must close."""


@dataclass(frozen=True)
class TokenOwner:
    """The staff member a valid token belongs to, and when the token expires."""

    staff: Staff
    expires_at: dt.datetime


class StaffRepository(Repository):
    """Staff accounts."""

    def add(
        self,
        username: str,
        password_hash: str,
        role: str,
        now: dt.datetime,
        *,
        display_name: str = "",
        language: str = "fr",
    ) -> Staff:
        """Create an account (without a PIN: the roster does not change); :class:`Conflict`
        if the username is taken. On a console of one site, someone who is not an admin
        works there from the start; with several, they work nowhere until given sites (an
        admin works everywhere)."""
        try:
            with self._write() as s:
                row = inserted(
                    s,
                    StaffRow(
                        username=username,
                        password_hash=password_hash,
                        role=role,
                        created_at=now,
                        display_name=display_name,
                        language=language,
                    ),
                )
                sites = s.scalars(sa.select(SiteRow.id).limit(2)).all()
                if role != "admin" and len(sites) == 1:
                    s.add(StaffSiteRow(staff_id=row.id, site_id=sites[0]))
                return _staff(row)
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
            return _staff(row)

    def credentials(self, username: str) -> WithSecret[Staff] | None:
        """The account named ``username`` with its password hash, if any."""
        with self._read() as s:
            row = s.scalars(sa.select(StaffRow).where(StaffRow.username == username)).first()
            return None if row is None else WithSecret(_staff(row), row.password_hash)

    def get(self, staff_id: int) -> Staff | None:
        """An account by id."""
        with self._read() as s:
            row = s.get(StaffRow, staff_id)
            return None if row is None else _staff(row)

    def find(self, username: str) -> Staff | None:
        """An account by username."""
        with self._read() as s:
            row = s.scalars(sa.select(StaffRow).where(StaffRow.username == username)).first()
            return None if row is None else _staff(row)

    def team(self) -> list[Staff]:
        """Every account, by username."""
        with self._read() as s:
            return [_staff(r) for r in s.scalars(sa.select(StaffRow).order_by(StaffRow.username))]

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

    def set_disabled(self, staff_id: int, disabled: bool) -> StaffChanged | None:
        """Disable or re-enable an account (see :meth:`change`)."""
        return self.change(staff_id, disabled=disabled)

    def change(
        self,
        staff_id: int,
        *,
        role: str | None = None,
        display_name: str | None = None,
        language: str | None = None,
        disabled: bool | None = None,
    ) -> StaffChanged | None:
        """Change the fields given of an account; None if there is no such account.

        Disabling drops its tokens; a change the PCs must know (the name, language or
        disabling of someone with a PIN) raises the roster revision; both in the same
        transaction. :class:`Conflict` if it would leave the console
        without an enabled admin (the admins' rows are locked first, so two admins
        demoting each other at once cannot both get through)."""
        with self._write() as s:
            enabled_admins = sa.select(StaffRow.id).where(
                StaffRow.role == ADMIN, StaffRow.disabled.is_(False)
            )
            peek = s.get(StaffRow, staff_id)
            if peek is None:
                return None
            locked = peek.role == ADMIN and not peek.disabled
            if locked:
                # Every enabled admin's row, in id order, before this one alone: two admins
                # changing each other at once wait for one another instead of deadlocking.
                s.execute(enabled_admins.order_by(StaffRow.id).with_for_update()).all()
            row = s.get(StaffRow, staff_id, with_for_update=True, populate_existing=True)
            if row is None:
                return None
            before = _staff(row)
            was_admin = row.role == ADMIN and not row.disabled
            if was_admin and not locked:
                s.execute(enabled_admins.order_by(StaffRow.id).with_for_update()).all()
            if role is not None:
                row.role = role
            if display_name is not None:
                row.display_name = display_name
            if language is not None:
                row.language = language
            if disabled is not None:
                row.disabled = disabled
            s.flush()
            # Counted after the change, in its transaction: the last enabled admin stays.
            if was_admin and s.execute(enabled_admins.limit(1)).first() is None:
                raise Conflict(
                    f"{row.username} is the last enabled admin: make another admin first"
                )
            after = _staff(row)
            # Only someone with a PIN is on the PCs' roster: another's name is not theirs to know.
            seen = ("display_name", "language", "disabled")
            roster_changed = after.has_pin and any(
                getattr(before, f) != getattr(after, f) for f in seen
            )
            if roster_changed:
                raise_revision(s)
            logged_out = after.disabled and not before.disabled
            if logged_out:
                s.execute(sa.delete(AccessTokenRow).where(AccessTokenRow.staff_id == staff_id))
            return StaffChanged(after, before, roster_changed, logged_out)

    def reset_password(self, staff_id: int, password_hash: str) -> bool:
        """Set a new password hash and drop every token of the account (logged out
        everywhere), in one transaction; False if there is no such account."""
        with self._write() as s:
            done = s.execute(
                sa.update(StaffRow)
                .where(StaffRow.id == staff_id)
                .values(password_hash=password_hash)
            )
            if rowcount(done) != 1:
                return False
            s.execute(sa.delete(AccessTokenRow).where(AccessTokenRow.staff_id == staff_id))
            return True

    def change_password(self, staff_id: int, password_hash: str, keep_token: str) -> None:
        """One's own new password: every other token of the account is dropped (logged
        out elsewhere), the one of this request (its SHA-256) kept."""
        with self._write() as s:
            s.execute(
                sa.update(StaffRow)
                .where(StaffRow.id == staff_id)
                .values(password_hash=password_hash)
            )
            s.execute(
                sa.delete(AccessTokenRow).where(
                    AccessTokenRow.staff_id == staff_id,
                    AccessTokenRow.token_sha256 != keep_token,
                )
            )

    def set_pin_hash(self, staff_id: int, pin_hash: str | None, now: dt.datetime) -> bool:
        """Set (an argon2id hash) or clear (None) an account's own PIN for the PCs, raising
        the roster revision; False if there is no such account."""
        with self._write() as s:
            done = s.execute(
                sa.update(StaffRow)
                .where(StaffRow.id == staff_id)
                .values(pin_hash=pin_hash, pin_set_at=None if pin_hash is None else now)
            )
            if rowcount(done) != 1:
                return False
            raise_revision(s)
            return True

    def revision(self) -> int:
        """The roster's revision now (0 before any change)."""
        with self._read() as s:
            return s.scalar(sa.select(StaffRosterRow.revision)) or 0

    def roster(self, site_id: int = 1) -> StaffRoster:
        """The roster the PCs of ``site_id`` are sent: each enabled account with a PIN who
        works there (an admin works at every site), with its name (the display name, else
        the username), language and PIN hash, under its revision."""
        with self._read() as s:
            # The revision is read first: a change committed between the two reads is sent
            # under the older number, and sent again at the next hello; never the reverse.
            revision = s.scalar(sa.select(StaffRosterRow.revision)) or 0
            rows = s.execute(
                sa.select(
                    StaffRow.id,
                    StaffRow.username,
                    StaffRow.display_name,
                    StaffRow.language,
                    StaffRow.pin_hash,
                )
                .where(StaffRow.disabled.is_(False), StaffRow.pin_hash.is_not(None))
                .where(
                    sa.or_(
                        StaffRow.role == "admin",
                        StaffRow.id.in_(
                            sa.select(StaffSiteRow.staff_id).where(StaffSiteRow.site_id == site_id)
                        ),
                    )
                )
                .order_by(StaffRow.id)
            ).all()
        entries = tuple(
            RosterEntry(
                id=r.id,
                name=roster_name(r.display_name, r.username),
                language=r.language,
                pin_hash=r.pin_hash,
            )
            for r in rows
        )
        return StaffRoster(revision=revision, staff=entries)


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
            return None if found is None else TokenOwner(_staff(found[0]), found[1])

    def valid(self, token_sha256s: list[str], now: dt.datetime) -> set[str]:
        """Which of these tokens are still valid: kept, not expired, of an enabled account."""
        if not token_sha256s:
            return set()
        with self._read() as s:
            found = s.scalars(
                sa.select(AccessTokenRow.token_sha256)
                .join(StaffRow, AccessTokenRow.staff_id == StaffRow.id)
                .where(AccessTokenRow.token_sha256.in_(set(token_sha256s)))
                .where(AccessTokenRow.expires_at > now, StaffRow.disabled.is_(False))
            )
            return set(found)

    def remove(self, token_sha256: str) -> None:
        """Forget a token (logout)."""
        with self._write() as s:
            s.execute(sa.delete(AccessTokenRow).where(AccessTokenRow.token_sha256 == token_sha256))

    def purge_expired(self, now: dt.datetime) -> int:
        """Forget every expired token; returns how many."""
        with self._write() as s:
            result = s.execute(sa.delete(AccessTokenRow).where(AccessTokenRow.expires_at <= now))
            return int(getattr(result, "rowcount", 0) or 0)


def raise_revision(s: Session) -> None:
    """Raise the roster's revision in ``s``'s transaction (making its row at 1). One upsert:
    on PostgreSQL it locks the row, so concurrent changes get one number each, in the order
    they commit."""
    s.execute(
        dialect_insert(s, StaffRosterRow)
        .values(id=ROSTER_ROW, revision=1)
        .on_conflict_do_update(
            index_elements=[StaffRosterRow.id],
            set_={"revision": StaffRosterRow.revision + 1},
        )
    )
