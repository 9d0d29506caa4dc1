"""Members: card numbers and PIN hashes, allowances, bans, wrong-PIN counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from admin_console.server.db.models import EventRow, MemberRow
from admin_console.server.db.repositories.base import Repository, WithSecret, copy_row, inserted
from admin_console.server.db.repositories.events import PRINTED_SIGN
from admin_console.server.errors import Conflict, NotFound
from epn_shared.database import UtcDateTime


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
class PinTry:
    """A member's PIN try, counted (or not: the card is refused until ``locked_until``, or
    unknown); a counted try with ``locked_until`` set refuses the card if it was wrong."""

    counted: bool
    locked_until: dt.datetime | None


class MemberRepository(Repository):
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
                row = inserted(
                    s,
                    MemberRow(
                        card=card,
                        pin_hash=pin_hash,
                        daily_allowance_minutes=daily_allowance_minutes,
                        nickname=nickname,
                        created_at=now,
                    ),
                )
                return copy_row(Member, row)
        except IntegrityError as exc:
            raise Conflict(f"the card {card!r} is already a member's") from exc

    def all(self) -> list[Member]:
        """Every member, by card number."""
        with self._read() as s:
            return [
                copy_row(Member, r)
                for r in s.scalars(sa.select(MemberRow).order_by(MemberRow.card))
            ]

    def get(self, card: str) -> Member | None:
        """A member by card number."""
        with self._read() as s:
            row = s.scalars(sa.select(MemberRow).where(MemberRow.card == card)).first()
            return None if row is None else copy_row(Member, row)

    def credentials(self, card: str) -> WithSecret[Member] | None:
        """A member with the PIN hash."""
        with self._read() as s:
            row = s.scalars(sa.select(MemberRow).where(MemberRow.card == card)).first()
            return None if row is None else WithSecret(copy_row(Member, row), row.pin_hash)

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
            return copy_row(Member, row)

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
            mine = _sessions_of(s, card, since)
            if not mine:
                return 0
            ended = _bodies(s, "session_ended", since)
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
            mine = _sessions_of(s, card, since)
            if not mine:
                return 0
            jobs = _bodies(s, "print_job", since)
        printed = sum(
            PRINTED_SIGN.get(str(body.get("outcome")), 0) * int(body.get("pages", 0))
            for body in jobs
            if str(body.get("session_id")) in mine
        )
        return max(0, printed)


def _bodies(s: Session, kind: str, since: dt.datetime) -> Sequence[dict[str, Any]]:
    query = sa.select(EventRow.body).where(EventRow.kind == kind).where(EventRow.at >= since)
    return s.scalars(query).all()


def _sessions_of(s: Session, card: str, since: dt.datetime) -> dict[str, dt.datetime]:
    """When each of the member's sessions that started since ``since`` started, by id."""
    started = s.execute(
        sa.select(EventRow.body, EventRow.at)
        .where(EventRow.kind == "session_started")
        .where(EventRow.at >= since)
    )
    return {str(b.get("session_id")): at for b, at in started if b.get("member_card") == card}
