"""Repositories over the console's tables. They take and return plain frozen dataclasses,
never live ORM rows, and know nothing of HTTP: the API and the hub call them.

Every database failure comes out as :class:`StorageError`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from admin_console.server.db.models import (
    AccessTokenRow,
    AuditRow,
    CommandRow,
    EventRow,
    HelpCallRow,
    KioskRow,
    MemberRow,
    PairingCodeRow,
    StaffRow,
    TicketRow,
)
from admin_console.server.errors import (
    Conflict,
    Gone,
    NotFound,
    PairingRefused,
    StorageError,
)

T = TypeVar("T")

# -- values ------------------------------------------------------------------------------


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
class StaffCredentials:
    """A staff account with its password hash (for the login check only)."""

    staff: Staff
    password_hash: str


@dataclass(frozen=True)
class TokenOwner:
    """The staff member a valid token belongs to, and when the token expires."""

    staff: Staff
    expires_at: dt.datetime


@dataclass(frozen=True)
class Kiosk:
    """An enrolled PC."""

    id: int
    name: str
    location: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_seen_at: dt.datetime | None


@dataclass(frozen=True)
class NewEvent:
    """An event as a kiosk reported it, to store once."""

    event_id: str
    at: dt.datetime
    kind: str
    body: dict[str, Any]


@dataclass(frozen=True)
class StoredEvent:
    """An event as the console keeps it."""

    id: int
    event_id: str
    kiosk_id: int
    at: dt.datetime
    kind: str
    body: dict[str, Any]
    received_at: dt.datetime


@dataclass(frozen=True)
class CommandRecord:
    """A staff command and, once answered, the kiosk's result."""

    command_id: str
    kiosk_id: int
    action: str
    parameters: dict[str, Any]
    by: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    ok: bool | None
    code: str | None
    message: str | None
    answered_at: dt.datetime | None


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: dt.datetime
    who: str
    action: str
    kiosk_id: int | None
    detail: str


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list."""

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int


# -- helpers -----------------------------------------------------------------------------


def _staff(row: StaffRow) -> Staff:
    return Staff(row.id, row.username, row.role, row.failed_logins, row.locked_until, row.disabled)


def _kiosk(row: KioskRow) -> Kiosk:
    return Kiosk(row.id, row.name, row.location, row.created_at, row.revoked_at, row.last_seen_at)


def _command(row: CommandRow) -> CommandRecord:
    return CommandRecord(
        row.command_id,
        row.kiosk_id,
        row.action,
        dict(row.parameters),
        row.by,
        row.created_at,
        row.sent_at,
        row.ok,
        row.code,
        row.message,
        row.answered_at,
    )


class _Repository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except SQLAlchemyError as exc:
            raise StorageError(f"the console database failed: {exc}") from exc

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        try:
            with self._sessions() as session, session.begin():
                yield session
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            raise StorageError(f"the console database failed: {exc}") from exc


# -- repositories ------------------------------------------------------------------------


class StaffRepository(_Repository):
    """Staff accounts."""

    def add(self, username: str, password_hash: str, role: str, now: dt.datetime) -> Staff:
        """Create an account; :class:`Conflict` if the username is taken."""
        try:
            with self._write() as s:
                row = StaffRow(
                    username=username,
                    password_hash=password_hash,
                    role=role,
                    failed_logins=0,
                    locked_until=None,
                    disabled=False,
                    created_at=now,
                )
                s.add(row)
                s.flush()
                return _staff(row)
        except IntegrityError as exc:
            raise Conflict(f"the username {username!r} is taken") from exc

    def credentials(self, username: str) -> StaffCredentials | None:
        """The account named ``username`` with its password hash, if any."""
        with self._read() as s:
            row = s.scalars(sa.select(StaffRow).where(StaffRow.username == username)).first()
            return None if row is None else StaffCredentials(_staff(row), row.password_hash)

    def get(self, staff_id: int) -> Staff | None:
        """An account by id."""
        with self._read() as s:
            row = s.get(StaffRow, staff_id)
            return None if row is None else _staff(row)

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


class TokenRepository(_Repository):
    """Staff access tokens (only their SHA-256)."""

    def add(
        self, token_sha256: str, staff_id: int, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        """Keep a new token's digest."""
        with self._write() as s:
            s.add(
                AccessTokenRow(
                    token_sha256=token_sha256,
                    staff_id=staff_id,
                    created_at=now,
                    expires_at=expires_at,
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

    def remove(self, token_sha256: str) -> None:
        """Forget a token (logout)."""
        with self._write() as s:
            s.execute(sa.delete(AccessTokenRow).where(AccessTokenRow.token_sha256 == token_sha256))

    def purge_expired(self, now: dt.datetime) -> int:
        """Forget every expired token; returns how many."""
        with self._write() as s:
            result = s.execute(sa.delete(AccessTokenRow).where(AccessTokenRow.expires_at <= now))
            return int(getattr(result, "rowcount", 0) or 0)


class KioskRepository(_Repository):
    """Enrolled PCs and pairing codes."""

    def add_pairing_code(
        self, code_sha256: str, made_by: str, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        """Keep a new pairing code's digest."""
        with self._write() as s:
            s.add(
                PairingCodeRow(
                    code_sha256=code_sha256,
                    created_at=now,
                    expires_at=expires_at,
                    used_at=None,
                    made_by=made_by,
                    kiosk_id=None,
                )
            )

    def enroll(
        self, code_sha256: str, name: str, location: str, token_sha256: str, now: dt.datetime
    ) -> tuple[Kiosk, str]:
        """Use a pairing code and create the kiosk, in one transaction; returns the kiosk
        and who made the code.

        :class:`PairingRefused` if the code is unknown, expired or used;
        :class:`Conflict` if a PC that is not revoked already has this name.
        """
        try:
            with self._write() as s:
                code = s.scalars(
                    sa.select(PairingCodeRow)
                    .where(PairingCodeRow.code_sha256 == code_sha256)
                    .with_for_update()
                ).first()
                if code is None:
                    raise PairingRefused("unknown pairing code")
                if code.used_at is not None:
                    raise PairingRefused("this pairing code was already used")
                if code.expires_at <= now:
                    raise PairingRefused("this pairing code has expired; ask for a new one")
                taken = s.scalars(
                    sa.select(KioskRow.id)
                    .where(KioskRow.name == name)
                    .where(KioskRow.revoked_at.is_(None))
                ).first()
                if taken is not None:
                    raise Conflict(f"a PC named {name!r} is already enrolled; revoke it first")
                kiosk = KioskRow(
                    name=name,
                    location=location,
                    token_sha256=token_sha256,
                    created_at=now,
                    revoked_at=None,
                    last_seen_at=None,
                )
                s.add(kiosk)
                s.flush()
                # The guarded update makes two enrollments racing on one code fail one.
                used = s.execute(
                    sa.update(PairingCodeRow)
                    .where(PairingCodeRow.id == code.id)
                    .where(PairingCodeRow.used_at.is_(None))
                    .values(used_at=now, kiosk_id=kiosk.id)
                )
                if getattr(used, "rowcount", 0) != 1:
                    raise PairingRefused("this pairing code was already used")
                return _kiosk(kiosk), code.made_by
        except IntegrityError as exc:
            raise Conflict("this PC could not be enrolled; try again") from exc

    def by_token(self, token_sha256: str) -> Kiosk | None:
        """The kiosk holding a token (revoked or not)."""
        with self._read() as s:
            query = sa.select(KioskRow).where(KioskRow.token_sha256 == token_sha256)
            row = s.scalars(query).first()
            return None if row is None else _kiosk(row)

    def get(self, kiosk_id: int) -> Kiosk | None:
        """A kiosk by id."""
        with self._read() as s:
            row = s.get(KioskRow, kiosk_id)
            return None if row is None else _kiosk(row)

    def all(self, include_revoked: bool = False) -> list[Kiosk]:
        """Every kiosk, by name."""
        with self._read() as s:
            query = sa.select(KioskRow).order_by(KioskRow.name, KioskRow.id)
            if not include_revoked:
                query = query.where(KioskRow.revoked_at.is_(None))
            return [_kiosk(row) for row in s.scalars(query)]

    def revoke(self, kiosk_id: int, now: dt.datetime) -> Kiosk:
        """Refuse this kiosk from now on (a second revoke keeps the first time)."""
        with self._write() as s:
            row = s.get(KioskRow, kiosk_id)
            if row is None:
                raise NotFound(f"no PC with id {kiosk_id}")
            if row.revoked_at is None:
                row.revoked_at = now
            return _kiosk(row)

    def seen(self, kiosk_id: int, now: dt.datetime) -> None:
        """Note that the kiosk was heard from."""
        with self._write() as s:
            s.execute(sa.update(KioskRow).where(KioskRow.id == kiosk_id).values(last_seen_at=now))


class EventRepository(_Repository):
    """Events from kiosks, each id stored once."""

    def add_once(self, kiosk_id: int, events: Sequence[NewEvent], now: dt.datetime) -> None:
        """Store these events; ids already stored are skipped (a resend is harmless)."""
        if not events:
            return
        rows = [
            {
                "event_id": e.event_id,
                "kiosk_id": kiosk_id,
                "at": e.at,
                "kind": e.kind,
                "body": e.body,
                "received_at": now,
            }
            for e in events
        ]
        with self._write() as s:
            dialect = s.get_bind().dialect.name
            if dialect == "postgresql":
                pg = postgresql.insert(EventRow).on_conflict_do_nothing(index_elements=["event_id"])
                s.execute(pg, rows)
            elif dialect == "sqlite":
                lite = sqlite.insert(EventRow).on_conflict_do_nothing(index_elements=["event_id"])
                s.execute(lite, rows)
            else:  # pragma: no cover - only SQLite and PostgreSQL are supported
                for row in rows:
                    with s.begin_nested(), contextlib.suppress(IntegrityError):
                        s.execute(sa.insert(EventRow), row)

    def page(
        self,
        *,
        kind: str | None = None,
        kiosk_id: int | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page[StoredEvent]:
        """Events, newest first, filtered by kind, PC and time (``since`` <= at < ``until``)."""
        conditions: list[sa.ColumnElement[bool]] = []
        if kind is not None:
            conditions.append(EventRow.kind == kind)
        if kiosk_id is not None:
            conditions.append(EventRow.kiosk_id == kiosk_id)
        if since is not None:
            conditions.append(EventRow.at >= since)
        if until is not None:
            conditions.append(EventRow.at < until)
        with self._read() as s:
            total = s.scalar(sa.select(sa.func.count()).select_from(EventRow).where(*conditions))
            rows = s.scalars(
                sa.select(EventRow)
                .where(*conditions)
                .order_by(EventRow.at.desc(), EventRow.id.desc())
                .limit(limit)
                .offset(offset)
            )
            items = tuple(
                StoredEvent(r.id, r.event_id, r.kiosk_id, r.at, r.kind, dict(r.body), r.received_at)
                for r in rows
            )
            return Page(items, total or 0, limit, offset)

    def count(self, kiosk_id: int | None = None) -> int:
        """How many events are stored (for one PC, or all)."""
        with self._read() as s:
            query = sa.select(sa.func.count()).select_from(EventRow)
            if kiosk_id is not None:
                query = query.where(EventRow.kiosk_id == kiosk_id)
            return s.scalar(query) or 0


class CommandRepository(_Repository):
    """Commands sent to kiosks and their results."""

    def add(
        self,
        command_id: str,
        kiosk_id: int,
        action: str,
        parameters: dict[str, Any],
        *,
        by: str,
        now: dt.datetime,
    ) -> CommandRecord:
        """Record a command before it is sent."""
        with self._write() as s:
            row = CommandRow(
                command_id=command_id,
                kiosk_id=kiosk_id,
                action=action,
                parameters=parameters,
                by=by,
                created_at=now,
                sent_at=None,
                ok=None,
                code=None,
                message=None,
                answered_at=None,
            )
            s.add(row)
            s.flush()
            return _command(row)

    def sent(self, command_id: str, now: dt.datetime) -> None:
        """The command went out on the kiosk's WebSocket."""
        with self._write() as s:
            s.execute(
                sa.update(CommandRow).where(CommandRow.command_id == command_id).values(sent_at=now)
            )

    def answer(
        self,
        command_id: str,
        kiosk_id: int,
        *,
        ok: bool,
        code: str | None,
        message: str,
        now: dt.datetime,
    ) -> CommandRecord | None:
        """Keep the kiosk's result; None if no such command was sent to this kiosk."""
        with self._write() as s:
            row = s.scalars(
                sa.select(CommandRow)
                .where(CommandRow.command_id == command_id)
                .where(CommandRow.kiosk_id == kiosk_id)
            ).first()
            if row is None:
                return None
            if row.answered_at is None:
                row.ok, row.code, row.message, row.answered_at = ok, code, message, now
            return _command(row)

    def get(self, command_id: str) -> CommandRecord | None:
        """A command by its id."""
        with self._read() as s:
            query = sa.select(CommandRow).where(CommandRow.command_id == command_id)
            row = s.scalars(query).first()
            return None if row is None else _command(row)


class AuditRepository(_Repository):
    """The audit log of staff actions."""

    def add(
        self,
        who: str,
        action: str,
        now: dt.datetime,
        kiosk_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Write one line."""
        with self._write() as s:
            s.add(AuditRow(at=now, who=who, action=action, kiosk_id=kiosk_id, detail=detail[:500]))

    def page(
        self,
        *,
        who: str | None = None,
        action: str | None = None,
        kiosk_id: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page[AuditEntry]:
        """Lines, newest first."""
        conditions: list[sa.ColumnElement[bool]] = []
        if who is not None:
            conditions.append(AuditRow.who == who)
        if action is not None:
            conditions.append(AuditRow.action == action)
        if kiosk_id is not None:
            conditions.append(AuditRow.kiosk_id == kiosk_id)
        with self._read() as s:
            total = s.scalar(sa.select(sa.func.count()).select_from(AuditRow).where(*conditions))
            rows = s.scalars(
                sa.select(AuditRow)
                .where(*conditions)
                .order_by(AuditRow.id.desc())
                .limit(limit)
                .offset(offset)
            )
            items = tuple(
                AuditEntry(r.id, r.at, r.who, r.action, r.kiosk_id, r.detail) for r in rows
            )
            return Page(items, total or 0, limit, offset)


# -- tickets, members, help --------------------------------------------------------------


@dataclass(frozen=True)
class Ticket:
    """A ticket as staff see it: never its code."""

    id: int
    ref: str
    minutes: int
    free_pages: int
    valid_until: dt.datetime
    created_at: dt.datetime
    made_by: str
    used_at: dt.datetime | None
    used_kiosk_id: int | None

    def state(self, now: dt.datetime) -> str:
        """``used``, ``expired`` or ``unused`` at ``now``."""
        if self.used_at is not None:
            return "used"
        return "expired" if self.valid_until <= now else "unused"


@dataclass(frozen=True)
class NewTicket:
    """A ticket to store: its public reference and the digest of its code."""

    ref: str
    code_sha256: str
    minutes: int
    free_pages: int
    valid_until: dt.datetime


@dataclass(frozen=True)
class Member:
    """A member, without the PIN hash."""

    id: int
    card: str
    daily_allowance_minutes: int | None
    nickname: str | None
    banned_until: dt.date | None
    ban_reason: str | None
    pin_locked_until: dt.datetime | None
    created_at: dt.datetime


@dataclass(frozen=True)
class MemberCredentials:
    """A member with the PIN hash (for the PIN check only)."""

    member: Member
    pin_hash: str


@dataclass(frozen=True)
class HelpCall:
    """A call for help and what became of it."""

    id: int
    kiosk_id: int
    kiosk_name: str
    requested_at: dt.datetime
    taken_at: dt.datetime | None
    taken_by: str | None
    done_at: dt.datetime | None
    done_by: str | None
    accompanied_seconds: int | None


def _ticket(row: TicketRow) -> Ticket:
    return Ticket(
        row.id,
        row.ref,
        row.minutes,
        row.free_pages,
        row.valid_until,
        row.created_at,
        row.made_by,
        row.used_at,
        row.used_kiosk_id,
    )


def _member(row: MemberRow) -> Member:
    return Member(
        row.id,
        row.card,
        row.daily_allowance_minutes,
        row.nickname,
        row.banned_until,
        row.ban_reason,
        row.pin_locked_until,
        row.created_at,
    )


def _help(row: HelpCallRow, kiosk_name: str) -> HelpCall:
    return HelpCall(
        row.id,
        row.kiosk_id,
        kiosk_name,
        row.requested_at,
        row.taken_at,
        row.taken_by,
        row.done_at,
        row.done_by,
        row.accompanied_seconds,
    )


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class TicketRepository(_Repository):
    """Single-use tickets (their codes only as digests)."""

    def add_batch(
        self, tickets: Sequence[NewTicket], made_by: str, now: dt.datetime
    ) -> list[Ticket]:
        """Store a batch in one transaction; :class:`Conflict` if a code or reference is
        already taken (the caller draws new ones)."""
        try:
            with self._write() as s:
                rows = [
                    TicketRow(
                        ref=t.ref,
                        code_sha256=t.code_sha256,
                        minutes=t.minutes,
                        free_pages=t.free_pages,
                        valid_until=t.valid_until,
                        created_at=now,
                        made_by=made_by,
                        used_at=None,
                        used_kiosk_id=None,
                    )
                    for t in tickets
                ]
                s.add_all(rows)
                s.flush()
                return [_ticket(r) for r in rows]
        except IntegrityError as exc:
            raise Conflict("a ticket code was drawn twice; try again") from exc

    def redeem(self, code_sha256: str, kiosk_id: int, now: dt.datetime) -> Ticket:
        """Use a ticket, once across every PC.

        The guarded update is the first statement, so two PCs racing on one code are
        serialised by the database and exactly one changes the row. :class:`NotFound` for an
        unknown code, :class:`Conflict` when already used, :class:`Gone` when expired.
        """
        with self._write() as s:
            used = s.execute(
                sa.update(TicketRow)
                .where(TicketRow.code_sha256 == code_sha256)
                .where(TicketRow.used_at.is_(None))
                .where(TicketRow.valid_until > now)
                .values(used_at=now, used_kiosk_id=kiosk_id)
            )
            row = s.scalars(
                sa.select(TicketRow).where(TicketRow.code_sha256 == code_sha256)
            ).first()
            if row is None:
                raise NotFound("unknown ticket code")
            if _rowcount(used) == 1:
                return _ticket(row)
            if row.used_at is not None:
                raise Conflict("this ticket was already used")
            raise Gone(f"this ticket expired on {row.valid_until:%Y-%m-%d %H:%M} UTC")

    def mark_used(self, ref: str, kiosk_id: int, at: dt.datetime) -> bool:
        """A PC reports a session on this ticket (checked offline): mark it used if it was
        not. True if this changed it."""
        with self._write() as s:
            done = s.execute(
                sa.update(TicketRow)
                .where(TicketRow.ref == ref)
                .where(TicketRow.used_at.is_(None))
                .values(used_at=at, used_kiosk_id=kiosk_id)
            )
            return _rowcount(done) == 1

    def all(self) -> list[Ticket]:
        """Every ticket, newest first."""
        with self._read() as s:
            rows = s.scalars(sa.select(TicketRow).order_by(TicketRow.id.desc()))
            return [_ticket(r) for r in rows]


class MemberRepository(_Repository):
    """Members: card numbers and PIN hashes, allowances, bans, wrong-PIN counts."""

    def add(
        self,
        card: str,
        pin_hash: str,
        daily_allowance_minutes: int | None,
        nickname: str | None,
        now: dt.datetime,
    ) -> Member:
        """Create a member; :class:`Conflict` if the card number is taken."""
        try:
            with self._write() as s:
                row = MemberRow(
                    card=card,
                    pin_hash=pin_hash,
                    daily_allowance_minutes=daily_allowance_minutes,
                    nickname=nickname,
                    banned_until=None,
                    ban_reason=None,
                    failed_pins=0,
                    pin_locked_until=None,
                    created_at=now,
                )
                s.add(row)
                s.flush()
                return _member(row)
        except IntegrityError as exc:
            raise Conflict(f"the card {card!r} is already a member's") from exc

    def all(self) -> list[Member]:
        """Every member, by card number."""
        with self._read() as s:
            return [_member(r) for r in s.scalars(sa.select(MemberRow).order_by(MemberRow.card))]

    def get(self, card: str) -> Member | None:
        """A member by card number."""
        with self._read() as s:
            row = s.scalars(sa.select(MemberRow).where(MemberRow.card == card)).first()
            return None if row is None else _member(row)

    def credentials(self, card: str) -> MemberCredentials | None:
        """A member with the PIN hash."""
        with self._read() as s:
            row = s.scalars(sa.select(MemberRow).where(MemberRow.card == card)).first()
            return None if row is None else MemberCredentials(_member(row), row.pin_hash)

    def update(self, card: str, **values: Any) -> Member:
        """Change some of: daily_allowance_minutes, nickname, pin_hash, banned_until,
        ban_reason. A new PIN also clears the wrong-PIN count and lock."""
        allowed = {"daily_allowance_minutes", "nickname", "pin_hash", "banned_until", "ban_reason"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"not a member field: {', '.join(sorted(unknown))}")
        with self._write() as s:
            row = s.scalars(
                sa.select(MemberRow).where(MemberRow.card == card).with_for_update()
            ).first()
            if row is None:
                raise NotFound(f"no member with card {card}")
            for name, value in values.items():
                setattr(row, name, value)
            if "pin_hash" in values:
                row.failed_pins, row.pin_locked_until = 0, None
            s.flush()
            return _member(row)

    def record_pin_failure(
        self, card: str, now: dt.datetime, limit: int, lock_for: dt.timedelta
    ) -> dt.datetime | None:
        """Count a wrong PIN; at ``limit`` in a row, refuse the card for ``lock_for``.
        Returns the lock's end if this failure locked it."""
        with self._write() as s:
            row = s.scalars(
                sa.select(MemberRow).where(MemberRow.card == card).with_for_update()
            ).first()
            if row is None:
                return None
            row.failed_pins += 1
            if row.failed_pins >= limit:
                row.failed_pins = 0
                row.pin_locked_until = now + lock_for
                return row.pin_locked_until
            return None

    def record_pin_success(self, card: str) -> None:
        """A right PIN clears the count."""
        with self._write() as s:
            s.execute(
                sa.update(MemberRow)
                .where(MemberRow.card == card)
                .values(failed_pins=0, pin_locked_until=None)
            )

    def seconds_used(self, card: str, since: dt.datetime, now: dt.datetime) -> int:
        """Seconds of the member's sessions that started since ``since``, on every PC: the
        ``seconds_used`` of ended sessions, the time so far of running ones."""
        with self._read() as s:
            started = s.execute(
                sa.select(EventRow.body, EventRow.at)
                .where(EventRow.kind == "session_started")
                .where(EventRow.at >= since)
            ).all()
            mine = {
                str(body.get("session_id")): at
                for body, at in started
                if body.get("member_card") == card
            }
            if not mine:
                return 0
            ended = s.scalars(
                sa.select(EventRow.body)
                .where(EventRow.kind == "session_ended")
                .where(EventRow.at >= since)
            ).all()
        used: dict[str, int] = {}
        for body in ended:
            session_id = str(body.get("session_id"))
            if session_id in mine:
                used[session_id] = int(body.get("seconds_used", 0))
        total = 0
        for session_id, at in mine.items():
            if session_id in used:
                total += used[session_id]
            else:
                total += max(0, int((now - at).total_seconds()))
        return total


class HelpRepository(_Repository):
    """The help queue: calls opened by kiosks, taken and closed by animators."""

    def open(self, kiosk_id: int, at: dt.datetime, event_id: str | None = None) -> bool:
        """Put the PC in the queue unless it is already there (or this event was seen).
        True if a call was opened."""
        try:
            with self._write() as s:
                waiting = s.scalars(
                    sa.select(HelpCallRow.id)
                    .where(HelpCallRow.kiosk_id == kiosk_id)
                    .where(HelpCallRow.done_at.is_(None))
                ).first()
                if waiting is not None:
                    return False
                s.add(HelpCallRow(kiosk_id=kiosk_id, event_id=event_id, requested_at=at))
                return True
        except IntegrityError:
            return False  # the same help_requested event, sent again

    def open_calls(self) -> list[HelpCall]:
        """Calls not done yet, oldest first."""
        with self._read() as s:
            rows = s.execute(
                sa.select(HelpCallRow, KioskRow.name)
                .join(KioskRow, KioskRow.id == HelpCallRow.kiosk_id)
                .where(HelpCallRow.done_at.is_(None))
                .order_by(HelpCallRow.requested_at, HelpCallRow.id)
            ).all()
            return [_help(row, name) for row, name in rows]

    def _open_call(self, s: Session, kiosk_id: int) -> tuple[HelpCallRow, str]:
        found = s.execute(
            sa.select(HelpCallRow, KioskRow.name)
            .join(KioskRow, KioskRow.id == HelpCallRow.kiosk_id)
            .where(HelpCallRow.kiosk_id == kiosk_id)
            .where(HelpCallRow.done_at.is_(None))
            .order_by(HelpCallRow.id)
        ).first()
        if found is None:
            raise NotFound(f"PC {kiosk_id} is not waiting for help")
        return found[0], found[1]

    def take(self, kiosk_id: int, who: str, now: dt.datetime) -> HelpCall:
        """An animator goes to the PC; :class:`Conflict` if someone already did."""
        with self._write() as s:
            row, name = self._open_call(s, kiosk_id)
            taken = s.execute(
                sa.update(HelpCallRow)
                .where(HelpCallRow.id == row.id)
                .where(HelpCallRow.taken_at.is_(None))
                .values(taken_at=now, taken_by=who)
            )
            if _rowcount(taken) != 1:
                s.refresh(row)
                raise Conflict(f"{row.taken_by} already took the call of PC {kiosk_id}")
            s.refresh(row)
            return _help(row, name)

    def done(self, kiosk_id: int, who: str, now: dt.datetime) -> HelpCall:
        """The visitor was helped: close the call with the accompanied time (done - taken)."""
        with self._write() as s:
            row, name = self._open_call(s, kiosk_id)
            if row.taken_at is None:
                raise Conflict(f"the call of PC {kiosk_id} was not taken: take it first")
            row.done_at, row.done_by = now, who
            row.accompanied_seconds = max(0, int((now - row.taken_at).total_seconds()))
            s.flush()
            return _help(row, name)

    def cancel_waiting(self, kiosk_id: int, now: dt.datetime) -> int:
        """The PC no longer asks for help and nobody took the call: close it unhelped."""
        with self._write() as s:
            done = s.execute(
                sa.update(HelpCallRow)
                .where(HelpCallRow.kiosk_id == kiosk_id)
                .where(HelpCallRow.done_at.is_(None))
                .where(HelpCallRow.taken_at.is_(None))
                .values(done_at=now)
            )
            return _rowcount(done)


@dataclass(frozen=True)
class Repositories:
    """Every repository over one engine (built once, in the composition root)."""

    staff: StaffRepository
    tokens: TokenRepository
    kiosks: KioskRepository
    events: EventRepository
    commands: CommandRepository
    audit: AuditRepository
    tickets: TicketRepository
    members: MemberRepository
    help: HelpRepository

    @classmethod
    def on(cls, engine: sa.Engine) -> Repositories:
        """Repositories sharing one session factory on ``engine``."""
        sessions = sessionmaker(engine, expire_on_commit=False)
        return cls(
            StaffRepository(sessions),
            TokenRepository(sessions),
            KioskRepository(sessions),
            EventRepository(sessions),
            CommandRepository(sessions),
            AuditRepository(sessions),
            TicketRepository(sessions),
            MemberRepository(sessions),
            HelpRepository(sessions),
        )
