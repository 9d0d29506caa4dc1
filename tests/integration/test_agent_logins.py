"""Tickets, member cards and the animator PIN: what a visitor or a guesser can and cannot do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest_shell import error_code, shell
from helpers.kiosk_agent import AgentThread, ShellClient, open_all_day_policy

from kiosk.agent.credentials import hash_pin
from kiosk.core.model import State

__all__ = ["shell"]

ANIMATOR_PIN = "2468"


@pytest.fixture
def kiosk() -> Iterator[AgentThread]:
    """A running agent, open all day, with an animator PIN and a long idle timeout."""
    policy = open_all_day_policy(
        length_minutes=60, daily_allowance_minutes=90, idle_timeout_minutes=240
    )
    with AgentThread(policy=policy, animator_pin=ANIMATOR_PIN) as harness:
        yield harness


def _finish_session(kiosk: AgentThread, shell: ShellClient) -> None:
    assert shell.request("end_session").ok
    shell.wait_view(lambda v: v.state is State.DONE)
    assert shell.request("dismiss_receipt").ok
    shell.wait_view(lambda v: v.state is State.WAITING)


def _tickets(kiosk: AgentThread, count: int = 1, minutes: int = 30, days: int = 7) -> list[str]:
    store = kiosk.open_store()
    try:
        now = kiosk.clock.now().wall
        return store.create_tickets(count, minutes, now + dt.timedelta(days=days), now)
    finally:
        store.close()


def _add_member(kiosk: AgentThread, card: str, pin: str, daily: int | None = None) -> None:
    store = kiosk.open_store()
    try:
        store.add_member(card, hash_pin(pin), daily)
    finally:
        store.close()


# -- tickets -----------------------------------------------------------------------------


def test_a_ticket_gives_its_minutes_once(kiosk: AgentThread, shell: ShellClient) -> None:
    [code] = _tickets(kiosk, minutes=30)
    typed = code.replace("-", " ")  # visitors type it with a space, a dash, or nothing
    view = shell.start_session(mode="ticket", code=typed)
    assert view.seconds_left == 30 * 60
    _finish_session(kiosk, shell)

    again = shell.request("login", mode="ticket", language="fr", code=code.replace("-", ""))
    assert error_code(again) == "bad_ticket"


def test_a_ticket_is_spent_only_when_the_session_starts(
    kiosk: AgentThread, shell: ShellClient
) -> None:
    [code] = _tickets(kiosk)
    assert shell.request("login", mode="ticket", language="en", code=code).ok
    shell.wait_view(lambda v: v.state is State.RULES)
    assert shell.request("decline_rules").ok  # changed their mind: the ticket is still good
    shell.wait_view(lambda v: v.state is State.WAITING)
    assert shell.start_session(mode="ticket", language="en", code=code).state is State.ACTIVE


def test_an_expired_ticket_is_refused(kiosk: AgentThread, shell: ShellClient) -> None:
    [code] = _tickets(kiosk, days=1)
    kiosk.advance(minutes=2 * 24 * 60)
    reply = shell.request("login", mode="ticket", language="fr", code=code)
    assert error_code(reply) == "bad_ticket"
    assert reply.error is not None and "expired" in reply.error.message


def test_ticket_guessing_makes_the_pc_wait(kiosk: AgentThread, shell: ShellClient) -> None:
    """Three wrong codes are free, then tries wait (see test_agent_guessing.py)."""
    [code] = _tickets(kiosk)
    for guess in range(3):
        reply = shell.request("login", mode="ticket", language="fr", code=f"{guess:08d}")
        assert error_code(reply) == "bad_ticket"
    reply = shell.request("login", mode="ticket", language="fr", code=code)
    assert error_code(reply) == "too_many_tries"
    assert reply.error is not None and reply.error.retry_after == 30
    kiosk.advance(seconds=30)
    assert shell.request("login", mode="ticket", language="fr", code=code).ok


# -- members -----------------------------------------------------------------------------


def test_a_member_needs_the_right_pin(kiosk: AgentThread, shell: ShellClient) -> None:
    _add_member(kiosk, "1001", "4321")
    wrong = shell.request("login", mode="member", language="fr", card="1001", pin="1234")
    assert error_code(wrong) == "wrong_pin"
    unknown = shell.request("login", mode="member", language="fr", card="9999", pin="4321")
    assert error_code(unknown) == "wrong_pin", "an unknown card looks like a wrong PIN"
    assert shell.start_session(mode="member", card="1001", pin="4321").state is State.ACTIVE


def test_a_banned_member_is_told_so_only_with_the_right_pin(
    kiosk: AgentThread, shell: ShellClient
) -> None:
    _add_member(kiosk, "1002", "1111")
    store = kiosk.open_store()
    store.ban_member("1002", kiosk.clock.now().wall + dt.timedelta(days=3), "damaged a mouse")
    store.close()
    wrong = shell.request("login", mode="member", language="fr", card="1002", pin="0000")
    assert error_code(wrong) == "wrong_pin"
    right = shell.request("login", mode="member", language="fr", card="1002", pin="1111")
    assert error_code(right) == "member_banned"
    kiosk.advance(minutes=4 * 24 * 60)
    assert shell.request("login", mode="member", language="fr", card="1002", pin="1111").ok


def test_pin_guessing_is_rate_limited(kiosk: AgentThread, shell: ShellClient) -> None:
    _add_member(kiosk, "1003", "8080")
    for guess in ("0000", "1111", "2222"):
        reply = shell.request("login", mode="member", language="fr", card="1003", pin=guess)
        assert error_code(reply) == "wrong_pin"
    blocked = shell.request("login", mode="member", language="fr", card="1003", pin="8080")
    assert error_code(blocked) == "too_many_tries", "even the right PIN waits"
    assert blocked.error is not None and blocked.error.retry_after == 30
    kiosk.advance(seconds=30)
    assert shell.request("login", mode="member", language="fr", card="1003", pin="8080").ok


def test_a_members_daily_allowance_spans_sessions(kiosk: AgentThread, shell: ShellClient) -> None:
    _add_member(kiosk, "1004", "2020")
    first = shell.start_session(mode="member", card="1004", pin="2020")
    assert first.seconds_left == 60 * 60  # the session length comes first
    kiosk.advance(minutes=50)
    _finish_session(kiosk, shell)

    second = shell.start_session(mode="member", card="1004", pin="2020")
    assert second.seconds_left == 40 * 60, "90 minutes a day, 50 already used"
    store = kiosk.open_store()
    try:
        today = kiosk.clock.now().wall.date()
        assert store.member_seconds_used("1004", today) == 50 * 60
        assert [s.login_mode for s in store.finished_sessions()] == ["member"]
    finally:
        store.close()


def test_a_members_own_allowance_overrides_the_policy(
    kiosk: AgentThread, shell: ShellClient
) -> None:
    _add_member(kiosk, "1005", "3030", daily=20)
    view = shell.start_session(mode="member", card="1005", pin="3030")
    assert view.seconds_left == 20 * 60


# -- animator ----------------------------------------------------------------------------


def test_the_animator_pin_is_rate_limited_and_audited(
    kiosk: AgentThread, shell: ShellClient
) -> None:
    shell.start_session()
    for guess in ("0000", "1234", "1111", "9999", "2222"):
        reply = shell.request("animator", pin=guess, action="extend", minutes=30)
        assert error_code(reply) == "wrong_pin"
    blocked = shell.request("animator", pin=ANIMATOR_PIN, action="extend", minutes=30)
    assert error_code(blocked) == "too_many_tries"
    assert blocked.error is not None and blocked.error.retry_after == 30
    kiosk.advance(seconds=30)
    assert shell.request("animator", pin=ANIMATOR_PIN, action="extend", minutes=30).ok
    view = shell.wait_view(lambda v: v.seconds_left is not None and v.seconds_left > 60 * 60)
    assert view.seconds_left == (60 + 30) * 60 - 30

    store = kiosk.open_store()
    try:
        actions = [(a.actor_kind, a.action) for a in store.audit_entries()]
    finally:
        store.close()
    assert actions == [("animator", "pin_refused")] * 5 + [("animator", "extend")]


def test_an_animator_lock_stops_new_logins(kiosk: AgentThread, shell: ShellClient) -> None:
    assert shell.request("animator", pin=ANIMATOR_PIN, action="lock").ok
    assert shell.wait_view(lambda v: v.locked).locked
    assert error_code(shell.request("login", mode="walk_in", language="fr")) == "locked"
    assert shell.request("animator", pin=ANIMATOR_PIN, action="unlock").ok
    assert shell.start_session().state is State.ACTIVE
    assert shell.request("animator", pin=ANIMATOR_PIN, action="end").ok
    assert shell.wait_view(lambda v: v.state is State.DONE).end_reason == "staff"


def test_a_stale_button_is_refused_not_a_crash(kiosk: AgentThread, shell: ShellClient) -> None:
    reply = shell.request("accept_rules", rules_version="whatever", language="fr")
    assert error_code(reply) == "not_allowed"
    assert error_code(shell.request("dismiss_receipt")) == "not_allowed"
    assert error_code(shell.request("end_session")) == "no_session"
    assert shell.request("ping").ok
