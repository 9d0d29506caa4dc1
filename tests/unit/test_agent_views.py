"""What the visitor's screen is told, computed from the engine and the policy alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.agent.views import build_view
from kiosk.core import Actor, ActorKind, State
from kiosk.core.protocol import View
from policies import Language, Policy

BRUSSELS = ZoneInfo("Europe/Brussels")
Kiosk = Any  # the engine-and-clock helper of tests/unit/conftest.py


def _view(kiosk: Kiosk, animator_pin_set: bool = False) -> View:
    return build_view(kiosk.engine, kiosk.policy, kiosk.clock.now(), "PC-07", animator_pin_set)


def test_a_free_pc_shows_the_welcome_and_no_session(kiosk: Kiosk) -> None:
    view = _view(kiosk, animator_pin_set=True)
    assert view.state is State.WAITING
    assert view.pc_name == "PC-07" and view.animator_pin_set
    assert view.is_open and view.opens_at is None
    assert view.languages == kiosk.policy.languages
    assert view.rules is None and view.seconds_left is None and view.language is None


def test_the_rules_come_only_while_reading_in_the_visitors_language(kiosk: Kiosk) -> None:
    kiosk.login(language=Language.TR)
    view = _view(kiosk)
    assert view.state is State.RULES and view.language is Language.TR
    assert view.rules_version == kiosk.policy.house_rules.version
    assert view.rules is not None
    expected = kiosk.policy.house_rules.in_language(Language.TR)
    assert [(r.id, r.short) for r in view.rules] == [(rule.id, t.short) for rule, t in expected]
    kiosk.accept(Language.TR)
    assert _view(kiosk).rules is None


def test_a_running_session_shows_time_left_and_end_time(kiosk: Kiosk) -> None:
    kiosk.start()
    view = _view(kiosk)
    assert view.state is State.ACTIVE
    assert view.seconds_left == 60 * 60 and view.ends_at == "11:00"
    assert view.warning_minutes is None
    kiosk.busy(minutes=50)
    warned = _view(kiosk)
    assert warned.state is State.WARNED and warned.warning_minutes == 10
    assert warned.seconds_left == 10 * 60 and warned.ends_at == "11:00"
    kiosk.busy(minutes=9)
    final = _view(kiosk)
    assert final.state is State.FINAL and final.warning_minutes == 1


def test_an_idle_visitor_sees_the_idle_countdown(kiosk: Kiosk) -> None:
    kiosk.start()
    kiosk.after(minutes=kiosk.policy.session.idle_timeout_minutes)
    view = _view(kiosk)
    assert view.state is State.IDLE
    assert view.idle_seconds_left == kiosk.policy.session.idle_warning_seconds
    kiosk.clock.advance(seconds=15)
    assert _view(kiosk).idle_seconds_left == kiosk.policy.session.idle_warning_seconds - 15


def test_after_the_session_the_receipt_and_reason_are_shown(kiosk: Kiosk) -> None:
    kiosk.reach(State.DONE)
    view = _view(kiosk)
    assert view.receipt is not None and view.receipt.erased["files"] == 12
    assert view.end_reason == "visitor"
    assert view.seconds_left is None


def test_staff_lock_and_message_are_shown(kiosk: Kiosk) -> None:
    staff = Actor(ActorKind.CONSOLE, "ana")
    kiosk.engine.lock(kiosk.clock.now(), staff)
    kiosk.engine.send_message(kiosk.clock.now(), "Fermeture dans 15 minutes", staff)
    view = _view(kiosk)
    assert view.locked
    assert view.message is not None and view.message.text == "Fermeture dans 15 minutes"


def test_a_closed_room_says_when_it_opens(
    make_kiosk: Callable[..., Kiosk], make_policy: Callable[..., Policy]
) -> None:
    hours = make_policy(always_open=False)  # the default: Monday-Friday 10-18, Saturday 9:30
    early = make_kiosk(hours, dt.datetime(2024, 3, 4, 8, 0, tzinfo=BRUSSELS))
    view = _view(early)
    assert not view.is_open and view.opens_at == "10:00"
    sunday = make_kiosk(hours, dt.datetime(2024, 3, 3, 12, 0, tzinfo=BRUSSELS))
    assert _view(sunday).opens_at == "2024-03-04 10:00"
