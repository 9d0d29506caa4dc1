"""Time in the session engine: warnings, extensions, idle visitors, a lost shell, clock jumps.

The clock is a fake one moved by the tests; nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kiosk.core import Actor, ActorKind, EndReason, State, WipeReceipt
from kiosk.core.engine import DONE_SCREEN_SECONDS, SHELL_GRACE_SECONDS
from kiosk.core.events import (
    ActivityResumed,
    Extended,
    FinalCountdown,
    IdleWarned,
    ReadyForNextVisitor,
    RulesAbandoned,
    SessionEnded,
    StateChanged,
    Warned,
    WipeFinished,
    WipeStarted,
)
from policies import Limit, LoginMode, default_policy

S = State
SYSTEM = Actor.system()
ANIMATOR = Actor(ActorKind.CONSOLE, "ana")
RECEIPT = WipeReceipt((("files", 7), ("downloads", 2)), 2_000_000, 1.5)
BRUSSELS = ZoneInfo("Europe/Brussels")


def time_up(source: State) -> list[object]:
    return [StateChanged(source, S.ENDING), SessionEnded(EndReason.TIME_UP, SYSTEM)]


# -- warnings ----------------------------------------------------------------------------


def test_a_full_session_warns_at_10_5_and_1_minutes_then_ends(kiosk) -> None:
    kiosk.start()
    assert kiosk.busy(minutes=60, step_seconds=15) == [
        StateChanged(S.ACTIVE, S.WARNED),
        Warned(10, 600),
        Warned(5, 300),
        StateChanged(S.WARNED, S.FINAL),
        FinalCountdown(60),
        *time_up(S.FINAL),
    ]


def test_the_first_warning_comes_exactly_10_minutes_before_the_end(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=49)
    kiosk.clock.advance(seconds=59)
    kiosk.activity()
    assert kiosk.tick() == []
    assert kiosk.seconds_left() == 601
    kiosk.clock.advance(seconds=1)
    kiosk.activity()
    assert kiosk.tick() == [StateChanged(S.ACTIVE, S.WARNED), Warned(10, 600)]


def test_the_session_ends_exactly_at_the_deadline(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=59)
    kiosk.clock.advance(seconds=59.5)
    assert kiosk.tick() == []
    assert kiosk.seconds_left() == 1
    kiosk.clock.advance(seconds=0.5)
    assert kiosk.tick() == time_up(S.FINAL)
    assert kiosk.engine.session.ended_mono == kiosk.engine.session.deadline_mono


def test_warnings_are_configurable(make_kiosk, make_policy) -> None:
    kiosk = make_kiosk(
        make_policy({"session": {"length_minutes": 30, "warnings_minutes": [2, 15]}})
    )
    kiosk.start()
    assert kiosk.busy(minutes=30) == [
        StateChanged(S.ACTIVE, S.WARNED),
        Warned(15, 900),
        StateChanged(S.WARNED, S.FINAL),
        FinalCountdown(120),
        *time_up(S.FINAL),
    ]


def test_a_single_warning_is_the_final_countdown(make_kiosk, make_policy) -> None:
    kiosk = make_kiosk(make_policy({"session": {"warnings_minutes": [3]}}))
    kiosk.start()
    assert kiosk.busy(minutes=60) == [
        StateChanged(S.ACTIVE, S.FINAL),
        FinalCountdown(180),
        *time_up(S.FINAL),
    ]


def test_a_session_starting_3_minutes_before_closing(make_kiosk) -> None:
    kiosk = make_kiosk(default_policy(), dt.datetime(2024, 3, 4, 17, 57, tzinfo=BRUSSELS))
    started = kiosk.start()[-1]
    assert (started.seconds, started.limited_by) == (180, Limit.CLOSING_TIME)
    # Told at once that time is short (the 10-minute warning is not given on top),
    # then the final countdown at 1 minute, then the end at closing time.
    assert kiosk.tick() == [StateChanged(S.ACTIVE, S.WARNED), Warned(5, 180)]
    assert kiosk.busy(minutes=3, step_seconds=10) == [
        StateChanged(S.WARNED, S.FINAL),
        FinalCountdown(60),
        *time_up(S.FINAL),
    ]
    assert kiosk.clock.wall == dt.datetime(2024, 3, 4, 18, 0, tzinfo=BRUSSELS)


def test_a_one_minute_session_starts_in_the_final_countdown(make_kiosk) -> None:
    kiosk = make_kiosk(default_policy(), dt.datetime(2024, 3, 4, 17, 59, tzinfo=BRUSSELS))
    kiosk.start()
    assert kiosk.tick() == [StateChanged(S.ACTIVE, S.FINAL), FinalCountdown(60)]


def test_time_left_is_never_negative(kiosk) -> None:
    kiosk.start()
    kiosk.clock.advance(minutes=300)
    assert kiosk.seconds_left() == 0
    kiosk.tick()
    assert kiosk.seconds_left() is None


def test_time_left_counts_whole_seconds_up(kiosk) -> None:
    kiosk.start()
    kiosk.clock.advance(seconds=0.25)
    assert kiosk.seconds_left() == 3600
    kiosk.clock.advance(seconds=0.75)
    assert kiosk.seconds_left() == 3599


# -- extensions --------------------------------------------------------------------------


def test_an_extension_moves_the_deadline_and_rearms_the_warnings(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=52)
    deadline = kiosk.engine.session.deadline_mono
    assert kiosk.extend(5) == [StateChanged(S.WARNED, S.ACTIVE), Extended(5, ANIMATOR, 780)]
    session = kiosk.engine.session
    assert session.deadline_mono == deadline + 300
    assert session.extended_seconds == 300
    assert session.warnings_given == frozenset()
    assert kiosk.busy(minutes=13) == [
        StateChanged(S.ACTIVE, S.WARNED),
        Warned(10, 600),
        Warned(5, 300),
        StateChanged(S.WARNED, S.FINAL),
        FinalCountdown(60),
        *time_up(S.FINAL),
    ]


def test_a_small_extension_keeps_the_warning_already_given(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=52)  # 8 minutes left, warned at 10
    assert kiosk.extend(1) == [Extended(1, ANIMATOR, 540)]
    assert kiosk.state is S.WARNED
    assert kiosk.busy(minutes=4) == [Warned(5, 300)]


def test_an_extension_during_the_final_countdown_goes_back_to_warned(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=59, step_seconds=30)
    kiosk.clock.advance(seconds=30)
    assert kiosk.extend(3) == [StateChanged(S.FINAL, S.WARNED), Extended(3, ANIMATOR, 210)]
    assert kiosk.busy(minutes=3, step_seconds=30) == [
        StateChanged(S.WARNED, S.FINAL),
        FinalCountdown(60),
    ]
    assert kiosk.busy(minutes=1) == time_up(S.FINAL)


def test_a_big_extension_during_the_final_countdown_goes_back_to_active(kiosk) -> None:
    kiosk.reach(S.FINAL)
    assert kiosk.extend(45) == [StateChanged(S.FINAL, S.ACTIVE), Extended(45, ANIMATOR, 2760)]


def test_an_extension_while_idle_keeps_asking_if_the_visitor_is_there(kiosk) -> None:
    kiosk.reach(S.IDLE)
    assert kiosk.extend(20) == [Extended(20, ANIMATOR, 70 * 60)]
    assert kiosk.state is S.IDLE
    assert kiosk.activity() == [StateChanged(S.IDLE, S.ACTIVE), ActivityResumed()]
    assert kiosk.seconds_left() == 70 * 60


def test_extensions_add_up(kiosk) -> None:
    kiosk.start()
    kiosk.extend(10)
    kiosk.busy(minutes=5)
    kiosk.extend(20, Actor(ActorKind.ANIMATOR, "karim"))
    session = kiosk.engine.session
    assert session.extended_seconds == 30 * 60
    assert session.deadline_mono - session.started_mono == 90 * 60
    assert session.base_seconds == 60 * 60
    assert kiosk.seconds_left() == 85 * 60


def test_an_extension_may_go_beyond_a_tickets_minutes(kiosk) -> None:
    kiosk.start(LoginMode.TICKET, ticket_minutes=15)
    kiosk.extend(30)
    assert kiosk.seconds_left() == 45 * 60


def test_an_extension_after_the_time_ran_out_tells_no_negative_time(kiosk) -> None:
    kiosk.start()
    kiosk.clock.advance(minutes=120)  # suspended; no tick yet
    events = kiosk.extend(30)
    assert [e.seconds_left for e in events if isinstance(e, Extended)] == [0]
    assert kiosk.seconds_left() == 0
    # The time was up before the extension came: the session still ends.
    assert kiosk.tick() == time_up(S.ACTIVE)


# -- idle visitors -----------------------------------------------------------------------


def test_an_idle_visitor_is_warned_then_the_session_ends(kiosk) -> None:
    kiosk.start()
    kiosk.clock.advance(minutes=9, seconds=59)
    assert kiosk.tick() == []
    assert kiosk.after(seconds=1) == [StateChanged(S.ACTIVE, S.IDLE), IdleWarned(60)]
    assert kiosk.engine.session.idle_deadline_mono == kiosk.clock.mono + 60
    assert kiosk.after(seconds=59) == []
    assert kiosk.after(seconds=1) == [
        StateChanged(S.IDLE, S.ENDING),
        SessionEnded(EndReason.IDLE, SYSTEM),
    ]
    assert kiosk.engine.session.end_reason is EndReason.IDLE


def test_an_idle_visitor_who_comes_back_continues(kiosk) -> None:
    kiosk.start()
    kiosk.after(minutes=10)
    kiosk.clock.advance(seconds=45)
    assert kiosk.activity() == [StateChanged(S.IDLE, S.ACTIVE), ActivityResumed()]
    assert kiosk.engine.session.idle_deadline_mono is None
    assert kiosk.seconds_left() == 60 * 60 - 10 * 60 - 45
    # The idle timeout counts again from the last input.
    assert kiosk.after(minutes=9, seconds=59) == []
    assert kiosk.after(seconds=1) == [StateChanged(S.ACTIVE, S.IDLE), IdleWarned(60)]


def test_input_now_and_then_keeps_the_session(kiosk) -> None:
    kiosk.start()
    assert kiosk.busy(minutes=45, step_seconds=9 * 60) == []
    assert kiosk.state is S.ACTIVE


def test_the_idle_timeout_and_warning_are_configurable(make_kiosk, make_policy) -> None:
    policy = make_policy({"session": {"idle_timeout_minutes": 3, "idle_warning_seconds": 20}})
    kiosk = make_kiosk(policy)
    kiosk.start()
    assert kiosk.after(minutes=3) == [StateChanged(S.ACTIVE, S.IDLE), IdleWarned(20)]
    assert kiosk.after(seconds=20)[-1] == SessionEnded(EndReason.IDLE, SYSTEM)


def test_time_up_during_the_idle_warning_is_time_up(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=49)
    kiosk.after(minutes=1)
    assert kiosk.after(minutes=9, seconds=30)[-1] == IdleWarned(60)
    assert kiosk.after(seconds=30) == time_up(S.IDLE)


def test_a_visitor_warned_before_going_idle_comes_back_warned(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=49)
    kiosk.after(minutes=1)  # Warned(10)
    kiosk.after(minutes=8, seconds=50)  # Warned(5) is due but the visitor is idle first
    kiosk.after(seconds=10)
    assert kiosk.state is S.IDLE
    assert kiosk.activity() == [StateChanged(S.IDLE, S.WARNED), ActivityResumed()]
    assert kiosk.tick() == [StateChanged(S.WARNED, S.FINAL), FinalCountdown(60)]


def test_the_rules_screen_left_alone_goes_back_to_the_first_screen(kiosk) -> None:
    kiosk.login()
    assert kiosk.after(minutes=5) == []
    kiosk.activity()  # still reading
    assert kiosk.after(minutes=9, seconds=59) == []
    assert kiosk.after(seconds=1) == [
        StateChanged(S.RULES, S.WAITING),
        RulesAbandoned(declined=False),
    ]
    assert kiosk.engine.session is None


# -- a lost shell ------------------------------------------------------------------------


def test_a_lost_shell_ends_the_session_after_the_grace_period(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=5)
    kiosk.engine.shell_lost(kiosk.clock.now())
    assert kiosk.after(seconds=SHELL_GRACE_SECONDS - 1) == []
    assert kiosk.after(seconds=1) == [
        StateChanged(S.ACTIVE, S.ENDING),
        SessionEnded(EndReason.SHELL_LOST, SYSTEM),
    ]


def test_a_shell_back_in_time_continues_the_session(kiosk) -> None:
    kiosk.start()
    kiosk.engine.shell_lost(kiosk.clock.now())
    kiosk.clock.advance(seconds=20)
    kiosk.engine.shell_back(kiosk.clock.now())
    assert kiosk.busy(minutes=2) == []
    assert kiosk.state is S.ACTIVE
    # Time kept running while the shell was away: a killed shell is never free time.
    assert kiosk.seconds_left() == 3600 - 20 - 120


def test_the_grace_period_counts_from_the_first_loss(kiosk) -> None:
    kiosk.start()
    kiosk.engine.shell_lost(kiosk.clock.now())
    kiosk.clock.advance(seconds=20)
    kiosk.engine.shell_lost(kiosk.clock.now())  # the agent notices again
    assert kiosk.after(seconds=10)[-1] == SessionEnded(EndReason.SHELL_LOST, SYSTEM)


def test_a_shell_lost_again_gets_a_new_grace_period(kiosk) -> None:
    kiosk.start()
    kiosk.engine.shell_lost(kiosk.clock.now())
    kiosk.clock.advance(seconds=25)
    kiosk.engine.shell_back(kiosk.clock.now())
    kiosk.clock.advance(seconds=25)
    kiosk.engine.shell_lost(kiosk.clock.now())
    kiosk.activity()
    assert kiosk.after(seconds=SHELL_GRACE_SECONDS - 1) == []
    assert kiosk.after(seconds=1)[-1] == SessionEnded(EndReason.SHELL_LOST, SYSTEM)


@pytest.mark.parametrize("state", [S.WARNED, S.FINAL, S.IDLE])
def test_a_lost_shell_ends_the_session_in_every_session_state(kiosk, state) -> None:
    kiosk.reach(state)
    kiosk.engine.shell_lost(kiosk.clock.now())
    events = kiosk.after(seconds=SHELL_GRACE_SECONDS)
    assert events[0] == StateChanged(state, S.ENDING)
    assert events[1].reason in (EndReason.SHELL_LOST, EndReason.TIME_UP, EndReason.IDLE)


def test_a_lost_shell_on_the_rules_screen_frees_the_pc(kiosk) -> None:
    kiosk.login()
    kiosk.engine.shell_lost(kiosk.clock.now())
    assert kiosk.after(seconds=SHELL_GRACE_SECONDS) == [
        StateChanged(S.RULES, S.WAITING),
        RulesAbandoned(declined=False),
    ]


# -- after the session -------------------------------------------------------------------


def test_ending_wiping_done_then_free_after_the_receipt_time(kiosk) -> None:
    kiosk.start()
    kiosk.end()
    now = kiosk.clock.now
    assert kiosk.tick() == []  # the wipe is the agent's move, not the clock's
    assert kiosk.engine.wipe_started(now()) == [StateChanged(S.ENDING, S.WIPING), WipeStarted()]
    assert kiosk.after(minutes=5) == []
    assert kiosk.engine.wipe_finished(now(), RECEIPT) == [
        StateChanged(S.WIPING, S.DONE),
        WipeFinished(RECEIPT),
    ]
    assert kiosk.engine.snapshot.receipt == RECEIPT
    assert kiosk.after(seconds=DONE_SCREEN_SECONDS - 1) == []
    assert kiosk.after(seconds=1) == [StateChanged(S.DONE, S.WAITING), ReadyForNextVisitor()]
    assert kiosk.engine.snapshot.receipt is None
    assert kiosk.engine.session is None
    assert kiosk.login()[0] == StateChanged(S.WAITING, S.RULES)


def test_the_next_visitor_may_dismiss_the_receipt(kiosk) -> None:
    kiosk.reach(S.DONE)
    kiosk.clock.advance(seconds=3)
    assert kiosk.engine.dismiss_receipt(kiosk.clock.now()) == [
        StateChanged(S.DONE, S.WAITING),
        ReadyForNextVisitor(),
    ]
    assert kiosk.engine.snapshot.receipt is None
    assert kiosk.after(seconds=DONE_SCREEN_SECONDS) == []


def test_the_ended_session_is_kept_until_the_pc_is_free(kiosk) -> None:
    kiosk.start()
    kiosk.end()
    kiosk.engine.wipe_started(kiosk.clock.now())
    kiosk.engine.wipe_finished(kiosk.clock.now(), RECEIPT)
    assert kiosk.engine.session.end_reason is EndReason.VISITOR


# -- policy changes and clock jumps ------------------------------------------------------


def test_a_new_policy_does_not_move_a_running_deadline(kiosk, make_policy) -> None:
    kiosk.start()
    kiosk.busy(minutes=10)
    deadline = kiosk.engine.session.deadline_mono
    kiosk.engine.set_policy(make_policy({"session": {"length_minutes": 30}}))
    assert kiosk.engine.session.deadline_mono == deadline
    assert kiosk.busy(minutes=25) == []
    assert kiosk.seconds_left() == 25 * 60
    kiosk.busy(minutes=25)
    kiosk.engine.wipe_started(kiosk.clock.now())
    kiosk.engine.wipe_finished(kiosk.clock.now(), RECEIPT)
    kiosk.engine.dismiss_receipt(kiosk.clock.now())
    # The next session follows the new policy.
    assert kiosk.start()[-1].seconds == 30 * 60


def test_a_new_policy_during_the_rules_applies_to_that_session(kiosk, make_policy) -> None:
    kiosk.login()
    kiosk.engine.set_policy(make_policy({"session": {"length_minutes": 45}}))
    assert kiosk.accept()[-1].seconds == 45 * 60


@pytest.mark.parametrize("state", [S.ACTIVE, S.WARNED, S.FINAL, S.IDLE])
def test_a_suspended_pc_ends_the_session_at_the_next_tick(kiosk, state) -> None:
    kiosk.reach(state)
    kiosk.clock.advance(minutes=120)  # the PC slept for 2 hours
    kiosk.activity()  # the visitor wakes it up
    before = kiosk.state
    assert kiosk.tick() == time_up(before)
    session = kiosk.engine.session
    assert session.deadline_mono - session.started_mono == 3600
    assert kiosk.seconds_left() is None


def test_a_jump_over_several_warnings_gives_one(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=5)
    kiosk.clock.advance(minutes=52)
    kiosk.activity()
    assert kiosk.tick() == [StateChanged(S.ACTIVE, S.WARNED), Warned(5, 180)]
    assert kiosk.engine.session.warnings_given == {10, 5}


def test_a_jump_on_the_rules_screen_frees_the_pc(kiosk) -> None:
    kiosk.login()
    kiosk.clock.advance(minutes=120)
    assert kiosk.tick() == [StateChanged(S.RULES, S.WAITING), RulesAbandoned(declined=False)]


def test_a_jump_on_the_receipt_screen_frees_the_pc(kiosk) -> None:
    kiosk.reach(S.DONE)
    kiosk.clock.advance(minutes=120)
    assert kiosk.tick() == [StateChanged(S.DONE, S.WAITING), ReadyForNextVisitor()]
