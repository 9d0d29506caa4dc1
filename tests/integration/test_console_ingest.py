"""Events of many PCs at once: each stored exactly once and acknowledged, and what they mean
for the usage review and the help queue counted right, when the console stores the events
that arrive together from several PCs in one transaction; a PC whose events cannot be
stored holds back nobody else's."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import uuid
from collections.abc import Sequence

from conftest_pg import admin, data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer, KioskSocket, StaffLogin
from sqlalchemy.orm import Session, sessionmaker

from admin_console.server.db.repositories.events import Arrival, EventRepository, NewEvent
from admin_console.server.ingest import EventWriter
from admin_console.server.sessions import SessionFolding
from admin_console.server.tls import ensure_ticket_key
from epn_shared.protocol import (
    Ack,
    Event,
    HelpRequestedBody,
    LoginKind,
    PrintJobBody,
    SessionEndedBody,
    SessionStartedBody,
)

__all__ = ["admin", "data_dir", "database_url", "postgres", "server"]

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PCS = 12
SESSIONS = 3


def a_day(start: dt.datetime) -> tuple[list[str], list[Event]]:
    """A PC's sessions (their ids) and its events: each visitor starts, prints 2 pages,
    calls for help, and leaves before anybody came."""
    sessions, events = [], []
    for n in range(SESSIONS):
        session = uuid.uuid4().hex
        at = start + dt.timedelta(hours=n)
        sessions.append(session)
        bodies = [
            SessionStartedBody(
                session_id=session,
                login=LoginKind.WALK_IN,
                language="nl",
                rules_version="2026-1",
                seconds=3600,
            ),
            PrintJobBody(session_id=session, outcome="released", pages=2, sheets=2, cost_cents=20),
            HelpRequestedBody(session_id=session),
            SessionEndedBody(
                session_id=session, reason="visitor", seconds_used=1200, extended_seconds=0
            ),
        ]
        for minute, body in enumerate(bodies):
            events.append(
                Event(id=uuid.uuid4().hex, at=at + dt.timedelta(minutes=minute), body=body)
            )
    return sessions, events


def test_many_pcs_sending_at_once_have_each_event_stored_once_and_counted_right(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    pcs = [server.enroll(admin, f"PC-{n:02d}") for n in range(PCS)]
    days = [a_day(AT) for _ in pcs]
    start = threading.Barrier(PCS)
    acked: dict[int, set[str]] = {}
    failures: list[BaseException] = []

    def run_pc(index: int, token: str) -> None:
        _sessions, events = days[index]
        # Its whole outbox at once, as after a console restart, the first two sent twice
        # (their acks lost, say): everything the console holds must still count once.
        frames = [*events, *events[:2]]
        try:
            with KioskSocket(server, token) as socket:
                start.wait(10)
                for e in frames:
                    socket.send(e)
                got: set[str] = set()
                while got != {e.id for e in events}:
                    frame = socket.recv(timeout=30)
                    assert isinstance(frame, Ack), frame
                    got.update(frame.ids)
                acked[index] = got
        except BaseException as exc:
            failures.append(exc)
            start.abort()

    threads = [
        threading.Thread(target=run_pc, args=(index, token)) for index, (_, token) in enumerate(pcs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures[0]
    assert len(acked) == PCS

    repos = server.console.repos
    for (kiosk_id, _token), (sessions, events) in zip(pcs, days, strict=True):
        assert repos.events.count(kiosk_id) == len(events)
        for session_id in sessions:
            facts = repos.sessions.get(session_id)
            assert facts is not None
            assert facts.kiosk_id == kiosk_id
            assert facts.ended_at is not None
            assert (facts.pages, facts.sheets, facts.cost_cents) == (2, 2, 20)
            assert facts.help_calls == 1
            assert not facts.helped
    # Every visitor left before anybody came: no call is left waiting in the queue.
    assert repos.help.open_calls() == []
    with server.client(admin) as http:
        page = http.get("/api/events", params={"limit": 1}).json()
    assert page["total"] == PCS * SESSIONS * 4


class FailingFor:
    """The console's folding, failing (as a bug would) for one PC's events."""

    def __init__(self, fold: SessionFolding, kiosk_id: int) -> None:
        self.fold = fold
        self.kiosk_id = kiosk_id

    def __call__(self, s: Session, arrivals: Sequence[Arrival]) -> None:
        if any(a.kiosk_id == self.kiosk_id for a in arrivals):
            raise RuntimeError("a bug in folding this PC's events")
        self.fold(s, arrivals)


def new_events(events: list[Event]) -> list[NewEvent]:
    return [NewEvent(e.id, e.at, e.body.kind, e.body.model_dump(mode="json")) for e in events]


def test_a_pc_whose_events_cannot_be_stored_holds_back_nobody_else(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    (good, _), (bad, _), (other, _) = (server.enroll(admin, n) for n in ("A", "B", "C"))
    fold = SessionFolding(ensure_ticket_key(server.console.settings.data_dir))
    events = EventRepository(sessionmaker(server.console.engine), FailingFor(fold, bad))
    days = {kiosk: new_events(a_day(AT)[1]) for kiosk in (good, bad, other)}
    now = dt.datetime.now(dt.UTC)

    async def arrive_together() -> list[list[NewEvent] | BaseException]:
        writer = EventWriter(events)
        try:
            # Stored together: all three are waiting when the writer first runs.
            return await asyncio.gather(
                *(writer.store(k, days[k], now) for k in (good, bad, other)),
                return_exceptions=True,
            )
        finally:
            await writer.close()

    stored_good, stored_bad, stored_other = asyncio.run(arrive_together())
    assert isinstance(stored_bad, RuntimeError)
    assert stored_good == days[good]
    assert stored_other == days[other]
    assert events.count(bad) == 0  # nothing of it kept: the PC sends it all again
    assert events.count(good) == events.count(other) == len(days[good])

    # Sent again, with the fault gone, every event of it counts once.
    repos = server.console.repos
    assert repos.events.add_once(bad, days[bad], now) == days[bad]
    assert repos.events.add_once(bad, days[bad], now) == []
    assert repos.events.count(bad) == len(days[bad])


def test_the_same_event_from_two_arrivals_stored_together_is_new_once(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    kiosk_id, _token = server.enroll(admin, "A")
    day = new_events(a_day(AT)[1])
    now = dt.datetime.now(dt.UTC)
    writer = EventWriter(server.console.repos.events)

    async def twice() -> tuple[list[NewEvent], list[NewEvent]]:
        try:
            # A PC that reconnected sends its outbox again while the first copy still waits.
            return await asyncio.gather(
                writer.store(kiosk_id, day[:6], now), writer.store(kiosk_id, day, now)
            )
        finally:
            await writer.close()

    first, second = asyncio.run(twice())
    assert first == day[:6]
    assert second == day[6:]
    assert server.console.repos.events.count(kiosk_id) == len(day)
    for session in {str(e.body["session_id"]) for e in day}:
        facts = server.console.repos.sessions.get(session)
        assert facts is not None and facts.pages == 2
