"""The agent's local store: SQLite in WAL mode, SQLAlchemy 2 Core tables, Alembic migrations.

Privacy by default: nothing here holds a visitor's name (only the staff roster names the
staff who may use the staff key, as the console sent it). Sessions are anonymous, tickets
are kept as a sha256 of their code, members as a card number and an argon2id PIN hash.
Methods return plain frozen dataclasses. Everything one engine change implies is written by
:meth:`Store.commit` in one transaction.

Core, not the ORM: the agent runs all day on every PC, and SQLAlchemy's ORM costs it about
6 MB more for nine small tables that it reads and writes by key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from epn_shared.database import Migrations, UtcDateTime, sqlite_engine
from epn_shared.wrong_tries import GuardRule, WrongTries, clock_set_back, taken_back
from kiosk.agent.credentials import new_ticket_code, ticket_digest
from kiosk.agent.errors import StoreError, TooManyTries
from kiosk.core.codec import snapshot_from_data, snapshot_to_data
from kiosk.core.model import Snapshot

HEAD_REVISION = "0005"
"""The newest migration. A store already there is opened without loading Alembic (about
12 MB the always-running agent does not need); a test checks it is Alembic's head."""

MIGRATIONS = Migrations(Path(__file__).parent / "migrations")


# -- schema ------------------------------------------------------------------------------


metadata = sa.MetaData()
"""The agent's tables (what Alembic's migrations build)."""

snapshots = sa.Table(
    # The engine's current snapshot: one row, replaced at every change.
    "current_snapshot",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("boot_id", sa.String(64), nullable=False),
    sa.Column("saved_at", UtcDateTime, nullable=False),
    sa.Column("alive_at", UtcDateTime, nullable=False),
    # The id the console knows the running session by (random, never a visitor's).
    sa.Column("session_id", sa.String(64)),
)

outbox = sa.Table(
    # One event for the console, kept until the console acknowledged its id.
    "outbox",
    metadata,
    # AUTOINCREMENT: a sequence number is never reused, even after the newest row was
    # acknowledged and deleted, so "send everything after the last one sent" stays right.
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("frame", sa.Text, nullable=False),
    sa.Column("sent_count", sa.Integer, nullable=False, default=0),
    sqlite_autoincrement=True,
)

finished_sessions = sa.Table(
    # One finished session, anonymous.
    "finished_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("login_mode", sa.String(16), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("rules_version", sa.String(64)),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("ended_at", UtcDateTime, nullable=False),
    sa.Column("seconds_used", sa.Integer, nullable=False),
    sa.Column("end_reason", sa.String(16), nullable=False),
    sa.Column("extended_seconds", sa.Integer, nullable=False),
    sa.Column("help_requested", sa.Boolean, nullable=False),
)

tickets = sa.Table(
    # A single-use ticket; the code itself is never stored.
    "tickets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("valid_until", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime),
)

members = sa.Table(
    # A member: a card number and a PIN hash, no name.
    "members",
    metadata,
    sa.Column("card", sa.String(40), primary_key=True),
    sa.Column("pin_hash", sa.String(200), nullable=False),
    sa.Column("daily_allowance_minutes", sa.Integer),
    sa.Column("banned_until", UtcDateTime),
    sa.Column("ban_reason", sa.String(200)),
)

member_usage = sa.Table(
    # Seconds a member used on one day, all sessions together.
    "member_usage",
    metadata,
    sa.Column(
        "card",
        sa.String(40),
        sa.ForeignKey("members.card", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("seconds_used", sa.Integer, nullable=False),
)

offline_tickets = sa.Table(
    # A ticket code this PC accepted while the console was unreachable (its SHA-256
    # only): the same code is refused here afterwards, whatever the console says later.
    "offline_tickets",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("used_at", UtcDateTime, nullable=False),
)

known_members = sa.Table(
    # What this PC learnt of a member at their last online check, to let them in while
    # the console is unreachable: the PIN's argon2id hash (made here), the ban, and the
    # time left on that local day; ``used_seconds`` is what this PC used since, that day.
    "known_members",
    metadata,
    sa.Column("card", sa.String(40), primary_key=True),
    sa.Column("pin_hash", sa.String(200), nullable=False),
    sa.Column("daily_allowance_seconds", sa.Integer),
    sa.Column("remaining_seconds", sa.Integer),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("used_seconds", sa.Integer, nullable=False),
    sa.Column("banned_until", sa.Date),
    sa.Column("checked_at", UtcDateTime, nullable=False),
)

wrong_tries = sa.Table(
    # Wrong secrets typed at this PC, per guard ("pc", "animator", "card:<number>"): how
    # many still count and when the newest was typed (wall clock: a reboot forgets nothing).
    "wrong_tries",
    metadata,
    sa.Column("guard", sa.String(60), primary_key=True),
    sa.Column("wrong", sa.Integer, nullable=False),
    sa.Column("last_at", UtcDateTime, nullable=False),
)

audit = sa.Table(
    # One staff action (or refused staff PIN) at this PC.
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor_kind", sa.String(16), nullable=False),
    sa.Column("actor_name", sa.String(80), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("detail", sa.String(400), nullable=False),
)


staff_roster = sa.Table(
    # One staff member who may use the staff key here, as the console's last roster said.
    "staff_roster",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(40), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("pin_hash", sa.String(200), nullable=False),
)

staff_roster_revision = sa.Table(
    # The revision of the console's roster held here: one row once a roster came.
    "staff_roster_revision",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("revision", sa.BigInteger, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
)


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
    """A member as this PC last saw them online (see the ``known_members`` table)."""

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
class StaffMember:
    """One person who may use the staff key at this PC (the console's staff id)."""

    id: int
    name: str
    language: str  # fr, nl or en: their staff menu's language
    pin_hash: str  # argon2id, made by the console


@dataclass(frozen=True)
class Roster:
    """The staff roster held (``revision`` None: the console never sent one)."""

    revision: int | None = None
    members: tuple[StaffMember, ...] = ()


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


@dataclass(frozen=True)
class Reservation:
    """Tries counted as wrong before their check: each guard's count ``before`` and as
    ``reserved``, so that a right answer can give them back (:meth:`Store.take_back`)."""

    guards: tuple[tuple[str, WrongTries, WrongTries], ...]


# -- engine and migrations ---------------------------------------------------------------


def make_engine(path: Path) -> sa.Engine:
    """An SQLAlchemy engine on the SQLite file ``path``, in WAL mode with full sync."""
    # FULL: a power cut must not lose a deadline or give a used ticket back.
    return sqlite_engine(f"sqlite+pysqlite:///{path}", synchronous="FULL", busy_timeout_ms=5000)


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


def _as_snapshot(row: sa.Row[Any]) -> StoredSnapshot:
    return StoredSnapshot(
        snapshot_from_data(json.loads(row.data)),
        row.boot_id,
        row.saved_at,
        row.alive_at,
        row.session_id,
    )


def _by_key(table: sa.Table, **key: Any) -> sa.Select[Any]:
    return sa.select(table).where(*(table.c[name] == value for name, value in key.items()))


class Store:
    """Repositories of the agent's local data over one SQLAlchemy engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    @classmethod
    def open(cls, path: Path, *, migrate_in_child: bool = False) -> Store:
        """Open (creating or upgrading as needed) the store at ``path``.

        ``migrate_in_child`` runs a needed upgrade in another process, so that a
        long-running process never loads Alembic.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            engine = make_engine(path)
            if MIGRATIONS.revision(engine) != HEAD_REVISION:
                if migrate_in_child:
                    upgrade_in_child(path)
                else:
                    MIGRATIONS.upgrade(engine)
        except (OSError, SQLAlchemyError) as exc:
            raise StoreError(f"cannot open the local store {path}: {exc}") from exc
        return cls(engine)

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    # -- snapshot ------------------------------------------------------------------------

    def load_snapshot(self) -> StoredSnapshot | None:
        """The snapshot last saved, or None on a fresh store."""
        try:
            with self._engine.connect() as c:
                row = c.execute(_by_key(snapshots, id=1)).first()
                return None if row is None else _as_snapshot(row)
        except (SQLAlchemyError, KeyError, ValueError, TypeError) as exc:
            raise StoreError(f"the saved session state is unreadable: {exc}") from exc

    def commit(self, change: Change) -> None:
        """Save a snapshot and everything that goes with it, all or nothing."""
        try:
            with self._engine.begin() as c:
                values = {
                    "data": json.dumps(snapshot_to_data(change.snapshot)),
                    "boot_id": change.boot_id,
                    "saved_at": change.at,
                    "alive_at": change.at,
                    "session_id": change.session_id,
                }
                saved = c.execute(sa.update(snapshots).where(snapshots.c.id == 1).values(values))
                if not saved.rowcount:
                    c.execute(sa.insert(snapshots).values(id=1, **values))
                if change.ticket_used is not None:
                    c.execute(
                        sa.update(tickets)
                        .where(tickets.c.id == change.ticket_used, tickets.c.used_at.is_(None))
                        .values(used_at=change.at)
                    )
                if change.offline_ticket is not None:
                    c.execute(
                        sqlite_insert(offline_tickets)
                        .values(digest=change.offline_ticket, used_at=change.at)
                        .on_conflict_do_update(
                            index_elements=["digest"], set_={"used_at": change.at}
                        )
                    )
                if change.finished is not None:
                    c.execute(sa.insert(finished_sessions), dataclasses.asdict(change.finished))
                if change.usage is not None:
                    self._add_usage(c, change.usage)
                if change.audits:
                    c.execute(sa.insert(audit), [dataclasses.asdict(a) for a in change.audits])
                if change.outbox:
                    rows = [{**dataclasses.asdict(e), "sent_count": 0} for e in change.outbox]
                    c.execute(sa.insert(outbox), rows)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot save the session state: {exc}") from exc

    def touch(self, at: dt.datetime) -> None:
        """Note that the agent is still running (tells how long a session lasted before a
        power cut)."""
        try:
            with self._engine.begin() as c:
                c.execute(sa.update(snapshots).where(snapshots.c.id == 1).values(alive_at=at))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot save the session state: {exc}") from exc

    @staticmethod
    def _add_usage(c: sa.Connection, usage: MemberUsage) -> None:
        c.execute(
            sa.update(known_members)
            .where(known_members.c.card == usage.card, known_members.c.day == usage.day)
            .values(used_seconds=known_members.c.used_seconds + usage.seconds)
        )
        if c.execute(_by_key(members, card=usage.card)).first() is None:
            return  # not a local member (a console's), or deleted during the session
        c.execute(
            sqlite_insert(member_usage)
            .values(card=usage.card, day=usage.day, seconds_used=usage.seconds)
            .on_conflict_do_update(
                index_elements=["card", "day"],
                set_={"seconds_used": member_usage.c.seconds_used + usage.seconds},
            )
        )

    # -- outbox --------------------------------------------------------------------------

    def outbox_after(self, seq: int, limit: int) -> list[PendingEvent]:
        """Up to ``limit`` unacknowledged events written after ``seq``, oldest first."""
        try:
            with self._engine.connect() as c:
                rows = c.execute(
                    sa.select(outbox).where(outbox.c.seq > seq).order_by(outbox.c.seq).limit(limit)
                ).all()
                return [PendingEvent(r.seq, r.event_id, r.frame, r.sent_count) for r in rows]
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the outbox: {exc}") from exc

    def outbox_sent(self, seqs: Sequence[int]) -> None:
        """Count one more sending of these events (tells a stuck event in the logs)."""
        if not seqs:
            return
        try:
            with self._engine.begin() as c:
                c.execute(
                    sa.update(outbox)
                    .where(outbox.c.seq.in_(seqs))
                    .values(sent_count=outbox.c.sent_count + 1)
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot update the outbox: {exc}") from exc

    def outbox_acknowledged(self, event_ids: Sequence[str]) -> int:
        """Forget the events the console stored; returns how many were still here."""
        if not event_ids:
            return 0
        try:
            with self._engine.begin() as c:
                done = c.execute(sa.delete(outbox).where(outbox.c.event_id.in_(event_ids)))
                return int(done.rowcount or 0)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot update the outbox: {exc}") from exc

    def outbox_size(self) -> int:
        """How many events wait for the console's acknowledgement."""
        with self._engine.connect() as c:
            return int(c.scalar(sa.select(sa.func.count()).select_from(outbox)) or 0)

    # -- tickets -------------------------------------------------------------------------

    def create_tickets(
        self, count: int, minutes: int, valid_until: dt.datetime, now: dt.datetime
    ) -> list[str]:
        """Make ``count`` new single-use tickets; returns their codes (shown once, never
        stored)."""
        if not 1 <= count <= 1000 or not 1 <= minutes <= 24 * 60:
            raise ValueError("1 to 1000 tickets of 1 to 1440 minutes")
        codes: list[str] = []
        rows: list[dict[str, Any]] = []
        with self._engine.begin() as c:
            taken = set(c.scalars(sa.select(tickets.c.code_sha256)))
            while len(codes) < count:
                code = new_ticket_code()
                digest = ticket_digest(code)
                assert digest is not None
                if digest in taken:
                    continue
                taken.add(digest)
                codes.append(code)
                rows.append(
                    {
                        "code_sha256": digest,
                        "minutes": minutes,
                        "created_at": now,
                        "valid_until": valid_until,
                        "used_at": None,
                    }
                )
            c.execute(sa.insert(tickets), rows)
        return codes

    def find_ticket(self, typed_code: str) -> Ticket | None:
        """The ticket with this code (as typed: dashes and spaces ignored), if any."""
        digest = ticket_digest(typed_code)
        if digest is None:
            return None
        with self._engine.connect() as c:
            row = c.execute(_by_key(tickets, code_sha256=digest)).first()
            return None if row is None else self._ticket(row)

    def ticket(self, ticket_id: int) -> Ticket | None:
        """A ticket by its id."""
        with self._engine.connect() as c:
            row = c.execute(_by_key(tickets, id=ticket_id)).first()
            return None if row is None else self._ticket(row)

    @staticmethod
    def _ticket(row: sa.Row[Any]) -> Ticket:
        return Ticket(row.id, row.minutes, row.valid_until, row.used_at)

    # -- members -------------------------------------------------------------------------

    def add_member(
        self, card: str, pin_hash: str, daily_allowance_minutes: int | None = None
    ) -> None:
        """Create a member account (card number + PIN hash)."""
        try:
            with self._engine.begin() as c:
                c.execute(
                    sa.insert(members).values(
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
        with self._engine.begin() as c:
            done = c.execute(
                sa.update(members)
                .where(members.c.card == card)
                .values(banned_until=until, ban_reason=reason if until is not None else None)
            )
            if not done.rowcount:
                raise KeyError(card)

    def member(self, card: str) -> Member | None:
        """A member by card number."""
        with self._engine.connect() as c:
            row = c.execute(_by_key(members, card=card)).first()
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
        with self._engine.connect() as c:
            row = c.execute(_by_key(member_usage, card=card, day=day)).first()
            return 0 if row is None else int(row.seconds_used)

    # -- what this PC keeps for when the console is unreachable ------------------------

    def offline_ticket_used(self, digest: str) -> bool:
        """True when this PC already accepted this code offline."""
        with self._engine.connect() as c:
            return c.execute(_by_key(offline_tickets, digest=digest)).first() is not None

    def remember_member(self, member: KnownMember, at: dt.datetime) -> None:
        """Keep what an online check said of a member (replacing what was known)."""
        values = {**dataclasses.asdict(member), "checked_at": at}
        try:
            with self._engine.begin() as c:
                c.execute(
                    sqlite_insert(known_members)
                    .values(values)
                    .on_conflict_do_update(
                        index_elements=["card"],
                        set_={k: v for k, v in values.items() if k != "card"},
                    )
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot keep the member's check: {exc}") from exc

    def known_member(self, card: str) -> KnownMember | None:
        """What this PC last learnt online of this card, if anything."""
        with self._engine.connect() as c:
            row = c.execute(_by_key(known_members, card=card)).first()
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
            with self._engine.begin() as c:
                c.execute(
                    sa.update(known_members)
                    .where(known_members.c.card == card)
                    .values(banned_until=until)
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot keep the member's ban: {exc}") from exc

    # -- wrong tries (protocol.tries) ---------------------------------------------------

    def reserve_try(self, rules: Mapping[str, GuardRule], now: dt.datetime) -> Reservation:
        """Count a wrong try on each guard named in ``rules``, before the secret is checked
        (a right answer gives it back with :meth:`take_back`). When any of them makes
        tries wait, nothing is counted: :class:`TooManyTries` says how long."""
        try:
            with self._engine.begin() as c:
                rows = c.execute(sa.select(wrong_tries).where(wrong_tries.c.guard.in_(rules)))
                found = {}
                for row in rows:
                    stored = WrongTries(row.wrong, row.last_at)
                    found[row.guard] = clock_set_back(stored, now)
                    if found[row.guard] != stored:
                        self._put_tries(c, row.guard, found[row.guard])
                wait = max(rule.wait(found.get(g, WrongTries()), now) for g, rule in rules.items())
                if wait == 0:
                    guards = []
                    for guard, rule in rules.items():
                        before = found.get(guard, WrongTries())
                        reserved = rule.counted(before, now)
                        self._put_tries(c, guard, reserved)
                        guards.append((guard, before, reserved))
                    return Reservation(tuple(guards))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot count the try: {exc}") from exc
        raise TooManyTries(f"too many wrong tries; try again in {wait} s", wait)

    def take_back(self, reservation: Reservation) -> None:
        """The secret was right: the tries reserved for it no longer count."""
        try:
            with self._engine.begin() as c:
                for guard, before, reserved in reservation.guards:
                    row = c.execute(_by_key(wrong_tries, guard=guard)).first()
                    current = WrongTries() if row is None else WrongTries(row.wrong, row.last_at)
                    self._put_tries(c, guard, taken_back(current, before, reserved))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot give the try back: {exc}") from exc

    def forget_old_tries(self, prefix: str, rule: GuardRule, now: dt.datetime) -> int:
        """Delete the guards named ``prefix...`` whose wrong tries are all forgotten (the
        card numbers typed at this PC are not kept longer than they count); returns how
        many."""
        cutoff = now - dt.timedelta(seconds=rule.forget_after)
        try:
            with self._engine.begin() as c:
                rows = c.execute(
                    sa.select(wrong_tries).where(
                        wrong_tries.c.guard.startswith(prefix, autoescape=True),
                        wrong_tries.c.last_at <= cutoff,
                    )
                )
                done = [
                    r.guard
                    for r in rows
                    if rule.remembered(WrongTries(r.wrong, r.last_at), now) == 0
                ]
                if done:
                    c.execute(sa.delete(wrong_tries).where(wrong_tries.c.guard.in_(done)))
                return len(done)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot forget old tries: {exc}") from exc

    def wrong_tries(self, guard: str) -> WrongTries:
        """The wrong tries a guard remembers, as stored."""
        with self._engine.connect() as c:
            row = c.execute(_by_key(wrong_tries, guard=guard)).first()
            return WrongTries() if row is None else WrongTries(row.wrong, row.last_at)

    @staticmethod
    def _put_tries(c: sa.Connection, guard: str, tries: WrongTries) -> None:
        if tries.count <= 0 or tries.last is None:
            c.execute(sa.delete(wrong_tries).where(wrong_tries.c.guard == guard))
            return
        values = {"wrong": tries.count, "last_at": tries.last}
        c.execute(
            sqlite_insert(wrong_tries)
            .values(guard=guard, **values)
            .on_conflict_do_update(index_elements=["guard"], set_=values)
        )

    # -- the staff roster ----------------------------------------------------------------

    def staff_roster(self) -> Roster:
        """The roster last kept (an empty one of no revision before the first)."""
        try:
            with self._engine.connect() as c:
                kept = c.execute(_by_key(staff_roster_revision, id=1)).first()
                if kept is None:
                    return Roster()
                rows = c.execute(sa.select(staff_roster).order_by(staff_roster.c.id))
                members = tuple(StaffMember(r.id, r.name, r.language, r.pin_hash) for r in rows)
                return Roster(int(kept.revision), members)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the staff roster: {exc}") from exc

    def replace_staff_roster(self, roster: Roster, at: dt.datetime) -> None:
        """Keep ``roster`` instead of the one held, all or nothing."""
        if roster.revision is None:
            raise ValueError("a roster kept has the console's revision")
        try:
            with self._engine.begin() as c:
                c.execute(sa.delete(staff_roster))
                if roster.members:
                    c.execute(
                        sa.insert(staff_roster), [dataclasses.asdict(m) for m in roster.members]
                    )
                values = {"revision": roster.revision, "received_at": at}
                kept = c.execute(
                    sa.update(staff_roster_revision)
                    .where(staff_roster_revision.c.id == 1)
                    .values(values)
                )
                if not kept.rowcount:
                    c.execute(sa.insert(staff_roster_revision).values(id=1, **values))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot keep the staff roster: {exc}") from exc

    # -- reading records -----------------------------------------------------------------

    def finished_sessions(self) -> list[FinishedSession]:
        """Every finished session, oldest first."""
        with self._engine.connect() as c:
            rows = c.execute(sa.select(finished_sessions).order_by(finished_sessions.c.id))
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
        with self._engine.connect() as c:
            rows = c.execute(sa.select(audit).order_by(audit.c.id))
            return [AuditEntry(r.at, r.actor_kind, r.actor_name, r.action, r.detail) for r in rows]
