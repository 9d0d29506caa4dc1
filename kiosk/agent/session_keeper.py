"""The session engine and the record of every change to it: each change is saved with
what goes with it (a spent ticket, an ended session's record, audit rows, the console's
events) in one transaction, then logged, then told to the agent's other parts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any

from epn_shared.json_log import event
from kiosk.agent.errors import StoreError
from kiosk.agent.store import AuditEntry, Change, FinishedSession, MemberUsage, OutboxEvent, Store
from kiosk.agent.wiper import JournalState
from kiosk.core import events as ev
from kiosk.core.engine import IN_SESSION, SessionEngine
from kiosk.core.model import Actor, EndReason, Instant, Session, StaffMessage, State, WipeReceipt
from policies import LoginMode

if TYPE_CHECKING:
    from kiosk.agent.outbox import Translated

log = logging.getLogger(__name__)

VISITOR_STATES = IN_SESSION | {State.RULES}
"""A visitor is at the PC: a session runs, or its house rules are on screen."""
WIPE_STATES = (State.ENDING, State.WIPING)


def _event_name(event_obj: ev.Event) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(event_obj).__name__).lower()


def _event_fields(event_obj: ev.Event) -> dict[str, Any]:
    """Loggable fields of an engine event: enums as values, actors as their kind, never a
    message text or anything that names a visitor."""
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(event_obj):
        value = getattr(event_obj, f.name)
        if isinstance(value, Enum):
            fields[f.name] = value.value
        elif isinstance(value, Actor):
            fields[f.name] = value.kind.value
        elif isinstance(value, WipeReceipt):
            fields.update(dict(value.erased))
            fields["bytes"] = value.bytes_erased
            fields["seconds"] = value.seconds
        elif isinstance(value, StaffMessage):
            fields["number"] = value.number
        else:
            fields[f.name] = value
    return fields


@dataclasses.dataclass(frozen=True)
class StaffAction:
    """What a staff member did at this PC behind the staff key, for the console's audit
    (written to the outbox with the local audit row, in the same transaction)."""

    staff_id: int | None
    """The console's id of the person whose PIN it was; None: the PC's own PIN."""
    action: str
    detail: str = ""


StaffEvents = Callable[..., OutboxEvent]
"""Builds a staff action's outbox row (``kiosk.agent.outbox.staff_action_event``)."""


@dataclasses.dataclass(eq=False)
class SessionKeeper:
    """The engine and its record in the store. Its hooks: ``on_saved(outbox_sent, changed)``
    after each commit, ``on_event(event, now)`` after logging each engine event,
    ``on_recorded()`` at the end of each record."""

    engine: SessionEngine
    store: Store
    boot: str
    on_saved: Callable[[bool, bool], None]
    on_event: Callable[[ev.Event, Instant], None]
    on_recorded: Callable[[], None]
    console_events: Callable[..., Translated] | None = None
    """When enrolled: what of the engine's events goes to the console's outbox."""
    staff_events: StaffEvents | None = None
    """When enrolled: the outbox row of a staff action at this PC."""
    session_id: str | None = None
    recovering: bool = False
    """Finishing a wipe that a crash left undone: the screen says "being prepared"."""
    stopping: bool = False
    """The agent is stopping: nothing new is started."""
    _unsaved_outbox: tuple[OutboxEvent, ...] = dataclasses.field(default=(), init=False)

    def change(
        self,
        now: Instant,
        action: Callable[[], list[ev.Event]],
        *,
        ticket_used: int | None = None,
        offline_ticket: str | None = None,
        audits: tuple[AuditEntry, ...] = (),
        staff: StaffAction | None = None,
    ) -> list[ev.Event]:
        """Run one engine action; if it changed anything, persist and show the result."""
        before = self.engine.snapshot
        events = action()
        if self.engine.snapshot is not before or events or audits or staff:
            self.record(
                now,
                events,
                ticket_used=ticket_used,
                offline_ticket=offline_ticket,
                audits=audits,
                staff=staff,
            )
        return events

    def send(self, now: Instant, item: OutboxEvent) -> None:
        """An event for the console that changes nothing else, in its own transaction."""
        self._unsaved_outbox += (item,)
        self.record(now, [])

    def record(
        self,
        now: Instant,
        events: Sequence[ev.Event],
        *,
        ticket_used: int | None = None,
        offline_ticket: str | None = None,
        audits: tuple[AuditEntry, ...] = (),
        alive_at: dt.datetime | None = None,
        staff: StaffAction | None = None,
    ) -> None:
        """Persist the snapshot and what goes with it in one transaction, log, tell
        (``staff``: a staff action, which the console hears of when this PC is enrolled)."""
        finished: FinishedSession | None = None
        usage: MemberUsage | None = None
        session = self.engine.session
        if session is not None and any(isinstance(e, ev.SessionEnded) for e in events):
            finished, usage = finished_session(session, alive_at)
        # Events for the console go in the same transaction as the change that caused them.
        outbox = self._unsaved_outbox
        if self.console_events is not None:
            translated = self.console_events(
                events, at=now.wall, session=session, finished=finished, session_id=self.session_id
            )
            outbox += translated.outbox
            self.session_id = translated.session_id
        if staff is not None and self.staff_events is not None:
            outbox += (self.staff_events(staff.staff_id, staff.action, staff.detail, at=now.wall),)
        try:
            self.store.commit(
                Change(
                    self.engine.snapshot,
                    self.boot,
                    now.wall,
                    ticket_used,
                    finished,
                    usage,
                    audits,
                    outbox,
                    self.session_id,
                    offline_ticket,
                )
            )
            self._unsaved_outbox = ()
        except StoreError as exc:
            # The PC keeps working from memory; the next change tries again, with these
            # events for the console.
            self._unsaved_outbox = outbox
            event(log, "store_failed", logging.ERROR, error=str(exc))
        self.on_saved(bool(outbox) and not self._unsaved_outbox, bool(events))
        for item in events:
            fields = _event_fields(item)
            if isinstance(item, ev.WipeFinished):
                fields["recovery"] = self.recovering
            event(log, _event_name(item), **fields)
            self.on_event(item, now)
        self.on_recorded()

    def restore(self, now: Instant, journal_state: Callable[[], JournalState]) -> None:
        """Pick up where the last run left off.

        Same boot and a session running: resume it (its deadline is on the BOOTTIME clock,
        which kept counting). Another boot: end it and wipe. Half-done end or wipe, or a
        journal not CLEAN with nothing to resume: wipe again before any login.
        """
        try:
            stored = self.store.load_snapshot()
        except StoreError as exc:
            event(log, "snapshot_unreadable", logging.ERROR, error=str(exc))
            stored = None
            self.recovering = True
        journal = journal_state()
        engine = self.engine
        events: list[ev.Event] = []
        alive_at: dt.datetime | None = None
        if stored is not None:
            engine.snapshot = stored.snapshot
            self.session_id = stored.session_id
            same_boot = stored.boot_id == self.boot
            state = engine.state
            if not same_boot and state in VISITOR_STATES:
                alive_at = stored.alive_at
                events += engine.end(now, EndReason.REBOOT, Actor.system())
            elif not same_boot and state is State.DONE:
                events += engine.dismiss_receipt(now)  # its timer was on the last boot's clock
            elif state in VISITOR_STATES and journal is JournalState.WIPING:
                # A wipe began under a live session: the home is half erased, nothing to resume.
                events += engine.end(now, EndReason.STOPPED, Actor.system())
            elif state in VISITOR_STATES:
                # The shell has to come back (it reconnects on its own); if it does not, the
                # engine ends the session after its grace period.
                events += engine.shell_lost(now)
            event(
                log,
                "snapshot_restored",
                saved_state=state.value,
                state=engine.state.value,
                same_boot=same_boot,
                journal=journal.value,
            )
        if engine.state is State.DONE and journal is not JournalState.CLEAN:
            events += engine.dismiss_receipt(now)
        if engine.state is State.WAITING and (journal is not JournalState.CLEAN or self.recovering):
            events += engine.recover_unsure_wipe(now)
        if engine.state in WIPE_STATES:
            self.recovering = True
        self.record(now, events, alive_at=alive_at)


def finished_session(
    session: Session, alive_at: dt.datetime | None
) -> tuple[FinishedSession, MemberUsage | None]:
    """The anonymous record of an ended session and, for a member, the time to count."""
    assert session.started_wall is not None and session.ended_wall is not None
    allotted = session.base_seconds + session.extended_seconds
    if alive_at is not None:
        # Ended by a reboot: the clocks of that boot are gone; the last sign of life
        # is the best end time known.
        ended_at = max(alive_at, session.started_wall)
        used = (ended_at - session.started_wall).total_seconds()
    else:
        ended_at = session.ended_wall
        used = (session.ended_mono or 0.0) - (session.started_mono or 0.0)
    seconds = int(min(max(used, 0.0), allotted))
    finished = FinishedSession(
        login_mode=session.visitor.kind.value,
        language=session.language.value,
        rules_version=session.rules_version,
        started_at=session.started_wall,
        ended_at=ended_at,
        seconds_used=seconds,
        end_reason=(session.end_reason or EndReason.STOPPED).value,
        extended_seconds=session.extended_seconds,
        help_requested=session.help_asked,
    )
    usage = None
    if session.visitor.mode is LoginMode.MEMBER and session.visitor.reference:
        usage = MemberUsage(session.visitor.reference, session.started_wall.date(), seconds)
    return finished, usage
