"""The agent's local store: SQLite in WAL mode, SQLAlchemy 2 typed models, Alembic migrations.

Privacy by default: nothing here holds a name. Sessions are anonymous, tickets are kept as
a sha256 of their code, members as a card number and an argon2id PIN hash. Methods return
plain frozen dataclasses, never live ORM rows. Everything one engine change implies is
written by :meth:`Store.commit` in one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from kiosk.agent.credentials import new_ticket_code, ticket_digest
from kiosk.agent.errors import StoreError
from kiosk.core.codec import snapshot_from_data, snapshot_to_data
from kiosk.core.model import Snapshot

if TYPE_CHECKING:
    from alembic.config import Config

HEAD_REVISION = "0003"
"""The newest migration. A store already there is opened without loading Alembic (about
12 MB the always-running agent does not need); a test checks it is Alembic's head."""

MIGRATIONS = Path(__file__).parent / "migrations"


# -- schema ------------------------------------------------------------------------------


class UtcDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Aware datetimes stored as UTC (SQLite would otherwise drop the offset)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        """To the database: the same instant in UTC, without an offset."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store only keeps aware times")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> dt.datetime | None:
        """From the database: an aware UTC datetime."""
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the agent's tables."""


class SnapshotRow(Base):
    """The engine's current snapshot: one row, replaced at every change."""

    __tablename__ = "current_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[str] = mapped_column(sa.Text)
    boot_id: Mapped[str] = mapped_column(sa.String(64))
    saved_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    alive_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    # The id the console knows the running session by (random, never a visitor's).
    session_id: Mapped[str | None] = mapped_column(sa.String(64))


class OutboxRow(Base):
    """One event for the console, kept until the console acknowledged its id."""

    __tablename__ = "outbox"
    # AUTOINCREMENT: a sequence number is never reused, even after the newest row was
    # acknowledged and deleted, so "send everything after the last one sent" stays right.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 (SQLAlchemy's own form)
    seq: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    frame: Mapped[str] = mapped_column(sa.Text)
    sent_count: Mapped[int] = mapped_column(default=0)


class FinishedSessionRow(Base):
    """One finished session, anonymous."""

    __tablename__ = "finished_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    login_mode: Mapped[str] = mapped_column(sa.String(16))
    language: Mapped[str] = mapped_column(sa.String(8))
    rules_version: Mapped[str | None] = mapped_column(sa.String(64))
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    seconds_used: Mapped[int]
    end_reason: Mapped[str] = mapped_column(sa.String(16))
    extended_seconds: Mapped[int]
    help_requested: Mapped[bool]


class TicketRow(Base):
    """A single-use ticket; the code itself is never stored."""

    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    minutes: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class MemberRow(Base):
    """A member: a card number and a PIN hash, no name."""

    __tablename__ = "members"
    card: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(sa.String(200))
    daily_allowance_minutes: Mapped[int | None]
    banned_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    ban_reason: Mapped[str | None] = mapped_column(sa.String(200))


class MemberUsageRow(Base):
    """Seconds a member used on one day, all sessions together."""

    __tablename__ = "member_usage"
    card: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("members.card", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    seconds_used: Mapped[int]


class OfflineTicketRow(Base):
    """A ticket code this PC accepted while the console was unreachable (its SHA-256 only):
    the same code is refused here afterwards, whatever the console says later."""

    __tablename__ = "offline_tickets"
    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    used_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class KnownMemberRow(Base):
    """What this PC learnt of a member at their last online check, to let them in while
    the console is unreachable: the PIN's argon2id hash (made here), the ban, and the time
    left on that local day; ``used_seconds`` is what this PC used since, that day."""

    __tablename__ = "known_members"
    card: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(sa.String(200))
    daily_allowance_seconds: Mapped[int | None]
    remaining_seconds: Mapped[int | None]
    day: Mapped[dt.date]
    used_seconds: Mapped[int]
    banned_until: Mapped[dt.date | None]
    checked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """One staff action (or refused staff PIN) at this PC."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor_kind: Mapped[str] = mapped_column(sa.String(16))
    actor_name: Mapped[str] = mapped_column(sa.String(80))
    action: Mapped[str] = mapped_column(sa.String(40))
    detail: Mapped[str] = mapped_column(sa.String(400))


# -- values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredSnapshot:
    """The snapshot last saved, with the boot it was saved in."""

    snapshot: Snapshot
    boot_id: str
    saved_at: dt.datetime
    alive_at: dt.datetime  # last time the agent said it was running (for reboot records)
    session_id: str | None = None  # the running session's id at the console


@dataclass(frozen=True)
class OutboxEvent:
    """An event for the console, as written with the change that caused it."""

    event_id: str
    created_at: dt.datetime
    frame: str  # the whole ``event`` frame, JSON


@dataclass(frozen=True)
class PendingEvent:
    """An event waiting in the outbox for the console's acknowledgement."""

    seq: int
    event_id: str
    frame: str
    sent_count: int


@dataclass(frozen=True)
class Ticket:
    """A ticket as the agent sees it (no code)."""

    id: int
    minutes: int
    valid_until: dt.datetime
    used_at: dt.datetime | None


@dataclass(frozen=True)
class Member:
    """A member account."""

    card: str
    pin_hash: str
    daily_allowance_minutes: int | None
    banned_until: dt.datetime | None
    ban_reason: str | None


@dataclass(frozen=True)
class KnownMember:
    """A member as this PC last saw them online (see :class:`KnownMemberRow`)."""

    card: str
    pin_hash: str
    daily_allowance_seconds: int | None
    remaining_seconds: int | None
    day: dt.date
    used_seconds: int = 0
    banned_until: dt.date | None = None

    def seconds_left(self, today: dt.date) -> int | None:
        """Time left ``today`` as far as this PC knows (None: no daily limit): what the
        console said minus what this PC used since, or the whole allowance on a new day."""
        if today != self.day:
            return self.daily_allowance_seconds
        if self.remaining_seconds is None:
            return None
        return max(0, self.remaining_seconds - self.used_seconds)


@dataclass(frozen=True)
class FinishedSession:
    """A finished session, as recorded for statistics."""

    login_mode: str
    language: str
    rules_version: str | None
    started_at: dt.datetime
    ended_at: dt.datetime
    seconds_used: int
    end_reason: str
    extended_seconds: int
    help_requested: bool


@dataclass(frozen=True)
class MemberUsage:
    """Seconds to add to a member's use of a day."""

    card: str
    day: dt.date
    seconds: int


@dataclass(frozen=True)
class AuditEntry:
    """One audited action."""

    at: dt.datetime
    actor_kind: str
    actor_name: str
    action: str
    detail: str = ""


@dataclass(frozen=True)
class Change:
    """Everything one engine change writes, in one transaction."""

    snapshot: Snapshot
    boot_id: str
    at: dt.datetime
    ticket_used: int | None = None
    finished: FinishedSession | None = None
    usage: MemberUsage | None = None
    audits: tuple[AuditEntry, ...] = field(default=())
    outbox: tuple[OutboxEvent, ...] = field(default=())
    session_id: str | None = None  # the running session's id at the console, kept as is
    offline_ticket: str | None = None  # digest of a code accepted offline, now used here


# -- engine and migrations ---------------------------------------------------------------


def make_engine(path: Path) -> sa.Engine:
    """An SQLAlchemy engine on the SQLite file ``path``, in WAL mode with full sync."""
    engine = sa.create_engine(f"sqlite+pysqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a power cut must not lose a deadline or give a used ticket back.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return engine


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic configuration built in code, on the migrations shipped in the package."""
    from alembic.config import Config  # noqa: PLC0415 (see HEAD_REVISION)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine) -> None:
    """Bring the database to the newest schema."""
    from alembic import command  # noqa: PLC0415 (see HEAD_REVISION)

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def schema_revision(engine: sa.Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def upgrade_in_child(path: Path) -> None:
    """Upgrade the store at ``path`` in a short-lived process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.agent.migrate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise StoreError(f"cannot upgrade the local store {path}: {done.stderr.strip()[-500:]}")


# -- the store ---------------------------------------------------------------------------


def _as_snapshot(row: SnapshotRow) -> StoredSnapshot:
    return StoredSnapshot(
        snapshot_from_data(json.loads(row.data)),
        row.boot_id,
        row.saved_at,
        row.alive_at,
        row.session_id,
    )


class Store:
    """Repositories of the agent's local data over one SQLAlchemy engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path, *, migrate_in_child: bool = False) -> Store:
        """Open (creating or upgrading as needed) the store at ``path``.

        ``migrate_in_child`` runs a needed upgrade in another process, so that a
        long-running process never loads Alembic.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            engine = make_engine(path)
            if schema_revision(engine) != HEAD_REVISION:
                if migrate_in_child:
                    upgrade_in_child(path)
                else:
                    upgrade(engine)
        except (OSError, SQLAlchemyError) as exc:
            raise StoreError(f"cannot open the local store {path}: {exc}") from exc
        return cls(engine)

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def _session(self) -> Session:
        return self._sessions()

    # -- snapshot ------------------------------------------------------------------------

    def load_snapshot(self) -> StoredSnapshot | None:
        """The snapshot last saved, or None on a fresh store."""
        try:
            with self._session() as s:
                row = s.get(SnapshotRow, 1)
                return None if row is None else _as_snapshot(row)
        except (SQLAlchemyError, KeyError, ValueError, TypeError) as exc:
            raise StoreError(f"the saved session state is unreadable: {exc}") from exc

    def commit(self, change: Change) -> None:
        """Save a snapshot and everything that goes with it, all or nothing."""
        try:
            with self._session() as s, s.begin():
                data = json.dumps(snapshot_to_data(change.snapshot))
                row = s.get(SnapshotRow, 1)
                if row is None:
                    s.add(
                        SnapshotRow(
                            id=1,
                            data=data,
                            boot_id=change.boot_id,
                            saved_at=change.at,
                            alive_at=change.at,
                            session_id=change.session_id,
                        )
                    )
                else:
                    row.data, row.boot_id = data, change.boot_id
                    row.saved_at = row.alive_at = change.at
                    row.session_id = change.session_id
                if change.ticket_used is not None:
                    ticket = s.get(TicketRow, change.ticket_used)
                    if ticket is not None and ticket.used_at is None:
                        ticket.used_at = change.at
                if change.offline_ticket is not None:
                    s.merge(OfflineTicketRow(digest=change.offline_ticket, used_at=change.at))
                if change.finished is not None:
                    s.add(FinishedSessionRow(**dataclasses.asdict(change.finished)))
                if change.usage is not None:
                    self._add_usage(s, change.usage)
                for entry in change.audits:
                    s.add(AuditRow(**dataclasses.asdict(entry)))
                for item in change.outbox:
                    s.add(OutboxRow(**dataclasses.asdict(item), sent_count=0))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot save the session state: {exc}") from exc

    def touch(self, at: dt.datetime) -> None:
        """Note that the agent is still running (tells how long a session lasted before a
        power cut)."""
        try:
            with self._session() as s, s.begin():
                s.execute(sa.update(SnapshotRow).where(SnapshotRow.id == 1).values(alive_at=at))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot save the session state: {exc}") from exc

    @staticmethod
    def _add_usage(s: Session, usage: MemberUsage) -> None:
        known = s.get(KnownMemberRow, usage.card)
        if known is not None and known.day == usage.day:
            known.used_seconds += usage.seconds
        if s.get(MemberRow, usage.card) is None:
            return  # not a local member (a console's), or deleted during the session
        row = s.get(MemberUsageRow, (usage.card, usage.day))
        if row is None:
            s.add(MemberUsageRow(card=usage.card, day=usage.day, seconds_used=usage.seconds))
        else:
            row.seconds_used += usage.seconds

    # -- outbox --------------------------------------------------------------------------

    def outbox_after(self, seq: int, limit: int) -> list[PendingEvent]:
        """Up to ``limit`` unacknowledged events written after ``seq``, oldest first."""
        try:
            with self._session() as s:
                rows = s.scalars(
                    sa.select(OutboxRow)
                    .where(OutboxRow.seq > seq)
                    .order_by(OutboxRow.seq)
                    .limit(limit)
                ).all()
                return [PendingEvent(r.seq, r.event_id, r.frame, r.sent_count) for r in rows]
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the outbox: {exc}") from exc

    def outbox_sent(self, seqs: Sequence[int]) -> None:
        """Count one more sending of these events (tells a stuck event in the logs)."""
        if not seqs:
            return
        try:
            with self._session() as s, s.begin():
                s.execute(
                    sa.update(OutboxRow)
                    .where(OutboxRow.seq.in_(seqs))
                    .values(sent_count=OutboxRow.sent_count + 1)
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot update the outbox: {exc}") from exc

    def outbox_acknowledged(self, event_ids: Sequence[str]) -> int:
        """Forget the events the console stored; returns how many were still here."""
        if not event_ids:
            return 0
        try:
            with self._session() as s, s.begin():
                done = s.execute(sa.delete(OutboxRow).where(OutboxRow.event_id.in_(event_ids)))
                return int(getattr(done, "rowcount", 0) or 0)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot update the outbox: {exc}") from exc

    def outbox_size(self) -> int:
        """How many events wait for the console's acknowledgement."""
        with self._session() as s:
            return int(s.scalar(sa.select(sa.func.count()).select_from(OutboxRow)) or 0)

    # -- tickets -------------------------------------------------------------------------

    def create_tickets(
        self, count: int, minutes: int, valid_until: dt.datetime, now: dt.datetime
    ) -> list[str]:
        """Make ``count`` new single-use tickets; returns their codes (shown once, never
        stored)."""
        if not 1 <= count <= 1000 or not 1 <= minutes <= 24 * 60:
            raise ValueError("1 to 1000 tickets of 1 to 1440 minutes")
        codes: list[str] = []
        with self._session() as s, s.begin():
            taken = set(s.scalars(sa.select(TicketRow.code_sha256)))
            while len(codes) < count:
                code = new_ticket_code()
                digest = ticket_digest(code)
                assert digest is not None
                if digest in taken:
                    continue
                taken.add(digest)
                codes.append(code)
                s.add(
                    TicketRow(
                        code_sha256=digest,
                        minutes=minutes,
                        created_at=now,
                        valid_until=valid_until,
                        used_at=None,
                    )
                )
        return codes

    def find_ticket(self, typed_code: str) -> Ticket | None:
        """The ticket with this code (as typed: dashes and spaces ignored), if any."""
        digest = ticket_digest(typed_code)
        if digest is None:
            return None
        with self._session() as s:
            row = s.scalars(sa.select(TicketRow).where(TicketRow.code_sha256 == digest)).first()
            return None if row is None else self._ticket(row)

    def ticket(self, ticket_id: int) -> Ticket | None:
        """A ticket by its id."""
        with self._session() as s:
            row = s.get(TicketRow, ticket_id)
            return None if row is None else self._ticket(row)

    @staticmethod
    def _ticket(row: TicketRow) -> Ticket:
        return Ticket(row.id, row.minutes, row.valid_until, row.used_at)

    # -- members -------------------------------------------------------------------------

    def add_member(
        self, card: str, pin_hash: str, daily_allowance_minutes: int | None = None
    ) -> None:
        """Create a member account (card number + PIN hash)."""
        try:
            with self._session() as s, s.begin():
                s.add(
                    MemberRow(
                        card=card,
                        pin_hash=pin_hash,
                        daily_allowance_minutes=daily_allowance_minutes,
                        banned_until=None,
                        ban_reason=None,
                    )
                )
        except IntegrityError as exc:
            raise ValueError(f"card {card} already has an account") from exc

    def ban_member(self, card: str, until: dt.datetime | None, reason: str = "") -> None:
        """Ban a member until a time (None lifts the ban)."""
        with self._session() as s, s.begin():
            row = s.get(MemberRow, card)
            if row is None:
                raise KeyError(card)
            row.banned_until = until
            row.ban_reason = reason if until is not None else None

    def member(self, card: str) -> Member | None:
        """A member by card number."""
        with self._session() as s:
            row = s.get(MemberRow, card)
            if row is None:
                return None
            return Member(
                row.card,
                row.pin_hash,
                row.daily_allowance_minutes,
                row.banned_until,
                row.ban_reason,
            )

    def member_seconds_used(self, card: str, day: dt.date) -> int:
        """Seconds a member already used on ``day``."""
        with self._session() as s:
            row = s.get(MemberUsageRow, (card, day))
            return 0 if row is None else row.seconds_used

    # -- what this PC keeps for when the console is unreachable ------------------------

    def offline_ticket_used(self, digest: str) -> bool:
        """True when this PC already accepted this code offline."""
        with self._session() as s:
            return s.get(OfflineTicketRow, digest) is not None

    def remember_member(self, member: KnownMember, at: dt.datetime) -> None:
        """Keep what an online check said of a member (replacing what was known)."""
        try:
            with self._session() as s, s.begin():
                s.merge(
                    KnownMemberRow(**dataclasses.asdict(member), checked_at=at),
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot keep the member's check: {exc}") from exc

    def known_member(self, card: str) -> KnownMember | None:
        """What this PC last learnt online of this card, if anything."""
        with self._session() as s:
            row = s.get(KnownMemberRow, card)
            if row is None:
                return None
            return KnownMember(
                row.card,
                row.pin_hash,
                row.daily_allowance_seconds,
                row.remaining_seconds,
                row.day,
                row.used_seconds,
                row.banned_until,
            )

    def ban_known_member(self, card: str, until: dt.date) -> None:
        """The console said this card is banned: refuse it offline too."""
        try:
            with self._session() as s, s.begin():
                row = s.get(KnownMemberRow, card)
                if row is not None:
                    row.banned_until = until
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot keep the member's ban: {exc}") from exc

    # -- reading records -----------------------------------------------------------------

    def finished_sessions(self) -> list[FinishedSession]:
        """Every finished session, oldest first."""
        with self._session() as s:
            rows: Sequence[FinishedSessionRow] = s.scalars(
                sa.select(FinishedSessionRow).order_by(FinishedSessionRow.id)
            ).all()
            return [
                FinishedSession(
                    r.login_mode,
                    r.language,
                    r.rules_version,
                    r.started_at,
                    r.ended_at,
                    r.seconds_used,
                    r.end_reason,
                    r.extended_seconds,
                    r.help_requested,
                )
                for r in rows
            ]

    def audit_entries(self) -> list[AuditEntry]:
        """Every audited action, oldest first."""
        with self._session() as s:
            rows = s.scalars(sa.select(AuditRow).order_by(AuditRow.id)).all()
            return [AuditEntry(r.at, r.actor_kind, r.actor_name, r.action, r.detail) for r in rows]
