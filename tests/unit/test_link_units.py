"""Pure parts of the console link: events for the console, backoff, fingerprints."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from epn_shared.protocol import decode_kiosk_frame
from kiosk.agent.link import Backoff, ConsoleSettings, normalise_fingerprint
from kiosk.agent.outbox import console_events
from kiosk.agent.store import FinishedSession
from kiosk.core import events as ev
from kiosk.core.model import Actor, EndReason, Session, Visitor, WipeReceipt
from policies import Language, Limit, LoginMode

AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def counter() -> object:
    numbers = itertools.count(1)
    return lambda: f"id-{next(numbers):08d}"


def member_session() -> Session:
    return Session(
        visitor=Visitor(LoginMode.MEMBER, reference="4242"),
        language=Language.AR,
        logged_in_wall=AT,
        last_activity_mono=0.0,
    )


def test_a_session_keeps_one_id_from_start_to_end() -> None:
    new_id = counter()
    started = console_events(
        [ev.SessionStarted(LoginMode.MEMBER, Language.AR, "rules-3", 3600, next(iter(Limit)))],
        at=AT,
        session=member_session(),
        finished=None,
        session_id=None,
        new_id=new_id,  # type: ignore[arg-type]
    )
    (frame,) = [decode_kiosk_frame(o.frame) for o in started.outbox]
    assert frame.type == "event" and frame.body.kind == "session_started"
    assert frame.body.login == "member" and frame.body.member_card == "4242"
    assert frame.body.language == "ar" and frame.body.seconds == 3600
    session_id = started.session_id
    assert session_id == frame.body.session_id

    helped = console_events(
        [ev.HelpRequested()],
        at=AT,
        session=member_session(),
        finished=None,
        session_id=session_id,
        new_id=new_id,  # type: ignore[arg-type]
    )
    assert decode_kiosk_frame(helped.outbox[0].frame).body.session_id == session_id

    finished = FinishedSession("member", "ar", "rules-3", AT, AT, 1200, "time_up", 600, True)
    ended = console_events(
        [ev.Extended(5, Actor.system(), 60), ev.SessionEnded(EndReason.TIME_UP, Actor.system())],  # type: ignore[arg-type]
        at=AT,
        session=member_session(),
        finished=finished,
        session_id=session_id,
        new_id=new_id,  # type: ignore[arg-type]
    )
    body = decode_kiosk_frame(ended.outbox[0].frame).body
    assert body.kind == "session_ended" and body.session_id == session_id
    assert (body.reason, body.seconds_used, body.extended_seconds, body.help_requested) == (
        "time_up",
        1200,
        600,
        True,
    )
    assert ended.session_id is None
    assert len({o.event_id for o in (*started.outbox, *helped.outbox, *ended.outbox)}) == 3


def test_a_wipe_counts_its_items_and_local_events_stay_local() -> None:
    receipt = WipeReceipt(erased=(("files", 3), ("browser", 1)), bytes_erased=10, seconds=0.5)
    done = console_events(
        [ev.WipeStarted(), ev.WipeFinished(receipt), ev.ReadyForNextVisitor()],
        at=AT,
        session=None,
        finished=None,
        session_id=None,
    )
    (only,) = done.outbox
    body = decode_kiosk_frame(only.frame).body
    assert body.kind == "wipe_finished" and body.items == 4
    assert only.created_at == AT


def test_backoff_is_full_jitter_up_to_a_cap_and_resets() -> None:
    backoff = Backoff(0.5, 30.0, random.Random(7))
    ceilings = []
    for _ in range(12):
        ceiling = backoff.ceiling()
        wait = backoff.next()
        assert 0.0 <= wait <= ceiling
        ceilings.append(ceiling)
    assert ceilings[:4] == [0.5, 1.0, 2.0, 4.0]
    assert max(ceilings) == 30.0
    backoff.reset()
    assert backoff.ceiling() == 0.5


@pytest.mark.parametrize(
    "text", ["AB:" * 31 + "AB", "ab" * 32, "sha256/" + "ab" * 32, " " + "Ab" * 32 + " "]
)
def test_fingerprints_are_read_in_the_usual_spellings(text: str) -> None:
    assert normalise_fingerprint(text) == "ab" * 32


def test_console_settings_refuse_other_schemes_and_bad_fingerprints() -> None:
    with pytest.raises(ValueError, match="ws:// or wss://"):
        ConsoleSettings(url="https://console:8443/ws/kiosk")
    with pytest.raises(ValueError, match="64 hex"):
        ConsoleSettings(url="wss://console:8443/ws/kiosk", fingerprint_sha256="abcd")
