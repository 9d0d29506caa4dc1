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
    PolicyVersionRow,
    SessionRow,
    StaffRow,
    TicketRow,
    WorkshopRow,
)
from admin_console.server.errors import (
    Conflict,
    Gone,
    NotFound,
    PairingRefused,
    StorageError,
)
from epn_shared.database import UtcDateTime
from epn_shared.ticket_codes import stored_digest

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
    out_of_order_reason: str | None = None
    out_of_order_at: dt.datetime | None = None
    policy_version: str | None = None

    @property
    def out_of_order(self) -> bool:
        """Staff marked this PC out of order."""
        return self.out_of_order_reason is not None


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
    return Kiosk(
        row.id,
        row.name,
        row.location,
        row.created_at,
        row.revoked_at,
        row.last_seen_at,
        row.out_of_order_reason,
        row.out_of_order_at,
        row.policy_version,
    )


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

    def set_out_of_order(self, kiosk_id: int, reason: str | None, now: dt.datetime) -> Kiosk:
        """Mark the PC out of order with a reason, or (``None``) back in order."""
        with self._write() as s:
            row = s.get(KioskRow, kiosk_id)
            if row is None:
                raise NotFound(f"no PC with id {kiosk_id}")
            row.out_of_order_reason = reason
            row.out_of_order_at = None if reason is None else now
            return _kiosk(row)

    def set_policy_version(self, kiosk_id: int, policy_version: str | None) -> Kiosk | None:
        """The policy the PC now runs (None: it did not say)."""
        with self._write() as s:
            row = s.get(KioskRow, kiosk_id)
            if row is None:
                return None
            row.policy_version = policy_version
            return _kiosk(row)


class EventRepository(_Repository):
    """Events from kiosks, each id stored once.

    ``ticket_key`` keys the digest of a code a PC let in offline before it is looked up:
    tickets are stored by :func:`stored_digest`, never by the plain SHA-256 a PC sends."""

    def __init__(self, sessions: sessionmaker[Session], ticket_key: bytes) -> None:
        super().__init__(sessions)
        self._ticket_key = ticket_key

    def add_once(
        self, kiosk_id: int, events: Sequence[NewEvent], now: dt.datetime
    ) -> list[NewEvent]:
        """Store these events; ids already stored are skipped (a resend is harmless).

        What the new ones mean for the sessions table and offline tickets is written in the
        same transaction, so each event counts exactly once. Returns the events that were new.
        """
        new: list[NewEvent] = []
        with self._write() as s:
            dialect = s.get_bind().dialect.name
            for e in events:
                row = {
                    "event_id": e.event_id,
                    "kiosk_id": kiosk_id,
                    "at": e.at,
                    "kind": e.kind,
                    "body": e.body,
                    "received_at": now,
                }
                if dialect == "postgresql":
                    insert: Any = postgresql.insert(EventRow)
                elif dialect == "sqlite":
                    insert = sqlite.insert(EventRow)
                else:  # pragma: no cover - only SQLite and PostgreSQL are supported
                    raise StorageError(f"unsupported database {dialect}")
                # RETURNING says whether the row went in (an ORM bulk insert has no rowcount).
                statement = insert.on_conflict_do_nothing(index_elements=["event_id"])
                stored = s.connection().execute(statement.returning(EventRow.id), row)
                if stored.first() is not None:
                    new.append(e)
            for e in new:
                _fold_event(s, kiosk_id, e, now, self._ticket_key)
        return new

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

    def unanswered(self, kiosk_id: int, action: str, limit: int = 20) -> list[CommandRecord]:
        """This PC's commands of ``action`` it has not answered yet (offline when they were
        made, or gone before answering), oldest first; at most the last ``limit``."""
        with self._read() as s:
            rows = s.scalars(
                sa.select(CommandRow)
                .where(CommandRow.kiosk_id == kiosk_id)
                .where(CommandRow.action == action)
                .where(CommandRow.answered_at.is_(None))
                .order_by(CommandRow.id.desc())
                .limit(limit)
            ).all()
            return [_command(r) for r in reversed(rows)]

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
class PinTry:
    """A member's PIN try, counted (or not: the card is refused until ``locked_until``, or
    unknown); a counted try with ``locked_until`` set refuses the card if it was wrong."""

    counted: bool
    locked_until: dt.datetime | None


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
    reason: str | None = None
    """None: the visitor asked; ``ticket_forged``: the console calls staff to this PC."""


TICKET_FORGED = "ticket_forged"
"""The help call (and audit action) for a PC that let in a code the console never issued."""


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
        row.reason,
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

    def taken(self, code_digests: set[str]) -> set[str]:
        """Which of these code digests are already stored."""
        if not code_digests:
            return set()
        with self._read() as s:
            found = s.scalars(
                sa.select(TicketRow.code_sha256).where(TicketRow.code_sha256.in_(code_digests))
            )
            return set(found)

    def redeem(self, code_sha256: str, kiosk_id: int, now: dt.datetime) -> Ticket:
        """Use a ticket, once across every PC.

        The guarded update is the first statement, so two PCs racing on one code are
        serialised by the database and exactly one changes the row; the audit line
        (``ticket_redeemed``, who: ``kiosk <name>``) is written in the same transaction.
        :class:`NotFound` for an unknown code, :class:`Conflict` when already used,
        :class:`Gone` when expired.
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
                kiosk = s.get(KioskRow, kiosk_id)
                name = kiosk.name if kiosk else str(kiosk_id)
                s.add(
                    AuditRow(
                        at=now,
                        who=f"kiosk {name}",
                        action="ticket_redeemed",
                        kiosk_id=kiosk_id,
                        detail=f"ticket {row.ref}: {row.minutes} min, redeemed online",
                    )
                )
                return _ticket(row)
            if row.used_at is not None:
                raise Conflict("this ticket was already used")
            raise Gone(f"this ticket expired on {row.valid_until:%Y-%m-%d %H:%M} UTC")

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

    def reserve_pin_try(
        self, card: str, now: dt.datetime, limit: int, lock_for: dt.timedelta
    ) -> PinTry:
        """Count a PIN try as wrong *before* the PIN is checked, in one statement, so that
        parallel tries are counted one after the other: at ``limit`` in a row the card is
        refused for ``lock_for`` (by this try). Nothing is counted while the card is
        refused; :meth:`record_pin_success` takes the count back when the PIN was right."""
        reaches = MemberRow.failed_pins + 1 >= limit
        locks_at = sa.literal(now + lock_for, UtcDateTime())
        with self._write() as s:
            done = s.execute(
                sa.update(MemberRow)
                .where(MemberRow.card == card)
                .where(
                    sa.or_(MemberRow.pin_locked_until.is_(None), MemberRow.pin_locked_until <= now)
                )
                .values(
                    failed_pins=sa.case((reaches, 0), else_=MemberRow.failed_pins + 1),
                    pin_locked_until=sa.case((reaches, locks_at), else_=sa.null()),
                )
                .returning(MemberRow.pin_locked_until)
                .execution_options(synchronize_session=False)
            ).first()
            if done is not None:
                return PinTry(counted=True, locked_until=done.pin_locked_until)
            locked = s.scalar(sa.select(MemberRow.pin_locked_until).where(MemberRow.card == card))
            return PinTry(counted=False, locked_until=locked)

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

    def pages_printed(self, card: str, since: dt.datetime) -> int:
        """Pages the member printed since ``since``, on every PC (released print jobs of
        the member's sessions)."""
        with self._read() as s:
            started = s.scalars(
                sa.select(EventRow.body)
                .where(EventRow.kind == "session_started")
                .where(EventRow.at >= since)
            ).all()
            mine = {str(b.get("session_id")) for b in started if b.get("member_card") == card}
            if not mine:
                return 0
            jobs = s.scalars(
                sa.select(EventRow.body)
                .where(EventRow.kind == "print_job")
                .where(EventRow.at >= since)
            ).all()
        printed = sum(
            _PRINTED_SIGN.get(str(body.get("outcome")), 0) * int(body.get("pages", 0))
            for body in jobs
            if str(body.get("session_id")) in mine
        )
        return max(0, printed)


HELP_STATUS_SLACK = dt.timedelta(minutes=5)
"""How far apart a status's call (the console's clock) and its ``help_requested`` event (the
PC's clock) may be to be one press: the PC sends both at once; its clock may be a bit off."""


class HelpRepository(_Repository):
    """The help queue: calls opened by kiosks, taken and closed by animators."""

    def open(self, kiosk_id: int, at: dt.datetime, event_id: str | None = None) -> bool:
        """Put the PC in the queue unless it is already there (or this event was seen).
        True if a call was opened.

        One press of the help button reaches the console twice: in the PC's status (no
        ``event_id``, it opens the call at once) and as its ``help_requested`` event, in
        either order, either perhaps after staff already closed the call. The event takes
        over the oldest call a status opened around the press (within
        :data:`HELP_STATUS_SLACK` of the event's time) that no event has claimed yet, open
        or closed, rather than opening a second one; its id then keeps a resent event out.
        A status opens no call when an event's call of that moment was already closed: it
        is that press's, late; and if it was a new press, its event opens the call."""
        try:
            with self._write() as s:
                if event_id is not None:
                    seen = s.scalars(
                        sa.select(HelpCallRow.id).where(HelpCallRow.event_id == event_id)
                    ).first()
                    if seen is not None:
                        return False
                    unclaimed = s.scalars(
                        sa.select(HelpCallRow)
                        .where(HelpCallRow.kiosk_id == kiosk_id)
                        .where(HelpCallRow.event_id.is_(None))
                        .where(HelpCallRow.reason.is_(None))
                        .where(HelpCallRow.requested_at >= at - HELP_STATUS_SLACK)
                        .where(HelpCallRow.requested_at <= at + HELP_STATUS_SLACK)
                        .order_by(HelpCallRow.id)
                    ).first()
                    if unclaimed is not None:
                        unclaimed.event_id = event_id
                        return False
                waiting = s.scalars(
                    sa.select(HelpCallRow.id)
                    .where(HelpCallRow.kiosk_id == kiosk_id)
                    .where(HelpCallRow.done_at.is_(None))
                    .where(HelpCallRow.reason.is_(None))
                ).first()
                if waiting is not None:
                    return False
                if event_id is None:
                    answered = s.scalars(
                        sa.select(HelpCallRow.id)
                        .where(HelpCallRow.kiosk_id == kiosk_id)
                        .where(HelpCallRow.event_id.is_not(None))
                        .where(HelpCallRow.reason.is_(None))
                        .where(HelpCallRow.done_at.is_not(None))
                        .where(HelpCallRow.requested_at >= at - HELP_STATUS_SLACK)
                        .where(HelpCallRow.requested_at <= at + HELP_STATUS_SLACK)
                    ).first()
                    if answered is not None:
                        return False  # a late status of the press that call is for
                s.add(HelpCallRow(kiosk_id=kiosk_id, event_id=event_id, requested_at=at))
                s.flush()
                _recount_help_at(s, kiosk_id, at)
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
            _recount_help_at(s, kiosk_id, row.requested_at)
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
            _recount_help_at(s, kiosk_id, row.requested_at)
            return _help(row, name)

    def cancel(self, kiosk_id: int, now: dt.datetime) -> HelpCall:
        """Staff close the PC's call without helping (the visitor left, or asked by
        mistake): no accompanied time. :class:`NotFound` if the PC is not waiting."""
        with self._write() as s:
            row, name = self._open_call(s, kiosk_id)
            row.done_at = now
            s.flush()
            _recount_help_at(s, kiosk_id, row.requested_at)
            return _help(row, name)

    def cancel_waiting(self, kiosk_id: int, now: dt.datetime) -> int:
        """The PC no longer asks for help and nobody took the call: close it unhelped."""
        with self._write() as s:
            done = s.execute(
                sa.update(HelpCallRow)
                .where(HelpCallRow.kiosk_id == kiosk_id)
                .where(HelpCallRow.done_at.is_(None))
                .where(HelpCallRow.taken_at.is_(None))
                # The console's own calls stay until staff have looked.
                .where(HelpCallRow.reason.is_(None))
                .values(done_at=now)
            )
            return _rowcount(done)

    def between(self, start: dt.datetime, end: dt.datetime) -> list[HelpCall]:
        """Visitors' calls made from ``start`` (inclusive) to ``end`` (exclusive), oldest
        first (not the console's own calls: they are not visitor help)."""
        with self._read() as s:
            rows = s.execute(
                sa.select(HelpCallRow, KioskRow.name)
                .join(KioskRow, KioskRow.id == HelpCallRow.kiosk_id)
                .where(HelpCallRow.reason.is_(None))
                .where(HelpCallRow.requested_at >= start)
                .where(HelpCallRow.requested_at < end)
                .order_by(HelpCallRow.requested_at, HelpCallRow.id)
            ).all()
            return [_help(row, name) for row, name in rows]


# -- sessions, folded from events ----------------------------------------------------------


@dataclass(frozen=True)
class SessionFacts:
    """One visitor session as the usage review sees it (anonymous)."""

    session_id: str
    kiosk_id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    login: str | None
    language: str | None
    granted_seconds: int | None
    seconds_used: int | None
    extended_seconds: int
    offline: bool
    workshop_id: str | None
    pages: int
    sheets: int
    cost_cents: int
    helped: bool
    help_calls: int
    accompanied_seconds: int


def _session_facts(row: SessionRow) -> SessionFacts:
    assert row.started_at is not None
    return SessionFacts(
        row.session_id,
        row.kiosk_id,
        row.started_at,
        row.ended_at,
        row.login,
        row.language,
        row.granted_seconds,
        row.seconds_used,
        row.extended_seconds,
        row.offline,
        row.workshop_id,
        row.pages,
        row.sheets,
        row.cost_cents,
        row.helped,
        row.help_calls,
        row.accompanied_seconds,
    )


_PRINTED_SIGN = {"released": 1, "not_printed": -1}
"""How a ``print_job`` outcome moves a session's printed pages and money: a release counts,
a release taken back (the job went back on hold before printing) uncounts."""

_MAX_STORED_COUNT = 2**31 - 1
"""The largest count a session row holds (PostgreSQL's ``integer``)."""


def _stored_count(value: int) -> int:
    """A session's pages, sheets or money as stored: never below nothing (a release taken
    back whose release never reached the console), and never past the column, however many
    jobs of the largest size one PC token reports for one session."""
    return max(0, min(value, _MAX_STORED_COUNT))


def _session_row(s: Session, kiosk_id: int, session_id: str) -> SessionRow | None:
    row = s.scalars(sa.select(SessionRow).where(SessionRow.session_id == session_id)).first()
    if row is None:
        row = SessionRow(
            session_id=session_id,
            kiosk_id=kiosk_id,
            extended_seconds=0,
            offline=False,
            pages=0,
            sheets=0,
            cost_cents=0,
            helped=False,
            help_calls=0,
            accompanied_seconds=0,
        )
        s.add(row)
        s.flush()
    # A PC only ever reports its own sessions; another PC's id is not its to change.
    return row if row.kiosk_id == kiosk_id else None


def _session_at(s: Session, kiosk_id: int, at: dt.datetime) -> SessionRow | None:
    return s.scalars(
        sa.select(SessionRow)
        .where(SessionRow.kiosk_id == kiosk_id)
        .where(SessionRow.started_at <= at)
        .where(sa.or_(SessionRow.ended_at.is_(None), SessionRow.ended_at >= at))
        .order_by(SessionRow.started_at.desc())
    ).first()


def _count_help(s: Session, row: SessionRow) -> None:
    if row.started_at is None:
        return
    query = (
        sa.select(HelpCallRow)
        .where(HelpCallRow.kiosk_id == row.kiosk_id)
        .where(HelpCallRow.reason.is_(None))
        .where(HelpCallRow.requested_at >= row.started_at)
    )
    if row.ended_at is not None:
        query = query.where(HelpCallRow.requested_at <= row.ended_at)
    calls = list(s.scalars(query))
    row.help_calls = len(calls)
    row.helped = any(c.taken_at is not None for c in calls)
    row.accompanied_seconds = sum(c.accompanied_seconds or 0 for c in calls)


def _recount_help_at(s: Session, kiosk_id: int, at: dt.datetime) -> None:
    row = _session_at(s, kiosk_id, at)
    if row is not None:
        _count_help(s, row)


def _use_offline_ticket(
    s: Session, kiosk_id: int, e: NewEvent, now: dt.datetime, ticket_key: bytes
) -> None:
    """A PC let a code in while the console was away (``ticket_digest``): mark the ticket
    used, audit a second use elsewhere, and call staff to a PC that let in a code this
    console never issued. Each line is written once: this runs for new events only."""
    code_sha256 = stored_digest(ticket_key, str(e.body.get("ticket_digest")))
    at = e.at
    kiosk = s.get(KioskRow, kiosk_id)
    name = kiosk.name if kiosk else str(kiosk_id)
    who = f"kiosk {name}"
    used = s.execute(
        sa.update(TicketRow)
        .where(TicketRow.code_sha256 == code_sha256)
        .where(TicketRow.used_at.is_(None))
        .values(used_at=at, used_kiosk_id=kiosk_id)
    )
    ticket = s.scalars(sa.select(TicketRow).where(TicketRow.code_sha256 == code_sha256)).first()
    when = f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    if ticket is None:
        # Forged: a guess that matched the key's check digits, or the key itself taken from
        # a PC. The session is over or running; someone should go and look.
        detail = (
            f"a ticket code this console never issued was accepted offline at {when} "
            f"on {name} ({e.body.get('seconds')} s)"
        )
        s.add(AuditRow(at=now, who=who, action=TICKET_FORGED, kiosk_id=kiosk_id, detail=detail))
        s.add(
            HelpCallRow(
                kiosk_id=kiosk_id, event_id=e.event_id, requested_at=now, reason=TICKET_FORGED
            )
        )
        return
    if _rowcount(used) == 1:
        detail = f"ticket {ticket.ref}: {ticket.minutes} min, used offline at {when}"
        s.add(
            AuditRow(
                at=now, who=who, action="ticket_used_offline", kiosk_id=kiosk_id, detail=detail
            )
        )
        return
    if ticket.used_at is None:
        return  # cannot happen: the update above would have marked it
    first = s.get(KioskRow, ticket.used_kiosk_id) if ticket.used_kiosk_id else None
    detail = (
        f"ticket {ticket.ref}: first used at {ticket.used_at:%Y-%m-%d %H:%M} UTC on "
        f"{first.name if first else '?'}, again at {when} on {name} (kept the first use)"
    )
    s.add(AuditRow(at=now, who=who, action="ticket_used_twice", kiosk_id=kiosk_id, detail=detail))


def _fold_event(
    s: Session, kiosk_id: int, e: NewEvent, now: dt.datetime, ticket_key: bytes
) -> None:
    body = e.body
    if e.kind == "session_started":
        row = _session_row(s, kiosk_id, str(body.get("session_id")))
        if row is None:
            return
        row.started_at = e.at
        row.login = body.get("login")
        row.language = body.get("language")
        row.rules_version = body.get("rules_version")
        row.granted_seconds = body.get("seconds")
        row.offline = bool(body.get("offline"))
        row.workshop_id = body.get("workshop_id")
        # Only a code's digest spends a ticket; a reference (public, printed on the sheet)
        # reported by a PC marks nothing.
        if body.get("ticket_digest"):
            _use_offline_ticket(s, kiosk_id, e, now, ticket_key)
        _count_help(s, row)
    elif e.kind == "session_ended":
        row = _session_row(s, kiosk_id, str(body.get("session_id")))
        if row is None:
            return
        row.ended_at = e.at
        row.seconds_used = body.get("seconds_used")
        row.extended_seconds = int(body.get("extended_seconds") or 0)
        row.end_reason = body.get("reason")
        _count_help(s, row)
    elif e.kind == "print_job" and str(body.get("outcome")) in _PRINTED_SIGN:
        sign = _PRINTED_SIGN[str(body.get("outcome"))]
        session_id = body.get("session_id")
        found = (
            _session_row(s, kiosk_id, str(session_id))
            if session_id
            else _session_at(s, kiosk_id, e.at)
        )
        if found is None:
            return
        found.pages = _stored_count(found.pages + sign * int(body.get("pages") or 0))
        found.sheets = _stored_count(found.sheets + sign * int(body.get("sheets") or 0))
        found.cost_cents = _stored_count(found.cost_cents + sign * int(body.get("cost_cents") or 0))


class SessionRepository(_Repository):
    """Visitor sessions folded from events (written by :meth:`EventRepository.add_once`)."""

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> list[SessionFacts]:
        """Sessions whose start is known, that started before ``end`` and had not ended
        before ``start`` (running ones included), by start time."""
        with self._read() as s:
            rows = s.scalars(
                sa.select(SessionRow)
                .where(SessionRow.started_at.is_not(None))
                .where(SessionRow.started_at < end)
                .where(sa.or_(SessionRow.ended_at.is_(None), SessionRow.ended_at >= start))
                .order_by(SessionRow.started_at, SessionRow.id)
            )
            return [_session_facts(r) for r in rows]

    def get(self, session_id: str) -> SessionFacts | None:
        """A session by the PC's id for it (None until its start is known)."""
        with self._read() as s:
            row = s.scalars(
                sa.select(SessionRow).where(SessionRow.session_id == session_id)
            ).first()
            return None if row is None or row.started_at is None else _session_facts(row)


# -- policy versions ------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyRecord:
    """One version of the kiosks' policy set at the console."""

    version: int
    data: dict[str, Any]
    policy_version: str
    changed_at: dt.datetime
    changed_by: str


def _policy(row: PolicyVersionRow) -> PolicyRecord:
    return PolicyRecord(
        row.version, dict(row.data), row.policy_version, row.changed_at, row.changed_by
    )


class PolicyRepository(_Repository):
    """The kiosks' policy, one row per version (the newest is in force)."""

    def current(self) -> PolicyRecord | None:
        """The newest version, if the policy was ever changed at the console."""
        with self._read() as s:
            row = s.scalars(
                sa.select(PolicyVersionRow).order_by(PolicyVersionRow.version.desc()).limit(1)
            ).first()
            return None if row is None else _policy(row)

    def add(
        self, data: dict[str, Any], policy_version: str, by: str, now: dt.datetime
    ) -> PolicyRecord:
        """Keep a new version (numbered after the newest); :class:`Conflict` if another
        change took that number first."""
        try:
            with self._write() as s:
                newest = s.scalar(sa.select(sa.func.max(PolicyVersionRow.version))) or 0
                row = PolicyVersionRow(
                    version=newest + 1,
                    data=data,
                    policy_version=policy_version,
                    changed_at=now,
                    changed_by=by,
                )
                s.add(row)
                s.flush()
                return _policy(row)
        except IntegrityError as exc:
            raise Conflict("the policy was changed at the same moment; try again") from exc

    def history(self) -> list[PolicyRecord]:
        """Every version, newest first."""
        with self._read() as s:
            rows = s.scalars(sa.select(PolicyVersionRow).order_by(PolicyVersionRow.version.desc()))
            return [_policy(r) for r in rows]


# -- workshops ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workshop:
    """A workshop and what each of its PCs answered."""

    id: int
    title: str
    minutes: int
    participants: int
    started_at: dt.datetime
    started_by: str
    kiosk_ids: tuple[int, ...]
    results: tuple[dict[str, Any], ...]


def _workshop(row: WorkshopRow) -> Workshop:
    return Workshop(
        row.id,
        row.title,
        row.minutes,
        row.participants,
        row.started_at,
        row.started_by,
        tuple(int(k) for k in row.kiosk_ids),
        tuple(dict(r) for r in row.results),
    )


class WorkshopRepository(_Repository):
    """Workshops run from the console."""

    def add(
        self,
        title: str,
        minutes: int,
        participants: int,
        kiosk_ids: Sequence[int],
        *,
        by: str,
        now: dt.datetime,
    ) -> Workshop:
        """Keep a new workshop (its results come later)."""
        with self._write() as s:
            row = WorkshopRow(
                title=title,
                minutes=minutes,
                participants=participants,
                started_at=now,
                started_by=by,
                kiosk_ids=list(kiosk_ids),
                results=[],
            )
            s.add(row)
            s.flush()
            return _workshop(row)

    def set_results(self, workshop_id: int, results: Sequence[dict[str, Any]]) -> Workshop:
        """What each PC answered to the workshop command."""
        with self._write() as s:
            row = s.get(WorkshopRow, workshop_id)
            if row is None:
                raise NotFound(f"no workshop {workshop_id}")
            row.results = list(results)
            s.flush()
            return _workshop(row)

    def between(self, start: dt.datetime, end: dt.datetime) -> list[Workshop]:
        """Workshops started from ``start`` (inclusive) to ``end`` (exclusive), oldest first."""
        with self._read() as s:
            rows = s.scalars(
                sa.select(WorkshopRow)
                .where(WorkshopRow.started_at >= start)
                .where(WorkshopRow.started_at < end)
                .order_by(WorkshopRow.started_at, WorkshopRow.id)
            )
            return [_workshop(r) for r in rows]


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
    sessions: SessionRepository
    policies: PolicyRepository
    workshops: WorkshopRepository

    @classmethod
    def on(cls, engine: sa.Engine, ticket_key: bytes) -> Repositories:
        """Repositories sharing one session factory on ``engine``; ``ticket_key`` keys the
        ticket digests PCs report (see :class:`EventRepository`)."""
        sessions = sessionmaker(engine, expire_on_commit=False)
        return cls(
            StaffRepository(sessions),
            TokenRepository(sessions),
            KioskRepository(sessions),
            EventRepository(sessions, ticket_key),
            CommandRepository(sessions),
            AuditRepository(sessions),
            TicketRepository(sessions),
            MemberRepository(sessions),
            HelpRepository(sessions),
            SessionRepository(sessions),
            PolicyRepository(sessions),
            WorkshopRepository(sessions),
        )
