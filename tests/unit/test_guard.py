"""The guard on secrets typed at a kiosk: some tries free, then a wait that doubles up to
15 minutes, one wrong try forgotten per 15 minutes, a clock set back never helps."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from epn_shared.wrong_tries import (
    WRONG_CODE_RULE,
    GuardRule,
    WrongTries,
    most_tries,
    taken_back,
)

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
PC = WRONG_CODE_RULE


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def wrong(rule: GuardRule, times: int, when: dt.datetime = T0) -> WrongTries:
    """``times`` wrong tries counted at ``when`` (as parallel reservations would be)."""
    tries = WrongTries()
    for _ in range(times):
        tries = rule.counted(tries, when)
    return tries


def test_three_tries_are_free_then_the_wait_doubles_up_to_15_minutes() -> None:
    assert [PC.wait(wrong(PC, n), T0) for n in range(3)] == [0, 0, 0]
    waits = []
    tries = wrong(PC, 3)
    now = T0
    for _ in range(8):
        wait = PC.wait(tries, now)
        waits.append(wait)
        assert PC.wait(tries, now + dt.timedelta(seconds=wait - 1)) == 1
        now += dt.timedelta(seconds=wait)
        tries = PC.counted(tries, now)
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]


def test_one_wrong_try_is_forgotten_per_15_minutes_without_a_new_one() -> None:
    tries = wrong(PC, 5)  # next try waits 120 s
    assert PC.remembered(tries, at(899)) == 5
    assert PC.remembered(tries, at(900)) == 4
    assert PC.remembered(tries, at(3 * 900)) == 2
    assert PC.wait(tries, at(3 * 900)) == 0
    assert PC.remembered(tries, at(10 * 900)) == 0
    # A new wrong try starts the quarter of an hour again: the part already waited is lost.
    later = PC.counted(tries, at(1799))
    assert later == WrongTries(5, at(1799))
    assert PC.remembered(later, at(1799 + 899)) == 5


def test_a_clock_set_back_counts_as_now() -> None:
    tries = wrong(PC, 3)
    back = T0 - dt.timedelta(days=1)
    assert PC.wait(tries, back) == 30, "the wait starts again from the clock's new time"
    assert PC.remembered(tries, back) == 3
    assert PC.counted(tries, back) == WrongTries(4, back)


def test_a_right_answer_gives_back_its_reservation_exactly() -> None:
    before = wrong(PC, 2, at(-100))
    reserved = PC.counted(before, T0)
    assert taken_back(reserved, before, reserved) == before


def test_a_reservation_given_back_after_other_tries_removes_one_and_keeps_the_newest() -> None:
    before = wrong(PC, 1)
    mine = PC.counted(before, at(1))
    other = PC.counted(mine, at(2))  # a parallel try, counted meanwhile and wrong
    assert taken_back(other, before, mine) == WrongTries(2, at(2))
    assert taken_back(WrongTries(), before, mine) == WrongTries(0, None)


def test_the_guesser_at_one_pc_gets_4_tries_an_hour_after_a_first_burst() -> None:
    first_hour = most_tries(PC, 3600)
    # 3 free, 5 more after 30+60+120+240+480 s = 930 s, then one per 900 s.
    assert first_hour == 3 + 5 + (3600 - 930) // 900
    day, two_days = most_tries(PC, 86400), most_tries(PC, 2 * 86400)
    assert day == 3 + 5 + (86400 - 930) // 900 == 102
    assert two_days - day == 96, "sustained: 4 an hour"


@settings(max_examples=200, deadline=None)
@given(
    free=st.integers(1, 6),
    extra_waits=st.lists(st.integers(0, 2000), min_size=1, max_size=40),
)
def test_waiting_longer_than_needed_never_gives_more_tries(
    free: int, extra_waits: list[int]
) -> None:
    """Whatever a guesser waits between tries, no more fit in a window than by trying as
    soon as allowed (what :func:`most_tries` counts)."""
    rule = GuardRule(free_tries=free)
    tries, now, made = WrongTries(), T0, 0
    for extra in extra_waits:
        now += dt.timedelta(seconds=rule.wait(tries, now) + extra)
        tries = rule.counted(tries, now)
        made += 1
    window = (now - T0).total_seconds()
    assert made <= most_tries(rule, window)


@settings(max_examples=200, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(-3600, 3600), st.booleans()), max_size=60))
def test_no_try_is_checked_while_the_guard_makes_tries_wait(
    steps: list[tuple[int, bool]],
) -> None:
    """Clock jumps both ways, right and wrong answers: a try reaches its check only when
    ``wait`` is 0, and a right answer never leaves fewer wrong tries than before it."""
    tries, now = WrongTries(), T0
    for jump, right in steps:
        now += dt.timedelta(seconds=jump)
        if PC.wait(tries, now) > 0:
            continue
        reserved = PC.counted(tries, now)
        if right:
            after = taken_back(reserved, tries, reserved)
            assert after == tries
        else:
            after = reserved
            assert PC.remembered(after, now) == PC.remembered(tries, now) + 1
        tries = after
