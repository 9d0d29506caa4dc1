"""What the console hears of a kiosk's changes: engine events as stored ``event`` frames.

The agent writes the frames this module builds into the store's outbox **in the same
transaction as the change that caused them** (:class:`kiosk.agent.store.Change`), so a crash
can never keep a change and lose its event, or the reverse. The link sends them and the
store forgets each one only once the console acknowledged its id; the console stores each
id once, so a resend after a lost acknowledgement is harmless (exactly-once).

Pure: no IO, no clock. The session id is random and assigned when a session starts; the
agent keeps it next to its snapshot so an agent restarted mid-session ends the same session.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from epn_shared.protocol import (
    MAX_COUNT,
    MAX_JOB_CENTS,
    MAX_JOB_PAGES,
    MAX_SESSION_SECONDS,
    Event,
    EventBody,
    HelpRequestedBody,
    LoginKind,
    PrintJobBody,
    SessionEndedBody,
    SessionStartedBody,
    StaffActionBody,
    WipeFinishedBody,
    encode,
)
from kiosk.agent.store import FinishedSession, OutboxEvent
from kiosk.core import events as ev
from kiosk.core.model import Session
from policies import LoginMode

if TYPE_CHECKING:
    from kiosk.agent.printing.meter import PrintJobFact

_LOGIN_KINDS = {
    LoginMode.WALK_IN: LoginKind.WALK_IN,
    LoginMode.TICKET: LoginKind.TICKET,
    LoginMode.MEMBER: LoginKind.MEMBER,
}


def _within(value: int, most: int) -> int:
    # The console refuses a value past the protocol's bounds; a job of more than a million
    # pages (refused anyway) is reported as the most, not left unsendable in the outbox.
    return min(max(0, int(value)), most)


def _seconds(value: int) -> int:
    return _within(value, MAX_SESSION_SECONDS)


def new_event_id() -> str:
    """A random url-safe id (22 characters, 128 bits): unique without asking anyone."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Translated:
    """The outbox rows of one change, and the session id to keep after it."""

    outbox: tuple[OutboxEvent, ...]
    session_id: str | None


def console_events(
    events: Sequence[ev.Event],
    *,
    at: dt.datetime,
    session: Session | None,
    finished: FinishedSession | None,
    session_id: str | None,
    new_id: Callable[[], str] = new_event_id,
) -> Translated:
    """The events the console cares about among ``events`` (others are local matters).

    ``session`` is the engine's session after the change, ``finished`` the record of a
    session the change ended, ``session_id`` the id kept since the session started.
    """
    rows: list[OutboxEvent] = []

    def add(body: EventBody) -> None:
        frame = Event(id=new_id(), at=at, body=body)
        rows.append(OutboxEvent(frame.id, at, encode(frame)))

    for item in events:
        if isinstance(item, ev.SessionStarted):
            session_id = new_id()
            visitor = None if session is None else session.visitor
            card = None
            if item.mode is LoginMode.MEMBER and visitor is not None:
                card = visitor.reference
            add(
                SessionStartedBody(
                    session_id=session_id,
                    login=_LOGIN_KINDS[item.mode]
                    if visitor is None
                    else LoginKind(visitor.kind.value),
                    language=item.language.value,
                    rules_version=item.rules_version,
                    seconds=_seconds(item.seconds),
                    member_card=card,
                    ticket_ref=None if visitor is None else visitor.ticket_ref,
                    ticket_digest=None if visitor is None else visitor.ticket_digest,
                    offline=visitor is not None and visitor.offline,
                    workshop_id=visitor.workshop.workshop_id
                    if visitor is not None and visitor.workshop is not None
                    else None,
                )
            )
        elif isinstance(item, ev.HelpRequested):
            add(HelpRequestedBody(session_id=session_id))
        elif isinstance(item, ev.SessionEnded):
            if finished is None:
                continue  # nothing was recorded locally either
            add(
                SessionEndedBody(
                    # A session started before this agent had a link has no id yet.
                    session_id=session_id or new_id(),
                    reason=item.reason.value,
                    seconds_used=_seconds(finished.seconds_used),
                    extended_seconds=_seconds(finished.extended_seconds),
                    help_requested=finished.help_requested,
                )
            )
            session_id = None
        elif isinstance(item, ev.WipeFinished):
            receipt = item.receipt
            add(
                WipeFinishedBody(
                    seconds=min(max(0.0, receipt.seconds), MAX_SESSION_SECONDS),
                    items=min(sum(count for _, count in receipt.erased), MAX_COUNT),
                )
            )
    return Translated(tuple(rows), session_id)


def print_job_event(
    fact: PrintJobFact, *, at: dt.datetime, new_id: Callable[[], str] = new_event_id
) -> OutboxEvent:
    """A print outcome (counted, released, cancelled, refused, uncountable) for the console."""
    session_id = fact.session_id if fact.session_id and len(fact.session_id) >= 8 else None
    body = PrintJobBody(
        session_id=session_id,
        outcome=fact.outcome.value,
        pages=_within(fact.pages, MAX_JOB_PAGES),
        sheets=_within(fact.sheets, MAX_JOB_PAGES),
        cost_cents=_within(fact.cost_cents, MAX_JOB_CENTS),
        colour=fact.colour,
    )
    frame = Event(id=new_id(), at=at, body=body)
    return OutboxEvent(frame.id, at, encode(frame))


def staff_action_event(
    staff_id: int | None,
    action: str,
    detail: str,
    *,
    at: dt.datetime,
    new_id: Callable[[], str] = new_event_id,
) -> OutboxEvent:
    """A staff member's action at this PC (their PIN checked), for the console's audit:
    ``staff_id`` None is the PC's own first-run PIN."""
    body = StaffActionBody(staff_id=staff_id, action=action[:40], detail=detail[:200])
    frame = Event(id=new_id(), at=at, body=body)
    return OutboxEvent(frame.id, at, encode(frame))
