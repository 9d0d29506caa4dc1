"""A visitor's session through the agent: countdown, warnings, idle, a lost screen, the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from helpers.kiosk_agent import AgentThread, ShellClient, open_all_day_policy

from kiosk.agent.wiper import FakeWiper
from kiosk.core.model import State


@pytest.fixture
def kiosk() -> Iterator[AgentThread]:
    """A running agent, open all day, 60-minute sessions, 10 minutes before idle."""
    with AgentThread(policy=open_all_day_policy(length_minutes=60)) as harness:
        yield harness


def test_the_countdown_warns_then_ends_and_wipes(kiosk: AgentThread) -> None:
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        started = shell.start_session(language="nl")
        assert started.ends_at == "11:00" and started.rules is None
        for _ in range(5):  # 50 minutes of a busy visitor
            assert shell.request("activity").ok
            kiosk.advance(minutes=9)
        assert shell.request("activity").ok
        kiosk.advance(minutes=5)
        warned = shell.wait_view(lambda v: v.state is State.WARNED)
        assert warned.warning_minutes == 10 and warned.seconds_left == 600
        kiosk.advance(seconds=1)
        ticking = shell.wait_view(lambda v: v.seconds_left == 599)
        assert ticking.state is State.WARNED
        kiosk.advance(minutes=10)
        done = shell.wait_view(lambda v: v.state is State.DONE)
        assert done.end_reason == "time_up" and done.receipt is not None

    store = kiosk.open_store()
    try:
        [record] = store.finished_sessions()
    finally:
        store.close()
    assert (record.login_mode, record.language, record.end_reason) == ("walk_in", "nl", "time_up")
    assert record.seconds_used == 60 * 60


def test_the_rules_are_shown_in_the_visitors_language_only_while_reading(
    kiosk: AgentThread,
) -> None:
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        assert shell.request("login", mode="walk_in", language="ar").ok
        rules = shell.wait_view(lambda v: v.state is State.RULES)
        assert rules.rules and rules.language == "ar"
        policy_rules = kiosk.policy.house_rules.in_language(kiosk.policy.languages[3])
        assert [r.short for r in rules.rules] == [text.short for _, text in policy_rules]
        assert shell.request("decline_rules").ok
        assert shell.wait_view(lambda v: v.state is State.WAITING).rules is None


def test_an_idle_visitor_is_asked_then_the_session_ends(kiosk: AgentThread) -> None:
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        shell.start_session()
        kiosk.advance(minutes=10)
        idle = shell.wait_view(lambda v: v.state is State.IDLE)
        assert idle.idle_seconds_left == 60
        assert shell.request("activity").ok  # still there
        shell.wait_view(lambda v: v.state is State.ACTIVE)
        kiosk.advance(minutes=10)
        shell.wait_view(lambda v: v.state is State.IDLE)
        kiosk.advance(seconds=61)
        assert shell.wait_view(lambda v: v.state is State.DONE).end_reason == "idle"


def test_a_killed_shell_does_not_mean_free_time(kiosk: AgentThread) -> None:
    shell = ShellClient(kiosk.socket_path)
    shell.hello()
    shell.start_session()
    shell.close()
    kiosk.wait_until(lambda: kiosk.agent.engine.snapshot.shell_lost_mono is not None)
    kiosk.advance(seconds=20)
    with ShellClient(kiosk.socket_path) as back:  # the shell restarts within the grace time
        assert back.hello().state is State.ACTIVE
    kiosk.wait_until(lambda: kiosk.agent.engine.snapshot.shell_lost_mono is not None)
    kiosk.advance(seconds=20)
    assert kiosk.engine_state() is State.ACTIVE, "the grace time started again when it left"
    kiosk.advance(seconds=11)
    assert kiosk.wait_for_state(State.DONE) is State.DONE
    assert kiosk.view().end_reason == "shell_lost"


def test_help_requests_are_shown_and_recorded(kiosk: AgentThread) -> None:
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        shell.start_session()
        assert shell.request("request_help").ok
        assert shell.wait_view(lambda v: v.help_requested).help_requested
        assert shell.request("end_session").ok
        assert shell.wait_view(lambda v: v.state is State.DONE).end_reason == "visitor"
    store = kiosk.open_store()
    try:
        [record] = store.finished_sessions()
    finally:
        store.close()
    assert record.help_requested and record.end_reason == "visitor"


def test_a_stop_ends_the_session_and_wipes(kiosk: AgentThread) -> None:
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        shell.start_session()
    planted = kiosk.home_dir / "Documents" / "draft.txt"
    planted.write_text("unsaved letter")
    kiosk.call(kiosk.agent.stop)
    assert not planted.exists()
    assert kiosk.journal_path.read_text().strip() == "CLEAN"
    assert kiosk.engine_state() is State.DONE


def test_a_failing_wipe_keeps_the_pc_closed_until_it_succeeds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    wiper = FakeWiper(fail_with=OSError(28, "No space left on device"))
    with AgentThread(wiper=wiper) as kiosk, ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        shell.start_session()
        assert shell.request("end_session").ok
        kiosk.wait_until(
            lambda: any(getattr(r, "event", "") == "wipe_failed" for r in caplog.records)
        )
        assert kiosk.engine_state() is State.WIPING
        refused = shell.request("login", mode="walk_in", language="fr")
        assert refused.error is not None and refused.error.code == "busy"
        wiper.fail_with = None  # the disk was freed
        shell.wait_view(lambda v: v.state is State.DONE)
        assert shell.start_session().state is State.ACTIVE
    failed = [r for r in caplog.records if getattr(r, "event", "") == "wipe_failed"]
    assert failed[0].exc_info is not None


def test_the_receipt_tells_the_time_used_and_what_a_ticket_did_not_use(
    kiosk: AgentThread,
) -> None:
    store = kiosk.open_store()
    try:
        now = kiosk.clock.now().wall
        [code] = store.create_tickets(1, 45, now + dt.timedelta(days=7), now)
    finally:
        store.close()
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        shell.start_session(mode="ticket", code=code)
        kiosk.advance(minutes=12)
        assert shell.request("end_session").ok
        done = shell.wait_view(lambda v: v.state is State.DONE)
    assert done.summary is not None
    assert done.summary.seconds_used == 12 * 60
    # A ticket is used once: the 33 minutes left on it are not kept, and the receipt says so.
    assert done.summary.ticket_unused_seconds == 33 * 60
    assert done.summary.pages_printed is None, "this PC does not meter printing"


def test_a_walk_in_receipt_has_no_ticket_line(kiosk: AgentThread) -> None:
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        shell.start_session()
        kiosk.advance(minutes=3, seconds=20)
        assert shell.request("end_session").ok
        done = shell.wait_view(lambda v: v.state is State.DONE)
    assert done.summary is not None
    assert (done.summary.seconds_used, done.summary.ticket_unused_seconds) == (200, None)
